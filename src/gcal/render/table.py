"""The `table` output format: rich tables for people, one table per API page.

Only this module imports rich, and only when a table is actually written. Each page is printed as
its own table with fixed column widths, chosen once from the console width and the first page,
so that consecutive pages line up as one table while only one page is held in memory. The header
is printed with the first page that has rows.

Cells are built as `rich.text.Text`, never parsed as markup, so a summary such as
`[bold]x[/bold]` prints literally; control characters in API data (an invitation's title can hold
ESC sequences) are shown escaped instead of reaching the terminal.

Speed: rich lays out every cell of every row (wrapping, cropping, padding), about half a
millisecond a row, which makes a 100,000-event table take most of a minute. Without colour (a
file or a pipe) a row whose cells are plain, single-width text that fits its column needs none
of that: `_FastRows` writes it as rich would, padded to the same fixed widths. It proves itself
on the first rows of each listing (rich renders them too, and any difference turns the shortcut
off for the listing), and any row it cannot vouch for still goes through rich.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, List, Optional, Sequence, TextIO

from gcal.core.displayzone import resolve_display_zone
from gcal.core.eventtime import (
    event_start,
    instance_state,
    recurrence_lines,
    table_span,
)
from gcal.render.base import Writer, _items

NO_TITLE = "(no title)"
RECURRING_MARK = "↻"
CANCELLED_MARK = "✗"

# C0 controls other than newline, DEL, C1 controls: escaped so they cannot drive the terminal.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\t", " ").replace("\r\n", "\n")
    return _CONTROL_RE.sub(lambda m: repr(m.group())[1:-1], text)


_CHECK_ROWS = 8  # rows of a listing rendered both ways before the shortcut is trusted


class _FastRows:
    """Plain rows of a rich table with fixed column widths, without rich's per-cell layout.

    `widths` are the table's column widths as rich computed them (padding included); cells
    are separated by rich's SIMPLE_HEAD layout: one space of padding on each inner side and a
    blank vertical rule, with no padding at the table's edges (pad_edge=False).
    """

    def __init__(self, widths: Sequence[int]) -> None:
        last = len(widths) - 1
        self.content = [w - (i > 0) - (i < last) for i, w in enumerate(widths)]
        self.blank = [" " * w for w in self.content]

    def lines(self, cells: Sequence[Any]) -> Optional[str]:
        """The row's text (lines ending in newline), or None when rich must lay it out."""
        from rich.cells import cell_len

        if len(cells) != len(self.content):
            return None
        columns = []
        for cell, width in zip(cells, self.content):
            if getattr(cell, "spans", True) or getattr(cell, "style", True):
                return None  # styled text: rich's job
            text = cell.plain
            parts = text.split("\n") if "\n" in text else [text]
            for part in parts:
                if len(part) > width or part != part.strip() or "  " in part:
                    return None  # would wrap, or whitespace rich may fold
                if not part.isascii() and (not part.isprintable() or cell_len(part) != len(part)):
                    return None  # wide or zero-width characters
            columns.append(parts)
        height = max(len(parts) for parts in columns)
        out = []
        for k in range(height):
            out.append(
                "   ".join(
                    parts[k].ljust(width) if k < len(parts) else blank
                    for parts, width, blank in zip(columns, self.content, self.blank)
                )
            )
        return "\n".join(out) + "\n"


class TableWriter(Writer):
    """A rich table per page; columns per kind are documented on the `_columns_*` methods."""

    def __init__(
        self,
        kind: str,
        out: TextIO,
        *,
        time_zone: Optional[str] = None,
        color: bool = False,
        width: Optional[int] = None,
    ) -> None:
        super().__init__(kind, out)
        from rich.console import Console

        class _Console(Console):
            def on_broken_pipe(self) -> None:
                # rich's default redirects the process's stdout to /dev/null and exits; the
                # CLI decides what a closed pipe means, so hand it the error instead.
                raise BrokenPipeError

        self._color = bool(color)
        self._console = _Console(
            file=self._sink,  # type: ignore[arg-type]
            width=width or 120,
            color_system="auto" if self._color else None,
            force_terminal=self._color,
            no_color=not self._color,
            highlight=False,
            markup=False,
            emoji=False,
            soft_wrap=False,
            legacy_windows=False,
            force_jupyter=False,
            force_interactive=False,
        )
        self._width = self._console.width
        # Every row in the display zone (--time-zone, else the local zone), whatever zone each
        # calendar or event is kept in, so that rows from different zones line up.
        display = resolve_display_zone(time_zone, strict=False)
        self._zone_name: Optional[str] = display.name
        self._zone: Optional[datetime.tzinfo] = display.zone
        self._layout: Optional[List[dict]] = None
        self._rows = 0
        self._weekday = True
        self._compact = False
        self._minimal = False
        # None: not tried yet; False: off for this listing (colour, or a mismatch with rich)
        self._fast: Optional[Any] = None if not self._color else False

    # -- layout ------------------------------------------------------------------------------

    def _style(self, style: str) -> Optional[str]:
        return style if self._color else None

    def _layout_for(self, items: List[dict]) -> List[dict]:
        """Column definitions (header, fixed width or ratio), fixed for the whole listing."""
        width = self._width
        longest_id = max((len(_clean(item.get("id"))) for item in items), default=10)
        if self.kind == "calendars":
            longest_zone = max((len(_clean(item.get("timeZone"))) for item in items), default=9)
            # Narrow (< 100 columns, or too narrow for ids beside a readable summary): the id
            # goes under the summary and the marks beside it, so that neither the summary nor
            # the role and zone are squeezed or cropped.
            zone_width = max(9, min(longest_zone, 30))
            room = width - (14 + zone_width + 8) - 3 * 4 - 24  # 24: the summary's share
            self._compact = width < 100 or room < min(max(longest_id, 10), 40)
            if self._compact:
                return [
                    {"header": "calendar", "ratio": 1, "min_width": 10},
                    {"header": "access", "width": 14},
                    {"header": "time zone", "width": max(9, min(longest_zone, 20))},
                ]
            id_width = min(max(longest_id, 10), room)
            return [
                {"header": "id", "width": id_width, "style": "dim", "overflow": "fold"},
                {"header": "summary", "ratio": 1, "min_width": 10},
                {"header": "access", "width": 14, "no_wrap": True},
                {"header": "time zone", "width": zone_width},
                {"header": "", "width": 8},
            ]
        # Wide (>= 100 columns): weekday names, separate start and end, a location column.
        # Narrow: one "when" column with the end on a second line, the location under the
        # summary, so the summary keeps a readable width. Tiny (< 64): only "when" and
        # "summary"; state, location and id become lines of the summary cell.
        self._compact = width < 100
        self._minimal = width < 64
        if self._minimal:
            self._weekday = False
            return [
                {"header": "when", "width": 16 + (0 if self._zone is not None else 6)},
                {"header": "summary", "ratio": 1},
            ]
        self._weekday = not self._compact
        time_width = (16 if self._compact else 20) + (0 if self._zone is not None else 6)
        if self._compact:
            columns = [{"header": "when", "width": time_width, "style": "cyan"}]
        else:
            columns = [
                {"header": "start", "width": time_width, "style": "cyan"},
                {"header": "end", "width": time_width, "style": "cyan"},
            ]
        if self.kind == "instances":
            columns.append({"header": "state", "width": 9})
        flexible = 2 if self._compact else 3  # summary, [location,] id
        fixed = sum(c["width"] for c in columns)
        room = width - fixed - 3 * (len(columns) + flexible - 1)
        # Google's event ids are 26 characters, instance ids add `_20240605T070000Z`: make room
        # for them up front, as later pages cannot widen the column. Ids fold only when narrow.
        # (Instance ids only appear with singleEvents, and then on the first page too.)
        expanded = self.kind == "instances" or any(i.get("recurringEventId") for i in items)
        wanted = max(longest_id, 43 if expanded else 26)
        id_width = max(10, min(wanted, room - (20 if self._compact else 30)))
        columns.append({"header": "summary", "ratio": 3, "min_width": 12})
        if not self._compact:
            columns.append({"header": "location", "ratio": 2, "min_width": 8})
        columns.append({"header": "id", "width": id_width, "style": "dim", "overflow": "fold"})
        return columns

    def _table(self, layout: List[dict]) -> Any:
        from rich import box
        from rich.table import Table

        table = Table(
            box=box.SIMPLE_HEAD,
            show_header=self._rows == 0,
            show_edge=False,
            expand=True,
            pad_edge=False,
            header_style=self._style("bold"),
            safe_box=True,
        )
        if self._rows == 0 and self._zone_name and self.kind != "calendars":
            table.title = f"times in {_clean(self._zone_name)}"
            table.title_justify = "left"
            table.title_style = self._style("dim") or ""
        for column in layout:
            table.add_column(
                column["header"],
                width=column.get("width"),
                ratio=column.get("ratio"),
                min_width=column.get("min_width"),
                no_wrap=column.get("no_wrap", False),
                overflow=column.get("overflow", "fold"),
                style=self._style(column.get("style", "")) or None,
            )
        return table

    # -- rows --------------------------------------------------------------------------------

    def _calendar_cells(self, item: dict) -> List[Any]:
        from rich.text import Text

        title = item.get("summaryOverride") or item.get("summary")
        summary = Text(_clean(title) if title else NO_TITLE)
        if not title:
            summary.stylize(self._style("italic dim") or "")
        marks = [
            name for name in ("primary", "hidden", "deleted") if item.get(name) in (True, "true")
        ]
        access, zone = Text(_clean(item.get("accessRole"))), Text(_clean(item.get("timeZone")))
        if self._compact:
            for mark in marks:
                summary.append(f" [{mark}]", style=self._style("bold"))
            summary.append("\n" + _clean(item.get("id")), style=self._style("dim"))
            return [summary, access, zone]
        return [
            Text(_clean(item.get("id"))),
            summary,
            access,
            zone,
            Text("\n".join(marks), style=self._style("bold") or ""),
        ]

    def _event_cells(self, item: dict) -> List[Any]:
        from rich.text import Text

        start, end = table_span(
            event_start(item), item.get("end"), self._zone, weekday=self._weekday
        )
        cancelled = item.get("status") == "cancelled"
        rules = recurrence_lines(item)
        summary = Text()
        if cancelled and self.kind == "events":
            summary.append(CANCELLED_MARK + " ", style=self._style("red") or "")
        if rules:
            summary.append(RECURRING_MARK + " ", style=self._style("magenta") or "")
        title = item.get("summary")
        if title:
            summary.append(_clean(title), style=self._style("strike") if cancelled else None)
        else:
            summary.append(NO_TITLE, style=self._style("italic dim"))
        if cancelled and self.kind == "events":
            summary.append(" (cancelled)", style=self._style("red") or "")
        for rule in rules:
            summary.append("\n" + _clean(rule), style=self._style("dim"))
        location = _clean(item.get("location"))
        if self._compact:
            if location:
                summary.append("\n@ " + location, style=self._style("dim"))
            cells: List[Any] = [Text(start + ("\n→ " + end if end else ""))]
        else:
            cells = [Text(start), Text(end)]
        if self.kind == "instances":
            state = instance_state(item)
            style = self._style({"cancelled": "red", "moved": "yellow"}.get(state, "")) or ""
            if self._minimal:
                if state:
                    summary.append(f"\n[{state}]", style=style)
            else:
                cells.append(Text(state, style=style))
        if self._minimal:
            summary.append("\n" + _clean(item.get("id")), style=self._style("dim"))
            return [cells[0], summary]
        cells.append(summary)
        if not self._compact:
            cells.append(Text(location))
        cells.append(Text(_clean(item.get("id"))))
        return cells

    # -- Writer ------------------------------------------------------------------------------

    def write_page(self, response: dict) -> int:
        items = [item for item in _items(response) if isinstance(item, dict)]
        if not items:
            return 0
        if self._layout is None:
            self._layout = self._layout_for(items)
        cells_of = self._calendar_cells if self.kind == "calendars" else self._event_cells
        rows = [cells_of(item) for item in items]
        if self._fast is None:
            self._fast = self._prove_fast(rows[:_CHECK_ROWS])
        if not self._fast:
            self._print_rows(rows)
        else:
            # Runs of rows rich must lay out go through it (the first row of the listing too,
            # for the title and header); the rest are written directly, in order.
            chunks: List[str] = []
            pending: List[List[Any]] = []
            for cells in rows:
                text = None if (self._rows == 0 and not pending) else self._fast.lines(cells)
                if text is None:
                    if chunks:
                        self._sink.write("".join(chunks))
                        chunks = []
                    pending.append(cells)
                    continue
                if pending:
                    self._print_rows(pending)
                    pending = []
                chunks.append(text)
            if pending:
                self._print_rows(pending)
            if chunks:
                self._sink.write("".join(chunks))
        self._sink.flush()
        return len(items)

    def _print_rows(self, rows: List[List[Any]]) -> None:
        table = self._table(self._layout or [])
        for cells in rows:
            table.add_row(*cells)
        self._console.print(table)
        self._rows += len(rows)

    def _prove_fast(self, sample: List[List[Any]]) -> Any:
        """A `_FastRows` when it writes `sample` exactly as rich does; False when it does not
        (or rich lacks what it needs); None when no row of `sample` could be compared."""
        layout = self._layout or []
        try:
            probe = self._table(layout)
            probe.show_header = False
            probe.title = None
            # as Table.__rich_console__ does: the vertical rules are not part of the columns
            options = self._console.options
            options = options.update_width(options.max_width - probe._extra_width)
            widths = probe._calculate_column_widths(self._console, options)
            fast = _FastRows(widths)
        except Exception:  # a rich without this (private) method: always lay out with rich
            return False
        expected = []
        for cells in sample:
            text = fast.lines(cells)
            if text is not None:
                probe.add_row(*cells)
                expected.append(text)
        if not expected:
            return None  # nothing to compare on this page: rich lays it out, try the next
        with self._console.capture() as captured:
            self._console.print(probe)
        return fast if captured.get() == "".join(expected) else False

    def _finish(self, complete: bool) -> None:
        if complete and self._rows == 0:
            from rich.text import Text

            self._console.print(Text(f"No {self.kind}.", style=self._style("dim") or ""))
