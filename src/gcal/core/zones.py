"""Finding a zone: the system's own (`local_zone`, looked up by name so DST is right) and one a
user names (`resolve_zone`, case forgiven), and placing a wall-clock time in a zone
(`localize`, DST gaps moved forward).

Separate from the time grammar (`gcal.core.timespec`) because every command that shows or reads
times needs its zone, the display zone (`gcal.core.displayzone`) among them, phrase or not.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from typing import Optional

from gcal.errors import UsageError

_UTC = datetime.timezone.utc


def quoted_input(text: str) -> str:
    """The offending text for an error message: repr() so NULs and surrogates stay printable,
    shortened so a pasted paragraph does not flood the terminal."""
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)


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
        f"unknown time zone {quoted_input(str(name))}: expected an IANA name such as "
        "Europe/Berlin, America/New_York or UTC"
    )


def localize(naive: datetime.datetime, tz: datetime.tzinfo) -> datetime.datetime:
    """Attach `tz` to a wall-clock time and normalize through UTC, so that times in a DST gap
    move forward and the result is a real instant (fold=0 picks the first of ambiguous times)."""
    return naive.replace(tzinfo=tz).astimezone(_UTC).astimezone(tz)
