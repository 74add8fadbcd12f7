"""Answering events.list questions from the store, as the API would have answered them.

Candidates are selected with the indexed time columns (a series spans all its occurrences), the
JSON is parsed only for those, and `gcal.core.expand` turns series into instances. Filters the
store can answer are applied here with the API's rules; `UNANSWERABLE` names those it cannot
(they need data the API never sent, e.g. hidden invitations, or the server's own matching).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from gcal.core import expand
from gcal.lazyre import LazyPattern
from gcal.store.db import Store

Window = Tuple[Optional[float], Optional[float]]

#: events.list parameters an answer from the store cannot honour
UNANSWERABLE = (
    "iCalUID",
    "privateExtendedProperty",
    "sharedExtendedProperty",
    "showHiddenInvitations",
    "maxAttendees",
    "syncToken",
    "pageToken",
    "alwaysIncludeEmail",
)

_TERMS = LazyPattern(r'"([^"]*)"|(\S+)')  # a search's words: not an agenda's


class NeverSynced(Exception):
    """A calendar the store has no sync of."""

    def __init__(self, calendar_id: str) -> None:
        super().__init__(calendar_id)
        self.calendar_id = calendar_id


def calendar_zone(store: Store, calendar_id: str) -> Any:
    row = store.calendar_row(calendar_id)
    if row is None or row["synced_at"] is None:
        raise NeverSynced(calendar_id)
    name = row["time_zone"]
    if not name:
        try:
            name = json.loads(row["entry"]).get("timeZone")
        except ValueError:
            name = None
    return expand.zone_named(name) or expand.UTC


def _range_sql(window: Window) -> Tuple[str, List[Any]]:
    lo, hi = window
    sql, args = "", []
    if hi is not None:
        sql += " AND start_ts < ?"
        args.append(hi)
    if lo is not None:
        sql += " AND end_ts > ?"
        args.append(lo)
    return sql, args


def _load(rows: Iterable[Any]) -> List[Tuple[int, Dict[str, Any]]]:
    return [(row["position"], json.loads(row["resource"])) for row in rows]


def expanded(
    store: Store,
    calendar_id: str,
    window: Window,
    *,
    show_deleted: bool = False,
    now: Any = None,
) -> List[Dict[str, Any]]:
    """The calendar's events as listed with singleEvents=true, orderBy=startTime in `window`."""
    rows = _expanded_rows(store, calendar_id, window, show_deleted=show_deleted, now=now)
    return [row[3] for row in rows]


def _expanded_rows(
    store: Store,
    calendar_id: str,
    window: Window,
    *,
    show_deleted: bool = False,
    now: Any = None,
    horizon_lo: Any = "window",
) -> List[Tuple[float, float, int, Dict[str, Any]]]:
    zone = calendar_zone(store, calendar_id)
    conn = store.conn
    where, args = _range_sql(window)
    rows = conn.execute(
        "SELECT id, position, is_series, recurring_event_id, resource FROM events "
        "WHERE calendar_id = ? AND start_ts IS NOT NULL" + where,
        [calendar_id, *args],
    ).fetchall()
    found = {row["id"]: row for row in rows}
    # the series of exceptions in the window, and every exception of a series in it (a moved
    # instance removes an occurrence in the window even when it now lies outside)
    wanted = {r["recurring_event_id"] for r in rows if r["recurring_event_id"]} - set(found)
    for series_id in wanted:
        row = conn.execute(
            "SELECT id, position, is_series, recurring_event_id, resource FROM events "
            "WHERE calendar_id = ? AND id = ?",
            (calendar_id, series_id),
        ).fetchone()
        if row is not None:
            found[row["id"]] = row
    for series_id in [i for i, r in list(found.items()) if r["is_series"]]:
        for row in conn.execute(
            "SELECT id, position, is_series, recurring_event_id, resource FROM events "
            "WHERE calendar_id = ? AND recurring_event_id = ?",
            (calendar_id, series_id),
        ):
            found.setdefault(row["id"], row)
    events = [event for _, event in sorted(_load(found.values()), key=lambda p: p[0])]
    return expand.single_event_rows(
        events, zone, window, show_deleted=show_deleted, now=now, horizon_lo=horizon_lo
    )


#: candidate rows a slice of a streamed, expanded listing reads at most (series aside)
SLICE_ROWS = 2000


def _slices(store: Store, calendar_id: str, window: Window) -> Iterator[Window]:
    """`window` cut at event starts into consecutive slices of about SLICE_ROWS events each."""
    lo, hi = window
    current = lo
    while True:
        sql = "SELECT start_ts FROM events WHERE calendar_id = ? AND start_ts IS NOT NULL"
        args: List[Any] = [calendar_id]
        if current is not None:
            sql += " AND start_ts > ?"
            args.append(current)
        if hi is not None:
            sql += " AND start_ts < ?"
            args.append(hi)
        row = store.conn.execute(
            sql + " ORDER BY start_ts LIMIT 1 OFFSET ?", [*args, SLICE_ROWS]
        ).fetchone()
        if row is None:
            yield (current, hi)
            return
        yield (current, row[0])
        current = row[0]


def expanded_stream(
    store: Store,
    calendar_id: str,
    window: Window,
    *,
    show_deleted: bool = False,
    now: Any = None,
) -> Iterator[Dict[str, Any]]:
    """`expanded`, read slice by slice (by start), so memory stays flat however many events
    the window holds: each slice's series are expanded within the slice only, and an instance
    is given by the slice its start falls in (the first slice also gives those that started
    before the window)."""
    first = True
    for lo, hi in _slices(store, calendar_id, window):
        rows = _expanded_rows(
            store,
            calendar_id,
            (lo, hi),
            show_deleted=show_deleted,
            now=now,
            horizon_lo=window[0],  # a series that never ends stops where the whole would
        )
        for start, _end, _rank, event in rows:
            if first or lo is None or start >= lo:
                yield event
        first = False


def _haystack(event: Dict[str, Any]) -> str:
    """The text `q` searches, as the emulator and Google's documentation describe it."""
    parts = [event.get("summary", ""), event.get("description", ""), event.get("location", "")]
    for person in event.get("attendees") or ():
        parts += [person.get("displayName", ""), person.get("email", "")]
    org = event.get("organizer") or {}
    parts += [org.get("displayName", ""), org.get("email", "")]
    wl = event.get("workingLocationProperties") or {}
    office = wl.get("officeLocation") or {}
    parts += [office.get("buildingId", ""), office.get("deskId", ""), office.get("label", "")]
    parts.append((wl.get("customLocation") or {}).get("label", ""))
    kind = event.get("eventType")
    if kind == "outOfOffice":
        parts.append("out of office")
    elif kind == "focusTime":
        parts.append("focus time")
    elif kind == "workingLocation":
        if "homeOffice" in wl:
            parts.append("home")
        if "officeLocation" in wl:
            parts.append("office")
    return "\n".join(p for p in parts if isinstance(p, str) and p).casefold()


def list_events(
    store: Store,
    calendar_id: str,
    *,
    window: Window = (None, None),
    single_events: bool = False,
    order_by: Optional[str] = None,
    show_deleted: bool = False,
    q: Optional[str] = None,
    event_types: Sequence[str] = (),
    updated_min: Optional[float] = None,
    now: Any = None,
) -> List[Dict[str, Any]]:
    """events.list from the store with the filters it can answer (see UNANSWERABLE)."""
    include_deleted = show_deleted or updated_min is not None
    if single_events:
        items = expanded(store, calendar_id, window, show_deleted=include_deleted, now=now)
        if order_by is None:
            # without orderBy the API lists in its listing order, a series' instances (in
            # start order) in the series' place: so --limit keeps the same events
            places = _positions(store, calendar_id, items)
            items.sort(key=lambda e: _place(places, e, series_first=True))
    else:
        calendar_zone(store, calendar_id)
        where, args = _range_sql(window)
        rows = store.conn.execute(
            "SELECT position, status, recurring_event_id, resource FROM events "
            "WHERE calendar_id = ?" + where + " ORDER BY position",
            [calendar_id, *args],
        ).fetchall()
        items = []
        for row in rows:
            cancelled = row["status"] == "cancelled"
            # cancelled exceptions are listed without showDeleted when series are not expanded
            if cancelled and not include_deleted and not row["recurring_event_id"]:
                continue
            items.append(json.loads(row["resource"]))
    items = list(_filtered(items, event_types, updated_min, q))
    if order_by == "updated":
        # the API breaks ties of `updated` by the listing order (an instance takes its
        # series' place); `items` is already in start order within each event
        places = _positions(store, calendar_id, items)
        items.sort(key=lambda e: (_updated(e) or 0.0, _place(places, e, series_first=False)))
    return items


def stream_events(
    store: Store,
    calendar_id: str,
    *,
    window: Window = (None, None),
    single_events: bool = False,
    order_by: Optional[str] = None,
    show_deleted: bool = False,
    q: Optional[str] = None,
    event_types: Sequence[str] = (),
    updated_min: Optional[float] = None,
    now: Any = None,
) -> Iterator[Dict[str, Any]]:
    """`list_events` as an iterator that reads the store as it goes (call it inside a
    snapshot and consume it there), so an offline listing of 100,000 events holds a few
    thousand at a time: the stored events in listing order, or by `updated`, or with
    `single_events` and orderBy=startTime the instances slice by slice. The orders it cannot
    stream (expanded series in listing order) are read whole first, as `list_events` does."""
    include_deleted = show_deleted or updated_min is not None
    if single_events and order_by == "startTime":
        calendar_zone(store, calendar_id)
        items: Iterable[Dict[str, Any]] = expanded_stream(
            store, calendar_id, window, show_deleted=include_deleted, now=now
        )
    elif single_events or order_by not in (None, "updated"):
        yield from list_events(
            store,
            calendar_id,
            window=window,
            single_events=single_events,
            order_by=order_by,
            show_deleted=show_deleted,
            q=q,
            event_types=event_types,
            updated_min=updated_min,
            now=now,
        )
        return
    else:
        calendar_zone(store, calendar_id)
        where, args = _range_sql(window)
        # by `updated`, ties in listing order; events sent without one first (as 0)
        order = "COALESCE(updated_ts, 0), position" if order_by == "updated" else "position"
        cursor = store.conn.execute(
            "SELECT status, recurring_event_id, resource FROM events "
            "WHERE calendar_id = ?" + where + " ORDER BY " + order,
            [calendar_id, *args],
        )
        items = (
            json.loads(row["resource"])
            for row in cursor
            # cancelled exceptions are listed without showDeleted when series are not expanded
            if include_deleted or row["status"] != "cancelled" or row["recurring_event_id"]
        )
    yield from _filtered(items, event_types, updated_min, q)


def _filtered(
    items: Iterable[Dict[str, Any]],
    event_types: Sequence[str],
    updated_min: Optional[float],
    q: Optional[str],
) -> Iterator[Dict[str, Any]]:
    """The events of `items` that pass the listing's filters: eventTypes, updatedMin and q
    (every word of q in the event's text), as the API applies them."""
    terms = [a or b for a, b in _TERMS.findall(q.casefold())] if q else []
    for event in items:
        if event_types and event.get("eventType", "default") not in event_types:
            continue
        if updated_min is not None and (_updated(event) or 0) < updated_min:
            continue
        if terms and not all(t in _haystack(event) for t in terms):
            continue
        yield event


def _place(places: Dict[str, int], event: Dict[str, Any], *, series_first: bool) -> int:
    """An event's listing position: an instance's is its series' (an exception's own, unless
    `series_first`, when a stored series lists its exceptions in its place)."""
    own, series = places.get(event.get("id")), places.get(event.get("recurringEventId"))
    if series_first and series is not None:
        return series
    if own is not None:
        return own
    return series if series is not None else 0


def _positions(store: Store, calendar_id: str, items: List[Dict[str, Any]]) -> Dict[str, int]:
    """Listing position of each stored event among `items` (and of their series)."""
    ids = {e.get("id") for e in items} | {e.get("recurringEventId") for e in items}
    ids.discard(None)
    places: Dict[str, int] = {}
    chunk = sorted(ids)
    for i in range(0, len(chunk), 500):
        part = chunk[i : i + 500]
        marks = ",".join("?" * len(part))
        for row in store.conn.execute(
            f"SELECT id, position FROM events WHERE calendar_id = ? AND id IN ({marks})",
            [calendar_id, *part],
        ):
            places[row["id"]] = row["position"]
    return places


def _updated(event: Dict[str, Any]) -> Optional[float]:
    from gcal.core.timespec import parse_rfc3339

    dt = parse_rfc3339(event.get("updated") or "")
    return dt.timestamp() if dt is not None else None
