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

The grammar's parts have modules of their own: RFC 3339 (`gcal.core.rfc3339`), zones
(`gcal.core.zones`), offsets (`gcal.core.timeoffset`) and the words that name a day
(`gcal.core.daywords`). This module puts a day and a time of day together, and its callers
keep importing `parse_rfc3339`, `to_rfc3339`, `local_zone`, `resolve_zone` and
`names_bare_weekday` from here.
"""

from __future__ import annotations

import datetime
import re
from typing import Optional

from gcal.core.daywords import named_day, names_bare_weekday
from gcal.core.rfc3339 import DATETIME_RE, naive_from_match, offset_zone, parse_rfc3339, to_rfc3339
from gcal.core.timeoffset import (
    AGO_OFFSET_RE,
    IN_OFFSET_RE,
    SIGNED_OFFSET_RE,
    apply_offset,
    offset_delta,
)
from gcal.core.zones import local_zone, localize, quoted_input, resolve_zone
from gcal.errors import TimeSpecError
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
_TIME_OF_DAY_RE = LazyPattern(
    r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?", re.ASCII
)
_CLOCK_12_RE = LazyPattern(
    r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))?(?P<half>am|pm)", re.ASCII
)
# 06/01, 1.6., 6/1/2024: day/month or month/day? Refused with the unambiguous forms.
_AMBIGUOUS_RE = LazyPattern(r"[0-9]{1,2}[/.][0-9]{1,2}(?:[/.](?:[0-9]{2}|[0-9]{4})?)?", re.ASCII)
_AMBIGUOUS = "ambiguous (day/month or month/day?): write 2024-06-01 or 'jun 1'"


def _invalid(text: str, reason: Optional[str] = None) -> TimeSpecError:
    return TimeSpecError(f"invalid time {quoted_input(text)}: {reason or _EXPECTED}")


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


def _midnight(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    return localize(datetime.datetime(day.year, day.month, day.day), tz)


def _parse(
    text: str, tz: datetime.tzinfo, now: datetime.datetime, end_of_day: bool, week_start: int
) -> Optional[tuple]:
    """(the instant, the day it names when no time of day was given) or None."""
    plain = text.strip()
    if (
        len(plain) == 10
        and plain[4] == plain[7] == "-"
        and plain.isascii()
        and (plain[:4] + plain[5:7] + plain[8:]).isdigit()
    ):
        # a date alone (`2024-06-01`), the commonest argument: read without compiling the
        # grammar's patterns (an offline answer pays for every one it compiles)
        day = datetime.date(int(plain[:4]), int(plain[5:7]), int(plain[8:]))
        return _midnight(day + datetime.timedelta(days=1) if end_of_day else day, tz), day
    s = re.sub(r"[ \t]+", " ", text.strip().lower(), flags=re.ASCII)

    m = DATETIME_RE.fullmatch(s)
    if m:
        naive = naive_from_match(m)
        if m.group("offset"):
            return naive.replace(tzinfo=offset_zone(m.group("offset"))), None
        if m.group("hour") is not None:
            return localize(naive, tz), None
        day = naive.date()
        return _midnight(day + datetime.timedelta(days=1) if end_of_day else day, tz), day

    now_local = now.astimezone(tz)
    if s == "now":
        return now_local, None

    m = SIGNED_OFFSET_RE.fullmatch(s) or IN_OFFSET_RE.fullmatch(s) or AGO_OFFSET_RE.fullmatch(s)
    if m:
        sign = -1 if m.re is AGO_OFFSET_RE.compiled or m.groupdict().get("sign") == "-" else 1
        _, elapsed = offset_delta(m.group("body"))
        moment = apply_offset(now_local, m.group("body"), sign)
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
            return localize(datetime.datetime.combine(now_local.date(), clock), tz), None
    day = named_day(words, now_local, week_start)
    if day is not None:
        return _midnight(day + datetime.timedelta(days=1) if end_of_day else day, tz), day
    # a day and a time, either way round: `tomorrow 14:00`, `fri 9am`, `9am fri`, `dec 25 at noon`
    for day_words, time_word in ((words[:-1], words[-1]), (words[1:], words[0])):
        if day_words and day_words[-1] == "at" and time_word is words[-1]:
            day_words = day_words[:-1]
        clock = _clock(time_word)
        if clock is None:
            continue
        day = named_day(day_words, now_local, week_start)
        if day is not None:
            return localize(datetime.datetime.combine(day, clock), tz), None
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
            clock = localize(now, zone)
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
