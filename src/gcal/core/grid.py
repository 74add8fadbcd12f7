"""The layout of `gcal week` and `gcal month`: events and a span in, a grid of days out.

Pure: no I/O, no clock (today is a parameter), no widths. The renderer (`gcal.render.grid`)
only draws what this module decides, so every hard question of a calendar view is answered,
and tested, here:

* Days are days of the display zone. A timed event is converted to the zone and covers each
  local date it touches; one ending exactly at midnight does not touch the next day. A DST
  change shortens or lengthens a day and moves nothing else, because days are dates, never
  24-hour steps.
* All-day events cover their dates as given (the end date is exclusive, as in the API), in no
  zone at all: a holiday on June 3 is on June 3 wherever one reads it.
* Bars: all-day events and timed events of 24 hours or more are bars across the days they
  cover, as Google Calendar draws them; a shorter timed event that crosses midnight is a timed
  entry on each day, the later ones marked as continued.
* A week row stacks its bars in lanes (a bar keeps its lane across the row, so it can be drawn
  as one band); a bar that crosses a row's edge is cut there and marked as continuing.
* A month cell shows at most `lines` lines: the bars of the row keep their lanes, timed entries
  fill the free lines in order, and whatever does not fit is counted in `more`.
"""

from __future__ import annotations

import calendar as _calendar
import datetime
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from gcal.core.attendance import is_declined
from gcal.core.days import local_time
from gcal.core.daywords import MONTHS
from gcal.core.eventtime import parse_date
from gcal.core.weekstart import (  # the views read these here too
    MONDAY,
    SUNDAY,  # noqa: F401
    locale_week_start,
    locale_workweek_start,  # noqa: F401
)
from gcal.record import Record

__all__ = [
    "Bar",
    "Day",
    "Entry",
    "Grid",
    "Placed",
    "Row",
    "layout_month",
    "layout_week",
    "locale_week_start",
    "month_days",
    "parse_month",
    "place",
    "span_bounds",
    "visible_window",
    "week_days",
]

_DAY = datetime.timedelta(days=1)
_UTC = datetime.timezone.utc


class Placed(Record):
    """One event as the grid sees it: its local extent in the display zone."""

    __slots__ = (
        "all_day",
        "calendar_id",
        "declined",
        "end",
        "event",
        "first_day",
        "index",
        "last_day",
        "start",
    )

    def __init__(
        self,
        event: Mapping[str, Any],
        calendar_id: str,
        index: int,  # position in the merged input: the tie-breaker everywhere
        all_day: bool,
        start: Optional[datetime.datetime],  # timed events only, in the display zone
        end: Optional[datetime.datetime],
        first_day: datetime.date,
        last_day: datetime.date,  # inclusive
        declined: bool,
    ) -> None:
        self.event = event
        self.calendar_id = calendar_id
        self.index = index
        self.all_day = all_day
        self.start = start
        self.end = end
        self.first_day = first_day
        self.last_day = last_day
        self.declined = declined

    @property
    def is_bar(self) -> bool:
        if self.all_day:
            return True
        assert self.start is not None and self.end is not None
        # Elapsed time, in UTC: Python subtracts datetimes of one zone by their wall clocks,
        # which would make the 23 hours of a spring-forward day a full day.
        return self.end.astimezone(_UTC) - self.start.astimezone(_UTC) >= _DAY

    @property
    def title(self) -> Optional[str]:
        title = self.event.get("summary")
        return title if isinstance(title, str) and title else None


def _place_one(event: Mapping[str, Any], index: int, zone: datetime.tzinfo) -> Optional[Placed]:
    start, end = event.get("start"), event.get("end")
    cal = event.get("calendarId")
    cal = cal if isinstance(cal, str) else ""
    declined = is_declined(event)
    if isinstance(start, dict) and start.get("date") and not start.get("dateTime"):
        first = parse_date(start.get("date"))
        if first is None:
            return None
        stop = parse_date(end.get("date")) if isinstance(end, dict) else None
        last = stop - _DAY if stop is not None and stop > first else first
        return Placed(event, cal, index, True, None, None, first, last, declined)
    s = local_time(start, zone)
    if s is None:
        return None
    e = local_time(end, zone)
    if e is None or e < s:
        e = s
    last = e.date()
    if e > s and e.time() == datetime.time(0) and last > s.date():
        last -= _DAY  # ends at midnight: the next day is not touched
    return Placed(event, cal, index, False, s, e, s.date(), last, declined)


def place(
    events: Iterable[Mapping[str, Any]], zone: datetime.tzinfo, *, no_declined: bool = False
) -> List[Placed]:
    """The events that can be drawn, in input order. Cancelled events, and events whose times
    cannot be read, are left out (a view has nowhere to put them); so are declined events
    with `no_declined`."""
    placed = []
    for index, event in enumerate(events):
        if not isinstance(event, dict) or event.get("status") == "cancelled":
            continue
        item = _place_one(event, index, zone)
        if item is None or (no_declined and item.declined):
            continue
        placed.append(item)
    return placed


# --------------------------------------------------------------------------------------------
# Spans


def week_days(day: datetime.date, week_start: int = MONDAY, days: int = 7) -> List[datetime.date]:
    """The first `days` days of the week containing `day`, the week starting on `week_start`
    (0 Monday .. 6 Sunday, as `date.weekday()`)."""
    first = day - datetime.timedelta(days=(day.weekday() - week_start) % 7)
    return [first + datetime.timedelta(days=k) for k in range(days)]


def month_days(year: int, month: int, week_start: int = MONDAY) -> List[List[datetime.date]]:
    """The whole weeks that show a month: from the week holding the 1st to the week holding
    the last day (four to six rows)."""
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, _calendar.monthrange(year, month)[1])
    rows = []
    day = week_days(first, week_start)[0]
    while day <= last:
        rows.append(week_days(day, week_start))
        day += datetime.timedelta(days=7)
    return rows


def _midnight(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    """The instant a local day begins (a zone whose clocks skip midnight starts the day at the
    first wall time that exists)."""
    naive = datetime.datetime.combine(day, datetime.time(0))
    return naive.replace(tzinfo=zone).astimezone(_UTC).astimezone(zone)


def span_bounds(
    first: datetime.date, last: datetime.date, zone: datetime.tzinfo
) -> Tuple[datetime.datetime, datetime.datetime]:
    """[start, end) instants of the local days first..last: what to ask the API for."""
    return _midnight(first, zone), _midnight(last + _DAY, zone)


def _shift(year: int, month: int, delta: int) -> Tuple[int, int]:
    k = year * 12 + (month - 1) + delta
    return k // 12, k % 12 + 1


def parse_month(text: Optional[str], today: datetime.date) -> Tuple[int, int]:
    """(year, month) for `2024-06`, `2024-6`, `june`, `jun`, `june 2024`, `this`, `next`,
    `last`/`prev`, a count of months from this one (`-1`, `+2`, `-1mo`), or a date
    (`2024-06-15`: its month). A bare month name means that month of this year. ValueError for
    anything else."""
    value = ("this" if text is None else text).strip().lower()
    shift = re.fullmatch(r"([+-][0-9]{1,6}) ?(?:m|mo|mon|months?)?", value, re.ASCII)
    if shift:  # -1, +2, -1mo, +3 months: months from this one
        year, month = _shift(today.year, today.month, int(shift.group(1)))
        if not 1 <= year <= 9999:
            raise ValueError("out of range (years 1 to 9999)")
        return year, month
    words = {"this": 0, "now": 0, "today": 0, "next": 1, "last": -1, "prev": -1, "previous": -1}
    if value in words:
        return _shift(today.year, today.month, words[value])
    parts = value.replace("/", "-").split("-")
    if 2 <= len(parts) <= 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        year, month = int(parts[0]), int(parts[1])
        if len(parts) == 3:
            datetime.date(year, month, int(parts[2]))  # raises for Feb 30
        if 1 <= month <= 12 and 1 <= year <= 9999:
            return year, month
        raise ValueError(f"no month {month} in a year")
    words_ = value.replace(",", " ").split()
    if words_ and words_[0] in MONTHS:
        if len(words_) == 1:
            return today.year, MONTHS[words_[0]]
        if len(words_) == 2 and words_[1].isdigit() and len(words_[1]) == 4:
            return int(words_[1]), MONTHS[words_[0]]
    raise ValueError("expected a month such as 2024-06, june, 'june 2024', this, next, last or -1")


def work_week_days(
    day: datetime.date, week_start: int, workweek_start: int, days: int
) -> List[datetime.date]:
    """The first `days` days from the first working day of the week containing `day` (the week
    starting on `week_start`): `gcal week --days 5` on an en_US Sunday is the Monday to Friday
    that follow, as that Sunday begins the week."""
    first = week_days(day, week_start)[0]
    first += datetime.timedelta(days=(workweek_start - week_start) % 7)
    return [first + datetime.timedelta(days=k) for k in range(days)]


# --------------------------------------------------------------------------------------------
# The grid model


class Bar(Record):
    """An all-day or long event across columns first..last of one row; `continues_before` /
    `continues_after` when the event goes on beyond the row's edge."""

    __slots__ = ("continues_after", "continues_before", "first", "item", "lane", "last")
    __hash__ = None  # type: ignore[assignment]  # changeable (its lane is set later)

    def __init__(
        self,
        item: Placed,
        first: int,
        last: int,
        continues_before: bool = False,
        continues_after: bool = False,
        lane: int = 0,
    ) -> None:
        self.item = item
        self.first = first
        self.last = last
        self.continues_before = continues_before
        self.continues_after = continues_after
        self.lane = lane


class Entry(Record):
    """A timed event on one day; `continued` when it began on an earlier day, `continues`
    when it ends on a later one."""

    __slots__ = ("continued", "continues", "item")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, item: Placed, continued: bool = False, continues: bool = False) -> None:
        self.item = item
        self.continued = continued
        self.continues = continues


Line = Union[Bar, Entry, None]


class Day(Record):
    __slots__ = ("date", "entries", "in_span", "lines", "more", "today")
    __hash__ = None  # type: ignore[assignment]

    def __init__(
        self,
        date: datetime.date,
        in_span: bool = True,  # False for the days of a month row outside the month
        today: bool = False,
        entries: Optional[List[Entry]] = None,  # timed, in order
        lines: Optional[List[Line]] = None,  # month cells only
        more: int = 0,  # month cells: events of the day not shown on its lines
    ) -> None:
        self.date = date
        self.in_span = in_span
        self.today = today
        self.entries: List[Entry] = [] if entries is None else entries
        self.lines: List[Line] = [] if lines is None else lines
        self.more = more


class Row(Record):
    __slots__ = ("bars", "days")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, days: List[Day], bars: List[Bar]) -> None:
        self.days = days
        self.bars = bars  # in lane order, then by first column

    @property
    def lanes(self) -> int:
        return 1 + max((bar.lane for bar in self.bars), default=-1)


class Grid(Record):
    __slots__ = ("first", "kind", "last", "lines", "rows")
    __hash__ = None  # type: ignore[assignment]

    def __init__(
        self,
        kind: str,  # "week" or "month"
        rows: List[Row],
        first: datetime.date,  # the span (a month: its first and last day)
        last: datetime.date,
        lines: Optional[int] = None,  # month: event lines per cell
    ) -> None:
        self.kind = kind
        self.rows = rows
        self.first = first
        self.last = last
        self.lines = lines


def _bar_key(bar: Bar) -> Tuple[Any, ...]:
    item = bar.item
    instant = item.start.astimezone(_UTC) if item.start is not None else None
    return (
        bar.first,
        -(bar.last - bar.first),
        not item.all_day,  # all-day first, as the agenda orders a day
        instant or datetime.datetime.min.replace(tzinfo=_UTC),
        item.index,
    )


def _entry_key(entry: Entry) -> Tuple[Any, ...]:
    item = entry.item
    assert item.start is not None and item.end is not None
    return (
        not entry.continued,
        item.start.astimezone(_UTC),
        item.end.astimezone(_UTC),
        item.index,
    )


def _row(
    days: Sequence[datetime.date],
    items: Sequence[Placed],
    today: Optional[datetime.date],
    in_span: Tuple[datetime.date, datetime.date],
) -> Row:
    row_days = [Day(d, in_span[0] <= d <= in_span[1], d == today) for d in days]
    index = {d: k for k, d in enumerate(days)}
    first, last = days[0], days[-1]
    bars: List[Bar] = []
    for item in items:
        if item.last_day < first or item.first_day > last:
            continue
        if item.is_bar:
            a = index[max(item.first_day, first)]
            b = index[min(item.last_day, last)]
            bars.append(Bar(item, a, b, item.first_day < first, item.last_day > last))
            continue
        day = max(item.first_day, first)
        while day <= min(item.last_day, last):
            entry = Entry(item, day > item.first_day, day < item.last_day)
            row_days[index[day]].entries.append(entry)
            day += _DAY
    bars.sort(key=_bar_key)
    taken: List[List[bool]] = []  # taken[lane][column]
    for bar in bars:
        lane = 0
        while lane < len(taken) and any(taken[lane][bar.first : bar.last + 1]):
            lane += 1
        if lane == len(taken):
            taken.append([False] * len(days))
        for column in range(bar.first, bar.last + 1):
            taken[lane][column] = True
        bar.lane = lane
    bars.sort(key=lambda bar: (bar.lane, bar.first))
    for day in row_days:
        day.entries.sort(key=_entry_key)
    return Row(row_days, bars)


def layout_week(
    events: Iterable[Mapping[str, Any]],
    days: Sequence[datetime.date],
    zone: datetime.tzinfo,
    *,
    today: Optional[datetime.date] = None,
    no_declined: bool = False,
) -> Grid:
    """One row of day columns (`days`, consecutive, e.g. from `week_days`): the bars across
    them in lanes, and each day's timed entries in order."""
    if not days:
        raise ValueError("a week needs at least one day")
    items = place(events, zone, no_declined=no_declined)
    row = _row(days, items, today, (days[0], days[-1]))
    return Grid("week", [row], days[0], days[-1])


def layout_month(
    events: Iterable[Mapping[str, Any]],
    year: int,
    month: int,
    zone: datetime.tzinfo,
    *,
    week_start: int = MONDAY,
    lines: int = 3,
    today: Optional[datetime.date] = None,
    no_declined: bool = False,
) -> Grid:
    """Week rows of day cells for a month; each cell gets at most `lines` lines and a count
    of what did not fit. Days of the first and last rows outside the month are laid out too
    (with their events, if the caller fetched them) but flagged."""
    if lines < 0:
        raise ValueError("lines must not be negative")
    weeks = month_days(year, month, week_start)
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, _calendar.monthrange(year, month)[1])
    items = place(events, zone, no_declined=no_declined)
    rows = []
    for days in weeks:
        row = _row(days, items, today, (first, last))
        for column, day in enumerate(row.days):
            _fill_cell(day, column, row.bars, lines)
        rows.append(row)
    return Grid("month", rows, first, last, lines)


def _fill_cell(day: Day, column: int, bars: Sequence[Bar], lines: int) -> None:
    cell: List[Line] = [None] * lines
    hidden = 0
    for bar in bars:
        if bar.first <= column <= bar.last:
            if bar.lane < lines:
                cell[bar.lane] = bar
            else:
                hidden += 1
    free = [k for k, line in enumerate(cell) if line is None]
    shown = day.entries[: len(free)]
    for k, entry in zip(free, shown):
        cell[k] = entry
    day.lines = cell
    day.more = hidden + len(day.entries) - len(shown)


def grid_days(grid: Grid) -> Dict[datetime.date, Day]:
    """Every day of a grid by date (for tests and for callers that look one up)."""
    return {day.date: day for row in grid.rows for day in row.days}


def visible_window(ended: Sequence[bool], room: int) -> Tuple[int, int]:
    """Which of a day's entries (in order; `ended[k]` when entry k is over) to show in `room`
    lines, as [first, last): all when they fit; else the ones still to come first, a line
    `+N earlier` above them when some past ones are left out, a line `+N more` below when some
    later ones are. The window starts at the first entry not yet over, or earlier when the
    rest leaves lines free (they are filled with the latest past entries)."""
    count = len(ended)
    if count <= max(room, 1):
        return 0, count
    room = max(room, 3)  # room for one entry between the two count lines
    upcoming = next((k for k, over in enumerate(ended) if not over), count)
    if upcoming == 0:
        return 0, room - 1  # nothing past: the first entries, then +N more
    if count - upcoming <= room - 1:  # the rest fits below a `+N earlier` line
        return count - (room - 1), count
    return upcoming, upcoming + room - 2  # +N earlier, entries, +N more
