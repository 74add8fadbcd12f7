"""What the write commands send, as pure functions: event ids, bodies, patches, rules, undo plans.

Nothing here talks to the API or reads the clock: the commands pass in the event as read, the
parsed times, the zone and `now`, and get back the request bodies to send. That makes every rule
of the write commands testable on its own:

* `new_event_id`: a client-made id in base32hex (the API allows the letters a-v and digits
  0-9, 5 to 1024 characters), so a retried insert names the same event and cannot duplicate it.
* `insert_body`: the body of events.insert for `gcal add` (times with an IANA `timeZone`, so a
  repeating 09:00 stays 09:00 across DST; the rule from --repeat/--until/--count).
* `patch_body`: only what `gcal edit` named, computed against the event as read (keeping its
  length when only the start moves; attendee lists edited, never rebuilt from scratch).
* `revert_patch`: the patch that puts the named fields back as they were (what undo sends).
* `rsvp_body`: my own attendee entry only, in the `attendeesOmitted` form.
* `split_series`: `--following` on an instance: the old series ends before it, a new one starts.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from gcal.errors import UsageError

Event = Dict[str, Any]

BASE32HEX = "0123456789abcdefghijklmnopqrstuv"
SEND_UPDATES = ("all", "externalOnly", "none")
REPEATS = ("daily", "weekly", "monthly", "yearly")
VISIBILITIES = ("default", "public", "private", "confidential")
RESPONSES = {
    "yes": "accepted",
    "accepted": "accepted",
    "accept": "accepted",
    "no": "declined",
    "declined": "declined",
    "decline": "declined",
    "maybe": "tentative",
    "tentative": "tentative",
}
#: what the API sets itself; never copied into a new event's body
READ_ONLY_FIELDS = (
    "kind",
    "etag",
    "id",
    "htmlLink",
    "created",
    "updated",
    "creator",
    "organizer",
    "iCalUID",
    "sequence",
    "recurringEventId",
    "originalStartTime",
    "hangoutLink",
    "privateCopy",
    "locked",
    "attendeesOmitted",
)


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


def parse_duration(text: str, what: str = "--duration") -> datetime.timedelta:
    """`45m`, `1h30m`, `2h`, `1d`, `90` (minutes), `1w`: a positive length of time."""
    body = text.strip().lower().replace(" ", "")
    if body.isdigit():
        body += "m"
    units = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
    pairs = re.findall(r"(\d+)([wdhms])", body)
    if not pairs or "".join(n + u for n, u in pairs) != body:
        raise UsageError(f"{what} {text!r} is not a length of time (e.g. 45m, 1h30m, 2h, 1d)")
    seconds = sum(int(n) * units[u] for n, u in pairs)
    if seconds <= 0 or seconds > 366 * 86400 * 10:
        raise UsageError(f"{what} {text!r} must be more than zero and at most ten years")
    return datetime.timedelta(seconds=seconds)


def parse_reminder(text: str) -> Dict[str, Any]:
    """`10m`, `1h`, `2d`, `popup:10m`, `email:1d`: one reminder override (minutes before)."""
    method, _, when = text.strip().partition(":")
    if not when:
        method, when = "popup", method
    method = method.strip().lower()
    if method not in ("popup", "email"):
        raise UsageError(f"--reminder {text!r}: the method must be popup or email")
    delta = parse_duration(when, "--reminder")
    minutes = int(delta.total_seconds() // 60)
    if delta.total_seconds() % 60 or not 0 <= minutes <= 40320:
        raise UsageError(f"--reminder {text!r} must be whole minutes, at most 4 weeks")
    return {"method": method, "minutes": minutes}


def check_email(text: str, what: str = "--attendee") -> str:
    email = text.strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
        raise UsageError(f"{what} {text!r} is not an email address")
    return email


def response_status(text: str) -> str:
    try:
        return RESPONSES[text.strip().lower()]
    except KeyError:
        raise UsageError(
            f"the answer {text!r} is not one of yes, no, maybe (or accepted, declined, tentative)"
        ) from None


# --------------------------------------------------------------------------------------------
# Times and rules


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
    return {"dateTime": local.isoformat(), "timeZone": name}


def utc_stamp(dt: datetime.datetime) -> str:
    return dt.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def rule_problem(rule: str) -> Optional[str]:
    """What makes an RRULE's value (without `RRULE:`) unreadable (a misspelt part or value),
    or None when it reads."""
    from dateutil.rrule import rrulestr

    start = datetime.datetime(2000, 1, 1)
    if re.search(r"UNTIL=[0-9T]+Z", rule, re.I):  # an UNTIL in UTC goes with a start in a zone
        start = start.replace(tzinfo=datetime.timezone.utc)
    try:
        rrulestr(rule, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        return str(exc).replace('"', "'") or type(exc).__name__
    return None


def _check_rule(repeat: str, rule: str) -> None:
    """A usage error for an RRULE that no calendar could read, before anything is sent."""
    why = rule_problem(rule)
    if why is not None:
        raise UsageError(
            f"--repeat {repeat!r} is not an RRULE gcal can read ({why}); e.g. "
            "'FREQ=WEEKLY;BYDAY=MO,WE' or 'FREQ=MONTHLY;BYMONTHDAY=1'"
        )


def recurrence_rule(
    repeat: str,
    *,
    until: Optional[datetime.date] = None,
    count: Optional[int] = None,
    all_day: bool,
    zone: datetime.tzinfo,
) -> List[str]:
    """The `recurrence` lines for --repeat (a frequency word or an RRULE of one's own) with
    --until (the last day that may hold an occurrence) or --count."""
    if until is not None and count is not None:
        raise UsageError("--until and --count cannot be combined")
    if count is not None and count < 1:
        raise UsageError("--count must be at least 1")
    text = repeat.strip()
    if text.lower() in REPEATS:
        rule = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}[
            text.lower()
        ]
        rule = "RRULE:FREQ=" + rule
    else:
        body = text[6:] if text.upper().startswith("RRULE:") else text
        parts = [p for p in body.split(";") if p]
        if not parts or not all(re.fullmatch(r"[A-Za-z-]+=[^;=\s]+", p) for p in parts):
            raise UsageError(
                f"--repeat {repeat!r} is neither daily, weekly, monthly, yearly nor an RRULE "
                "(e.g. 'FREQ=WEEKLY;BYDAY=MO,WE')"
            )
        names = [p.split("=", 1)[0].upper() for p in parts]
        if "FREQ" not in names:
            raise UsageError(f"--repeat {repeat!r}: an RRULE needs FREQ=...")
        if ("UNTIL" in names or "COUNT" in names) and (until is not None or count is not None):
            raise UsageError("--repeat already says when it ends: drop --until/--count")
        rule = "RRULE:" + ";".join(
            p.split("=", 1)[0].upper() + "=" + p.split("=", 1)[1] for p in parts
        )
        _check_rule(repeat, rule[6:])
    if count is not None:
        rule += f";COUNT={count}"
    if until is not None:
        if all_day:
            rule += ";UNTIL=" + until.strftime("%Y%m%d")
        else:
            last = datetime.datetime.combine(until, datetime.time(23, 59, 59))
            rule += ";UNTIL=" + utc_stamp(_localize(last, zone))
    return [rule]


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
        return not (
            any(getattr(self, f.name) not in (None, False, ()) for f in dataclasses.fields(self))
        )


def _times(
    changes: Changes, zone: datetime.tzinfo, current: Optional[Event] = None
) -> Dict[str, Any]:
    """start/end of the body, from the changes and (for an edit) the event as it is."""
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
        body["attendees"] = [{"email": email} for email in changes.attendees]
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
        result = kept + [{"email": e} for e in changes.attendees if e.lower() not in known]
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
            result.append({"email": email})
            known.add(email.lower())
    return [copy.deepcopy(a) for a in result]


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


def revert_patch(before: Event, patch: Event) -> Event:
    """The patch that puts back, field by field, what `patch` changed in `before` (a field the
    event did not have is cleared with null, as events.patch reads it)."""
    revert: Event = {}
    for key in patch:
        if key in ("conferenceData",) and key not in before:
            revert[key] = None
            continue
        revert[key] = copy.deepcopy(before[key]) if key in before else None
    return revert


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


def restore_rsvp_body(old_entry: Event) -> Event:
    entry = {"email": old_entry.get("email"), "responseStatus": old_entry.get("responseStatus")}
    entry["comment"] = old_entry.get("comment", "")
    return {"attendeesOmitted": True, "attendees": [entry]}


def copy_for_insert(event: Event, event_id: str) -> Event:
    """A new event's body made from an existing one (no id, etag, iCalUID, ...)."""
    body = {k: copy.deepcopy(v) for k, v in event.items() if k not in READ_ONLY_FIELDS}
    body.pop("status", None)
    conference = body.get("conferenceData")
    if isinstance(conference, dict) and "createRequest" in conference:
        body.pop("conferenceData")
    body["id"] = event_id
    return body


def restore_body(before: Event) -> Event:
    """The body of events.update that brings a deleted event back as it was (the event as
    gcal read it before deleting it: a live event, or a series' cancelled occurrence)."""
    body = {
        k: copy.deepcopy(v)
        for k, v in before.items()
        if k not in ("etag", "kind", "updated", "created", "htmlLink")
    }
    # a cancelled occurrence of a series stays cancelled; everything else comes back
    body["status"] = before.get("status") or "confirmed"
    return body


# --------------------------------------------------------------------------------------------
# --following: split a series at an instance


def _rule_parts(line: str) -> List[Tuple[str, str]]:
    return [
        (p.split("=", 1)[0].upper(), p.split("=", 1)[1] if "=" in p else "")
        for p in line[6:].split(";")
        if p
    ]


def split_series(
    master: Event,
    instance: Event,
    new_id: str,
    *,
    before_count: int,
) -> Tuple[Event, Event]:
    """(the old series' patch, the new series' insert body) for an edit of `instance` and
    every later one: the old series ends the second before the instance's original start
    (UNTIL), the new one starts at the instance with the series' rules (a COUNT lowered by the
    `before_count` occurrences the old series keeps; EXDATEs before the split dropped)."""
    original = instance.get("originalStartTime") or instance.get("start") or {}
    all_day = "date" in original
    if all_day:
        day = datetime.date.fromisoformat(str(original["date"]))
        until_text = (day - datetime.timedelta(days=1)).strftime("%Y%m%d")
        split_key = day.strftime("%Y%m%d")
    else:
        dt = datetime.datetime.fromisoformat(str(original["dateTime"]).replace("Z", "+00:00"))
        until_text = utc_stamp(dt - datetime.timedelta(seconds=1))
        split_key = utc_stamp(dt)
    old_lines: List[str] = []
    new_lines: List[str] = []
    for line in [str(x) for x in master.get("recurrence") or []]:
        upper = line.upper()
        if upper.startswith("RRULE:"):
            parts = _rule_parts(line)
            kept = [(k, v) for k, v in parts if k not in ("UNTIL", "COUNT")]
            count = next((int(v) for k, v in parts if k == "COUNT" and v.isdigit()), None)
            old_lines.append(
                "RRULE:" + ";".join(f"{k}={v}" for k, v in [*kept, ("UNTIL", until_text)])
            )
            new_parts = list(kept)
            if count is not None:
                new_parts.append(("COUNT", str(max(1, count - before_count))))
            else:
                new_parts.extend((k, v) for k, v in parts if k == "UNTIL")
            new_lines.append("RRULE:" + ";".join(f"{k}={v}" for k, v in new_parts))
        elif upper.startswith(("EXDATE", "RDATE")):
            name, _, values = line.partition(":")
            later = [v for v in values.split(",") if _date_key(v) >= split_key[: len(_date_key(v))]]
            earlier = [v for v in values.split(",") if v not in later]
            if earlier:
                old_lines.append(f"{name}:{','.join(earlier)}")
            if later:
                new_lines.append(f"{name}:{','.join(later)}")
        else:
            old_lines.append(line)
            new_lines.append(line)
    new_body = copy_for_insert(master, new_id)
    # the new series repeats at the occurrence's own slot, even when that occurrence was moved
    # (its move is carried over as an exception, see `carried_exceptions`)
    start, end = _slot(master, original)
    new_body["start"] = start or copy.deepcopy(instance.get("start") or master.get("start"))
    new_body["end"] = end or copy.deepcopy(instance.get("end") or master.get("end"))
    for key in ("start", "end"):  # the series' zone, so its wall times stay put
        zone = (master.get(key) or {}).get("timeZone")
        if zone and "dateTime" in new_body[key]:
            new_body[key]["timeZone"] = zone
    new_body["recurrence"] = new_lines
    return {"recurrence": old_lines}, new_body


def _date_key(value: str) -> str:
    return value.strip().replace("-", "").replace(":", "")


def _slot(master: Event, original: Dict[str, Any]) -> Tuple[Optional[Event], Optional[Event]]:
    """(start, end) of the series' occurrence that began at `original` (its
    originalStartTime) as the series makes it, unmoved; (None, None) when unreadable."""
    from gcal.core import expand

    m_start, m_end = master.get("start") or {}, master.get("end") or {}
    try:
        if "date" in original and "date" in m_start:
            day = datetime.date.fromisoformat(str(original["date"]))
            length = datetime.date.fromisoformat(str(m_end.get("date") or m_start["date"]))
            length_days = (length - datetime.date.fromisoformat(str(m_start["date"]))).days
            end_day = day + datetime.timedelta(days=max(length_days, 1))
            return {"date": day.isoformat()}, {"date": end_day.isoformat()}
        begin = expand.parse_instant(original.get("dateTime"))
        first = expand.parse_instant(m_start.get("dateTime"))
        last = expand.parse_instant(m_end.get("dateTime")) or first
    except (TypeError, ValueError, KeyError):
        return None, None
    if begin is None or first is None or last is None:
        return None, None
    zone = expand.zone_named(m_start.get("timeZone"))
    start: Event = {"dateTime": expand.format_instant(begin, zone or begin.tzinfo)}
    end: Event = {"dateTime": expand.format_instant(begin + (last - first), zone or begin.tzinfo)}
    for key, value in (("start", start), ("end", end)):
        name = (master.get(key) or {}).get("timeZone")
        if name:
            value["timeZone"] = name
    return start, end


#: an exception's fields that belong to the occurrence itself, never carried to another series
_NOT_CARRIED = frozenset(READ_ONLY_FIELDS) | {
    "id",
    "status",
    "start",
    "end",
    "recurrence",
    "conferenceData",
    "hangoutLink",
    "attendeesOmitted",
}


def carried_exceptions(
    master: Event,
    exceptions: Sequence[Event],
    new_series: Event,
    split: Dict[str, Any],
    zone: datetime.tzinfo,
    changed: Sequence[str] = (),
) -> List[Tuple[Event, Optional[str], Optional[Event]]]:
    """Where the exceptions of `master` from `split` (an originalStartTime) on go when the
    series is split there and `new_series` continues it (`gcal edit --following`), as Google
    Calendar carries them: (the exception, the id of the same occurrence in the new series,
    the patch that makes that occurrence like the exception; None: cancel it). The id is None
    when the new series has no such occurrence (its rule or its kind of day changed).

    The occurrence is the one the same shift in wall-clock time (or days) reaches as the split
    instance's; the patch holds what the exception changed from the series, but the fields the
    edit itself sets (`changed`, which apply to every later occurrence) and, when the edit
    changes the times, the exception's own move."""
    from gcal.core import expand

    key = expand.original_key(split)
    later = [
        e
        for e in exceptions
        if isinstance(e.get("originalStartTime"), dict)
        and _at_or_after(expand.original_key(e["originalStartTime"]), key)
    ]
    out: List[Tuple[Event, Optional[str], Optional[Event]]] = []
    same_kind = expand.is_all_day(master) == expand.is_all_day(new_series)
    for exception in sorted(later, key=lambda e: str(expand.original_key(e["originalStartTime"]))):
        target = (
            _shifted_id(master, new_series, split, exception["originalStartTime"], zone)
            if same_kind
            else None
        )
        if exception.get("status") == "cancelled":
            out.append((exception, target, None))
            continue
        patch: Event = {}
        for name in sorted(set(exception) | set(master)):
            if name in _NOT_CARRIED or name in changed:
                continue
            if exception.get(name) != master.get(name):
                patch[name] = copy.deepcopy(exception[name]) if name in exception else None
        if not ({"start", "end"} & set(changed)) and _moved(master, exception):
            patch["start"] = copy.deepcopy(exception.get("start"))
            patch["end"] = copy.deepcopy(exception.get("end"))
        out.append((exception, target, patch))
    return out


def _at_or_after(key: Any, split_key: Any) -> bool:
    if isinstance(key, int) and isinstance(split_key, int):
        return key >= split_key
    if isinstance(key, str) and isinstance(split_key, str):
        return key >= split_key
    return False


def _moved(master: Event, exception: Event) -> bool:
    """Whether an exception's times differ from its occurrence's own slot."""
    from gcal.core import expand

    start, end = _slot(master, exception.get("originalStartTime") or {})
    if start is None or end is None:
        return False
    for mine, slot in ((exception.get("start"), start), (exception.get("end"), end)):
        if not isinstance(mine, dict):
            return False
        if "date" in slot:
            if mine.get("date") != slot["date"]:
                return True
        elif expand.parse_instant(mine.get("dateTime")) != expand.parse_instant(
            slot.get("dateTime")
        ):
            return True
    return False


def _shifted_id(
    master: Event,
    new_series: Event,
    split: Dict[str, Any],
    original: Dict[str, Any],
    zone: datetime.tzinfo,
) -> Optional[str]:
    """The id of the new series' occurrence that matches the old one at `original`: the same
    shift from the split instance to the new series' first start, in wall-clock time of the
    series' zones (in days for all-day series); None when the new series has none there."""
    from gcal.core import expand

    new_id = str(new_series.get("id") or "")
    all_day = expand.is_all_day(new_series)
    try:
        if all_day:
            first = datetime.date.fromisoformat(str(new_series["start"]["date"]))
            shift = first - datetime.date.fromisoformat(str(split["date"]))
            day = datetime.date.fromisoformat(str(original["date"])) + shift
            wanted = expand.instant({"date": day.isoformat()}, zone)
        else:
            old_zone = expand.series_zone(master, zone)
            new_zone = expand.series_zone(new_series, zone)
            at_split = expand.parse_instant(split.get("dateTime"))
            first_new = expand.parse_instant(new_series["start"].get("dateTime"))
            old_at = expand.parse_instant(original.get("dateTime"))
            if at_split is None or first_new is None or old_at is None:
                return None
            wall = old_at.astimezone(old_zone).replace(tzinfo=None) + (
                first_new.astimezone(new_zone).replace(tzinfo=None)
                - at_split.astimezone(old_zone).replace(tzinfo=None)
            )
            wanted = wall.replace(tzinfo=new_zone).astimezone(datetime.timezone.utc)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    if wanted is None:
        return None
    moment = wanted.timestamp()
    for start, _ in expand.occurrences(new_series, zone, (moment - 1, moment + 1)):
        if abs(start.timestamp() - moment) < 1:
            return expand.instance_id(new_id, start, all_day)
    return None


# --------------------------------------------------------------------------------------------
# Undo


@dataclasses.dataclass
class Step:
    """One request of an undo: `method` is patch, delete, move or restore (a patch that brings
    a deleted event back)."""

    method: str
    calendar_id: str
    event_id: str
    body: Optional[Event] = None
    etag: Optional[str] = None  # If-Match: the event must still be as gcal's write left it
    destination: Optional[str] = None
    before: Optional[Event] = None  # the event as it is expected now (for the journal)


def undo_steps(entry: Dict[str, Any]) -> List[Step]:
    """The requests that undo one journal entry (see `gcal.store.journal`): an insert is
    deleted, a patch reverted field by field, a deletion restored as it was, an answer put
    back, a move moved back."""
    kind = entry["kind"]
    cal = entry["calendar_id"]
    eid = entry["event_id"]
    before = entry.get("before")
    after = entry.get("after") or {}
    etag = after.get("etag") if isinstance(after, dict) else None
    if kind == "insert":
        return [Step("delete", cal, eid, etag=etag, before=after)]
    if kind == "patch":
        request = entry.get("request") or {}
        return [
            Step("patch", cal, eid, revert_patch(before or {}, request), etag=etag, before=after)
        ]
    if kind == "rsvp":
        from gcal.core.attendance import my_attendee

        mine = my_attendee(before or {}) or {}
        return [Step("patch", cal, eid, restore_rsvp_body(mine), etag=etag, before=after)]
    if kind == "delete":
        # a deleted event comes back by a patch to status confirmed (as on Google), carrying
        # everything it held; a series' exceptions after it, as they were
        steps = [Step("restore", cal, eid, restore_body(before or {}), before=before)]
        for exception in entry.get("related") or []:
            steps.append(
                Step(
                    "restore", cal, str(exception["id"]), restore_body(exception), before=exception
                )
            )
        return steps
    if kind == "move":
        return [Step("move", entry["destination"], eid, destination=cal, etag=etag, before=after)]
    raise ValueError(f"no undo for a {kind!r} entry")
