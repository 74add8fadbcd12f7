"""`gcal invites`: the upcoming events still waiting for my answer (my attendee entry says
`needsAction`), across the agenda's calendars and profiles, soonest first.

The table gives each its time (display zone), title, organizer and calendar, and how to
answer: `gcal rsvp CALENDAR_ID EVENT_ID yes|no|maybe` where gcal has that command, else the
event's Google Calendar link. json/ndjson/csv/tsv are the agenda's rows for these events.
"""

from __future__ import annotations

import datetime
import sys
from typing import Any, Dict, Optional, Sequence, TextIO

from gcal.commands.agenda_profiles import PROFILE_KEY, SourceFor, open_agenda
from gcal.core.attendance import my_response
from gcal.core.calendars import calendar_name
from gcal.core.merge import event_span
from gcal.core.sanitize import encodable, one_line
from gcal.core.span import Span
from gcal.settings import Settings

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def awaiting(event: Any) -> bool:
    return (
        isinstance(event, dict)
        and event.get("status") != "cancelled"
        and my_response(event) == "needsAction"
    )


def organizer(event: Dict[str, Any]) -> str:
    person = event.get("organizer") or {}
    if not isinstance(person, dict):
        return ""
    name, email = person.get("displayName"), person.get("email")
    if name and email:
        return f"{name} <{email}>"
    return str(name or email or "")


def hint(calendar: Dict[str, Any], event: Dict[str, Any], rsvp: bool) -> str:
    if rsvp:
        profile = calendar.get(PROFILE_KEY)
        prefix = f"gcal --profile {profile} rsvp" if profile else "gcal rsvp"
        return f"{prefix} {calendar.get('id')} {event.get('id')} yes|no|maybe"
    return str(event.get("htmlLink") or "")


def run(
    profiles: Sequence[Settings],
    zone: datetime.tzinfo,
    zone_name: Optional[str],
    *,
    now: datetime.datetime,
    days: float,
    rsvp: bool = False,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    source_for: Optional[SourceFor] = None,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    from gcal.render.formats import default_format
    from gcal.render.terminal import isatty

    out = out or sys.stdout
    err = err or sys.stderr
    fmt = profiles[0].format or default_format(isatty(out))
    start = now.astimezone(zone).replace(microsecond=0)
    span = Span(start, start + datetime.timedelta(days=days))
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
        rows = [row for row in agenda if awaiting(row.event)]
    finally:
        close()
    if fmt in ("json", "ndjson", "csv", "tsv"):
        from gcal.commands.agenda import write_agenda

        names = getattr(agenda, "names", None) or agenda.calendars
        write_agenda(fmt, out, rows, names, zone=zone, zone_name=zone_name, span=span)
    else:
        from gcal.render.lines import fold
        from gcal.render.terminal import terminal_width

        encoding = getattr(out, "encoding", None)
        width = terminal_width(out)
        for row in rows:
            first, _last = event_span(row.event, zone)
            when = datetime.datetime.fromtimestamp(first or 0, zone)
            title = one_line(row.event.get("summary") or "(no title)")
            parts = [f"{_WEEKDAYS[when.weekday()]} {when:%d %b %H:%M}", title]
            who = organizer(row.event)
            if who:
                parts.append(f"from {one_line(who)}")
            parts.append(one_line(calendar_name(row.calendar)))
            out.write(encodable(fold("  ".join(parts), width), encoding) + "\n")
            out.write(encodable("    " + one_line(hint(row.calendar, row.event, rsvp)), encoding))
            out.write("\n")
        if not rows and not agenda.failures:
            plural = "" if days == 1 else "s"
            out.write(f"No invitation awaits your answer in the next {days:g} day{plural}.\n")
    out.flush()
    for failure in agenda.failures:
        err.write(f"gcal: error: {failure.line()}\n")
    err.flush()
    return agenda.exit_code()
