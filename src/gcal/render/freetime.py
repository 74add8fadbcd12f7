"""Output of `gcal freebusy` (busy blocks per calendar) and `gcal free` (shared free slots).

Formats, as for the listings: `json` is the API's FreeBusyResponse exactly as received (one
object, also when the query was split) for freebusy, and an array of `{start, end, minutes}`
for free; `ndjson`, `csv` and `tsv` are one row per busy block (`calendar_id,start,end`, the
API's own time strings) or per slot (`start,end,minutes`, ISO 8601 with the display zone's
offset); `table` is for people, in the display zone, which its title names. rich is imported
only for a table.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
from typing import Any, Dict, Iterable, List, Optional, Sequence, TextIO, Tuple

from gcal.core.freespec import format_duration
from gcal.core.sanitize import json_text, one_line
from gcal.render.base import _Sink, _TrimmedSink

FREEBUSY_COLUMNS = ("calendar_id", "start", "end")
SLOT_COLUMNS = ("start", "end", "minutes")
Interval = Tuple[_dt.datetime, _dt.datetime]


def _zone_name(zone: Any) -> str:
    return str(getattr(zone, "key", None) or zone or "UTC")


def _delimited(fmt: str, header: Sequence[str], rows: Iterable[Sequence[str]], out: TextIO) -> str:
    from gcal.render.formats import RowWriter

    buffer = io.StringIO()
    writer = RowWriter(buffer, fmt, terminal=_tty(out))
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _tty(out: Any) -> bool:
    from gcal.render.formats import _isatty

    return _isatty(out)


def _parse(text: Any) -> Optional[_dt.datetime]:
    from gcal.core.timespec import parse_rfc3339

    return parse_rfc3339(text) if isinstance(text, str) else None


# --------------------------------------------------------------------------------------------
# freebusy


def busy_rows(answer: Dict[str, Any]) -> List[List[str]]:
    """`calendar_id, start, end` for every busy block, in the answer's calendar order."""
    rows = []
    for cid, entry in (answer.get("calendars") or {}).items():
        for period in (entry or {}).get("busy") or []:
            rows.append([cid, str(period.get("start", "")), str(period.get("end", ""))])
    return rows


def write_freebusy(
    answer: Dict[str, Any],
    fmt: str,
    out: TextIO,
    *,
    zone: Any = None,
    zone_name: Optional[str] = None,
    color: bool = False,
    width: Optional[int] = None,
) -> None:
    sink = _TrimmedSink(out) if fmt == "table" and not color else _Sink(out)
    if fmt == "json":
        sink.write(json_text(answer, terminal=_tty(out), indent=2) + "\n")
    elif fmt == "ndjson":
        for cid, start, end in busy_rows(answer):
            line = {"calendar_id": cid, "start": start, "end": end}
            sink.write(json_text(line, terminal=_tty(out)) + "\n")
    elif fmt in ("csv", "tsv"):
        sink.write(_delimited(fmt, FREEBUSY_COLUMNS, busy_rows(answer), out))
    else:
        _freebusy_table(answer, sink, zone, zone_name or _zone_name(zone), color, width)
    sink.flush()


def _span(start: _dt.datetime, end: _dt.datetime, zone: Any) -> Tuple[str, str]:
    """(day, "HH:MM–HH:MM") of a block in `zone`; an end on a later day says so."""
    s, e = start.astimezone(zone), end.astimezone(zone)
    day = s.strftime("%a %Y-%m-%d")
    end_text = e.strftime("%H:%M")
    days = (e.date() - s.date()).days
    if days and not (days == 1 and e.time() == _dt.time(0)):
        end_text = e.strftime("%a %Y-%m-%d %H:%M")
    elif days == 1:
        end_text = "24:00"
    return day, f"{s.strftime('%H:%M')}–{end_text}"


def _length(start: _dt.datetime, end: _dt.datetime) -> str:
    return format_duration(end.astimezone(_dt.timezone.utc) - start.astimezone(_dt.timezone.utc))


def _busy_cells(answer: Dict[str, Any], zone: Any) -> List[Tuple[str, List[List[str]]]]:
    """Per calendar, in the answer's order: its id and its rows of (day, busy, length); an
    error or a free calendar is one row saying so."""
    found = []
    for cid, entry in (answer.get("calendars") or {}).items():
        entry = entry or {}
        errors = [e.get("reason", "error") for e in entry.get("errors") or []]
        if errors:
            found.append((cid, [["", f"error: {', '.join(errors)}", ""]]))
            continue
        rows = []
        for period in entry.get("busy") or []:
            start, end = _parse(period.get("start")), _parse(period.get("end"))
            if start is not None and end is not None:
                rows.append([*_span(start, end, zone), _length(start, end)])
        found.append((cid, rows or [["", "free", ""]]))
    return found


def _freebusy_table(
    answer: Dict[str, Any], sink: _Sink, zone: Any, zone_name: str, color: bool, width: Any
) -> None:
    """A Calendar column when the widest row fits; on a narrower terminal each calendar's id
    is a line of its own above its blocks (below 40 columns, one block a line), so no id or
    time is ever cut off."""
    from rich.padding import Padding

    console, table = _table(sink, color, width, f"busy times in {zone_name}")
    for gid, entry in (answer.get("groups") or {}).items():
        errors = [e.get("reason", "error") for e in (entry or {}).get("errors") or []]
        members = ", ".join((entry or {}).get("calendars") or []) or "no calendars"
        detail = f"error: {', '.join(errors)}" if errors else members
        console.print(_cell(f"group {gid}: {detail}"))
    found = _busy_cells(answer, zone)
    cells = [row for _, rows in found for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(_BUSY_HEADERS)]
    longest = max((len(cid) for cid, _ in found), default=8)
    if longest + sum(widths) + 3 * len(widths) <= console.width:  # 3 between columns
        table.add_column("Calendar", no_wrap=True)
        for header in _BUSY_HEADERS:
            table.add_column(header, no_wrap=True)
        for cid, rows in found:
            for i, row in enumerate(rows):
                table.add_row(_cell(cid if i == 0 else ""), *(_cell(c) for c in row))
        console.print(table)
        return
    lines = widths[0] + len("00:00–00:00") + widths[2] + 8 > console.width
    for i, (cid, rows) in enumerate(found):
        console.print(_cell(cid), style="bold" if color else None, overflow="fold")
        if lines:  # too narrow even for three columns: one block a line, wrapped
            for row in rows:
                text = "  ".join(c for c in row if c)
                console.print(Padding(_cell(text), (0, 0, 0, 2)))
            continue
        part = _busy_part(table if i == 0 else None, widths, console.width - 2)
        for row in rows:
            part.add_row(*(_cell(c) for c in row))
        console.print(Padding(part, (0, 0, 0, 2)))


_BUSY_HEADERS = ("Day", "Busy", "Length")


def _busy_part(table: Any, widths: List[int], room: int) -> Any:
    """One calendar's blocks under its id: the same column widths for every calendar, the
    header only above the first, the Busy column wrapping between words when `room` is short
    (never below one day's `HH:MM–HH:MM`)."""
    from rich import box
    from rich.table import Table

    if table is None:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, show_header=False)
    busy = max(len("00:00–00:00"), min(widths[1], room - widths[0] - widths[2] - 6))
    table.add_column(_BUSY_HEADERS[0], no_wrap=True, width=widths[0])
    table.add_column(_BUSY_HEADERS[1], overflow="fold", width=busy)
    table.add_column(_BUSY_HEADERS[2], no_wrap=True, width=widths[2])
    return table


# --------------------------------------------------------------------------------------------
# free


def slot_rows(found: Sequence[Interval], zone: Any) -> List[List[str]]:
    from gcal.core.timespec import to_rfc3339

    rows = []
    for start, end in found:
        minutes = int(
            (end.astimezone(_dt.timezone.utc) - start.astimezone(_dt.timezone.utc)).total_seconds()
            // 60
        )
        rows.append(
            [to_rfc3339(start.astimezone(zone)), to_rfc3339(end.astimezone(zone)), str(minutes)]
        )
    return rows


def write_slots(
    found: Sequence[Interval],
    fmt: str,
    out: TextIO,
    *,
    zone: Any,
    duration: _dt.timedelta,
    zone_name: Optional[str] = None,
    calendars: str = "",
    color: bool = False,
    width: Optional[int] = None,
) -> None:
    """The slots in `fmt`; the table's title names the `calendars` asked."""
    sink = _TrimmedSink(out) if fmt == "table" and not color else _Sink(out)
    rows = slot_rows(found, zone)
    if fmt in ("json", "ndjson"):
        objects = [{"start": s, "end": e, "minutes": int(m)} for s, e, m in rows]
        if fmt == "json":
            sink.write(json.dumps(objects, indent=2, ensure_ascii=False) + "\n")
        else:
            sink.write("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects))
    elif fmt in ("csv", "tsv"):
        sink.write(_delimited(fmt, SLOT_COLUMNS, rows, out))
    else:
        name = zone_name or _zone_name(zone)
        whose = f" in {one_line(calendars)}," if calendars else ""
        title = f"free slots{whose} at least {format_duration(duration)}, times in {name}"
        console, table = _table(sink, color, width, title)
        cells = [[*_span(start, end, zone), _length(start, end)] for start, end in found]
        headers = ("Day", "Free", "Length")
        widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
        if sum(widths) + 3 * (len(widths) - 1) > console.width:
            # too narrow for three whole columns: one slot a line, wrapped, nothing cut off
            for row in cells:
                console.print(_cell("  ".join(row)), overflow="fold")
            if not found:
                console.print(_cell("(none)"))
        else:
            for header in headers:
                table.add_column(header, no_wrap=True)
            for row in cells:
                table.add_row(*(_cell(c) for c in row))
            if not found:
                table.add_row(_cell("(none)"), _cell(""), _cell(""))
            console.print(table)
    sink.flush()


# --------------------------------------------------------------------------------------------
# rich plumbing


def _cell(text: str) -> Any:
    from rich.text import Text

    from gcal.render.celltext import _clean

    return Text(_clean(text))


def _table(sink: _Sink, color: bool, width: Optional[int], title: str) -> Tuple[Any, Any]:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    console = _Console(
        file=sink,  # type: ignore[arg-type]
        width=width or 100,
        color_system="auto" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        header_style="bold" if color else "",
        safe_box=True,
    )
    console.print(_cell(title), style="dim" if color else None)
    return console, table
