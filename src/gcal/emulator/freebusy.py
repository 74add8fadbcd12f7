"""freebusy.query (`POST freeBusy`): busy blocks of calendars and groups, as Google answers.

The request is a JSON body (`FreeBusyRequest` in the discovery document): `timeMin` and
`timeMax` (required), `timeZone` (of the response; default UTC), `groupExpansionMax` (1..100),
`calendarExpansionMax` (1..50) and `items` (`[{"id": ...}]`, calendars or groups).

What is busy: every event that is not cancelled and is opaque (an event marked `transparent`,
"show as available", does not block, nor one the calendar's owner declined, nor a hidden
invitation), series expanded into their instances, intersecting the window; per calendar the
blocks are merged (overlapping or touching) and clipped to the window. All-day events block
from midnight to midnight in the calendar's zone.

Errors are per calendar or group, never for the whole request: an unknown calendar (or one the
user may not see even as free/busy) gets `errors: [{"domain": "global", "reason": "notFound"}]`
and an empty `busy`; a group with more members than `groupExpansionMax` gets `groupTooBig`;
calendars past `calendarExpansionMax` (after group expansion, in request order) get
`tooManyCalendarsRequested`. The request as a whole fails (400) only when it is malformed:
no body, a missing or unreadable time, an empty range or one longer than 90 days, an unknown
zone, maxima out of range.

Groups are the data file's `groups` (`[{"id": "team@example.com", "members": [...]}]`).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from gcal.emulator.errors import ApiError, bad_request, invalid
from gcal.emulator.store import ROLE_RANK, Calendar, Store, StoredEvent
from gcal.emulator.timeutil import UTC, format_datetime, format_stamp, get_zone, parse_rfc3339

if TYPE_CHECKING:
    from gcal.emulator.query import Engine

GROUP_EXPANSION_MAX = 100
#: the longest window Google answers in one query
MAX_SPAN = timedelta(days=90)
CALENDAR_EXPANSION_MAX = 50


def _error(reason: str) -> Dict[str, str]:
    return {"domain": "global", "reason": reason}


def _parse_body(body: bytes) -> Dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8") or "null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "parseError", "Parse Error") from None
    if not isinstance(data, dict):
        raise ApiError(400, "required", "Required", location="timeMin")
    return data


def _time(data: Dict[str, Any], name: str) -> datetime:
    value = data.get(name)
    if value is None or value == "":
        raise ApiError(400, "required", f"Missing {name} parameter.", location=name)
    try:
        return parse_rfc3339(str(value)).replace(microsecond=0)
    except ValueError:
        raise bad_request("Bad Request") from None


def _maximum(data: Dict[str, Any], name: str, top: int) -> int:
    value = data.get(name)
    if value is None:
        return top
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise invalid(name, f"Invalid value for: {name}")
    try:
        number = int(value)
    except ValueError:
        raise invalid(name, f"Invalid value for: {name}") from None
    if not 1 <= number <= top:
        raise invalid(name, f"Invalid value '{value}'. Values must be within the range: [1, {top}]")
    return number


def _item_ids(data: Dict[str, Any]) -> List[str]:
    items = data.get("items", [])
    if not isinstance(items, list):
        raise invalid("items", "Invalid value for: items")
    ids = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise invalid("items", "Invalid value for: items")
        ids.append(item["id"])
    return ids


def _declined(res: Dict[str, Any], cal: Calendar) -> bool:
    for attendee in res.get("attendees") or []:
        if attendee.get("email") == cal.id or (cal.entry.get("primary") and attendee.get("self")):
            return attendee.get("responseStatus") == "declined"
    return False


def _blocks(ev: StoredEvent) -> bool:
    transparent = ev.resource.get("transparency") == "transparent"
    return not (ev.cancelled or ev.hidden or transparent)


def busy_intervals(
    engine: Engine, cal: Calendar, time_min: datetime, time_max: datetime
) -> List[Tuple[float, float]]:
    """Merged, clipped busy intervals (POSIX seconds) of `cal` in [time_min, time_max)."""
    lo, hi = time_min.timestamp(), time_max.timestamp()
    spans = []
    for ev in engine.occurrences(cal, format_stamp(time_min), format_stamp(time_max)):
        if not _blocks(ev) or _declined(ev.resource, cal):
            continue
        start, end = max(ev.start_ts, lo), min(ev.end_ts, hi)
        if start < end:
            spans.append((start, end))
    spans.sort()
    merged: List[Tuple[float, float]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _visible(store: Store, calendar_id: str) -> Optional[Calendar]:
    cal = store.calendar(calendar_id)
    if cal is None or cal.entry.get("deleted") or ROLE_RANK.get(cal.role, 0) < 1:
        return None
    return cal


def query(store: Store, engine: Engine, body: bytes) -> Dict[str, Any]:
    """The FreeBusyResponse for one request body; ApiError (400) for a malformed request."""
    data = _parse_body(body)
    time_min, time_max = _time(data, "timeMin"), _time(data, "timeMax")
    zone_name = data.get("timeZone")
    zone = get_zone(zone_name) if zone_name else None
    if zone_name and zone is None:
        raise invalid("timeZone", f"Invalid time zone definition for timeZone: {zone_name}")
    group_max = _maximum(data, "groupExpansionMax", GROUP_EXPANSION_MAX)
    calendar_max = _maximum(data, "calendarExpansionMax", CALENDAR_EXPANSION_MAX)
    ids = _item_ids(data)
    if time_min >= time_max:
        raise ApiError(
            400,
            "timeRangeEmpty",
            "The specified time range is empty.",
            location="timeMax",
            domain="calendar",
        )
    if time_max - time_min > MAX_SPAN:
        raise ApiError(
            400,
            "timeRangeTooLong",
            "The requested time range is too long.",
            location="timeMax",
            domain="calendar",
        )

    groups: Dict[str, Any] = {}
    wanted: List[str] = []
    for item_id in ids:
        members = store.groups.get(item_id)
        if members is None:
            wanted.append(item_id)
        elif len(members) > group_max:
            groups[item_id] = {"errors": [_error("groupTooBig")], "calendars": []}
        else:
            groups[item_id] = {"calendars": list(members)}
            wanted.extend(members)

    calendars: Dict[str, Any] = {}
    answered = 0
    for calendar_id in wanted:
        if calendar_id in calendars:
            continue
        if answered >= calendar_max:
            calendars[calendar_id] = {"errors": [_error("tooManyCalendarsRequested")], "busy": []}
            continue
        answered += 1
        cal = _visible(store, calendar_id)
        if cal is None:
            calendars[calendar_id] = {"errors": [_error("notFound")], "busy": []}
            continue
        blocks = busy_intervals(engine, cal, time_min, time_max)
        calendars[calendar_id] = {"busy": [_period(s, e, zone) for s, e in blocks]}

    answer: Dict[str, Any] = {
        "kind": "calendar#freeBusy",
        "timeMin": format_stamp(time_min),
        "timeMax": format_stamp(time_max),
    }
    if groups:
        answer["groups"] = groups
    answer["calendars"] = calendars
    return answer


def _period(start: float, end: float, zone: Any) -> Dict[str, str]:
    def text(ts: float) -> str:
        return format_datetime(datetime.fromtimestamp(ts, UTC), zone)

    return {"start": text(start), "end": text(end)}
