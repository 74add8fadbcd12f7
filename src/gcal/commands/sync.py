"""`gcal sync` end to end: the calendar list, then every chosen calendar synced at once.

Each calendar is synced in its own worker with its own HTTP connection (a connection serves one
thread at a time) and its own store connection (sqlite3 connections are per thread); each
applies its result in its own transaction, so one failing calendar loses nothing of the others.
stderr gets one summary line per calendar; a rich progress display only when stderr is a
terminal. The requests go through `gcal.google.rest` (plain HTTP with the stored token), so a
sync with nothing new imports no Google library and costs little more than its round trip.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, TextIO, Tuple

from gcal.core.sanitize import json_text, one_line
from gcal.errors import Cancelled, GcalError, UsageError
from gcal.render.terminal import isatty
from gcal.settings import Settings
from gcal.store import db
from gcal.store.sync import (
    HISTORY_KEEP,
    SyncResult,
    age_text,
    save_calendar_list,
    sync_calendar,
    when_text,
)
from gcal.waits import run_jobs

MAX_WORKERS = 8


def account_store_path(settings: Settings) -> Path:
    """The store of the account these settings reach (the demo account has its own)."""
    return db.store_path(db.DEMO_ACCOUNT if settings.demo else settings.profile)


def open_for_writing(path: Path) -> db.Store:
    """The store, opened to be written; a StoreError (exit 7) names what stops that."""
    store = db.open_store(path)
    assert store is not None
    return store


def fetch_calendar_list(session: Any) -> List[Dict[str, Any]]:
    """Every entry of the calendar list, hidden ones too (--all-calendars wants them)."""
    entries: List[Dict[str, Any]] = []
    for page in session.pages("calendars", {"showHidden": True}):
        entries.extend(item for item in page.get("items") or [] if isinstance(item, dict))
    return entries


def stored_calendar_list(store: db.Store) -> List[Dict[str, Any]]:
    entries = []
    for row in store.calendar_rows():
        try:
            entries.append(json.loads(row["entry"]))
        except ValueError:
            continue
    return entries


def store_calendar_list(settings: Settings) -> List[Dict[str, Any]]:
    """Fetch the calendar list into the store (what --cached needs before choosing)."""
    from gcal.google import rest

    entries = fetch_calendar_list(rest.connect(settings))
    with open_for_writing(account_store_path(settings)) as store:
        save_calendar_list(store, entries, complete=True)
    return entries


def run(
    settings: Settings,
    *,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    quiet: bool = False,
    silent: bool = False,
    full: bool = False,
    err: Optional[TextIO] = None,
    profile: Optional[str] = None,
    progress: Optional[SyncProgress] = None,
    cancel: Optional[threading.Event] = None,
    keep: Optional[float] = None,
) -> List[SyncResult]:
    """Sync the chosen calendars (as the agenda chooses them) into the store; raise the worst
    failure after the others are done (each failure is also named on stderr unless `silent`).
    With `profile` (one of several synced at once) each line names it, and `progress`, when
    given, is the display the profiles share.

    With a calendar list already stored, the calendars are chosen from it and the list is
    refreshed at the same time as the events, so a sync with nothing new costs one round trip;
    otherwise (or when a --calendar name is not on the stored list) the list comes first.
    """
    from gcal.core.calendars import chosen_names, select_calendars
    from gcal.google import rest

    err = err or sys.stderr
    keep = history_keep(settings, keep)
    # the agenda's calendars: config.toml's `calendars` when none are named
    calendars = chosen_names(calendars, all_calendars, settings.command_defaults.get("calendars"))
    path = account_store_path(settings)
    # plain HTTP with the stored token: no Google library unless the token must be renewed;
    # a profile not logged in fails here, before its store is created
    client = rest.connect(settings)
    try:
        with open_for_writing(path) as store:
            known = stored_calendar_list(store)
    except db.StoreError as exc:
        if not exc.corrupt:
            raise
        known = []  # moved aside: the next open builds a new store
    chosen: Optional[List[Dict[str, Any]]] = None
    if known:
        try:
            chosen = select_calendars(known, calendars, all_calendars=all_calendars)
        except UsageError:
            chosen = None
    try:
        return _sync_chosen(
            client,
            path,
            chosen,
            calendars,
            all_calendars,
            full,
            quiet,
            silent,
            err,
            profile,
            progress,
            cancel,
            keep=keep,
        )
    except db.StoreError as exc:
        if not exc.corrupt:
            raise
        # the store was damaged (and is now aside): build a new one with a full sync
        return _sync_chosen(
            client,
            path,
            None,
            calendars,
            all_calendars,
            True,
            quiet,
            silent,
            err,
            profile,
            progress,
            cancel,
            keep=keep,
        )


def history_keep(settings: Settings, given: Optional[float] = None) -> float:
    """Seconds of history a sync keeps: --keep, else config.toml's `history_keep` (days),
    else 90 days."""
    if given is not None:
        return given
    days = settings.command_defaults.get("history_keep")
    if isinstance(days, (int, float)) and not isinstance(days, bool) and days > 0:
        return float(days) * 86400.0
    return HISTORY_KEEP


def _sync_chosen(
    client: Any,
    path: Path,
    chosen: Optional[List[Dict[str, Any]]],
    calendars: Sequence[str],
    all_calendars: bool,
    full: bool,
    quiet: bool,
    silent: bool,
    err: TextIO,
    profile: Optional[str],
    progress: Optional[SyncProgress],
    cancel: Optional[threading.Event],
    *,
    keep: float = HISTORY_KEEP,
) -> List[SyncResult]:
    from gcal.core.calendars import select_calendars

    refresh_list = chosen is not None
    if chosen is None:
        entries = fetch_calendar_list(client)
        with open_for_writing(path) as store:
            save_calendar_list(store, entries, complete=True)
        chosen = select_calendars(entries, calendars, all_calendars=all_calendars)
    return sync_many(
        client,
        path,
        chosen,
        full=full,
        quiet=quiet or silent,
        silent=silent,
        err=err,
        refresh_list=refresh_list,
        profile=profile,
        progress=progress,
        cancel=cancel,
        keep=keep,
    )


def sync_many(
    client: Any,
    path: Path,
    chosen: Sequence[Dict[str, Any]],
    *,
    full: bool = False,
    quiet: bool = False,
    silent: bool = False,
    refresh_list: bool = False,
    err: TextIO,
    profile: Optional[str] = None,
    progress: Optional[SyncProgress] = None,
    cancel: Optional[threading.Event] = None,
    keep: float = HISTORY_KEEP,
) -> List[SyncResult]:
    """Sync `chosen` (calendar-list entries) concurrently, each worker on its own connection
    and store connection (and, with `refresh_list`, the calendar list beside them); print a
    line per calendar (none when `quiet`, not even failures when `silent`), naming `profile`
    when given; raise the worst failure. A shared `progress` gets a bar per
    profile:calendar and is left running (its owner stops it). The workers are daemon threads
    that stop as soon as `cancel` is set (by a Ctrl-C here or by the caller's)."""
    from gcal.google.fetch import read_ahead

    ids = [str(entry["id"]) for entry in chosen]
    entries = {str(entry["id"]): entry for entry in chosen}
    owned = progress is None and not quiet and bool(ids) and isatty(err)
    if owned:
        progress = SyncProgress(err)
    update = None
    if progress is not None:
        bars = {cid: f"{profile}:{cid}" if profile else cid for cid in ids}
        progress.add(bars.values())
        shown = progress

        def update(calendar_id: str, events: int, pages: int) -> None:
            shown.update(bars[calendar_id], events, pages)

    local = threading.local()
    cancel = cancel or threading.Event()
    writing: Dict[int, db.Store] = {}  # each worker's store, interrupted on Ctrl-C

    def worker() -> Any:
        if not hasattr(local, "client"):
            local.client = client.worker()
        return local.client

    def one(calendar_id: str) -> SyncResult:
        own = worker()

        def pages(request: Dict[str, Any]) -> Any:
            # the next page is fetched while this one is stored
            return read_ahead(own.pages("events", request), cancel=cancel)

        with open_for_writing(path) as store, store.guard():
            writing[threading.get_ident()] = store
            try:
                return sync_calendar(
                    store,
                    calendar_id,
                    pages,
                    full=full,
                    entry=entries.get(calendar_id),
                    progress=update,
                    cancel=cancel,
                    keep=keep,
                )
            finally:
                writing.pop(threading.get_ident(), None)

    def calendar_list() -> None:
        listed = fetch_calendar_list(worker())
        if cancel.is_set():
            raise Cancelled()
        with open_for_writing(path) as store:
            save_calendar_list(store, listed, complete=True)

    done: Dict[str, SyncResult] = {}
    failures: List[Tuple[str, GcalError]] = []
    jobs: List[Tuple[Optional[str], Any]] = [(None, calendar_list)] if refresh_list else []
    jobs += [(cid, one) for cid in ids]
    workers = max(1, min(MAX_WORKERS, len(ids)) + refresh_list)  # the list beside them
    try:
        for cid, outcome in run_jobs(jobs, workers, cancel):
            if isinstance(outcome, SyncResult):
                done[str(cid)] = outcome
            elif isinstance(outcome, GcalError):
                failures.append((cid or "the calendar list", outcome))
            elif isinstance(outcome, BaseException):
                raise outcome
    except KeyboardInterrupt:
        # Ctrl-C: the workers stop after the page in hand, a transaction under way is
        # interrupted and rolled back; calendars already committed stay so (and are named)
        cancel.set()
        for store in list(writing.values()):
            with contextlib.suppress(Exception):
                store.conn.interrupt()
        if not quiet:
            for cid in ids:
                if cid in done:
                    err.write(f"gcal: sync: {profile + ': ' if profile else ''}"
                              f"{done[cid].summary()}\n")  # fmt: skip
        raise
    finally:
        if owned and progress is not None:
            progress.stop()
    for _, exc in failures:
        if isinstance(exc, db.StoreError) and exc.corrupt:
            raise exc
    results = [done[cid] for cid in ids if cid in done]
    named = f"{profile}: " if profile else ""
    if not quiet:  # in calendar order, whatever finished first
        for result in results:
            err.write(f"gcal: sync: {one_line(named + result.summary())}\n")
    for _, exc in failures:
        if isinstance(exc, db.StoreError):  # the store, not a calendar: one line says it
            err.flush()
            raise exc
    if failures and silent:
        raise max(failures, key=lambda f: f[1].exit_code)[1]
    # in calendar order (the calendar list last), whichever failed first
    order = {cid: n for n, cid in enumerate(ids)}
    failures.sort(key=lambda f: order.get(f[0], len(order)))
    alike = not results and len(failures) > 1 and len({e.message for _, e in failures}) == 1
    if alike and not profile:
        # every request failed the same way (the network is down, say): one line, not one
        # per calendar
        first = failures[0][1]
        raise GcalError(
            f"{first.message}; the store keeps its last sync", exit_code=first.exit_code
        )
    if profile and not results and len({exc.message for _, exc in failures}) == 1:
        # the whole profile failed alike (its account unreachable, say): one line names it
        err.write(f"gcal: error: profile {profile}: {one_line(failures[0][1].message)}\n")
    else:
        where = f"profile {profile}: " if profile else ""
        for cid, exc in failures:
            err.write(f"gcal: error: {one_line(f'{where}{cid}: {exc.message}')}\n")
    err.flush()
    if failures:
        worst = max(failures, key=lambda f: f[1].exit_code)[1]
        raise Reported(worst)
    return results


class Reported(GcalError):
    """A failure already named on stderr per calendar: the CLI adds one summary line."""

    def __init__(self, worst: GcalError) -> None:
        super().__init__(
            "some calendars could not be synced (see above); the store keeps their last sync",
            exit_code=worst.exit_code,
        )


def status_report(settings: Settings) -> Dict[str, Any]:
    """What `gcal sync --status` shows, as data: the store's path, whether it exists, its size,
    and per calendar its id, name, event count, last sync (a Unix time) and kind of sync."""
    path = account_store_path(settings)
    report: Dict[str, Any] = {"store": str(path), "exists": False, "size": 0, "calendars": []}
    store = db.open_store(path, create=False)
    if store is None:
        return report
    with store:
        report.update(exists=True, size=store.size())
        for row in store.calendar_rows():
            entry = json.loads(row["entry"])
            synced = row["synced_at"] is not None
            report["calendars"].append(
                {
                    "calendarId": row["id"],
                    "summary": entry.get("summaryOverride") or entry.get("summary") or row["id"],
                    "events": store.event_count(row["id"]) if synced else None,
                    "syncedAt": row["synced_at"],
                    "lastSync": row["last_sync"] if synced else None,
                }
            )
    return report


def status(settings: Settings, out: TextIO) -> None:
    """`gcal sync --status`: the store's path and size, each calendar's last sync and count;
    a table on a terminal (or with --format table), tab-separated lines into a pipe; with
    --format json one object, with ndjson one object per calendar (times in RFC 3339,
    the age in seconds), for scripts that check how fresh the store is."""
    report = status_report(settings)
    if settings.format in ("json", "ndjson"):
        write_status_json(report, out, ndjson=settings.format == "ndjson")
        return
    if settings.format in ("csv", "tsv"):
        write_status_rows(report, out, settings.format, raw=settings.csv_raw)
        return
    path = report["store"]
    if not report["exists"]:
        out.write(f"store: {path} (not created yet: run 'gcal sync')\n")
        return
    now = time.time()
    from gcal.render.terminal import color_enabled, isatty, terminal_width

    if settings.format == "table" or (settings.format is None and isatty(out)):
        from gcal.render.syncstatus import write_status_table

        write_status_table(
            report,
            out,
            now=now,
            age_text=age_text,
            size_text=_size(report["size"]),
            color=color_enabled(out),
            width=terminal_width(out),
        )
        return
    out.write(f"store: {path} ({_size(report['size'])})\n")
    for cal in report["calendars"]:
        # names and ids come from the calendar list: anyone who shares a calendar writes them
        cid, name = one_line(cal["calendarId"]), one_line(cal["summary"])
        if cal["syncedAt"] is None:
            out.write(f"{cid}\t{name}\tnever synced\n")
            continue
        out.write(
            f"{cid}\t{name}\t{cal['events']} events\t"
            f"synced {when_text(cal['syncedAt'])} "
            f"({age_text(now - cal['syncedAt'])} ago, {cal['lastSync']})\n"
        )


#: the csv/tsv columns of `gcal sync --status`: one row per calendar
STATUS_COLUMNS = ("calendarId", "summary", "events", "syncedAt", "lastSync", "ageSeconds", "store")


def write_status_rows(
    report: Dict[str, Any], out: TextIO, fmt: str, *, raw: bool = False, header: bool = True,
    profile: Optional[str] = None,
) -> None:  # fmt: skip
    """`gcal sync --status --format csv|tsv`: a header, then a row per calendar (none before
    the first sync), times in RFC 3339; with `profile`, a first column names it."""
    import io

    from gcal.render.formats import RowWriter
    from gcal.render.terminal import isatty

    data = status_json(report, time.time(), profile)
    buffer = io.StringIO()
    rows = RowWriter(buffer, fmt, raw=raw, terminal=isatty(out))
    lead = ["profile"] if profile is not None else []
    if header:
        rows.writerow(lead + list(STATUS_COLUMNS))
    for cal in data["calendars"]:
        cells = {**cal, "store": data["store"]}
        values = ["" if cells.get(k) is None else str(cells.get(k)) for k in STATUS_COLUMNS]
        rows.writerow(([str(profile)] if profile is not None else []) + values)
    out.write(buffer.getvalue())


def status_json(report: Dict[str, Any], now: float, profile: Optional[str] = None) -> Any:
    """The report with times as RFC 3339 (UTC) and each calendar's age in whole seconds."""
    from datetime import datetime, timezone

    def rfc3339(ts: Optional[float]) -> Optional[str]:
        if ts is None:
            return None
        return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds")

    calendars = [
        {
            **cal,
            "syncedAt": rfc3339(cal["syncedAt"]),
            "ageSeconds": None if cal["syncedAt"] is None else int(now - cal["syncedAt"]),
        }
        for cal in report["calendars"]
    ]
    head = {"profile": profile} if profile is not None else {}
    return {**head, **report, "calendars": calendars}


def write_status_json(
    report: Dict[str, Any], out: TextIO, *, ndjson: bool, profile: Optional[str] = None
) -> None:
    data = status_json(report, time.time(), profile)
    terminal = isatty(out)
    if not ndjson:
        out.write(json_text(data, terminal=terminal, indent=2) + "\n")
        return
    for cal in data["calendars"]:
        head = {"profile": profile} if profile is not None else {}
        line = {**head, "store": data["store"], **cal}
        out.write(json_text(line, terminal=terminal) + "\n")


def rebuild(settings: Settings) -> None:
    """Empty the store for a full sync; a damaged one is moved aside and built anew."""
    path = account_store_path(settings)
    try:
        with open_for_writing(path) as store:
            db.clear(store)
    except db.StoreError as exc:
        if not exc.corrupt:
            raise
        open_for_writing(path).close()  # the damaged file is aside: a new one


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def progress_text(events: int, pages: int) -> str:
    """`32,500 events, 13 pages`, `1 event, 1 page`: what a progress bar says so far."""
    return (
        f"{events:,} event{'' if events == 1 else 's'}, {pages:,} page{'' if pages == 1 else 's'}"
    )


class SyncProgress:
    """One rich bar per calendar (events so far, pages, rate), on stderr, gone when done;
    bars are added as each profile's calendars are chosen."""

    def __init__(self, err: TextIO) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.fields[done]}"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=Console(file=err),
            transient=True,
        )
        self._tasks: Dict[str, Any] = {}
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._progress.start()

    def add(self, bars: Iterable[str]) -> None:
        with self._lock:
            for bar in bars:
                if bar not in self._tasks:
                    from rich.markup import escape

                    # a calendar's id is the server's text: sanitised, and not rich markup
                    shown = escape(one_line(bar))
                    self._tasks[bar] = self._progress.add_task(
                        shown, total=None, done=progress_text(0, 0), rate=""
                    )

    def update(self, calendar_id: str, events: int, pages: int) -> None:
        elapsed = max(time.monotonic() - self._started, 1e-3)
        with self._lock:
            self._progress.update(
                self._tasks[calendar_id],
                completed=events,
                done=progress_text(events, pages),
                rate=f"{events / elapsed:,.0f}/s",
            )

    def stop(self) -> None:
        self._progress.stop()
