"""`gcal join [CALENDAR_ID EVENT_ID]`: open (or print) the meeting link of the event in
progress or starting within --within.

Without an event named, the agenda's calendars are read (from the API, or the store with
--offline/--cached) from now to now + within; the events in progress or starting in that
window, not declined, not cancelled, not all day, that have a link (`gcal.core.links`) are the
candidates. One: opened. Several: the caller's `choose` picks one (a numbered choice on a
terminal), or, without a terminal, exit 2 listing them. None: exit 4 in one line. Where no
browser can be started, the link is printed instead (stdout) with a note (stderr): exit 0.
"""

from __future__ import annotations

import datetime
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from gcal.commands.agenda_profiles import PROFILE_KEY, SourceFor, open_agenda
from gcal.core.attendance import is_declined
from gcal.core.eventtime import is_all_day
from gcal.core.links import meeting_link
from gcal.core.merge import event_span
from gcal.core.sanitize import one_line
from gcal.core.span import Span
from gcal.errors import NotFoundError, UsageError
from gcal.settings import Settings

#: (calendar entry, event, start, link)
Candidate = Tuple[Dict[str, Any], Dict[str, Any], float, str]


def label(
    candidate: Candidate, zone: datetime.tzinfo, today: Optional[datetime.date] = None
) -> str:
    """`11:50 Standup (cal id) link`; a meeting on another day than `today` gets its day."""
    calendar, event, start, link = candidate
    first = datetime.datetime.fromtimestamp(start, zone)
    when = f"{first:%H:%M}" if today is None or first.date() == today else f"{first:%a %d %b %H:%M}"
    summary = one_line(event.get("summary") or "(no title)")
    where = one_line(calendar.get("id"))
    profile = calendar.get(PROFILE_KEY)
    if profile:
        where = f"{one_line(profile)}:{where}"
    return f"{when} {summary} ({where} {one_line(event.get('id'))}) {one_line(link)}"


def _within(seconds: float) -> str:
    """`10 min`, `3h`, `2d`: the --within the messages speak of."""
    from gcal.core.freespec import format_duration

    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    return format_duration(datetime.timedelta(seconds=seconds))


def candidates(
    rows: Sequence[Tuple[Dict[str, Any], Dict[str, Any]]],
    now: float,
    until: float,
    zone: datetime.tzinfo,
) -> List[Candidate]:
    """The events going at `now` or starting before `until` that have a meeting link."""
    found: List[Candidate] = []
    for calendar, event in rows:
        if not isinstance(event, dict) or event.get("status") == "cancelled":
            continue
        if is_declined(event) or is_all_day(event.get("start")):
            continue
        start, end = event_span(event, zone)
        if start is None or end is None or start >= until or end <= now:
            continue
        link = meeting_link(event)
        if link:
            found.append((calendar, event, start, link))
    return found


def _named(settings: Settings, calendar_id: str, event_id: str) -> Candidate:
    from gcal.google import api

    client = api.connect(settings)
    event = api.execute(client, "show", {"calendarId": calendar_id, "eventId": event_id})
    link = meeting_link(event)
    if not link:
        summary = one_line(event.get("summary") or "(no title)")
        raise NotFoundError(f"the event {summary!r} has no meeting link")
    start, _end = event_span(event, datetime.timezone.utc)
    return ({"id": calendar_id}, event, start or 0.0, link)


def run(
    profiles: Sequence[Settings],
    zone: datetime.tzinfo,
    *,
    now: datetime.datetime,
    within: float,
    event: Optional[Tuple[str, str]] = None,
    print_only: bool = False,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    source_for: Optional[SourceFor] = None,
    choose: Optional[Callable[[List[str]], int]] = None,
    opener: Optional[Callable[[str], bool]] = None,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    code = 0
    if event is not None:
        found = [_named(profiles[0], *event)]
    else:
        start = now.astimezone(zone).replace(microsecond=0)
        until = now + datetime.timedelta(seconds=within)
        agenda, close = open_agenda(
            profiles,
            Span(start, until),
            zone,
            source_for=source_for,
            calendars=calendars,
            all_calendars=all_calendars,
            no_declined=True,
        )
        try:
            rows = [(row.calendar, row.event) for row in agenda]
        finally:
            close()
        for failure in agenda.failures:
            err.write(f"gcal: error: {failure.line()}\n")
        code = agenda.exit_code()
        found = candidates(rows, now.timestamp(), until.timestamp(), zone)
        if not found:
            if code:
                return code
            raise NotFoundError(
                f"no meeting link in an event in progress or starting within {_within(within)}"
            )
    chosen = found[0]
    if len(found) > 1:
        today = now.astimezone(zone).date()
        labels = [label(c, zone, today) for c in found]
        if choose is None:
            for number, text in enumerate(labels, 1):
                err.write(f"  {number}) {text}\n")
            err.flush()
            raise UsageError(
                f"{len(found)} meetings are in progress or starting within {_within(within)}: "
                "name one with 'gcal join CALENDAR_ID EVENT_ID'"
            )
        chosen = found[choose(labels)]
    link = chosen[3]
    if print_only:
        out.write(link + "\n")
        out.flush()
        return code
    import webbrowser

    try:
        opened = (opener or webbrowser.open)(link)
    except webbrowser.Error:
        opened = False
    if not opened:
        # over SSH, say: the link is the answer (as with --print), not a failure
        out.write(one_line(link) + "\n")
        out.flush()
        err.write("gcal: note: no browser could be started; open the link printed above\n")
        err.flush()
        return code
    err.write(f"gcal: opening {one_line(link)}\n")
    err.flush()
    return code
