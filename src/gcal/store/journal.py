"""The write journal: every change gcal sends, with the event as it was before.

One SQLite file per account beside its store (`<cache>/store/<account>.journal.sqlite3`, 0600 in
the 0700 store folder), kept apart from the store so that rebuilding the store (`gcal sync
--rebuild`, a store moved aside) never loses it: `gcal undo` works from the journal alone.

Each request is one entry, written BEFORE it is sent (state `pending`, with the event as gcal
read it and the request) and updated AFTER the answer (`done` with the event as returned, or
`failed`). A Ctrl-C or a crash between the two leaves `pending`: the write either reached
Google or it did not, and the journal says the entry is unresolved until `gcal undo` (or
`--list`) looks at the event and records which (`done` or `failed`). The entries of one command
share a `batch`, which undo treats as one write.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from gcal.store import db

PENDING = "pending"
DONE = "done"
FAILED = "failed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    batch TEXT NOT NULL,
    at REAL NOT NULL,
    command TEXT NOT NULL,
    kind TEXT NOT NULL,
    calendar_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    destination TEXT,
    summary TEXT,
    before TEXT,
    related TEXT,
    request TEXT,
    after TEXT,
    state TEXT NOT NULL,
    undoes TEXT,
    undone_by TEXT
);
CREATE INDEX IF NOT EXISTS entries_by_batch ON entries (batch);
"""


class JournalError(Exception):
    """The journal cannot be opened or written (the CLI reports it, exit 7)."""


def journal_path(account: Optional[str] = None) -> Path:
    store = db.store_path(account)
    return store.with_name(store.name[: -len(".sqlite3")] + ".journal.sqlite3")


def _dumps(value: Any) -> Optional[str]:
    if value is None:
        return None
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (from the API's JSON): escaped, kept
            text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text


def _plain(value: Optional[str]) -> Optional[str]:
    """A text column's value that SQLite can store (a lone surrogate becomes `?`)."""
    if value is None or value.isascii():
        return value
    return value.encode("utf-8", "replace").decode("utf-8")


def _loads(text: Optional[str]) -> Any:
    return None if text is None else json.loads(text)


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        db._private_folder(path.parent)
        try:
            if not path.exists():
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                os.close(fd)
            if sys.platform != "win32":
                os.chmod(path, 0o600)
            self.conn = sqlite3.connect(str(path), timeout=60, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA busy_timeout = 60000")
            self.conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"cannot open the write journal {path}: {exc}") from None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    @staticmethod
    def new_batch() -> str:
        return uuid.uuid4().hex[:12]

    def begin(
        self,
        batch: str,
        command: str,
        kind: str,
        calendar_id: str,
        event_id: str,
        *,
        before: Any = None,
        related: Any = None,
        request: Any = None,
        destination: Optional[str] = None,
        summary: Optional[str] = None,
        undoes: Optional[str] = None,
    ) -> int:
        """Record a request about to be sent; its entry number."""
        try:
            cursor = self.conn.execute(
                "INSERT INTO entries (batch, at, command, kind, calendar_id, event_id, "
                "destination, summary, before, related, request, state, undoes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    batch,
                    time.time(),
                    command,
                    kind,
                    _plain(calendar_id),
                    _plain(event_id),
                    _plain(destination),
                    _plain(summary),
                    _dumps(before),
                    _dumps(related),
                    _dumps(request),
                    PENDING,
                    undoes,
                ),
            )
        except sqlite3.Error as exc:
            raise JournalError(f"cannot write the journal {self.path}: {exc}") from None
        return int(cursor.lastrowid or 0)

    def finish(self, seq: int, state: str, after: Any = None) -> None:
        try:
            self.conn.execute(
                "UPDATE entries SET state = ?, after = ? WHERE seq = ?", (state, _dumps(after), seq)
            )
        except sqlite3.Error as exc:
            raise JournalError(f"cannot write the journal {self.path}: {exc}") from None

    def mark_undone(self, batch: str, by: str) -> None:
        self.conn.execute("UPDATE entries SET undone_by = ? WHERE batch = ?", (by, batch))

    def entries(self, batch: Optional[str] = None) -> List[Dict[str, Any]]:
        if batch is None:
            rows = self.conn.execute("SELECT * FROM entries ORDER BY seq").fetchall()
        else:
            rows = self.conn.execute(
                "SELECT * FROM entries WHERE batch = ? ORDER BY seq", (batch,)
            ).fetchall()
        return [_entry(row) for row in rows]

    def last_batch(self) -> Optional[str]:
        """The latest command's batch that can be undone: something of it was done, it is not
        an undo itself, and it was not undone yet."""
        row = self.conn.execute(
            "SELECT batch FROM entries WHERE undoes IS NULL AND undone_by IS NULL "
            "AND state != ? GROUP BY batch ORDER BY max(seq) DESC LIMIT 1",
            (FAILED,),
        ).fetchone()
        return row[0] if row else None

    def settled_etag(self, batch: str, calendar_id: str, event_id: str) -> Optional[str]:
        """The etag of `event_id` once the writes gcal made to it after `batch` were all undone
        (an edit after an add, then `gcal undo` of that edit), or None when there were none or
        one of them still stands.

        Undoing such a later write leaves the event as `batch` left it but with a new etag, so
        the undo of `batch` expects that etag rather than the one `batch` saw: otherwise it
        would refuse (HTTP 412) a state that is exactly the one it means to take back."""
        first = self.conn.execute(
            "SELECT max(seq) FROM entries WHERE batch = ?", (batch,)
        ).fetchone()[0]
        if first is None:
            return None
        rows = self.conn.execute(
            "SELECT * FROM entries WHERE seq > ? AND event_id = ? "
            "AND (calendar_id = ? OR destination = ?) AND state = ? ORDER BY seq",
            (first, event_id, calendar_id, calendar_id, DONE),
        ).fetchall()
        if not rows:
            return None
        later = [_entry(row) for row in rows]
        undone = {e["batch"] for e in later if e["undoes"] is None and e["undone_by"]}
        for entry in later:
            if entry["undoes"] is None and not entry["undone_by"]:
                return None  # a later write of gcal's still stands
            if entry["undoes"] is not None and entry["undoes"] not in undone:
                return None  # an undo of something else (or of `batch` itself)
        after = later[-1].get("after")
        if later[-1]["undoes"] is None or not isinstance(after, dict):
            return None
        return after.get("etag")

    def pending(self) -> List[Dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT * FROM entries WHERE state = ? ORDER BY seq", (PENDING,)
        ).fetchall()
        return [_entry(row) for row in rows]

    def batches(self, limit: int = 20) -> Iterator[List[Dict[str, Any]]]:
        rows = self.conn.execute(
            "SELECT batch FROM entries GROUP BY batch ORDER BY max(seq) DESC LIMIT ?", (limit,)
        ).fetchall()
        for (batch,) in rows:
            yield self.entries(batch)


def _entry(row: sqlite3.Row) -> Dict[str, Any]:
    entry = dict(row)
    for key in ("before", "related", "request", "after"):
        entry[key] = _loads(entry[key])
    return entry
