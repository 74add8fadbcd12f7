"""events.list, events.instances and calendarList.list: filtering, ordering, paging, sync.

Each method validates its parameters first (so bad values are 400s before any work), then
computes the full ordered result for the canonical query once (cached; see `paging`), and
renders only the requested page. The rules follow Google's reference pages for these methods;
comments cite the rule where it is surprising.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Tuple

from gcal.emulator import recurrence
from gcal.emulator.errors import bad_request, deleted, invalid, not_found
from gcal.emulator.paging import (
    ResultCache,
    make_page_token,
    make_sync_token,
    read_page_token,
    read_sync_token,
)
from gcal.emulator.params import (
    Query,
    canonical,
    first,
    get_bool,
    get_enum,
    get_enum_list,
    get_int,
    get_properties,
    get_time,
    get_zone_param,
)
from gcal.emulator.render import haystack, render_event
from gcal.emulator.store import ROLE_RANK, Calendar, Store, StoredEvent, original_key

EVENT_TYPES = ("birthday", "default", "focusTime", "fromGmail", "outOfOffice", "workingLocation")
_SYNC_CONFLICTS = (
    "iCalUID",
    "orderBy",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "timeMin",
    "timeMax",
    "updatedMin",
)
_TERMS = re.compile(r'"([^"]*)"|(\S+)')
_ROLES = ("freeBusyReader", "owner", "reader", "writer", "writerWithoutPrivateAccess")


# events.get takes only these of the list parameters
_GET_PARAMS = ("alwaysIncludeEmail", "maxAttendees", "timeZone")


class _EventsParams:
    """Validated events.list / events.instances parameters."""

    def __init__(self, query: Query, *, instances: bool) -> None:
        self.max_attendees = get_int(query, "maxAttendees", None, 1, None)
        self.max_results = get_int(query, "maxResults", 250, 1, 2500) or 250
        self.show_deleted = get_bool(query, "showDeleted")
        self.time_min = get_time(query, "timeMin")
        self.time_max = get_time(query, "timeMax")
        self.zone = get_zone_param(query)
        get_bool(query, "alwaysIncludeEmail")
        if instances:
            self.original_start = get_time(query, "originalStart")
            self.single_events = True
            self.show_hidden = True
            self.order_by = None
            self.event_types: Tuple[str, ...] = ()
            self.ical_uid = self.q = self.sync_token = None
            self.private_props: List[tuple] = []
            self.shared_props: List[tuple] = []
            self.updated_min = None
        else:
            self.original_start = None
            self.single_events = get_bool(query, "singleEvents")
            self.show_hidden = get_bool(query, "showHiddenInvitations")
            self.order_by = get_enum(query, "orderBy", ("startTime", "updated"))
            self.event_types = tuple(get_enum_list(query, "eventTypes", EVENT_TYPES))
            self.ical_uid = first(query, "iCalUID") or None
            self.q = first(query, "q") or None
            self.private_props = get_properties(query, "privateExtendedProperty")
            self.shared_props = get_properties(query, "sharedExtendedProperty")
            self.updated_min = get_time(query, "updatedMin", whole_seconds=False)
            self.sync_token = first(query, "syncToken") or None
            if self.sync_token:
                for name in _SYNC_CONFLICTS:
                    if query.get(name):
                        raise invalid(name, f"Invalid parameter combination: syncToken and {name}.")
            if self.order_by == "startTime" and not self.single_events:
                raise bad_request(
                    "The requested ordering is not available for the particular query."
                )
        if self.time_min and self.time_max and self.time_min >= self.time_max:
            raise bad_request("The specified time range is empty.")
        self.tmin = self.time_min.timestamp() if self.time_min else None
        self.tmax = self.time_max.timestamp() if self.time_max else None
        self.terms = [a or b for a, b in _TERMS.findall(self.q.casefold())] if self.q else []


class Engine:
    """Answers the three list methods from a `Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache = ResultCache()

    # -- events.list -----------------------------------------------------------------------

    def events_list(self, calendar_id: str, query: Query) -> Dict[str, Any]:
        cal = self._calendar(calendar_id)
        p = _EventsParams(query, instances=False)
        with self.store.lock:
            counter = self.store.counter
            since = None
            if p.sync_token:
                since = read_sync_token(p.sync_token, "events:" + cal.id, self.store.sync_epoch)
            key = "events:" + cal.id + "?" + canonical(query, ("pageToken", "maxResults"))
            offset, counter = self._page_start(query, key, counter)
            items = self.cache.get(key, counter, lambda: self._collect(cal, p, since))
        page = items[offset : offset + p.max_results]
        body = self._events_envelope(cal, p)
        if offset + p.max_results < len(items):
            body["nextPageToken"] = make_page_token(key, counter, offset + p.max_results)
        else:
            body["nextSyncToken"] = make_sync_token(
                "events:" + cal.id, self.store.sync_epoch, counter
            )
        body["items"] = [self._render(ev, cal, p) for ev in page]
        return body

    def occurrences(self, cal: Calendar, time_min: str, time_max: str) -> List[StoredEvent]:
        """The events and series instances of `cal` that intersect [time_min, time_max), as
        events.list with singleEvents=true would list them (freeBusy builds on this)."""
        query = {"singleEvents": ["true"], "timeMin": [time_min], "timeMax": [time_max]}
        with self.store.lock:
            return self._collect(cal, _EventsParams(query, instances=False), None)

    def _collect(self, cal: Calendar, p: _EventsParams, since: Optional[int]) -> List[StoredEvent]:
        include_deleted = p.show_deleted or p.updated_min is not None or since is not None
        out: List[StoredEvent] = []
        for ev in list(cal.events.values()):
            res = ev.resource
            rid = res.get("recurringEventId")
            if rid and rid in cal.events and p.single_events:
                continue  # exceptions are emitted with their series below
            # A cancelled exception of a series is listed even without showDeleted when
            # singleEvents is false; other deleted events only when deletions are asked for.
            if ev.cancelled and not include_deleted and not (rid and not p.single_events):
                continue
            if res.get("recurrence") and p.single_events:
                # a deleted series shows as its cancelled instances when deletions are asked
                # for ("only single instances of deleted events ... are returned")
                if not ev.cancelled or include_deleted:
                    out.extend(self._expand(cal, ev, p, include_deleted, since, inclusive=False))
                continue
            if not self._time_ok(cal, ev, p, inclusive=False):
                continue
            if self._matches(cal, ev, p, since):
                out.append(ev)
        return self._order(out, p)

    def _expand(
        self,
        cal: Calendar,
        master: StoredEvent,
        p: _EventsParams,
        include_deleted: bool,
        since: Optional[int],
        inclusive: bool,
    ) -> List[StoredEvent]:
        """Instances of a series in the window, with exceptions replacing generated ones."""
        exceptions = cal.exceptions.get(master.id, {})
        mres = master.resource
        all_day = recurrence.is_all_day(mres)
        lo = p.tmin - 1e-6 if (inclusive and p.tmin is not None) else p.tmin
        found: List[StoredEvent] = []
        for start, end in recurrence.occurrences(mres, cal.zone, lo, p.tmax):
            if recurrence.occurrence_key(start, all_day) in exceptions:
                continue
            inst = StoredEvent(
                resource=recurrence.make_instance(mres, start, end, cal.zone, cal.id),
                order=master.order,
                stamp=master.stamp,
                hidden=master.hidden,
                start_ts=start.timestamp(),
                end_ts=end.timestamp(),
                updated_ts=master.updated_ts,
                master=master,
            )
            if self._matches(cal, inst, p, since):
                found.append(inst)
        for exc in exceptions.values():
            if exc.cancelled and not include_deleted:
                continue
            if exc.id not in cal.events or cal.events[exc.id] is not exc:
                continue
            if not self._time_ok(cal, exc, p, inclusive=inclusive):
                continue
            if self._matches(cal, exc, p, since):
                found.append(exc)
        found.sort(key=lambda e: e.start_ts)
        return found

    def _time_ok(self, cal: Calendar, ev: StoredEvent, p: _EventsParams, inclusive: bool) -> bool:
        start, end = ev.start_ts, ev.end_ts
        if ev.resource.get("recurrence") and not p.single_events:
            if ev.series_end_ts is None:
                ev.series_end_ts = recurrence.series_end(ev.resource, cal.zone)
            end = ev.series_end_ts
        if p.tmax is not None and start >= p.tmax:
            return False
        if p.tmin is not None:
            if inclusive:
                return end >= p.tmin
            return end > p.tmin
        return True

    def _matches(
        self, cal: Calendar, ev: StoredEvent, p: _EventsParams, since: Optional[int]
    ) -> bool:
        res = ev.resource
        if ev.hidden and not p.show_hidden:
            return False
        if since is not None and ev.stamp <= since:
            return False
        if p.updated_min is not None and ev.updated_ts < p.updated_min.timestamp():
            return False
        if p.event_types and res.get("eventType", "default") not in p.event_types:
            return False
        if p.ical_uid is not None and res.get("iCalUID") != p.ical_uid:
            return False
        if p.private_props or p.shared_props:
            ext = res.get("extendedProperties") or {}
            if any((ext.get("private") or {}).get(k) != v for k, v in p.private_props):
                return False
            if any((ext.get("shared") or {}).get(k) != v for k, v in p.shared_props):
                return False
        if p.terms:
            source = ev.master if ev.master is not None else ev
            if source.haystack is None:
                source.haystack = haystack(source.resource, cal.role)
            if not all(t in source.haystack for t in p.terms):
                return False
        return True

    @staticmethod
    def _order(items: List[StoredEvent], p: _EventsParams) -> List[StoredEvent]:
        if p.order_by == "startTime":
            items.sort(key=lambda e: (e.start_ts, e.end_ts, e.order))
        elif p.order_by == "updated":
            items.sort(key=lambda e: (e.updated_ts, e.order, e.start_ts))
        return items

    # -- events.instances ------------------------------------------------------------------

    def instances(self, calendar_id: str, event_id: str, query: Query) -> Dict[str, Any]:
        cal = self._calendar(calendar_id)
        p = _EventsParams(query, instances=True)
        with self.store.lock:
            master = cal.events.get(event_id)
            if master is None:
                raise not_found()
            if master.cancelled:
                raise deleted()  # Google: 410 GONE for a deleted event, not an empty list
            counter = self.store.counter
            key = f"instances:{cal.id}/{event_id}?" + canonical(query, ("pageToken", "maxResults"))
            offset, counter = self._page_start(query, key, counter)
            items = self.cache.get(key, counter, lambda: self._collect_instances(cal, master, p))
        page = items[offset : offset + p.max_results]
        body = self._events_envelope(cal, p)
        if offset + p.max_results < len(items):
            body["nextPageToken"] = make_page_token(key, counter, offset + p.max_results)
        body["items"] = [self._render(ev, cal, p) for ev in page]
        return body

    def _collect_instances(
        self, cal: Calendar, master: StoredEvent, p: _EventsParams
    ) -> List[StoredEvent]:
        if not master.resource.get("recurrence") or master.cancelled:
            return []
        found = self._expand(cal, master, p, p.show_deleted, None, inclusive=True)
        if p.original_start is not None:
            want = p.original_start.timestamp()
            all_day = recurrence.is_all_day(master.resource)
            found = [e for e in found if self._original_ts(cal, e, all_day) == want]
        return found

    # -- events.get ------------------------------------------------------------------------

    def get_event(self, calendar_id: str, event_id: str, query: Query) -> Dict[str, Any]:
        """events.get: a stored event (deleted ones too, with status cancelled) or one instance
        of a series by its instance id (`SERIES_20240604T080000Z`, `SERIES_20240607`)."""
        cal = self._calendar(calendar_id)
        p = _EventsParams({k: v for k, v in query.items() if k in _GET_PARAMS}, instances=True)
        with self.store.lock:
            ev = cal.events.get(event_id)
            if ev is None:
                ev = self._generated_instance(cal, event_id, p)
            if ev is None:
                raise not_found()
            return self._render(ev, cal, p)

    def _generated_instance(
        self, cal: Calendar, event_id: str, p: _EventsParams
    ) -> Optional[StoredEvent]:
        series_id, _, _ = event_id.rpartition("_")
        master = cal.events.get(series_id) if series_id else None
        if master is None or not master.resource.get("recurrence") or master.cancelled:
            return None
        for inst in self._expand(cal, master, p, False, None, inclusive=True):
            if inst.resource.get("id") == event_id:
                return inst
        return None

    @staticmethod
    def _original_ts(cal: Calendar, ev: StoredEvent, all_day: bool) -> float:
        orig = ev.resource.get("originalStartTime") or {}
        key = original_key(orig) if orig else None
        if isinstance(key, str):
            from gcal.emulator.timeutil import midnight, parse_date

            return midnight(parse_date(key), cal.zone).timestamp()
        return float(key) if key is not None else -1.0

    # -- shared ----------------------------------------------------------------------------

    def _calendar(self, calendar_id: str) -> Calendar:
        cal = self.store.calendar(calendar_id)
        # a calendar the user may only query free/busy (not on their list) has no events to read
        if cal is None or cal.entry.get("deleted") or not cal.listed:
            raise not_found()
        return cal

    def _page_start(self, query: Query, key: str, counter: int) -> Tuple[int, int]:
        """Offset and snapshot for a request; a page token pins the snapshot it came from."""
        token = first(query, "pageToken")
        if not token:
            return 0, counter
        snap, offset = read_page_token(token, key)
        if self.cache.peek(key, snap) is not None:
            return offset, snap
        return offset, counter

    def _events_envelope(self, cal: Calendar, p: _EventsParams) -> Dict[str, Any]:
        entry = cal.entry
        body: Dict[str, Any] = {
            "kind": "calendar#events",
            "etag": f'"{cal.stamp}{self.store.counter:012d}"',
            "summary": entry.get("summary", cal.id),
        }
        if entry.get("description"):
            body["description"] = entry["description"]
        body["updated"] = cal.updated
        body["timeZone"] = p.zone.key if p.zone is not None else entry["timeZone"]
        body["accessRole"] = cal.role
        body["defaultReminders"] = list(entry.get("defaultReminders", []))
        return body

    @staticmethod
    def _render(ev: StoredEvent, cal: Calendar, p: _EventsParams) -> Dict[str, Any]:
        return render_event(ev.resource, cal.role, cal.zone, p.zone, p.max_attendees)

    # -- calendarList.list -----------------------------------------------------------------

    def calendar_list(self, query: Query) -> Dict[str, Any]:
        max_results = get_int(query, "maxResults", 100, 1, 250) or 100
        min_role = get_enum(query, "minAccessRole", _ROLES)
        show_deleted = get_bool(query, "showDeleted")
        show_hidden = get_bool(query, "showHidden")
        own_only = get_bool(query, "showOwnOrganizationOnly")
        sync_token = first(query, "syncToken") or None
        if sync_token and min_role:
            raise invalid(
                "minAccessRole", "Invalid parameter combination: syncToken and minAccessRole."
            )
        with self.store.lock:
            since = None
            if sync_token:
                since = read_sync_token(sync_token, "calendarList", self.store.sync_epoch)
            counter = self.store.counter
            key = "calendarList?" + canonical(query, ("pageToken", "maxResults"))
            offset, counter = self._page_start(query, key, counter)

            def compute() -> List[Calendar]:
                out = []
                for cal in self.store.calendars.values():
                    e = cal.entry
                    if not cal.listed:
                        continue
                    if since is not None:
                        # deleted and hidden entries changed since the token are always included
                        if cal.stamp > since:
                            out.append(cal)
                        continue
                    if e.get("deleted") and not show_deleted:
                        continue
                    if e.get("hidden") and not show_hidden:
                        continue
                    if min_role and ROLE_RANK.get(cal.role, 0) < ROLE_RANK[min_role]:
                        continue
                    if own_only and not cal.own_org:
                        continue
                    out.append(cal)
                return out

            items = self.cache.get(key, counter, compute)
        page = items[offset : offset + max_results]
        body: Dict[str, Any] = {"kind": "calendar#calendarList", "etag": f'"p{counter:014d}"'}
        if offset + max_results < len(items):
            body["nextPageToken"] = make_page_token(key, counter, offset + max_results)
        else:
            body["nextSyncToken"] = make_sync_token("calendarList", self.store.sync_epoch, counter)
        body["items"] = [dict(c.entry) for c in page]
        return body


def iter_all(items: Iterable[Any]) -> List[Any]:
    return list(items)
