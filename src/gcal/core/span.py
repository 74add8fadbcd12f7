"""The time window of a day-based view: `gcal agenda [START [END]] [--days N]`.

START is read with the time grammar (default `today`, i.e. midnight in the display zone); a START
naming a day (`tomorrow`, `fri`, `+1d`, `-1w`, `in 2 weeks`, `dec 25`) is that whole day from its
midnight, and only a time of day (`14:00`, `+3h`, `fri 9am`) starts the window mid-day; END,
when given, is inclusive of a whole day written as a date or day word (`gcal agenda monday
friday` includes Friday), as people read such ranges, and its relative forms count from START
(weekdays, `+3d`); otherwise the window ends at the midnight N calendar
days after START's day in the display zone: `--days 2` is two whole days (the first one from
START's time of day, when it has one), and a week across a DST change still ends at midnight.

Pure apart from the clock, which is passed in as `now` for tests.
"""

from __future__ import annotations

import datetime
from typing import Optional

from gcal.core import timespec
from gcal.errors import UsageError
from gcal.record import Record

__all__ = ["DEFAULT_DAYS", "Span", "resolve_span"]

DEFAULT_DAYS = 7


class Span(Record):
    """[start, end) as aware datetimes in the display zone."""

    __slots__ = ("end", "start")

    def __init__(self, start: datetime.datetime, end: datetime.datetime) -> None:
        self.start = start
        self.end = end

    @property
    def from_time(self) -> Optional[datetime.time]:
        """The time of day the first day starts at, when the window starts mid-day."""
        clock = self.start.time().replace(tzinfo=None)
        return None if clock == datetime.time(0) else clock

    @property
    def first_day(self) -> datetime.date:
        return self.start.date()

    @property
    def last_day(self) -> datetime.date:
        """The last date the span touches (end is exclusive)."""
        last = self.end - datetime.timedelta(microseconds=1)
        return max(last.date(), self.start.date())

    def rfc3339(self) -> tuple:
        return timespec.to_rfc3339(self.start), timespec.to_rfc3339(self.end)


def resolve_span(
    start: Optional[str],
    end: Optional[str],
    days: Optional[int],
    zone: datetime.tzinfo,
    *,
    now: Optional[datetime.datetime] = None,
    week_start: int = 0,
) -> Span:
    """The window from the command's arguments; UsageError when it is empty or contradictory."""
    if end is not None and days is not None:
        raise UsageError("give either END or --days, not both")
    begin = timespec.parse_start(
        start or "today", tz=zone, now=now, week_start=week_start
    ).astimezone(zone)
    if end is not None:
        # Relative forms count from START: `monday friday` is the Friday after that Monday.
        stop = timespec.parse_time(
            end, tz=zone, now=begin, end_of_day=True, week_start=week_start
        ).astimezone(zone)
    else:
        count = DEFAULT_DAYS if days is None else days
        if count < 1:
            raise UsageError(f"--days must be at least 1 (got {count})")
        try:
            day = begin.date() + datetime.timedelta(days=count)
            wall = datetime.datetime.combine(day, datetime.time(0))
            stop = wall.replace(tzinfo=zone).astimezone(datetime.timezone.utc).astimezone(zone)
        except OverflowError:
            given = f"--days {count}" if days is not None else f"{count} days (the default)"
            raise UsageError(f"{given} from {begin.date()} reach beyond the year 9999") from None
    if stop <= begin:
        if end is not None:  # say what was typed: END is a day, included whole
            raise UsageError(
                f"END {end!r} (to {timespec.to_rfc3339(stop)}, its whole day) is not after "
                f"START {start or 'today'!r} ({timespec.to_rfc3339(begin)}): give END on or "
                "after START's day"
            )
        raise UsageError(
            f"the end ({timespec.to_rfc3339(stop)}) must be after the start "
            f"({timespec.to_rfc3339(begin)})"
        )
    return Span(begin, stop)
