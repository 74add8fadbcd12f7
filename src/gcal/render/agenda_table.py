"""The agenda as a table for people: one heading per day, then that day's events.

    times in Europe/Berlin
    Today, Wed 2 Dec 2026
      all day      Team offsite                 Potsdam       ● Ada Lovelace
      09:30–09:45  Daily standup                              ● Ada Lovelace
      22:00 →      Night train (day 1/2)                      ● Travel
    Tomorrow, Thu 3 Dec 2026
      → 07:10      Night train (day 2/2)                      ● Travel

Days are dates in the display zone (`--time-zone`, else the local zone), said once at the top.
Within a day, all-day events come first, then events that began on an earlier day, then the
rest in merged order. An event covering several days is shown on each (`day 2/3`). Events
the user declined are marked; an event of a calendar shared as free/busy only is `busy`. The
calendar's name is printed in its `backgroundColor` when colour is on. Days without events are
skipped; an empty window says so in one line.

Rows arrive in start order, so every day before the first day of the current row is complete
and printed at once; only that day's rows and the later days of multi-day events are held.

rich lays out each day's rows with fixed column widths chosen once from the terminal width, so
days line up; cells are `Text`, never markup, and control characters are shown escaped.
Without colour (a pipe, a file) a day whose cells are single-width text that fits its columns
is written directly, as rich would draw it, without importing rich (`_plain_day`); any other
day is still rich's.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Optional, Sequence, TextIO, Tuple

from gcal.core.attendance import is_declined
from gcal.core.calendars import calendar_name
from gcal.core.days import DaySlot, clock_range, day_slots, event_kind
from gcal.core.span import Span
from gcal.render.base import _Sink
from gcal.render.celltext import BUSY, NO_TITLE, _clean, _Plain, _rich_cells

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ALL_DAY = "all day"
DECLINED = "declined"
# Marks of entries that are no meetings (`_Sink.displayable` gives the ASCII stand-ins).
KIND_MARKS = {"workingLocation": "⌂", "birthday": "🎂"}
_TIME_WIDTH = 11  # "09:30–09:45"


def day_label(day: datetime.date, today: Optional[datetime.date] = None) -> str:
    """`Today, Wed 2 Dec 2026`, `Tomorrow, ...`, or `Fri 4 Dec 2026` (fixed English names, not
    the C locale's, so output does not change with the environment)."""
    text = f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"
    if today is not None:
        if day == today:
            return "Today, " + text
        if day == today + datetime.timedelta(days=1):
            return "Tomorrow, " + text
        if day == today - datetime.timedelta(days=1):
            return "Yesterday, " + text
    return text


def slot_time(slot: DaySlot) -> str:
    """The time cell of one day of an event: `all day`, `09:30–10:00`, `22:00 →`, `→ 07:10`."""
    if slot.all_day:
        return ALL_DAY
    starts, ends = slot.starts, slot.ends
    if starts is not None and ends is not None:
        if ends == starts:
            return f"{starts:%H:%M}"
        return clock_range(starts, ends)
    if starts is not None:
        return f"{starts:%H:%M} →"
    if ends is not None:
        return f"→ {ends:%H:%M}"
    return ALL_DAY


_DEFAULT_WIDTH = 100  # make_console's width when the output's is unknown (a pipe, a file)
_NARROW_EXTRA = frozenset("–→…·●⌂")


def _single_width(text: str) -> bool:
    """Whether every character of `text` is one column wide in rich's measure as in a plain
    count: printable, and ASCII, Latin (below U+0300) or one of the marks gcal prints. A new
    line is not (a cell of two lines is rich's to lay out)."""
    if text.isascii():
        return text.isprintable()
    return text.isprintable() and all(ord(c) < 0x300 or c in _NARROW_EXTRA for c in text)


def _order(entry: Tuple[int, int, DaySlot, Any]) -> Tuple[int, int]:
    return entry[0], entry[1]


def _rank(slot: DaySlot) -> int:
    if slot.all_day:
        return 0
    if slot.starts is None:
        return 1  # began on an earlier day
    return 2


def _color(entry: Dict[str, Any]) -> Optional[str]:
    value = entry.get("backgroundColor")
    if isinstance(value, str) and len(value) == 7 and value.startswith("#"):
        try:
            int(value[1:], 16)
        except ValueError:
            return None
        return value.lower()
    return None


def _unbreakable(line: str, width: int) -> bool:
    """Whether `line` holds a word that must not be split but is longer than `width`: a run
    of ASCII without spaces (a link, an e-mail address, an id, a phone number), which the
    table would fold at the column's edge. Words of other scripts fold as usual. The `@`
    that marks a location counts with its first word (a lone `@` above a link says little)."""
    words = line.split()
    if len(words) > 1 and words[0] == "@":
        words[:2] = ["@ " + words[1]]
    return any(len(word) > width and word.isascii() for word in words)


def _whole_lines(cell: Any, width: int) -> Tuple[Any, List[Any]]:
    """`cell` without its lines that would have a word split at `width`, and those lines:
    they are printed under the row, each on a line of its own (`AgendaTable._indent`), so
    that a link or an address can still be copied whole."""
    if not any(_unbreakable(line, width) for line in cell.plain.split("\n")):
        return cell, []
    if isinstance(cell, _Plain):
        lines: List[Any] = [_Plain(line) for line in cell.plain.split("\n")]
    else:
        lines = list(cell.split("\n"))
    kept = [line for line in lines if not _unbreakable(line.plain, width)]
    moved = [line for line in lines if _unbreakable(line.plain, width)]
    if isinstance(cell, _Plain):
        return _Plain("\n".join(line.plain for line in kept)), moved
    from rich.text import Text

    return Text("\n").join(kept), moved


def _prefixed(prefix: str, line: Any) -> Any:
    if isinstance(line, _Plain):
        return _Plain(prefix + line.plain)
    return line.__class__(prefix) + line


class AgendaTable:
    """The table writer of the agenda (the interface of `gcal.render.agenda.AgendaWriter`)."""

    def __init__(
        self,
        out: TextIO,
        *,
        zone: datetime.tzinfo,
        zone_name: Optional[str],
        span: Span,
        calendars: Sequence[Dict[str, Any]] = (),
        color: bool = False,
        width: Optional[int] = None,
        today: Optional[datetime.date] = None,
        ids: bool = False,
    ) -> None:
        self._ids = ids
        self._sink = _Sink(out)
        self._color = bool(color)
        self._width = width or _DEFAULT_WIDTH  # as make_console's
        self._rich: Any = None
        self._zone = zone
        self._zone_name = zone_name
        self._span = span
        self._today = today or datetime.datetime.now(zone).date()
        names = [calendar_name(c) for c in calendars] or ["calendar"]
        self._widths = self._layout(self._width, max(len(_clean(n)) for n in names))
        self._pending: Dict[datetime.date, List[Tuple[int, int, DaySlot, Any]]] = {}
        self._seq = 0
        self._days = 0
        self._started = False
        self._closed = False

    @property
    def _console(self) -> Any:
        """rich's Console, made when something is drawn by rich (colour, or a row the plain
        lines cannot write): into a pipe or a file rich is usually not imported at all."""
        if self._rich is None:
            from gcal.render.console import make_console

            self._rich = make_console(self._sink, color=self._color, width=self._width)
        return self._rich

    # -- layout ------------------------------------------------------------------------------

    def _layout(self, width: int, longest_name: int) -> Dict[str, int]:
        """Column widths (content only; columns are separated by two spaces, the first one
        indented by two). Wide terminals get a location column; narrow ones put the location
        under the summary."""
        usable = max(width, 40) - 2
        calendar = max(8, min(longest_name + 2, 24, usable // 4))
        rest = usable - _TIME_WIDTH - calendar - 4
        if width >= 100:
            # Wide: the location gets its own column; summary and location stop growing at a
            # readable width, so the calendar's name stays near them on a very wide terminal.
            location = max(10, min(32, (rest - 2) * 2 // 5))
            summary = min(rest - location - 2, 60)
            return {"summary": summary, "location": location, "calendar": calendar}
        return {"summary": max(rest, 10), "location": 0, "calendar": calendar}

    def _style(self, style: str) -> Optional[str]:
        return style if self._color else None

    # -- rows --------------------------------------------------------------------------------

    def write(self, row: Any) -> None:
        event = row.event if isinstance(row.event, dict) else {}
        slots = day_slots(event, self._zone, self._span.first_day, self._span.last_day)
        if not slots:
            return  # nothing in this window (or no readable time): nothing to place
        first = slots[0].day
        for day in sorted(d for d in self._pending if d < first):
            self._print_day(day, self._pending.pop(day))
        for slot in slots:
            self._pending.setdefault(slot.day, []).append((_rank(slot), self._seq, slot, row))
            self._seq += 1

    def _cells(self, slot: DaySlot, row: Any) -> Tuple[List[Any], List[Any]]:
        """The row's cells, and the lines that leave them (`_whole_lines`)."""
        cells = self._build_cells(slot, row)
        if not self._sink.encodable("".join(cell.plain for cell in cells)):
            # what the output cannot encode is replaced before the layout: columns line up
            for cell in cells:
                cell.plain = self._sink.displayable(cell.plain)
        extra: List[Any] = []
        cells[1], extra = _whole_lines(cells[1], self._widths["summary"])
        if self._widths["location"]:
            cells[2], moved = _whole_lines(cells[2], self._widths["location"])
            for line in moved:
                extra.append(_prefixed("@ ", line))
        return cells, extra

    def _build_cells(self, slot: DaySlot, row: Any) -> List[Any]:
        if self._color:
            from rich.text import Text
        else:
            Text = _Plain  # the same calls, plain strings

        event, entry = row.event, row.calendar
        declined = is_declined(event)
        time_text = Text(slot_time(slot), style=self._style("cyan") or "")
        summary = Text()
        title = event.get("summary")
        base = self._style("dim strike") if declined else None
        kind = event_kind(event)
        if kind:
            summary.append(KIND_MARKS[kind] + " ", style=self._style("bold"))
        if title:
            summary.append(_clean(title), style=base)
        elif entry.get("accessRole") == "freeBusyReader":
            summary.append(BUSY, style=self._style("italic dim"))  # details are not shared
        else:
            summary.append(NO_TITLE, style=self._style("italic dim"))
        if slot.total > 1:
            summary.append(f" (day {slot.index}/{slot.total})", style=self._style("dim"))
        if declined:
            summary.append(f" ({DECLINED})", style=self._style("red"))
        location = _clean(event.get("location"))
        colour = _color(entry) if self._color else None
        name = Text()
        if colour:
            name.append("● ", style=colour)
            name.append(_clean(calendar_name(entry)), style=colour)
        else:
            name.append(_clean(calendar_name(entry)), style=self._style("dim"))
        if self._ids and event.get("id"):
            # what 'gcal show CALENDAR EVENT_ID' takes: the calendar's name (or its start) and
            # this id, on a line of its own under the title
            summary.append("\n" + _clean(str(event["id"])), style=self._style("dim"))
        if self._widths["location"]:
            return [time_text, summary, Text(location, style=self._style("dim") or ""), name]
        if location:
            summary.append("\n@ " + location, style=self._style("dim"))
        return [time_text, summary, name]

    def _table(self) -> Any:
        from rich import box
        from rich.table import Table

        table = Table(
            box=box.SIMPLE,
            show_header=False,
            show_edge=False,
            show_lines=False,
            pad_edge=False,
            padding=(0, 1),
            expand=False,
            safe_box=True,
        )
        table.box = None
        table.add_column(width=_TIME_WIDTH, no_wrap=True)
        table.add_column(width=self._widths["summary"], overflow="fold")
        if self._widths["location"]:
            table.add_column(width=self._widths["location"], overflow="fold")
        table.add_column(width=self._widths["calendar"], overflow="ellipsis", no_wrap=True)
        return table

    def _intro(self) -> None:
        if self._started:
            return
        self._started = True
        if self._zone_name:
            text = f"times in {_clean(self._zone_name)}"
            if self._plain_line(text):
                return
            from rich.text import Text

            self._console.print(Text(text, style=self._style("dim") or ""))

    def _label(self, day: datetime.date) -> str:
        """The day's heading; the first day of a window that starts mid-day says from when."""
        label = day_label(day, self._today)
        clock = self._span.from_time
        if clock is not None and day == self._span.first_day:
            label += f" from {clock.hour:02d}:{clock.minute:02d}"
        return label

    def _print_day(self, day: datetime.date, entries: List[Tuple[int, int, DaySlot, Any]]) -> None:
        self._intro()
        style = "bold"
        if day == self._today:
            style = "bold green"
        rows = [self._cells(slot, row) for _, _, slot, row in sorted(entries, key=_order)]
        lines = self._plain_day(self._label(day), rows) if not self._color else None
        if lines is not None:
            self._sink.write(lines)
            self._days += 1
            self._sink.flush()
            return
        from rich.padding import Padding
        from rich.text import Text

        with self._console.capture() as captured:
            label = self._label(day)
            self._console.print(Text(label, style=self._style(style) or ""))
            table = None
            for cells, extra in rows:
                if table is None:
                    table = self._table()
                table.add_row(*_rich_cells(cells))
                if extra:
                    # the table so far, the lines that stay whole, then the rest of the day
                    # in a table of the same widths (the columns line up)
                    self._console.print(Padding(table, (0, 0, 0, 1)))
                    table = None
                    for line in _rich_cells(extra):
                        line = Text(" " * self._indent(line.cell_len)) + line
                        self._console.print(line, no_wrap=True, crop=False, overflow="ignore")
            if table is not None:
                self._console.print(Padding(table, (0, 0, 0, 1)))
        # rich pads every cell to its column: trailing blanks only get in the way of a copy
        self._sink.write("".join(line.rstrip(" ") + "\n" for line in captured.get().splitlines()))
        self._days += 1
        self._sink.flush()

    # -- plain lines (no colour) -------------------------------------------------------------

    def _plain_line(self, text: str) -> bool:
        """Write `text` as rich would print it without colour, when that is sure: one line of
        single-width characters that fits. False when rich must do it."""
        if self._color or not _single_width(text) or len(text) > self._width:
            return False
        self._sink.write(text.rstrip(" ") + "\n")
        return True

    def _plain_day(self, label: str, rows: List[List[Any]]) -> Optional[str]:
        """A day as rich draws it into a pipe or a file (the heading, then one line a row: a
        space, the cells padded to their columns two spaces apart, no trailing blanks), or
        None when a cell would wrap, be cut or holds characters whose width rich measures
        otherwise: rich lays that day out."""
        if not _single_width(label) or len(label) > self._width:
            return None
        widths = [_TIME_WIDTH, self._widths["summary"]]
        if self._widths["location"]:
            widths.append(self._widths["location"])
        widths.append(self._widths["calendar"])
        if 1 + sum(widths) + 2 * (len(widths) - 1) > self._width:
            return None  # rich would shrink the columns
        out = [label.rstrip(" ")]
        for cells, extra in rows:
            if len(cells) != len(widths):
                return None
            texts = []
            for cell, width in zip(cells, widths):
                text = cell.plain
                if (
                    len(text) > width
                    or not _single_width(text)
                    or text != text.strip()
                    or "  " in text
                ):
                    return None
                texts.append(text.ljust(width))
            out.append((" " + "  ".join(texts)).rstrip(" "))
            for line in extra:
                if not _single_width(line.plain):
                    return None
                out.append(" " * self._indent(len(line.plain)) + line.plain)
        return "\n".join(out) + "\n"

    def _indent(self, length: int) -> int:
        """Where a line that left its cell starts: under the summary where it fits there,
        further left where that lets it fit the width (never before the first column)."""
        return min(1 + _TIME_WIDTH + 2, max(1, self._width - length))

    # -- close -------------------------------------------------------------------------------

    def close(self, *, complete: bool = True) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            for day in sorted(self._pending):
                self._print_day(day, self._pending[day])
            self._pending.clear()
            if complete and self._days == 0:
                self._intro()
                first, last = self._span.first_day, self._span.last_day
                when = self._label(first)
                if last != first:
                    when = f"{when} to {day_label(last, self._today)}"
                if not self._plain_line(f"No events: {when}."):
                    from rich.text import Text

                    self._console.print(Text(f"No events: {when}.", style=self._style("dim") or ""))
            self._sink.flush()
        except (OSError, ValueError):
            if complete:
                raise
