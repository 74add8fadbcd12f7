"""Draws the grid of `gcal week` and `gcal month` (a `gcal.core.grid.Grid`) for people.

Nothing is decided here about which event goes where: that is the layout's job. This module
only turns the model into lines of exactly `width` cells, so a row can never wrap into
garbage: every cell is cut (with an ellipsis) or wrapped by rich's cell-width rules, wide
characters included, and the borders are drawn by hand so that a bar can run across the
column borders it covers.

The text is the same with and without colour: bars are bracketed (`[Trip ]`, `<` or `>` where
the event goes on beyond the row), today's header says `today`, and days outside the month name
their month. Colour only adds: calendar colours (`backgroundColor` of the calendar list entry)
on bars and times, today's header reversed, declined events and other months' days dimmed.
Without colour (NO_COLOR, a pipe, a file) nothing but text is written.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, TextIO, Tuple

from gcal.core.days import event_kind
from gcal.core.grid import Bar, Day, Entry, Grid, Row
from gcal.render.base import _Sink
from gcal.render.table import BUSY, NO_TITLE, _clean

MIN_WIDTH = 60  # narrower terminals get the agenda list instead
MAX_ENTRY_LINES = 4  # a timed entry in a week column wraps to at most this many lines

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (  # noqa: SIM905 - fixed English names, not the C locale's
    "January February March April May June July August September October November December"
).split()

_UNICODE = {"v": "│", "h": "─", "tl": "┌", "tm": "┬", "tr": "┐", "ml": "├", "mm": "┼", "mr": "┤"}
_UNICODE.update({"bl": "└", "bm": "┴", "br": "┘", "ellipsis": "…", "to": "→"})
_UNICODE.update({"workingLocation": "⌂", "birthday": "🎂"})  # entries that are no meetings
_ASCII = {"v": "|", "h": "-", "ellipsis": "~", "to": ">"}
_ASCII.update({"workingLocation": "@", "birthday": "b-day"})
_ASCII.update({k: "+" for k in ("tl", "tm", "tr", "ml", "mm", "mr", "bl", "bm", "br")})


def column_widths(width: int, columns: int) -> List[int]:
    """Inner widths of `columns` columns between 1-cell borders, filling `width` exactly (the
    spare cells go to the first columns)."""
    room = max(width - (columns + 1), columns)
    base, spare = divmod(room, columns)
    return [base + (1 if k < spare else 0) for k in range(columns)]


# The control codes rich's Text drops from what it is given (rich.control.strip_control_codes).
_RICH_STRIPS = {7: None, 8: None, 11: None, 12: None, 13: None}

# Text made only of characters one cell wide by rich's measure (the ranges of rich's own fast
# path: Latin, Greek, Cyrillic, box drawing, braille; and the ellipsis and the arrow the grids
# draw; tests check rich agrees): measured, cut
# and padded here, as rich's own fast path does, so that a grid of such text never loads
# rich's width tables. Any other text is measured by rich.
_NARROW = re.compile(
    "[ -~\u00a0-\u00ac\u00ae-\u02ff\u0370-\u0482\u2500-\u25fc\u2800-\u28ff\u2026\u2192]*"
)


def cell_len(text: str) -> int:
    """`rich.cells.cell_len(text)`."""
    if _NARROW.fullmatch(text):
        return len(text)
    from rich.cells import cell_len as rich_cell_len

    return rich_cell_len(text)


def set_cell_size(text: str, total: int) -> str:
    """`rich.cells.set_cell_size(text, total)`."""
    if _NARROW.fullmatch(text):
        size = len(text)
        if size < total:
            return text + " " * (total - size)
        if total < 0 and ("\u2026" in text or "\u2192" in text):
            return ""  # rich's general path (these two are not in its fast set)
        return text[:total]
    from rich.cells import set_cell_size as rich_set_cell_size

    return rich_set_cell_size(text, total)


class _PlainText:
    """What the drawing needs of `rich.text.Text`, as a plain string, for a grid drawn without
    colour (a pipe, a file): the same widths, cuts and padding (rich's own cell measures), no
    styles, and no import of rich's text machinery. The text is gcal's own or has been through
    `_clean` (rich would also drop BEL, BS, VT, FF and CR, which `_clean` escapes)."""

    __slots__ = ("plain",)

    def __init__(self, text: str = "", style: Any = None) -> None:
        self.plain = text if text.isprintable() else text.translate(_RICH_STRIPS)

    def __str__(self) -> str:
        return self.plain

    def __len__(self) -> int:
        return len(self.plain)

    @property
    def cell_len(self) -> int:
        return cell_len(self.plain)

    def copy(self) -> _PlainText:
        return _PlainText(self.plain)

    def append(self, text: Any, style: Any = None) -> _PlainText:
        if isinstance(text, str):
            self.plain += text if text.isprintable() else text.translate(_RICH_STRIPS)
        else:
            self.plain += text.plain
        return self

    def append_text(self, text: _PlainText) -> _PlainText:
        self.plain += text.plain
        return self

    def stylize(self, style: Any, start: int = 0, end: Any = None) -> None:
        pass

    def rstrip(self) -> None:
        self.plain = self.plain.rstrip()

    def truncate(self, max_width: int, *, overflow: Any = None, pad: bool = False) -> None:
        """As `Text.truncate` with its default overflow (fold: a plain cut to the cells)."""
        length = cell_len(self.plain)
        if length > max_width:
            if overflow == "ellipsis":
                self.plain = set_cell_size(self.plain, max_width - 1) + "…"
            else:
                self.plain = set_cell_size(self.plain, max_width)
        if pad and length < max_width:
            self.plain = self.plain + " " * (max_width - length)


class _Draw:
    """The drawing of one grid at one width; `lines()` gives rich Text lines."""

    def __init__(
        self,
        grid: Grid,
        *,
        width: int,
        color: bool,
        zone_name: Optional[str],
        calendars: Mapping[str, Mapping[str, Any]],
        unicode: bool,
        height: Optional[int] = None,
        now: Optional[datetime.datetime] = None,
        displayable: Optional[Callable[[str], str]] = None,
    ) -> None:
        self.grid = grid
        self.height = height
        self.now = now
        self.width = width
        self.color = color
        self.zone_name = zone_name
        self.calendars = calendars
        self.box = _UNICODE if unicode else _ASCII
        self.displayable = displayable or (lambda text: text)
        if color:
            from rich.text import Text

            self.Text: Any = Text
        else:  # drawn as plain text: rich's text machinery is not needed
            self.Text = _PlainText
        self.columns = len(grid.rows[0].days)
        self.widths = column_widths(width, self.columns)

    # -- text helpers ----------------------------------------------------------------------

    def style(self, style: str) -> str:
        return style if self.color else ""

    def fit(self, text: Any, width: int, *, pad: bool = True) -> Any:
        """`text` (str or Text) cut to `width` cells with an ellipsis, padded to exactly it."""
        Text = self.Text

        text = text.copy() if isinstance(text, Text) else Text(text)
        if text.cell_len > width:
            text.truncate(max(width - 1, 0), pad=False)
            text.rstrip()  # a wide character cut in half leaves a space
            text.append(self.box["ellipsis"])
        text.truncate(width, pad=pad)
        return text

    def title(self, item: Any) -> str:
        """The title as shown: one line, marked `⌂` for a working location and `🎂` for a
        birthday (`@`, `b-day` where the output cannot show those)."""
        kind = event_kind(item.event)
        mark = f"{self.box[kind]} " if kind else ""
        title = item.title
        if title:  # what the output cannot encode replaced before the layout (`_Sink`)
            return mark + self.displayable(" ".join(_clean(title).split()))
        calendar = self.calendars.get(item.calendar_id) or {}
        # a calendar shared as free/busy only sends no details: say so, as the agenda does
        return mark + (BUSY if calendar.get("accessRole") == "freeBusyReader" else NO_TITLE)

    def calendar_style(self, calendar_id: str, *, bar: bool) -> str:
        if not self.color:
            return ""
        entry = self.calendars.get(calendar_id) or {}
        background = entry.get("backgroundColor")
        if not _is_hex(background):
            return "reverse" if bar else "bold"
        if not bar:
            return f"bold {background}"
        foreground = entry.get("foregroundColor")
        foreground = foreground if _is_hex(foreground) else "#000000"
        return f"{foreground} on {background}"

    def segment(self, first: int, last: int) -> int:
        """Cells from the start of column `first` to the end of column `last` (borders between
        them included)."""
        return sum(self.widths[first : last + 1]) + (last - first)

    # -- lines -------------------------------------------------------------------------------

    def rule(self, left: str, middle: str, right: str, joints: Sequence[bool] = ()) -> Any:
        """A horizontal border; `joints[k]` False leaves out the joint after column k (under
        a bar that runs on)."""
        Text = self.Text

        box = self.box
        parts = [box[left]]
        for k, w in enumerate(self.widths):
            parts.append(box["h"] * w)
            if k < self.columns - 1:
                parts.append(box[middle] if not joints or joints[k] else box["h"])
        parts.append(box[right])
        return Text("".join(parts), style=self.style("dim"))

    def join(self, cells: Sequence[Tuple[Any, int, int]]) -> Any:
        """One line from cells (text, first column, last column) covering every column in
        order; a cell over several columns hides the borders inside it."""
        Text = self.Text

        border = self.box["v"]
        line = Text()
        line.append(border, style=self.style("dim"))
        for text, first, last in cells:
            line.append_text(self.fit(text, self.segment(first, last)))
            line.append(border, style=self.style("dim"))
        return line

    def bar_text(self, bar: Bar, width: int, *, timed_prefix: bool = True) -> Any:
        Text = self.Text

        item = bar.item
        left = "<" if bar.continues_before else "["
        right = ">" if bar.continues_after else "]"
        body = self.title(item)
        if not item.all_day and not bar.continues_before and timed_prefix and item.start:
            body = f"{item.start:%H:%M} {body}"
        style = self.calendar_style(item.calendar_id, bar=True)
        if item.declined:  # as the agenda shows them
            style = (style + " dim strike") if self.color else ""
        inner = self.fit(Text(body), max(width - 2, 0))
        text = Text(left, style=style)
        inner.stylize(style)
        text.append_text(inner)
        text.append(right, style=style)
        return self.fit(text, width)

    def bar_lines(self, row: Row, lanes: int, cell_line: Any = None) -> List[Any]:
        """The lines of a row's bar lanes; a column without a bar on a lane is blank (week) or
        shows `cell_line(day, lane)` (month)."""
        Text = self.Text

        result = []
        for lane in range(lanes):
            on_lane = {bar.first: bar for bar in row.bars if bar.lane == lane}
            cells = []
            column = 0
            while column < self.columns:
                bar = on_lane.get(column)
                if bar is not None:
                    width = self.segment(bar.first, bar.last)
                    cells.append((self.bar_text(bar, width), bar.first, bar.last))
                    column = bar.last + 1
                    continue
                day = row.days[column]
                text = cell_line(day, column, lane) if cell_line else Text("")
                cells.append((text, column, column))
                column += 1
            result.append(self.join(cells))
        return result

    def clock_text(self, entry: Entry) -> Any:
        Text = self.Text

        item = entry.item
        assert item.start is not None and item.end is not None
        when = item.end if entry.continued else item.start
        clock = (self.box["to"] if entry.continued else "") + f"{when:%H:%M}"
        style = self.calendar_style(item.calendar_id, bar=False)
        if item.declined and self.color:
            style += " dim"
        text = Text()  # a plain base: what is appended to it must not take the clock's style
        text.append(clock, style=style)
        return text

    def title_text(self, entry: Entry) -> Any:
        Text = self.Text

        declined = entry.item.declined
        return Text(self.title(entry.item), style=self.style("dim strike") if declined else "")

    def entry_text(self, entry: Entry, *, with_time: bool = True) -> Any:
        """One line: `09:30 Stand-up` (a month cell cuts it to its width)."""
        Text = self.Text

        text = Text()
        if with_time:
            text.append_text(self.clock_text(entry))
            text.append(" ")
            text.append_text(self.title_text(entry))
        else:  # no room for the time: the title carries the calendar's colour
            title = self.title_text(entry)
            title.stylize(
                self.calendar_style(entry.item.calendar_id, bar=False).replace("bold", "")
            )
            text.append_text(title)
        return text

    # -- the week --------------------------------------------------------------------------

    def header_text(self, day: Day, width: int) -> Any:
        """`Monday 3 June`, `Mon 3 Jun`, `Mon 3`, `Mo3` or `3`: the longest form that fits every
        column (so that all headers read alike), with ` today` or `*` on today's."""
        Text = self.Text

        forms = self.header_forms(day.date)
        narrowest = min(self.widths)
        chosen = forms[-1]
        for k, form in enumerate(forms):
            if all(len(f) <= narrowest for f in self.header_forms_at(k)):
                chosen = form
                break
        if day.today:
            chosen = next(
                (chosen + mark for mark in (" today", "*") if len(chosen + mark) <= width), chosen
            )
        style = "bold reverse" if day.today else "bold"
        return Text(chosen, style=self.style(style))

    @staticmethod
    def header_forms(date: datetime.date) -> List[str]:
        weekday, month = _WEEKDAYS[date.weekday()], _MONTHS[date.month - 1]
        return [
            f"{weekday} {date.day} {month}",
            f"{weekday[:3]} {date.day} {month[:3]}",
            f"{weekday[:3]} {date.day}",
            f"{weekday[:2]}{date.day}",
            f"{date.day}",
        ]

    def header_forms_at(self, k: int) -> List[str]:
        return [self.header_forms(day.date)[k] for day in self.grid.rows[0].days]

    def week(self) -> List[Any]:
        row = self.grid.rows[0]
        lines = [self.rule("tl", "tm", "tr")]
        lines.append(
            self.join([(self.header_text(d, w), k, k) for k, (d, w) in enumerate(self.cells(row))])
        )
        lines.append(self.rule("ml", "mm", "mr"))
        if row.bars:
            lines.extend(self.bar_lines(row, row.lanes))
            lines.append(self.rule("ml", "mm", "mr"))
        columns = self.fitted_columns(row, room=self.height - len(lines) - 3 if self.height else 0)
        height = max((len(c) for c in columns), default=0)
        for k in range(height):
            lines.append(
                self.join([(c[k] if k < len(c) else "", i, i) for i, c in enumerate(columns)])
            )
        if height == 0 and not row.bars:
            lines.append(self.join([("", i, i) for i in range(self.columns)]))
        lines.append(self.rule("bl", "bm", "br"))
        return lines

    def cells(self, row: Row) -> List[Tuple[Day, int]]:
        return list(zip(row.days, self.widths))

    def fitted_columns(self, row: Row, room: int) -> List[List[Any]]:
        """The day columns, in at most `room` lines when `room` is positive (a terminal's
        height): entries wrap to fewer lines, then to one (`09:30 Title…`), then the busiest
        days end with `+N more`, rather than the top of the week scrolling out of sight."""
        cells = self.cells(row)
        columns: List[List[Any]] = []
        for limit in range(MAX_ENTRY_LINES, 0, -1):
            columns = [self.day_column(day, w, limit) for day, w in cells]
            if room <= 0 or max((len(c) for c in columns), default=0) <= room:
                return columns
        shown = max(room - 1, 1)  # entries, then one line of +N more
        return [
            self.today_column(day, w, room)
            if day.today and self.now is not None
            else self.day_column(day, w, 1, shown)
            for day, w in cells
        ]

    def today_column(self, day: Day, width: int, room: int) -> List[Any]:
        """Today's column in `room` one-line entries when not all fit: what is still to come
        (events not yet over) is kept, the past is counted on a `+N earlier` line at the top,
        and what still does not fit on a `+N more` line at the bottom."""
        Text = self.Text

        from gcal.core.grid import visible_window

        assert self.now is not None
        ended = [entry.item.end is not None and entry.item.end <= self.now for entry in day.entries]
        first, last = visible_window(ended, max(room, 2))
        lines: List[Any] = []
        if first:
            lines.append(Text(f"+{first} earlier", style=self.style("dim")))
        for entry in day.entries[first:last]:
            lines.append(self.fit(self.entry_text(entry), width, pad=False))
        if last < len(day.entries):
            lines.append(Text(f"+{len(day.entries) - last} more", style=self.style("dim")))
        return lines

    def day_column(
        self, day: Day, width: int, max_lines: int = MAX_ENTRY_LINES, max_entries: int = 0
    ) -> List[Any]:
        """A week column: each entry `09:30 Title`, the title wrapped under itself in up to
        `max_lines` lines (`gcal.core.wrap`: at spaces, after hyphens, between CJK characters,
        inside a word only when it alone is wider than the column). A title with a word too
        wide for the room under itself continues at the column's left edge instead; in a
        narrow column the time has a line of its own. With `max_entries`, only that many
        entries and a `+N more` line."""
        Text = self.Text

        entries = day.entries
        hidden = 0
        if max_entries and len(entries) > max_entries:
            entries, hidden = entries[:max_entries], len(entries) - max_entries
        lines: List[Any] = []
        for entry in entries:
            lines.extend(self.entry_lines(entry, width, max_lines))
        if hidden:
            lines.append(Text(f"+{hidden} more", style=self.style("dim")))
        return lines

    def entry_lines(self, entry: Entry, width: int, max_lines: int) -> List[Any]:
        Text = self.Text

        from gcal.core.wrap import clip, longest_word, wrap

        if max_lines == 1:
            return [self.fit(self.entry_text(entry), width, pad=False)]
        clock = self.clock_text(entry)
        title = self.title(entry.item)
        style = self.style("dim strike") if entry.item.declined else ""
        indent = clock.cell_len + 1
        hanging = min(self.widths) >= 14  # alike in every column
        if hanging and longest_word(title, cell_len) <= width - indent:
            wrapped = wrap(title, width - indent, width_of=cell_len)
            continuation = " " * indent
        elif hanging:  # continue at the left edge rather than cut a word
            wrapped = wrap(title, width, first_width=width - indent, width_of=cell_len)
            continuation = ""
        else:  # the time alone, the title under it
            wrapped = ["", *wrap(title, width, width_of=cell_len)]
            continuation = ""
        clipped = clip(
            wrapped,
            max_lines,
            width - len(continuation),
            ellipsis=self.box["ellipsis"],
            width_of=cell_len,
        )
        # (max_lines >= 2: the line that takes the mark is a continuation line)
        rows = []
        for k, part in enumerate(clipped):
            if k == 0:
                row = clock.copy()
                if part:
                    row.append(" ")
                    row.append(part, style=style)
            else:
                row = Text(continuation)
                row.append(part, style=style)
            rows.append(row)
        return rows

    # -- the month -------------------------------------------------------------------------

    def month(self) -> List[Any]:
        Text = self.Text

        lines = [self.rule("tl", "tm", "tr")]
        names = []
        narrowest = min(self.widths)
        longest = max(len(name) for name in _WEEKDAYS)
        size = None if longest <= narrowest else 3 if narrowest >= 3 else 2
        for k, day in enumerate(self.grid.rows[0].days):
            name = _WEEKDAYS[day.date.weekday()][:size]
            names.append((Text(name, style=self.style("bold")), k, k))
        lines.append(self.join(names))
        for row in self.grid.rows:
            lines.append(self.rule("ml", "mm", "mr"))
            lines.append(
                self.join(
                    [(self.day_number(d, w), k, k) for k, (d, w) in enumerate(self.cells(row))]
                )
            )
            # Lines below the last used one in the whole row are left out (one stays, so an
            # empty week still looks like a week): a quiet month fits a small terminal.
            used = max(
                (k + 1 for day in row.days for k, line in enumerate(day.lines) if line),
                default=0,
            )
            used = max(used, min(1, self.grid.lines or 0))
            lines.extend(self.bar_lines(row, used, self.month_line))
        lines.append(self.rule("bl", "bm", "br"))
        return lines

    def day_number(self, day: Day, width: int) -> Any:
        """The first line of a cell: the day number (`May 27` for another month's day, with
        ` today` or `*` on today's) and, at the right, `+N more` (or `+N`) for what did not
        fit: on this line rather than one of its own, so a month needs a line less per week."""
        Text = self.Text

        date = day.date
        month = _MONTHS[date.month - 1][:3]
        numbers = [f"{date.day}"] if day.in_span else [f"{month} {date.day}", f"{date.day}"]
        if day.today:
            numbers = [n + " today" for n in numbers] + [n + "*" for n in numbers]
        mores = [f"+{day.more} more", f"+{day.more}"] if day.more else [""]
        chosen = next(
            (
                (number, more)
                for number in numbers
                for more in mores
                if len(number) + (len(more) + 1 if more else 0) <= width
            ),
            (numbers[-1], mores[-1]),
        )
        number, more = chosen
        if day.today:
            style = "bold reverse"
        elif not day.in_span:
            style = "dim"
        else:
            style = "bold"
        text = Text()
        text.append(number, style=self.style(style))
        if more:
            text.append(" " * max(width - len(number) - len(more), 1))
            text.append(more, style=self.style("dim"))
        return text

    def month_line(self, day: Day, column: int, lane: int) -> Any:
        Text = self.Text

        line = day.lines[lane] if lane < len(day.lines) else None
        if not isinstance(line, Entry):
            return Text("")  # a bar's line is drawn by bar_lines; None is empty
        width = self.widths[column]
        text = self.entry_text(line, with_time=width >= 12)
        if not day.in_span and self.color:
            text.stylize("dim")
        return text

    # -- all -------------------------------------------------------------------------------

    def heading(self) -> Any:
        Text = self.Text

        grid = self.grid
        if grid.kind == "month":
            text = f"{_MONTHS[grid.first.month - 1]} {grid.first.year}"
        else:
            text = _span_name(grid.first, grid.last)
        if self.zone_name:
            text += f" · times in {_clean(self.zone_name)}"
        text = self.displayable(text)
        return self.fit(Text(text, style=self.style("bold")), self.width, pad=False)

    def lines(self) -> List[Any]:
        body = self.month() if self.grid.kind == "month" else self.week()
        return [self.heading(), *body]


def _span_name(first: datetime.date, last: datetime.date) -> str:
    """`3 – 9 June 2024`, `27 May – 2 June 2024`, `30 December 2024 – 5 January 2025`."""

    def name(day: datetime.date) -> str:
        return f"{day.day} {_MONTHS[day.month - 1]}"

    if first == last:
        return f"{_WEEKDAYS[first.weekday()]} {name(first)} {first.year}"
    if first.year != last.year:
        return f"{name(first)} {first.year} – {name(last)} {last.year}"
    if first.month != last.month:
        return f"{name(first)} – {name(last)} {last.year}"
    return f"{first.day} – {name(last)} {last.year}"


def _is_hex(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 7 or not value.startswith("#"):
        return False
    try:
        int(value[1:], 16)
    except ValueError:
        return False
    return True


def draw(
    grid: Grid,
    *,
    width: int,
    color: bool = False,
    zone_name: Optional[str] = None,
    calendars: Optional[Mapping[str, Mapping[str, Any]]] = None,
    unicode: bool = True,
    height: Optional[int] = None,
    now: Optional[datetime.datetime] = None,
    displayable: Optional[Callable[[str], str]] = None,
) -> List[Any]:
    """The grid as rich Text lines of exactly `width` cells (the heading may be shorter). With
    `height` (a terminal's lines), a week keeps within it where it can; with `now`, today's
    column then keeps what is still to come rather than the morning's past events."""
    return _Draw(
        grid,
        width=width,
        color=color,
        zone_name=zone_name,
        calendars=calendars or {},
        unicode=unicode,
        height=height,
        now=now,
        displayable=displayable,
    ).lines()


def render(
    grid: Grid,
    out: TextIO,
    *,
    width: int,
    color: bool = False,
    zone_name: Optional[str] = None,
    calendars: Optional[Mapping[str, Mapping[str, Any]]] = None,
    height: Optional[int] = None,
    now: Optional[datetime.datetime] = None,
) -> None:
    """Write the grid to `out`: styled when `color`, plain text otherwise."""
    sink = _Sink(out)
    unicode = sink.encodable("".join(_UNICODE.values()))
    lines = draw(
        grid,
        width=width,
        color=color,
        zone_name=zone_name,
        calendars=calendars,
        unicode=unicode,
        height=height,
        now=now,
        displayable=None if unicode else sink.displayable,
    )
    if not color:
        sink.write("".join(line.plain.rstrip() + "\n" for line in lines))
        sink.flush()
        return
    from gcal.render.console import make_console

    console = make_console(sink, color=True, width=width)  # the calendars' own colours
    for line in lines:
        console.print(line, no_wrap=True, overflow="crop")
    sink.flush()


def calendar_colors(calendar_list: Sequence[Mapping[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """id -> what `render` reads of each calendar list entry (colours, access role)."""
    result: Dict[str, Dict[str, Any]] = {}
    for entry in calendar_list:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            result[entry["id"]] = {
                k: entry.get(k)
                for k in ("backgroundColor", "foregroundColor", "summary", "accessRole")
            }
    return result
