"""Time parsing and formatting exactly as strict as the Calendar API.

The API insists on RFC 3339 timestamps *with* an offset for timeMin/timeMax/updatedMin, formats
`updated`/`created` in UTC with milliseconds, and formats event `dateTime` values with the offset
of the zone they are expressed in. Keeping these rules in one place keeps the server honest.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Optional, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp that must carry an offset; raise ValueError otherwise."""
    m = _RFC3339.match(text.strip())
    if not m:
        raise ValueError(f"not an RFC 3339 timestamp with offset: {text!r}")
    y, mo, d, h, mi, s, frac, off = m.groups()
    if off in ("Z", "z"):
        tz = UTC
    else:
        sign = 1 if off[0] == "+" else -1
        oh, om = int(off[1:3]), int(off[4:6])
        if oh > 23 or om > 59:
            raise ValueError(f"bad offset in {text!r}")
        tz = timezone(sign * timedelta(hours=oh, minutes=om))
    micro = int((frac[1:] + "000000")[:6]) if frac else 0
    return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=tz)


def parse_date(text: str) -> date:
    """Parse a `yyyy-mm-dd` all-day date."""
    return date.fromisoformat(text)


def get_zone(name: Optional[str]) -> Optional[ZoneInfo]:
    """Return the IANA zone called `name`, or None when it is empty or unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, KeyError):
        return None


def format_datetime(dt: datetime, zone: Optional[ZoneInfo] = None) -> str:
    """Format an event dateTime the way Google does: seconds precision, `Z` only for UTC."""
    if zone is not None:
        try:
            dt = dt.astimezone(zone)
        except OverflowError:  # 9999-12-31T23:00Z in a zone east of UTC: keep it as given
            zone = None
    offset = dt.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        try:
            dt, zone = dt.astimezone(UTC), None  # local mean time: no RFC 3339 offset for it
        except OverflowError:
            dt = dt.replace(tzinfo=timezone(offset // timedelta(minutes=1) * timedelta(minutes=1)))
    text = dt.replace(microsecond=0).isoformat()
    if text.endswith("+00:00") and (zone is None or getattr(zone, "key", "") in ("UTC", "Etc/UTC")):
        text = text[:-6] + "Z"
    return text


def format_stamp(dt: datetime) -> str:
    """Format `updated`/`created`: UTC with milliseconds and `Z`."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant an all-day date begins in `zone` (all-day events are placed this way)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def event_time(value: dict, zone: ZoneInfo) -> datetime:
    """Instant of an EventDateTime (`dateTime`, or `date` at midnight in `zone`)."""
    if "dateTime" in value:
        return parse_rfc3339(value["dateTime"])
    return midnight(parse_date(value["date"]), zone)


def to_ts(value: Union[datetime, None]) -> float:
    """POSIX timestamp, with None meaning 'unbounded'."""
    return value.timestamp() if value is not None else float("inf")
