"""`gcal week` and `gcal month`: the agenda's events for a span, laid out as a calendar grid.

The events come from the agenda (`gcal.commands.agenda.agenda_events`): the same calendars,
filters, concurrent fetch and partial-failure rules, and whatever event source it reads (the
API, or a local store), and with several profiles their merge
(`gcal.commands.agenda_profiles`). What is added here is only the choice of span, the layout
(`gcal.core.grid`) and the drawing (`gcal.render.grid`).

The machine formats are not grids: json, ndjson, csv and tsv print exactly what `gcal agenda`
prints for the view's span (the week's days, or the month's). A terminal narrower than the grid
can be drawn in gets the agenda's list instead, with a one-line note on stderr.
"""

from __future__ import annotations

import datetime
import itertools
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, TextIO

from gcal.core import grid as layout
from gcal.core.span import Span
from gcal.record import Record
from gcal.settings import Settings

__all__ = ["DEFAULT_WIDTH", "View", "month_view", "run", "week_view"]

DEFAULT_WIDTH = 100  # into a pipe or a file without COLUMNS
DEFAULT_LINES = 3  # event lines per day of a month


class View(Record):
    """What to draw: a week (`days`) or a month (`year`, `month`) and how."""

    __slots__ = ("days", "kind", "lines", "month", "week_start", "year")

    def __init__(
        self,
        kind: str,  # "week" or "month"
        days: Sequence[datetime.date] = (),  # week: the day columns
        year: int = 0,
        month: int = 0,
        week_start: int = layout.MONDAY,
        # month: event lines per cell (None: DEFAULT_LINES, or fewer on a terminal too short
        # for them)
        lines: Optional[int] = None,
    ) -> None:
        self.kind = kind
        self.days = days
        self.year = year
        self.month = month
        self.week_start = week_start
        self.lines = lines

    @property
    def shown_days(self) -> List[datetime.date]:
        """Every day the grid draws (a month's first and last rows reach into its neighbours)."""
        if self.kind == "week":
            return list(self.days)
        return [
            day for row in layout.month_days(self.year, self.month, self.week_start) for day in row
        ]

    @property
    def own_days(self) -> List[datetime.date]:
        """The days the view is about: the week's, or the month's own (what machine formats
        and the narrow list print)."""
        if self.kind == "week":
            return list(self.days)
        return [day for day in self.shown_days if day.month == self.month]


def week_view(day: datetime.date, *, week_start: int, days: int = 7) -> View:
    return View("week", days=tuple(layout.week_days(day, week_start, days)), week_start=week_start)


def month_view(year: int, month: int, *, week_start: int, lines: Optional[int] = None) -> View:
    return View("month", year=year, month=month, week_start=week_start, lines=lines)


def fitting_lines(rows: int, height: Optional[int]) -> int:
    """Event lines per day that let a month of `rows` weeks fit `height` terminal lines (the
    heading, the weekday names and three rules, a line for the prompt, and per week a rule and
    the day numbers), between 1 and DEFAULT_LINES; DEFAULT_LINES when the height is unknown."""
    if not height:
        return DEFAULT_LINES
    return max(1, min(DEFAULT_LINES, (height - 5) // max(rows, 1) - 2))


def _terminal_height(stream: Any) -> Optional[int]:
    from gcal.render.terminal import isatty

    if not isatty(stream):
        return None
    try:
        return os.get_terminal_size(stream.fileno()).lines or None
    except (OSError, AttributeError, ValueError):
        return None


def _span(days: Sequence[datetime.date], zone: datetime.tzinfo) -> Span:
    start, end = layout.span_bounds(days[0], days[-1], zone)
    return Span(start, end)


def run(
    profiles: Sequence[Settings],
    view: View,
    zone: datetime.tzinfo,
    zone_name: Optional[str],
    *,
    today: Optional[datetime.date] = None,
    now: Optional[datetime.datetime] = None,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    filters: Optional[Dict[str, Any]] = None,
    no_declined: bool = False,
    source_for: Any = None,
    limit: Optional[int] = None,
    ids: bool = False,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """The whole command for one profile or several merged: fetch, lay out, draw; return the
    exit code (0, or the worst failed calendar's, as the agenda does). `source_for` gives each
    profile its store (default: the API); `limit` keeps the first that many events; `ids`
    lists the days' events as the agenda table does, with their ids, instead of the grid."""
    from gcal.commands import agenda
    from gcal.commands.agenda_profiles import open_agenda, run_agenda
    from gcal.render.terminal import color_enabled, terminal_width

    out = out or sys.stdout
    err = err or sys.stderr
    choice: Dict[str, Any] = dict(
        calendars=calendars,
        all_calendars=all_calendars,
        filters=filters,
        no_declined=no_declined,
    )
    common: Dict[str, Any] = dict(
        choice, source_for=source_for, out=out, err=err, today=today, limit=limit
    )
    fmt = profiles[0].format or "table"  # a view is a grid, also into a pipe, unless asked
    if fmt != "table":
        return run_agenda(profiles, _span(view.own_days, zone), zone, zone_name, **common)
    if ids:  # the way from a view to 'gcal show': the same days, listed with their ids
        tables = [settings.replace(format="table") for settings in profiles]
        span = _span(view.own_days, zone)
        return run_agenda(tables, span, zone, zone_name, ids=True, **common)
    from gcal.render import grid as drawing

    width = terminal_width(out) or DEFAULT_WIDTH
    if width < drawing.MIN_WIDTH:
        err.write(
            f"gcal: {width} columns are too narrow for the {view.kind} grid (it needs "
            f"{drawing.MIN_WIDTH}); here is the agenda of the same days\n"
        )
        err.flush()
        tables = [settings.replace(format="table") for settings in profiles]
        return run_agenda(tables, _span(view.own_days, zone), zone, zone_name, **common)

    if view.kind == "month" and view.lines is None:
        rows = len(layout.month_days(view.year, view.month, view.week_start))
        view = view.replace(lines=fitting_lines(rows, _terminal_height(out)))
    events, close = open_agenda(
        profiles,
        _span(view.shown_days, zone),
        zone,
        source_for=source_for,
        fields=agenda.EVENT_FIELDS,
        **choice,
    )
    try:
        resources = [row.resource() for row in itertools.islice(events, limit)]
    finally:
        close()
    if view.kind == "week":
        grid = layout.layout_week(resources, view.days, zone, today=today)
    else:
        grid = layout.layout_month(
            resources,
            view.year,
            view.month,
            zone,
            week_start=view.week_start,
            lines=DEFAULT_LINES if view.lines is None else view.lines,
            today=today,
        )
    drawing.render(
        grid,
        out,
        width=width,
        color=color_enabled(out),
        zone_name=zone_name,
        calendars=drawing.calendar_colors(events.calendars),
        height=_terminal_height(out) if view.kind == "week" else None,
        now=now,
    )
    for failure in events.failures:
        err.write(f"gcal: error: {failure.line()}\n")
    err.flush()
    return events.exit_code()
