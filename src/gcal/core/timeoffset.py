"""Offsets from now: ``+3d``, ``-2w``, ``+1d12h``, ``in 2 weeks``, ``3 days ago``. Days and
weeks move the wall clock (``+1d`` is the same time tomorrow, across a DST change too); hours,
minutes and seconds are elapsed time.

Separate from the rest of the time grammar (`gcal.core.timespec`) because an offset is its own
small language of number+unit pairs, read both as an instant and, in whole days, as a day
(`gcal.core.daywords`).
"""

from __future__ import annotations

import datetime
import re
from typing import Optional

from gcal.core.zones import localize
from gcal.lazyre import LazyPattern

_UTC = datetime.timezone.utc

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
SIGNED_OFFSET_RE = LazyPattern(rf"(?P<sign>[+-])[ ]*(?P<body>{_OFFSET_BODY})", re.ASCII)
IN_OFFSET_RE = LazyPattern(rf"in[ ]+(?P<body>{_OFFSET_BODY})", re.ASCII)
AGO_OFFSET_RE = LazyPattern(rf"(?P<body>{_OFFSET_BODY})ago", re.ASCII)


def offset_delta(body: str) -> tuple[datetime.timedelta, datetime.timedelta]:
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


def apply_offset(now_local: datetime.datetime, body: str, sign: int) -> datetime.datetime:
    calendar, elapsed = offset_delta(body)
    tz = now_local.tzinfo
    assert tz is not None
    wall = now_local.replace(tzinfo=None) + sign * calendar
    moved = localize(wall, tz) if calendar else now_local
    return (moved.astimezone(_UTC) + sign * elapsed).astimezone(tz)


def day_offset(text: str) -> Optional[tuple]:
    """(signed calendar part, signed elapsed part) of an offset phrase, or None."""
    m = SIGNED_OFFSET_RE.fullmatch(text)
    sign = 1
    if m:
        sign = -1 if m.group("sign") == "-" else 1
    else:
        m = IN_OFFSET_RE.fullmatch(text) or AGO_OFFSET_RE.fullmatch(text)
        if m and m.re is AGO_OFFSET_RE.compiled:
            sign = -1
    if not m:
        return None
    calendar, elapsed = offset_delta(m.group("body"))
    return sign * calendar, sign * elapsed
