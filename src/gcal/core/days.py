"""Which days of the display zone an event covers: for day-grouped views (agenda, week, month).

An event that runs over several days appears on each of them ("day 2/3"). Days are dates in the
display zone; an all-day event covers its dates as written (the end date is exclusive), a timed
event every date from its start to the instant before its end (an event ending at midnight
does not spill into the next day; a zero-length one still covers its start day).

Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime
from typing import Any, List, Optional, Tuple

from gcal.core.eventtime import event_start, is_all_day, parse_date
from gcal.core.timespec import parse_rfc3339

__all__ = ["DaySlot", "clock_range", "covered_days", "day_slots", "event_kind"]

# An event longer than this is shown on its first and last days only, plus the days of the
# window asked for: a year-long "out of office" must not make a week view loop for a year.
_MAX_DAYS = 3660


class DaySlot:
    """One day an event occupies: `index` (1-based) of `total` days, and the local clock times
    it starts and ends on that day (None for all-day events or where it runs past midnight).

    A plain value class (equal, hashable and shown by its fields, as a frozen dataclass would
    be): building a dataclass costs every start of the agenda about a millisecond."""

    __slots__ = ("all_day", "day", "ends", "index", "starts", "total")

    def __init__(
        self,
        day: datetime.date,
        index: int,
        total: int,
        all_day: bool,
        starts: Optional[datetime.datetime],  # local start when it starts this day
        ends: Optional[datetime.datetime],  # local end when it ends this day
    ) -> None:
        self.day = day
        self.index = index
        self.total = total
        self.all_day = all_day
        self.starts = starts
        self.ends = ends

    def _fields(self) -> Tuple[Any, ...]:
        return (self.day, self.index, self.total, self.all_day, self.starts, self.ends)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"DaySlot(day={self.day!r}, index={self.index!r}, total={self.total!r}, "
            f"all_day={self.all_day!r}, starts={self.starts!r}, ends={self.ends!r})"
        )


def local_time(when: Any, zone: datetime.tzinfo) -> Optional[datetime.datetime]:
    """An event time's `dateTime` in `zone`; None for an all-day time or an unreadable one."""
    if not isinstance(when, dict):
        return None
    dt = parse_rfc3339(when.get("dateTime"))
    if dt is None:
        return None
    try:
        return dt.astimezone(zone)
    except (OverflowError, ValueError):
        return None


def covered_days(event: Any, zone: datetime.tzinfo) -> List[datetime.date]:
    """The dates (in `zone`) the event covers, first to last; empty when its start is unreadable."""
    return [slot.day for slot in day_slots(event, zone)]


def day_slots(
    event: Any,
    zone: datetime.tzinfo,
    first: Optional[datetime.date] = None,
    last: Optional[datetime.date] = None,
) -> List[DaySlot]:
    """One `DaySlot` per day the event covers, limited to `first`..`last` when given."""
    event = event if isinstance(event, dict) else {}
    start_when = event_start(event)
    end_when = event.get("end")
    if is_all_day(start_when):
        begin = parse_date(start_when.get("date"))
        if begin is None:
            return []
        stop = parse_date(end_when.get("date")) if isinstance(end_when, dict) else None
        end_day = (stop - datetime.timedelta(days=1)) if stop and stop > begin else begin
        return _slots(begin, end_day, True, None, None, first, last)
    start = local_time(start_when, zone)
    if start is None:
        return []
    end = local_time(end_when, zone)
    if end is None or end < start:
        end = start
    end_day = end.date()
    if end > start and end.time() == datetime.time(0, 0):
        end_day -= datetime.timedelta(days=1)  # ends at midnight: the next day is not touched
    end_day = max(end_day, start.date())
    return _slots(start.date(), end_day, False, start, end, first, last)


def _slots(
    begin: datetime.date,
    end_day: datetime.date,
    all_day: bool,
    start: Optional[datetime.datetime],
    end: Optional[datetime.datetime],
    first: Optional[datetime.date],
    last: Optional[datetime.date],
) -> List[DaySlot]:
    total = (end_day - begin).days + 1
    lo = max(begin, first) if first else begin
    hi = min(end_day, last) if last else end_day
    if (hi - lo).days > _MAX_DAYS:
        hi = lo + datetime.timedelta(days=_MAX_DAYS)
    out = []
    day = lo
    while day <= hi:
        index = (day - begin).days + 1
        out.append(
            DaySlot(
                day=day,
                index=index,
                total=total,
                all_day=all_day,
                starts=start if (start is not None and day == begin) else None,
                ends=end if (end is not None and day == end_day) else None,
            )
        )
        day += datetime.timedelta(days=1)
    return out


def clock_range(starts: datetime.datetime, ends: datetime.datetime) -> str:
    """`09:30–10:00`; an end at the midnight after the start's day is `24:00`, so that a
    24-hour event reads `00:00–24:00`, never `00:00–00:00` like one of no length."""
    if ends.date() > starts.date():
        return f"{starts:%H:%M}–24:00"
    return f"{starts:%H:%M}–{ends:%H:%M}"


# Entries that are no meetings: the marks that set them apart in the agenda, week and month.
MARKED_KINDS = ("workingLocation", "birthday")


def event_kind(event: Any) -> Optional[str]:
    """`workingLocation` or `birthday` for the entries a view marks (Google's eventType);
    None for the rest."""
    kind = event.get("eventType") if isinstance(event, dict) else None
    return kind if kind in MARKED_KINDS else None
