"""The display zone: the one zone every view for people shows times in.

A person reads times in their own zone, whatever zone each calendar or event is kept in:
`--time-zone` when given, else the local zone (the TZ environment variable, then the system's).
Tables, agendas and calendar grids all resolve it here, so they agree with each other and with
how time options such as `today` are read (`gcal.core.timespec` uses the same local zone).
Machine formats do not use it: they carry the API's values.
"""

from __future__ import annotations

import datetime
import os
from typing import Optional

from gcal.core.timespec import local_zone, resolve_zone
from gcal.record import Record

__all__ = ["DisplayZone", "resolve_display_zone", "zone_label"]


class DisplayZone(Record):
    """A zone and the name to tell the reader (`times in Asia/Tokyo`)."""

    __slots__ = ("name", "zone")

    def __init__(self, zone: datetime.tzinfo, name: str) -> None:
        self.zone = zone
        self.name = name


def zone_label(zone: datetime.tzinfo, fallback: Optional[str] = None) -> str:
    """A name a person recognises for `zone`: its IANA key, else `fallback` (e.g. the TZ
    string it came from), else its current abbreviation (`CET`), else its UTC offset."""
    key = getattr(zone, "key", None)
    if isinstance(key, str) and key and not key.startswith("/") and key != "localtime":
        return key
    now = datetime.datetime.now(zone)
    if fallback:
        if any(c.isdigit() for c in fallback) and "/" not in fallback:
            # a POSIX TZ string: "UTC+3" is three hours *behind* UTC, so say the offset
            return f"{fallback} ({_offset(now)})"
        return fallback
    name = now.tzname()
    if name:
        return name
    return _offset(now)


def _offset(now: datetime.datetime) -> str:
    offset = now.utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def resolve_display_zone(option: Optional[str] = None, *, strict: bool = True) -> DisplayZone:
    """The display zone for a `--time-zone` value (None: not given).

    An unknown name is a UsageError when `strict` (what the CLI wants, before any request);
    otherwise it falls back to the local zone, for writers that must never fail on output.
    """
    if option:
        try:
            zone = resolve_zone(option)
        except Exception:
            if strict:
                raise
        else:
            return DisplayZone(zone, zone_label(zone, option))
    zone = local_zone()
    tz_env = os.environ.get("TZ") or None
    return DisplayZone(zone, zone_label(zone, tz_env.lstrip(":") if tz_env else None))
