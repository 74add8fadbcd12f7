"""RFC 3339, the only time form the Calendar API takes and gives: `to_rfc3339` writes an aware
datetime (always with an offset), `parse_rfc3339` reads one strictly (None for anything else).

Separate from the time grammar (`gcal.core.timespec`) because every layer reads the API's times
(renderers, the store, the ICS writer) and none of them needs the grammar of people's phrases;
the grammar reads the same date-time shape (`DATETIME_RE`) for its own forms.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Optional

from gcal.lazyre import LazyPattern

_UTC = datetime.timezone.utc

# re.ASCII everywhere: `\d` and `\s` must not match Arabic-Indic digits or exotic spaces, which
# int() would then happily accept.
DATETIME_RE = LazyPattern(
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


def offset_zone(text: str) -> datetime.tzinfo:
    if text == "z":
        return _UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {text.upper()} out of range")
    delta = datetime.timedelta(hours=hours, minutes=minutes)
    return _UTC if not delta else datetime.timezone(sign * delta)


def naive_from_match(m: re.Match) -> datetime.datetime:
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
    m = DATETIME_RE.fullmatch(text.strip().lower())
    if not m or not m.group("offset"):
        return None
    try:
        dt = naive_from_match(m).replace(tzinfo=offset_zone(m.group("offset")))
        dt.astimezone(_UTC)  # reject instants that exist only as an offset-shifted wall time
    except (ValueError, OverflowError):
        return None
    return dt
