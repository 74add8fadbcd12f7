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

This module holds the entry points (`draw`, `render`, `calendar_colors`); the drawing is in
`gcal.render.griddraw` (what the week and the month share), `gcal.render.gridweek` and
`gcal.render.gridmonth`, text measured in cells by `gcal.render.cells`.
"""

from __future__ import annotations

import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, TextIO

from gcal.core.grid import Grid
from gcal.render.base import _Sink
from gcal.render.griddraw import UNICODE
from gcal.render.gridmonth import MonthDraw
from gcal.render.gridweek import WeekDraw

MIN_WIDTH = 60  # narrower terminals get the agenda list instead


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
    drawing = MonthDraw if grid.kind == "month" else WeekDraw
    return drawing(
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
    unicode = sink.encodable("".join(UNICODE.values()))
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
