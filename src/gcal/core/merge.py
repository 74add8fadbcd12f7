"""Merging per-calendar event streams into one time-ordered sequence.

Each calendar's listing (events.list with singleEvents and orderBy=startTime) arrives already
ordered; the agenda, the week and month views, `gcal next` and the free-time search all need the
events of several calendars as one sequence, ordered by

1. start instant (an all-day event counts from midnight of its day in the *display zone*),
2. then end instant,
3. then calendar order (the position of the stream in the input),

and lazily, so that the first row can be printed as soon as it can be placed, while later pages
of every calendar are still on their way. `merge_streams` is a k-way merge (`heapq.merge`).

One subtlety: the API orders an all-day event by midnight in the *calendar's* zone, while the
merge places it at midnight in the display zone; the two differ by at most a day's worth of UTC
offsets, so within one stream an all-day event may sit a little out of the merge's order.
`reorder` repairs that lazily: it holds back only the events that a later one could still
precede (those within `SLACK` of the latest seen), so memory stays bounded by a short window.

Pure: no I/O, no clock. Events are the API's dicts and are passed through untouched.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
from typing import Any, Iterable, Iterator, List, Optional, Sequence, Tuple

from gcal.core.eventtime import event_start, parse_date
from gcal.core.timespec import parse_rfc3339

__all__ = ["SLACK", "Key", "event_key", "event_span", "merge_streams", "reorder"]

# Largest gap between midnight of one date in two zones: UTC offsets run from -12:00 to +14:00.
SLACK = 26 * 3600.0

Key = Tuple[float, float]


def _instant(when: Any, zone: datetime.tzinfo) -> Optional[float]:
    """Seconds since the epoch of an EventDateTime; a date is midnight in `zone`."""
    if not isinstance(when, dict):
        return None
    if when.get("dateTime"):
        dt = parse_rfc3339(when.get("dateTime"))
        return dt.timestamp() if dt is not None else None
    day = parse_date(when.get("date"))
    if day is None:
        return None
    try:
        return midnight(day, zone).timestamp()
    except (OverflowError, ValueError):
        return None


def midnight(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    """The first instant of `day` in `zone` (a day starting in a DST gap starts after it)."""
    naive = datetime.datetime.combine(day, datetime.time(0, 0))
    local = naive.replace(tzinfo=zone)
    # Round-trip through UTC: a wall time in a gap maps to the instant after the gap.
    return local.astimezone(datetime.timezone.utc).astimezone(zone)


def event_span(event: Any, zone: datetime.tzinfo) -> Tuple[Optional[float], Optional[float]]:
    """(start, end) of an event as epoch seconds, all-day times at midnight in `zone`.

    A cancelled instance (only `originalStartTime`) has its original start; a missing or
    unreadable end is the start (a zero-length event); an unreadable start is None.
    """
    start = _instant(event_start(event), zone)
    end = _instant(event.get("end") if isinstance(event, dict) else None, zone)
    if start is None:
        return None, None
    if end is None or end < start:
        end = start
    return start, end


def event_key(event: Any, zone: datetime.tzinfo) -> Optional[Key]:
    """The merge key (start, end) of one event, or None when its start cannot be read."""
    start, end = event_span(event, zone)
    if start is None or end is None:
        return None
    return (start, end)


def reorder(events: Iterable[Any], zone: datetime.tzinfo, slack: float = SLACK) -> Iterator[Any]:
    """The events of one stream in merge order, given that they come ordered by the API.

    The input is ordered by start with all-day events placed in some other zone; any event
    can be off by at most `slack` seconds, so once an event starting at `t` has been seen,
    nothing later starts before `t - 2 * slack`, and every held event before that can go out.
    Events whose start cannot be read keep the key of the event before them (their place).
    """
    for _key, event in _reordered(events, zone, slack):
        yield event


def _reordered(
    events: Iterable[Any], zone: datetime.tzinfo, slack: float
) -> Iterator[Tuple[Optional[Key], Any]]:
    """`reorder`, each event with its own `event_key` (None: unreadable), computed once."""
    heap: List[Tuple[Key, int, Optional[Key], Any]] = []
    counter = itertools.count()
    last: Key = (float("-inf"), float("-inf"))
    for event in events:
        own = event_key(event, zone)
        if own is None:
            key = last
        else:
            key = own
            last = max(last, key)
        heapq.heappush(heap, (key, next(counter), own, event))
        horizon = last[0] - 2 * slack
        while heap and heap[0][0][0] < horizon:
            _, _, own, event = heapq.heappop(heap)
            yield own, event
    while heap:
        _, _, own, event = heapq.heappop(heap)
        yield own, event


def merge_streams(
    streams: Sequence[Iterable[Any]], zone: datetime.tzinfo, slack: float = SLACK
) -> Iterator[Tuple[int, Any]]:
    """(stream index, event) for every event of `streams`, in merge order.

    Lazy: an event is yielded once every stream has shown an event that cannot precede it (or
    has ended), so printing starts while later pages are still being fetched. Ties in start
    and end go to the stream listed first; within a stream, the stream's own order is kept.
    """

    if len(streams) == 1:  # one calendar: its own order is the merged order
        for _key, event in _reordered(streams[0], zone, slack):
            yield 0, event
        return

    def keyed(index: int, stream: Iterable[Any]) -> Iterator[Tuple[Key, int, int, Any]]:
        previous: Key = (float("-inf"), float("-inf"))
        for seq, (own, event) in enumerate(_reordered(stream, zone, slack)):
            key = own or previous
            previous = key
            yield (key, index, seq, event)

    merged = heapq.merge(*(keyed(i, s) for i, s in enumerate(streams)), key=lambda entry: entry[:3])
    for _key, index, _seq, event in merged:
        yield index, event
