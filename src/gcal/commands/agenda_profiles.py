"""`gcal agenda --profile work --profile personal` (or `--all-profiles`): several accounts'
agendas merged into one; `gcal next`, `gcal week` and `gcal month` read the same merge.

Each profile is opened at once on its own thread (its token, its calendar list, then its
events listings, which `gcal.google.fetch` runs concurrently; or, with --offline and
--cached, its own store, `gcal.commands.stored.StoreSource`, which --cached first syncs), and
the listings of every profile are merged as one agenda's are, whatever they were read from.
A meeting that several accounts attend (same iCalUID and start) is shown once, with every
calendar it is on named (`gcal.core.shared`).

A profile that fails (a revoked token, the network; from the store: a store never filled, a
chosen calendar never synced) is reported in one line naming it, as a failed calendar is,
and the other profiles still print; the exit code is the worst failure's. (One profile
alone fails whole with that same line, without the profile's name, as the plain agenda
does.)
"""

from __future__ import annotations

import datetime
import threading
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, TextIO, Tuple

from gcal.commands.agenda import (
    EVENT_FIELDS,
    WHOLE_EVENT_FORMATS,
    Agenda,
    AgendaRow,
    ApiSource,
    EventSource,
    agenda_events,
    worst_exit_code,
    write_agenda,
)
from gcal.core.calendars import calendar_name, chosen_names
from gcal.core.shared import collapse_shared
from gcal.core.span import Span
from gcal.errors import GcalError
from gcal.record import Record
from gcal.settings import Settings

PROFILE_KEY = "gcalProfile"  # set on each calendar-list entry: the account it belongs to
# Shared meetings carry every (profile, calendar) they are on, for json/ndjson.
SHARED_KEY = "gcalCalendars"
#: the event source of a profile: the API (ApiSource), or its store (stored.StoreSource)
SourceFor = Callable[[Settings], EventSource]


class _Opened:
    """One profile's open store or API source and agenda, or why it could not be opened."""

    __slots__ = ("agenda", "error", "settings", "source")

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.source: Any = None
        self.agenda: Optional[Agenda] = None
        self.error: Optional[GcalError] = None


def _open(
    settings: Settings,
    source_for: SourceFor,
    span: Span,
    zone: datetime.tzinfo,
    calendars: Sequence[str],
    all_calendars: bool,
    filters: Optional[Dict[str, Any]],
    fields: Optional[str],
) -> _Opened:
    opened = _Opened(settings)
    wanted = chosen_names(calendars, all_calendars, settings.command_defaults.get("calendars"))
    try:
        opened.source = source_for(settings)
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


def shared_fields(fields: Optional[str]) -> Optional[str]:
    """`fields` of each events listing plus iCalUID: it tells one meeting seen from two
    accounts (None, every field, already has it)."""
    return fields.replace("summary,", "summary,iCalUID,") if fields else None


class ProfileFailure(Record):
    """A profile that could not be read at all, or one of its calendars (as `Failure`)."""

    __slots__ = ("detail", "error", "profile")

    def __init__(self, profile: str, error: GcalError, detail: str) -> None:
        self.profile = profile
        self.error = error
        self.detail = detail

    def line(self) -> str:
        return f"profile {self.profile}: {self.detail}"


class ProfilesAgenda:
    """The agendas of several profiles as one, read as an `Agenda` is: iterate once for the
    rows (a meeting several accounts see given once), then `failures` and `exit_code()`.
    `calendars` is every profile's chosen calendars; `names` adds, for the writers' column
    widths, a name as long as a shared meeting's. `close()` stops every profile's source."""

    def __init__(self, opened: List[_Opened], zone: datetime.tzinfo, span: Span, **kw: Any):
        self.opened = opened
        self.zone = zone
        entries: List[Dict[str, Any]] = []
        listings: List[Any] = []
        for item in opened:
            if item.agenda is None:
                continue
            for entry, listing in zip(item.agenda.calendars, item.agenda.listings):
                entries.append({**entry, PROFILE_KEY: item.settings.profile})
                listings.append(listing)
        self.calendars = entries
        self.names = [*entries, *_shared_names(opened)]
        self._merged = Agenda(entries, listings, zone, span, **kw)

    def __iter__(self) -> Iterator[AgendaRow]:
        return collapse_shared(
            self._merged,
            self.zone,
            account=lambda row: str(row.calendar.get(PROFILE_KEY)),
            event=lambda row: row.event,
            combine=_combine,
        )

    @property
    def failures(self) -> List[ProfileFailure]:
        """The profiles that failed whole, then the calendars that failed (complete once the
        iteration has ended)."""
        failures = [
            ProfileFailure(item.settings.profile, item.error, item.error.message)
            for item in self.opened
            if item.error is not None
        ]
        for failure in self._merged.failures:
            profile = str(failure.calendar.get(PROFILE_KEY))
            failures.append(ProfileFailure(profile, failure.error, failure.line()))
        return failures

    def exit_code(self) -> int:
        return worst_exit_code(f.error for f in self.failures)

    def close(self) -> None:
        for item in self.opened:
            if item.source is not None:
                item.source.close()


def open_profiles(
    profiles: Sequence[Settings],
    span: Span,
    zone: datetime.tzinfo,
    *,
    source_for: Optional[SourceFor] = None,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    filters: Optional[Dict[str, Any]] = None,
    no_declined: bool = False,
    fields: Optional[str] = None,
) -> ProfilesAgenda:
    """Open every profile at once, each on its own thread with its own source
    (`source_for(settings)`: the profile's store; by default the API), and merge their
    agendas. Each profile's --calendar default of the config file applies to it."""
    workers = max(1, len(profiles))
    opener = source_for or ApiSource
    choice = (calendars, all_calendars, filters, shared_fields(fields))
    # on daemon threads (gcal.waits.run_jobs): a Ctrl-C while a profile's calendar list is
    # on its way ends gcal at once, never waiting for that request
    from gcal.waits import run_jobs

    def one(n: int) -> Any:
        return _open(profiles[n], opener, span, zone, *choice)

    jobs = [(n, one) for n in range(len(profiles))]
    opened_by: Dict[int, Any] = {}
    for n, outcome in run_jobs(jobs, workers, threading.Event()):
        if isinstance(outcome, BaseException):
            raise outcome
        opened_by[n] = outcome
    opened = [opened_by[n] for n in range(len(profiles))]
    return ProfilesAgenda(opened, zone, span, no_declined=no_declined)


def open_agenda(
    profiles: Sequence[Settings],
    span: Span,
    zone: datetime.tzinfo,
    *,
    source_for: Optional[SourceFor] = None,
    **choice: Any,
) -> Tuple[Any, Callable[[], None]]:
    """The agenda of one profile (an `Agenda`, exactly as `gcal agenda` reads it) or of
    several (a `ProfilesAgenda`), and what stops its sources; both are read the same way:
    iterate once, then `failures` (each with a `line()`) and `exit_code()`."""
    if len(profiles) > 1:
        merged = open_profiles(profiles, span, zone, source_for=source_for, **choice)
        return merged, merged.close
    settings = profiles[0]
    choice["calendars"] = chosen_names(
        choice.get("calendars") or (),
        bool(choice.get("all_calendars")),
        settings.command_defaults.get("calendars"),
    )
    source = (source_for or ApiSource)(settings)
    try:
        return agenda_events(source, span, zone, **choice), source.close
    except BaseException:
        source.close()
        raise


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
    source_for: Optional[SourceFor] = None,
    today: Optional[datetime.date] = None,
    limit: Optional[int] = None,
    ids: bool = False,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """The merged agenda of several profiles; returns the exit code (0 or the worst failure)."""
    import sys

    # Imported before any listing starts: a Ctrl-C while they run finds the writer ready.
    import gcal.render.agenda  # noqa: F401
    from gcal.render.formats import default_format
    from gcal.render.terminal import isatty

    out = out or sys.stdout
    err = err or sys.stderr
    fmt = profiles[0].format or default_format(isatty(out))
    whole = fmt in WHOLE_EVENT_FORMATS
    merged = open_profiles(
        profiles,
        span,
        zone,
        source_for=source_for,
        calendars=calendars,
        all_calendars=all_calendars,
        filters=filters,
        no_declined=no_declined,
        fields=None if whole else EVENT_FIELDS,
    )
    try:
        write_agenda(
            fmt,
            out,
            merged,
            merged.names,
            zone=zone,
            zone_name=zone_name,
            span=span,
            today=today,
            limit=limit,
            csv_raw=profiles[0].csv_raw,
            ids=ids,
        )
    finally:
        merged.close()
    for failure in merged.failures:
        err.write(f"gcal: error: {failure.line()}\n")
    err.flush()
    return merged.exit_code()


def run_agenda(
    profiles: Sequence[Settings],
    span: Span,
    zone: datetime.tzinfo,
    zone_name: Optional[str],
    *,
    source_for: Optional[SourceFor] = None,
    **options: Any,
) -> int:
    """`gcal agenda` of one profile (`gcal.commands.agenda.run`) or of several merged
    (`run_profiles`), from the API or, with `source_for`, from each profile's store."""
    if len(profiles) > 1:
        return run_profiles(profiles, span, zone, zone_name, source_for=source_for, **options)
    from gcal.commands import agenda

    source = source_for(profiles[0]) if source_for is not None else None
    return agenda.run(profiles[0], span, zone, zone_name, source=source, **options)
