"""`gcal search` over the store: the full-text index (see `gcal.store.db`) asked with FTS5,
its hits ranked by bm25 and gathered per series.

A series is one hit, shown at its next occurrence in the window (its last one when the window
holds none ahead); with `instances`, each occurrence in the window that matches instead. An
occurrence matches when its own text does: a modified occurrence (an exception, stored with
its own text) by its own index row, the others by their series'. Cancelled events never match.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from gcal.core import expand
from gcal.core.textsearch import Query
from gcal.store.db import Store
from gcal.store.query import Window, calendar_zone

#: bm25 weights of the index's columns: a word in the title counts most
WEIGHTS = (10.0, 4.0, 3.0, 1.0, 2.0, 1.0)


@dataclasses.dataclass
class Hit:
    """One answer: an event (an instance for a series) of a calendar, and its score (bm25:
    lower is better). A plain event's resource is read only once it is among those kept
    (`rowid` says which row), so that a word in 10,000 events costs no 10,000 JSON parses."""

    calendar_id: str
    event: Optional[Dict[str, Any]]
    score: float
    start: float
    rowid: Optional[int] = None


def order_key(order: str) -> Any:
    """The sort key of hits: best first (then by start), or by start."""
    if order == "start":
        return lambda h: (h.start, h.score, h.calendar_id, h.rowid or 0)
    return lambda h: (h.score, h.start, h.calendar_id, h.rowid or 0)


def search(
    store: Store,
    query: Query,
    calendar_ids: Sequence[str],
    window: Window = (None, None),
    *,
    instances: bool = False,
    now: Optional[datetime] = None,
    order: str = "rank",
    limit: Optional[int] = None,
) -> Tuple[List[Hit], int, bool]:
    """The first `limit` (all: None) events of `calendar_ids` in `window` that `query`
    matches, in `order` ("rank": best first, or "start"), each with its resource; how many
    match in all, and whether that count is exact (a common word's best hits are found
    without reading every matching event: its count is then the index's, about right)."""
    now = now or datetime.now(timezone.utc)
    with store.snapshot():
        zones = {cid: calendar_zone(store, cid) for cid in calendar_ids}
        if order == "rank" and limit is not None and not instances:
            best = _best_first(store, query, calendar_ids, window, limit)
            if best is not None:
                rows, about = best
                hits = []
                for cid in calendar_ids:
                    hits.extend(
                        _calendar_hits(
                            store, query, cid, zones[cid], window, instances, now, rows[cid]
                        )
                    )
                if len(hits) >= limit:
                    hits.sort(key=order_key(order))
                    hits = hits[:limit]
                    _load(store, hits)
                    return hits, about, False
        hits = []
        for cid in calendar_ids:
            hits.extend(_calendar_hits(store, query, cid, zones[cid], window, instances, now))
        total = len(hits)
        hits.sort(key=order_key(order))
        if limit is not None:
            hits = hits[:limit]
        _load(store, hits)
    return hits, total, True


def _best_first(
    store: Store, query: Query, calendar_ids: Sequence[str], window: Window, limit: int
) -> Optional[Tuple[Dict[str, List[Dict[str, Any]]], int]]:
    """The matching rows of `calendar_ids`, read best first from the index until twice
    `limit` events or series are found (each series with all its matching rows), and how
    many rows the index matches; None when that would not save reading most of them."""
    conn = store.conn
    weights = ", ".join(str(w) for w in WEIGHTS)
    try:
        ranked = conn.execute(
            f"SELECT rowid, bm25(search_index, {weights}) FROM search_index "
            "WHERE search_index MATCH ? ORDER BY 2",
            (query.fts(),),
        ).fetchall()
    except sqlite3.OperationalError:
        return None
    if len(ranked) <= 4 * limit:
        return None  # few matches: reading them all costs as little
    lo, hi = window
    wanted = set(calendar_ids)
    rows: Dict[str, List[Dict[str, Any]]] = {cid: [] for cid in calendar_ids}
    groups: Set[Tuple[str, str]] = set()
    series: Set[Tuple[str, str]] = set()
    for i in range(0, len(ranked), 500):
        part = ranked[i : i + 500]
        marks = ",".join("?" * len(part))
        facts = {
            r[0]: r
            for r in conn.execute(
                "SELECT rowid, calendar_id, id, is_series, recurring_event_id, start_ts, "
                f"end_ts, status FROM events WHERE rowid IN ({marks})",
                [rowid for rowid, _ in part],
            )
        }
        for rowid, score in part:
            fact = facts.get(rowid)
            if fact is None or fact[1] not in wanted or fact[7] == "cancelled":
                continue
            if hi is not None and (fact[5] is None or not fact[5] < hi):
                continue
            if lo is not None and (fact[6] is None or not fact[6] > lo):
                continue
            key = (fact[1], fact[4] or fact[2])
            if fact[3] or fact[4]:
                series.add(key)
            groups.add(key)
            rows[fact[1]].append(
                {
                    "rowid": rowid,
                    "id": fact[2],
                    "is_series": fact[3],
                    "recurring_event_id": fact[4],
                    "start_ts": fact[5],
                    "score": score,
                }
            )
        if len(groups) >= 2 * limit:
            break
    else:
        return None  # every match was read: the plain way is exact
    for cid, series_id in series:  # a series with every matching row of it
        complete = {}
        for column in ("id", "recurring_event_id"):
            for row in conn.execute(
                f"""
                SELECT e.rowid AS rowid, e.id, e.is_series, e.recurring_event_id, e.start_ts,
                       bm25(search_index, {weights}) AS score
                FROM events e JOIN search_index ON search_index.rowid = e.rowid
                WHERE e.calendar_id = ? AND e.{column} = ? AND search_index MATCH ?
                  AND coalesce(e.status, '') != 'cancelled'
                """,
                (cid, series_id, query.fts()),
            ):
                complete[row["rowid"]] = dict(row)
        kept = [r for r in rows[cid] if (r["recurring_event_id"] or r["id"]) != series_id]
        rows[cid] = kept + list(complete.values())
    return rows, len(ranked)


def _load(store: Store, hits: List[Hit]) -> None:
    """Read the resources of the hits that do not have theirs yet."""
    wanted = [h.rowid for h in hits if h.event is None and h.rowid is not None]
    found: Dict[int, Dict[str, Any]] = {}
    for i in range(0, len(wanted), 500):
        part = wanted[i : i + 500]
        marks = ",".join("?" * len(part))
        for rowid, text in store.conn.execute(
            f"SELECT rowid, resource FROM events WHERE rowid IN ({marks})", part
        ):
            found[rowid] = json.loads(text)
    for hit in hits:
        if hit.event is None and hit.rowid is not None:
            hit.event = found.get(hit.rowid, {})


def _calendar_hits(
    store: Store,
    query: Query,
    calendar_id: str,
    zone: Any,
    window: Window,
    instances: bool,
    now: datetime,
    given: Optional[List[Any]] = None,
) -> List[Hit]:
    """The hits of one calendar: from the index (or from `given`, the rows `_best_first`
    read), a series gathered into one (or its occurrences, with `instances`)."""
    conn = store.conn
    lo, hi = window
    where, args = "", []
    if hi is not None:
        where += " AND e.start_ts < ?"
        args.append(hi)
    if lo is not None:
        where += " AND e.end_ts > ?"
        args.append(lo)
    weights = ", ".join(str(w) for w in WEIGHTS)
    try:
        rows = (
            given
            if given is not None
            else conn.execute(
                f"""
            SELECT e.rowid AS rowid, e.id, e.is_series, e.recurring_event_id, e.start_ts,
                   bm25(search_index, {weights}) AS score
            FROM search_index CROSS JOIN events e ON e.rowid = search_index.rowid
            WHERE search_index MATCH ? AND e.calendar_id = ?
              AND coalesce(e.status, '') != 'cancelled' {where}
            """,
                [query.fts(), calendar_id, *args],
            ).fetchall()
        )
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []  # a store written before the index: the next sync rebuilds it
        raise
    singles: List[Hit] = []
    # series id -> best score, and the matching ids among its exceptions
    series: Dict[str, float] = {}
    exceptions: Dict[str, Dict[str, float]] = {}
    for row in rows:
        score = float(row["score"])
        if row["is_series"]:
            series[row["id"]] = min(score, series.get(row["id"], score))
        elif row["recurring_event_id"]:
            exceptions.setdefault(row["recurring_event_id"], {})[row["id"]] = score
        else:
            singles.append(Hit(calendar_id, None, score, row["start_ts"] or 0.0, row["rowid"]))
    out = singles
    for series_id in set(series) | set(exceptions):
        master_row = conn.execute(
            "SELECT resource, status FROM events WHERE calendar_id = ? AND id = ?",
            (calendar_id, series_id),
        ).fetchone()
        own = exceptions.get(series_id, {})
        if master_row is None or master_row["status"] == "cancelled":
            # an occurrence without its series (an invitation to one): an event of its own
            for eid, score in own.items():
                row = conn.execute(
                    "SELECT resource, start_ts FROM events WHERE calendar_id = ? AND id = ?",
                    (calendar_id, eid),
                ).fetchone()
                if row is not None:
                    event = json.loads(row["resource"])
                    out.append(Hit(calendar_id, event, score, row["start_ts"] or 0.0))
            continue
        master = json.loads(master_row["resource"])
        stored_exceptions = [
            json.loads(r["resource"])
            for r in conn.execute(
                "SELECT resource FROM events WHERE calendar_id = ? AND recurring_event_id = ?",
                (calendar_id, series_id),
            )
        ]
        stored_ids = {e.get("id") for e in stored_exceptions}
        master_score = series.get(series_id)

        if instances:
            found = _matching(
                expand.expand_series(master, stored_exceptions, zone, window, now=now),
                stored_ids,
                own,
                master_score,
            )
            out.extend(Hit(calendar_id, e, score, s) for s, _, e, score in found)
            continue
        best = min([s for s in (master_score, *own.values()) if s is not None])
        ahead_lo = now.timestamp() if lo is None else max(lo, now.timestamp())
        ahead: List[Any] = []
        if hi is None or ahead_lo < hi:
            ahead = _matching(
                expand.expand_series(master, stored_exceptions, zone, (ahead_lo, hi), now=now),
                stored_ids,
                own,
                master_score,
            )
        if ahead:
            start, _, event, _ = ahead[0]
        else:  # nothing ahead in the window: its last occurrence in it
            before_hi = ahead_lo if hi is None else min(hi, ahead_lo)
            past = _matching(
                expand.expand_series(master, stored_exceptions, zone, (lo, before_hi), now=now),
                stored_ids,
                own,
                master_score,
            )
            if not past:
                continue
            start, _, event, _ = past[-1]
        out.append(Hit(calendar_id, event, best, start))
    return out


def _matching(
    found: Iterable[Tuple[float, float, Dict[str, Any]]],
    stored_ids: Set[Any],
    own: Dict[str, float],
    master_score: Optional[float],
) -> List[Tuple[float, float, Dict[str, Any], float]]:
    """The occurrences (start, end, event) that match, with their score, in time order: an
    exception by its own index row, a plain occurrence by its series'."""
    chosen = []
    for start, end, event in found:
        eid = event.get("id")
        score = own.get(eid) if eid in stored_ids else master_score
        if score is not None:
            chosen.append((start, end, event, score))
    chosen.sort(key=lambda c: (c[0], c[1]))
    return chosen
