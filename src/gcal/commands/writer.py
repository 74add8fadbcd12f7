"""The plumbing every write command shares: the checks before anything is sent, the `Writer`
that sends each request (journalled before and after, or printed in a dry run), refreshes the
local store and reports, and the checks that tell whether a write went through when its answer
was lost.

Separate from the commands (`gcal.commands.writes`, `edit_following`, `undo`, `importing`)
because they all send their requests the same way: If-Match, the journal and the store refresh
are written once, here.
"""

from __future__ import annotations

import contextlib
import datetime
import sys
from typing import Any, Callable, Dict, List, Optional, TextIO

from gcal.commands.written import event_json, line, quoted
from gcal.core.sanitize import one_line
from gcal.errors import GcalError, NetworkError, UsageError
from gcal.settings import Settings

Event = Dict[str, Any]


def journal_account(settings: Settings) -> str:
    from gcal.store import db

    return db.DEMO_ACCOUNT if settings.demo else settings.profile


def journal_file(settings: Settings, journal_path: Callable[[str], Any]) -> Any:
    """The journal's file. A `--demo` command starts from the sample account afresh each
    time, so its journal is the run's own (beside its throwaway token): undo never replays a
    change an earlier run made in a world that is gone."""
    if settings.demo and settings.credentials:
        from pathlib import Path

        return Path(settings.credentials).parent / "journal" / "demo.journal.sqlite3"
    return journal_path(journal_account(settings))


def check_allowed(settings: Settings, *, dry_run: bool) -> None:
    """Exit 2 for a read-only profile, exit 3 for a login that may not change events (on a
    terminal, the login asking for it runs instead); nothing is sent either way."""
    if settings.command_defaults.get("read_only"):
        raise UsageError(
            f"profile {settings.profile!r} is read-only (read_only = true in config.toml): "
            "gcal changes nothing in it"
        )
    if not dry_run:
        from gcal.google import auth

        auth.check_write_access(settings)


def calendar_or_default(settings: Settings, given: Optional[str]) -> str:
    if given is not None:
        if not given.strip():
            raise UsageError("the calendar must not be empty")
        return given
    return str(settings.command_defaults.get("default_calendar") or "primary")


class Writer:
    """One write command's requests, journal, store refresh and output."""

    def __init__(
        self,
        settings: Settings,
        command: str,
        *,
        dry_run: bool = False,
        send_updates: str = "none",
        out: Optional[TextIO] = None,
        zone: Optional[datetime.tzinfo] = None,
    ) -> None:
        self.settings = settings
        self.command = command
        self.dry_run = dry_run
        self.send_updates = send_updates
        self.out = out or sys.stdout
        self.zone = zone
        self._client: Any = None
        self._journal: Any = None
        self.batch: Optional[str] = None
        self.changed_calendars: List[str] = []
        self._refreshed = False
        #: the events this command changed: the store's history marks them as gcal's own
        self.written: List[str] = []

    # -- connections -----------------------------------------------------------------------

    @property
    def client(self) -> Any:
        if self._client is None:
            from gcal.google import api, auth

            if self.dry_run:
                credentials = auth.get_credentials(self.settings)
            else:
                credentials = auth.write_credentials(self.settings)
            self._client = api.build_client(self.settings, credentials)
        return self._client

    def request_client(self) -> Any:
        """The client that builds requests: the real one, or (for a dry run that read
        nothing) one without credentials."""
        if self._client is None and self.dry_run:
            from gcal.google.writes import offline_client

            return offline_client(self.settings)
        return self.client

    @property
    def journal(self) -> Any:
        if self._journal is None:
            from gcal.store.journal import Journal, JournalError, journal_path

            try:
                self._journal = Journal(journal_file(self.settings, journal_path))
            except JournalError as exc:
                raise GcalError(str(exc), exit_code=7) from None
            self.batch = self._journal.new_batch()
        return self._journal

    def close(self) -> None:
        """The end of a command, however it ends: when a failure or Ctrl-C stops it after some
        of its changes were made (an import, a delete of several events, an undo), the store
        still takes in those, so an --offline answer shows what Google holds."""
        try:
            failure = sys.exc_info()[1]
            if (
                self.changed_calendars
                and not self._refreshed
                and isinstance(failure, (GcalError, KeyboardInterrupt))
                and not isinstance(failure, NetworkError)  # the refresh could not reach it
            ):
                with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: stop now
                    self.refresh_store()
        finally:
            if self._journal is not None:
                self._journal.close()

    # -- reading ---------------------------------------------------------------------------

    def get(self, calendar_id: str, event_id: str) -> Event:
        from gcal.google.writes import get

        if not event_id.strip():
            raise UsageError("EVENT_ID must not be empty")
        return get(self.client, calendar_id, event_id)

    def get_or_none(self, calendar_id: str, event_id: str) -> Optional[Event]:
        from gcal.google.writes import get_or_none

        return get_or_none(self.client, calendar_id, event_id)

    def resolve_calendar(self, name: str) -> str:
        """A calendar id from a name or an id, as every command takes them (one resolver:
        `gcal.commands.calendars`)."""
        from gcal.commands.calendars import resolve_calendar

        return resolve_calendar(self.settings, name, what="calendar")

    # -- writing ---------------------------------------------------------------------------

    def send(
        self,
        kind: str,
        write: Any,
        *,
        event_id: str,
        before: Optional[Event] = None,
        related: Any = None,
        verify: Optional[Callable[[], Optional[Event]]] = None,
        destination: Optional[str] = None,
        undoes: Optional[str] = None,
    ) -> Optional[Event]:
        """Send one request (or print it, in a dry run), journalled before and after."""
        from gcal.google import writes as http
        from gcal.store.journal import DONE, FAILED

        if self.dry_run:
            text = http.describe(self.request_client(), write)
            from gcal.render.terminal import isatty

            if isatty(self.out):  # event text is hostile: no escapes or bidi controls raw
                from gcal.core.sanitize import for_terminal

                text = for_terminal(text)
            self.out.write(text + "\n\n")
            self.out.flush()
            return None
        client = self.client
        journal = self.journal
        assert self.batch is not None
        summary = (before or write.body or {}).get("summary")
        seq = journal.begin(
            self.batch,
            self.command,
            kind,
            write.params.get("calendarId", ""),
            event_id,
            before=before,
            related=related,
            request=write.body,
            destination=destination,
            summary=summary if isinstance(summary, str) else None,
            undoes=undoes,
        )
        try:
            answer = http.send(client, write, verify=verify)
        except GcalError:
            journal.finish(seq, FAILED)
            raise
        except KeyboardInterrupt:
            # the entry stays pending: whether the request reached Google is not known yet
            raise GcalError(
                "interrupted while the change was being sent: it may or may not have been "
                "made; 'gcal undo --list' looks at the event and says which",
                exit_code=130,
            ) from None
        # a Ctrl-C leaves the entry pending: undo looks at the event to say which state it is
        if kind == "insert" and not event_id and answer.get("id"):  # quickAdd names it
            journal.conn.execute(
                "UPDATE entries SET event_id = ?, summary = ? WHERE seq = ?",
                (answer["id"], quoted(answer.get("summary") or "")[1:-1], seq),
            )
        journal.finish(seq, DONE, answer or None)
        for eid in (event_id, (answer or {}).get("id")):
            if isinstance(eid, str) and eid and eid not in self.written:
                self.written.append(eid)
        for cid in (write.params.get("calendarId"), destination):
            if cid and cid not in self.changed_calendars:
                self.changed_calendars.append(cid)
        return answer

    def params(self, calendar_id: str, **more: Any) -> Dict[str, Any]:
        params = {"calendarId": calendar_id, "sendUpdates": self.send_updates}
        params.update({k: v for k, v in more.items() if v is not None})
        return params

    # -- after -----------------------------------------------------------------------------

    def refresh_store(self) -> None:
        """The changed calendars' incremental sync, when the store holds them."""
        if self.dry_run or not self.changed_calendars:
            return
        self._refreshed = True
        from gcal.commands.stored import open_reader, resolve_id
        from gcal.commands.sync import account_store_path, history_keep, open_for_writing

        try:
            store = open_reader(self.settings)
        except GcalError:
            return
        if store is None:
            return
        with store:
            ids = [resolve_id(store, cid) for cid in self.changed_calendars]
            ids = [cid for cid in ids if store.calendar_row(cid) is not None]
        if not ids:
            return
        from gcal.google import rest
        from gcal.google.fetch import read_ahead
        from gcal.store.sync import sync_calendar

        try:
            session = rest.connect(self.settings)
            for cid in ids:
                with open_for_writing(account_store_path(self.settings)) as store:
                    sync_calendar(
                        store,
                        cid,
                        lambda req: read_ahead(session.pages("events", req)),
                        written=self.written,
                        keep=history_keep(self.settings),
                    )
        except GcalError as exc:
            from gcal import logs

            logs.warn(
                "the change is made, but the local store was not updated: " + one_line(exc.message)
            )

    def report(self, verb: str, event: Event, calendar_id: str, extra: str = "") -> None:
        """One line for a person, or the resource plus calendarId for a script."""
        if self.dry_run:
            return
        fmt = self.settings.format
        if fmt in ("json", "ndjson"):
            resource = dict(event)
            resource["calendarId"] = calendar_id
            text = event_json(resource, self.out, indent=2 if fmt == "json" else None)
            self.out.write(text + "\n")
        else:
            self.out.write(line(verb, event, calendar_id, self.zone, extra) + "\n")
        self.out.flush()


def if_applied(body: Event, found: Optional[Event]) -> Optional[Event]:
    """`found` when it is live and holds everything `body` set (the write went through), else
    None."""
    if found is None or found.get("status") == "cancelled":
        return None
    return found if applied(body, found) else None


def applied(body: Event, found: Event) -> bool:
    """Whether `found` shows every field of a write's `body` (times compared as instants,
    guests by address and answer)."""
    from gcal.core import expand

    for key, value in body.items():
        if key in ("id", "attendeesOmitted", "conferenceData", "status"):
            continue
        have = found.get(key)
        if key in ("start", "end"):
            if not isinstance(have, dict) or not isinstance(value, dict):
                return False
            if not expand.at_time(have, value):
                return False
        elif key == "attendees":
            wanted = {(str(a.get("email", "")).lower(), a.get("responseStatus")) for a in value}
            got = {(str(a.get("email", "")).lower(), a.get("responseStatus")) for a in have or []}
            if body.get("attendeesOmitted"):
                if not wanted <= got:
                    return False
            elif {w[0] for w in wanted} != {g[0] for g in got}:
                return False
        elif value is None:
            if have not in (None, "", [], {}):
                return False
        elif have != value:
            return False
    return True


def gone(writer: Writer, cal: str, eid: str) -> Optional[Event]:
    found = writer.get_or_none(cal, eid)
    return {} if found is None or found.get("status") == "cancelled" else None


def series_exceptions(writer: Writer, cal: str, master: Event) -> List[Event]:
    """A series' exceptions (moved, changed or cancelled occurrences), kept in the journal so
    undo brings them back with it."""
    from gcal.google import api

    uid = master.get("iCalUID")
    found: List[Event] = []
    if not uid:
        return found
    request = {"calendarId": cal, "iCalUID": uid, "showDeleted": True}
    for page in api.iter_pages(writer.client, "events", request):
        for item in page.get("items") or []:
            if isinstance(item, dict) and item.get("recurringEventId") == master.get("id"):
                found.append(item)
    return found
