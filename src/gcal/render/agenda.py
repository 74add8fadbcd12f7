"""Writers for the agenda: merged rows of several calendars, in every output format.

Each writer takes `AgendaRow`-like objects (`.calendar`, the calendar-list entry, and `.event`,
the resource as received) one at a time, in merged order, and `close()` once.

* ``json`` / ``ndjson``: each event exactly as received plus `"calendarId"`, in merged order,
  streamed (a JSON array still parses when the run fails halfway).
* ``csv`` / ``tsv``: a header and the fixed `AGENDA_COLUMNS`, times as the API gave them (ISO
  8601 with offset; all-day events as dates, the end date exclusive).
* ``table``: grouped under one heading per day of the display zone (see `AgendaTable`).
* ``ics``: one VCALENDAR of every calendar's events (see `gcal.render.ics`), without the
  single-calendar X-WR-CALNAME/X-WR-TIMEZONE.
"""

from __future__ import annotations

import datetime
import io
from typing import Any, Dict, List, Optional, Sequence, TextIO, Tuple

from gcal.core.attendance import my_response
from gcal.core.calendars import calendar_name
from gcal.core.days import DaySlot, day_slots
from gcal.core.eventtime import event_start, format_event_time, is_all_day
from gcal.core.span import Span
from gcal.render.base import Writer, _Sink, utf8_output
from gcal.render.formats import JsonWriter, NdjsonWriter, RowWriter, _isatty

__all__ = ["AGENDA_COLUMNS", "agenda_row", "make_agenda_writer"]

AGENDA_COLUMNS: Tuple[str, ...] = (
    "calendar_id",
    "start",
    "end",
    "all_day",
    "summary",
    "location",
    "id",
    "calendar",
    "status",
    "recurring_event_id",
    "event_type",
    "my_response",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def agenda_row(calendar: Dict[str, Any], event: Dict[str, Any]) -> List[str]:
    """One agenda event as csv/tsv cells in `AGENDA_COLUMNS` order."""
    all_day = is_all_day(event_start(event))
    return [
        _text(calendar.get("id")),
        format_event_time(event_start(event)),
        format_event_time(event.get("end")),
        "" if all_day is None else ("true" if all_day else "false"),
        _text(event.get("summary")),
        _text(event.get("location")),
        _text(event.get("id")),
        calendar_name(calendar),
        _text(event.get("status")),
        _text(event.get("recurringEventId")),
        _text(event.get("eventType")),
        _text(my_response(event)),
    ]


class AgendaWriter:
    """Writes agenda rows; `close(complete=...)` exactly once (also after a failure)."""

    def write(self, row: Any) -> None:
        raise NotImplementedError

    def close(self, *, complete: bool = True) -> None:
        raise NotImplementedError


class _JsonAgenda(AgendaWriter):
    def __init__(self, inner: Writer) -> None:
        self._inner = inner

    def write(self, row: Any) -> None:
        self._inner.write_page({"items": [{**row.event, "calendarId": row.calendar.get("id")}]})

    def close(self, *, complete: bool = True) -> None:
        self._inner.close(complete=complete)


class _IcsAgenda(AgendaWriter):
    """Each row as a one-event page of its calendar, so the event's alarms and zone come from
    that calendar's entry (default reminders, time zone)."""

    def __init__(self, out: TextIO) -> None:
        from gcal.render.ics import IcsWriter

        self._inner = IcsWriter("events", out, single_calendar=False)

    def write(self, row: Any) -> None:
        calendar = row.calendar
        page = {"items": [row.event], "defaultReminders": calendar.get("defaultReminders") or []}
        if isinstance(calendar.get("timeZone"), str):
            page["timeZone"] = calendar["timeZone"]
        self._inner.write_page(page)

    def close(self, *, complete: bool = True) -> None:
        self._inner.close(complete=complete)


class _CsvAgenda(AgendaWriter):
    def __init__(self, out: TextIO, fmt: str, *, raw: bool = False) -> None:
        self._sink = _Sink(utf8_output(out))  # UTF-8 whatever the locale, as every csv
        self._buffer = io.StringIO()
        self._writer = RowWriter(self._buffer, fmt, raw=raw, terminal=_isatty(out))
        self._writer.writerow(AGENDA_COLUMNS)
        self._closed = False

    def write(self, row: Any) -> None:
        self._writer.writerow(agenda_row(row.calendar, row.event))
        self._drain()

    def _drain(self) -> None:
        text = self._buffer.getvalue()
        if text:
            self._sink.write(text)
            self._sink.flush()
            self._buffer.seek(0)
            self._buffer.truncate()

    def close(self, *, complete: bool = True) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._drain()
        except (OSError, ValueError):
            if complete:
                raise


def make_agenda_writer(
    fmt: str,
    out: TextIO,
    *,
    zone: datetime.tzinfo,
    zone_name: Optional[str],
    span: Span,
    calendars: Sequence[Dict[str, Any]] = (),
    color: bool = False,
    width: Optional[int] = None,
    today: Optional[datetime.date] = None,
    csv_raw: bool = False,
    ids: bool = False,
) -> AgendaWriter:
    """The agenda writer for `fmt` (table, json, ndjson, csv, tsv, ics)."""
    if fmt == "ics":
        return _IcsAgenda(out)
    if fmt == "json":
        return _JsonAgenda(JsonWriter("events", out))
    if fmt == "ndjson":
        return _JsonAgenda(NdjsonWriter("events", out))
    if fmt in ("csv", "tsv"):
        return _CsvAgenda(out, fmt, raw=csv_raw)
    from gcal.render.agenda_table import AgendaTable

    return AgendaTable(
        out,
        zone=zone,
        zone_name=zone_name,
        span=span,
        calendars=calendars,
        color=color,
        width=width,
        today=today,
        ids=ids,
    )


def slots_in_span(event: Dict[str, Any], zone: datetime.tzinfo, span: Span) -> List[DaySlot]:
    """The days of `span` an event covers (see `gcal.core.days`)."""
    return day_slots(event, zone, span.first_day, span.last_day)
