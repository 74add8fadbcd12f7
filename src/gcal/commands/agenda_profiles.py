"""`gcal agenda --profile work --profile personal` (or `--all-profiles`): several accounts'
agendas merged into one.

Each profile is opened at once on its own thread (its token, its calendar list, then its
events listings, which `gcal.google.fetch` runs concurrently), and the listings of every
profile are merged as one agenda's are. A meeting that several accounts attend (same iCalUID
and start) is shown once, with every calendar it is on named (`gcal.core.shared`). A profile
that fails (a revoked token, the network) is reported in one line naming it, as a failed
calendar is, and the other profiles still print; the exit code is the worst failure's.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime
from typing import Any, Dict, List, Optional, Sequence, TextIO

from gcal.commands.agenda import (
    EVENT_FIELDS,
    Agenda,
    AgendaRow,
    ApiSource,
    agenda_events,
    worst_exit_code,
    write_rows,
)
from gcal.core.calendars import calendar_name
from gcal.core.shared import collapse_shared
from gcal.core.span import Span
from gcal.errors import GcalError
from gcal.settings import Settings

PROFILE_KEY = "gcalProfile"  # set on each calendar-list entry: the account it belongs to
# Shared meetings carry every (profile, calendar) they are on, for json/ndjson.
SHARED_KEY = "gcalCalendars"


@dataclasses.dataclass
class _Opened:
    settings: Settings
    source: Any = None
    agenda: Optional[Agenda] = None
    error: Optional[GcalError] = None


def _open(
    settings: Settings,
    span: Span,
    zone: datetime.tzinfo,
    calendars: Sequence[str],
    all_calendars: bool,
    filters: Optional[Dict[str, Any]],
    fields: Optional[str],
) -> _Opened:
    opened = _Opened(settings, ApiSource(settings))
    wanted = tuple(calendars) or tuple(settings.command_defaults.get("calendars") or ())
    try:
        opened.agenda = agenda_events(
            opened.source,
            span,
            zone,
            calendars=wanted,
            all_calendars=all_calendars and not wanted,
            filters=filters,
            fields=fields,
        )
    except GcalError as exc:
        opened.error = exc
    return opened


def _shared_names(opened: List[_Opened]) -> List[Dict[str, Any]]:
    """A name as long as a shared meeting's is likely to be (the longest calendar name of
    each profile, joined), so that the table gives it room."""
    longest = []
    for item in opened:
        if item.agenda is not None and item.agenda.calendars:
            longest.append(max((calendar_name(c) for c in item.agenda.calendars), key=len))
    return [{"summaryOverride": " + ".join(longest)}] if len(longest) > 1 else []


def _combine(first: AgendaRow, others: List[AgendaRow]) -> AgendaRow:
    rows = [first, *others]
    names = " + ".join(calendar_name(row.calendar) for row in rows)
    calendar = {**first.calendar, "summaryOverride": names}
    event = {
        **first.event,
        SHARED_KEY: [
            {"profile": row.calendar.get(PROFILE_KEY), "calendarId": row.calendar_id}
            for row in rows
        ],
    }
    return AgendaRow(calendar, event)


def run_profiles(
    profiles: Sequence[Settings],
    span: Span,
    zone: datetime.tzinfo,
    zone_name: Optional[str],
    *,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    filters: Optional[Dict[str, Any]] = None,
    no_declined: bool = False,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """The merged agenda of several profiles; returns the exit code (0 or the worst failure)."""
    import sys

    from gcal.render import agenda as render
    from gcal.render.formats import default_format
    from gcal.render.terminal import color_enabled, isatty, terminal_width

    out = out or sys.stdout
    err = err or sys.stderr
    fmt = profiles[0].format or default_format(isatty(out))
    # iCalUID too: it tells one meeting seen from two accounts (json and ics read whole events)
    whole = fmt in ("json", "ndjson", "ics")
    fields = None if whole else EVENT_FIELDS.replace("summary,", "summary,iCalUID,")
    workers = max(1, len(profiles))
    with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="gcal-profile") as pool:
        futures = [
            pool.submit(_open, s, span, zone, calendars, all_calendars, filters, fields)
            for s in profiles
        ]
        opened = [future.result() for future in futures]
    entries: List[Dict[str, Any]] = []
    listings: List[Any] = []
    for item in opened:
        if item.agenda is None:
            continue
        for entry, listing in zip(item.agenda.calendars, item.agenda.listings):
            tagged = {**entry, PROFILE_KEY: item.settings.profile}
            entries.append(tagged)
            listings.append(listing)
    merged = Agenda(entries, listings, zone, span, no_declined=no_declined)
    try:
        rows = collapse_shared(
            merged,
            zone,
            account=lambda row: str(row.calendar.get(PROFILE_KEY)),
            event=lambda row: row.event,
            combine=_combine,
        )
        writer = render.make_agenda_writer(
            fmt,
            out,
            zone=zone,
            zone_name=zone_name,
            span=span,
            calendars=[*entries, *_shared_names(opened)],
            color=color_enabled(out),
            width=terminal_width(out),
        )
        write_rows(writer, rows)
    finally:
        for item in opened:
            item.source.close()
    errors: List[GcalError] = []
    for item in opened:
        if item.error is not None:
            err.write(f"gcal: error: profile {item.settings.profile}: {item.error.message}\n")
            errors.append(item.error)
    for failure in merged.failures:
        profile = failure.calendar.get(PROFILE_KEY)
        err.write(f"gcal: error: profile {profile}: {failure.line()}\n")
        errors.append(failure.error)
    err.flush()
    return worst_exit_code(errors)
