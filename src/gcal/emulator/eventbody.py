"""What the emulated server makes of an event write's body: server-owned keys dropped
(`clean`), times checked and normalised (`check_times`), attendees marked (`mark_attendees`),
Meet links made (`apply_conference`), the organizer's shared properties kept on a guest's copy
(`keep_shared`), a patch merged (`merge`, `merge_attendees`), the keys put in Google's order
(`in_order`), and whether the times changed (`time_changed`, for `sequence`).

Separate from the write methods (`gcal.emulator.writes`) because these rules are the event
resource's, the same for insert, patch, update and import; the methods say which apply when.
"""

from __future__ import annotations

import copy
import hashlib
import re
from datetime import datetime
from typing import Any, Dict, List, Optional

from gcal.emulator import recurrence
from gcal.emulator.errors import ApiError, bad_request, invalid
from gcal.emulator.store import Calendar
from gcal.emulator.timeutil import format_datetime, get_zone, parse_date, parse_rfc3339

_NAIVE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$")
#: never taken from a request body: the server owns these
_SERVER_KEYS = (
    "kind",
    "etag",
    "htmlLink",
    "created",
    "updated",
    "creator",
    "hangoutLink",
    "attendeesOmitted",
)
_TIME_KEYS = ("start", "end", "recurrence")
#: the properties only the organizer may set, with their defaults (the discovery document's)
_SHARED = {"guestsCanInviteOthers": True, "guestsCanModify": False, "guestsCanSeeOtherGuests": True}


def time_value(value: Any, name: str) -> Dict[str, Any]:
    """An EventDateTime as sent, checked; a dateTime without offset is read in its
    `timeZone` (400 without one)."""
    if not isinstance(value, dict):
        raise bad_request(f"Invalid {name} time.")
    out = {k: v for k, v in value.items() if v is not None}
    zone_name = out.get("timeZone")
    if zone_name is not None and get_zone(zone_name) is None:
        raise invalid(name, f"Invalid time zone definition for {name} time.")
    if "dateTime" in out:
        text = out["dateTime"]
        if not isinstance(text, str):
            raise bad_request(f"Invalid {name} time.")
        out.pop("date", None)
        if _NAIVE.match(text):
            zone = get_zone(zone_name)
            if zone is None:
                raise ApiError(400, "required", f"Missing time zone definition for {name} time.")
            moment = datetime.fromisoformat(text).replace(tzinfo=zone)
        else:
            try:
                moment = parse_rfc3339(text)
            except ValueError:
                raise bad_request(f"Invalid {name} time.") from None
        out["dateTime"] = format_datetime(moment)
    elif "date" in out:
        try:
            parse_date(out["date"])
        except (TypeError, ValueError):
            raise bad_request(f"Invalid {name} time.") from None
    else:
        raise ApiError(400, "required", f"Missing {name} time.")
    return out


def check_times(res: Dict[str, Any], cal: Calendar) -> None:
    """Start and end present, of the same kind, in order; recurrence needs a zone."""
    if res.get("status") == "cancelled" and "start" not in res:
        return
    if "start" not in res:
        raise ApiError(400, "required", "Missing start time.")
    if "end" not in res:
        raise ApiError(400, "required", "Missing end time.")
    res["start"] = time_value(res["start"], "start")
    res["end"] = time_value(res["end"], "end")
    if ("date" in res["start"]) != ("date" in res["end"]):
        raise bad_request("Start and end times must either both be date or both be dateTime.")
    if "date" in res["start"]:
        lo = parse_date(res["start"]["date"])
        hi = parse_date(res["end"]["date"])
        empty = hi <= lo
    else:
        empty = parse_rfc3339(res["end"]["dateTime"]) < parse_rfc3339(res["start"]["dateTime"])
    if empty:
        raise ApiError(400, "timeRangeEmpty", "The specified time range is empty.")
    rec = res.get("recurrence")
    if rec is not None:
        if not isinstance(rec, list) or not all(isinstance(x, str) for x in rec):
            raise bad_request("Invalid recurrence rule.")
        if res.get("recurringEventId"):
            raise bad_request("Invalid recurrence rule.")
        if rec and "dateTime" in res["start"] and not res["start"].get("timeZone"):
            raise ApiError(400, "required", "Missing time zone definition for start time.")
        if rec:
            try:
                recurrence.build_ruleset(res, cal.zone)
            except (ValueError, TypeError, KeyError):
                raise bad_request("Invalid recurrence rule.") from None
        else:
            del res["recurrence"]


def mark_attendees(res: Dict[str, Any], user_email: str) -> None:
    """Each attendee with a responseStatus (needsAction when none), `self` and `organizer`
    marked."""
    attendees = res.get("attendees")
    if attendees is None:
        return
    if not isinstance(attendees, list):
        raise bad_request("Invalid attendees.")
    org = (res.get("organizer") or {}).get("email")
    me = user_email.lower()
    out = []
    for a in attendees:
        if not isinstance(a, dict) or not a.get("email"):
            raise ApiError(400, "required", "Missing attendee email.")
        a = {k: v for k, v in a.items() if v is not None}
        a.setdefault("responseStatus", "needsAction")
        if a["email"].lower() == me:
            a["self"] = True
        if org and a["email"].lower() == org.lower():
            a["organizer"] = True
        out.append(a)
    res["attendees"] = out


def apply_conference(
    res: Dict[str, Any], sent: Dict[str, Any], version: int, old: Optional[Dict[str, Any]]
) -> None:
    """Apply conferenceDataVersion: 0 keeps what was stored; 1 honours a createRequest."""
    if "conferenceData" not in sent:
        return
    if version < 1:
        if old is not None and "conferenceData" in old:
            res["conferenceData"] = old["conferenceData"]
        else:
            res.pop("conferenceData", None)
        return
    data = sent.get("conferenceData")
    if data is None:
        res.pop("conferenceData", None)
        res.pop("hangoutLink", None)
        return
    create = data.get("createRequest") if isinstance(data, dict) else None
    if not create:
        return
    key = (create.get("conferenceSolutionKey") or {}).get("type", "hangoutsMeet")
    if key != "hangoutsMeet":
        raise invalid("conferenceData", "Invalid conference type value.")
    seed = f"{res.get('id')}/{create.get('requestId')}".encode()
    letters = "".join(chr(ord("a") + b % 26) for b in hashlib.sha256(seed).digest()[:10])
    meet_id = f"{letters[:3]}-{letters[3:7]}-{letters[7:10]}"
    uri = f"https://meet.google.com/{meet_id}"
    res["hangoutLink"] = uri
    res["conferenceData"] = {
        "createRequest": {
            "requestId": create.get("requestId", ""),
            "conferenceSolutionKey": {"type": "hangoutsMeet"},
            "status": {"statusCode": "success"},
        },
        "entryPoints": [{"entryPointType": "video", "uri": uri, "label": uri[len("https://") :]}],
        "conferenceSolution": {
            "key": {"type": "hangoutsMeet"},
            "name": "Google Meet",
            "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/"
            "web-512dp/logo_meet_2020q4_color_2x_web_512dp.png",
        },
        "conferenceId": meet_id,
    }


def clean(body: Dict[str, Any]) -> Dict[str, Any]:
    """The body without the keys the server owns, private ones or nulls."""
    return {
        k: copy.deepcopy(v)
        for k, v in body.items()
        if k not in _SERVER_KEYS and not k.startswith("_") and v is not None
    }


_ORDER = (
    "kind",
    "etag",
    "id",
    "status",
    "htmlLink",
    "created",
    "updated",
    "summary",
    "description",
    "location",
    "colorId",
    "creator",
    "organizer",
    "start",
    "end",
    "endTimeUnspecified",
    "recurrence",
    "recurringEventId",
    "originalStartTime",
    "transparency",
    "visibility",
    "iCalUID",
    "sequence",
    "attendees",
)


def in_order(res: Dict[str, Any]) -> Dict[str, Any]:
    """The resource's keys in the order Google answers them (the rest after, as they came)."""
    out = {k: res[k] for k in _ORDER if k in res}
    out.update((k, v) for k, v in res.items() if k not in out)
    return out


def time_changed(old: Dict[str, Any], new: Dict[str, Any], cal: Calendar) -> bool:
    """Whether start, end or recurrence differ (instants compared, not their spelling)."""

    def norm(res: Dict[str, Any], key: str) -> Any:
        value = res.get(key)
        if key != "recurrence" and isinstance(value, dict) and "dateTime" in value:
            return (parse_rfc3339(value["dateTime"]).timestamp(), value.get("timeZone"))
        return value

    return any(norm(old, k) != norm(new, k) for k in _TIME_KEYS)


def merge(target: Dict[str, Any], patch: Dict[str, Any]) -> None:
    """Patch semantics: objects merge field by field, arrays and times are replaced, null
    clears a field, server-owned fields are ignored."""
    for key, value in patch.items():
        if key in _SERVER_KEYS or key.startswith("_"):
            continue
        if value is None:
            target.pop(key, None)
        elif key in ("start", "end", "originalStartTime"):
            target[key] = copy.deepcopy(value)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def merge_attendees(stored: List[Dict[str, Any]], body: Dict[str, Any]) -> List[Dict[str, Any]]:
    """attendeesOmitted: each attendee sent replaces (merges into) the stored one with the same
    email; the others stay byte for byte; an unknown email is added."""
    out = [copy.deepcopy(a) for a in stored]
    index = {str(a.get("email", "")).lower(): n for n, a in enumerate(out)}
    for sent in body.get("attendees") or []:
        if not isinstance(sent, dict) or not sent.get("email"):
            raise ApiError(400, "required", "Missing attendee email.")
        n = index.get(sent["email"].lower())
        if n is None:
            out.append(copy.deepcopy(sent))
        else:
            for k, v in sent.items():
                if v is None:
                    out[n].pop(k, None)
                else:
                    out[n][k] = copy.deepcopy(v)
    return out


def organizers_copy(cal: Calendar, res: Dict[str, Any]) -> bool:
    """Whether `res` on `cal` is the organizer's copy (no organizer named: the calendar's own)."""
    org = res.get("organizer")
    if not isinstance(org, dict) or not org:
        return True
    return org.get("self") is True or str(org.get("email", "")).lower() == cal.id.lower()


def keep_shared(old: Dict[str, Any], body: Dict[str, Any], new: Dict[str, Any]) -> None:
    """A copy that is not the organizer's: a shared property sent must match what the event
    has (else 403 forbiddenForNonOrganizer); the event keeps its own values."""
    for key, default in _SHARED.items():
        current = old.get(key)
        current = default if current is None else current
        if key in body:
            sent = default if body[key] is None else body[key]
            if sent != current:
                raise ApiError(
                    403,
                    "forbiddenForNonOrganizer",
                    "Shared properties can only be changed by the organizer of the event.",
                    domain="calendar",
                )
        if key in old:
            new[key] = copy.deepcopy(old[key])
        else:
            new.pop(key, None)
