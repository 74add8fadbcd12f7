"""Filling the store: a full listing the first time, then only the changes (sync tokens).

One calendar's sync is: list events (singleEvents=false, 2,500 a page) either in full or from
the stored `nextSyncToken`, stage every page in a temporary table of this connection (which
takes no lock on the store and keeps memory flat however many pages there are), then apply the
whole result and the new token in ONE write transaction. A crash or SIGKILL before that commit
leaves the store exactly as it was; readers see the old state or the new one. So does Ctrl-C:
the caller sets `cancel` (and may interrupt the store's connection); staging stops after the
page in hand and an unfinished transaction is rolled back (`Cancelled`).

An incremental listing answered with HTTP 410 (the token expired) becomes a full listing of that
calendar; the old events stay until the full listing is complete and applied.

The API is reached through a `pages(request)` callable (the caller's, with its retries and
errors), so this module imports nothing of Google's. A page that carries the body it was parsed
from (`raw`) has its events stored as that text has them, which spares encoding 100,000 parsed
events again.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
import time
from datetime import datetime
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from gcal.core import expand, textsearch
from gcal.errors import ApiError, Cancelled
from gcal.store.db import FOREVER, Store, StoreError

PAGE_SIZE = 2500
Pages = Callable[[Dict[str, Any]], Iterator[Dict[str, Any]]]
Progress = Callable[[str, int, int], None]

_STAGING = """
CREATE TEMP TABLE IF NOT EXISTS staging (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    status TEXT,
    recurring_event_id TEXT,
    is_series INTEGER NOT NULL,
    start_ts REAL,
    end_ts REAL,
    updated_ts REAL,
    event_type TEXT,
    text_id INTEGER NOT NULL,
    ix_title TEXT,
    ix_location TEXT,
    ix_people TEXT,
    ix_description TEXT,
    ix_calendar TEXT,
    ix_other TEXT
)
"""
#: each staged event's text, apart (rowid = the staged row's text_id): the scans of the staged
#: columns (the counts, the search index) then read a fifth of the bytes, and a page's texts go
#: in with one statement of SQLite's own, not a row at a time from Python
_STAGING_TEXT = "CREATE TEMP TABLE IF NOT EXISTS staging_text (resource TEXT)"
#: a staged row's text
_TEXT = "(SELECT t.resource FROM temp.staging_text t WHERE t.rowid = s.text_id)"
#: whether the sync writes the search index (the benchmark turns it off to measure its cost)
INDEX = True
#: how long `history` keeps what a sync applied (config `history_keep`, `gcal sync --keep`)
HISTORY_KEEP = 90 * 86400.0

#: the title and times of an event's stored JSON `r`, as the history keeps them
_BRIEF = (
    "json_object('summary', json_extract({r}, '$.summary'), "
    "'start', json(json_extract({r}, '$.start')), 'end', json(json_extract({r}, '$.end')), "
    "'status', json_extract({r}, '$.status'), "
    "'recurringEventId', json_extract({r}, '$.recurringEventId'), "
    "'location', json_extract({r}, '$.location'))"
)


@dataclasses.dataclass
class SyncResult:
    """What one calendar's sync did, for the summary line and tests."""

    calendar_id: str
    kind: str  # "full" or "incremental"
    added: int = 0
    changed: int = 0
    deleted: int = 0
    received: int = 0
    pages: int = 0

    def summary(self) -> str:
        return (
            f"{self.calendar_id}: {self.added} added, {self.changed} changed, "
            f"{self.deleted} deleted ({self.kind})"
        )


def _ts(text: Any) -> Optional[float]:
    dt = expand.parse_instant(text)
    return dt.timestamp() if dt is not None else None


#: one encoder for every event (json.dumps with options builds a new one per call)
_encode_utf8 = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_encode_ascii = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def _storable(value: Any) -> Any:
    """A column value SQLite (UTF-8) can take: lone surrogates, which an event's text may
    carry from a `\\ud800` escape, become U+FFFD (the resource itself keeps them escaped)."""
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
    return value


def _encode(value: Any) -> str:
    """Compact JSON for the store; escaped when the text holds a lone surrogate, which SQLite
    (UTF-8) cannot take as it is."""
    text = _encode_utf8(value)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return _encode_ascii(value)
    return text


def derive(event: Dict[str, Any], zone: Any) -> Tuple[Any, ...]:
    """The indexed columns of one event: status, series id, is-series, start, end, updated, type.

    A series spans from its first start to the end of its last occurrence, so that one range
    condition finds it for any window it has instances in.
    """
    start = end = None
    try:
        if expand.is_series(event):
            start = expand.series_start(event, zone)
            end = expand.series_end(event, zone)
        else:
            found = expand.span(event, zone)
            if found is not None:
                start, end = found
    except (ValueError, TypeError, OverflowError):
        # an unreadable rule still gets stored; it is kept in every window, where expansion
        # skips it, rather than lost
        start, end = -FOREVER, FOREVER
    if start is not None:
        start = max(min(start, FOREVER), -FOREVER)
    if end is not None:
        end = max(min(end, FOREVER), -FOREVER)
    return (
        event.get("status"),
        event.get("recurringEventId"),
        1 if expand.is_series(event) else 0,
        start,
        end,
        _ts(event.get("updated")),
        event.get("eventType", "default"),
    )


def _derive_quick(event: Dict[str, Any], zone: Any) -> Tuple[Any, ...]:
    """`derive` of one event, quicker for the commonest kind: a single event (no recurrence)
    whose start and end are API dateTimes (offset included). Anything else is `derive`'s."""
    start = event.get("start")
    end = event.get("end")
    if (
        type(start) is dict
        and type(end) is dict
        and not event.get("recurrence")
        and type(start.get("dateTime")) is str
        and type(end.get("dateTime")) is str
    ):
        started = _instant(start["dateTime"])
        ended = _instant(end["dateTime"])
        if started is not None and ended is not None:
            return (
                event.get("status"),
                event.get("recurringEventId"),
                0,
                started,
                ended,
                _instant(event.get("updated")),
                event.get("eventType", "default"),
            )
    return derive(event, zone)


def _instant(text: Any) -> Optional[float]:
    """The timestamp of an RFC 3339 dateTime as `expand.parse_instant` reads it, or None (its
    quick way inline: a sync reads three an event)."""
    if type(text) is not str or not text:
        return None
    try:
        dt = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return _ts(text)  # the full grammar
    return dt.timestamp() if dt.tzinfo is not None else None


_STAGE_INSERT = (
    "INSERT OR REPLACE INTO temp.staging (id, seq, status, recurring_event_id, is_series, "
    "start_ts, end_ts, updated_ts, event_type, text_id, ix_title, ix_location, ix_people, "
    "ix_description, ix_calendar, ix_other) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _insert_staged(conn: Any, rows: List[Tuple[Any, ...]]) -> None:
    """Stage one page's rows. A value SQLite cannot take (a lone surrogate, which only a
    `\\ud800` escape in the event's text brings) fails the insert; then every row is made
    storable and written again (the same rows: each replaces itself)."""
    try:
        conn.executemany(_STAGE_INSERT, rows)
    except UnicodeEncodeError:
        conn.executemany(_STAGE_INSERT, [tuple(_storable(v) for v in row) for row in rows])


def save_calendar_list(store: Store, entries: List[Dict[str, Any]], *, complete: bool) -> None:
    """Keep the calendar list (in its order). With the complete list, calendars no longer on
    it are forgotten with their events; a partial list only adds and updates."""
    with store.write() as conn:
        rows = conn.execute("SELECT id, entry FROM calendars").fetchall()
        known = {row[0] for row in rows}
        # a calendar synced by id alone (a public one, not on the list) stays when the list
        # does not name it
        by_id_only = {row[0] for row in rows if _id_only(row[1])}
        listed = set()
        for position, entry in enumerate(entries):
            cid = entry.get("id")
            if not isinstance(cid, str):
                continue
            listed.add(cid)
            text = _encode(entry)
            if cid in known:
                conn.execute(
                    "UPDATE calendars SET position = ?, entry = ? WHERE id = ?",
                    (position, text, cid),
                )
            else:
                conn.execute(
                    "INSERT INTO calendars (id, position, entry, time_zone) VALUES (?, ?, ?, ?)",
                    (cid, position, text, entry.get("timeZone")),
                )
        if complete:
            for cid in known - listed - by_id_only:
                conn.execute("DELETE FROM events WHERE calendar_id = ?", (cid,))
                conn.execute("DELETE FROM calendars WHERE id = ?", (cid,))


def _id_only(text: str) -> bool:
    try:
        return set(json.loads(text)) <= {"id"}
    except (ValueError, TypeError):
        return False


def sync_calendar(
    store: Store,
    calendar_id: str,
    pages: Pages,
    *,
    full: bool = False,
    entry: Optional[Dict[str, Any]] = None,
    progress: Optional[Progress] = None,
    clock: Callable[[], float] = time.time,
    cancel: Optional[threading.Event] = None,
    written: Iterable[str] = (),
    keep: float = HISTORY_KEEP,
) -> SyncResult:
    """Bring one calendar up to date; see the module docstring. `Cancelled` once `cancel` is
    set, with the store as it was. What the sync applied goes to the history (marked as gcal's
    own for the event ids in `written`: a write command's refresh), and history older than
    `keep` seconds goes."""
    cancel = cancel or threading.Event()
    log = _History(set(written), keep)
    try:
        return _sync(store, calendar_id, pages, full, entry, progress, clock, cancel, log)
    except (sqlite3.OperationalError, StoreError):
        if cancel.is_set():  # the connection was interrupted: the transaction rolled back
            raise Cancelled() from None
        raise


def _sync(
    store: Store,
    calendar_id: str,
    pages: Pages,
    full: bool,
    entry: Optional[Dict[str, Any]],
    progress: Optional[Progress],
    clock: Callable[[], float],
    cancel: threading.Event,
    log: _History,
) -> SyncResult:
    row = store.calendar_row(calendar_id)
    # the history records changes since a sync; a calendar's first listing changed nothing
    log.record = row is not None and row["synced_at"] is not None
    log.calendar_name = calendar_name(row, entry)
    token = None if (full or row is None) else row["sync_token"]
    # The staging table lives as long as the connection: closing it discards the table at no
    # cost, while dropping 100,000 staged events takes a quarter of a second.
    store.conn.execute(_STAGING)
    store.conn.execute(_STAGING_TEXT)
    try:
        kind, zone_name, new_token, received, npages = _stage(
            store, calendar_id, pages, token, progress, cancel, log.calendar_name
        )
    except ApiError as exc:
        if token is None or exc.status != 410:
            raise
        # the token expired: a full listing, the old events kept until it is complete
        kind, zone_name, new_token, received, npages = _stage(
            store, calendar_id, pages, None, progress, cancel, log.calendar_name
        )
    result = SyncResult(calendar_id, kind, received=received, pages=npages)
    _apply(store, calendar_id, result, zone_name, new_token, entry, clock(), cancel, log)
    return result


@dataclasses.dataclass
class _History:
    """What one sync writes to the history (see `sync_calendar`)."""

    written: Set[str]
    keep: float
    record: bool = False
    calendar_name: str = ""


def calendar_name(row: Any, entry: Optional[Dict[str, Any]] = None) -> str:
    """A calendar's name as the search index holds it: the list entry's own name for it, else
    its summary."""
    data = entry
    if data is None and row is not None:
        try:
            data = json.loads(row["entry"])
        except (ValueError, TypeError):
            data = None
    if not isinstance(data, dict):
        return ""
    name = data.get("summaryOverride") or data.get("summary")
    return name if isinstance(name, str) else ""


def _stage(
    store: Store,
    calendar_id: str,
    pages: Pages,
    token: Optional[str],
    progress: Optional[Progress],
    cancel: threading.Event,
    calendar: str = "",
) -> Tuple[str, Optional[str], Optional[str], int, int]:
    conn = store.conn
    conn.execute("DELETE FROM temp.staging")
    conn.execute("DELETE FROM temp.staging_text")
    # showDeleted: a full listing then includes what was deleted before it, so that the store
    # answers --show-deleted as the API does; the incremental ones ask the same, as Google asks
    # ("all other query parameters should be the same as for the initial synchronization")
    request: Dict[str, Any] = {
        "calendarId": calendar_id,
        "maxResults": PAGE_SIZE,
        "showDeleted": True,
    }
    if token:
        request["syncToken"] = token
    zone_name = None
    zone = None
    new_token = None
    received = npages = seen = 0
    listing = pages(request)
    try:
        for page in listing:
            if cancel.is_set():
                raise Cancelled()
            npages += 1
            if zone is None:
                zone_name = page.get("timeZone")
                zone = expand.zone_named(zone_name) or expand.UTC
            items = page.get("items") or ()
            base = seen
            seen += len(items)
            texts_in = _stage_texts(conn, getattr(page, "raw", None), len(items), base)
            rows = []
            encoded = []  # the texts SQLite could not split out: each event encoded
            index_row = textsearch.index_row
            for index, event in enumerate(items):
                if not isinstance(event, dict) or not isinstance(event.get("id"), str):
                    continue
                received += 1
                text_id = base + index + 1
                if not texts_in:
                    encoded.append((text_id, _encode(event)))
                rows.append(
                    (
                        event["id"],
                        received,
                        *_derive_quick(event, zone),
                        text_id,
                        *index_row(event, calendar),
                    )
                )
            if encoded:
                conn.executemany(
                    "INSERT OR REPLACE INTO temp.staging_text (rowid, resource) VALUES (?, ?)",
                    encoded,
                )
            _insert_staged(conn, rows)
            new_token = page.get("nextSyncToken") or new_token
            if progress is not None:
                progress(calendar_id, received, npages)
            del page, rows, items, encoded
    finally:
        # closed here, whenever the interpreter would release it: a listing fetched ahead on
        # another thread must be done with its connection before the caller reuses that
        close = getattr(listing, "close", None)
        if close is not None:
            close()
    return ("incremental" if token else "full"), zone_name, new_token, received, npages


def _stage_texts(conn: Any, raw: Optional[bytes], count: int, base: int) -> bool:
    """Stage each event's JSON text as the answer's body has it, split out by SQLite's JSON
    reader (several times faster than encoding the parsed events again), item `i` of the page
    as text `base + i + 1`. False when there is no body or SQLite cannot read it: then the
    caller encodes each event (same content)."""
    if raw is None or not count:
        return False
    try:
        text = raw.decode("utf-8")
        cursor = conn.execute(
            "INSERT INTO temp.staging_text (rowid, resource) "
            "SELECT ? + key + 1, value FROM json_each(?, '$.items')",
            (base, text),
        )
        if cursor.rowcount == count:
            return True
    except (UnicodeDecodeError, sqlite3.Error):
        pass
    conn.execute("DELETE FROM temp.staging_text WHERE rowid > ?", (base,))
    return False


def _apply(
    store: Store,
    calendar_id: str,
    result: SyncResult,
    zone_name: Optional[str],
    token: Optional[str],
    entry: Optional[Dict[str, Any]],
    now: float,
    cancel: threading.Event,
    log: Optional[_History] = None,
) -> None:
    def check() -> None:
        if cancel.is_set():
            raise Cancelled()

    check()
    with store.write() as conn:
        counts = conn.execute(
            f"""
            SELECT
              sum(e.id IS NULL AND coalesce(s.status, '') != 'cancelled'),
              sum(e.id IS NOT NULL AND coalesce(s.status, '') != 'cancelled'
                  AND e.resource != {_TEXT}),
              sum(coalesce(s.status, '') = 'cancelled'
                  AND ((e.id IS NULL AND ?)
                       OR (e.id IS NOT NULL AND coalesce(e.status, '') != 'cancelled')))
            FROM temp.staging s
            LEFT JOIN events e ON e.calendar_id = ? AND e.id = s.id
            """,
            # a cancelled exception first seen in a full listing is no deletion since the last
            # sync; in an incremental one it is (an instance deleted meanwhile)
            (result.kind == "incremental", calendar_id),
        ).fetchone()
        result.added, result.changed, result.deleted = (int(c or 0) for c in counts)
        if log is not None:
            _record(conn, calendar_id, result.kind, now, log)
        check()
        if result.kind == "full":
            gone = conn.execute(
                """
                SELECT count(*) FROM events e
                WHERE e.calendar_id = ? AND coalesce(e.status, '') != 'cancelled'
                  AND NOT EXISTS (SELECT 1 FROM temp.staging s WHERE s.id = e.id)
                """,
                (calendar_id,),
            ).fetchone()[0]
            result.deleted += int(gone)
            check()
            conn.execute("DELETE FROM events WHERE calendar_id = ?", (calendar_id,))
            check()
            # the calendar's rows were just deleted: a plain insert in the listing's order,
            # without looking each event up (a third cheaper at 100,000 events)
            # each event's row id is chosen (past every row id in use), so that its index
            # row is written from the staging table alone, without looking each event up
            rowids = conn.execute("SELECT coalesce(max(rowid), 0) FROM events").fetchone()[0]
            conn.execute(
                f"""
                INSERT INTO events (rowid, calendar_id, id, position, status,
                    recurring_event_id, is_series, start_ts, end_ts, updated_ts, event_type,
                    resource)
                SELECT ? + s.rowid, ?, s.id, s.seq, s.status, s.recurring_event_id,
                       s.is_series, s.start_ts, s.end_ts, s.updated_ts, s.event_type, {_TEXT}
                FROM temp.staging s
                """,
                (rowids, calendar_id),
            )
        else:
            check()
            # a replaced row gets a new rowid: its index row goes first
            conn.execute(
                "DELETE FROM search_index WHERE rowid IN (SELECT e.rowid FROM events e "
                "JOIN temp.staging s ON e.calendar_id = ? AND e.id = s.id)",
                (calendar_id,),
            )
            # a changed event keeps its place in the listing order; a new one goes last
            base = conn.execute(
                "SELECT coalesce(max(position), 0) FROM events WHERE calendar_id = ?",
                (calendar_id,),
            ).fetchone()[0]
            conn.execute(
                f"""
                INSERT OR REPLACE INTO events (calendar_id, id, position, status,
                    recurring_event_id, is_series, start_ts, end_ts, updated_ts, event_type,
                    resource)
                SELECT ?, s.id,
                       coalesce((SELECT e.position FROM events e
                                 WHERE e.calendar_id = ? AND e.id = s.id), ? + s.seq),
                       s.status, s.recurring_event_id, s.is_series, s.start_ts, s.end_ts,
                       s.updated_ts, s.event_type, {_TEXT}
                FROM temp.staging s
                """,
                (calendar_id, calendar_id, base),
            )
        check()
        if INDEX and result.kind == "full":
            conn.execute(
                """
                INSERT INTO search_index (rowid, title, location, people, description, calendar,
                    other)
                SELECT ? + s.rowid, s.ix_title, s.ix_location, s.ix_people, s.ix_description,
                       s.ix_calendar, s.ix_other
                FROM temp.staging s
                """,
                (rowids,),
            )
        elif INDEX:
            conn.execute(
                """
                INSERT INTO search_index (rowid, title, location, people, description, calendar,
                    other)
                SELECT e.rowid, s.ix_title, s.ix_location, s.ix_people, s.ix_description,
                       s.ix_calendar, s.ix_other
                FROM temp.staging s JOIN events e ON e.calendar_id = ? AND e.id = s.id
                """,
                (calendar_id,),
            )
        check()
        existing = store.calendar_row(calendar_id)
        if existing is None:
            position = conn.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM calendars"
            ).fetchone()[0]
            text = _encode(entry or {"id": calendar_id})
            conn.execute(
                "INSERT INTO calendars (id, position, entry) VALUES (?, ?, ?)",
                (calendar_id, position, text),
            )
        conn.execute(
            "UPDATE calendars SET sync_token = ?, synced_at = ?, last_sync = ?, "
            "time_zone = coalesce(?, time_zone) WHERE id = ?",
            (token, now, result.kind, zone_name, calendar_id),
        )
        check()  # the last moment: the commit that follows is all or nothing


_UNINDEXED = (None,) * len(textsearch.COLUMNS)


def _record(conn: Any, calendar_id: str, kind: str, now: float, log: _History) -> None:
    """Write to the history what this sync is about to apply (the staged listing against the
    stored events), and forget history older than `log.keep`."""
    conn.execute("DELETE FROM history WHERE seen_at < ?", (now - log.keep,))
    if not log.record:
        return
    first = conn.execute("SELECT coalesce(max(seq), 0) FROM history").fetchone()[0]
    before = _BRIEF.format(r="e.resource")
    after = _BRIEF.format(r="t.resource")
    # an occurrence of a series as it was before its first exception: the series' title at
    # the occurrence's original start
    occurrence = (
        "json_object('summary', (SELECT json_extract(m.resource, '$.summary') FROM events m "
        "WHERE m.calendar_id = ? AND m.id = s.recurring_event_id), "
        "'start', json(json_extract(t.resource, '$.originalStartTime')), "
        "'recurringEventId', s.recurring_event_id)"
    )
    conn.execute(
        f"""
        INSERT INTO history (seen_at, calendar_id, event_id, change, before, after)
        SELECT ?, ?, s.id,
          CASE
            WHEN coalesce(s.status, '') = 'cancelled' THEN 'removed'
            WHEN e.id IS NULL AND s.recurring_event_id IS NOT NULL THEN 'changed'
            WHEN e.id IS NULL OR coalesce(e.status, '') = 'cancelled' THEN 'added'
            ELSE 'changed'
          END,
          CASE
            WHEN e.id IS NOT NULL AND coalesce(e.status, '') != 'cancelled' THEN {before}
            WHEN s.recurring_event_id IS NOT NULL THEN {occurrence}
          END,
          CASE WHEN coalesce(s.status, '') != 'cancelled' THEN {after} END
        FROM temp.staging s
        JOIN temp.staging_text t ON t.rowid = s.text_id
        LEFT JOIN events e ON e.calendar_id = ? AND e.id = s.id
        WHERE (coalesce(s.status, '') != 'cancelled'
               AND (e.id IS NULL OR e.resource != t.resource))
           OR (coalesce(s.status, '') = 'cancelled'
               AND ((e.id IS NULL AND ? AND s.recurring_event_id IS NOT NULL)
                    OR (e.id IS NOT NULL AND coalesce(e.status, '') != 'cancelled')))
        ORDER BY s.seq
        """,
        (now, calendar_id, calendar_id, calendar_id, kind == "incremental"),
    )
    if kind == "full":  # what the listing no longer has is gone
        conn.execute(
            f"""
            INSERT INTO history (seen_at, calendar_id, event_id, change, before, after)
            SELECT ?, ?, e.id, 'removed', {before}, NULL FROM events e
            WHERE e.calendar_id = ? AND coalesce(e.status, '') != 'cancelled'
              AND NOT EXISTS (SELECT 1 FROM temp.staging s WHERE s.id = e.id)
            ORDER BY e.position
            """,
            (now, calendar_id, calendar_id),
        )
    if log.written:
        ids = sorted(log.written)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            conn.execute(
                f"UPDATE history SET by_gcal = 1 WHERE seq > ? AND calendar_id = ? AND "
                f"(event_id IN ({marks}) OR "
                f"json_extract(coalesce(after, before), '$.recurringEventId') IN ({marks}))",
                [first, calendar_id, *part, *part],
            )


def age_text(seconds: float) -> str:
    """How old, in words a person reads at a glance: `40 s`, `12 min`, `3 h`, `2 days`."""
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{int(seconds)} s"
    if seconds < 90 * 60:
        return f"{int(seconds // 60)} min"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} days"


def when_text(ts: Optional[float]) -> str:
    if ts is None:
        return "never"
    return datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M:%S %z")
