"""What the write commands send, as pure functions: event ids and the bodies of `gcal add`,
`gcal edit` and `gcal rsvp`.

Nothing here talks to the API or reads the clock: the commands pass in the event as read, the
parsed times, the zone and `now`, and get back the request bodies to send. That makes every rule
of the write commands testable on its own:

* `new_event_id`: a client-made id in base32hex (the API allows the letters a-v and digits
  0-9, 5 to 1024 characters), so a retried insert names the same event and cannot duplicate it.
* `insert_body`: the body of events.insert for `gcal add` (times with an IANA `timeZone`, so a
  repeating 09:00 stays 09:00 across DST; the rule from --repeat/--until/--count).
* `patch_body`: only what `gcal edit` named, computed against the event as read (keeping its
  length when only the start moves; attendee lists edited, never rebuilt from scratch).
* `rsvp_body`: my own attendee entry only, in the `attendeesOmitted` form.

The option values are read in `gcal.core.writevalues`, the rules made in
`gcal.core.repeatrule`; `--following` is planned in `gcal.core.seriessplit`, undo in
`gcal.core.undoplan`.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
from typing import Any, Dict, List, Optional, Sequence, Tuple

from gcal.core.repeatrule import recurrence_rule
from gcal.core.rfc3339 import to_rfc3339
from gcal.core.writevalues import parse_duration, parse_guests
from gcal.errors import UsageError

__all__ = [
    "Changes",
    "insert_body",
    "new_event_id",
    "parse_duration",
    "parse_guests",  # read from here by the MCP tools, with `Changes`
    "patch_body",
    "rsvp_body",
]

Event = Dict[str, Any]

BASE32HEX = "0123456789abcdefghijklmnopqrstuv"


def new_event_id(random_bytes: bytes) -> str:
    """A client-made event id: the bytes in base32hex (lowercase, no padding), 26 characters
    for 16 bytes: only the characters the API accepts in an id (a-v, 0-9)."""
    if len(random_bytes) < 4:
        raise ValueError("an event id needs at least 4 random bytes")
    number = int.from_bytes(random_bytes, "big")
    length = (len(random_bytes) * 8 + 4) // 5
    chars = []
    for _ in range(length):
        chars.append(BASE32HEX[number & 31])
        number >>= 5
    return "".join(reversed(chars))


def is_valid_event_id(text: str) -> bool:
    return 5 <= len(text) <= 1024 and all(c in BASE32HEX for c in text)


def zone_name(zone: datetime.tzinfo) -> Optional[str]:
    """The IANA name of a zone, when it has one."""
    key = getattr(zone, "key", None)
    if isinstance(key, str) and key and not key.startswith("/") and key != "localtime":
        return key
    if zone is datetime.timezone.utc:
        return "UTC"
    return None


def when_body(dt: datetime.datetime, zone: datetime.tzinfo, *, all_day: bool) -> Dict[str, str]:
    """An EventDateTime: `{"date"}` for a whole day, else the wall time in `zone` with its
    offset and the zone's IANA name (UTC when the zone has none)."""
    if all_day:
        return {"date": dt.date().isoformat()}
    name = zone_name(zone)
    if name is None:
        zone, name = datetime.timezone.utc, "UTC"
    local = dt.astimezone(zone).replace(microsecond=0)
    offset = local.utcoffset()
    if offset is not None and offset % datetime.timedelta(minutes=1):
        # a historic local mean time (Berlin before 1893: +00:53:28) has no RFC 3339 offset:
        # the same instant in UTC, the zone's name still says how to read it
        return {"dateTime": to_rfc3339(local), "timeZone": name}
    return {"dateTime": local.isoformat(), "timeZone": name}


def _localize(naive: datetime.datetime, zone: datetime.tzinfo) -> datetime.datetime:
    return naive.replace(tzinfo=zone)


# --------------------------------------------------------------------------------------------
# What the user asked for


@dataclasses.dataclass
class Changes:
    """The options of `gcal add` (all given) or `gcal edit` (None: not named)."""

    summary: Optional[str] = None
    start: Optional[datetime.datetime] = None
    #: the day --start named when it gave no time of day (`tomorrow`, `fri`, `dec 25`)
    start_day: Optional[datetime.date] = None
    end: Optional[datetime.datetime] = None
    #: the day --end named when it gave no time of day (`dec 26`), and the time of day when it
    #: gave nothing else (`10am`: on the start's day, or the next one when that is earlier)
    end_day: Optional[datetime.date] = None
    end_clock: Optional[datetime.time] = None
    duration: Optional[datetime.timedelta] = None
    all_day: Optional[bool] = None
    location: Optional[str] = None
    description: Optional[str] = None
    attendees: Optional[List[str]] = None
    add_attendees: Sequence[str] = ()
    remove_attendees: Sequence[str] = ()
    #: the names given with --attendee/--add-attendee ('Bob <bob@example.com>'), by address in
    #: lower case: each new guest's displayName, and a named guest's new one on edit
    guest_names: Dict[str, str] = dataclasses.field(default_factory=dict)
    reminders: Optional[List[Dict[str, Any]]] = None
    no_reminders: bool = False
    repeat: Optional[str] = None
    until: Optional[datetime.date] = None
    count: Optional[int] = None
    meet: bool = False
    free: Optional[bool] = None
    visibility: Optional[str] = None
    color: Optional[str] = None

    def is_empty(self) -> bool:
        """Nothing named (the guests' names go with guests named, so count for nothing alone)."""
        return not any(
            getattr(self, f.name) not in (None, False, ())
            for f in dataclasses.fields(self)
            if f.name != "guest_names"
        )


def _times(
    changes: Changes, zone: datetime.tzinfo, current: Optional[Event] = None
) -> Dict[str, Any]:
    """start/end of the body, from the changes and (for an edit) the event as it is."""
    try:
        return _start_end(changes, zone, current)
    except OverflowError:  # an end (or a zone's offset) past 9999-12-31 or before year 1
        raise UsageError("the event's times fall outside the years 1 to 9999") from None


def _start_end(
    changes: Changes, zone: datetime.tzinfo, current: Optional[Event] = None
) -> Dict[str, Any]:
    all_day = changes.all_day
    no_end = changes.end is None and changes.duration is None
    days_only = no_end or (changes.end_day is not None and changes.duration is None)
    if all_day is None and current is None and changes.start_day is not None and days_only:
        all_day = True  # `add X --start tomorrow` (or `--start dec 25 --end dec 26`): all day
    if all_day is None:
        all_day = bool(current and "date" in (current.get("start") or {}))
    old_start = old_end = None
    if current is not None:
        old_start = _instant((current.get("start") or {}), zone)
        old_end = _instant((current.get("end") or {}), zone)
    start = changes.start
    timed_now = current is not None and "dateTime" in (current.get("start") or {})
    if changes.start_day is not None and timed_now and not all_day and old_start is not None:
        # `edit --start fri` moves a timed event to that day at its own time of day
        clock = old_start.astimezone(zone).time()
        start = datetime.datetime.combine(changes.start_day, clock).replace(tzinfo=zone)
    nothing_named = start is None and changes.end is None and changes.duration is None
    if nothing_named and (changes.all_day is None or current is None):
        return {}
    start = start or old_start
    if start is None:
        raise UsageError("--start is needed")
    if changes.end is not None:
        end = changes.end
        if changes.end_clock is not None and not all_day:
            day = start.astimezone(zone).date()
            end = _localize(datetime.datetime.combine(day, changes.end_clock), zone)
            if end <= start:  # `--start 23:00 --end 1am`: past midnight
                later = day + datetime.timedelta(days=1)
                end = _localize(datetime.datetime.combine(later, changes.end_clock), zone)
        if all_day:
            end = datetime.datetime.combine(
                end.date() + datetime.timedelta(days=1), datetime.time()
            )
            end = end.replace(tzinfo=start.tzinfo)
    elif changes.duration is not None:
        end = start + changes.duration
    elif current is not None and old_start is not None and old_end is not None:
        end = start + (old_end - old_start)  # moving the start keeps the length
        if all_day and "date" not in (current.get("start") or {}):
            end = start + datetime.timedelta(days=1)
    elif all_day:
        end = start + datetime.timedelta(days=1)
    else:
        end = start + datetime.timedelta(hours=1)
    if all_day:
        s_day, e_day = start.date(), end.date()
        if e_day <= s_day:
            e_day = s_day + datetime.timedelta(days=1)
        return {"start": {"date": s_day.isoformat()}, "end": {"date": e_day.isoformat()}}
    if end <= start:
        raise UsageError("the end must be after the start")
    return {
        "start": when_body(start, zone, all_day=False),
        "end": when_body(end, zone, all_day=False),
    }


def _instant(when: Dict[str, Any], zone: datetime.tzinfo) -> Optional[datetime.datetime]:
    if "dateTime" in when:
        text = str(when["dateTime"])
        try:
            dt = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return dt if dt.tzinfo else dt.replace(tzinfo=zone)
    if "date" in when:
        try:
            day = datetime.date.fromisoformat(str(when["date"]))
        except ValueError:
            return None
        return datetime.datetime.combine(day, datetime.time()).replace(tzinfo=zone)
    return None


def _reminders(changes: Changes) -> Optional[Dict[str, Any]]:
    if changes.no_reminders:
        return {"useDefault": False, "overrides": []}
    if changes.reminders is not None:
        return {"useDefault": False, "overrides": list(changes.reminders)}
    return None


def _plain_fields(changes: Changes) -> Dict[str, Any]:
    body: Dict[str, Any] = {}
    if changes.summary is not None:
        body["summary"] = changes.summary
    if changes.location is not None:
        body["location"] = changes.location
    if changes.description is not None:
        body["description"] = changes.description
    if changes.free is not None:
        body["transparency"] = "transparent" if changes.free else "opaque"
    if changes.visibility is not None:
        body["visibility"] = changes.visibility
    if changes.color is not None:
        body["colorId"] = changes.color
    reminders = _reminders(changes)
    if reminders is not None:
        body["reminders"] = reminders
    return body


def meet_request(event_id: str) -> Dict[str, Any]:
    """conferenceData asking for a Google Meet link (needs conferenceDataVersion=1); the
    request id is the event's, so a retried insert asks for the same conference."""
    return {
        "createRequest": {
            "requestId": f"gcal-{event_id}",
            "conferenceSolutionKey": {"type": "hangoutsMeet"},
        }
    }


def _check_until(until: Optional[datetime.date], start: Any, zone: datetime.tzinfo) -> None:
    """A usage error for --until before the first day of the event: a series with no
    occurrence at all."""
    if until is None or not isinstance(start, dict):
        return
    first = _instant(start, zone)
    day = datetime.date.fromisoformat(str(start["date"])) if "date" in start else None
    if day is None and first is not None:
        day = first.astimezone(zone).date()
    if day is not None and until < day:
        raise UsageError(
            f"--until {until.isoformat()} is before the event's first day ({day.isoformat()}): "
            "the series would have no occurrence"
        )


def insert_body(changes: Changes, event_id: str, zone: datetime.tzinfo) -> Event:
    """The body of events.insert for `gcal add`."""
    if changes.start is None:
        raise UsageError("--start is needed")
    if changes.end is not None and changes.duration is not None:
        raise UsageError("--end and --duration cannot be combined")
    body: Event = {"id": event_id}
    if changes.summary is not None:
        body["summary"] = changes.summary
    body.update(_times(changes, zone))
    for key, value in _plain_fields(changes).items():
        if key != "summary":
            body[key] = value
    if changes.attendees:
        body["attendees"] = [_guest(email, changes) for email in changes.attendees]
    if changes.repeat:
        all_day = "date" in body["start"]
        _check_until(changes.until, body["start"], zone)
        body["recurrence"] = recurrence_rule(
            changes.repeat,
            until=changes.until,
            count=changes.count,
            all_day=all_day,
            zone=zone,
        )
    elif changes.until is not None or changes.count is not None:
        raise UsageError("--until and --count need --repeat")
    if changes.meet:
        body["conferenceData"] = meet_request(event_id)
    return body


def _guest(email: str, changes: Changes) -> Dict[str, Any]:
    """A new attendee entry: the address, and the name given with it."""
    name = changes.guest_names.get(email.lower())
    return {"email": email, "displayName": name} if name else {"email": email}


def _edited_attendees(current: Event, changes: Changes) -> Optional[List[Dict[str, Any]]]:
    """The attendee list after --attendee (the whole list), --add-attendee, --remove-attendee;
    entries kept are copied as they were (answers, comments, everything)."""
    if changes.attendees is None and not changes.add_attendees and not changes.remove_attendees:
        return None
    existing = [a for a in current.get("attendees") or [] if isinstance(a, dict)]
    if changes.attendees is not None:
        wanted = {e.lower() for e in changes.attendees}
        kept = [a for a in existing if str(a.get("email", "")).lower() in wanted]
        known = {str(a.get("email", "")).lower() for a in kept}
        result = kept + [_guest(e, changes) for e in changes.attendees if e.lower() not in known]
    else:
        result = list(existing)
    removing = {e.lower() for e in changes.remove_attendees}
    missing = removing - {str(a.get("email", "")).lower() for a in result}
    if missing:
        raise UsageError(f"--remove-attendee: {sorted(missing)[0]} is not a guest of this event")
    result = [a for a in result if str(a.get("email", "")).lower() not in removing]
    known = {str(a.get("email", "")).lower() for a in result}
    for email in changes.add_attendees:
        if email.lower() not in known:
            result.append(_guest(email, changes))
            known.add(email.lower())
    result = [copy.deepcopy(a) for a in result]
    for entry in result:  # a guest named anew keeps the rest of the entry (answer, comment)
        name = changes.guest_names.get(str(entry.get("email", "")).lower())
        if name:
            entry["displayName"] = name
    return result


def patch_body(current: Event, changes: Changes, zone: datetime.tzinfo) -> Event:
    """events.patch's body for `gcal edit`: only what was named, against the event as read."""
    if changes.end is not None and changes.duration is not None:
        raise UsageError("--end and --duration cannot be combined")
    body: Event = _plain_fields(changes)
    body.update(_times(changes, zone, current))
    attendees = _edited_attendees(current, changes)
    if attendees is not None:
        body["attendees"] = attendees
    if changes.repeat:
        if current.get("recurringEventId"):
            raise UsageError("--repeat changes a series: give the series id, not an instance's")
        start = body.get("start") or current.get("start") or {}
        _check_until(changes.until, start, zone)
        body["recurrence"] = recurrence_rule(
            changes.repeat,
            until=changes.until,
            count=changes.count,
            all_day="date" in start,
            zone=zone,
        )
    elif changes.until is not None or changes.count is not None:
        _check_until(changes.until, body.get("start") or current.get("start"), zone)
        body["recurrence"] = _ended_rules(current, changes, zone)
    if changes.meet and not current.get("conferenceData"):
        body["conferenceData"] = meet_request(str(current.get("id", "event")))
    if not body:
        raise UsageError("nothing to change: name at least one option (see 'gcal edit --help')")
    return body


def _ended_rules(current: Event, changes: Changes, zone: datetime.tzinfo) -> List[str]:
    lines = [str(line) for line in current.get("recurrence") or []]
    if not any(line.upper().startswith("RRULE:") for line in lines):
        raise UsageError("--until/--count change a series' end: this event does not repeat")
    all_day = "date" in (current.get("start") or {})
    result = []
    for line in lines:
        if line.upper().startswith("RRULE:"):
            parts = [
                p
                for p in line[6:].split(";")
                if p.split("=", 1)[0].upper() not in ("UNTIL", "COUNT")
            ]
            line = recurrence_rule(
                ";".join(parts),
                until=changes.until,
                count=changes.count,
                all_day=all_day,
                zone=zone,
            )[0]
        result.append(line)
    return result


def rsvp_body(event: Event, status: str, comment: Optional[str]) -> Tuple[Event, Event]:
    """(the patch, my entry as it was) for an answer: only my own attendee entry, with
    `attendeesOmitted`, so no other guest's entry is sent or rewritten. UsageError when I am
    not a guest of the event."""
    mine = None
    for attendee in event.get("attendees") or []:
        if isinstance(attendee, dict) and attendee.get("self") in (True, "true"):
            mine = attendee
            break
    if mine is None:
        raise UsageError(
            "you are not a guest of this event, so there is nothing to answer "
            "(only invitations take an answer)"
        )
    entry = {"email": mine.get("email"), "responseStatus": status}
    if comment is not None:
        entry["comment"] = comment
    elif "comment" in mine:
        entry["comment"] = mine["comment"]
    return {"attendeesOmitted": True, "attendees": [entry]}, copy.deepcopy(mine)
