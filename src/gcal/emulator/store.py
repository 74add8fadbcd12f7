"""The emulator's data: calendars, their events, and a change counter.

Loading normalises the JSON data format (see `gcal.emulator`'s docstring) into `Calendar` and
`StoredEvent` records with precomputed instants, so that filtering 100,000 events is a pass over
floats rather than a pass over string parsing. Every change bumps one monotonically increasing
counter; each record remembers the counter value of its last change (its *stamp*), which is what
sync tokens compare against.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional, Union
from zoneinfo import ZoneInfo

from gcal.emulator import clock
from gcal.emulator.links import html_link
from gcal.emulator.timeutil import (
    UTC,
    event_time,
    format_datetime,
    format_stamp,
    get_zone,
    parse_date,
    parse_rfc3339,
)

ROLE_RANK = {
    "none": 0,
    "freeBusyReader": 1,
    "reader": 2,
    "writerWithoutPrivateAccess": 3,
    "writer": 4,
    "owner": 5,
}

_ENTRY_KEYS = (
    "kind",
    "etag",
    "id",
    "summary",
    "description",
    "location",
    "timeZone",
    "summaryOverride",
    "colorId",
    "backgroundColor",
    "foregroundColor",
    "hidden",
    "selected",
    "accessRole",
    "defaultReminders",
    "notificationSettings",
    "primary",
    "deleted",
    "conferenceProperties",
    "autoAcceptInvitations",
    "dataOwner",
)

#: keys of the data format that are ours, not Google's; never sent to clients
INTERNAL_EVENT_KEYS = ("_hiddenInvitation",)


def copy_json(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, scalars), several times faster than
    `copy.deepcopy`; anything else is deep-copied the usual way."""
    kind = type(value)
    if kind is dict:
        return {k: copy_json(v) for k, v in value.items()}
    if kind is list:
        return [copy_json(v) for v in value]
    if kind in (str, int, float, bool) or value is None:
        return value
    return copy.deepcopy(value)


def _etag(*parts: Any) -> str:
    digest = hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()
    return '"' + str(int(digest[:15], 16)) + '"'


@dataclass
class StoredEvent:
    """One event resource plus what queries need to know about it without re-parsing."""

    resource: Dict[str, Any]
    order: int
    stamp: int
    hidden: bool = False
    start_ts: float = 0.0
    end_ts: float = 0.0
    updated_ts: float = 0.0
    #: for generated instances: the series' stored event
    master: Optional[StoredEvent] = None
    #: lowercased free-text haystack, built on first q search
    haystack: Optional[str] = None
    #: cache: end instant of the last occurrence for series (inf when unbounded)
    series_end_ts: Optional[float] = None

    @property
    def id(self) -> str:
        return self.resource["id"]

    @property
    def cancelled(self) -> bool:
        return self.resource.get("status") == "cancelled"


@dataclass
class Calendar:
    """A calendar-list entry with its events (insertion ordered)."""

    entry: Dict[str, Any]
    zone: ZoneInfo
    stamp: int
    order: int
    own_org: bool = True
    #: False for a calendar the user can only query with freeBusy (a colleague's, a room):
    #: not on the calendar list, and events.list answers 404 for it
    listed: bool = True
    updated: str = ""
    events: Dict[str, StoredEvent] = field(default_factory=dict)
    #: series id -> {original-start key -> exception event}
    exceptions: Dict[str, Dict[Any, StoredEvent]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.entry["id"]

    @property
    def role(self) -> str:
        return self.entry.get("accessRole", "reader")


def original_key(value: Dict[str, Any]) -> Any:
    """Key identifying an occurrence by its original start: a date string or a UTC timestamp."""
    if "date" in value and "dateTime" not in value:
        return value["date"]
    return int(parse_rfc3339(value["dateTime"]).timestamp())


class Store:
    """All calendars of the one emulated user, guarded by a lock for the threaded server."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self.lock = threading.RLock()
        self.counter = 0
        self.sync_epoch = 0
        user = data.get("user") or {}
        self.user_email: str = user.get("email") or ""
        self.user_name: str = user.get("displayName") or ""
        self.calendars: Dict[str, Calendar] = {}
        self.primary_id: Optional[str] = None
        self._order = 0
        for raw in data.get("calendars", []):
            self._add_calendar(raw)
        #: group address -> member calendar ids, for freeBusy's group expansion
        self.groups: Dict[str, List[str]] = {
            g["id"]: list(g.get("members", [])) for g in data.get("groups", [])
        }
        if self.primary_id is None and self.calendars:
            self.primary_id = next(iter(self.calendars))
        if not self.user_email and self.primary_id:
            self.user_email = self.primary_id

    def clone(self) -> Store:
        """An independent copy: the same calendars, events, counter and stamps, sharing no
        mutable state with this store (copying is far cheaper than loading the data again)."""
        new = object.__new__(Store)
        for name, value in self.__dict__.items():
            if name not in ("lock", "calendars"):
                setattr(new, name, copy_json(value))
        new.lock = threading.RLock()
        new.calendars = {}
        copied: Dict[int, StoredEvent] = {}

        def twin(ev: StoredEvent) -> StoredEvent:
            if id(ev) not in copied:
                master = twin(ev.master) if ev.master is not None else None
                copied[id(ev)] = replace(ev, resource=copy_json(ev.resource), master=master)
            return copied[id(ev)]

        for cid, cal in self.calendars.items():
            new.calendars[cid] = replace(
                cal,
                entry=copy_json(cal.entry),
                events={eid: twin(ev) for eid, ev in cal.events.items()},
                exceptions={
                    rid: {key: twin(ev) for key, ev in by_start.items()}
                    for rid, by_start in cal.exceptions.items()
                },
            )
        return new

    # -- loading ---------------------------------------------------------------------------

    def bump(self) -> int:
        """Advance the change counter and return the new value."""
        self.counter += 1
        return self.counter

    def _add_calendar(self, raw: Dict[str, Any]) -> None:
        entry = {k: copy.deepcopy(raw[k]) for k in _ENTRY_KEYS if k in raw}
        if "id" not in entry:
            raise ValueError("every calendar needs an id")
        entry["kind"] = "calendar#calendarListEntry"
        entry.setdefault("summary", entry["id"])
        entry.setdefault("timeZone", "UTC")
        entry.setdefault("accessRole", "reader")
        entry.setdefault("defaultReminders", [])
        zone = get_zone(entry["timeZone"])
        if zone is None:
            raise ValueError(f"unknown time zone {entry['timeZone']!r}")
        if entry.get("primary"):
            self.primary_id = entry["id"]
        entry["etag"] = _etag("cal", entry["id"], self.counter)
        cal = Calendar(
            entry=entry,
            zone=zone,
            stamp=self.bump(),
            order=len(self.calendars),
            own_org=bool(raw.get("_ownOrganization", True)),
            listed=bool(raw.get("_inCalendarList", True)),
            updated=raw.get("updated") or "",
        )
        self.calendars[entry["id"]] = cal
        for ev in raw.get("events", []):
            self.add_event(cal, ev)
        if not cal.updated:
            latest = max((e.updated_ts for e in cal.events.values()), default=0.0)
            cal.updated = format_stamp(datetime.fromtimestamp(latest or 0, UTC))

    def add_event(self, cal: Calendar, raw: Dict[str, Any]) -> StoredEvent:
        """Normalise one event of the data format and index it in `cal`."""
        res = {k: copy.deepcopy(v) for k, v in raw.items() if k not in INTERNAL_EVENT_KEYS}
        if "id" not in res:
            raise ValueError(f"event without id in calendar {cal.id}")
        now = clock.now()
        res["kind"] = "calendar#event"
        res.setdefault("status", "confirmed")
        res.setdefault("created", format_stamp(now))
        res.setdefault("updated", res["created"])
        res.setdefault("htmlLink", html_link(res["id"], cal.id))
        res.setdefault("iCalUID", (res.get("recurringEventId") or res["id"]) + "@google.com")
        res.setdefault("sequence", 0)
        if res.get("status") != "cancelled" or "start" in res:
            res.setdefault("eventType", "default")
            res.setdefault("reminders", {"useDefault": True})
        for key in ("start", "end", "originalStartTime"):
            if key in res:
                res[key] = self._normalise_time(res[key], cal.zone)
        if "end" not in res and "start" in res:
            res["end"] = dict(res["start"])
        stamp = self.bump()
        res["etag"] = _etag("ev", cal.id, res["id"], stamp)
        ev = StoredEvent(
            resource=res,
            order=self._order,
            stamp=stamp,
            hidden=bool(raw.get("_hiddenInvitation")),
        )
        self._order += 1
        self._compute(ev, cal)
        old = cal.events.get(ev.id)
        if old is not None:
            ev.order = old.order
        cal.events[ev.id] = ev
        rid = res.get("recurringEventId")
        if rid and "originalStartTime" in res:
            cal.exceptions.setdefault(rid, {})[original_key(res["originalStartTime"])] = ev
        return ev

    @staticmethod
    def _normalise_time(value: Dict[str, Any], zone: ZoneInfo) -> Dict[str, Any]:
        """Express dateTime values in the calendar's zone, as Google's responses do by default.

        The event's own `timeZone` is kept: it names the wall clock a series repeats in.
        """
        value = dict(value)
        if "dateTime" in value:
            value["dateTime"] = format_datetime(parse_rfc3339(value["dateTime"]), zone)
        elif "date" in value:
            parse_date(value["date"])
        return value

    @staticmethod
    def _compute(ev: StoredEvent, cal: Calendar) -> None:
        res = ev.resource
        timing = res.get("start") or res.get("originalStartTime")
        if timing is not None:
            start = event_time(timing, cal.zone)
            end = event_time(res["end"], cal.zone) if "end" in res else start
            if "start" not in res and "originalStartTime" in res:
                end = start + timedelta(minutes=1)
            ev.start_ts, ev.end_ts = start.timestamp(), end.timestamp()
        ev.updated_ts = parse_rfc3339(res["updated"]).timestamp()
        ev.haystack = None
        ev.series_end_ts = None

    # -- lookups ---------------------------------------------------------------------------

    def calendar(self, calendar_id: str) -> Optional[Calendar]:
        """Resolve a calendar id (`primary` aliases the primary calendar)."""
        if calendar_id == "primary":
            calendar_id = self.primary_id or ""
        return self.calendars.get(calendar_id)

    # -- mutations used by tests -----------------------------------------------------------

    def update_event(self, calendar_id: str, event_id: str, changes: Dict[str, Any]) -> None:
        """Change fields of an event, bumping `updated`, `sequence` and its stamp."""
        with self.lock:
            cal = self._require(calendar_id)
            old = cal.events.get(event_id)
            if old is None:
                raise KeyError(event_id)
            raw = copy.deepcopy(old.resource)
            raw.update(copy.deepcopy(changes))
            raw["updated"] = format_stamp(self._next_updated(old))
            raw["sequence"] = int(raw.get("sequence", 0)) + ("start" in changes)
            if old.hidden:
                raw["_hiddenInvitation"] = True
            self.add_event(cal, raw)

    def delete_event(self, calendar_id: str, event_id: str) -> None:
        """Mark an event deleted (status cancelled), as Google keeps deleted events around."""
        self.update_event(calendar_id, event_id, {"status": "cancelled"})

    def insert_event(self, calendar_id: str, event: Dict[str, Any]) -> None:
        """Add a new event (tests use this to check sync tokens pick it up)."""
        with self.lock:
            cal = self._require(calendar_id)
            raw = copy.deepcopy(event)
            now = format_stamp(clock.now())
            raw.setdefault("created", now)
            raw.setdefault("updated", now)
            self.add_event(cal, raw)

    def invalidate_sync_tokens(self) -> None:
        """Make every sync token issued so far answer 410 GONE."""
        with self.lock:
            self.sync_epoch += 1

    def _require(self, calendar_id: str) -> Calendar:
        cal = self.calendar(calendar_id)
        if cal is None:
            raise KeyError(calendar_id)
        return cal

    @staticmethod
    def _next_updated(old: StoredEvent) -> datetime:
        """A new `updated` that is now, but never before the old one (keeps updatedMin sane)."""
        now = clock.now()
        before = datetime.fromtimestamp(old.updated_ts, UTC) + timedelta(milliseconds=1)
        return max(now, before)


def load_data(data: Union[Dict[str, Any], str, Path, None]) -> Dict[str, Any]:
    """Accept None (the demo account), a dict, or a path to a JSON file."""
    if data is None:
        from gcal.emulator.demodata import build_demo_data

        return build_demo_data()
    if isinstance(data, (str, Path)):
        with open(data, encoding="utf-8") as fh:
            data = json.load(fh)
    check_data(data)
    return data


def check_data(data: Any) -> None:
    """Refuse data that is not in the documented shape, with a message that says where."""
    if not isinstance(data, dict):
        raise ValueError("the data must be a JSON object with a 'calendars' list")
    calendars = data.get("calendars")
    if not isinstance(calendars, list):
        raise ValueError("'calendars' must be a list of calendar objects")
    for n, calendar in enumerate(calendars):
        if not isinstance(calendar, dict) or not isinstance(calendar.get("id"), str):
            raise ValueError(f"calendars[{n}] must be an object with a string 'id'")
        events = calendar.get("events", [])
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise ValueError(f"calendars[{n}].events must be a list of event objects")
        for k, event in enumerate(events):
            if not isinstance(event.get("id", ""), str):
                raise ValueError(f"calendars[{n}].events[{k}].id must be a string")
    groups = data.get("groups", [])
    if not isinstance(groups, list):
        raise ValueError("'groups' must be a list of group objects")
    for n, group in enumerate(groups):
        members = group.get("members", []) if isinstance(group, dict) else None
        if not isinstance(group, dict) or not isinstance(group.get("id"), str):
            raise ValueError(f"groups[{n}] must be an object with a string 'id'")
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise ValueError(f"groups[{n}].members must be a list of calendar ids")
