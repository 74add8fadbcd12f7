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
  search_index(title, location, people, description, calendar, other)   FTS5, rowid = events'
  history(seq, seen_at, calendar_id, event_id, change, before, after, by_gcal)
`resource` is the event exactly as events.list (singleEvents=false) returned it; the other
columns are derived from it to select candidates without parsing JSON. For a series,
start_ts/end_ts span from its first start to the end of its last occurrence (inf when it never
ends), so one range condition finds the singles, exceptions and series a window needs; the
index events_by_span (calendar_id, start_ts, end_ts) holds both ends, so that condition is
answered from the index without reading the row of every event that began before the window.
`reminders_sent` is `gcal remind`'s memory: each reminder delivered (an occurrence's start and
the minutes before it), so that it is delivered once whatever runs when; `clear()` keeps it.
`search_index` is `gcal search`'s full-text index: one row per stored event, its rowid the
event row's rowid (so the store is never VACUUMed: that may renumber rowids), its columns the
folded text of `gcal.core.textsearch.index_row`; the sync writes it in the transaction that
writes the events, and a trigger removes an event's row when the event row goes.
`history` is what each sync applied (`gcal changes`): an event added, changed or removed, its
title and times before and after (JSON), when it was seen, and whether gcal's own write made it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
import stat
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Iterator, List, Optional, Union

from gcal.errors import LocalFileError
from gcal.files import folder_problem, make_private_folder

if TYPE_CHECKING:  # an answer that only reads the store makes no Path (pathlib: urllib.parse)
    from pathlib import Path

SCHEMA_VERSION = 3  # 2: search_index, history; 3: events_by_span
APPLICATION_ID = 0x6763616C  # "gcal"
BUSY_TIMEOUT_MS = 60_000
#: bytes the write-ahead log is cut back to after a checkpoint
JOURNAL_LIMIT = 16 * 1024 * 1024
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
CREATE INDEX IF NOT EXISTS events_by_span ON events (calendar_id, start_ts, end_ts);
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
CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5(
    title, location, people, description, calendar, other,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS history (
    seq INTEGER PRIMARY KEY,
    seen_at REAL NOT NULL,
    calendar_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    change TEXT NOT NULL,
    before TEXT,
    after TEXT,
    by_gcal INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS history_by_time ON history (seen_at);
"""
#: statements with a `;` of their own, run one by one after _SCHEMA
_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS events_unindexed AFTER DELETE ON events BEGIN
        DELETE FROM search_index WHERE rowid = old.rowid;
    END""",
)
#: created on first use too (`gcal.store.reminders`), so a store made before it has one as well
_REMINDERS_AT = _SCHEMA.index("CREATE TABLE IF NOT EXISTS reminders_sent")
REMINDERS_TABLE = _SCHEMA[_REMINDERS_AT : _SCHEMA.index(";", _REMINDERS_AT) + 1].strip()
#: what brings an older version's store up to this one in place, keeping its data (any other
#: older store is started afresh). 2 -> 3: a window's events (start before its end, end after
#: its start) are found in the index alone, without reading the row of every earlier event
_UPGRADES = {
    2: (
        "CREATE INDEX IF NOT EXISTS events_by_span ON events (calendar_id, start_ts, end_ts)",
        "DROP INDEX IF EXISTS events_by_time",
    ),
}

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._@+-]")


class StoreError(LocalFileError):
    """The store cannot be used: its folder, its file, its disk (exit 7, one line naming the
    file). `corrupt` says the file was found damaged (and has been moved aside)."""

    def __init__(self, message: str, *, corrupt: bool = False) -> None:
        super().__init__(message)
        self.corrupt = corrupt


def cache_folder() -> str:
    """gcal's cache folder as a string: $GCAL_CACHE_DIR, else platformdirs' user cache
    folder."""
    override = os.environ.get("GCAL_CACHE_DIR")
    if override:
        return os.path.expanduser(override)
    import platformdirs

    return platformdirs.user_cache_dir("gcal")


def cache_dir() -> Path:
    """gcal's cache folder: $GCAL_CACHE_DIR, else platformdirs' user cache folder."""
    return _as_path(cache_folder())


def _as_path(path: Union[str, Path]) -> Path:
    from pathlib import Path

    return Path(path)


def account_file_name(account: Optional[str]) -> str:
    """The database file of an account (profiles name theirs; without one: "default")."""
    name = _SAFE_NAME.sub("_", account or DEFAULT_ACCOUNT).strip(".") or DEFAULT_ACCOUNT
    return f"{name}.sqlite3"


def store_file(account: Optional[str] = None) -> str:
    """The store of `account` as a string (what a reader needs)."""
    return os.path.join(cache_folder(), "store", account_file_name(account))


def store_path(account: Optional[str] = None) -> Path:
    return _as_path(store_file(account))


def _private_folder(folder: Path) -> None:
    """The store's folder, created 0700 (its missing parents too); one that others could
    write to is refused, since they could swap the store. Nothing is chmod-ed: a read-only
    file system must still serve --offline reads."""
    for mine in (folder.parent, folder):  # the cache folder and its store/ folder
        problem = folder_problem(mine)
        if problem:
            raise StoreError(f"will not use the folder {mine}: {problem}")
    try:
        make_private_folder(folder)
    except OSError as exc:
        raise StoreError(f"cannot create the store folder {folder}: {_why(folder, exc)}") from None


def _private_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its -wal/-shm files copy the mode)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.close(fd)
    except OSError as exc:
        raise StoreError(f"cannot create the store {path}: {_why(path, exc)}") from None


def _why(path: Union[str, Path], exc: BaseException) -> str:
    """What stops writing `path`, in words: a read-only file system, a read-only file or
    folder, a full disk; else the error's own text."""
    path = _as_path(path)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    with contextlib.suppress(OSError, AttributeError):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "the file system is read-only"
    with contextlib.suppress(OSError, AttributeError):
        if os.statvfs(folder).f_bavail == 0:
            return "the disk is full"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"its folder {folder} is read-only"
    text = getattr(exc, "strerror", None) or str(exc)
    if "full" in text.lower() or getattr(exc, "errno", None) == 28:
        return "the disk is full"
    return text


_CORRUPT = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def is_corrupt(exc: BaseException) -> bool:
    """Whether an sqlite3 error says the file is damaged or not a database at all."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name.startswith(_CORRUPT):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def failure(
    path: Union[str, Path], exc: BaseException, conn: Optional[sqlite3.Connection] = None
) -> StoreError:
    """One line naming the store and its problem, for an sqlite3 error met while using it. A
    damaged store is moved aside (it is a cache: the next sync rebuilds it)."""
    text = str(exc)
    low = text.lower()
    if is_corrupt(exc):
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        target = _move_aside(path, text, quiet=True)
        where = f"moved it to {target}" if target else "delete it"
        return StoreError(
            f"the store {path} is damaged ({text}); {where}: 'gcal sync' builds a new one",
            corrupt=True,
        )
    if "locked" in low or "busy" in low:
        return StoreError(f"the store {path} stayed locked by another gcal: {text}")
    if "full" in low or "i/o error" in low:
        if conn is not None:
            _shrink_journal(conn)
        return StoreError(f"cannot write the store {path}: {_why(path, exc)}")
    if "readonly" in low or "read-only" in low or "unable to open" in low:
        return StoreError(f"cannot write the store {path}: {_why(path, exc)}")
    return StoreError(f"cannot use the store {path}: {text}")


def _shrink_journal(conn: sqlite3.Connection) -> None:
    """After a failed write (a full disk), give back what the write-ahead log took."""
    with contextlib.suppress(sqlite3.Error):
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    with contextlib.suppress(sqlite3.Error):
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _warn(message: str) -> None:
    sys.stderr.write(f"gcal: warning: {message}\n")
    sys.stderr.flush()


class Store:
    """An open store. Use `open_store()`; close with `close()` or a `with` block."""

    def __init__(self, path: Union[str, Path], conn: sqlite3.Connection) -> None:
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
    def guard(self) -> Iterator[None]:
        """Turn an sqlite3 error inside the block into one StoreError naming this store (a
        damaged store is moved aside)."""
        try:
            yield
        except sqlite3.Error as exc:
            raise failure(self.path, exc, self.conn) from None

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: waits for another writer, never deadlocks)."""
        with self.guard():
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
        with self.guard():
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("COMMIT")

    # -- calendars -------------------------------------------------------------------------

    def calendar_rows(self) -> List[sqlite3.Row]:
        with self.guard():
            return self.conn.execute("SELECT * FROM calendars ORDER BY position").fetchall()

    def calendar_row(self, calendar_id: str) -> Optional[sqlite3.Row]:
        with self.guard():
            return self.conn.execute(
                "SELECT * FROM calendars WHERE id = ?", (calendar_id,)
            ).fetchone()

    def event_count(self, calendar_id: str) -> int:
        with self.guard():
            row = self.conn.execute(
                "SELECT count(*) FROM events WHERE calendar_id = ?", (calendar_id,)
            ).fetchone()
        return int(row[0])

    def get_meta(self, key: str) -> Optional[str]:
        with self.guard():
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def size(self) -> int:
        total = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                total += os.stat(str(self.path) + suffix).st_size
        return total


#: the bytes a URI's path keeps as they are (urllib.parse.quote's, with "/")
_URI_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/")


def file_uri_path(path: Union[str, Path]) -> str:
    """`path` made absolute and percent-encoded for a file: URI, byte by byte as the file
    system names it (a name that is not UTF-8 too), as urllib.parse.quote would (which an
    answer that only reads the store does not import)."""
    text = os.fspath(path)
    if not os.path.isabs(text):
        text = os.path.join(os.getcwd(), text)
    return "".join(chr(b) if b in _URI_SAFE else f"%{b:02X}" for b in os.fsencode(text))


def _connect(
    path: Union[str, Path], *, readonly: bool = False, immutable: bool = False
) -> sqlite3.Connection:
    if readonly:
        flags = "mode=ro&immutable=1" if immutable else "mode=ro"
        target, uri = f"file:{file_uri_path(path)}?{flags}", True
    else:
        target, uri = str(path), False
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=uri)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not readonly:
        # the write-ahead log is cut back to this after each checkpoint, so a burst (or a
        # write that failed on a full disk) does not keep its space
        conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_LIMIT}")
    return conn


def _kind(path: Path) -> str:
    """What the file at `path` is, found with a read-only connection that changes nothing:
    "ours" (a gcal store), "empty" (a new file), "old" (an older gcal's store), "newer" (a
    newer gcal's, after a downgrade), "foreign" (another program's database) or "corrupt" (not
    a database).
    sqlite3.OperationalError (locked, unreadable) propagates."""
    if path.stat().st_size == 0:
        return "empty"
    try:
        conn = _connect(path, readonly=True)
    except sqlite3.OperationalError:
        conn = _connect(path, readonly=True, immutable=True)  # a read-only file system
    try:
        return _kind_of(conn)
    finally:
        conn.close()


#: why a file at the store's path cannot be read, by its `_kind`
_UNUSABLE = {
    "corrupt": "damaged",
    "foreign": "not a gcal store",
    "newer": f"a newer gcal's (this one reads schema {SCHEMA_VERSION} and older)",
}


def _kind_of(conn: sqlite3.Connection) -> str:
    """`_kind` of the file a (read-only) connection has open."""
    try:
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.OperationalError:
        raise
    except sqlite3.DatabaseError:
        return "corrupt"
    if app == APPLICATION_ID:
        if version == SCHEMA_VERSION or version in _UPGRADES:  # an upgradable one reads as is
            return "ours" if {"calendars", "events", "meta"} <= tables else "corrupt"
        return "old" if version < SCHEMA_VERSION else "newer"
    return "empty" if not tables and app == 0 else "foreign"


def _prepare(conn: sqlite3.Connection) -> None:
    """Make a file already found ours, empty or old (see `_kind`) a store at this schema
    version: WAL, and the schema created in an empty file (or an older gcal's)."""
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
        if app == APPLICATION_ID and version in _UPGRADES:
            for statement in _UPGRADES[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
            return
        if app == APPLICATION_ID and version < SCHEMA_VERSION:
            # an older gcal's store: it is a cache, so start it afresh rather than migrate
            # virtual tables first: dropping one drops its shadow tables
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "ORDER BY coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%'"
            ).fetchall():
                conn.execute(f'DROP TABLE IF EXISTS "{name}"')
        elif tables or app:
            raise sqlite3.DatabaseError("not a gcal store (or a newer gcal's)")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        for statement in _TRIGGERS:
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def _move_aside(path: Union[str, Path], why: str, *, quiet: bool = False) -> Optional[str]:
    """Rename the file (and its journal) out of the way, unchanged; returns the new name, or
    None when it could not be moved (a read-only folder)."""
    path = _as_path(path)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}-{os.getpid()}")
    try:
        os.replace(path, target)
    except FileNotFoundError:
        return target.name  # another gcal moved it first
    except OSError as exc:
        raise StoreError(
            f"the store {path} is unusable ({why}) and cannot be moved aside: {_why(path, exc)}"
        ) from None
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.replace(str(path) + suffix, str(target) + suffix)
    if not quiet:
        _warn(
            f"the store {path} was unreadable ({why}); moved it to {target.name} and starting "
            "afresh"
        )
    return target.name


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


def _quiet_error(exc: OSError) -> bool:
    """An error that means "not there" to pathlib's exists() and is_symlink() (any other, such
    as a folder that may not be searched, is raised as they raise it)."""
    return exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def _stat_or_none(
    look: Callable[[Any], os.stat_result], path: Union[str, Path]
) -> Optional[os.stat_result]:
    """`look(path)` (os.stat or os.lstat), or None where pathlib's exists() and is_symlink()
    answer False; any other error is raised as they raise it."""
    try:
        return look(path)
    except OSError as exc:
        if not _quiet_error(exc):
            raise
        return None
    except ValueError:
        return None


def _is_link(path: Union[str, Path]) -> bool:
    """pathlib's Path.is_symlink(), for a string too."""
    found = _stat_or_none(os.lstat, path)
    return found is not None and stat.S_ISLNK(found.st_mode)


def _exists(path: Union[str, Path]) -> bool:
    """pathlib's Path.exists(), for a string too."""
    return _stat_or_none(os.stat, path) is not None


def _not_a_link(path: Union[str, Path]) -> None:
    if _is_link(path):
        raise StoreError(
            f"the store {path} is a symbolic link; gcal does not follow links to its store: "
            "remove it (gcal builds a new store)"
        )


def open_store(path: Union[str, Path, None] = None, *, create: bool = True) -> Optional[Store]:
    """Open (and if needed create) the store at `path`. With create=False a missing file gives
    None (a reader never creates a store only to find it empty) and the connection is
    read-only: --offline answers from a read-only file or file system. A file that is not a
    gcal store is looked at read-only first and never changed (a damaged or foreign one is
    moved aside, a symlink refused). Every failure is a StoreError (exit 7) naming the file.
    A reader (create=False) goes by the path as a string: no pathlib on its way."""
    if not create:
        where = store_file() if path is None else path
        _not_a_link(where)
        if not _exists(where):
            return None
        folder = os.path.dirname(os.fspath(where)) or "."
        for mine in (os.path.dirname(folder) or ".", folder):
            problem = folder_problem(mine)
            if problem:
                raise StoreError(f"will not use the folder {mine}: {problem}")
        return _open_reader(where)
    path = store_path() if path is None else _as_path(path)
    _not_a_link(path)
    _private_folder(path.parent)
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(f"cannot write the store {path}: {_why(path, PermissionError())}")
    for attempt in (1, 2):
        conn = None
        try:
            if not path.exists():
                _create(path)
            _not_a_link(path)
            kind = _kind(path)
            if kind in ("corrupt", "foreign", "newer"):
                why = _UNUSABLE[kind]
                if attempt == 2:
                    raise StoreError(f"cannot open the store {path}: {why}")
                _move_aside(path, why)
                continue
            conn = _connect(path)
            _prepare(conn)
            return Store(path, conn)
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            if is_corrupt(exc) and attempt == 1:
                _move_aside(path, str(exc))
                continue
            raise failure(path, exc) from None
        except OSError as exc:
            raise StoreError(f"cannot open the store {path}: {_why(path, exc)}") from None
    return None  # unreachable


def _open_reader(path: Union[str, Path]) -> Optional[Store]:
    """A read-only connection to the store at `path` (None when it is not a usable store: a
    reader leaves a damaged or foreign file to the next sync, which moves it aside)."""
    try:
        if os.stat(path).st_size == 0:
            return None  # "empty"
        conn = _reader_connection(path)
        try:
            kind = _kind_of(conn)  # found with the connection that then reads: one open
        except BaseException:
            conn.close()
            raise
        if kind == "ours":
            return Store(path, conn)
        conn.close()
        if kind in ("empty", "old"):
            return None
        raise StoreError(
            f"the store {path} is {_UNUSABLE.get(kind, 'damaged')}; "
            "'gcal sync' moves it aside and builds a new one"
        )
    except sqlite3.Error as exc:
        raise failure(path, exc) from None
    except OSError as exc:
        raise StoreError(f"cannot read the store {path}: {exc.strerror or exc}") from None


def _reader_connection(path: Union[str, Path]) -> sqlite3.Connection:
    """A read-only connection to `path`, tried with one query; in a read-only folder or file
    system, where the journal's index cannot be made, one that reads the file as it is
    (nothing can change it there)."""
    try:
        conn = _connect(path, readonly=True)
    except sqlite3.OperationalError:
        return _connect(path, readonly=True, immutable=True)
    try:
        conn.execute("PRAGMA application_id").fetchone()
    except sqlite3.OperationalError as exc:
        conn.close()
        if "unable to open" not in str(exc).lower():
            raise
        return _connect(path, readonly=True, immutable=True)
    return conn


#: the search index's own statement in _SCHEMA (`clear` drops the index and makes it anew)
_SEARCH_AT = _SCHEMA.index("CREATE VIRTUAL TABLE IF NOT EXISTS search_index")
SEARCH_INDEX_TABLE = _SCHEMA[_SEARCH_AT : _SCHEMA.index(";", _SEARCH_AT)].strip()


def clear(store: Store) -> None:
    """Forget every calendar and event (the next sync starts afresh). Done in a transaction
    rather than by deleting the file, so a process reading it meanwhile is not hurt.

    The events and the search index go whole, not row by row: the trigger that removes an
    event's index row is dropped first (an unconditional DELETE of a table without triggers
    frees its pages at once), the index is dropped and made anew, then the trigger too. Row by
    row, 100,000 events took seconds (each index row read back to remove its words).

    The freed pages are not overwritten with zeros first, as an SQLite built with
    SECURE_DELETE (Debian's, for one) would: that wrote the whole store twice more (its
    write-ahead log, then the file) before the sync that follows overwrites the same pages
    with the events again ("fast" secure delete: only what costs no extra writing)."""
    with store.guard():
        store.conn.execute("PRAGMA secure_delete = FAST")
    with store.write() as conn:
        conn.execute("DROP TRIGGER IF EXISTS events_unindexed")
        conn.execute("DELETE FROM events")
        conn.execute("DROP TABLE IF EXISTS search_index")
        conn.execute(SEARCH_INDEX_TABLE)
        for statement in _TRIGGERS:
            conn.execute(statement)
        conn.execute("DELETE FROM calendars")
        conn.execute("DELETE FROM meta")
