"""The columns of the events and calendars tables: which columns, how wide, fixed once.

`TableLayout` is the part of `gcal.render.table.TableWriter` that chooses them. A table's
widths are chosen from the console's width and the listing's first page, and kept for every
later page so that the pages line up as one table: the first layout that keeps ids whole
(wide, compact, minimal), each column as wide as the first page needs, shared out by the
columns' ratios when that is more than the terminal has, and the room left given to the summary
and location when a long listing has more pages to come.
"""

from __future__ import annotations

from typing import Any, List, Tuple

from gcal.core.eventtime import event_start, table_span
from gcal.render.celltext import _clean, _rich_cells
from gcal.render.plainrows import _widest_rows


class TableLayout:
    """The column layout of `TableWriter` (which sets the attributes read here: `kind`,
    `_width`, `_zone`, `_zone_name`, `_marks`, `_unicode`, `_color`, `_console`, `_rows`, and
    the mode flags `_compact`, `_minimal`, `_weekday`, `_expand` set here; and the methods
    `_text`, `_style` and `_event_cells` called here)."""

    kind: str
    _width: int
    _zone: Any
    _zone_name: Any
    _marks: Tuple[str, ...]
    _unicode: bool
    _color: bool
    _console: Any
    _rows: int
    _compact: bool
    _minimal: bool
    _weekday: bool
    _expand: bool

    def _layout_for(self, items: List[dict]) -> List[dict]:
        """Column definitions (header, fixed width or ratio), fixed for the whole listing."""
        if self.kind == "calendars":
            return self._calendar_layout(items)
        return self._event_layout(items)

    def _event_layout(self, items: List[dict]) -> List[dict]:
        """The columns of events and instances, the first layout that keeps ids whole.

        Wide (>= 100 columns): weekday names, separate start and end, a location column.
        Compact: one "when" column with the end on a second line, the location under the
        summary, so the summary keeps a readable width. Minimal (< 64 columns, or when the id
        fits no other way): only "when" and "summary"; state, location and id become lines
        of the summary cell. Times, state and id are as wide as the first page's content (ids
        are never cut: they are copied into `gcal show`), the summary and location share the
        rest."""
        from rich.cells import cell_len

        width = self._width
        longest_id = max((len(_clean(item.get("id"))) for item in items), default=10)
        # Google's event ids are 26 characters, instance ids add `_20240605T070000Z`: make
        # room for them up front where there is room, as later pages cannot widen the column.
        # (An instance id is its series' id and a suffix: once the page holds one, the others
        # are as long.)
        instance_ids = any(i.get("recurringEventId") for i in items)
        expanded = self.kind == "instances" or instance_ids
        wanted = max(longest_id, 26 if not expanded or instance_ids else 43)

        def measure(cells: List[List[Any]], column: int) -> int:
            return max(
                (cell_len(line) for cell in cells for line in cell[column].plain.split("\n")),
                default=0,
            )

        def times(weekday: bool) -> Tuple[int, int]:
            """The widest start and end cells of the page (without building whole rows: a
            first page may hold 2,500 events)."""
            spans = [
                table_span(event_start(item), item.get("end"), self._zone, weekday=weekday)
                for item in items
            ]
            return (
                max((cell_len(a) for a, _ in spans), default=0),
                max((cell_len(b) for _, b in spans), default=0),
            )

        for mode in ("wide", "compact"):
            if (mode == "wide" and width < 100) or width < 64:
                continue
            self._compact, self._minimal = mode == "compact", False
            self._weekday = mode == "wide"
            start_width, end_width = times(mode == "wide")
            if mode == "wide":
                columns = [
                    {"header": "start", "width": max(start_width, 5), "style": "cyan"},
                    {"header": "end", "width": max(end_width, 3), "style": "cyan"},
                ]
            else:  # the end under the start, after an arrow
                arrow = cell_len(self._marks[2]) + 1
                when = max(start_width, end_width + arrow if end_width else 0, 4)
                columns = [{"header": "when", "width": when, "style": "cyan"}]
            if self.kind == "instances":
                columns.append({"header": "state", "width": 9})
            flexible = [{"header": "summary", "ratio": 3, "min_width": 12}]
            if mode == "wide":
                flexible.append({"header": "location", "ratio": 2, "min_width": 8})
            fixed = sum(c["width"] for c in columns)
            spare = width - fixed - sum(c["min_width"] for c in flexible)
            spare -= 3 * (len(columns) + len(flexible))
            if spare < longest_id:
                continue
            id_width = min(wanted, spare)
            spare -= id_width
            if mode == "wide" and columns[1]["width"] < columns[0]["width"]:
                # an end on another day is as long as a start: give it that where there is
                # room beyond what the summary and location want
                first_flexible = len(columns)
                cells = [self._event_cells(item) for item in items[:50]]  # a sample will do
                natural = sum(
                    max(measure(cells, first_flexible + k) - column["min_width"], 0)
                    for k, column in enumerate(flexible)
                )
                grow = min(columns[0]["width"] - columns[1]["width"], spare - natural)
                if grow > 0:
                    columns[1]["width"] += grow
            summary = flexible[0]
            return [
                *columns[: 2 if mode == "wide" else 1],
                *columns[2 if mode == "wide" else 1 :],
                summary,
                *flexible[1:],
                {"header": "id", "width": id_width, "style": "dim", "overflow": "fold"},
            ]
        self._compact, self._minimal, self._weekday = True, True, False
        return [
            {"header": "when", "width": 16 + (0 if self._zone is not None else 6)},
            {"header": "summary", "ratio": 1},
        ]

    def _calendar_layout(self, items: List[dict]) -> List[dict]:
        """The calendars' columns. Ids (addresses, group ids) are never cut, so they can be
        copied: their column is as wide as the longest id. Wide: id, summary, access, time
        zone and flags side by side. Compact (when those do not fit beside a readable
        summary): the id under the summary and its flags beside it, the access role and time
        zone one under the other. Minimal (when even that does not fit, or below 50 columns):
        one column, everything under the summary (an id longer than the terminal folds)."""
        width = self._width
        longest_id = max((len(_clean(item.get("id"))) for item in items), default=10)
        longest_zone = max((len(_clean(item.get("timeZone"))) for item in items), default=9)
        id_width = max(longest_id, 2)
        zone_width = max(9, longest_zone)
        access_width = 14  # freeBusyReader, the longest role: later pages may hold it
        summary_min = 16
        wide = id_width + summary_min + access_width + zone_width + 7 + 3 * 4
        self._minimal = width < 50
        self._compact = not self._minimal and (width < 100 or wide > width)
        if self._compact:
            side = max(access_width, zone_width)
            if max(id_width, summary_min) + 3 + side > width:
                self._minimal = True
        if self._minimal:
            self._compact = False
            return [{"header": "calendar", "ratio": 1, "min_width": 10}]
        if self._compact:
            return [
                {"header": "calendar", "ratio": 1, "min_width": max(id_width, 10)},
                {"header": "access, time zone", "width": max(access_width, zone_width)},
            ]
        return [
            # later pages may hold a longer id: it folds rather than be cropped
            {"header": "id", "width": id_width, "style": "dim", "overflow": "fold"},
            {"header": "summary", "ratio": 1, "min_width": 10},
            {"header": "access", "width": access_width, "no_wrap": True},
            {"header": "time zone", "width": zone_width},
            {"header": "flags", "width": 7},
        ]

    def _fit(self, layout: List[dict], rows: List[List[Any]], more: bool = False) -> List[dict]:
        """The layout with every column fixed at the width the first page needs: no wider
        than its content (a short listing is not padded to the terminal's width), and shared
        out by the columns' ratios when the content needs more than the terminal has. Later
        pages then line up with the first. When `more` pages follow, the columns that share
        the width (summary, location) also share what the terminal has left: a later page's
        longer titles then fit instead of wrapping.

        rich measures only the rows that hold each column's longest line (a column's natural
        width is its widest line's), not every row of a first page of 2,500."""
        try:
            probe = self._table(layout)
            probe.title = None
            for cells in _widest_rows(rows):
                probe.add_row(*_rich_cells(cells))
            options = self._console.options
            options = options.update_width(options.max_width - probe._extra_width)
            natural = [
                probe._measure_column(self._console, options, column).maximum or 1
                for column in probe.columns
            ]
            if sum(natural) <= options.max_width:
                widths = natural
                shares = [column.get("ratio") or 0 for column in layout]
                spare = options.max_width - sum(natural)
                if more and spare > 0 and sum(shares) > 0 and len(shares) == len(widths):
                    total = sum(shares)
                    grown = [w + spare * share // total for w, share in zip(widths, shares)]
                    first = next(i for i, share in enumerate(shares) if share)
                    grown[first] += options.max_width - sum(grown)  # what division left
                    widths = grown
            else:
                probe.expand = True
                widths = probe._calculate_column_widths(self._console, options)
        except Exception:  # a rich without these (private) methods: fill the width as before
            self._expand = True
            return layout
        last = len(layout) - 1
        fitted = []
        for i, (column, total) in enumerate(zip(layout, widths)):
            column = dict(column, width=max(1, total - (i > 0) - (i < last)))
            column.pop("ratio", None)
            column.pop("min_width", None)
            fitted.append(column)
        return fitted

    def _table(self, layout: List[dict]) -> Any:
        from rich import box
        from rich.table import Table

        table = Table(
            box=box.SIMPLE_HEAD if self._unicode else _ascii_head_box(),
            show_header=self._rows == 0,
            show_edge=False,
            expand=self._expand,
            pad_edge=False,
            header_style=self._style("bold"),
            safe_box=True,
        )
        if self._rows == 0 and self._zone_name and self.kind != "calendars":
            table.title = f"times in {self._text(self._zone_name)}"
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


def _ascii_head_box() -> Any:
    """rich's SIMPLE_HEAD drawn with `-`, for outputs that cannot encode box characters
    (rich's own fallback, ASCII, would add vertical rules and change the look)."""
    from rich.box import Box

    return Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
