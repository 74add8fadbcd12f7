"""Free-slot arithmetic: pure functions over half-open intervals of aware datetimes.

`gcal free` asks freebusy.query for everyone's busy blocks and then answers "when is everyone
free?" here, without any I/O:

1. the busy blocks of all calendars are widened by the buffer and merged (`merge`);
2. the working-hours windows are laid out day by day in the display zone (`working_windows`),
   each day's hours placed on that day's wall clock, so a day with a daylight-saving change
   still runs 09:00-17:00 local time (and is an hour shorter or longer in absolute time);
3. the busy blocks are cut out of the windows (`subtract`), each free stretch starts on the
   next step of the local clock, and stretches shorter than the duration are dropped
   (`free_slots`).

Intervals are `(start, end)` pairs with `start < end`, end exclusive, like the API's busy
periods. Every function returns them in UTC: Python compares and subtracts two datetimes of
the *same* zone by their wall clocks, which is wrong across a DST change, so arithmetic is only
ever done on UTC values; callers convert to the display zone for output.
"""

from __future__ import annotations

import datetime as _dt
from typing import FrozenSet, Iterable, List, Optional, Sequence, Tuple

Interval = Tuple[_dt.datetime, _dt.datetime]

UTC = _dt.timezone.utc
ALL_DAYS: FrozenSet[int] = frozenset(range(7))  # Monday is 0, as date.weekday()
WORKDAYS: FrozenSet[int] = frozenset(range(5))
NINE_TO_FIVE = (_dt.time(9, 0), _dt.time(17, 0))


def merge(intervals: Iterable[Interval]) -> List[Interval]:
    """Sorted, with overlapping or touching intervals joined; empty ones dropped."""
    spans = sorted((s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals if s < e)
    out: List[Interval] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def subtract(window: Interval, busy: Sequence[Interval]) -> List[Interval]:
    """The parts of `window` that no interval of `busy` (merged, sorted, UTC) covers."""
    start, end = window[0].astimezone(UTC), window[1].astimezone(UTC)
    free: List[Interval] = []
    for b_start, b_end in busy:
        if b_end <= start:
            continue
        if b_start >= end:
            break
        if b_start > start:
            free.append((start, b_start))
        start = max(start, b_end)
        if start >= end:
            return free
    if start < end:
        free.append((start, end))
    return free


def widen(intervals: Iterable[Interval], buffer: _dt.timedelta) -> List[Interval]:
    """Each interval grown by `buffer` on both sides, then merged (the space kept around
    meetings)."""
    return merge((s - buffer, e + buffer) for s, e in intervals)


def local_instant(day: _dt.date, clock: _dt.time, zone: _dt.tzinfo) -> _dt.datetime:
    """The instant `clock` reads on `day` in `zone`.

    A wall time that does not exist (inside a spring-forward gap) is read with the offset
    before the change, which moves it forward by the gap (02:30 becomes 03:30 new time); an
    ambiguous one (in the autumn's repeated hour) is its first reading.
    """
    naive = _dt.datetime.combine(day, clock)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def working_windows(
    time_min: _dt.datetime,
    time_max: _dt.datetime,
    zone: _dt.tzinfo,
    hours: Tuple[_dt.time, _dt.time] = NINE_TO_FIVE,
    days: FrozenSet[int] = WORKDAYS,
) -> List[Interval]:
    """The working-hours windows of each allowed local day, clipped to [time_min, time_max).

    `hours` is (from, to) on the wall clock of `zone`; `to` at or before `from` means the
    window runs past midnight into the next day (a night shift, or 00:00-00:00 for the whole
    day). `days` holds weekday numbers (Monday 0) of the day a window starts on.
    """
    if time_min >= time_max:
        return []
    first = time_min.astimezone(zone).date() - _dt.timedelta(days=1)
    last = time_max.astimezone(zone).date()
    start_clock, end_clock = hours
    overnight = end_clock <= start_clock
    windows: List[Interval] = []
    day = first
    while day <= last:
        if day.weekday() in days:
            start = local_instant(day, start_clock, zone)
            end_day = day + _dt.timedelta(days=1) if overnight else day
            end = local_instant(end_day, end_clock, zone)
            start = max(start, time_min.astimezone(UTC))
            end = min(end, time_max.astimezone(UTC))
            if start < end:
                windows.append((start, end))
        day += _dt.timedelta(days=1)
    return merge(windows)


def align_up(when: _dt.datetime, step: _dt.timedelta, zone: _dt.tzinfo) -> _dt.datetime:
    """The first instant (UTC) at or after `when` whose local time in `zone` is a whole number of
    `step`s after that day's local midnight (so a 15m step gives :00, :15, :30, :45).

    The grid is the wall clock: across a DST change the starts stay on :00/:15/...; in the
    hour a change repeats, the second reading of a grid time counts too.
    """
    when = when.astimezone(UTC)
    if step <= _dt.timedelta(0):
        return when
    local = when.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None, fold=0)
    elapsed = local.replace(tzinfo=None, fold=0) - midnight
    steps = -(-elapsed // step)  # ceiling division of timedeltas
    # Around a DST change the wall clock jumps or repeats, so the grid times near the naive
    # answer are all tried (each reading of a repeated time) and the earliest one not before
    # `when` wins; two hours either side covers every zone's change.
    reach = -(-_dt.timedelta(hours=2) // step)
    best: Optional[_dt.datetime] = None
    for k in range(steps - reach, steps + reach + 1):
        wall = midnight + k * step
        for fold in (0, 1):
            instant = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
            if instant.astimezone(zone).replace(tzinfo=None) != wall:
                continue  # a wall time the clocks skip
            if instant >= when and (best is None or instant < best):
                best = instant
    return best if best is not None else when


def free_slots(
    busy: Iterable[Interval],
    windows: Sequence[Interval],
    duration: _dt.timedelta,
    zone: _dt.tzinfo,
    *,
    buffer: _dt.timedelta = _dt.timedelta(0),
    step: Optional[_dt.timedelta] = None,
    limit: Optional[int] = None,
) -> List[Interval]:
    """Free stretches of at least `duration` inside `windows`, `buffer` away from every busy
    block, starting on a `step` of the local clock in `zone`; the first `limit` of them."""
    blocked = widen(busy, buffer)
    slots: List[Interval] = []
    for window in merge(windows):
        for start, end in subtract(window, blocked):
            if step:
                start = align_up(start, step, zone)
            if end - start >= duration and start < end:
                slots.append((start, end))
                if limit is not None and len(slots) >= limit:
                    return slots
    return slots
