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
* The shared properties (`guestsCanInviteOthers`, `guestsCanModify`, `guestsCanSeeOtherGuests`)
  are the organizer's: a patch or update of a copy that is not the organizer's that sets one to
  another value than it has is 403 `forbiddenForNonOrganizer` (the errors guide: "make sure
  they match the current values of the event or remove them from the request"); left out, they
  stay as they are. The guide and the reference say nothing of a guest changing the other
  fields of their copy (title, time), so that is not refused.

What a body becomes (times, attendees, Meet links, patch merge) is `gcal.emulator.eventbody`.
"""

from __future__ import annotations

import copy
import re
import secrets
from datetime import datetime, timedelta
from typing import Any, Dict, Optional, Tuple

from gcal.emulator import clock, quickadd, recurrence
from gcal.emulator.errors import ApiError, bad_request, deleted, invalid, not_found
from gcal.emulator.eventbody import (
    apply_conference,
    check_times,
    clean,
    in_order,
    keep_shared,
    mark_attendees,
    merge,
    merge_attendees,
    organizers_copy,
    time_changed,
    time_value,
)
from gcal.emulator.links import html_link
from gcal.emulator.params import Query, first, get_bool, get_enum, get_int
from gcal.emulator.render import render_event
from gcal.emulator.store import ROLE_RANK, Calendar, Store, StoredEvent, original_key
from gcal.emulator.timeutil import UTC, format_stamp, parse_date, parse_rfc3339

SEND_UPDATES = ("all", "externalOnly", "none")
_ID = re.compile(r"^[a-v0-9]{5,1024}$")
#: kept from the stored event whatever an update sends
_IDENTITY = ("id", "iCalUID", "created", "recurringEventId", "originalStartTime", "organizer")
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
        ev.resource = in_order(ev.resource)
        if touch:
            cal.updated = ev.resource["updated"]
        return ev

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
        res = clean(body)
        res.pop("recurringEventId", None)
        res.pop("originalStartTime", None)
        if not imported:
            res.pop("organizer", None)
        res["id"] = self._new_id(cal, body)
        res.setdefault("status", "confirmed")
        if res["status"] == "cancelled":
            raise bad_request("Invalid value for: status")
        check_times(res, cal)
        now = self._now_after(None)
        res["created"] = res["updated"] = now
        res["creator"] = {"email": self.store.user_email, "self": True}
        if self.store.user_name:
            res["creator"]["displayName"] = self.store.user_name
        res.setdefault("organizer", self._owner(cal))
        res["sequence"] = int(body.get("sequence") or 0)
        res.setdefault("iCalUID", res["id"] + "@google.com")
        mark_attendees(res, self.store.user_email)
        apply_conference(res, body, conf, None)
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
                new = clean(body)
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
                merge(new, body)
                for key in _IDENTITY:
                    if key in old:
                        new[key] = copy.deepcopy(old[key])
            if not organizers_copy(cal, old):
                keep_shared(old, body, new)
            if omitted:
                new["attendees"] = merge_attendees(old.get("attendees") or [], body)
            new.pop("attendeesOmitted", None)
            if new.get("recurringEventId") and "recurrence" in body and body["recurrence"]:
                raise bad_request("Invalid recurrence rule.")
            check_times(new, cal)
            mark_attendees(new, self.store.user_email)
            apply_conference(new, body, conf, old)
            changed = time_changed(old, new, cal)
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
                orig = time_value(orig, "originalStartTime")
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
        new = clean(body)
        for key in ("id", "iCalUID", "created", "recurringEventId", "originalStartTime"):
            if key in old:
                new[key] = copy.deepcopy(old[key])
        new.setdefault("organizer", copy.deepcopy(old.get("organizer") or self._owner(cal)))
        new["creator"] = copy.deepcopy(old.get("creator") or {"email": self.store.user_email})
        new.setdefault("status", "confirmed")
        check_times(new, cal)
        mark_attendees(new, self.store.user_email)
        apply_conference(new, body, conf, old)
        changed = time_changed(old, new, cal)
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
        new = clean(body)
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
            check_times(new, cal)
        mark_attendees(new, self.store.user_email)
        apply_conference(new, body, conf, None)
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


__all__ = ["SEND_UPDATES", "Writer", "check_if_match", "new_event_id"]
