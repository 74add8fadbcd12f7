"""`gcal conflicts [START [END]]`: am I double-booked? Groups of overlapping busy events across
my calendars and profiles (`gcal.core.conflicts` decides what is busy and what overlaps).

The events come as the agenda reads them (the API, or the stores with --offline/--cached; several
profiles merged, a meeting seen from two accounts once). Without --calendar/--all-calendars
only the agenda's calendars that are mine (owner or writer) count: another person's calendar
shared with me, a holiday calendar or a free/busy view does not book my time.
"""

from __future__ import annotations

import datetime
import sys
from typing import Any, Dict, List, Optional, Sequence, TextIO

from gcal.commands.agenda_profiles import PROFILE_KEY, SourceFor, open_agenda
from gcal.core import conflicts as core
from gcal.core.calendars import calendar_name
from gcal.core.merge import event_span
from gcal.core.sanitize import encodable, json_text, one_line
from gcal.core.span import Span
from gcal.settings import Settings

DEFAULT_DAYS = 14
MY_ROLES = ("owner", "writer")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def run(
    profiles: Sequence[Settings],
    span: Span,
    zone: datetime.tzinfo,
    *,
    all_day: bool = False,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    source_for: Optional[SourceFor] = None,
    fail: bool = False,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """Print the conflicts of `span`; the exit code: the worst failed calendar's, else 1 with
    `fail` when there is a conflict, else 0."""
    from gcal.render.formats import default_format
    from gcal.render.terminal import isatty

    out = out or sys.stdout
    err = err or sys.stderr
    fmt = profiles[0].format or default_format(isatty(out))
    if fmt == "ics":
        from gcal.errors import UsageError
        from gcal.render.formats import ics_refusal

        raise UsageError(ics_refusal("conflicts"))
    agenda, close = open_agenda(
        profiles,
        span,
        zone,
        source_for=source_for,
        calendars=calendars,
        all_calendars=all_calendars,
        no_declined=True,
    )
    try:
        rows = list(agenda)
    finally:
        close()
    chosen = bool(calendars) or all_calendars
    rows = [
        row
        for row in rows
        if (chosen or row.calendar.get("accessRole") in MY_ROLES)
        and core.is_busy(row.event, all_day=all_day)
    ]

    def span_of(row: Any) -> Any:
        start, end = event_span(row.event, zone)
        if start is None or end is None:
            return None
        return max(start, span.start.timestamp()), min(end, span.end.timestamp())

    def identity(row: Any) -> Any:
        uid = row.event.get("iCalUID")
        return uid if isinstance(uid, str) and uid else None

    found = core.groups(rows, span_of, identity)
    several = len(profiles) > 1
    write(fmt, out, found, zone, several=several, csv_raw=profiles[0].csv_raw)
    if not found and not agenda.failures and fmt == "table":
        last = (span.end - datetime.timedelta(seconds=1)).astimezone(zone)
        first = span.start.astimezone(zone)
        out.write(f"No conflicts from {first:%a %Y-%m-%d} to {last:%a %Y-%m-%d}.\n")
        out.flush()
    for failure in agenda.failures:
        err.write(f"gcal: error: {failure.line()}\n")
    err.flush()
    code = agenda.exit_code()
    if code:
        return code
    return 1 if fail and found else 0


def _iso(ts: float, zone: datetime.tzinfo) -> str:
    from gcal.core.timespec import to_rfc3339

    return to_rfc3339(datetime.datetime.fromtimestamp(ts, zone))


def to_json(group: core.Group[Any], zone: datetime.tzinfo, several: bool) -> Dict[str, Any]:
    events = []
    for row in group.items:
        item = {
            "calendarId": row.calendar_id,
            "id": row.event.get("id"),
            "summary": row.event.get("summary"),
            "start": row.event.get("start"),
            "end": row.event.get("end"),
        }
        if several:
            item["profile"] = row.calendar.get(PROFILE_KEY)
        events.append(item)
    return {"start": _iso(group.start, zone), "end": _iso(group.end, zone), "events": events}


def _clock(ts: float, zone: datetime.tzinfo, day: Optional[datetime.date] = None) -> str:
    dt = datetime.datetime.fromtimestamp(ts, zone)
    if day is not None and dt.date() == day:
        return f"{dt:%H:%M}"
    return f"{_WEEKDAYS[dt.weekday()]} {dt:%Y-%m-%d %H:%M}"


def describe(group: core.Group[Any], zone: datetime.tzinfo, several: bool) -> List[str]:
    """A group for a person: its overlap, then each event with its own times."""
    first = datetime.datetime.fromtimestamp(group.start, zone)
    head = (
        f"{_clock(group.start, zone)}–{_clock(group.end, zone, first.date())}  "
        f"{len(group.items)} events overlap"
    )
    lines = [head]
    for row in group.items:
        start, end = event_span(row.event, zone)
        when = f"{_clock(start or 0, zone)}–{_clock(end or 0, zone, first.date())}"
        name = calendar_name(row.calendar)
        if several:
            name = f"{row.calendar.get(PROFILE_KEY)}: {name}"
        title = row.event.get("summary") or "(no title)"
        lines.append(f"  {when}  {one_line(title)}  · {one_line(name)}")
    return lines


CSV_COLUMNS = (
    "group",
    "overlap_start",
    "overlap_end",
    "calendar_id",
    "id",
    "summary",
    "start",
    "end",
)


def write(
    fmt: str,
    out: TextIO,
    found: List[core.Group[Any]],
    zone: datetime.tzinfo,
    *,
    several: bool = False,
    csv_raw: bool = False,
) -> None:
    from gcal.render.terminal import isatty

    terminal = isatty(out)
    if fmt == "json":
        data = [to_json(g, zone, several) for g in found]
        out.write(json_text(data, terminal=terminal, indent=2) + "\n")
    elif fmt == "ndjson":
        for group in found:
            out.write(json_text(to_json(group, zone, several), terminal=terminal) + "\n")
    elif fmt in ("csv", "tsv"):
        from gcal.render.formats import RowWriter

        writer = RowWriter(out, fmt, raw=csv_raw, terminal=terminal)
        writer.writerow(CSV_COLUMNS)
        for n, group in enumerate(found, 1):
            for item in to_json(group, zone, several)["events"]:
                start, end = item["start"] or {}, item["end"] or {}
                cells = [
                    str(n),
                    _iso(group.start, zone),
                    _iso(group.end, zone),
                    str(item["calendarId"] or ""),
                    str(item["id"] or ""),
                    str(item["summary"] or ""),
                    str(start.get("dateTime") or start.get("date") or ""),
                    str(end.get("dateTime") or end.get("date") or ""),
                ]
                writer.writerow(cells)
    else:
        from gcal.render.lines import fold
        from gcal.render.terminal import terminal_width

        encoding = getattr(out, "encoding", None)
        width = terminal_width(out)
        for n, group in enumerate(found):
            if n:
                out.write("\n")
            for line in describe(group, zone, several):
                out.write(encodable(fold(line, width), encoding) + "\n")
    out.flush()
