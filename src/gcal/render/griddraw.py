"""What the grids of `gcal week` and `gcal month` draw alike (`GridDraw`): the borders, a line
of cells over the columns, the bars that run across them, an entry's time and title, the
calendars' colours, the heading; and the names of days and months they print.

Separate from the week's columns (`gcal.render.gridweek`) and the month's cells
(`gcal.render.gridmonth`), which each add the body below the heading, and from the entry points
(`gcal.render.grid`).
"""

from __future__ import annotations

import datetime
from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple

from gcal.core.days import event_kind
from gcal.core.grid import Bar, Day, Entry, Grid, Row
from gcal.render.cells import PlainText
from gcal.render.celltext import BUSY, NO_TITLE, _clean

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (  # noqa: SIM905 - fixed English names, not the C locale's
    "January February March April May June July August September October November December"
).split()

UNICODE = {"v": "│", "h": "─", "tl": "┌", "tm": "┬", "tr": "┐", "ml": "├", "mm": "┼", "mr": "┤"}
UNICODE.update({"bl": "└", "bm": "┴", "br": "┘", "ellipsis": "…", "to": "→"})
UNICODE.update({"workingLocation": "⌂", "birthday": "🎂"})  # entries that are no meetings
_ASCII = {"v": "|", "h": "-", "ellipsis": "~", "to": ">"}
_ASCII.update({"workingLocation": "@", "birthday": "b-day"})
_ASCII.update({k: "+" for k in ("tl", "tm", "tr", "ml", "mm", "mr", "bl", "bm", "br")})


def column_widths(width: int, columns: int) -> List[int]:
    """Inner widths of `columns` columns between 1-cell borders, filling `width` exactly (the
    spare cells go to the first columns)."""
    room = max(width - (columns + 1), columns)
    base, spare = divmod(room, columns)
    return [base + (1 if k < spare else 0) for k in range(columns)]


class GridDraw:
    """The drawing of one grid at one width; `lines()` gives rich Text lines. What the week and
    the month draw alike; `WeekDraw` and `MonthDraw` give the `body` below the heading."""

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
        self.box = UNICODE if unicode else _ASCII
        self.displayable = displayable or (lambda text: text)
        if color:
            from rich.text import Text

            self.Text: Any = Text
        else:  # drawn as plain text: rich's text machinery is not needed
            self.Text = PlainText
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
        if not is_hex(background):
            return "reverse" if bar else "bold"
        if not bar:
            return f"bold {background}"
        foreground = entry.get("foregroundColor")
        foreground = foreground if is_hex(foreground) else "#000000"
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

    def cells(self, row: Row) -> List[Tuple[Day, int]]:
        return list(zip(row.days, self.widths))

    # -- all ------------------------------------------------------------------------------

    def body(self) -> List[Any]:
        """The lines below the heading (the week's or the month's)."""
        raise NotImplementedError

    def heading(self) -> Any:
        Text = self.Text

        grid = self.grid
        if grid.kind == "month":
            text = f"{MONTHS[grid.first.month - 1]} {grid.first.year}"
        else:
            text = span_name(grid.first, grid.last)
        if self.zone_name:
            text += f" · times in {_clean(self.zone_name)}"
        text = self.displayable(text)
        return self.fit(Text(text, style=self.style("bold")), self.width, pad=False)

    def lines(self) -> List[Any]:
        body = self.body()
        return [self.heading(), *body]


def span_name(first: datetime.date, last: datetime.date) -> str:
    """`3 – 9 June 2024`, `27 May – 2 June 2024`, `30 December 2024 – 5 January 2025`."""

    def name(day: datetime.date) -> str:
        return f"{day.day} {MONTHS[day.month - 1]}"

    if first == last:
        return f"{WEEKDAYS[first.weekday()]} {name(first)} {first.year}"
    if first.year != last.year:
        return f"{name(first)} {first.year} – {name(last)} {last.year}"
    if first.month != last.month:
        return f"{name(first)} – {name(last)} {last.year}"
    return f"{first.day} – {name(last)} {last.year}"


def is_hex(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 7 or not value.startswith("#"):
        return False
    try:
        int(value[1:], 16)
    except ValueError:
        return False
    return True
