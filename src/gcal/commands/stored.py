"""Answers from the local store: `--offline` (the store only) and `--cached` (sync first what is
older than --max-age, then the store; on a network failure, the store with a warning).

`--offline` must stay cheap: this module and what it imports at the top use only sqlite3,
json and gcal's small modules; the Google client is imported by the `--cached` sync alone.
"""

from __future__ import annotations

import itertools
import math
import sys
import time
from typing import Any, Dict, List, Optional, Sequence, TextIO, Tuple

from gcal.errors import EXIT_LOCAL, EXIT_NETWORK, GcalError, NotFoundError, UsageError
from gcal.settings import Settings
from gcal.store import db, query

DEFAULT_MAX_AGE = 300.0
#: a --cached answer waits this long at most for the network before using the store
CACHED_TIMEOUT = 10.0

#: events.list parameters the store answers, as (API name -> option) for messages
_EVENTS_OPTION = {
    "iCalUID": "--ical-uid",
    "privateExtendedProperty": "--private-extended-property",
    "sharedExtendedProperty": "--shared-extended-property",
    "showHiddenInvitations": "--show-hidden-invitations",
    "maxAttendees": "--max-attendees",
    "syncToken": "--sync-token",
    "pageToken": "--page-token",
    "alwaysIncludeEmail": "--always-include-email",
}


def store_path(settings: Settings) -> Any:
    """The store of the account these settings reach (the demo account has its own)."""
    return db.store_path(db.DEMO_ACCOUNT if settings.demo else settings.profile)


def sync_command(settings: Optional[Settings] = None) -> str:
    """The `gcal sync` that fills this profile's store (what the messages tell to run)."""
    from gcal.profiles import DEFAULT_PROFILE

    if settings is not None and settings.demo:
        return "gcal --demo sync"
    if settings is None or settings.profile == DEFAULT_PROFILE:
        return "gcal sync"
    return f"gcal sync --profile {settings.profile}"


def shell_word(text: str) -> str:
    """`text` as one word for a POSIX shell, in double quotes when it needs quoting (a holiday
    calendar's `#` starts a comment or a zsh glob), so that the command can sit in a message
    between single quotes."""
    import shlex

    if shlex.quote(text) == text:
        return text
    if not any(ch in text for ch in '"$`\\!'):
        return f'"{text}"'
    return shlex.quote(text)


def never_synced(calendar_id: str, settings: Optional[Settings] = None) -> GcalError:
    """The calendar is not in the store: the exact commands that put it there (a plain
    'gcal sync' syncs only the calendars shown in Google Calendar, not a hidden one)."""
    sync = sync_command(settings)
    return NotFoundError(
        f"calendar {calendar_id!r} has never been synced; run '{sync} --calendar "
        f"{shell_word(calendar_id)}' first (or '{sync} --all-calendars' for every calendar "
        "on your list)"
    )


def open_reader(settings: Settings) -> Optional[db.Store]:
    """The store, read-only (None before the first sync); a StoreError (exit 7) names what
    stops reading it."""
    account = db.DEMO_ACCOUNT if settings.demo else settings.profile
    return db.open_store(db.store_file(account), create=False)  # a string: no pathlib


class LiveInstead(GcalError):
    """`--cached` could not use the store (read-only, full disk, unsafe folder): the caller
    answers from the API instead (a warning has been written)."""


def store_unusable(exc: GcalError, err: TextIO, label: str = "") -> LiveInstead:
    err.write(f"gcal: warning: {label}{exc.message}; answering from the Calendar API\n")
    err.flush()
    return LiveInstead(exc.message)


def resolve_id(store: Optional[db.Store], calendar_id: str) -> str:
    """`primary` means the stored calendar list's primary calendar."""
    if store is None or calendar_id != "primary":
        return calendar_id
    import json

    for row in store.calendar_rows():
        try:
            if json.loads(row["entry"]).get("primary"):
                return str(row["id"])
        except ValueError:
            continue
    return calendar_id


def check_answerable(request: Dict[str, Any], extra: Sequence[Tuple[bool, str]] = ()) -> None:
    """A UsageError naming the first option the store cannot answer."""
    for name in query.UNANSWERABLE:
        if request.get(name) not in (None, False, [], ()):
            option = _EVENTS_OPTION.get(name, name)
            raise UsageError(
                f"{option} cannot be answered from the store; drop it or leave out --offline"
            )
    for given, option in extra:
        if given:
            raise UsageError(
                f"{option} cannot be answered from the store; drop it or leave out --offline"
            )


def freshen(
    settings: Settings,
    calendar_ids: Sequence[str],
    max_age: float,
    err: TextIO,
    *,
    now: Optional[float] = None,
    label: str = "",
) -> None:
    """`--cached`: sync the calendars whose last sync is older than `max_age` (incrementally);
    if the network fails, warn once with the age of what the store holds (and go on).
    `label` starts the warning (e.g. "profile work: " when several profiles answer)."""
    now = time.time() if now is None else now
    try:
        _freshen(settings, calendar_ids, max_age, err, now, label)
    except db.StoreError as exc:
        raise store_unusable(exc, err, label) from None


def _freshen(
    settings: Settings,
    calendar_ids: Sequence[str],
    max_age: float,
    err: TextIO,
    now: float,
    label: str,
) -> None:
    store = open_reader(settings)
    stale: List[str] = []
    oldest: Optional[float] = None
    first = False  # a calendar never synced: its whole listing comes
    for cid in calendar_ids:
        row = store.calendar_row(resolve_id(store, cid)) if store is not None else None
        synced = row["synced_at"] if row is not None else None
        if synced is None or now - synced > max_age:
            stale.append(cid)
            first = first or synced is None
        if synced is not None:
            oldest = synced if oldest is None else min(oldest, synced)
    if store is not None:
        store.close()
    if not stale:
        return
    from gcal.commands import sync
    from gcal.render.terminal import isatty

    # a first sync (a calendar never synced) may take a while: on a terminal, show it going
    progress = sync.SyncProgress(err) if first and isatty(err) else None
    try:
        sync.run(
            cached_settings(settings), calendars=stale, quiet=True, silent=True, progress=progress
        )
    except GcalError as exc:
        if exc.exit_code == EXIT_LOCAL:
            raise db.StoreError(exc.message) from None
        if exc.exit_code != EXIT_NETWORK or oldest is None:
            raise
        from gcal.store.sync import age_text  # (the sync and its index: not for --offline)

        err.write(
            f"gcal: warning: {label}the Calendar API could not be reached; answering from the "
            f"store "
            f"as of {age_text(now - oldest)} ago\n"
        )
        err.flush()
    finally:
        if progress is not None:
            progress.stop()


def _ts(text: Any) -> Optional[float]:
    if not text:
        return None
    from gcal.core.timespec import parse_rfc3339

    dt = parse_rfc3339(str(text))
    return dt.timestamp() if dt is not None else None


def _second(text: Any) -> Optional[float]:
    """timeMin/timeMax as the API reads them: "Milliseconds may be provided but are ignored"
    (the agenda's and next's windows start at the clock's now, fractions and all)."""
    ts = _ts(text)
    return float(math.floor(ts)) if ts is not None else None


def events_from_store(
    store: db.Store,
    calendar_id: str,
    request: Dict[str, Any],
    now: Any = None,
    *,
    stream: bool = False,
) -> Any:
    """events.list answered from the store (the request already checked as answerable): a
    list, or with `stream` an iterator to consume inside the store's snapshot (memory stays
    flat however many events it gives)."""
    from gcal.core import expand

    try:
        query.calendar_zone(store, calendar_id)  # NeverSynced now, not at the first item
        listing = query.stream_events if stream else query.list_events
        items = listing(
            store,
            calendar_id,
            window=(_second(request.get("timeMin")), _second(request.get("timeMax"))),
            single_events=bool(request.get("singleEvents")),
            order_by=request.get("orderBy"),
            show_deleted=bool(request.get("showDeleted")),
            q=request.get("q"),
            event_types=tuple(request.get("eventTypes") or ()),
            updated_min=_ts(request.get("updatedMin")),
            now=now,
        )
    except query.NeverSynced:
        raise never_synced(calendar_id) from None
    zone = expand.zone_named(request.get("timeZone"))
    if zone is not None:
        shown = (expand.in_zone(e, zone) for e in items)
        return shown if stream else list(shown)
    return items


def run_events(
    settings: Settings,
    request: Dict[str, Any],
    *,
    offline: bool,
    max_age: float = DEFAULT_MAX_AGE,
    limit: Optional[int] = None,
    now: Any = None,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """`gcal events CALENDAR_ID --offline|--cached`: write what the store answers. `now` (the
    demo's clock, else the real one) bounds series that never end when no --time-max is given."""
    from gcal.render import formats as render
    from gcal.render.terminal import color_enabled, isatty, terminal_width

    out = out or sys.stdout
    err = err or sys.stderr
    calendar_id = request["calendarId"]
    if not offline:
        freshen(settings, [calendar_id], max_age, err)
    try:
        store = open_reader(settings)
    except db.StoreError as exc:
        if offline:
            raise
        raise store_unusable(exc, err) from None
    if store is None:
        raise never_synced(calendar_id, settings)
    fmt = settings.format or render.default_format(isatty(out))
    with store, store.snapshot():
        # streamed from the store to the writer: 100,000 events never sit in memory at once
        items = events_from_store(store, resolve_id(store, calendar_id), request, now, stream=True)
        shown = itertools.islice(items, limit) if limit is not None else items
        writer = render.make_writer(
            "events",
            fmt,
            out,
            time_zone=request.get("timeZone"),
            color=color_enabled(out),
            width=terminal_width(out),
            csv_raw=settings.csv_raw,
        )
        try:
            written = writer.write_page({"kind": "calendar#events", "items": shown})
        except BaseException:
            writer.close(complete=False)
            raise
        more = limit is not None and next(iter(items), None) is not None
    writer.close(complete=True)
    if more:
        # as a live listing says it (its page token would not serve: the store has none)
        err.write(f"gcal: stopped after --limit {limit}; more remain\n")
        err.flush()
    return written


class StoreSource:
    """The store as the agenda's `EventSource` (see gcal.commands.agenda): the stored calendar
    list, and each calendar's events of a window expanded locally. With `offline` False
    (`--cached`) it first syncs what is older than `max_age`. `label` starts its warnings
    (the profile's name when several profiles answer)."""

    def __init__(
        self,
        settings: Settings,
        *,
        offline: bool,
        max_age: float = DEFAULT_MAX_AGE,
        err: Optional[TextIO] = None,
        label: str = "",
    ) -> None:
        self.settings = settings
        self.offline = offline
        self.max_age = max_age
        self.err = err or sys.stderr
        self.label = label

        self.live: Any = None
        # --offline: the store the calendar list was read from, kept for the listings (nothing
        # syncs in between), so an answer opens its store once
        self._kept: Optional[db.Store] = None

    def _fall_back(self, exc: GcalError) -> Any:
        """--cached with a store it cannot use: the API answers (one warning)."""
        from gcal.commands.agenda import ApiSource

        if not isinstance(exc, LiveInstead):
            store_unusable(exc, self.err, self.label)
        self.live = ApiSource(self.settings)
        return self.live

    def calendar_list(self) -> List[Dict[str, Any]]:
        if self.live is not None:
            return self.live.calendar_list()  # type: ignore[no-any-return]
        try:
            return self._calendar_list()
        except (db.StoreError, LiveInstead) as exc:
            if self.offline:
                raise
            return self._fall_back(exc).calendar_list()  # type: ignore[no-any-return]

    def _calendar_list(self) -> List[Dict[str, Any]]:
        import json

        store = open_reader(self.settings)
        rows = store.calendar_rows() if store is not None else []
        if store is not None:
            if self.offline and rows:
                self._drop_kept()
                self._kept = store
            else:
                store.close()
        if not rows and not self.offline:
            from gcal.commands import sync

            sync.store_calendar_list(cached_settings(self.settings))
            return self._calendar_list()
        if not rows:
            raise NotFoundError(f"the store is empty: run '{sync_command(self.settings)}' first")
        entries = []
        for row in rows:
            try:
                entries.append(json.loads(row["entry"]))
            except ValueError:
                continue
        return entries

    def listings(self, requests: Sequence[Dict[str, Any]]) -> List[Any]:
        if self.live is not None:
            return self.live.listings(requests)  # type: ignore[no-any-return]
        try:
            return self._listings(requests)
        except (db.StoreError, LiveInstead) as exc:
            if self.offline:
                raise
            return self._fall_back(exc).listings(requests)  # type: ignore[no-any-return]

    def _listings(self, requests: Sequence[Dict[str, Any]]) -> List[Any]:
        ids = [str(r["calendarId"]) for r in requests]
        if not self.offline:
            freshen(self.settings, ids, self.max_age, self.err, label=self.label)
        store, self._kept = self._kept, None
        if store is None:
            store = open_reader(self.settings)
        if store is None:
            raise never_synced(ids[0], self.settings)
        with store, store.snapshot():
            for cid in ids:
                row = store.calendar_row(resolve_id(store, cid))
                if row is None or row["synced_at"] is None:
                    raise never_synced(cid, self.settings)
            return [
                events_from_store(store, resolve_id(store, str(r["calendarId"])), r)
                for r in requests
            ]

    def close(self) -> None:
        """Nothing runs in the background (but the API source when it answers instead)."""
        self._drop_kept()
        if self.live is not None:
            self.live.close()

    def _drop_kept(self) -> None:
        store, self._kept = self._kept, None
        if store is not None:
            store.close()


def cached_settings(settings: Settings) -> Settings:
    """A --cached answer must not hang on a dead network: short time-outs, one retry."""
    return settings.replace(
        timeout=min(settings.timeout, CACHED_TIMEOUT), max_retries=min(settings.max_retries, 1)
    )
