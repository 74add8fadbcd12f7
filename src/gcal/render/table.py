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
from gcal.render.plainrows import _CHECK_ROWS, _FastRows
from gcal.render.tablelayout import TableLayout

_LONG_PAGE = 250  # a first page this long, with more to come: a long listing


class TableWriter(TableLayout, Writer):
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
