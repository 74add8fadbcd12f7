"""The time grammar of gcal's time options (`--time-min`, `--time-max`, `--updated-min`, ...).

The Calendar API only takes RFC 3339 with an explicit offset; people type dates, local times and
"tomorrow". This module turns the latter into the former, with pure functions: the clock (`now`)
and the zone (`tz`) are parameters so every rule can be tested without touching the system.

Accepted forms (case-insensitive, surrounding whitespace ignored):

* RFC 3339 with an offset: ``2024-06-01T09:00:00+02:00``, ``...Z``, fractional seconds, a space
  instead of ``T``; the offset given is kept.
* A date ``2024-06-01`` (midnight) or a local date-time ``2024-06-01 09:00``,
  ``2024-06-01T09:00``, ``2024-06-01 09:00:30``: wall-clock time in `tz` (default: local zone).
* A date with a month name: ``dec 25``, ``25 dec``, ``25th december``, ``december 25 2027``,
  ``dec 25, 2027``. Without a year, the next such date from today on (today included).
* ``now``; ``today``, ``tomorrow``, ``yesterday``; a weekday ``monday`` .. ``sunday`` (also
  ``mon``, ``tue``/``tues``, ``wed``, ``thu``/``thur``/``thurs``, ``fri``, ``sat``, ``sun``):
  the NEXT such day, strictly after today, as is ``next friday``; ``this friday`` is today or
  later, ``last monday`` strictly before today. ``this/next/last week`` is the first day of that
  week (`week_start`, default Monday), ``this/next/last month`` (and ``year``) its first day.
* A time of day: ``14:00``, ``9:05:30``, ``9am``, ``9:30pm``, ``9 a.m.``, ``noon``, ``midnight``
  (00:00): alone it is today's; after or before any day form above (optionally with ``at``):
  ``tomorrow 14:00``, ``fri 9am``, ``9am fri``, ``dec 25 at noon``, ``+2d 9am``.
* An offset from now: a sign and one or more number+unit pairs, ``+3d``, ``-2w``, ``+4h``,
  ``+30m``, ``+90s``, ``+1d12h``, ``-1w 2d``; units ``s``/``sec``/``second(s)``,
  ``m``/``min``/``minute(s)``, ``h``/``hr``/``hour(s)``, ``d``/``day(s)``, ``w``/``wk``/``week(s)``
  (``m`` is minutes; there are no months). Also ``in 3 days`` and ``3 days ago``.
  Days and weeks move the wall clock (``+1d`` is the same time tomorrow, even across a DST
  change); hours, minutes and seconds are elapsed time.

Numeric dates such as ``06/01`` or ``1.6.`` are refused as ambiguous (day/month or
month/day?); any other text is a TimeSpecError listing examples of the forms above.

Forms without a time of day NAME A DAY: dates, day words, weekdays, weeks and months, and
offsets in whole days or weeks (``+1d``, ``-1w``, ``in 2 weeks``). `parse_when` says which day;
`parse_start`, for the START of a window of days (agenda, week, free), begins such a day at its
midnight, so ``gcal agenda +1d`` is all of tomorrow. Only a time of day (``14:00``, ``+3h``,
``fri 9am``, ``now``) starts a window mid-day.

Local wall-clock times that fall in a DST gap move forward by the gap (02:30 on a spring-forward
night becomes 03:30); ambiguous ones (the repeated hour in autumn) take the first occurrence.

The CLI parses every option, ``--time-max`` included, with the default ``end_of_day=False``:
a day is its midnight, and ``--time-max`` (exclusive) stops where the named day begins.
With ``end_of_day=True`` (for a caller that wants an inclusive upper bound), the forms that
name a whole day -- a date, today/tomorrow/yesterday, a weekday, a week or month (its first
day) -- but not offsets (``+1d`` stays an instant) mean the END of that day, i.e. midnight
at the start of the following day, so that ``--time-max 2024-06-01`` includes the events of June 1.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import os
import re
from typing import Optional

from gcal.errors import TimeSpecError, UsageError
from gcal.lazyre import LazyPattern

__all__ = [
    "GRAMMAR_HELP",
    "When",
    "local_zone",
    "names_bare_weekday",
    "parse_rfc3339",
    "parse_start",
    "parse_time",
    "parse_when",
    "resolve_zone",
    "to_rfc3339",
]

GRAMMAR_HELP = (
    "Accepts a date (2024-06-01, dec 25, '25 dec 2027'), a day (today, tomorrow, yesterday, a "
    "weekday: fri, 'next monday', 'this friday', 'last monday'; 'next week', 'next month'), "
    "a time (9am, 9:30pm, 14:00, noon, midnight: today's) or both ('tomorrow 14:00', "
    "'fri 9am', '2024-06-01 09:00'), now, an offset (+3d, -2w, +4h, +30m, 'in 2 weeks', "
    "'2 hours ago') or RFC 3339 (2024-06-01T09:00:00+02:00). Local times are in --time-zone "
    "or the local zone."
)

_EXPECTED = (
    "expected a date (2024-06-01, dec 25, '25 dec 2027'), a day (today, tomorrow, a weekday "
    "such as fri, 'next monday', 'last monday', 'next week', 'next month'), a time (9am, "
    "9:30pm, 14:00, noon, 'tomorrow 14:00', 'fri 9am'), now, an offset (+3d, -2w, +4h, "
    "'in 2 weeks') or RFC 3339 (2024-06-01T09:00:00+02:00)"
)

_UTC = datetime.timezone.utc

# re.ASCII everywhere: `\d` and `\s` must not match Arabic-Indic digits or exotic spaces, which
# int() would then happily accept.
_DATETIME_RE = LazyPattern(
    r"""
    (?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})
    (?:
        (?:t|[ ]+)
        (?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})
        (?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]+))?)?
        [ ]*
        (?P<offset>z|[+-][0-9]{2}:?[0-9]{2})?
    )?
    """,
    re.ASCII | re.VERBOSE,
)

_TIME_OF_DAY_RE = LazyPattern(
    r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?", re.ASCII
)

_UNITS = {
    "s": "seconds",
    "sec": "seconds",
    "secs": "seconds",
    "second": "seconds",
    "seconds": "seconds",
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "week": "weeks",
    "weeks": "weeks",
}
_UNIT_ALTERNATION = "|".join(sorted(_UNITS, key=len, reverse=True))
_OFFSET_PART = rf"(?P<n>[0-9]+)[ ]*(?P<unit>{_UNIT_ALTERNATION})"
_OFFSET_PART_RE = LazyPattern(_OFFSET_PART, re.ASCII)
_OFFSET_BODY = rf"(?:[0-9]+[ ]*(?:{_UNIT_ALTERNATION})(?![a-z])[ ]*)+"
_SIGNED_OFFSET_RE = LazyPattern(rf"(?P<sign>[+-])[ ]*(?P<body>{_OFFSET_BODY})", re.ASCII)
_IN_OFFSET_RE = LazyPattern(rf"in[ ]+(?P<body>{_OFFSET_BODY})", re.ASCII)
_AGO_OFFSET_RE = LazyPattern(rf"(?P<body>{_OFFSET_BODY})ago", re.ASCII)

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


def _quote(text: str) -> str:
    """The offending text for an error message: repr() so NULs and surrogates stay printable,
    shortened so a pasted paragraph does not flood the terminal."""
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)


def _invalid(text: str, reason: Optional[str] = None) -> TimeSpecError:
    return TimeSpecError(f"invalid time {_quote(text)}: {reason or _EXPECTED}")


# --------------------------------------------------------------------------------------------
# Zones


def local_zone() -> datetime.tzinfo:
    """The system's zone, as a real tz database zone where possible.

    A fixed offset taken from `datetime.now().astimezone()` would be wrong for dates on the other
    side of a DST change, so the zone is looked up by name: the TZ environment variable, then
    /etc/localtime (its symlink target names the zone; otherwise the file itself is read), and
    only as a last resort the C library's idea of the local zone (dateutil's tzlocal, which still
    knows about DST).
    """
    import zoneinfo

    tz_env = os.environ.get("TZ")
    if tz_env:
        name = tz_env[1:] if tz_env.startswith(":") else tz_env
        if name.startswith("/"):
            try:
                with open(name, "rb") as fh:
                    return zoneinfo.ZoneInfo.from_file(fh, key=name)
            except Exception:
                pass
        else:
            try:
                return zoneinfo.ZoneInfo(name)
            except Exception:
                pass
        try:  # POSIX TZ strings such as "CET-1CEST,M3.5.0,M10.5.0/3"
            from dateutil import tz as dateutil_tz

            zone = dateutil_tz.gettz(name)
            if zone is not None:
                # gettz reads "UTC+3"/"GMT+3" as three hours *ahead*; POSIX (and the C
                # library, `date`) as three hours behind, as every other TZ string
                with contextlib.suppress(Exception):
                    zone = dateutil_tz.tzstr(name, posix_offset=True)
                return zone
        except Exception:
            pass

    localtime = "/etc/localtime"
    try:
        target = os.path.realpath(localtime)
        marker = "/zoneinfo/"
        if marker in target:
            key = target.rsplit(marker, 1)[1]
            try:
                return zoneinfo.ZoneInfo(key)
            except Exception:
                pass
        with open(localtime, "rb") as fh:
            return zoneinfo.ZoneInfo.from_file(fh, key="localtime")
    except Exception:
        pass

    try:
        from dateutil import tz as dateutil_tz

        return dateutil_tz.tzlocal()
    except Exception:
        zone = datetime.datetime.now().astimezone().tzinfo
        return zone if zone is not None else _UTC


def resolve_zone(name: Optional[str]) -> datetime.tzinfo:
    """The zone for an IANA name such as ``Europe/Berlin``; None means the local zone.

    Case mistakes (``europe/berlin``, ``utc``) are forgiven because zone names are case-sensitive
    only by accident of the file system. Anything else unknown is a UsageError quoting the name.
    """
    if name is None:
        return local_zone()
    import zoneinfo

    key = name.strip() if isinstance(name, str) else ""
    if key:
        try:
            return zoneinfo.ZoneInfo(key)
        except Exception:
            pass
        try:
            folded = key.casefold()
            for candidate in zoneinfo.available_timezones():
                if candidate.casefold() == folded:
                    return zoneinfo.ZoneInfo(candidate)
        except Exception:
            pass
    raise UsageError(
        f"unknown time zone {_quote(str(name))}: expected an IANA name such as "
        "Europe/Berlin, America/New_York or UTC"
    )


# --------------------------------------------------------------------------------------------
# RFC 3339


def to_rfc3339(dt: datetime.datetime) -> str:
    """Format an aware datetime as RFC 3339, the form the API requires (always with an offset).

    ``Z`` stands for a zero offset; microseconds appear only when non-zero. Offsets that are not
    whole minutes (historic local mean time) cannot be written in RFC 3339, so such times are
    given in UTC instead.
    """
    offset = dt.utcoffset() if dt.tzinfo is not None else None
    if offset is None:
        raise ValueError("to_rfc3339 needs an aware datetime")
    if offset % datetime.timedelta(minutes=1):
        dt = dt.astimezone(_UTC)
        offset = datetime.timedelta(0)
    text = (
        f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}"
    )
    if dt.microsecond:
        text += f".{dt.microsecond:06d}"
    if not offset:
        return text + "Z"
    sign = "+" if offset > datetime.timedelta(0) else "-"
    minutes = abs(offset) // datetime.timedelta(minutes=1)
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _offset_zone(text: str) -> datetime.tzinfo:
    if text == "z":
        return _UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {text.upper()} out of range")
    delta = datetime.timedelta(hours=hours, minutes=minutes)
    return _UTC if not delta else datetime.timezone(sign * delta)


def _naive_from_match(m: re.Match) -> datetime.datetime:
    fraction = m.group("fraction") or ""
    return datetime.datetime(
        int(m.group("year")),
        int(m.group("month")),
        int(m.group("day")),
        int(m.group("hour") or 0),
        int(m.group("minute") or 0),
        int(m.group("second") or 0),
        int((fraction + "000000")[:6]),  # truncate beyond microseconds
    )


# The exact shape the API sends (`2024-06-01T09:00:00+02:00`, `...Z`, and the milliseconds of
# `updated`/`created`: `2024-06-01T07:00:00.000Z`): parsed by the C
# implementation of fromisoformat, which checks the same ranges as the general path below
# (the offset's range is checked by this pattern). A table of 100,000 events parses 200,000
# of these, and the general path costs about 35 times as much. Compiled at import (the one
# pattern here that is): every listing and view parses these, many times.
_API_SHAPE_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{3}|\.[0-9]{6})?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])",
    re.ASCII,
)


def parse_rfc3339(text: str) -> Optional[datetime.datetime]:
    """Strictly parse an RFC 3339 timestamp WITH an offset (as the API returns them).

    Returns None for anything else, including out-of-range values, so callers that only
    display data (the renderers) can fall back to showing the text as given.
    """
    if not isinstance(text, str):
        return None
    return _parse_rfc3339(text)


@functools.lru_cache(maxsize=4096)
def _parse_rfc3339(text: str) -> Optional[datetime.datetime]:
    """`parse_rfc3339` of a string, remembered: a view parses each event's start and end
    several times (merging, placing, drawing), and a datetime cannot be changed."""
    if _API_SHAPE_RE.fullmatch(text):
        try:
            dt = datetime.datetime.fromisoformat(
                text[:-1] + "+00:00" if text.endswith("Z") else text
            )
            dt.astimezone(_UTC)
        except (ValueError, OverflowError):
            return None
        return dt
    m = _DATETIME_RE.fullmatch(text.strip().lower())
    if not m or not m.group("offset"):
        return None
    try:
        dt = _naive_from_match(m).replace(tzinfo=_offset_zone(m.group("offset")))
        dt.astimezone(_UTC)  # reject instants that exist only as an offset-shifted wall time
    except (ValueError, OverflowError):
        return None
    return dt


# --------------------------------------------------------------------------------------------
# The grammar


def _localize(naive: datetime.datetime, tz: datetime.tzinfo) -> datetime.datetime:
    """Attach `tz` to a wall-clock time and normalize through UTC, so that times in a DST gap
    move forward and the result is a real instant (fold=0 picks the first of ambiguous times)."""
    return naive.replace(tzinfo=tz).astimezone(_UTC).astimezone(tz)


def _offset_delta(body: str) -> tuple[datetime.timedelta, datetime.timedelta]:
    """(calendar part, elapsed part) of an offset body such as ``1d 12h``."""
    calendar = {"days": 0, "weeks": 0}
    elapsed = {"hours": 0, "minutes": 0, "seconds": 0}
    for part in _OFFSET_PART_RE.finditer(body):
        unit = _UNITS[part.group("unit")]
        digits = part.group("n")
        if len(digits) > 18:  # far beyond any timedelta; spare int() its digit-limit error
            raise OverflowError(digits)
        n = int(digits)
        if unit in calendar:
            calendar[unit] += n
        else:
            elapsed[unit] += n
    return datetime.timedelta(**calendar), datetime.timedelta(**elapsed)


def _apply_offset(now_local: datetime.datetime, body: str, sign: int) -> datetime.datetime:
    calendar, elapsed = _offset_delta(body)
    tz = now_local.tzinfo
    assert tz is not None
    wall = now_local.replace(tzinfo=None) + sign * calendar
    moved = _localize(wall, tz) if calendar else now_local
    return (moved.astimezone(_UTC) + sign * elapsed).astimezone(tz)


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

_CLOCK_12_RE = LazyPattern(
    r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))?(?P<half>am|pm)", re.ASCII
)
_DATE_RE = LazyPattern(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})", re.ASCII)
_DAY_NUMBER_RE = LazyPattern(r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?", re.ASCII)
_YEAR_RE = LazyPattern(r"[0-9]{4}", re.ASCII)
# 06/01, 1.6., 6/1/2024: day/month or month/day? Refused with the unambiguous forms.
_AMBIGUOUS_RE = LazyPattern(r"[0-9]{1,2}[/.][0-9]{1,2}(?:[/.](?:[0-9]{2}|[0-9]{4})?)?", re.ASCII)
_AMBIGUOUS = "ambiguous (day/month or month/day?): write 2024-06-01 or 'jun 1'"


def _clock(word: str) -> Optional[datetime.time]:
    """A time of day: 14:00, 9:05:30, 9am, 9:30pm, noon, midnight (00:00)."""
    if word == "noon":
        return datetime.time(12)
    if word == "midnight":
        return datetime.time(0)
    m = _TIME_OF_DAY_RE.fullmatch(word)
    if m:
        return datetime.time(
            int(m.group("hour")), int(m.group("minute")), int(m.group("second") or 0)
        )
    m = _CLOCK_12_RE.fullmatch(word)
    if m:
        hour = int(m.group("hour"))
        if not 1 <= hour <= 12:
            raise ValueError("hour must be in 1..12 with am/pm")
        hour = hour % 12 + (12 if m.group("half") == "pm" else 0)
        return datetime.time(hour, int(m.group("minute") or 0))
    return None


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


def _day(words: list, now_local: datetime.datetime, week_start: int) -> Optional[datetime.date]:
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
    offset = _day_offset(" ".join(words))
    if offset is not None:  # whole days only: `+2d 9am`, `in 1 week at noon`
        calendar, elapsed = offset
        if not elapsed:
            return today + calendar
    return None


def _day_offset(text: str) -> Optional[tuple]:
    """(signed calendar part, signed elapsed part) of an offset phrase, or None."""
    m = _SIGNED_OFFSET_RE.fullmatch(text)
    sign = 1
    if m:
        sign = -1 if m.group("sign") == "-" else 1
    else:
        m = _IN_OFFSET_RE.fullmatch(text) or _AGO_OFFSET_RE.fullmatch(text)
        if m and m.re is _AGO_OFFSET_RE.compiled:
            sign = -1
    if not m:
        return None
    calendar, elapsed = _offset_delta(m.group("body"))
    return sign * calendar, sign * elapsed


def _midnight(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    return _localize(datetime.datetime(day.year, day.month, day.day), tz)


def _parse(
    text: str, tz: datetime.tzinfo, now: datetime.datetime, end_of_day: bool, week_start: int
) -> Optional[tuple]:
    """(the instant, the day it names when no time of day was given) or None."""
    s = re.sub(r"[ \t]+", " ", text.strip().lower(), flags=re.ASCII)

    m = _DATETIME_RE.fullmatch(s)
    if m:
        naive = _naive_from_match(m)
        if m.group("offset"):
            return naive.replace(tzinfo=_offset_zone(m.group("offset"))), None
        if m.group("hour") is not None:
            return _localize(naive, tz), None
        day = naive.date()
        return _midnight(day + datetime.timedelta(days=1) if end_of_day else day, tz), day

    now_local = now.astimezone(tz)
    if s == "now":
        return now_local, None

    m = _SIGNED_OFFSET_RE.fullmatch(s) or _IN_OFFSET_RE.fullmatch(s) or _AGO_OFFSET_RE.fullmatch(s)
    if m:
        sign = -1 if m.re is _AGO_OFFSET_RE.compiled or m.groupdict().get("sign") == "-" else 1
        _, elapsed = _offset_delta(m.group("body"))
        moment = _apply_offset(now_local, m.group("body"), sign)
        return moment, (None if elapsed else moment.date())

    # `9 am`, `9 a.m.` -> `9am`; `dec 25, 2027` -> `dec 25 2027`
    s = re.sub(r"([0-9]) ?([ap])\.?m\.?(?![a-z])", r"\1\2m", s, flags=re.ASCII)
    words = s.replace(",", " ").split()
    if not words:
        return None
    if any(_AMBIGUOUS_RE.fullmatch(word) for word in words):
        raise _invalid(text, _AMBIGUOUS)
    if len(words) == 1:
        clock = _clock(words[0])
        if clock is not None:  # a time alone: today at that time
            return _localize(datetime.datetime.combine(now_local.date(), clock), tz), None
    day = _day(words, now_local, week_start)
    if day is not None:
        return _midnight(day + datetime.timedelta(days=1) if end_of_day else day, tz), day
    # a day and a time, either way round: `tomorrow 14:00`, `fri 9am`, `9am fri`, `dec 25 at noon`
    for day_words, time_word in ((words[:-1], words[-1]), (words[1:], words[0])):
        if day_words and day_words[-1] == "at" and time_word is words[-1]:
            day_words = day_words[:-1]
        clock = _clock(time_word)
        if clock is None:
            continue
        day = _day(day_words, now_local, week_start)
        if day is not None:
            return _localize(datetime.datetime.combine(day, clock), tz), None
    return None


class When:
    """What a time phrase names: `moment` is the instant (what `parse_time` returns); `day` is
    the day the phrase names when it gives no time of day (`tomorrow`, `fri`, `dec 25`,
    `next week`, `+1d`, `-2w`), None when it does (`14:00`, `fri 9am`, `+3h`, `now`, RFC 3339).
    (A plain class: `dataclasses` would double the import time of this module.)"""

    __slots__ = ("day", "moment", "zone")

    def __init__(
        self, moment: datetime.datetime, day: Optional[datetime.date], zone: datetime.tzinfo
    ) -> None:
        self.moment = moment
        self.day = day
        self.zone = zone

    def __repr__(self) -> str:
        return f"When(moment={self.moment!r}, day={self.day!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, When):
            return NotImplemented
        return (self.moment, self.day) == (other.moment, other.day)

    def __hash__(self) -> int:
        return hash((self.moment, self.day))

    @property
    def timed(self) -> bool:
        return self.day is None

    @property
    def start(self) -> datetime.datetime:
        """Where a window starting here begins: midnight of the named day, else the moment."""
        return self.moment if self.day is None else _midnight(self.day, self.zone)


def parse_when(
    text: str,
    *,
    tz: Optional[datetime.tzinfo] = None,
    now: Optional[datetime.datetime] = None,
    end_of_day: bool = False,
    week_start: int = 0,
) -> When:
    """Parse a time phrase (see the module doc) into a `When`: the instant and, when the phrase
    names a whole day, that day. Arguments as for `parse_time`; `week_start` (0 Monday .. 6
    Sunday) is where `this/next/last week` begins. Raises TimeSpecError and nothing else."""
    if not isinstance(text, str):
        raise _invalid(str(text))
    try:
        zone = tz if tz is not None else local_zone()
        if now is None:
            clock = datetime.datetime.now(zone)
        elif now.tzinfo is None or now.utcoffset() is None:
            clock = _localize(now, zone)
        else:
            clock = now
        result = _parse(text, zone, clock, end_of_day, week_start % 7)
        if result is not None:
            when = When(result[0], result[1], zone)
            when.moment.astimezone(_UTC)  # every consumer may convert; fail here, not there
            when.start.astimezone(_UTC)
    except TimeSpecError:
        raise
    except ArithmeticError:  # OverflowError: beyond year 1..9999 or timedelta's limits
        raise _invalid(text, "out of range") from None
    except ValueError as exc:  # month 13, Feb 30, hour 25, offset +24:00, absurdly long numbers
        raise _invalid(text, str(exc) or "out of range") from None
    if result is None:
        raise _invalid(text)
    return when


def parse_start(
    text: str,
    *,
    tz: Optional[datetime.tzinfo] = None,
    now: Optional[datetime.datetime] = None,
    week_start: int = 0,
) -> datetime.datetime:
    """The START of a window of days (agenda, week, month, free): a phrase naming a day
    (`tomorrow`, `+1d`, `-1w`, `in 2 weeks`, `fri`, `dec 25`) is that whole day from its
    midnight; only a time of day (`14:00`, `+3h`, `fri 9am`, `now`) starts mid-day."""
    return parse_when(text, tz=tz, now=now, week_start=week_start).start


def parse_time(
    text: str,
    *,
    tz: Optional[datetime.tzinfo] = None,
    now: Optional[datetime.datetime] = None,
    end_of_day: bool = False,
    week_start: int = 0,
) -> datetime.datetime:
    """Parse one time option value into an aware datetime (see the module doc for the grammar).

    `tz` is the zone for times without an offset (default: the local zone); `now` is the clock
    for relative forms (default: the current time; a naive `now` is read as wall time in `tz`).
    Raises TimeSpecError, and nothing else, for anything it cannot turn into an instant that
    can also be expressed in UTC.
    """
    return parse_when(text, tz=tz, now=now, end_of_day=end_of_day, week_start=week_start).moment
