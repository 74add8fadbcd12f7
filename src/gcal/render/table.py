"""The `table` output format: rich tables for people, one table per API page.

Only this module imports rich, and only when a table is actually written. Each page is printed as
its own table with fixed column widths, chosen once from the console width and the first page,
so that consecutive pages line up as one table while only one page is held in memory. The header
is printed with the first page that has rows.

Cells are built as `rich.text.Text`, never parsed as markup, so a summary such as
`[bold]x[/bold]` prints literally; control characters in API data (an invitation's title can hold
ESC sequences) are shown escaped instead of reaching the terminal.

Into a pipe or a file, plain rows are written without rich's layout (`gcal.render.plainrows`);
the cells' text is `gcal.render.celltext`'s.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Optional, TextIO, Tuple

from gcal.core.displayzone import resolve_display_zone
from gcal.core.eventtime import (
    event_start,
    instance_state,
    recurrence_lines,
    table_span,
)
from gcal.render.base import Writer, _items, _TrimmedSink
from gcal.render.celltext import (
    ARROW,
    BUSY,
    CANCELLED_MARK,
    NO_TITLE,
    RECURRING_MARK,
    UNTITLED_CANCELLED,
    _clean,
    _Plain,
    _plain_texts,
    _rich_cells,
    wrap_tokens,
)
from gcal.render.plainrows import _CHECK_ROWS, _FastRows, _widest_rows

_LONG_PAGE = 250  # a first page this long, with more to come: a long listing


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

        if not color:  # into a pipe or a file: no spaces padding each line to the width
            self._sink = _TrimmedSink(out)

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
        # What the output's encoding cannot hold is replaced before the layout, so that the
        # columns still line up (a replacement written afterwards would widen its cell).
        self._unicode = self._sink.encodable("↻✗→─日本語")
        self._marks = tuple(
            self._sink.displayable(mark) for mark in (RECURRING_MARK, CANCELLED_MARK, ARROW)
        )
        self._layout: Optional[List[dict]] = None
        self._rows = 0
        self._weekday = True
        self._compact = False
        self._minimal = False
        self._expand = False
        self._summary_width = 0  # known once the layout is fixed; raw rules wrap to it
        self._busy = False  # the calendar shares only free/busy
        self._series_titles: Dict[str, str] = {}
        self._learned: Any = None  # the page `missing_series` learned titles from, if any
        # None: not tried yet; False: off for this listing (colour, or a mismatch with rich)
        self._fast: Optional[Any] = None if not self._color else False

    # -- text --------------------------------------------------------------------------------

    def _text(self, value: Any) -> str:
        """Cell text: control characters escaped, and what the output cannot encode as `?`."""
        text = _clean(value)
        return text if self._unicode else self._sink.displayable(text)

    # -- layout ------------------------------------------------------------------------------

    def _style(self, style: str) -> Optional[str]:
        return style if self._color else None

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

    # -- rows --------------------------------------------------------------------------------

    def _cell_type(self) -> Any:
        """`rich.text.Text` where cells carry styles (colour), else the plain `_Plain`."""
        if self._color:
            from rich.text import Text

            return Text
        return _Plain

    def _calendar_cells(self, item: dict) -> List[Any]:
        Text = self._cell_type()

        title = item.get("summaryOverride") or item.get("summary")
        summary = Text(self._text(title) if title else NO_TITLE)
        if not title:
            summary.stylize(self._style("italic dim") or "")
        marks = [
            name for name in ("primary", "hidden", "deleted") if item.get(name) in (True, "true")
        ]
        access, zone = self._text(item.get("accessRole")), self._text(item.get("timeZone"))
        if self._compact or self._minimal:
            for mark in marks:
                summary.append(f" [{mark}]", style=self._style("bold"))
            summary.append("\n" + self._text(item.get("id")), style=self._style("dim"))
            if self._minimal:
                summary.append("\n" + ", ".join(x for x in (access, zone) if x))
                return [summary]
            return [summary, Text("\n".join(x for x in (access, zone) if x))]
        return [
            Text(self._text(item.get("id"))),
            summary,
            Text(access),
            Text(zone),
            Text("\n".join(marks), style=self._style("bold") or ""),
        ]

    def _learn_titles(self, items: List[dict]) -> None:
        """Remember the titles of series seen in the listing: a cancelled instance carries
        only its series' id (`recurringEventId`), and is shown under its series' title."""
        for item in items:
            if not item.get("recurrence") and not item.get("recurringEventId"):
                continue  # neither a series nor one of its instances
            title = item.get("summary")
            if not title or not isinstance(title, str) or item.get("status") == "cancelled":
                continue
            if item.get("recurrence") and isinstance(item.get("id"), str):
                self._series_titles[item["id"]] = title  # the series itself wins
            series = item.get("recurringEventId")
            if isinstance(series, str) and series:
                self._series_titles.setdefault(series, title)

    def missing_series(self, response: dict) -> List[str]:
        if self.kind == "calendars" or not isinstance(response, dict):
            return []
        if response.get("accessRole") == "freeBusyReader":
            return []  # nothing beyond free/busy can be read there
        items = [item for item in _items(response) if isinstance(item, dict)]
        self._learn_titles(items)
        self._learned = response  # `write_page` of the same page need not learn them again
        missing: List[str] = []
        for item in items:
            series = item.get("recurringEventId")
            if (
                item.get("status") == "cancelled"
                and not item.get("summary")
                and isinstance(series, str)
                and series
                and series not in self._series_titles
                and series not in missing
            ):
                missing.append(series)
        return missing

    def add_series_titles(self, titles: Dict[str, str]) -> None:
        for series, title in titles.items():
            if isinstance(title, str) and title:
                self._series_titles.setdefault(series, title)

    def _title(self, item: dict, cancelled: bool) -> Tuple[str, bool]:
        """(title, whether it is the event's own) for the summary cell."""
        title = item.get("summary")
        if title:
            return self._text(title), True
        series = item.get("recurringEventId")
        if cancelled and isinstance(series, str) and series:
            known = self._series_titles.get(series)
            if known:
                return self._text(known), True
            return f"(an occurrence of {self._text(series)})", False
        if cancelled and not self._busy:
            return UNTITLED_CANCELLED, False  # deleted: the API sends no title, not an empty one
        return (BUSY if self._busy else NO_TITLE), False

    def _rule_lines(self, item: dict) -> List[str]:
        lines = []
        for rule in recurrence_lines(item):
            from gcal.core.rrule import describe_recurrence_line  # only a series' row needs it

            words = describe_recurrence_line(rule, self._zone)
            text = self._text(words or rule)
            lines.append(text if words else wrap_tokens(text, self._summary_width))
        return lines

    def _event_cells(self, item: dict) -> List[Any]:
        Text = self._cell_type()

        recurring_mark, cancelled_mark, arrow = self._marks
        start, end = table_span(
            event_start(item), item.get("end"), self._zone, weekday=self._weekday
        )
        cancelled = item.get("status") == "cancelled"
        rules = self._rule_lines(item)
        summary = Text()
        if cancelled and self.kind == "events":
            summary.append(cancelled_mark + " ", style=self._style("red") or "")
        if rules:
            summary.append(recurring_mark + " ", style=self._style("magenta") or "")
        title, own = self._title(item, cancelled)
        if own:
            summary.append(title, style=self._style("strike") if cancelled else None)
        else:
            summary.append(title, style=self._style("italic dim"))
        if cancelled and self.kind == "events":
            summary.append(" (cancelled)", style=self._style("red") or "")
        for rule in rules:
            summary.append("\n" + rule, style=self._style("dim"))
        location = self._text(item.get("location"))
        if self._compact:
            if location:
                summary.append("\n@ " + location, style=self._style("dim"))
            cells: List[Any] = [Text(start + (f"\n{arrow} " + end if end else ""))]
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
            summary.append("\n" + self._text(item.get("id")), style=self._style("dim"))
            return [cells[0], summary]
        cells.append(summary)
        if not self._compact:
            cells.append(Text(location))
        cells.append(Text(self._text(item.get("id"))))
        return cells

    # -- Writer ------------------------------------------------------------------------------

    def write_page(self, response: dict) -> int:
        if isinstance(response, dict) and response.get("accessRole") == "freeBusyReader":
            self._busy = True
        items = [item for item in _items(response) if isinstance(item, dict)]
        learned, self._learned = self._learned, None
        if not items:
            return 0
        if self.kind != "calendars" and learned is not response:
            self._learn_titles(items)
        cells_of = self._calendar_cells if self.kind == "calendars" else self._event_cells
        if self._layout is None:
            layout = self._layout_for(items)
            # more pages of a long listing follow (not the few rows of a --limit)
            more = len(items) >= _LONG_PAGE and bool(response.get("nextPageToken"))
            self._layout = self._fit(layout, [cells_of(item) for item in items], more)
            if self.kind != "calendars":
                index = [c["header"] for c in self._layout].index("summary")
                self._summary_width = self._layout[index].get("width") or 0
        if self._fast is None:
            self._fast = self._prove_fast([cells_of(item) for item in items[:_CHECK_ROWS]])
        if not self._fast:
            self._print_rows([cells_of(item) for item in items])
        else:
            self._write_fast(items, cells_of)
        self._sink.flush()
        return len(items)

    def _write_fast(self, items: List[dict], cells_of: Any) -> None:
        """The rows of a page without colour: each one `_FastRows` can write directly is
        written so, in order with runs of the others, which rich lays out (the first row of
        the listing too, for the title and header). The commonest event row is built as
        plain strings (`_quick_texts`) and written by `_FastRows.line`; any other goes the
        general way, `_event_cells` and `_fast_lines`."""
        fast = self._fast
        quick = self._quick_texts if self.kind != "calendars" and not self._minimal else None
        chunks: List[str] = []
        pending: List[List[Any]] = []
        for item in items:
            if self._rows == 0 and not pending:
                pending.append(cells_of(item))
                continue
            texts = quick(item) if quick is not None else None
            text = fast.line(texts) if texts is not None else None
            if text is None:
                if texts is None:
                    texts = _plain_texts(cells_of(item))
                text = self._fast_lines(texts)
            if text is None:
                if chunks:
                    self._write_lines("".join(chunks))
                    chunks = []
                pending.append(texts)
                continue
            if pending:
                self._print_rows(pending)
                pending = []
            chunks.append(text)
        if pending:
            self._print_rows(pending)
        if chunks:
            self._write_lines("".join(chunks))

    def _quick_texts(self, item: dict) -> Optional[List[str]]:
        """The cells of the commonest event row as plain strings, exactly as `_event_cells`
        builds them without colour: a confirmed event (or instance) with a title, that is not
        a series, whose text needs no escaping and whose start and end are both given. None
        for any other row (the general way builds it)."""
        if item.get("recurrence") or item.get("status") == "cancelled":
            return None
        title, location, event_id = item.get("summary"), item.get("location"), item.get("id")
        if location is None:
            location = ""
        if event_id is None:
            event_id = ""
        if (
            not title
            or title.__class__ is not str
            or location.__class__ is not str
            or event_id.__class__ is not str
        ):
            return None
        if not (title.isprintable() and location.isprintable() and event_id.isprintable()):
            return None  # escaped by `_clean`
        if not self._unicode and not (title + location + event_id).isascii():
            return None  # replaced by `_Sink.displayable`
        start, end = item.get("start"), item.get("end")
        if start.__class__ is not dict or not (start.get("dateTime") or start.get("date")):
            return None  # `event_start` would read originalStartTime
        start_text, end_text = table_span(start, end, self._zone, weekday=self._weekday)
        if self._compact:
            if location:
                title += "\n@ " + location
            when = start_text + (f"\n{self._marks[2]} " + end_text if end_text else "")
            texts = [when, title, event_id]
            at = 1
        else:
            texts = [start_text, end_text, title, location, event_id]
            at = 2
        if self.kind == "instances":
            texts.insert(at, instance_state(item))
        return texts

    def _write_lines(self, text: str) -> None:
        """Whole lines from `_FastRows` (already without trailing padding when trimmed)."""
        write = getattr(self._sink, "write_lines", None)
        (write or self._sink.write)(text)

    def _print_rows(self, rows: List[List[Any]]) -> None:
        table = self._table(self._layout or [])
        for cells in rows:
            table.add_row(*_rich_cells(cells))
        self._console.print(table)
        self._rows += len(rows)

    def _fast_lines(self, texts: List[str]) -> Optional[str]:
        """The row's text from `_FastRows`, or None when rich must lay it out. The first row
        of a listing that needs wrapping is also laid out by rich: wrapping is trusted for the
        rest of the listing only when both agree."""
        fast = self._fast
        text = fast.lines(texts, wrap=fast.wrap is not False)
        if text is not None and fast.wrapped and fast.wrap is None:
            rich = self._rich_text([texts])
            if fast.trim:
                rich = "\n".join(line.rstrip(" ") for line in rich.split("\n"))
            fast.wrap = rich == text
            if not fast.wrap:
                return None
        return text

    def _rich_text(self, rows: List[List[Any]]) -> str:
        """What rich writes for `rows` at the listing's widths, without title or header."""
        probe = self._table(self._layout or [])
        probe.show_header = False
        probe.title = None
        for cells in rows:
            probe.add_row(*_rich_cells(cells))
        with self._console.capture() as captured:
            self._console.print(probe)
        return captured.get()

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
            folds = [
                not column.get("no_wrap", False) and column.get("overflow", "fold") == "fold"
                for column in layout
            ]
            fast = _FastRows(
                widths, folds if len(folds) == len(widths) else None, trim=not self._color
            )
        except Exception:  # a rich without this (private) method: always lay out with rich
            return False
        rows, expected = [], []
        for cells in sample:
            text = fast.lines(_plain_texts(cells))
            if text is not None:
                rows.append(cells)
                expected.append(text)
        if not expected:
            return None  # nothing to compare on this page: rich lays it out, try the next
        text = self._rich_text(rows)
        if fast.trim:
            text = "\n".join(line.rstrip(" ") for line in text.split("\n"))
        return fast if text == "".join(expected) else False

    def _finish(self, complete: bool) -> None:
        if complete and self._rows == 0:
            from rich.text import Text

            self._console.print(Text(f"No {self.kind}.", style=self._style("dim") or ""))


def _ascii_head_box() -> Any:
    """rich's SIMPLE_HEAD drawn with `-`, for outputs that cannot encode box characters
    (rich's own fallback, ASCII, would add vertical rules and change the look)."""
    from rich.box import Box

    return Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
