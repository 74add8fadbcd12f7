"""The local store: one SQLite database per account, holding calendars and their events.

It is a cache of what the API said, so it is always safe to throw away: a file that is not a
gcal store (corrupt, foreign, or from an unknown schema) is moved aside with one warning and a
new one is built. It holds private calendar data, so its folder is 0700 and the file 0600.

SQLite in WAL mode gives what concurrent gcal processes need: readers see the state before or
after a sync, never half of one (each sync is applied in one transaction), and two writers wait
for each other (busy timeout) instead of failing. Only the stdlib's sqlite3 is imported here, so
answering from the store costs no more than that.

Layout:
  calendars(id, position, entry, time_zone, sync_token, synced_at, kind_of_sync)
  events(calendar_id, id, position, status, recurring_event_id, is_series,
         start_ts, end_ts, updated_ts, event_type, resource)
  reminders_sent(calendar_id, event_id, start_ts, minutes, sent_at, late)
`resource` is the event exactly as events.list (singleEvents=false) returned it; the other
columns are derived from it to select candidates without parsing JSON. For a series,
start_ts/end_ts span from its first start to the end of its last occurrence (inf when it never
ends), so one range condition finds the singles, exceptions and series a window needs.
`reminders_sent` is `gcal remind`'s memory: each reminder delivered (an occurrence's start and
the minutes before it), so that it is delivered once whatever runs when; `clear()` keeps it.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator, List, Optional

SCHEMA_VERSION = 1
APPLICATION_ID = 0x6763616C  # "gcal"
BUSY_TIMEOUT_MS = 60_000
DEFAULT_ACCOUNT = "default"
#: `--demo` keeps its sample account apart from the user's own
DEMO_ACCOUNT = "_demo"  # no profile name starts with "_": --demo never shares a profile's store
#: stands for "never ends" in the REAL time columns (SQLite has no infinity literal in SQL)
FOREVER = 1e18

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calendars (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    entry TEXT NOT NULL,
    time_zone TEXT,
    sync_token TEXT,
    synced_at REAL,
    last_sync TEXT
);
CREATE TABLE IF NOT EXISTS events (
    calendar_id TEXT NOT NULL,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    status TEXT,
    recurring_event_id TEXT,
    is_series INTEGER NOT NULL DEFAULT 0,
    start_ts REAL,
    end_ts REAL,
    updated_ts REAL,
    event_type TEXT,
    resource TEXT NOT NULL,
    PRIMARY KEY (calendar_id, id)
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (calendar_id, start_ts);
CREATE INDEX IF NOT EXISTS events_by_series ON events (calendar_id, recurring_event_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS reminders_sent (
    calendar_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    start_ts REAL NOT NULL,
    minutes INTEGER NOT NULL,
    sent_at REAL NOT NULL,
    late INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (calendar_id, event_id, start_ts, minutes)
);
"""
#: created on first use too (`gcal.store.reminders`), so a store made before it has one as well
REMINDERS_TABLE = _SCHEMA[_SCHEMA.index("CREATE TABLE IF NOT EXISTS reminders_sent") :].strip()

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._@+-]")


class StoreError(Exception):
    """The store cannot be used (e.g. its folder cannot be created); the CLI reports it."""


def cache_dir() -> Path:
    """gcal's cache folder: $GCAL_CACHE_DIR, else platformdirs' user cache folder."""
    override = os.environ.get("GCAL_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("gcal"))


def account_file_name(account: Optional[str]) -> str:
    """The database file of an account (profiles name theirs; without one: "default")."""
    name = _SAFE_NAME.sub("_", account or DEFAULT_ACCOUNT).strip(".") or DEFAULT_ACCOUNT
    return f"{name}.sqlite3"


def store_path(account: Optional[str] = None) -> Path:
    return cache_dir() / "store" / account_file_name(account)


def _private_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if sys.platform != "win32":
            os.chmod(folder, 0o700)
    except OSError as exc:
        raise StoreError(f"cannot create the store folder {folder}: {exc.strerror}") from None


def _private_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its -wal/-shm files copy the mode)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        if sys.platform != "win32":
            os.chmod(path, 0o600)
    except OSError as exc:
        raise StoreError(f"cannot create the store {path}: {exc.strerror}") from None


def _warn(message: str) -> None:
    sys.stderr.write(f"gcal: warning: {message}\n")
    sys.stderr.flush()


class Store:
    """An open store. Use `open_store()`; close with `close()` or a `with` block."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: waits for another writer, never deadlocks)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same state."""
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("COMMIT")

    # -- calendars -------------------------------------------------------------------------

    def calendar_rows(self) -> List[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM calendars ORDER BY position").fetchall()

    def calendar_row(self, calendar_id: str) -> Optional[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM calendars WHERE id = ?", (calendar_id,)).fetchone()

    def event_count(self, calendar_id: str) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM events WHERE calendar_id = ?", (calendar_id,)
        ).fetchone()
        return int(row[0])

    def get_meta(self, key: str) -> Optional[str]:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def size(self) -> int:
        total = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                total += os.stat(str(self.path) + suffix).st_size
        return total


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _prepare(conn: sqlite3.Connection) -> None:
    """Check that the file is ours at this schema version, creating the schema in an empty file.
    Raises sqlite3.DatabaseError for anything else (the caller moves the file aside)."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app == APPLICATION_ID and version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app == APPLICATION_ID and version == SCHEMA_VERSION:
            conn.execute("COMMIT")
            return
        if app == APPLICATION_ID and version < SCHEMA_VERSION:
            # an older gcal's store: it is a cache, so start it afresh rather than migrate
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            ).fetchall():
                conn.execute(f'DROP TABLE IF EXISTS "{name}"')
        elif tables:
            raise sqlite3.DatabaseError("not a gcal store (or a newer gcal's)")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def _move_aside(path: Path, why: str) -> None:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}-{os.getpid()}")
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.replace(str(path) + suffix, str(target) + suffix)
    _warn(f"the store {path} was unreadable ({why}); moved it to {target.name} and starting afresh")


def _create(path: Path) -> None:
    """Build a new, empty store beside `path` and link it into place, so that no other process
    ever sees a half-created file; if one appeared meanwhile, that one is used."""
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}-{threading.get_ident()}")
    _private_file(tmp)
    try:
        conn = _connect(tmp)
        try:
            _prepare(conn)
        finally:
            conn.close()
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(str(tmp) + suffix)


def open_store(path: Optional[Path] = None, *, create: bool = True) -> Optional[Store]:
    """Open (and if needed create) the store at `path`. With create=False a missing file gives
    None: a reader never creates a store only to find it empty."""
    path = path or store_path()
    if not create and not path.exists():
        return None
    _private_folder(path.parent)
    for attempt in (1, 2):
        conn = None
        try:
            if not path.exists():
                _create(path)
            conn = _connect(path)
            _prepare(conn)
            return Store(path, conn)
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            text = str(exc)
            if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
                raise StoreError(f"the store {path} stayed locked: {text}") from None
            if attempt == 2:
                raise StoreError(f"cannot open the store {path}: {text}") from None
            _move_aside(path, text)
        except OSError as exc:
            raise StoreError(f"cannot open the store {path}: {exc.strerror or exc}") from None
    return None  # unreachable


def clear(store: Store) -> None:
    """Forget every calendar and event (the next sync starts afresh). Done in a transaction
    rather than by deleting the file, so a process reading it meanwhile is not hurt."""
    with store.write() as conn:
        conn.execute("DELETE FROM events")
        conn.execute("DELETE FROM calendars")
        conn.execute("DELETE FROM meta")
