"""iCalendar (RFC 5545) files as bodies for events.import: pure mapping, no I/O.

The reverse of `gcal.core.icsevent`, so that `gcal export` then `gcal import` gives back the same
events. One VEVENT becomes one Event body:

==========================  ================================================================
iCalendar                   API
==========================  ================================================================
UID                         iCalUID (a VEVENT without UID gets one made from its content, so
                            importing the same file again finds the same event)
DTSTART / DTEND / DURATION  start / end: ``date`` for VALUE=DATE (DTEND exclusive, a day when
                            missing); ``dateTime`` with the offset and ``timeZone`` (the TZID
                            when it names an IANA zone, also as a Windows zone name or after a
                            vendor prefix, if the VTIMEZONE agrees; another VTIMEZONE gives
                            the offsets only; floating times are read in the default zone)
RECURRENCE-ID               originalStartTime (an override of one occurrence of the series
                            with the same UID)
RRULE, EXRULE, RDATE,       recurrence lines (dates given in a non-IANA zone in UTC)
EXDATE
SUMMARY, DESCRIPTION,       summary, description, location
LOCATION
STATUS, TRANSP, CLASS       status, transparency, visibility
ORGANIZER, ATTENDEE         organizer, attendees (CN, PARTSTAT, ROLE=OPT-PARTICIPANT, RSVP)
SEQUENCE                    sequence
X-GOOGLE-COLOR-ID           colorId
VALARM (DISPLAY/EMAIL with  reminders overrides (popup/email, minutes before the start)
a relative TRIGGER)
==========================  ================================================================

`bodies()` orders series and single events before the overrides of occurrences, so the server
knows a series before its exceptions arrive. `fingerprint()` is a stable digest of a body: gcal
stores it with the event to see, on the next import, that nothing changed.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
from typing import Any, Dict, List, Optional

__all__ = ["IcsError", "bodies", "fingerprint"]

UTC = datetime.timezone.utc
_STATUS = {"CONFIRMED": "confirmed", "TENTATIVE": "tentative", "CANCELLED": "cancelled"}
_CLASS = {"PUBLIC": "public", "PRIVATE": "private", "CONFIDENTIAL": "confidential"}
_PARTSTAT = {
    "NEEDS-ACTION": "needsAction",
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentative",
}
#: the private extended property holding `fingerprint()` of what was imported
FINGERPRINT_KEY = "gcalImport"


class IcsError(ValueError):
    """The data is not an iCalendar file gcal can read (the message says why)."""


def _zone_key(tz: Any, near: Optional[datetime.datetime] = None) -> Optional[str]:
    """The IANA name of a datetime's zone: its own key, or, for a zone a VTIMEZONE described,
    the IANA zone its TZID names (directly, as a Windows zone name, or after a vendor prefix
    `/vendor/Area/City`) when that zone has the same offsets around `near`."""
    key = getattr(tz, "key", None) or getattr(tz, "zone", None)  # zoneinfo, pytz
    if isinstance(key, str) and key and _iana(key) is not None:
        return key
    if tz is UTC or str(tz) in ("UTC", "UTC+00:00", "Etc/UTC", "Z"):
        return "UTC"
    name = getattr(tz, "_tzid", None) or getattr(tz, "_name", None)
    if not isinstance(name, str) or not name.strip():
        return None
    name = name.strip().strip('"')
    candidates = [name]
    try:
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

        if name in WINDOWS_TO_OLSON:
            candidates.append(WINDOWS_TO_OLSON[name])
    except ImportError:  # an icalendar without the table
        pass
    parts = name.strip("/").split("/")
    candidates += ["/".join(parts[k:]) for k in range(1, len(parts))]
    base = (near or datetime.datetime(2024, 1, 1)).replace(tzinfo=None)
    probes = [base + datetime.timedelta(days=d) for d in (0, 91, 182, 273)]
    for candidate in candidates:
        zone = _iana(candidate)
        if zone is None:
            continue
        try:
            if all(zone.utcoffset(p) == tz.utcoffset(p) for p in probes):
                return candidate
        except Exception:
            continue
    return None


def _iana(name: str) -> Any:
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except Exception:
        return None


def _stamp(value: datetime.datetime) -> str:
    """The API's dateTime: an offset with seconds (a zone's local mean time, Berlin before
    1893) has no RFC 3339 form, so such a time goes as the same instant in UTC."""
    offset = value.utcoffset()
    if offset is not None and offset % datetime.timedelta(minutes=1):
        from gcal.core.rfc3339 import to_rfc3339

        return to_rfc3339(value)
    return value.isoformat()


def _when(value: Any, default_zone: Optional[str]) -> Dict[str, Any]:
    """An EventDateTime for a date or datetime value of the file."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            name = default_zone or "UTC"
            from zoneinfo import ZoneInfo

            value = value.replace(tzinfo=ZoneInfo(name))
            return {"dateTime": _stamp(value), "timeZone": name}
        key = _zone_key(value.tzinfo, value)
        out: Dict[str, Any] = {"dateTime": _stamp(value)}
        if key:
            out["timeZone"] = key
        return out
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    raise IcsError(f"not a date or time: {value!r}")


def _text(component: Any, name: str) -> Optional[str]:
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    text = str(value)
    return text if text != "" else None


def _address(value: Any) -> Optional[Dict[str, Any]]:
    text = str(value)
    email = text[7:] if text.lower().startswith("mailto:") else text
    if not email or "@" not in email:
        return None
    who: Dict[str, Any] = {"email": email}
    params = getattr(value, "params", {}) or {}
    name = params.get("CN")
    if name:
        who["displayName"] = str(name)
    return who


def _recurrence(component: Any, default_zone: Optional[str], all_day: bool) -> List[str]:
    """The API's recurrence lines for a master's RRULE/EXRULE/RDATE/EXDATE."""
    lines: List[str] = []
    for name in ("RRULE", "EXRULE"):
        values = component.get(name)
        if values is None:
            continue
        for value in values if isinstance(values, list) else [values]:
            lines.append(f"{name}:{value.to_ical().decode('utf-8')}")
    for name in ("RDATE", "EXDATE"):
        values = component.get(name)
        if values is None:
            continue
        for value in values if isinstance(values, list) else [values]:
            dts = [getattr(d, "dt", d) for d in getattr(value, "dts", [])]
            lines.extend(_date_line(name, dts, default_zone, all_day))
    return lines


def _date_line(name: str, dts: List[Any], default_zone: Optional[str], all_day: bool) -> List[str]:
    out: List[str] = []
    groups: Dict[str, List[str]] = {}
    for dt in dts:
        if isinstance(dt, tuple):  # a PERIOD: its start is the occurrence
            dt = dt[0]
        if isinstance(dt, datetime.datetime):
            if all_day:
                groups.setdefault(";VALUE=DATE", []).append(dt.strftime("%Y%m%d"))
                continue
            if dt.tzinfo is None or dt.utcoffset() is None:
                key = default_zone
                if key:
                    groups.setdefault(f";TZID={key}", []).append(dt.strftime("%Y%m%dT%H%M%S"))
                else:
                    groups.setdefault("", []).append(dt.strftime("%Y%m%dT%H%M%SZ"))
                continue
            key = _zone_key(dt.tzinfo, dt)
            if key and key != "UTC":
                groups.setdefault(f";TZID={key}", []).append(dt.strftime("%Y%m%dT%H%M%S"))
            else:
                groups.setdefault("", []).append(dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
        elif isinstance(dt, datetime.date):
            groups.setdefault(";VALUE=DATE", []).append(dt.strftime("%Y%m%d"))
    for params, values in groups.items():
        out.append(f"{name}{params}:{','.join(values)}")
    return out


def _reminders(component: Any) -> Optional[Dict[str, Any]]:
    overrides = []
    for alarm in component.walk("VALARM"):
        trigger = alarm.get("TRIGGER")
        delta = getattr(trigger, "dt", None)
        if not isinstance(delta, datetime.timedelta):
            continue
        related = str((getattr(trigger, "params", {}) or {}).get("RELATED", "START")).upper()
        if related != "START" or delta > datetime.timedelta(0):
            continue
        minutes = int(-delta.total_seconds() // 60)
        action = str(alarm.get("ACTION", "DISPLAY")).upper()
        method = "email" if action == "EMAIL" else "popup"
        entry = {"method": method, "minutes": min(minutes, 40320)}
        if entry not in overrides:
            overrides.append(entry)
    if not overrides:
        return None
    overrides.sort(key=lambda r: (r["minutes"], r["method"]))
    return {"useDefault": False, "overrides": overrides[:5]}


def _name(component: Any) -> str:
    """An event named in an error: its UID and its title, quoted on one line."""
    from gcal.core.sanitize import one_line

    uid = one_line(_text(component, "UID") or "")[:60]
    title = one_line(_text(component, "SUMMARY") or "")[:40]
    name = f"event '{uid}'" if uid else "an event without UID"
    return name + (f" ('{title}')" if title else "")


def _check(component: Any, start_dt: Any, end_dt: Any) -> None:
    """IcsError for an event no calendar would take: one that ends before it starts, or an
    RRULE that does not read."""
    try:
        backwards = end_dt < start_dt
    except TypeError:  # a floating time against one with a zone: not comparable here
        backwards = False
    if backwards:
        raise IcsError(f"{_name(component)} ends before it starts (DTEND before DTSTART)")
    from gcal.core.repeatrule import rule_problem

    rules = component.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        text = rule.to_ical().decode("utf-8", "replace") if hasattr(rule, "to_ical") else rule
        why = rule_problem(str(text))
        if why is not None:
            raise IcsError(f"{_name(component)}: its RRULE does not read ({why[:80]})")


def _body(component: Any, default_zone: Optional[str]) -> Optional[Dict[str, Any]]:
    start = component.get("DTSTART")
    if start is None:
        if str(component.get("STATUS", "")).upper() == "CANCELLED":
            return None  # a deleted occurrence may carry only its RECURRENCE-ID
        raise IcsError(f"{_name(component)} has no start (DTSTART)")
    start_dt = start.dt
    all_day = not isinstance(start_dt, datetime.datetime)
    body: Dict[str, Any] = {}
    uid = _text(component, "UID")
    body["iCalUID"] = uid or _made_uid(component)
    body["start"] = _when(start_dt, default_zone)
    end = component.get("DTEND")
    if end is not None:
        end_dt = end.dt
    elif component.get("DURATION") is not None:
        end_dt = start_dt + component.get("DURATION").dt
    else:
        end_dt = start_dt + datetime.timedelta(days=1) if all_day else start_dt
    if all_day and isinstance(end_dt, datetime.datetime):
        end_dt = end_dt.date()
    if not all_day and not isinstance(end_dt, datetime.datetime):
        end_dt = start_dt
    _check(component, start_dt, end_dt)
    if all_day and end_dt == start_dt:  # DTEND on the start day: that one day
        end_dt = start_dt + datetime.timedelta(days=1)
    body["end"] = _when(end_dt, default_zone)
    if (
        "timeZone" in body["start"]
        and "timeZone" not in body["end"]
        and isinstance(end_dt, datetime.datetime)
    ):
        body["end"]["timeZone"] = body["start"]["timeZone"]
    rid = component.get("RECURRENCE-ID")
    if rid is not None:
        body["originalStartTime"] = _when(rid.dt, default_zone)
    else:
        rec = _recurrence(component, default_zone, all_day)
        if rec:
            body["recurrence"] = rec
            if "dateTime" in body["start"] and "timeZone" not in body["start"]:
                body["start"]["timeZone"] = default_zone or "UTC"
                body["end"].setdefault("timeZone", body["start"]["timeZone"])
    for name, key in (("SUMMARY", "summary"), ("DESCRIPTION", "description")):
        text = _text(component, name)
        if text is not None:
            body[key] = text
    location = _text(component, "LOCATION")
    if location is not None:
        body["location"] = location
    status = _STATUS.get(str(component.get("STATUS", "")).upper())
    if status:
        body["status"] = status
    if str(component.get("TRANSP", "")).upper() == "TRANSPARENT":
        body["transparency"] = "transparent"
    visibility = _CLASS.get(str(component.get("CLASS", "")).upper())
    if visibility:
        body["visibility"] = visibility
    seq = component.get("SEQUENCE")
    if seq is not None:
        with contextlib.suppress(TypeError, ValueError):
            body["sequence"] = max(0, int(seq))
    color = _text(component, "X-GOOGLE-COLOR-ID")
    if color and color.isdigit() and 1 <= int(color) <= 11:
        body["colorId"] = color
    organizer = component.get("ORGANIZER")
    if organizer is not None:
        who = _address(organizer)
        if who:
            body["organizer"] = who
    attendees = component.get("ATTENDEE")
    if attendees is not None:
        people = []
        for value in attendees if isinstance(attendees, list) else [attendees]:
            who = _address(value)
            if who is None:
                continue
            params = getattr(value, "params", {}) or {}
            who["responseStatus"] = _PARTSTAT.get(
                str(params.get("PARTSTAT", "NEEDS-ACTION")).upper(), "needsAction"
            )
            if str(params.get("ROLE", "")).upper() == "OPT-PARTICIPANT":
                who["optional"] = True
            if str(params.get("CUTYPE", "")).upper() == "RESOURCE":
                who["resource"] = True
            people.append(who)
        if people:
            body["attendees"] = people
    reminders = _reminders(component)
    if reminders is not None:
        body["reminders"] = reminders
    return body


def _made_uid(component: Any) -> str:
    digest = hashlib.sha1(component.to_ical()).hexdigest()[:24]
    return f"{digest}@gcal-import"


def bodies(data: bytes, default_zone: Optional[str] = None) -> List[Dict[str, Any]]:
    """Every VEVENT of `data` as an events.import body: series and single events first (in
    file order), then overrides of single occurrences. Raises IcsError for data that is not
    iCalendar."""
    from icalendar import Calendar

    if not data.strip():
        raise IcsError("the file is empty")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if head != b"BEGIN:VCALENDAR":
        from gcal.core.sanitize import one_line

        text = data.lstrip()[:40].decode("utf-8", "replace").splitlines()[0]
        if "\ufffd" in text or not text.replace("\t", " ").isprintable():
            raise IcsError("not an iCalendar file (binary data, not BEGIN:VCALENDAR)")
        raise IcsError(f"not an iCalendar file (it begins '{one_line(text)}', not BEGIN:VCALENDAR)")
    lines = [line.strip().upper() for line in data.splitlines()]
    begun, ended = lines.count(b"BEGIN:VEVENT"), lines.count(b"END:VEVENT")
    if begun != ended or b"END:VCALENDAR" not in lines:
        raise IcsError(
            "the file is cut short or damaged "
            f"({begun} BEGIN:VEVENT, {ended} END:VEVENT"
            + ("" if b"END:VCALENDAR" in lines else ", no END:VCALENDAR")
            + ")"
        )
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except Exception as exc:
        raise IcsError(f"not an iCalendar file ({_short(exc)})") from None
    masters: List[Dict[str, Any]] = []
    overrides: List[Dict[str, Any]] = []
    for cal in calendars:
        if getattr(cal, "name", "") != "VCALENDAR":
            raise IcsError("not an iCalendar file (no VCALENDAR)")
        for component in cal.walk("VEVENT"):
            try:
                body = _body(component, default_zone)
            except IcsError:
                raise
            except Exception as exc:
                uid = _text(component, "UID") or "?"
                raise IcsError(f"event {uid}: {_short(exc)}") from None
            if body is None:
                continue
            (overrides if "originalStartTime" in body else masters).append(body)
    return masters + overrides


def _short(exc: Exception) -> str:
    from gcal.core.sanitize import one_line

    text = " ".join(one_line(str(exc)).split())
    return (text[:77] + "...") if len(text) > 80 else (text or type(exc).__name__)


def fingerprint(body: Dict[str, Any]) -> str:
    """A short stable digest of an import body (without the fingerprint itself)."""
    clean = dict(body)
    ext = clean.get("extendedProperties")
    if isinstance(ext, dict):
        private = dict(ext.get("private") or {})
        private.pop(FINGERPRINT_KEY, None)
        rest = {k: v for k, v in ext.items() if k != "private"}
        if private:
            rest["private"] = private
        if rest:
            clean["extendedProperties"] = rest
        else:
            del clean["extendedProperties"]
    text = json.dumps(clean, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def with_fingerprint(body: Dict[str, Any]) -> Dict[str, Any]:
    """`body` with its fingerprint in a private extended property."""
    out = dict(body)
    mark = fingerprint(body)
    ext = dict(out.get("extendedProperties") or {})
    private = dict(ext.get("private") or {})
    private[FINGERPRINT_KEY] = mark
    ext["private"] = private
    out["extendedProperties"] = ext
    return out


def stored_fingerprint(event: Dict[str, Any]) -> Optional[str]:
    ext = event.get("extendedProperties")
    if not isinstance(ext, dict):
        return None
    private = ext.get("private")
    if not isinstance(private, dict):
        return None
    value = private.get(FINGERPRINT_KEY)
    return value if isinstance(value, str) else None


def key(body: Dict[str, Any]) -> tuple:
    """What identifies an imported event in a calendar: its iCalUID, and for an override the
    instant (or date) of the occurrence it replaces."""
    orig = body.get("originalStartTime")
    if not isinstance(orig, dict):
        return (body.get("iCalUID"), None)
    if orig.get("dateTime"):
        from gcal.core.timespec import parse_rfc3339

        moment = parse_rfc3339(orig["dateTime"])
        return (body.get("iCalUID"), moment.timestamp() if moment is not None else None)
    return (body.get("iCalUID"), orig.get("date"))
