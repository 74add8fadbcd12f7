"""The small grammars of `gcal free`: durations (`1h30m`), working hours (`09:00-17:00`) and
days (`mon-fri`, `mon,wed,fri`, `all`). Pure parsing; a bad value is a UsageError that quotes
it and says what is expected."""

from __future__ import annotations

import datetime as _dt
import re
from typing import FrozenSet, Tuple

from gcal.errors import UsageError

_DURATION_PART = re.compile(r"([0-9]+)(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s|days?|d)")
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1, "d": 86400}
_CLOCK = re.compile(r"^([0-9]{1,2})(?::([0-9]{2}))?$")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_duration(text: str, option: str = "--duration") -> _dt.timedelta:
    """`30m`, `1h`, `1h30m`, `90min`, `2 hours`, or a bare number of minutes (`45`)."""
    raw = text.strip().lower()
    if raw.isdigit():
        return _within_limit(int(raw) * 60, text, option)
    total, pos = 0, 0
    compact = raw.replace(" ", "")
    for match in _DURATION_PART.finditer(compact):
        if match.start() != pos:
            break
        total += int(match.group(1)) * _UNIT_SECONDS[match.group(2)[0]]
        pos = match.end()
    if not compact or pos != len(compact):
        raise UsageError(
            f"{option} {text!r} is not a duration: expected e.g. 30m, 1h, 1h30m or 45 (minutes)"
        )
    return _within_limit(total, text, option)


_LONGEST_DAYS = 3660  # as every other length of time an option takes (and --days)


def _within_limit(seconds: int, text: str, option: str) -> _dt.timedelta:
    if seconds > _LONGEST_DAYS * 86400:  # timedelta itself stops near 2.7 million years
        raise UsageError(f"{option} {text!r} is longer than {_LONGEST_DAYS} days")
    return _dt.timedelta(seconds=seconds)


def _clock(text: str, whole: str) -> _dt.time:
    match = _CLOCK.match(text.strip())
    hour = int(match.group(1)) if match else -1
    minute = int(match.group(2) or 0) if match else -1
    if hour == 24 and minute == 0:
        return _dt.time(0, 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise UsageError(
            f"--hours {whole!r} is not a range of clock times: expected e.g. 09:00-17:00"
        )
    return _dt.time(hour, minute)


def parse_hours(text: str) -> Tuple[_dt.time, _dt.time]:
    """`09:00-17:00` (also `9-17`, `9:30-12`); `all` or `00:00-24:00` for the whole day. An end
    at or before the start runs past midnight (`22:00-06:00`)."""
    raw = text.strip().lower()
    if raw in ("all", "any"):
        return _dt.time(0), _dt.time(0)
    start, sep, end = raw.partition("-")
    if not sep:
        raise UsageError(
            f"--hours {text!r} is not a range of clock times: expected e.g. 09:00-17:00"
        )
    return _clock(start, text), _clock(end, text)


def parse_days(text: str, flag: str = "--weekdays") -> FrozenSet[int]:
    """`mon-fri`, `mon,wed,fri`, `sat-sun`, `fri-mon` (wrapping), `all`; weekday numbers with
    Monday 0. `flag` is the option named in the error."""
    raw = text.strip().lower()
    if raw in ("all", "any", "every"):
        return frozenset(range(7))
    if raw in ("weekdays", "workdays"):
        return frozenset(range(5))
    if raw == "weekends":
        return frozenset({5, 6})
    days = set()
    for part in raw.split(","):
        first, sep, last = part.strip().partition("-")
        a, b = _day(first, text, flag), _day(last if sep else first, text, flag)
        days.update((a + k) % 7 for k in range((b - a) % 7 + 1))
    return frozenset(days)


def _day(name: str, whole: str, flag: str) -> int:
    key = name.strip()[:3]
    if len(name.strip()) < 3 or key not in DAY_NAMES or not _is_prefix(name.strip(), key):
        raise UsageError(
            f"{flag} {whole!r} is not a list of weekdays: expected e.g. mon-fri, mon,wed,fri or all"
        )
    return DAY_NAMES.index(key)


_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _is_prefix(name: str, key: str) -> bool:
    full = _FULL[DAY_NAMES.index(key)]
    return full.startswith(name) or name in ("tues", "thur", "thurs")


def format_duration(delta: _dt.timedelta) -> str:
    """`1h30m`, `45m`, `2h`, `1d2h`: how the table shows a slot's length."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}d")
    if hours:
        parts.append(f"{hours}h")
    if mins or not parts:
        parts.append(f"{mins}m")
    return "".join(parts)
