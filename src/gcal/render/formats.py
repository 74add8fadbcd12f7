"""Output formats: turn API list responses into table, json, ndjson, csv or tsv, page by page.

The listing code hands each API response page to a `Writer` as it arrives and calls `close()`
once at the end, also after a failure. Writers keep nothing between pages (a terminal table holds
one page), so memory does not grow with the number of events, and they flush after each page so
the first rows show up while later pages are still being fetched.

Formats:

* ``json``: one JSON array of the resources exactly as received, streamed one resource per line;
  ``close(complete=False)`` still closes the array, so the output always parses.
* ``ndjson``: one compact resource per line.
* ``csv`` / ``tsv``: Python's ``excel`` / ``excel-tab`` dialects (tsv ends lines with ``\\n``
  rather than ``\\r\\n`` so that cut/awk see clean last fields; csv readers accept both), a
  header row and the fixed columns in `COLUMNS`. Times are ISO 8601 with offset in the display
  zone (the ``time_zone`` given, else the response's ``timeZone``, else as the API gave them);
  all-day times are dates, the end date exclusive as in the API. Booleans are ``true``/``false``
  (absent means false). ``recurrence`` joins the rule lines with a newline: RRULE/EXDATE lines
  may contain ``;`` and ``,``, a newline is iCalendar's own separator, and the field is quoted.
* ``table``: a rich table for people (see `gcal.render.table`); rich is imported only there.
* ``ics``: one iCalendar VCALENDAR of events (see `gcal.render.ics`); icalendar is imported
  only there.

Nothing here imports rich, so `gcal --help` and `gcal --version` stay fast.
"""

from __future__ import annotations

import datetime
import io
import json
from typing import Any, Dict, Iterable, List, Optional, Sequence, TextIO, Tuple

from gcal.core.eventtime import (
    display_zone,
    format_event_time,
    instance_state,
    is_all_day,
    recurrence_lines,
)
from gcal.core.sanitize import for_terminal, spreadsheet_cell, tsv_field
from gcal.errors import UsageError
from gcal.render.base import Writer, _items, utf8_output

__all__ = [
    "COLUMNS",
    "FORMATS",
    "KINDS",
    "Writer",
    "calendar_row",
    "default_format",
    "event_row",
    "make_writer",
    "partial_fields",
]

FORMATS: Tuple[str, ...] = ("table", "json", "ndjson", "csv", "tsv", "ics")
KINDS: Tuple[str, ...] = ("calendars", "events", "instances")

CALENDAR_COLUMNS: Tuple[str, ...] = (
    "id",
    "summary",
    "accessRole",
    "timeZone",
    "primary",
    "hidden",
    "selected",
    "deleted",
)
EVENT_COLUMNS: Tuple[str, ...] = (
    "id",
    "status",
    "start",
    "end",
    "all_day",
    "summary",
    "location",
    "recurring_event_id",
    "original_start",
    "recurrence",
    "event_type",
)
INSTANCE_COLUMNS: Tuple[str, ...] = (*EVENT_COLUMNS, "state")
COLUMNS: Dict[str, Tuple[str, ...]] = {
    "calendars": CALENDAR_COLUMNS,
    "events": EVENT_COLUMNS,
    "instances": INSTANCE_COLUMNS,
}

_PAGE_FIELDS = {
    "calendars": "nextPageToken,nextSyncToken",
    "events": "nextPageToken,nextSyncToken,timeZone",
    "instances": "nextPageToken,nextSyncToken,timeZone",
}
# The table also reads the caller's access role: on a free/busy-only calendar, events read `busy`.
_TABLE_PAGE_FIELDS = {
    "calendars": _PAGE_FIELDS["calendars"],
    "events": _PAGE_FIELDS["events"] + ",accessRole",
    "instances": _PAGE_FIELDS["instances"] + ",accessRole",
}
# What each format reads of one item: exactly the resource fields behind its columns.
_ITEM_FIELDS = {
    ("calendars", "csv"): "id,summary,accessRole,timeZone,primary,hidden,selected,deleted",
    ("calendars", "table"): "id,summary,summaryOverride,accessRole,timeZone,primary,hidden,deleted",
    ("events", "csv"): (
        "id,status,start,end,summary,location,recurringEventId,originalStartTime,recurrence,"
        "eventType"
    ),
    ("events", "table"): (
        "id,status,start,end,summary,location,recurrence,recurringEventId,originalStartTime"
    ),
    ("instances", "csv"): (
        "id,status,start,end,summary,location,recurringEventId,originalStartTime,recurrence,"
        "eventType"
    ),
    ("instances", "table"): (
        "id,status,start,end,summary,location,recurrence,recurringEventId,originalStartTime"
    ),
}


def _check(kind: str, fmt: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    name = fmt.lower() if isinstance(fmt, str) else ""
    if name not in FORMATS:
        raise UsageError(f"unknown output format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if name == "ics" and kind == "calendars":
        raise UsageError(ics_refusal("calendars"))
    return name


def ics_refusal(command: str) -> str:
    """The one error for `--format ics` with a command that prints no events."""
    return (
        "--format ics writes events: use it with 'gcal events', 'gcal instances', 'gcal show', "
        f"'gcal agenda', 'gcal week', 'gcal month' or 'gcal export', not with 'gcal {command}'"
    )


def default_format(stdout_isatty: bool) -> str:
    """`table` for a person at a terminal, `tsv` for a pipe (line-oriented, easy to cut)."""
    return "table" if stdout_isatty else "tsv"


def partial_fields(kind: str, fmt: str) -> Optional[str]:
    """The `fields` selector for what `fmt` prints of `kind`, or None for json/ndjson (which
    print every field) and ics (which maps most of them). Page tokens are always included, so
    paging and sync keep working."""
    fmt = _check(kind, fmt)
    if fmt in ("json", "ndjson", "ics"):
        return None
    items = _ITEM_FIELDS[(kind, "table" if fmt == "table" else "csv")]
    page = _TABLE_PAGE_FIELDS[kind] if fmt == "table" else _PAGE_FIELDS[kind]
    return f"{page},items({items})"


# --------------------------------------------------------------------------------------------
# Rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _flag(value: Any) -> str:
    return "true" if value is True or value == "true" else "false"


def calendar_row(item: Any) -> List[str]:
    """One CalendarListEntry as csv/tsv cells in `CALENDAR_COLUMNS` order."""
    item = item if isinstance(item, dict) else {}
    return [
        _text(item.get("id")),
        _text(item.get("summary")),
        _text(item.get("accessRole")),
        _text(item.get("timeZone")),
        _flag(item.get("primary")),
        _flag(item.get("hidden")),
        _flag(item.get("selected")),
        _flag(item.get("deleted")),
    ]


def event_row(
    item: Any, zone: Optional[datetime.tzinfo] = None, *, instances: bool = False
) -> List[str]:
    """One Event as csv/tsv cells in `EVENT_COLUMNS` (or `INSTANCE_COLUMNS`) order."""
    item = item if isinstance(item, dict) else {}
    start = item.get("start")
    original = item.get("originalStartTime")
    all_day = is_all_day(start)
    if all_day is None:
        all_day = is_all_day(original)
    row = [
        _text(item.get("id")),
        _text(item.get("status")),
        format_event_time(start, zone),
        format_event_time(item.get("end"), zone),
        "" if all_day is None else _flag(all_day),
        _text(item.get("summary")),
        _text(item.get("location")),
        _text(item.get("recurringEventId")),
        format_event_time(original, zone),
        "\n".join(recurrence_lines(item)),
        _text(item.get("eventType")),
    ]
    if instances:
        row.append(instance_state(item))
    return row


# One encoder each, made once: json.dumps with options builds a new encoder for every call.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_COMPACT_ASCII = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))
# Items per write: large enough that writes cost nothing, small enough that a 2,500-item page
# is never held a second time as one big string.
_BATCH = 256


class JsonWriter(Writer):
    """`[`, then one resource per line separated by `,`, then `]` -- valid JSON even if cut short
    by a failure, and greppable line by line."""

    def __init__(self, kind: str, out: TextIO) -> None:
        super().__init__(kind, utf8_output(out))
        self._count = 0
        # on a terminal every non-ASCII character is escaped: JSON leaves C1 controls and
        # bidi overrides raw, which a terminal would act on
        self._ascii = _isatty(out)

    def _dump(self, item: Any) -> str:
        if self._ascii:
            return _COMPACT_ASCII.encode(item)
        text = _COMPACT.encode(item)
        if not self._sink.encodable(text):
            text = _COMPACT_ASCII.encode(item)
        return text

    def _write_batch(self, texts: List[str]) -> None:
        prefix = "[\n" if self._count == 0 else ",\n"
        self._sink.write(prefix + ",\n".join(texts))
        self._count += len(texts)

    def write_page(self, response: dict) -> int:
        n = 0
        batch: List[str] = []
        for item in _items(response):
            batch.append(self._dump(item))
            if len(batch) == _BATCH:
                n += len(batch)
                self._write_batch(batch)
                batch = []
        if batch:
            n += len(batch)
            self._write_batch(batch)
        if n:
            self._sink.flush()
        return n

    def _finish(self, complete: bool) -> None:
        self._sink.write("[]\n" if self._count == 0 else "\n]\n")


class NdjsonWriter(JsonWriter):
    """One compact resource per line; nothing to close."""

    def _write_batch(self, texts: List[str]) -> None:
        self._count += len(texts)
        texts.append("")  # the last line's newline
        self._sink.write("\n".join(texts))

    def _finish(self, complete: bool) -> None:
        pass


class RowWriter:
    """csv or tsv rows written to a text buffer, the one place their cells are made safe:

    * csv: Python's `excel` dialect; a cell starting like a formula (`=`, `+`, `-`, `@`, tab,
      CR) gets a `'` in front unless `raw` (--csv-raw), and a row holding a lone CR is fully
      quoted;
    * tsv: no quoting; backslash, tab, newline and CR are written `\\\\`, `\\t`, `\\n`,
      `\\r`, so every row is one line of exactly as many fields as the header;
    * both: NUL and lone surrogates never go out raw, and on a `terminal` every cell passes
      through the sanitiser (escapes in an event's text cannot drive the terminal).
    """

    def __init__(
        self, buffer: TextIO, fmt: str, *, raw: bool = False, terminal: bool = False
    ) -> None:
        self._buffer = buffer
        self._tsv = fmt == "tsv"
        self._raw = raw
        self._terminal = terminal
        import csv  # here: the tables and grids never write a csv row

        self._writer = csv.writer(buffer, dialect=csv.excel)
        self._quoted = csv.writer(buffer, dialect=csv.excel, quoting=csv.QUOTE_ALL)

    def writerow(self, cells: Sequence[str]) -> None:
        if self._tsv:
            fields = [tsv_field(c) for c in cells]
            if self._terminal:
                fields = [for_terminal(f) for f in fields]
            self._buffer.write("\t".join(fields) + "\n")
            return
        cells = [spreadsheet_cell(c, raw=self._raw) for c in cells]
        if self._terminal:
            cells = [for_terminal(c) for c in cells]
        # the csv module quotes only its own line terminator's characters: a lone "\r" would
        # split the row for some readers, so such rows are fully quoted
        (self._quoted if any("\r" in c for c in cells) else self._writer).writerow(cells)

    def writerows(self, rows: Iterable[Sequence[str]]) -> None:
        for row in rows:
            self.writerow(row)


class CsvWriter(Writer):
    """A header row, then one row per resource, in the kind's fixed columns."""

    def __init__(
        self, kind: str, out: TextIO, fmt: str, time_zone: Optional[str], raw: bool = False
    ) -> None:
        super().__init__(kind, utf8_output(out))
        self._fmt = fmt
        self._raw = raw
        self._terminal = _isatty(out)
        self._fixed_zone = display_zone(time_zone)
        self._zone: Optional[datetime.tzinfo] = self._fixed_zone
        self._header_done = False

    def _header(self, writer: Any) -> None:
        if not self._header_done:
            writer.writerow(COLUMNS[self.kind])
            self._header_done = True

    def _rows(self, buffer: TextIO) -> RowWriter:
        return RowWriter(buffer, self._fmt, raw=self._raw, terminal=self._terminal)

    def write_page(self, response: dict) -> int:
        if self._fixed_zone is None and isinstance(response, dict):
            self._zone = display_zone(response.get("timeZone")) or self._zone
        buffer = io.StringIO()
        writer = self._rows(buffer)
        self._header(writer)
        n = 0
        for item in _items(response):
            if not isinstance(item, dict):
                continue
            if self.kind == "calendars":
                row = calendar_row(item)
            else:
                row = event_row(item, self._zone, instances=self.kind == "instances")
            writer.writerow(row)
            n += 1
            if n % _BATCH == 0:  # a streamed listing never builds its whole text
                self._sink.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
        self._sink.write(buffer.getvalue())
        self._sink.flush()
        return n

    def _finish(self, complete: bool) -> None:
        if complete and not self._header_done:
            buffer = io.StringIO()
            self._header(self._rows(buffer))
            self._sink.write(buffer.getvalue())


def _isatty(out: Any) -> bool:
    try:
        return bool(out.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def make_writer(
    kind: str,
    fmt: str,
    out: TextIO,
    *,
    time_zone: Optional[str] = None,
    color: bool = False,
    width: Optional[int] = None,
    csv_raw: bool = False,
) -> Writer:
    """A writer of `kind` ("calendars", "events", "instances") in format `fmt` to `out`.

    Machine formats are written as UTF-8 whatever `out`'s encoding (when it has a byte
    `buffer`); a table replaces what `out` cannot encode. `time_zone` (an IANA name, the
    --time-zone option): for csv/tsv the zone times are written
    in, without it each response's `timeZone`; a table shows times in the display zone
    (`gcal.core.displayzone`: `time_zone`, else the local zone). `color` and `width` only
    matter for the table.
    """
    fmt = _check(kind, fmt)
    if fmt == "json":
        return JsonWriter(kind, out)
    if fmt == "ndjson":
        return NdjsonWriter(kind, out)
    if fmt in ("csv", "tsv"):
        return CsvWriter(kind, out, fmt, time_zone, csv_raw)
    if fmt == "ics":
        from gcal.render.ics import IcsWriter

        return IcsWriter(kind, out)
    from gcal.render.table import TableWriter

    return TableWriter(kind, out, time_zone=time_zone, color=color, width=width)
