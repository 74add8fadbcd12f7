"""`gcal agenda`: the events of every chosen calendar in a window, merged into one sequence.

Two entry points:

* `agenda_events(source, span, zone, ...)` returns an `Agenda`: the chosen calendars and, when
  iterated, `AgendaRow`s in merged order (start, end, calendar order; all-day events at
  midnight of their day in the display zone). The week and month views, `gcal next`,
  `gcal free` and the offline store build on it. Where the events come from is an
  `EventSource`: `ApiSource` reads the Calendar API (one calendarList request, then every
  events listing at once); a store can supply the same two methods from SQLite.
* `run(settings, ...)` is the whole command as the CLI calls it: pick calendars, fetch, merge,
  write in the chosen format, report failed calendars, return the exit code.

A calendar whose listing fails (403, 404, 5xx after retries, network) does not hide the others:
they are printed, stderr names the failed calendar with Google's reason in one line, and the
exit code is that failure's (the worst of several).
"""

from __future__ import annotations

import datetime
import threading
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, TextIO

from gcal.core.attendance import is_declined
from gcal.core.calendars import CALENDAR_LIST_FIELDS, calendar_name, select_calendars
from gcal.core.merge import merge_streams
from gcal.core.sanitize import one_line
from gcal.core.span import Span
from gcal.errors import EXIT_API, EXIT_AUTH, EXIT_NETWORK, EXIT_NOT_FOUND, GcalError
from gcal.record import Record
from gcal.settings import Settings

__all__ = [
    "WHOLE_EVENT_FORMATS",
    "Agenda",
    "AgendaRow",
    "ApiSource",
    "EventSource",
    "agenda_events",
    "listing_request",
    "run",
    "worst_exit_code",
    "write_agenda",
    "write_rows",
]

# What the table and csv/tsv read of each event (json/ndjson ask for everything).
EVENT_FIELDS = (
    "nextPageToken,items(id,status,start,end,summary,location,recurringEventId,"
    "originalStartTime,eventType,attendees(self,responseStatus))"
)
# When several calendars fail, the exit code of the one that matters most to a script: a login
# problem first, then the service being unreachable, then an API refusal, then a missing one.
_SEVERITY = {EXIT_AUTH: 4, EXIT_NETWORK: 3, EXIT_API: 2, EXIT_NOT_FOUND: 1}


class EventSource:
    """Where an agenda's calendars and events come from (the API, or later a local store).

    `calendar_list()` returns every CalendarListEntry, hidden ones included, deleted ones not.
    `listings(requests)` starts one events.list per request (API keyword arguments) and
    returns, in order, iterables of events that may set an `error` attribute (a GcalError)
    when their listing failed; it should start them all before returning.
    """

    def calendar_list(self) -> List[Dict[str, Any]]:
        raise NotImplementedError

    def listings(self, requests: Sequence[Dict[str, Any]]) -> List[Any]:
        raise NotImplementedError

    def close(self) -> None:
        """Stop any work still going (after Ctrl-C or a failure of the consumer)."""


class ApiSource(EventSource):
    """The Calendar API: calendarList.list (only the fields the agenda uses), then every
    events listing concurrently on its own connection (`gcal.google.fetch`).

    The listings go over `gcal.google.rest` (the requests googleapiclient would send, with the
    stored token), as the sync's do: no Google library is imported unless the token must be
    renewed, and nothing is built before the first request (the discovery document alone took
    longer to build than a listing's round trip)."""

    def __init__(self, settings: Settings, *, workers: Optional[int] = None) -> None:
        self.settings = settings
        self.workers = workers
        self._client: Any = None
        self._cancel = threading.Event()

    @property
    def client(self) -> Any:
        if self._client is None:
            from gcal.google import rest

            self._client = rest.connect(self.settings)
        return self._client

    def calendar_list(self) -> List[Dict[str, Any]]:
        request = {"showHidden": True, "fields": CALENDAR_LIST_FIELDS}
        entries: List[Dict[str, Any]] = []
        for page in self.client.pages("calendars", request):
            entries.extend(item for item in page.get("items") or [] if isinstance(item, dict))
        return entries

    def listings(self, requests: Sequence[Dict[str, Any]]) -> List[Any]:
        from gcal.google import fetch

        workers = self.workers or fetch.DEFAULT_WORKERS
        return fetch.fetch_all(
            self.client, "events", requests, workers=workers, cancel=self._cancel
        )

    def close(self) -> None:
        self._cancel.set()


class AgendaRow(Record):
    """One event of the agenda and the calendar it came from (its calendar-list entry)."""

    __slots__ = ("calendar", "event")

    def __init__(self, calendar: Dict[str, Any], event: Dict[str, Any]) -> None:
        self.calendar = calendar
        self.event = event

    @property
    def calendar_id(self) -> str:
        return str(self.calendar.get("id", ""))

    def resource(self) -> Dict[str, Any]:
        """The event exactly as received, plus `calendarId` (what json/ndjson print)."""
        return {**self.event, "calendarId": self.calendar_id}


class Failure:
    """A calendar that could not be read, and why (a plain class: no dataclass to build at
    every start)."""

    __slots__ = ("calendar", "error")

    def __init__(self, calendar: Dict[str, Any], error: GcalError) -> None:
        self.calendar = calendar
        self.error = error

    def line(self) -> str:
        name, cid = calendar_name(self.calendar), self.calendar.get("id")
        label = repr(name) if name == cid else f"{name!r} ({cid})"
        message = self.error.message
        named = f"calendar {cid!r} "  # "calendar 'x' not found (HTTP 404: ...)": said once
        if message.startswith(named):
            message = message[len(named) :]
        return one_line(f"calendar {label}: {message}")


class Agenda:
    """The chosen calendars and, when iterated once, their events in merged order.

    `failures` lists the calendars whose listing failed; it is complete once the iteration
    has ended (a failure is only known when that calendar's stream ends).
    """

    def __init__(
        self,
        calendars: List[Dict[str, Any]],
        listings: List[Any],
        zone: datetime.tzinfo,
        span: Span,
        *,
        no_declined: bool = False,
    ) -> None:
        self.calendars = calendars
        self.listings = listings
        self.zone = zone
        self.span = span
        self.no_declined = no_declined
        self.failures: List[Failure] = []

    def __iter__(self) -> Iterator[AgendaRow]:
        for index, event in merge_streams(self.listings, self.zone):
            if not isinstance(event, dict):
                continue
            if self.no_declined and is_declined(event):
                continue
            yield AgendaRow(self.calendars[index], event)
        self.failures = [
            Failure(calendar, listing.error)
            for calendar, listing in zip(self.calendars, self.listings)
            if getattr(listing, "error", None) is not None
        ]

    def exit_code(self) -> int:
        return worst_exit_code([f.error for f in self.failures])


def worst_exit_code(errors: Iterable[GcalError]) -> int:
    """0 for no errors; else the exit code of the most serious (auth > network > API > 404)."""
    codes = [error.exit_code for error in errors]
    if not codes:
        return 0
    return max(codes, key=lambda code: _SEVERITY.get(code, 2))


def listing_request(
    calendar_id: str, span: Span, filters: Optional[Dict[str, Any]] = None
) -> Dict[str, Any]:
    """The events.list arguments of one calendar's part of the agenda."""
    time_min, time_max = span.rfc3339()
    request = dict(filters or {})
    request.update(
        calendarId=calendar_id,
        singleEvents=True,
        orderBy="startTime",
        timeMin=time_min,
        timeMax=time_max,
    )
    return request


def agenda_events(
    source: EventSource,
    span: Span,
    zone: datetime.tzinfo,
    *,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    filters: Optional[Dict[str, Any]] = None,
    no_declined: bool = False,
    fields: Optional[str] = None,
) -> Agenda:
    """Choose the calendars, start every listing of `span`, and return the `Agenda`.

    `calendars` are `--calendar` values (ids or names), checked against the calendar list
    before any events request (a UsageError for an unknown or ambiguous name). `filters` are
    further events.list arguments (q, eventTypes, timeZone, ...). `fields` trims each event.
    """
    chosen = select_calendars(source.calendar_list(), calendars, all_calendars=all_calendars)
    requests = []
    for entry in chosen:
        request = listing_request(entry["id"], span, filters)
        if fields:
            request["fields"] = fields
        requests.append(request)
    listings = source.listings(requests) if requests else []
    return Agenda(chosen, listings, zone, span, no_declined=no_declined)


def run(
    settings: Settings,
    span: Span,
    zone: datetime.tzinfo,
    zone_name: Optional[str],
    *,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    filters: Optional[Dict[str, Any]] = None,
    no_declined: bool = False,
    source: Optional[EventSource] = None,
    today: Optional[datetime.date] = None,
    limit: Optional[int] = None,
    ids: bool = False,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """The `gcal agenda` command: write the merged agenda; return the exit code (0, or the
    worst failed calendar's). `zone_name` is the display zone's name for the table's note;
    `today` the date the table calls today (default: the clock's, in `zone`); `limit` the
    most events written (the first ones by start)."""
    import sys

    # Imported before any listing starts: a Ctrl-C while they run finds the writer ready.
    import gcal.render.agenda  # noqa: F401
    from gcal.render.formats import default_format
    from gcal.render.terminal import isatty

    out = out or sys.stdout
    err = err or sys.stderr
    fmt = settings.format or default_format(isatty(out))
    source = source or ApiSource(settings)
    try:
        agenda = agenda_events(
            source,
            span,
            zone,
            calendars=calendars,
            all_calendars=all_calendars,
            filters=filters,
            no_declined=no_declined,
            fields=None if fmt in WHOLE_EVENT_FORMATS else EVENT_FIELDS,
        )
        write_agenda(
            fmt,
            out,
            agenda,
            agenda.calendars,
            zone=zone,
            zone_name=zone_name,
            csv_raw=settings.csv_raw,
            span=span,
            today=today,
            limit=limit,
            ids=ids,
        )
    finally:
        source.close()
    if not agenda.calendars:
        err.write(
            "gcal: no calendar is shown in Google Calendar; name some with --calendar, or use "
            "--all-calendars\n"
        )
    for failure in agenda.failures:
        err.write(f"gcal: error: {failure.line()}\n")
    err.flush()
    return agenda.exit_code()


#: the formats that print whole events (the others ask the API for EVENT_FIELDS only)
WHOLE_EVENT_FORMATS = ("json", "ndjson", "ics")


def write_agenda(
    fmt: str,
    out: TextIO,
    rows: Iterable[Any],
    calendars: Any,
    *,
    zone: Any,
    zone_name: Optional[str],
    span: Any,
    today: Any = None,
    limit: Optional[int] = None,
    csv_raw: bool = False,
    ids: bool = False,
) -> None:
    """Write an agenda's rows to `out` in `fmt`, with the writer the terminal calls for (its
    colour and width): one way for one profile's agenda and several profiles' merged one.
    `limit`: only the first that many rows (no more is read once they are written); `ids`:
    the table shows each event's id (what 'gcal show CALENDAR EVENT_ID' takes)."""
    from gcal.render import agenda as render
    from gcal.render.terminal import color_enabled, terminal_width

    writer = render.make_agenda_writer(
        fmt,
        out,
        zone=zone,
        zone_name=zone_name,
        span=span,
        calendars=calendars,
        color=color_enabled(out),
        width=terminal_width(out),
        today=today,
        csv_raw=csv_raw,
        ids=ids,
    )
    if limit is not None:
        import itertools

        rows = itertools.islice(rows, limit)
    write_rows(writer, rows)


def write_rows(writer: Any, rows: Iterable[Any]) -> None:
    """Write `rows` (AgendaRow-likes, in order) and close the writer, as incomplete if the
    rows fail midway (a listing's bug, Ctrl-C)."""
    try:
        for row in rows:
            writer.write(row)
    except BaseException:
        writer.close(complete=False)
        raise
    writer.close(complete=True)
