"""Conflicts: groups of busy events that overlap, the pure part of `gcal conflicts`.

An event is busy when it is not cancelled, not transparent ("show me as available"), not
declined by me, not a working-location entry or a birthday, and not all day (unless all-day
events are asked for). Two events overlap when one starts before the other ends; back-to-back
(one ends when the next starts) is no overlap. A group is a maximal chain of overlaps: every
event in it overlaps another of it, so a group of three may hold two that do not meet. The
same meeting seen twice (on two calendars or in two accounts: same iCalUID and start) is one
event, never a conflict with itself. Times are instants (seconds since the epoch), so a DST
change in any zone cannot make or hide an overlap.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict, Generic, Iterable, List, Optional, Tuple, TypeVar

from gcal.core.attendance import my_response

T = TypeVar("T")

NOT_BUSY_TYPES = ("workingLocation", "birthday")


def is_busy(event: Dict[str, Any], *, all_day: bool = False) -> bool:
    """Whether an event takes up my time (see the module docstring)."""
    if not isinstance(event, dict) or event.get("status") == "cancelled":
        return False
    if event.get("transparency") == "transparent":
        return False
    if event.get("eventType") in NOT_BUSY_TYPES:
        return False
    if not all_day and "date" in (event.get("start") or {}):
        return False
    return my_response(event) != "declined"


@dataclasses.dataclass
class Group(Generic[T]):
    """Overlapping items: `start`/`end` bound the time where at least two overlap."""

    start: float
    end: float
    items: List[T]


def groups(
    items: Iterable[T],
    span: Callable[[T], Optional[Tuple[float, float]]],
    identity: Callable[[T], Any] = lambda item: None,
) -> List[Group[T]]:
    """The groups of overlapping `items` (each at least two), in time order. `span(item)` is
    (start, end) in seconds, None to leave it out; `identity(item)` is a key that two copies
    of one meeting share (None: no known copies), of which the first is kept."""
    timed: List[Tuple[float, float, int, T]] = []
    seen = set()
    for n, item in enumerate(items):
        found = span(item)
        if found is None:
            continue
        start, end = found
        if end <= start:
            continue  # an instant takes no time
        key = identity(item)
        if key is not None:
            if (key, start) in seen:
                continue
            seen.add((key, start))
        timed.append((start, end, n, item))
    timed.sort(key=lambda t: (t[0], t[1], t[2]))
    out: List[Group[T]] = []
    current: List[Tuple[float, float, int, T]] = []
    reach = float("-inf")
    for entry in timed:
        if current and entry[0] >= reach:
            _close(current, out)
            current = []
        current.append(entry)
        reach = max(reach, entry[1]) if len(current) > 1 else entry[1]
    _close(current, out)
    return out


def _close(current: List[Tuple[float, float, int, Any]], out: List[Group[Any]]) -> None:
    if len(current) < 2:
        return
    # where two or more overlap: from the first start inside another to the last end that
    # another still covers
    starts = sorted(current, key=lambda t: t[0])
    lo = hi = None
    for i, a in enumerate(starts):
        for b in starts[i + 1 :]:
            if b[0] >= a[1]:
                continue
            s, e = max(a[0], b[0]), min(a[1], b[1])
            lo = s if lo is None else min(lo, s)
            hi = e if hi is None else max(hi, e)
    assert lo is not None and hi is not None
    out.append(Group(lo, hi, [t[3] for t in current]))
