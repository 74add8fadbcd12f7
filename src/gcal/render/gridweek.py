"""The week's grid (`gcal week`): a header per day, the bars of all-day and multi-day events,
and a column per day of timed entries, each `09:30 Title` wrapped under itself, kept within the
terminal's height where it can (shorter entries, then `+N more`, today keeping what is still to
come).

Separate from the month's cells (`gcal.render.gridmonth`): a week's column wraps and fits a
height; a month's cell is one line an entry.
"""

from __future__ import annotations

import datetime
from typing import Any, List

from gcal.core.grid import Day, Entry, Row
from gcal.render.cells import cell_len
from gcal.render.griddraw import MONTHS, WEEKDAYS, GridDraw

MAX_ENTRY_LINES = 4  # a timed entry in a week column wraps to at most this many lines


class WeekDraw(GridDraw):
    """A week drawn at one width."""

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
        weekday, month = WEEKDAYS[date.weekday()], MONTHS[date.month - 1]
        return [
            f"{weekday} {date.day} {month}",
            f"{weekday[:3]} {date.day} {month[:3]}",
            f"{weekday[:3]} {date.day}",
            f"{weekday[:2]}{date.day}",
            f"{date.day}",
        ]

    def header_forms_at(self, k: int) -> List[str]:
        return [self.header_forms(day.date)[k] for day in self.grid.rows[0].days]

    def body(self) -> List[Any]:
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
