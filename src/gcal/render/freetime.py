"""Output of `gcal freebusy` (busy blocks per calendar) and `gcal free` (shared free slots).

Formats, as for the listings: `json` is the API's FreeBusyResponse exactly as received (one
object, also when the query was split) for freebusy, and an array of `{start, end, minutes}`
for free; `ndjson`, `csv` and `tsv` are one row per busy block (`calendar_id,start,end`, the
API's own time strings) or per slot (`start,end,minutes`, ISO 8601 with the display zone's
offset); `table` is for people, in the display zone, which its title names. rich is imported
only for a table.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
from typing import Any, Dict, Iterable, List, Optional, Sequence, TextIO, Tuple

from gcal.core.freespec import format_duration
from gcal.render.base import _Sink

FREEBUSY_COLUMNS = ("calendar_id", "start", "end")
SLOT_COLUMNS = ("start", "end", "minutes")
Interval = Tuple[_dt.datetime, _dt.datetime]


def _zone_name(zone: Any) -> str:
    return str(getattr(zone, "key", None) or zone or "UTC")


def _delimited(fmt: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buffer, dialect=csv.excel)
    else:
        writer = csv.writer(buffer, dialect=csv.excel_tab, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


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
    sink = _Sink(out)
    if fmt == "json":
        sink.write(json.dumps(answer, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "ndjson":
        for cid, start, end in busy_rows(answer):
            line = {"calendar_id": cid, "start": start, "end": end}
            sink.write(json.dumps(line, ensure_ascii=False) + "\n")
    elif fmt in ("csv", "tsv"):
        sink.write(_delimited(fmt, FREEBUSY_COLUMNS, busy_rows(answer)))
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


def _freebusy_table(
    answer: Dict[str, Any], sink: _Sink, zone: Any, zone_name: str, color: bool, width: Any
) -> None:
    console, table = _table(sink, color, width, f"busy times in {zone_name}")
    for gid, entry in (answer.get("groups") or {}).items():
        errors = [e.get("reason", "error") for e in (entry or {}).get("errors") or []]
        members = ", ".join((entry or {}).get("calendars") or []) or "no calendars"
        detail = f"error: {', '.join(errors)}" if errors else members
        console.print(_cell(f"group {gid}: {detail}"))
    longest = max((len(c) for c in answer.get("calendars") or {}), default=8)
    table.add_column("Calendar", overflow="fold", min_width=min(longest, 44))
    for header in ("Day", "Busy", "Length"):
        table.add_column(header, no_wrap=True)
    for cid, entry in (answer.get("calendars") or {}).items():
        entry = entry or {}
        errors = [e.get("reason", "error") for e in entry.get("errors") or []]
        first = True
        if errors:
            table.add_row(_cell(cid), _cell(""), _cell(f"error: {', '.join(errors)}"), _cell(""))
            continue
        for period in entry.get("busy") or []:
            start, end = _parse(period.get("start")), _parse(period.get("end"))
            if start is None or end is None:
                continue
            day, span = _span(start, end, zone)
            table.add_row(
                _cell(cid if first else ""), _cell(day), _cell(span), _cell(_length(start, end))
            )
            first = False
        if first:
            table.add_row(_cell(cid), _cell(""), _cell("free"), _cell(""))
    console.print(table)


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
    color: bool = False,
    width: Optional[int] = None,
) -> None:
    sink = _Sink(out)
    rows = slot_rows(found, zone)
    if fmt in ("json", "ndjson"):
        objects = [{"start": s, "end": e, "minutes": int(m)} for s, e, m in rows]
        if fmt == "json":
            sink.write(json.dumps(objects, indent=2, ensure_ascii=False) + "\n")
        else:
            sink.write("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects))
    elif fmt in ("csv", "tsv"):
        sink.write(_delimited(fmt, SLOT_COLUMNS, rows))
    else:
        name = zone_name or _zone_name(zone)
        title = f"free slots of at least {format_duration(duration)}, times in {name}"
        console, table = _table(sink, color, width, title)
        for header in ("Day", "Free", "Length"):
            table.add_column(header, no_wrap=True)
        for start, end in found:
            day, span = _span(start, end, zone)
            table.add_row(_cell(day), _cell(span), _cell(_length(start, end)))
        if not found:
            table.add_row(_cell("(none)"), _cell(""), _cell(""))
        console.print(table)
    sink.flush()


# --------------------------------------------------------------------------------------------
# rich plumbing


def _cell(text: str) -> Any:
    from rich.text import Text

    from gcal.render.table import _clean

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
