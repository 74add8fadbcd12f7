"""Turning stored events into what a given reader is allowed and asked to see.

Google hides details of private events from readers, shows free/busy readers only times, trims
cancelled instances to their identity, expresses times in the requested zone and truncates
attendee lists. These are per-page transformations, so they run on at most one page of items.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Optional
from zoneinfo import ZoneInfo

from gcal.emulator.timeutil import format_datetime, parse_rfc3339

_RECURRING = ("recurrence", "recurringEventId", "originalStartTime")
_CANCELLED_INSTANCE = ("kind", "etag", "id", "status", "recurringEventId", "originalStartTime")
_FREEBUSY = ("kind", "etag", "id", "status", "start", "end", *_RECURRING)
_PRIVATE = ("kind", "etag", "id", "status", "start", "end", "visibility", *_RECURRING)
_LIMITED_ROLES = ("freeBusyReader", "reader", "writerWithoutPrivateAccess")


def redacted(res: Dict[str, Any], role: str) -> Optional[tuple]:
    """The keys a user with `role` may see of `res`, or None when all of them."""
    if res.get("status") == "cancelled" and res.get("recurringEventId"):
        return _CANCELLED_INSTANCE
    if role == "freeBusyReader":
        return _FREEBUSY
    if role in _LIMITED_ROLES and res.get("visibility") in ("private", "confidential"):
        return _PRIVATE
    return None


def _convert(value: Dict[str, Any], zone: ZoneInfo) -> Dict[str, Any]:
    if "dateTime" not in value:
        return value
    out = dict(value)
    out["dateTime"] = format_datetime(parse_rfc3339(value["dateTime"]), zone)
    return out


def _trim_attendees(res: Dict[str, Any], limit: int) -> Dict[str, Any]:
    """Over `limit` attendees, "only the participant is returned" (the self attendee)."""
    attendees = res.get("attendees")
    if not attendees or len(attendees) <= limit:
        return res
    out = dict(res)
    own = [a for a in attendees if a.get("self")]
    if own:
        out["attendees"] = own
    else:
        del out["attendees"]
    out["attendeesOmitted"] = True
    return out


def render_event(
    res: Dict[str, Any],
    role: str,
    cal_zone: ZoneInfo,
    out_zone: Optional[ZoneInfo] = None,
    max_attendees: Optional[int] = None,
) -> Dict[str, Any]:
    """Everything the client gets for one event. `res` is never modified."""
    keys = redacted(res, role)
    if keys is not None:
        res = {k: res[k] for k in keys if k in res}
    if out_zone is not None and out_zone is not cal_zone and out_zone.key != cal_zone.key:
        res = dict(res)
        for key in ("start", "end", "originalStartTime"):
            if key in res:
                res[key] = _convert(res[key], out_zone)
    if max_attendees is not None and "attendees" in res:
        res = _trim_attendees(res, max_attendees)
    return res


def haystack(res: Dict[str, Any], role: str) -> str:
    """Lowercased text `q` searches: the fields Google documents, as the reader sees them."""
    if redacted(res, role) is not None:
        return ""
    parts = [res.get("summary", ""), res.get("description", ""), res.get("location", "")]
    for a in res.get("attendees", []):
        parts += [a.get("displayName", ""), a.get("email", "")]
    org = res.get("organizer") or {}
    parts += [org.get("displayName", ""), org.get("email", "")]
    wl = res.get("workingLocationProperties") or {}
    office = wl.get("officeLocation") or {}
    parts += [office.get("buildingId", ""), office.get("deskId", ""), office.get("label", "")]
    parts.append((wl.get("customLocation") or {}).get("label", ""))
    kind = res.get("eventType")
    if kind == "outOfOffice":
        parts.append("out of office")
    elif kind == "focusTime":
        parts.append("focus time")
    elif kind == "workingLocation":
        if "homeOffice" in wl:
            parts.append("home")
        if "officeLocation" in wl:
            parts.append("office")
    return "\n".join(p for p in parts if p).casefold()


def now_stamp() -> datetime:
    from gcal.emulator.clock import now

    return now()
