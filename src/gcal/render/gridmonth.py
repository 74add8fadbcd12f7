"""The month's grid (`gcal month`): the weekday names, then a row a week: each day's number
(another month's day named, today marked, `+N more` at its right) and a line an entry or bar,
as many lines as the busiest day of the row uses.

Separate from the week's columns (`gcal.render.gridweek`): a month's cell is one line an entry
and never wraps.
"""

from __future__ import annotations

from typing import Any, List

from gcal.core.grid import Day, Entry
from gcal.render.griddraw import MONTHS, WEEKDAYS, GridDraw


class MonthDraw(GridDraw):
    """A month drawn at one width."""

    def body(self) -> List[Any]:
        Text = self.Text

        lines = [self.rule("tl", "tm", "tr")]
        names = []
        narrowest = min(self.widths)
        longest = max(len(name) for name in WEEKDAYS)
        size = None if longest <= narrowest else 3 if narrowest >= 3 else 2
        for k, day in enumerate(self.grid.rows[0].days):
            name = WEEKDAYS[day.date.weekday()][:size]
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
        month = MONTHS[date.month - 1][:3]
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
