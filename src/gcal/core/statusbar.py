"""`gcal next` for status bars: waybar, i3blocks, polybar and tmux, and `--template`.

Each format escapes its own markup characters in the event's text (which anyone who sends an
invitation writes), after `gcal.core.sanitize` has escaped controls and made it one line:

* waybar: one JSON object, `text` and `tooltip` in Pango markup (`&`, `<`, `>` escaped),
  `class` (`now`, `soon`: within 15 minutes, `later`) and `percentage` (of the meeting gone);
* i3blocks: three lines, full text, short text and colour; Pango-escaped (use `markup=pango`);
* polybar: `%{F#rrggbb}text%{F-}`, a literal `%{` written `%%{`;
* tmux: `#[fg=colour]text#[default]`, `#` written `##`.

A `--template` is Python's format syntax over the keys in `KEYS` (`{start:%H:%M}`,
`{minutes_until}`); only plain names (no `.attr` or `[index]`). The values are escaped, the
template's own text is the user's and kept as written.

Pure: the clock and the zone are passed in.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import string
from typing import Any, Callable, Dict, List, Optional, Sequence

from gcal.core.links import meeting_link
from gcal.core.sanitize import one_line
from gcal.core.upcoming import Upcoming, describe

__all__ = [
    "FORMATS",
    "KEYS",
    "SOON",
    "check_template",
    "render",
    "state",
    "template_values",
]

FORMATS = ("waybar", "i3blocks", "polybar", "tmux")
KEYS = (
    "summary",
    "start",
    "end",
    "location",
    "calendar",
    "minutes_until",
    "minutes_left",
    "conference_uri",
)
#: an event starting within this is `soon`
SOON = 15 * 60
COLOURS = {"now": "#ff5555", "soon": "#ffb86c", "later": "#8be9fd"}
TMUX_COLOURS = {"now": "red", "soon": "yellow", "later": "default"}


def pango(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def polybar_escape(text: str) -> str:
    """A literal `%{` is `%%{`; a `%` at the end gets a space, or the closing tag after it
    would read as an escaped one."""
    text = text.replace("%{", "%%{")
    return text + " " if text.endswith("%") else text


def tmux_escape(text: str) -> str:
    return text.replace("#", "##")


def plain(text: str) -> str:
    return text


def state(found: Upcoming, now: datetime.datetime) -> str:
    _calendar, _event, start, _end = found
    instant = now.timestamp()
    if start <= instant:
        return "now"
    return "soon" if start - instant <= SOON else "later"


def percentage(found: Upcoming, now: datetime.datetime) -> int:
    """How much of the meeting has gone, 0..100 (0 before it starts)."""
    _calendar, _event, start, end = found
    instant = now.timestamp()
    if start > instant or end <= start:
        return 0
    return max(0, min(100, int((instant - start) * 100 // (end - start))))


def template_values(
    found: Upcoming, now: datetime.datetime, zone: datetime.tzinfo
) -> Dict[str, Any]:
    calendar, event, start, end = found
    instant = now.timestamp()
    name = calendar.get("summaryOverride") or calendar.get("summary") or calendar.get("id")
    return {
        "summary": one_line(event.get("summary") or "(no title)"),
        "start": datetime.datetime.fromtimestamp(start, zone),
        "end": datetime.datetime.fromtimestamp(end, zone),
        "location": one_line(event.get("location") or ""),
        "calendar": one_line(name or ""),
        "minutes_until": max(0, math.ceil((start - instant) / 60)),
        "minutes_left": max(0, math.ceil((end - instant) / 60)),
        "conference_uri": one_line(meeting_link(event) or ""),
    }


#: the widest padding or precision a --template may ask of a value ({summary:>40})
MAX_WIDTH = 500


class _Formatter(string.Formatter):
    def __init__(self, escape: Callable[[str], str]) -> None:
        self.escape = escape

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if field_name not in KEYS:
            raise KeyError(field_name)
        return kwargs[field_name], field_name

    def format_field(self, value: Any, format_spec: str) -> str:
        if not isinstance(value, datetime.datetime):  # a date's spec is strftime's: no widths
            widths = [int(n) for n in re.findall(r"\d+", format_spec)]
            if widths and max(widths) > MAX_WIDTH:
                raise ValueError(
                    f"the width {max(widths)} in {{...:{format_spec}}} is more than a status "
                    f"bar holds (at most {MAX_WIDTH})"
                )
        return self.escape(one_line(format(value, format_spec)))


def check_template(template: str) -> Optional[str]:
    """None when the template is usable, else what is wrong with it (one line)."""
    if not template.strip():
        return "it is empty; e.g. '{start:%H:%M} {summary}'"
    sample = {
        "summary": "Weekly sync",
        "start": datetime.datetime(2024, 6, 4, 10, 0, tzinfo=datetime.timezone.utc),
        "end": datetime.datetime(2024, 6, 4, 10, 30, tzinfo=datetime.timezone.utc),
        "location": "Room",
        "calendar": "Work",
        "minutes_until": 5,
        "minutes_left": 35,
        "conference_uri": "https://meet.google.com/abc-defg-hij",
    }
    try:
        _Formatter(plain).vformat(template, (), sample)
    except KeyError as exc:
        return f"unknown key {{{exc.args[0]}}}; the keys are {', '.join(KEYS)}"
    except (ValueError, IndexError, TypeError, AttributeError) as exc:
        return str(exc) or type(exc).__name__
    return None


def _text(
    found: Upcoming,
    now: datetime.datetime,
    zone: datetime.tzinfo,
    template: Optional[str],
    escape: Callable[[str], str],
) -> str:
    if template is not None:
        return _Formatter(escape).vformat(template, (), template_values(found, now, zone))
    return escape(one_line(describe(found, now, zone)))


def _tooltip(today: Sequence[Upcoming], zone: datetime.tzinfo) -> str:
    lines: List[str] = []
    for _calendar, event, start, end in today:
        first = datetime.datetime.fromtimestamp(start, zone)
        last = datetime.datetime.fromtimestamp(end, zone)
        summary = one_line(event.get("summary") or "(no title)")
        lines.append(f"{first:%H:%M}–{last:%H:%M} {summary}")
    return "\n".join(lines)


def render(
    fmt: Optional[str],
    found: Upcoming,
    now: datetime.datetime,
    zone: datetime.tzinfo,
    *,
    template: Optional[str] = None,
    today: Sequence[Upcoming] = (),
) -> str:
    """The output (without the final newline) of `fmt` (a status-bar format, or None for the
    plain line of a --template)."""
    kind = state(found, now)
    if fmt == "waybar":
        text = _text(found, now, zone, template, pango)
        return json.dumps(
            {
                "text": text,
                "tooltip": pango(_tooltip(today or [found], zone)),
                "class": kind,
                "percentage": percentage(found, now),
            },
            ensure_ascii=False,
        )
    if fmt == "i3blocks":
        full = _text(found, now, zone, template, pango)
        _calendar, event, start, _end = found
        first = datetime.datetime.fromtimestamp(start, zone)
        summary = one_line(event.get("summary") or "(no title)")
        if len(summary) > 20:
            summary = summary[:19] + "…"
        short = pango(f"{first:%H:%M} {summary}")
        return f"{full}\n{short}\n{COLOURS[kind]}"
    if fmt == "polybar":
        text = _text(found, now, zone, template, polybar_escape)
        return f"%{{F{COLOURS[kind]}}}{text}%{{F-}}"
    if fmt == "tmux":
        text = _text(found, now, zone, template, tmux_escape)
        return f"#[fg={TMUX_COLOURS[kind]}]{text}#[default]"
    return _text(found, now, zone, template, plain)
