"""`gcal sync` end to end: the calendar list, then every chosen calendar synced at once.

Each calendar is synced in its own worker with its own HTTP connection (httplib2 is not
thread-safe) and its own store connection (sqlite3 connections are per thread); each applies its
result in its own transaction, so one failing calendar loses nothing of the others. stderr gets
one summary line per calendar; a rich progress display only when stderr is a terminal.
"""

from __future__ import annotations

import concurrent.futures
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from gcal.errors import GcalError, UsageError
from gcal.render.terminal import isatty
from gcal.settings import Settings
from gcal.store import db
from gcal.store.sync import SyncResult, age_text, save_calendar_list, sync_calendar, when_text

MAX_WORKERS = 8


def account_store_path(settings: Settings) -> Path:
    """The store of the account these settings reach (the demo account has its own)."""
    return db.store_path(db.DEMO_ACCOUNT if settings.demo else None)


def open_for_writing(path: Path) -> db.Store:
    try:
        store = db.open_store(path)
    except db.StoreError as exc:
        raise GcalError(str(exc)) from None
    assert store is not None
    return store


def fetch_calendar_list(client: Any) -> List[Dict[str, Any]]:
    """Every entry of the calendar list, hidden ones too (--all-calendars wants them)."""
    from gcal.google import api

    entries: List[Dict[str, Any]] = []
    for page in api.iter_pages(client, "calendars", {"showHidden": True}):
        entries.extend(page.get("items") or [])
    return entries


def choose(entries: List[Dict[str, Any]], wanted: Sequence[str], all_calendars: bool) -> List[str]:
    """Calendar ids to sync: those asked for, every one, or the ones shown in Google Calendar."""
    if all_calendars:
        return [e["id"] for e in entries]
    if wanted:
        primary = next((e["id"] for e in entries if e.get("primary")), "primary")
        return [primary if cid == "primary" else cid for cid in wanted]
    return [e["id"] for e in entries if e.get("selected")]


def run(
    settings: Settings,
    *,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    quiet: bool = False,
    silent: bool = False,
    full: bool = False,
    err: Optional[TextIO] = None,
    resolve: Optional[Callable[[List[Dict[str, Any]]], List[str]]] = None,
) -> List[SyncResult]:
    """Sync the chosen calendars into the store; raise the worst failure after the others are
    done (each failure is also named on stderr)."""
    from gcal.google import api, auth

    err = err or sys.stderr
    path = account_store_path(settings)
    store = open_for_writing(path)
    credentials = auth.get_credentials(settings)
    client = api.build_client(settings, credentials)
    try:
        entries = fetch_calendar_list(client)
        save_calendar_list(store, entries, complete=True)
        by_id = {e["id"]: e for e in entries}
        chosen = resolve(entries) if resolve else choose(entries, calendars, all_calendars)
    finally:
        store.close()
    return sync_many(
        settings,
        credentials,
        path,
        chosen,
        by_id,
        full=full,
        quiet=quiet or silent,
        err=err,
        silent=silent,
    )


def sync_many(
    settings: Settings,
    credentials: Any,
    path: Path,
    chosen: Sequence[str],
    entries: Dict[str, Dict[str, Any]],
    *,
    full: bool = False,
    quiet: bool = False,
    silent: bool = False,
    err: TextIO,
) -> List[SyncResult]:
    """Sync `chosen` concurrently; print a line per calendar (none when `quiet`, not even for
    failures when `silent`); raise the worst failure."""
    from gcal.google import api

    progress = _Progress(err, chosen) if not quiet and isatty(err) else None
    local = threading.local()

    def one(calendar_id: str) -> SyncResult:
        if not hasattr(local, "client"):
            local.client = api.build_client(settings, credentials)
        c = local.client

        def pages(request: Dict[str, Any]) -> Any:
            return api.iter_pages(c, "events", request)

        store = open_for_writing(path)
        try:
            return sync_calendar(
                store,
                calendar_id,
                pages,
                full=full,
                entry=entries.get(calendar_id),
                progress=progress.update if progress else None,
            )
        finally:
            store.close()

    results: List[SyncResult] = []
    failures: List[Tuple[str, GcalError]] = []
    workers = max(1, min(MAX_WORKERS, len(chosen)))
    try:
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            futures = {pool.submit(one, cid): cid for cid in chosen}
            done = {}
            for future in concurrent.futures.as_completed(futures):
                cid = futures[future]
                try:
                    done[cid] = future.result()
                except GcalError as exc:
                    failures.append((cid, exc))
    finally:
        if progress is not None:
            progress.stop()
    for cid in chosen:  # summary lines in calendar order, whatever finished first
        if cid in done:
            results.append(done[cid])
            if not quiet:
                err.write(f"gcal: sync: {done[cid].summary()}\n")
    if failures and silent:
        raise max(failures, key=lambda f: f[1].exit_code)[1]
    for cid, exc in failures:
        err.write(f"gcal: error: {cid}: {exc.message}\n")
    err.flush()
    if failures:
        worst = max(failures, key=lambda f: f[1].exit_code)[1]
        raise _Reported(worst)
    return results


class _Reported(GcalError):
    """A failure already named on stderr per calendar: the CLI adds one summary line."""

    def __init__(self, worst: GcalError) -> None:
        super().__init__(
            "some calendars could not be synced (see above); the store keeps their last sync",
            exit_code=worst.exit_code,
        )


def status(settings: Settings, out: TextIO) -> None:
    """`gcal sync --status`: the store's path and size, each calendar's last sync and count."""
    path = account_store_path(settings)
    try:
        store = db.open_store(path, create=False)
    except db.StoreError as exc:
        raise GcalError(str(exc)) from None
    if store is None:
        out.write(f"store: {path} (not created yet: run 'gcal sync')\n")
        return
    with store:
        out.write(f"store: {path} ({_size(store.size())})\n")
        now = time.time()
        for row in store.calendar_rows():
            entry = json.loads(row["entry"])
            name = entry.get("summaryOverride") or entry.get("summary") or row["id"]
            if row["synced_at"] is None:
                out.write(f"{row['id']}\t{name}\tnever synced\n")
                continue
            count = store.event_count(row["id"])
            out.write(
                f"{row['id']}\t{name}\t{count} events\tsynced {when_text(row['synced_at'])} "
                f"({age_text(now - row['synced_at'])} ago, {row['last_sync']})\n"
            )


def rebuild(settings: Settings) -> None:
    store = open_for_writing(account_store_path(settings))
    with store:
        db.clear(store)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


class _Progress:
    """One rich bar per calendar (events so far, pages, rate), on stderr, gone when done."""

    def __init__(self, err: TextIO, calendars: Sequence[str]) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed} events, {task.fields[pages]} pages"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=Console(file=err),
            transient=True,
        )
        self._tasks = {
            cid: self._progress.add_task(cid, total=None, pages=0, rate="") for cid in calendars
        }
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._progress.start()

    def update(self, calendar_id: str, events: int, pages: int) -> None:
        elapsed = max(time.monotonic() - self._started, 1e-3)
        with self._lock:
            self._progress.update(
                self._tasks[calendar_id],
                completed=events,
                pages=pages,
                rate=f"{events / elapsed:,.0f}/s",
            )

    def stop(self) -> None:
        self._progress.stop()


def check_calendar_ids(ids: Sequence[str]) -> None:
    for cid in ids:
        if not cid.strip():
            raise UsageError("--calendar must not be empty")
