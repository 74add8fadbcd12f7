"""Reading query parameters the way the API does: typed, range-checked, 400 on nonsense.

Google validates before doing any work, so a bad value never yields a partial answer; the
helpers here raise `ApiError` with Google's reasons (`invalid`, `badRequest`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Dict, List, Optional, Sequence
from zoneinfo import ZoneInfo

from gcal.emulator.errors import ApiError, invalid
from gcal.emulator.timeutil import get_zone, parse_rfc3339

Query = Dict[str, List[str]]

#: system parameters every Google API accepts; never part of a query's identity
SYSTEM_PARAMS = frozenset(
    {
        "alt",
        "fields",
        "key",
        "prettyPrint",
        "quotaUser",
        "userIp",
        "oauth_token",
        "access_token",
        "callback",
        "$.xgafv",
        "upload_protocol",
        "uploadType",
    }
)


def first(query: Query, name: str) -> Optional[str]:
    values = query.get(name)
    return values[0] if values else None


def get_bool(query: Query, name: str, default: bool = False) -> bool:
    value = first(query, name)
    if value is None or value == "":
        return default
    low = value.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    raise invalid(name, f"Invalid boolean value: '{value}'.")


def get_int(
    query: Query, name: str, default: Optional[int], minimum: int, maximum: Optional[int]
) -> Optional[int]:
    """An integer parameter; below the minimum is 400, above the maximum is clamped."""
    value = first(query, name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise invalid(
            name,
            f"Invalid value '{value}'. Values must match the following regular "
            "expression: '-?\\d+'",
        ) from None
    if number < minimum:
        raise invalid(
            name,
            f"Invalid value '{value}'. Values must be within the range: "
            f"[{minimum}, {maximum if maximum is not None else 2147483647}]",
        )
    if maximum is not None and number > maximum:
        number = maximum
    return number


def get_enum(query: Query, name: str, allowed: Sequence[str]) -> Optional[str]:
    value = first(query, name)
    if value is None or value == "":
        return None
    if value not in allowed:
        raise invalid(
            name, f"Invalid value '{value}'. Values must be one of: " + ", ".join(sorted(allowed))
        )
    return value


def get_enum_list(query: Query, name: str, allowed: Sequence[str]) -> List[str]:
    out = []
    for value in query.get(name, []):
        if value not in allowed:
            raise invalid(
                name,
                f"Invalid value '{value}'. Values must be one of: " + ", ".join(sorted(allowed)),
            )
        out.append(value)
    return out


def get_time(query: Query, name: str, *, whole_seconds: bool = True) -> Optional[datetime]:
    """A time parameter. timeMin/timeMax: "Milliseconds may be provided but are ignored";
    updatedMin (`whole_seconds` False) has no such rule and keeps them."""
    value = first(query, name)
    if value is None or value == "":
        return None
    try:
        moment = parse_rfc3339(value)
        return moment.replace(microsecond=0) if whole_seconds else moment
    except ValueError:
        raise ApiError(400, "badRequest", "Bad Request") from None


def get_zone_param(query: Query, name: str = "timeZone") -> Optional[ZoneInfo]:
    value = first(query, name)
    if value is None or value == "":
        return None
    zone = get_zone(value)
    if zone is None:
        raise invalid(name, f"Invalid time zone definition for {name}: {value}")
    return zone


def get_properties(query: Query, name: str) -> List[tuple]:
    """Extended-property constraints `name=value`."""
    out = []
    for raw in query.get(name, []):
        key, sep, value = raw.partition("=")
        if not sep or not key:
            raise invalid(name, f"Invalid value for: {name}")
        out.append((key, value))
    return out


def canonical(query: Query, exclude: Sequence[str] = ()) -> str:
    """A stable text identity for a query, ignoring system and paging parameters."""
    skip = set(SYSTEM_PARAMS) | set(exclude)
    parts = []
    for key in sorted(query):
        if key in skip:
            continue
        for value in sorted(query[key]):
            parts.append(f"{key}={value}")
    return "&".join(parts)
