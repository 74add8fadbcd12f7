"""The words that name a day: dates (``2024-06-01``, ``dec 25``, ``25th december 2027``), day
words (``today``, ``tomorrow``), weekdays (``fri``, ``next monday``, ``last monday``), weeks,
months and years (``next week``, ``this month``) and offsets in whole days (``+2d``).

Separate from the rest of the time grammar (`gcal.core.timespec`), which combines a day with a
time of day, because which day a phrase names is its own set of rules (the next such date, the
next such weekday, where a week starts), and the month view reads the month names too.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from typing import Optional

from gcal.core.timeoffset import day_offset
from gcal.lazyre import LazyPattern

_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_DAY_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1}

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# month names and their abbreviations to numbers (also read by the month view's MONTH)
MONTHS = {name: k + 1 for k, name in enumerate(_MONTH_NAMES)}
MONTHS.update({name[:3]: k + 1 for k, name in enumerate(_MONTH_NAMES)})
MONTHS["sept"] = 9

_DATE_RE = LazyPattern(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})", re.ASCII)
_DAY_NUMBER_RE = LazyPattern(r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?", re.ASCII)
_YEAR_RE = LazyPattern(r"[0-9]{4}", re.ASCII)


def _month_day(month: int, day: int, year: Optional[str], today: datetime.date) -> datetime.date:
    """A date written with a month name; without a year, the next such date from today on."""
    if year is not None:
        return datetime.date(int(year), month, day)
    for candidate in range(today.year, today.year + 9):  # Feb 29: within the next leap year
        with contextlib.suppress(ValueError):
            date = datetime.date(candidate, month, day)
            if date >= today:
                return date
    raise ValueError(f"no day {day} in {_MONTH_NAMES[month - 1].capitalize()}")


def _relative(which: str, unit: str, today: datetime.date, week_start: int) -> datetime.date:
    """The first day of this/next/last week, month or year."""
    step = {"this": 0, "next": 1, "last": -1}[which]
    if unit == "week":
        first = today - datetime.timedelta(days=(today.weekday() - week_start) % 7)
        return first + datetime.timedelta(weeks=step)
    if unit == "month":
        k = today.year * 12 + today.month - 1 + step
        return datetime.date(k // 12, k % 12 + 1, 1)
    return datetime.date(today.year + step, 1, 1)


def _weekday(which: str, weekday: int, today: datetime.date) -> datetime.date:
    """`next` (and a bare weekday): strictly after today; `this`: today or later; `last`:
    strictly before today."""
    if which == "last":
        return today - datetime.timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    if which == "this":
        return today + datetime.timedelta(days=(weekday - today.weekday()) % 7)
    return today + datetime.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def names_bare_weekday(text: str) -> bool:
    """Whether a phrase names a weekday without `next`, `this` or `last` (`fri`, `fri 9am`):
    the next such day to the grammar, which a command looking back (`--since fri`) may read as
    the last one instead."""
    words = text.lower().split()
    return any(w in _WEEKDAYS for w in words) and not any(
        w in ("next", "this", "last") for w in words
    )


def named_day(
    words: list, now_local: datetime.datetime, week_start: int
) -> Optional[datetime.date]:
    """The day a phrase names: 2024-06-01, today, fri, next monday, this friday, last monday,
    next week, next month, dec 25, 25 dec 2027, december 25 2027, +2d, in 2 weeks."""
    today = now_local.date()
    if not words:
        return None
    if len(words) == 1:
        (word,) = words
        m = _DATE_RE.fullmatch(word)
        if m:
            return datetime.date(int(m.group("year")), int(m.group("month")), int(m.group("day")))
        if word in _DAY_WORDS:
            return today + datetime.timedelta(days=_DAY_WORDS[word])
        if word in _WEEKDAYS:
            return _weekday("next", _WEEKDAYS[word], today)
    if len(words) == 2 and words[0] in ("next", "this", "last"):
        if words[1] in _WEEKDAYS:
            return _weekday(words[0], _WEEKDAYS[words[1]], today)
        if words[1] in ("week", "month", "year"):
            return _relative(words[0], words[1], today, week_start)
    if len(words) in (2, 3):
        year = words[2] if len(words) == 3 else None
        if year is None or _YEAR_RE.fullmatch(year):
            first, second = words[0], words[1]
            if first in MONTHS and _DAY_NUMBER_RE.fullmatch(second):
                month, number = MONTHS[first], _DAY_NUMBER_RE.fullmatch(second)
                return _month_day(month, int(number.group("day")), year, today)  # type: ignore[union-attr]
            if second in MONTHS and _DAY_NUMBER_RE.fullmatch(first):
                month, number = MONTHS[second], _DAY_NUMBER_RE.fullmatch(first)
                return _month_day(month, int(number.group("day")), year, today)  # type: ignore[union-attr]
    offset = day_offset(" ".join(words))
    if offset is not None:  # whole days only: `+2d 9am`, `in 1 week at noon`
        calendar, elapsed = offset
        if not elapsed:
            return today + calendar
    return None
