"""The detail of one event for people (`gcal show`): what a reader of an agenda wants next.

    Weekly sync
    When       Tue 8 Dec 2026, 10:00–10:30
    Repeats    weekly on Tue, 12 times; except 2026-11-24 10:00
    Where      Room Babbage
    Video      https://meet.google.com/abc-defg-hij
    Calendar   Ada Lovelace
    Organizer  Ada Lovelace <ada@example.com> (you)
    Guests     5: 2 yes, 1 maybe, 1 no, 1 awaiting
               ✓ Ada Lovelace <ada@example.com> (you, organizer)
               ...
    Reminders  popup 10 minutes before
    Link       https://www.google.com/calendar/event?eid=...
    Id         weeklysync_20261208T090000Z

    Status, blockers, next steps.

Times in the display zone (said once, on the When line when it is not the event's own).
Lines for absent fields are left out; a private event seen without its details shows
`(no title)` and what the API gave. `detail_lines` is pure (list of (label, text, style));
`write_detail` prints them with rich, escaping control characters.
"""

from __future__ import annotations

import datetime
import html
import re
from typing import Any, Dict, List, Optional, TextIO, Tuple

from gcal.core.attendance import sorted_attendees
from gcal.core.calendars import calendar_name
from gcal.core.days import clock_range, day_slots
from gcal.core.eventtime import event_start, is_all_day, same_time
from gcal.core.rrule import describe_recurrence
from gcal.render.celltext import BUSY, CANCELLED_MARK, NO_TITLE, _clean

__all__ = ["detail_lines", "write_detail"]

Line = Tuple[str, str, str]  # (label, text, style name)

_MARKS = {"accepted": "✓", "declined": "✗", "tentative": "?", "needsAction": "·"}
_WORDS = {"accepted": "yes", "tentative": "maybe", "declined": "no", "needsAction": "awaiting"}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(day: datetime.date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def when_text(event: Dict[str, Any], zone: datetime.tzinfo) -> str:
    """`Tue 8 Dec 2026, 10:00–10:30`, `Fri 4 Dec 2026 (all day)`, or a range over days."""
    start = event_start(event)
    slots = day_slots(event, zone)
    if not slots:
        value = start.get("dateTime") or start.get("date") if isinstance(start, dict) else None
        return _clean(value) if value else "(no time)"
    first, last = slots[0], slots[-1]
    if is_all_day(start):
        if first.day == last.day:
            return f"{_day(first.day)} (all day)"
        return f"{_day(first.day)} – {_day(last.day)} (all day, {first.total} days)"
    begins = first.starts
    ends = last.ends
    if begins is None:
        return _clean(start.get("dateTime"))
    if ends is None or first.day == last.day:
        if ends is None or ends == begins:
            return f"{_day(first.day)}, {begins:%H:%M}"
        return f"{_day(first.day)}, {clock_range(begins, ends)}"
    return f"{_day(first.day)}, {begins:%H:%M} – {_day(last.day)}, {ends:%H:%M}"


def _person(who: Any, me: str = "you") -> str:
    if not isinstance(who, dict):
        return ""
    name, email = who.get("displayName"), who.get("email")
    text = f"{name} <{email}>" if name and email else (name or email or "")
    notes = []
    if who.get("self") in (True, "true"):
        notes.append(me)
    if who.get("organizer") in (True, "true"):
        notes.append("organizer")
    if who.get("optional") in (True, "true"):
        notes.append("optional")
    if who.get("resource") in (True, "true"):
        notes.append("room")
    if isinstance(who.get("additionalGuests"), int) and who["additionalGuests"] > 0:
        notes.append(f"+{who['additionalGuests']}")
    return _clean(text) + (f" ({', '.join(notes)})" if notes else "")


def _video(event: Dict[str, Any]) -> Optional[str]:
    data = event.get("conferenceData")
    if isinstance(data, dict):
        for point in data.get("entryPoints") or []:
            if (
                isinstance(point, dict)
                and point.get("entryPointType") == "video"
                and point.get("uri")
            ):
                return str(point["uri"])
    link = event.get("hangoutLink")
    return str(link) if link else None


def _reminders(event: Dict[str, Any], calendar: Dict[str, Any]) -> Optional[str]:
    reminders = event.get("reminders")
    if not isinstance(reminders, dict):
        return None
    items = reminders.get("overrides")
    if reminders.get("useDefault") in (True, "true"):
        items = calendar.get("defaultReminders")
        if not isinstance(items, list):
            return "the calendar's default"
    if not isinstance(items, list) or not items:
        return "none"
    parts = []
    for item in items:
        if not isinstance(item, dict):
            continue
        minutes = item.get("minutes")
        method = item.get("method", "")
        if isinstance(minutes, int):
            if minutes and minutes % 1440 == 0:
                ahead = f"{minutes // 1440} day{'s' if minutes != 1440 else ''}"
            elif minutes and minutes % 60 == 0:
                ahead = f"{minutes // 60} hour{'s' if minutes != 60 else ''}"
            else:
                ahead = f"{minutes} minute{'s' if minutes != 1 else ''}"
            parts.append(f"{method} {ahead} before".strip())
    return ", ".join(parts) or "none"


_TAG_RE = re.compile(r"<[^>]+>")
_BREAK_RE = re.compile(r"<\s*(br|/p|/div|/li)\s*/?\s*>", re.IGNORECASE)


def plain_description(text: Any) -> str:
    """Google stores descriptions as plain text or as a little HTML: show it as text."""
    if not isinstance(text, str):
        return ""
    if "<" in text and ">" in text:
        text = _BREAK_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
        text = html.unescape(text)
    return text.strip()


def detail_lines(
    event: Dict[str, Any],
    zone: datetime.tzinfo,
    *,
    calendar: Optional[Dict[str, Any]] = None,
    series: Optional[Dict[str, Any]] = None,
    upcoming: Optional[Dict[str, Any]] = None,
) -> List[Line]:
    """The labelled lines of the detail view. `series` is the recurring master of an instance
    (for its rule, and the title of a cancelled instance, which carries none); `calendar` the
    calendar-list entry (for its name, default reminders and access role); `upcoming` a
    series' next occurrence (When shows it, then the first one), as the listings read them."""
    calendar = calendar or {}
    lines: List[Line] = []
    title = event.get("summary")
    cancelled = event.get("status") == "cancelled"
    if not title and cancelled and isinstance(series, dict):
        title = series.get("summary")
    if title:
        text = _clean(title)
        if cancelled:  # as `gcal events` shows it
            text = f"{CANCELLED_MARK} {text} (cancelled)"
        lines.append(("", text, "title"))
    elif calendar.get("accessRole") == "freeBusyReader":
        lines.append(("", BUSY, "none"))  # details are not shared: as the agenda says it
    else:
        lines.append(("", NO_TITLE, "none"))
    if cancelled:
        lines.append(("Status", "cancelled", "red"))
    elif event.get("status") == "tentative":
        lines.append(("Status", "tentative", "yellow"))
    if isinstance(upcoming, dict) and isinstance(event.get("recurrence"), list):
        lines.append(("When", "next " + when_text(upcoming, zone), "cyan"))
        lines.append(("First", when_text(event, zone), ""))
    else:
        lines.append(("When", when_text(event, zone), "cyan"))
    original = event.get("originalStartTime")
    if isinstance(original, dict) and event.get("status") != "cancelled":
        moved = {"start": original, "end": original}
        if same_time(original, event_start(event)) is False:
            lines.append(("Moved from", when_text(moved, zone), "yellow"))
    rules = event.get("recurrence")
    if not isinstance(rules, list) and isinstance(series, dict):
        rules = series.get("recurrence")
    if isinstance(rules, list) and rules:
        # exceptions and UNTIL in the display zone, like the When line (and the listings)
        words = describe_recurrence([str(r) for r in rules if r is not None], zone)
        lines.append(("Repeats", _clean("; ".join(words)), ""))
    elif event.get("recurringEventId"):
        lines.append(("Repeats", f"an occurrence of {_clean(event['recurringEventId'])}", ""))
    if event.get("location"):
        lines.append(("Where", _clean(event["location"]), ""))
    video = _video(event)
    if video:
        lines.append(("Video", _clean(video), "link"))
    if calendar.get("id") or calendar.get("summary"):
        lines.append(("Calendar", _clean(calendar_name(calendar)), ""))
    if event.get("organizer"):
        lines.append(("Organizer", _person(event["organizer"]), ""))
    people = sorted_attendees(event)
    if people:
        counts: Dict[str, int] = {}
        for person in people:
            status = person.get("responseStatus", "needsAction")
            counts[status] = counts.get(status, 0) + 1
        summary = ", ".join(
            f"{counts[s]} {_WORDS[s]}"
            for s in ("accepted", "tentative", "declined", "needsAction")
            if counts.get(s)
        )
        more = " (more not shown)" if event.get("attendeesOmitted") in (True, "true") else ""
        lines.append(("Guests", f"{len(people)}: {summary}{more}", ""))
        for person in people:
            mark = _MARKS.get(person.get("responseStatus", ""), "·")
            style = "dim" if person.get("responseStatus") == "declined" else ""
            lines.append(("", f"{mark} {_person(person)}", style))
    elif event.get("attendeesOmitted") in (True, "true"):
        lines.append(("Guests", "not shown", "dim"))
    reminders = _reminders(event, calendar)
    if reminders:
        lines.append(("Reminders", reminders, ""))
    if event.get("eventType") not in (None, "default"):
        lines.append(("Type", _clean(event.get("eventType")), ""))
    if event.get("visibility") in ("private", "confidential"):
        lines.append(("Visibility", _clean(event.get("visibility")), ""))
    if event.get("htmlLink"):
        lines.append(("Link", _clean(event["htmlLink"]), "link"))
    if event.get("id"):
        lines.append(("Id", _clean(event["id"]), "dim"))
    description = plain_description(event.get("description"))
    if description:
        lines.append(("", "", ""))
        lines.append(("", _clean(description), "description"))
    return lines


_STYLES = {
    "title": "bold",
    "none": "italic dim",
    "cyan": "cyan",
    "red": "red",
    "yellow": "yellow",
    "link": "blue underline",
    "dim": "dim",
    "description": "",
}


def write_detail(
    out: TextIO,
    lines: List[Line],
    event: Dict[str, Any],
    *,
    zone_name: Optional[str] = None,
    color: bool = False,
    width: Optional[int] = None,
    hyperlinks: bool = False,
) -> None:
    """Print `detail_lines` as a two-column layout (labels, values), wrapped to the width.
    Links are never wrapped (so they can be copied whole, however narrow the terminal) and,
    with `hyperlinks`, are OSC 8 hyperlinks a terminal opens with a click."""
    from rich.table import Table
    from rich.text import Text

    from gcal.render.base import _Sink
    from gcal.render.console import make_console
    from gcal.render.terminal import hyperlink

    sink = _Sink(out)
    console = make_console(sink, color=color, width=width)

    def style(name: str) -> str:
        return (_STYLES.get(name, name) or "") if color else ""

    label_width = max((len(label) for label, _, _ in lines[1:]), default=0)
    head = lines[0] if lines else ("", NO_TITLE, "none")
    pieces: List[str] = []

    def render(renderable: Any) -> None:
        with console.capture() as captured:
            console.print(renderable)
        pieces.append(captured.get())

    def new_table() -> Any:
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
        table.add_column(no_wrap=True, style=style("dim"), width=label_width or None)
        table.add_column(overflow="fold")
        return table

    render(Text(head[1], style=style(head[2])))
    table, rows = new_table(), 0
    body: List[Any] = []
    for label, text, name in lines[1:]:
        if name == "description" or (not label and not text):
            body.append(Text(text, style=style(name)))
            continue
        if label == "When" and zone_name and not is_all_day(event_start(event)):
            text = f"{text}  ({zone_name})"
        if name == "link":  # a line of its own, as long as the link
            if rows:
                render(table)
                table, rows = new_table(), 0
            label_text = Text(label.ljust(label_width) + "  ", style=style("dim"))
            with console.capture() as captured:
                console.print(label_text, end="")
            link = Text(text, style=style(name))
            with console.capture() as shown:
                console.print(link, end="", no_wrap=True, overflow="ignore", crop=False)
            pieces.append(captured.get() + hyperlink(shown.get(), text, hyperlinks) + "\n")
            continue
        table.add_row(label, Text(text, style=style(name)))
        rows += 1
    if rows:
        render(table)
    for part in body:
        render(part)
    # rich pads every cell to its column: trailing blanks only get in the way of a copy
    text = "".join(pieces)
    sink.write("".join(line.rstrip(" ") + "\n" for line in text.splitlines()))
    sink.flush()
