"""`gcal next` for status bars: waybar (its JSON parsed), i3blocks, polybar and tmux markup,
--template keys, hostile text escaped per format, empty output when nothing is ahead."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, Dict, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core import statusbar
from gcal.emulator.demo import default_anchor
from runner import run

UTC = datetime.timezone.utc
NOW = datetime.datetime(2030, 3, 4, 12, 5, tzinfo=UTC)
HOSTILE = '<b>A&B</b> "q" %{F#f00}red%{F-} #[fg=red]x #(rm -rf ~)\n\x1b]52;c;x\x07 50%'


def upcoming(summary: Any = "Sync", start_min: int = 10, length: int = 30, **extra: Any):
    start = NOW + datetime.timedelta(minutes=start_min)
    end = start + datetime.timedelta(minutes=length)
    event = {
        "summary": summary,
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": end.isoformat()},
        **extra,
    }
    return ({"id": "cal", "summary": "Work"}, event, start.timestamp(), end.timestamp())


def test_waybar_is_one_json_object_with_class_and_percentage():
    soon = json.loads(statusbar.render("waybar", upcoming(start_min=10), NOW, UTC))
    assert soon == {
        "text": "12:15–12:45 Sync (in 10 min)",
        "tooltip": "12:15–12:45 Sync",
        "class": "soon",
        "percentage": 0,
    }
    going = json.loads(statusbar.render("waybar", upcoming(start_min=-15), NOW, UTC))
    assert going["class"] == "now" and going["percentage"] == 50
    later = json.loads(statusbar.render("waybar", upcoming(start_min=90), NOW, UTC))
    assert later["class"] == "later"


def test_each_format_escapes_its_own_markup():
    found = upcoming(HOSTILE)
    bar = json.loads(statusbar.render("waybar", found, NOW, UTC))
    for text in (bar["text"], bar["tooltip"]):
        assert "<" not in text and ">" not in text
        assert re.sub(r"&(amp|lt|gt);", "", text).count("&") == 0
        assert "\x1b" not in text and "\x07" not in text and "\n" not in text
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in bar["text"]

    lines = statusbar.render("i3blocks", found, NOW, UTC).split("\n")
    assert len(lines) == 3
    full, short, colour = lines
    assert "&lt;b&gt;" in full and "<" not in full + short
    assert re.fullmatch(r"#[0-9a-f]{6}", colour)

    poly = statusbar.render("polybar", found, NOW, UTC)
    assert poly.startswith("%{F#ffb86c}") and poly.endswith("%{F-}")
    inner = poly[len("%{F#ffb86c}") : -len("%{F-}")]
    assert re.search(r"(?<!%)%\{", inner) is None  # every %{ of the text is escaped
    assert not inner.endswith("%")

    tmux = statusbar.render("tmux", found, NOW, UTC)
    assert tmux.startswith("#[fg=yellow]") and tmux.endswith("#[default]")
    inner = tmux[len("#[fg=yellow]") : -len("#[default]")]
    assert re.sub("##", "", inner).count("#") == 0  # every # of the text is doubled


@settings(max_examples=60, deadline=None)
@given(summary=st.text(max_size=40))
def test_any_summary_stays_inside_its_markup(summary: str):
    found = upcoming(summary)
    bar = json.loads(statusbar.render("waybar", found, NOW, UTC))
    assert "<" not in bar["text"] and "\n" not in bar["text"]
    assert len(statusbar.render("i3blocks", found, NOW, UTC).split("\n")) == 3
    tmux = statusbar.render("tmux", found, NOW, UTC)
    assert re.sub("##", "", tmux[len("#[fg=yellow]") : -len("#[default]")]).count("#") == 0
    poly = statusbar.render("polybar", found, NOW, UTC)
    assert re.search(r"(?<!%)%\{", poly[len("%{F#ffb86c}") : -len("%{F-}")]) is None


def test_template_keys():
    found = upcoming(
        "Review",
        start_min=-10,
        length=40,
        location="Room 1",
        hangoutLink="https://meet.google.com/abc-defg-hij",
    )
    template = (
        "{start:%H:%M}|{end:%H:%M}|{summary}|{location}|{calendar}|{minutes_until}|"
        "{minutes_left}|{conference_uri}"
    )
    assert statusbar.render(None, found, NOW, UTC, template=template) == (
        "11:55|12:35|Review|Room 1|Work|0|30|https://meet.google.com/abc-defg-hij"
    )
    # the values are escaped for the format, the template's own text is kept
    hostile = upcoming("<i>x</i> #y")
    assert statusbar.render("tmux", hostile, NOW, UTC, template="#[bold]{summary}").startswith(
        "#[fg=yellow]#[bold]<i>x</i> ##y"
    )
    for bad in ("{nope}", "{summary.__class__}", "{summary[0]}", "{start:%H", "{0}", " "):
        assert statusbar.check_template(bad), bad
    # a width no bar holds is refused, not a MemoryError; a date's digits are strftime text
    assert "at most 500" in statusbar.check_template("{summary:>99999999999}")
    assert statusbar.check_template("{minutes_left:.99999999}")
    assert statusbar.check_template("{summary:>40.30} {minutes_until:03d}") is None
    assert statusbar.check_template("{start:%H:%M 20261207}") is None
    assert statusbar.check_template(template) is None


def _demo(*args: str, at: datetime.datetime, tmp_path) -> Any:
    env = {
        "GCAL_CACHE_DIR": str(tmp_path / "cache"),
        "GCAL_CONFIG_DIR": str(tmp_path / "config"),
        "GCAL_EMULATOR_NOW": at.isoformat(),
    }
    return run(["--demo", *args, "--time-zone", "UTC"], env=env)


def _monday(hour: int, minute: int) -> datetime.datetime:
    anchor = default_anchor()
    return datetime.datetime.combine(anchor, datetime.time(hour, minute), tzinfo=UTC)


def test_waybar_from_the_demo(tmp_path):
    # the demo's Zoom call runs 11:50-12:35 UTC on the Monday of its week, a pinned clock
    result = _demo("next", "--format", "waybar", at=_monday(12, 5), tmp_path=tmp_path)
    assert result.code == 0, result
    assert result.out.count("\n") == 1
    bar = json.loads(result.out)
    assert bar["text"] == "11:50–12:35 Customer call (Zoom) (now, 30 min left)"
    assert bar["class"] == "now" and bar["percentage"] == 33
    tooltip: List[str] = bar["tooltip"].split("\n")
    assert tooltip[0] == "11:50–12:35 Customer call (Zoom)"
    assert "12:10–12:40 Design review" in tooltip
    assert all(re.match(r"\d\d:\d\d–\d\d:\d\d ", line) for line in tooltip)
    # answered from the store (--cached is these formats' default): a second run syncs nothing
    again = _demo("next", "--format", "waybar", "--offline", at=_monday(12, 5), tmp_path=tmp_path)
    assert json.loads(again.out) == bar


@pytest.mark.parametrize("fmt", ["waybar", "i3blocks", "polybar", "tmux", None])
def test_nothing_ahead_is_empty_output_and_exit_0(tmp_path, fmt):
    args = ["next", "--calendar", "Holidays in Germany", "--within", "1h"]
    args += ["--format", fmt] if fmt else ["--template", "{summary}"]
    result = _demo(*args, at=_monday(12, 5), tmp_path=tmp_path)
    assert (result.code, result.out) == (0, ""), result


def test_usage_errors(tmp_path):
    checks: Dict[str, List[str]] = {
        "unknown key": ["next", "--template", "{bogus}"],
        "does not go with": ["next", "--format", "json", "--template", "{summary}"],
        "is for 'gcal next'": ["agenda", "--format", "waybar"],
    }
    for needle, args in checks.items():
        result = _demo(*args, at=_monday(12, 5), tmp_path=tmp_path)
        assert result.code == 2, (args, result)
        assert needle in result.err
