"""The event write methods: insert, patch, update, delete, quickAdd, import and move.

Rules followed (Google's reference pages and observed behaviour):

* Every write gives the event a new `etag` and `updated`; a change of `start`, `end` or
  `recurrence` bumps `sequence`.
* `If-Match` with an etag other than the current one is 412 `conditionNotMet` and changes
  nothing (also on get and move); `*` matches any existing event.
* A client-supplied `id` must be base32hex (`a-v`, `0-9`), 5 to 1024 characters (400
  `invalid`); an id already used in the calendar, even by a deleted event, is 409 `duplicate`.
* Writing needs writer access to the calendar: 403 `requiredAccessLevel` for a reader or
  free/busy reader (the scope check is the server's, before any of this).
* Deleting keeps the event with `status: cancelled` (sync tokens and showDeleted see it);
  deleting it again is 410 `deleted`. Deleting a series cancels its exceptions too. Deleting
  one occurrence (`SERIES_20240604T080000Z`) stores a cancelled exception. A cancelled event
  can be brought back by a patch or update that sets `status: confirmed` (as on Google).
* Patching or updating an occurrence stores an exception with `recurringEventId` and
  `originalStartTime`, seen by events.list singleEvents, events.instances and events.get.
* `attendeesOmitted: true` in a patch/update body: the attendees sent are merged by email into
  the stored list; everyone not sent is left exactly as stored (how a guest answers an
  invitation without rewriting the guest list).
* import is keyed by `iCalUID` (and `originalStartTime` for an override of a series): importing
  an iCalUID the calendar already has replaces that event's content instead of adding one.
* move keeps the id: the event is added to the destination and left cancelled in the source.
* `conferenceDataVersion=1` with a `conferenceData.createRequest` for `hangoutsMeet` answers
  with a Meet link (`hangoutLink`, `conferenceData.entryPoints`); version 0 ignores it.
"""

from __future__ import annotations

import copy
import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Tuple

from gcal.emulator import clock, quickadd, recurrence
from gcal.emulator.errors import ApiError, bad_request, deleted, invalid, not_found
from gcal.emulator.links import html_link
from gcal.emulator.params import Query, first, get_bool, get_enum, get_int
from gcal.emulator.render import render_event
from gcal.emulator.store import ROLE_RANK, Calendar, Store, StoredEvent, original_key
from gcal.emulator.timeutil import (
    UTC,
    format_datetime,
    format_stamp,
    get_zone,
    parse_date,
    parse_rfc3339,
)

SEND_UPDATES = ("all", "externalOnly", "none")
_ID = re.compile(r"^[a-v0-9]{5,1024}$")
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
#: kept from the stored event whatever an update sends
_IDENTITY = ("id", "iCalUID", "created", "recurringEventId", "originalStartTime", "organizer")
_TIME_KEYS = ("start", "end", "recurrence")
_B32HEX = "0123456789abcdefghijklmnopqrstuv"


def new_event_id() -> str:
    """A fresh id as Google makes them: 26 base32hex characters."""
    return "".join(secrets.choice(_B32HEX) for _ in range(26))


def precondition_failed() -> ApiError:
    return ApiError(
        412,
        "conditionNotMet",
        "Precondition Failed",
        location="If-Match",
        location_type="header",
    )


def check_if_match(if_match: Optional[str], etag: Optional[str]) -> None:
    """412 unless `if_match` (absent, `*`, or a list of etags) matches `etag`."""
    if if_match is None or not if_match.strip():
        return
    wanted = [t.strip() for t in if_match.split(",")]
    if "*" in wanted:
        return
    bare = [t[2:] if t.startswith("W/") else t for t in wanted]
    if etag not in bare:
        raise precondition_failed()


class Writer:
    """Applies the write methods to a `Store`; the server turns HTTP into these calls."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- shared ----------------------------------------------------------------------------

    def _calendar(self, calendar_id: str, *, write: bool = True) -> Calendar:
        cal = self.store.calendar(calendar_id)
        if cal is None or cal.entry.get("deleted") or not cal.listed:
            raise not_found()
        if write and ROLE_RANK.get(cal.role, 0) < ROLE_RANK["writerWithoutPrivateAccess"]:
            raise ApiError(
                403, "requiredAccessLevel", "You need to have writer access to this calendar."
            )
        return cal

    @staticmethod
    def _common(query: Query) -> Tuple[Optional[int], int]:
        """Validate the parameters every write takes; (maxAttendees, conferenceDataVersion)."""
        get_enum(query, "sendUpdates", SEND_UPDATES)
        get_bool(query, "sendNotifications")
        get_bool(query, "supportsAttachments")
        get_int(query, "eventLabelVersion", 0, 0, None)
        conf = get_int(query, "conferenceDataVersion", 0, 0, 1) or 0
        max_attendees = get_int(query, "maxAttendees", None, 1, None)
        return max_attendees, conf

    def _render(self, ev: StoredEvent, cal: Calendar, max_attendees: Optional[int]) -> Dict:
        return render_event(ev.resource, cal.role, cal.zone, None, max_attendees)

    def _target(self, cal: Calendar, event_id: str) -> Tuple[Dict[str, Any], Optional[StoredEvent]]:
        """The resource an id names: a stored event, or a generated occurrence of a series
        (then the StoredEvent is None). 404 when there is none."""
        ev = cal.events.get(event_id)
        if ev is not None:
            return ev.resource, ev
        inst = self._occurrence(cal, event_id)
        if inst is None:
            raise not_found()
        return inst, None

    @staticmethod
    def _occurrence(cal: Calendar, event_id: str) -> Optional[Dict[str, Any]]:
        series_id, _, suffix = event_id.rpartition("_")
        master = cal.events.get(series_id) if series_id else None
        if master is None or not master.resource.get("recurrence") or master.cancelled:
            return None
        try:
            if len(suffix) == 8:
                d = datetime.strptime(suffix, "%Y%m%d").replace(tzinfo=UTC)
                lo, hi = d - timedelta(days=2), d + timedelta(days=2)
            else:
                t = datetime.strptime(suffix, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                lo, hi = t - timedelta(seconds=1), t + timedelta(seconds=1)
        except ValueError:
            return None
        res = master.resource
        all_day = recurrence.is_all_day(res)
        for start, end in recurrence.occurrences(res, cal.zone, lo.timestamp(), hi.timestamp()):
            if recurrence.instance_id(master.id, start, all_day) == event_id:
                return recurrence.make_instance(res, start, end, cal.zone, cal.id)
        return None

    def _now_after(self, old: Optional[Dict[str, Any]]) -> str:
        now = clock.now()
        if old and old.get("updated"):
            before = parse_rfc3339(old["updated"]) + timedelta(milliseconds=1)
            now = max(now, before)
        return format_stamp(now)

    def _save(
        self, cal: Calendar, res: Dict[str, Any], hidden: bool = False, touch: bool = True
    ) -> StoredEvent:
        raw = dict(res)
        if hidden:
            raw["_hiddenInvitation"] = True
        ev = self.store.add_event(cal, raw)
        ev.resource = _in_order(ev.resource)
        if touch:
            cal.updated = ev.resource["updated"]
        return ev

    # -- validation ------------------------------------------------------------------------

    @staticmethod
    def _time_value(value: Any, name: str) -> Dict[str, Any]:
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
                    raise ApiError(
                        400, "required", f"Missing time zone definition for {name} time."
                    )
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

    def _check_times(self, res: Dict[str, Any], cal: Calendar) -> None:
        """Start and end present, of the same kind, in order; recurrence needs a zone."""
        if res.get("status") == "cancelled" and "start" not in res:
            return
        if "start" not in res:
            raise ApiError(400, "required", "Missing start time.")
        if "end" not in res:
            raise ApiError(400, "required", "Missing end time.")
        res["start"] = self._time_value(res["start"], "start")
        res["end"] = self._time_value(res["end"], "end")
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

    def _attendees(self, res: Dict[str, Any]) -> None:
        attendees = res.get("attendees")
        if attendees is None:
            return
        if not isinstance(attendees, list):
            raise bad_request("Invalid attendees.")
        org = (res.get("organizer") or {}).get("email")
        me = self.store.user_email.lower()
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

    @staticmethod
    def _conference(
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
            "entryPoints": [
                {"entryPointType": "video", "uri": uri, "label": uri[len("https://") :]}
            ],
            "conferenceSolution": {
                "key": {"type": "hangoutsMeet"},
                "name": "Google Meet",
                "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/"
                "web-512dp/logo_meet_2020q4_color_2x_web_512dp.png",
            },
            "conferenceId": meet_id,
        }

    def _owner(self, cal: Calendar) -> Dict[str, Any]:
        who: Dict[str, Any] = {"email": cal.id, "self": True}
        if cal.entry.get("primary"):
            if self.store.user_name:
                who["displayName"] = self.store.user_name
        else:
            who["displayName"] = cal.entry.get("summary", cal.id)
        return who

    @staticmethod
    def _body(body: Any) -> Dict[str, Any]:
        if not isinstance(body, dict):
            raise bad_request("Invalid JSON payload received.")
        return body

    @staticmethod
    def _clean(body: Dict[str, Any]) -> Dict[str, Any]:
        return {
            k: copy.deepcopy(v)
            for k, v in body.items()
            if k not in _SERVER_KEYS and not k.startswith("_") and v is not None
        }

    # -- insert / quickAdd -----------------------------------------------------------------

    def insert(self, calendar_id: str, body: Any, query: Query) -> Dict[str, Any]:
        body = self._body(body)
        max_attendees, conf = self._common(query)
        with self.store.lock:
            cal = self._calendar(calendar_id)
            ev = self._insert(cal, body, conf, imported=False)
            return self._render(ev, cal, max_attendees)

    def _new_id(self, cal: Calendar, body: Dict[str, Any]) -> str:
        eid = body.get("id")
        if eid is None or eid == "":
            return new_event_id()
        if not isinstance(eid, str) or not _ID.match(eid):
            raise invalid("id", "Invalid resource id value.")
        if eid in cal.events:
            raise ApiError(409, "duplicate", "The requested identifier already exists.")
        return eid

    def _insert(
        self, cal: Calendar, body: Dict[str, Any], conf: int, *, imported: bool
    ) -> StoredEvent:
        res = self._clean(body)
        res.pop("recurringEventId", None)
        res.pop("originalStartTime", None)
        if not imported:
            res.pop("organizer", None)
        res["id"] = self._new_id(cal, body)
        res.setdefault("status", "confirmed")
        if res["status"] == "cancelled":
            raise bad_request("Invalid value for: status")
        self._check_times(res, cal)
        now = self._now_after(None)
        res["created"] = res["updated"] = now
        res["creator"] = {"email": self.store.user_email, "self": True}
        if self.store.user_name:
            res["creator"]["displayName"] = self.store.user_name
        res.setdefault("organizer", self._owner(cal))
        res["sequence"] = int(body.get("sequence") or 0)
        res.setdefault("iCalUID", res["id"] + "@google.com")
        self._attendees(res)
        self._conference(res, body, conf, None)
        return self._save(cal, res)

    def quick_add(self, calendar_id: str, query: Query) -> Dict[str, Any]:
        get_enum(query, "sendUpdates", SEND_UPDATES)
        get_bool(query, "sendNotifications")
        text = first(query, "text")
        if not text or not text.strip():
            raise ApiError(400, "required", "Required parameter: text", location="text")
        with self.store.lock:
            cal = self._calendar(calendar_id)
            body = quickadd.parse(text, cal.zone, clock.now())
            ev = self._insert(cal, body, 0, imported=False)
            return self._render(ev, cal, None)

    # -- patch / update --------------------------------------------------------------------

    def patch(
        self, calendar_id: str, event_id: str, body: Any, query: Query, if_match: Optional[str]
    ) -> Dict[str, Any]:
        return self._change(calendar_id, event_id, body, query, if_match, replace=False)

    def update(
        self, calendar_id: str, event_id: str, body: Any, query: Query, if_match: Optional[str]
    ) -> Dict[str, Any]:
        return self._change(calendar_id, event_id, body, query, if_match, replace=True)

    def _change(
        self,
        calendar_id: str,
        event_id: str,
        body: Any,
        query: Query,
        if_match: Optional[str],
        *,
        replace: bool,
    ) -> Dict[str, Any]:
        body = self._body(body)
        get_bool(query, "alwaysIncludeEmail")
        max_attendees, conf = self._common(query)
        with self.store.lock:
            cal = self._calendar(calendar_id)
            old, stored = self._target(cal, event_id)
            check_if_match(if_match, old.get("etag"))
            omitted = bool(body.get("attendeesOmitted"))
            if replace:
                new = self._clean(body)
                for key in _IDENTITY:
                    if key in old:
                        new[key] = copy.deepcopy(old[key])
                    else:
                        new.pop(key, None)
                new.setdefault("status", "confirmed")
                if "conferenceData" not in body and "conferenceData" in old:
                    new["conferenceData"] = copy.deepcopy(old["conferenceData"])
                    if "hangoutLink" in old:
                        new["hangoutLink"] = old["hangoutLink"]
            else:
                new = copy.deepcopy(old)
                _merge(new, body)
                for key in _IDENTITY:
                    if key in old:
                        new[key] = copy.deepcopy(old[key])
            if omitted:
                new["attendees"] = _merge_attendees(old.get("attendees") or [], body)
            new.pop("attendeesOmitted", None)
            if new.get("recurringEventId") and "recurrence" in body and body["recurrence"]:
                raise bad_request("Invalid recurrence rule.")
            self._check_times(new, cal)
            self._attendees(new)
            self._conference(new, body, conf, old)
            changed = _time_changed(old, new, cal)
            sequence = int(old.get("sequence") or 0) + (1 if changed else 0)
            sent = body.get("sequence")
            if isinstance(sent, int) and sent > sequence:
                sequence = sent
            new["sequence"] = sequence
            new["updated"] = self._now_after(old)
            new["created"] = old.get("created") or new["updated"]
            ev = self._save(cal, new, hidden=bool(stored and stored.hidden))
            return self._render(ev, cal, max_attendees)

    # -- delete ----------------------------------------------------------------------------

    def delete(
        self, calendar_id: str, event_id: str, query: Query, if_match: Optional[str]
    ) -> None:
        get_enum(query, "sendUpdates", SEND_UPDATES)
        get_bool(query, "sendNotifications")
        with self.store.lock:
            cal = self._calendar(calendar_id)
            old, stored = self._target(cal, event_id)
            check_if_match(if_match, old.get("etag"))
            if old.get("status") == "cancelled":
                raise deleted()
            self._cancel(cal, old, stored)
            if old.get("recurrence"):
                for exc in list(cal.exceptions.get(old["id"], {}).values()):
                    if not exc.cancelled and cal.events.get(exc.id) is exc:
                        self._cancel(cal, exc.resource, exc)

    def _cancel(self, cal: Calendar, old: Dict[str, Any], stored: Optional[StoredEvent]) -> None:
        new = copy.deepcopy(old)
        new["status"] = "cancelled"
        new["updated"] = self._now_after(old)
        self._save(cal, new, hidden=bool(stored and stored.hidden))

    # -- import ----------------------------------------------------------------------------

    def import_(self, calendar_id: str, body: Any, query: Query) -> Dict[str, Any]:
        body = self._body(body)
        get_bool(query, "supportsAttachments")
        get_int(query, "eventLabelVersion", 0, 0, None)
        conf = get_int(query, "conferenceDataVersion", 0, 0, 1) or 0
        uid = body.get("iCalUID")
        if not isinstance(uid, str) or not uid:
            raise ApiError(400, "required", "Missing iCalUID.", location="iCalUID")
        with self.store.lock:
            cal = self._calendar(calendar_id)
            orig = body.get("originalStartTime")
            master = None
            if orig is not None:
                master = self._by_uid(cal, uid, None, series=True)
            key = None
            if orig is not None:
                orig = self._time_value(orig, "originalStartTime")
                key = original_key(orig)
            existing = self._by_uid(cal, uid, key)
            if existing is not None:
                ev = self._reimport(cal, existing, body, conf)
            elif master is not None:
                ev = self._import_override(cal, master, body, orig, conf)
            else:
                plain = dict(body)
                plain.pop("originalStartTime", None)
                ev = self._insert(cal, plain, conf, imported=True)
            return self._render(ev, cal, None)

    @staticmethod
    def _by_uid(
        cal: Calendar, uid: str, key: Any, *, series: bool = False
    ) -> Optional[StoredEvent]:
        for ev in cal.events.values():
            res = ev.resource
            if res.get("iCalUID") != uid:
                continue
            if series:
                if not res.get("recurringEventId"):
                    return ev
                continue
            orig = res.get("originalStartTime") if res.get("recurringEventId") else None
            if key is None and orig is None:
                return ev
            if key is not None and orig is not None and original_key(orig) == key:
                return ev
        return None

    def _reimport(
        self, cal: Calendar, old_ev: StoredEvent, body: Dict[str, Any], conf: int
    ) -> StoredEvent:
        old = old_ev.resource
        new = self._clean(body)
        for key in ("id", "iCalUID", "created", "recurringEventId", "originalStartTime"):
            if key in old:
                new[key] = copy.deepcopy(old[key])
        new.setdefault("organizer", copy.deepcopy(old.get("organizer") or self._owner(cal)))
        new["creator"] = copy.deepcopy(old.get("creator") or {"email": self.store.user_email})
        new.setdefault("status", "confirmed")
        self._check_times(new, cal)
        self._attendees(new)
        self._conference(new, body, conf, old)
        changed = _time_changed(old, new, cal)
        sequence = int(old.get("sequence") or 0) + (1 if changed else 0)
        sent = body.get("sequence")
        new["sequence"] = max(sequence, sent) if isinstance(sent, int) else sequence
        new["updated"] = self._now_after(old)
        return self._save(cal, new, hidden=old_ev.hidden)

    def _import_override(
        self,
        cal: Calendar,
        master: StoredEvent,
        body: Dict[str, Any],
        orig: Dict[str, Any],
        conf: int,
    ) -> StoredEvent:
        mres = master.resource
        all_day = recurrence.is_all_day(mres)
        if all_day != ("date" in orig):
            raise invalid("originalStartTime", "Invalid originalStartTime.")
        if all_day:
            start = datetime.combine(parse_date(orig["date"]), datetime.min.time())
        else:
            start = parse_rfc3339(orig["dateTime"])
        new = self._clean(body)
        new["id"] = recurrence.instance_id(mres["id"], start, all_day)
        if new["id"] in cal.events:
            raise ApiError(409, "duplicate", "The requested identifier already exists.")
        new["recurringEventId"] = mres["id"]
        new["originalStartTime"] = orig
        new["iCalUID"] = mres.get("iCalUID")
        new.pop("recurrence", None)
        new.setdefault("organizer", copy.deepcopy(mres.get("organizer") or self._owner(cal)))
        new["creator"] = copy.deepcopy(mres.get("creator") or {"email": self.store.user_email})
        new.setdefault("status", "confirmed")
        if new["status"] != "cancelled" or "start" in new:
            self._check_times(new, cal)
        self._attendees(new)
        self._conference(new, body, conf, None)
        new["created"] = new["updated"] = self._now_after(None)
        new["sequence"] = int(body.get("sequence") or 0)
        return self._save(cal, new)

    # -- move ------------------------------------------------------------------------------

    def move(
        self, calendar_id: str, event_id: str, query: Query, if_match: Optional[str]
    ) -> Dict[str, Any]:
        get_enum(query, "sendUpdates", SEND_UPDATES)
        get_bool(query, "sendNotifications")
        dest_id = first(query, "destination")
        if not dest_id:
            raise ApiError(
                400, "required", "Required parameter: destination", location="destination"
            )
        with self.store.lock:
            cal = self._calendar(calendar_id)
            dest = self._calendar(dest_id)
            old, stored = self._target(cal, event_id)
            check_if_match(if_match, old.get("etag"))
            if stored is None or old.get("recurringEventId"):
                raise bad_request("Cannot change the organizer of an instance.")
            if old.get("status") == "cancelled":
                raise not_found()
            if old.get("eventType", "default") != "default":
                raise bad_request("Only default events can be moved.")
            if dest.id == cal.id:
                return self._render(stored, cal, None)
            there = dest.events.get(event_id)
            if there is not None and not there.cancelled:
                raise ApiError(409, "duplicate", "The requested identifier already exists.")
            family = [stored] + [
                e for e in cal.exceptions.get(event_id, {}).values() if cal.events.get(e.id) is e
            ]
            moved = None
            for ev in family:
                res = copy.deepcopy(ev.resource)
                res["organizer"] = self._owner(dest)
                res["updated"] = self._now_after(ev.resource)
                res["htmlLink"] = html_link(res["id"], dest.id)
                saved = self._save(dest, res, hidden=ev.hidden)
                if ev is stored:
                    moved = saved
                self._cancel(cal, ev.resource, ev)
            assert moved is not None
            return self._render(moved, dest, None)

    # -- get with If-Match -----------------------------------------------------------------

    @staticmethod
    def check_get(answer: Dict[str, Any], if_match: Optional[str]) -> None:
        check_if_match(if_match, answer.get("etag"))


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


def _in_order(res: Dict[str, Any]) -> Dict[str, Any]:
    """The resource's keys in the order Google answers them (the rest after, as they came)."""
    out = {k: res[k] for k in _ORDER if k in res}
    out.update((k, v) for k, v in res.items() if k not in out)
    return out


def _time_changed(old: Dict[str, Any], new: Dict[str, Any], cal: Calendar) -> bool:
    """Whether start, end or recurrence differ (instants compared, not their spelling)."""

    def norm(res: Dict[str, Any], key: str) -> Any:
        value = res.get(key)
        if key != "recurrence" and isinstance(value, dict) and "dateTime" in value:
            return (parse_rfc3339(value["dateTime"]).timestamp(), value.get("timeZone"))
        return value

    return any(norm(old, k) != norm(new, k) for k in _TIME_KEYS)


def _merge(target: Dict[str, Any], patch: Dict[str, Any]) -> None:
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
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _merge_attendees(stored: List[Dict[str, Any]], body: Dict[str, Any]) -> List[Dict[str, Any]]:
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


__all__ = ["SEND_UPDATES", "Writer", "check_if_match", "new_event_id"]
