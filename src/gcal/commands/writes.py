"""The write commands end to end: `add`, `quick`, `edit`, `delete`, `rsvp`, `move`, `undo`.

Each command: refuses a read-only profile (exit 2) and a login without the events scope (exit 3)
before anything is sent; reads what it changes (for its etag, sent back as If-Match); records the
request in the journal before sending it and the answer after; brings the local store up to
date at once (an incremental sync of the calendars it changed, so the next `--offline` answer
shows the change); prints one line (or the resource with its calendarId as json/ndjson).
`--dry-run` prints the exact request instead and sends no change.
"""

from __future__ import annotations

import datetime
import os
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO

from gcal.core import writes as core
from gcal.core.sanitize import one_line
from gcal.errors import GcalError, NotFoundError, UsageError
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
            text = _json(resource, self.out, indent=2 if fmt == "json" else None)
            self.out.write(text + "\n")
        else:
            self.out.write(line(verb, event, calendar_id, self.zone, extra) + "\n")
        self.out.flush()


def _names(entries: Sequence[Event]) -> set:
    names = set()
    for entry in entries:
        for key in ("summaryOverride", "summary", "id"):
            value = entry.get(key)
            if isinstance(value, str):
                names.add(value.strip().casefold())
    return names


def _json(value: Any, out: Any, **options: Any) -> str:
    """JSON of event text for `out`: escaped on a terminal (bidi and C1 controls), and
    whatever the text holds (a lone surrogate) never a crash."""
    from gcal.core.sanitize import json_text
    from gcal.render.terminal import isatty

    return json_text(value, terminal=isatty(out), **options)


def quoted(value: Any) -> str:
    """Event text on one line, in quotes, sanitized once (`repr` of the sanitized text
    would show each escape's backslash twice)."""
    text = one_line(value)
    mark = '"' if "'" in text and '"' not in text else "'"
    return mark + text + mark


def when_text(event: Event, zone: Optional[datetime.tzinfo]) -> str:
    from gcal.core.eventtime import table_span

    if not event.get("start"):
        return ""
    try:
        start, end = table_span(event.get("start"), event.get("end"), zone)
    except Exception:  # a malformed time must not break the report
        return ""
    if end == "all day":
        return one_line(f"{start} (all day)")
    return one_line(f"{start} - {end}" if end else start)


def line(
    verb: str, event: Event, calendar_id: str, zone: Optional[datetime.tzinfo], extra: str = ""
) -> str:
    """`added 'Dentist' Tue 2026-12-08 09:00-09:45 (id k3..., calendar primary)`."""
    when = when_text(event, zone)
    parts = [verb, quoted(event.get("summary") or "(no title)")]
    if when:
        parts.append(when)
    if extra:
        parts.append(extra)
    parts.append(f"(id {one_line(event.get('id', ''))}, calendar {one_line(calendar_id)})")
    return " ".join(parts)


def _summary_matches(body: Event, found: Optional[Event]) -> Optional[Event]:
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
            if "date" in value:
                if have.get("date") != value["date"]:
                    return False
            elif expand.parse_instant(have.get("dateTime")) != expand.parse_instant(
                value.get("dateTime")
            ):
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


# --------------------------------------------------------------------------------------------
# add, quick


def add(
    settings: Settings,
    calendar: Optional[str],
    changes: core.Changes,
    *,
    zone: datetime.tzinfo,
    dry_run: bool,
    send_updates: str,
) -> Optional[Event]:
    check_allowed(settings, dry_run=dry_run)
    event_id = core.new_event_id(os.urandom(16))
    body = core.insert_body(changes, event_id, zone)
    writer = Writer(settings, "add", dry_run=dry_run, send_updates=send_updates, zone=zone)
    try:
        cal = calendar_or_default(settings, calendar)
        cal = writer.resolve_calendar(cal) if not dry_run else _dry_calendar(writer, cal)
        from gcal.google.writes import Write

        params = writer.params(cal, conferenceDataVersion=1 if changes.meet else None)
        answer = writer.send(
            "insert",
            Write("insert", params, body),
            event_id=event_id,
            verify=lambda: _summary_matches(body, writer.get_or_none(cal, event_id)),
        )
        if answer is None:
            return None
        writer.refresh_store()
        writer.report("added", answer, cal)
        return answer
    finally:
        writer.close()


def _dry_calendar(writer: Writer, name: str) -> str:
    """In a dry run a calendar name still needs the calendar list; an id does not."""
    from gcal.core.calendars import _looks_like_id

    if name.strip().casefold() == "primary" or _looks_like_id(name.strip()):
        return name.strip()
    return writer.resolve_calendar(name)


def quick(
    settings: Settings,
    calendar: Optional[str],
    text: str,
    *,
    zone: datetime.tzinfo,
    dry_run: bool,
    send_updates: str,
) -> Optional[Event]:
    if not text.strip():
        raise UsageError("TEXT must not be empty")
    check_allowed(settings, dry_run=dry_run)
    writer = Writer(settings, "quick", dry_run=dry_run, send_updates=send_updates, zone=zone)
    try:
        cal = calendar_or_default(settings, calendar)
        cal = writer.resolve_calendar(cal) if not dry_run else _dry_calendar(writer, cal)
        from gcal.google.writes import Write

        answer = writer.send(
            "insert", Write("quickAdd", writer.params(cal, text=text)), event_id=""
        )
        if answer is None:
            return None
        writer.refresh_store()
        writer.report("added", answer, cal)
        return answer
    finally:
        writer.close()


# --------------------------------------------------------------------------------------------
# edit


def edit(
    settings: Settings,
    calendar: str,
    event_id: str,
    changes: core.Changes,
    *,
    following: bool,
    zone: datetime.tzinfo,
    dry_run: bool,
    send_updates: str,
) -> Optional[Event]:
    check_allowed(settings, dry_run=dry_run)
    if changes.is_empty():
        raise UsageError("nothing to change: name at least one option (see 'gcal edit --help')")
    writer = Writer(settings, "edit", dry_run=dry_run, send_updates=send_updates, zone=zone)
    try:
        cal = writer.resolve_calendar(calendar)
        current = writer.get(cal, event_id)
        if current.get("status") == "cancelled":
            raise NotFoundError(f"event {event_id!r} in calendar {cal!r} has been deleted")
        if following:
            return _edit_following(writer, cal, current, changes, zone)
        from gcal.google.writes import Write

        body = core.patch_body(current, changes, zone)
        meet = 1 if "conferenceData" in body else None
        old_etag = current.get("etag")

        def verify() -> Optional[Event]:
            found = writer.get_or_none(cal, event_id)
            if found is None or found.get("etag") == old_etag:
                return None
            return _summary_matches(body, found)  # else someone else changed it: exit 6

        answer = writer.send(
            "patch",
            Write(
                "patch",
                writer.params(cal, eventId=event_id, conferenceDataVersion=meet),
                body,
                etag=old_etag,
            ),
            event_id=event_id,
            before=current,
            verify=verify,
        )
        if answer is None:
            return None
        writer.refresh_store()
        names = _changed_names(body, current)
        writer.report("changed", answer, cal, "(" + ", ".join(names) + ")")
        return answer
    finally:
        writer.close()


_FIELD_NAMES = {
    "summary": "title",
    "start": "start",
    "end": "end",
    "location": "location",
    "description": "description",
    "attendees": "guests",
    "reminders": "reminders",
    "recurrence": "repeat",
    "transparency": "busy/free",
    "visibility": "visibility",
    "colorId": "color",
    "conferenceData": "video call",
}


def _changed_names(body: Event, current: Optional[Event] = None) -> List[str]:
    """What an edit changed, in words: a start or end sent again as it was (moving only the
    end sends the start too) is left out."""
    names = [
        _FIELD_NAMES.get(key, key)
        for key in body
        if not (
            current is not None and key in ("start", "end") and applied({key: body[key]}, current)
        )
    ]
    return names or [_FIELD_NAMES.get(key, key) for key in body]


def _edit_following(
    writer: Writer, cal: str, instance: Event, changes: core.Changes, zone: datetime.tzinfo
) -> Optional[Event]:
    """Change an instance and every later one: end the series before it, start a new one."""
    from gcal.core import expand
    from gcal.google.writes import Write

    series_id = instance.get("recurringEventId")
    if not series_id or not instance.get("originalStartTime"):
        raise UsageError("--following needs the id of one occurrence of a repeating event")
    master = writer.get(cal, str(series_id))
    original = instance["originalStartTime"]
    split = expand.instant(original, zone)
    kept = before_count = 0
    if split is not None:
        before = (None, split.timestamp() - 0.5)
        kept = sum(1 for _ in expand.occurrences(master, zone, before))
        # COUNT counts what the rule makes, the EXDATEs among them (RFC 5545)
        rules_only = dict(
            master,
            recurrence=[
                x for x in master.get("recurrence") or [] if str(x).upper().startswith("RRULE")
            ],
        )
        before_count = sum(1 for _ in expand.occurrences(rules_only, zone, before))
    if kept == 0:
        raise UsageError(
            "--following on the first occurrence changes the whole series: edit the series id "
            f"{series_id} instead"
        )
    exceptions = _exceptions(writer, cal, master)
    new_id = core.new_event_id(os.urandom(16))
    old_patch, new_body = core.split_series(master, instance, new_id, before_count=before_count)
    edits = core.patch_body(new_body, changes, zone)
    new_body.update(edits)
    carried = core.carried_exceptions(master, exceptions, new_body, original, zone, list(edits))
    old_etag = master.get("etag")
    writer.send(
        "patch",
        Write("patch", writer.params(cal, eventId=str(series_id)), old_patch, etag=old_etag),
        event_id=str(series_id),
        before=master,
        verify=lambda: _summary_matches(old_patch, writer.get_or_none(cal, str(series_id))),
    )
    answer = writer.send(
        "insert",
        Write("insert", writer.params(cal), new_body),
        event_id=new_id,
        verify=lambda: _summary_matches(new_body, writer.get_or_none(cal, new_id)),
    )
    left = _carry(writer, cal, carried)
    if answer is None:
        return None
    writer.refresh_store()
    extra = f"(a new series; {one_line(str(series_id))} now ends before it"
    moved = sum(1 for _, target, _ in carried if target is not None)
    if moved:
        plural = "s" if moved != 1 else ""
        extra += f"; {moved} changed or cancelled occurrence{plural} carried over"
    if left:
        from gcal import logs

        logs.warn(
            f"{left} changed occurrence{'s' if left != 1 else ''} of the old series "
            f"{'have' if left != 1 else 'has'} no match in the new one and stayed as "
            f"{'they were' if left != 1 else 'it was'}"
        )
    writer.report("changed from this occurrence on", answer, cal, extra + ")")
    return answer


def _carry(writer: Writer, cal: str, carried: Sequence[Any]) -> int:
    """Move the old series' exceptions after a split to the new series (see
    `core.carried_exceptions`): the new occurrence is changed (or cancelled) as the old one
    was, then the old one is deleted. The number left where they were (no match)."""
    from gcal.google.writes import Write

    left = 0
    for exception, target, patch in carried:
        if target is None:
            left += exception.get("status") != "cancelled"
            continue
        if patch is None:
            writer.send(
                "delete",
                Write("delete", writer.params(cal, eventId=target)),
                event_id=target,
                verify=lambda t=target: _gone(writer, cal, t),
            )
            continue
        if patch:
            writer.send(
                "patch",
                Write("patch", writer.params(cal, eventId=target), patch),
                event_id=target,
                verify=lambda t=target, p=patch: _summary_matches(p, writer.get_or_none(cal, t)),
            )
        old_id = str(exception["id"])
        writer.send(
            "delete",
            Write("delete", writer.params(cal, eventId=old_id), etag=exception.get("etag")),
            event_id=old_id,
            before=exception,
            verify=lambda t=old_id: _gone(writer, cal, t),
        )
    return left


# --------------------------------------------------------------------------------------------
# delete


def delete(
    settings: Settings,
    calendar: str,
    event_ids: Sequence[str],
    *,
    yes: bool,
    zone: datetime.tzinfo,
    dry_run: bool,
    send_updates: str,
    confirm: Optional[Callable[[str], bool]] = None,
) -> List[Event]:
    check_allowed(settings, dry_run=dry_run)
    if not event_ids:
        raise UsageError("name at least one EVENT_ID")
    writer = Writer(settings, "delete", dry_run=dry_run, send_updates=send_updates, zone=zone)
    try:
        cal = writer.resolve_calendar(calendar)
        events = []
        for event_id in dict.fromkeys(event_ids):
            event = writer.get(cal, event_id)
            if event.get("status") == "cancelled":
                raise NotFoundError(f"event {event_id!r} in calendar {cal!r} is already deleted")
            events.append(event)
        series = [e for e in events if e.get("recurrence")]
        # a series' exceptions: counted in what goes, and kept in the journal for undo
        relateds = {str(e["id"]): _exceptions(writer, cal, e) for e in series}
        if (series or len(events) > 1) and not dry_run and not yes:
            lines = [_going_line(e, zone, relateds.get(str(e["id"]))) for e in events]
            question = "Delete " + (
                "this event" if len(events) == 1 else f"these {len(events)} events"
            )
            text = "\n".join(lines) + f"\n{question}?"
            if confirm is None:
                raise UsageError(
                    "deleting a whole series or several events needs --yes when not asked on a "
                    "terminal:\n" + "\n".join(lines)
                )
            if not confirm(text):
                raise GcalError("nothing deleted", exit_code=1)
        done = []
        from gcal.google.writes import Write

        for event in events:
            event_id = str(event["id"])
            related = relateds.get(event_id)

            def verify(eid: str = event_id) -> Optional[Event]:
                found = writer.get_or_none(cal, eid)
                return {} if found is None or found.get("status") == "cancelled" else None

            answer = writer.send(
                "delete",
                Write("delete", writer.params(cal, eventId=event_id), etag=event.get("etag")),
                event_id=event_id,
                before=event,
                related=related,
                verify=verify,
            )
            if answer is not None:
                done.append(event)
        writer.refresh_store()
        for event in done:
            gone = dict(event, status="cancelled")
            extra = _occurrences_text(event, zone, relateds.get(str(event["id"])))
            writer.report("deleted", gone, cal, extra)
        return done
    finally:
        writer.close()


def _exceptions(writer: Writer, cal: str, master: Event) -> List[Event]:
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


def _occurrences_text(
    event: Event, zone: datetime.tzinfo, exceptions: Optional[Sequence[Event]] = None
) -> str:
    """How many occurrences a series has (its cancelled ones left out)."""
    if not event.get("recurrence"):
        return ""
    from gcal.core import expand

    lines = [str(x).upper() for x in event.get("recurrence") or []]
    if not any(("UNTIL=" in x or "COUNT=" in x) for x in lines if x.startswith("RRULE:")):
        return "(a series with no end)"
    cancelled = {
        expand.original_key(e.get("originalStartTime"))
        for e in exceptions or ()
        if e.get("status") == "cancelled"
    }
    all_day = expand.is_all_day(event)
    try:
        count = sum(
            1
            for start, _ in expand.occurrences(event, zone, (None, None))
            if (start.date().isoformat() if all_day else int(start.timestamp())) not in cancelled
        )
    except Exception:
        return "(a series)"
    return f"(a series of {count} occurrence{'s' if count != 1 else ''})"


def _going_line(
    event: Event, zone: datetime.tzinfo, exceptions: Optional[Sequence[Event]] = None
) -> str:
    title = one_line(event.get("summary") or "(no title)")
    extra = _occurrences_text(event, zone, exceptions)
    return "  " + " ".join(x for x in (quoted(title), when_text(event, zone), extra) if x)


# --------------------------------------------------------------------------------------------
# rsvp, move


def rsvp(
    settings: Settings,
    calendar: str,
    event_id: str,
    answer_text: str,
    *,
    comment: Optional[str],
    zone: datetime.tzinfo,
    dry_run: bool,
    send_updates: str,
) -> Optional[Event]:
    status = core.response_status(answer_text)
    check_allowed(settings, dry_run=dry_run)
    writer = Writer(settings, "rsvp", dry_run=dry_run, send_updates=send_updates, zone=zone)
    try:
        cal = writer.resolve_calendar(calendar)
        current = writer.get(cal, event_id)
        body, _mine = core.rsvp_body(current, status, comment)
        from gcal.core.attendance import my_response
        from gcal.google.writes import Write

        def verify() -> Optional[Event]:
            found = writer.get_or_none(cal, event_id)
            return found if found is not None and my_response(found) == status else None

        answer = writer.send(
            "rsvp",
            Write("patch", writer.params(cal, eventId=event_id), body, etag=current.get("etag")),
            event_id=event_id,
            before=current,
            verify=verify,
        )
        if answer is None:
            return None
        writer.refresh_store()
        writer.report(f"answered {status}", answer, cal)
        return answer
    finally:
        writer.close()


def move(
    settings: Settings,
    calendar: str,
    event_id: str,
    destination: str,
    *,
    zone: datetime.tzinfo,
    dry_run: bool,
    send_updates: str,
) -> Optional[Event]:
    check_allowed(settings, dry_run=dry_run)
    writer = Writer(settings, "move", dry_run=dry_run, send_updates=send_updates, zone=zone)
    try:
        cal = writer.resolve_calendar(calendar)
        dest = writer.resolve_calendar(destination)
        current = writer.get(cal, event_id)
        from gcal.google.writes import Write

        def verify() -> Optional[Event]:
            found = writer.get_or_none(dest, event_id)
            return found if found is not None and found.get("status") != "cancelled" else None

        answer = writer.send(
            "move",
            Write(
                "move",
                writer.params(cal, eventId=event_id, destination=dest),
                etag=current.get("etag"),
            ),
            event_id=event_id,
            before=current,
            destination=dest,
            verify=verify,
        )
        if answer is None:
            return None
        writer.refresh_store()
        writer.report("moved", answer, dest, f"from {one_line(cal)}")
        return answer
    finally:
        writer.close()


# --------------------------------------------------------------------------------------------
# undo


def undo(
    settings: Settings,
    *,
    list_only: bool,
    zone: datetime.tzinfo,
    dry_run: bool,
    send_updates: str,
    out: Optional[TextIO] = None,
) -> None:
    out = out or sys.stdout
    if not list_only:
        check_allowed(settings, dry_run=dry_run)
    writer = Writer(
        settings, "undo", dry_run=dry_run, send_updates=send_updates, zone=zone, out=out
    )
    try:
        journal = writer.journal
        if journal.pending():
            _resolve_pending(writer, journal)
        if list_only:
            _list(journal, out, settings.format)
            return
        batch = journal.last_batch()
        if batch is None:
            if settings.demo:
                raise UsageError(
                    "nothing to undo: each --demo command starts from the sample account "
                    "afresh, so no earlier change is there to take back"
                )
            raise UsageError("nothing to undo: the journal holds no write of gcal's")
        from gcal.store.journal import DONE

        entries = [e for e in journal.entries(batch) if e["state"] == DONE]
        steps = []
        for entry in reversed(entries):
            steps.extend(core.undo_steps(entry))
        # an occurrence of a series the undo deletes goes with it (the occurrences gcal
        # changed in a series it added, after `edit --following`)
        dropped = {s.event_id for s in steps if s.method == "delete"}
        steps = [
            s for s in steps if s.method == "delete" or s.event_id.rpartition("_")[0] not in dropped
        ]
        for step in steps:
            settled = journal.settled_etag(batch, step.calendar_id, step.event_id)
            if settled and step.etag:
                step.etag = settled  # later changes of gcal's were undone since
        results = []
        for step in steps:
            results.append((step, _undo_step(writer, step, batch)))
        if dry_run:
            return
        journal.mark_undone(batch, writer.batch or "")
        writer.refresh_store()
        for step, event in results:
            if (
                step.method == "restore"
                and (event or {}).get("status") == "cancelled"
                and settings.format not in ("json", "ndjson")
            ):
                continue  # a cancelled occurrence of a series stays cancelled: nothing to say
            verb = {
                "delete": "undone: deleted",
                "patch": "undone: restored",
                "restore": "undone: restored",
                "move": "undone: moved back",
            }[step.method]
            shown = event if event else dict(step.before or {}, status="cancelled")
            writer.report(verb, shown, step.destination or step.calendar_id)
    finally:
        writer.close()


def _undo_step(writer: Writer, step: core.Step, batch: str) -> Optional[Event]:
    from gcal.google.writes import Write

    cal, eid = step.calendar_id, step.event_id
    if step.method == "delete":
        return writer.send(
            "delete",
            Write("delete", writer.params(cal, eventId=eid), etag=step.etag),
            event_id=eid,
            before=step.before,
            undoes=batch,
            verify=lambda: _gone(writer, cal, eid),
        )
    if step.method == "patch":
        return writer.send(
            "patch",
            Write("patch", writer.params(cal, eventId=eid), step.body, etag=step.etag),
            event_id=eid,
            before=step.before,
            undoes=batch,
            verify=lambda: _summary_matches(step.body or {}, writer.get_or_none(cal, eid)),
        )
    if step.method == "restore":  # bring a deleted event back
        current = writer.get_or_none(cal, eid)
        etag = None
        if current is not None:
            alive = current.get("status") != "cancelled"
            if (
                alive
                and (step.before or {}).get("status") != "cancelled"
                and not step.body.get("recurringEventId")
            ):
                from gcal.errors import ChangedError

                raise ChangedError(
                    f"event {eid!r} in calendar {cal!r} is no longer deleted (it changed since "
                    "gcal deleted it); nothing was changed",
                    status=412,
                )
            etag = current.get("etag")
        return writer.send(
            "patch",
            Write("patch", writer.params(cal, eventId=eid), step.body, etag=etag),
            event_id=eid,
            before=current,
            undoes=batch,
            verify=lambda: _summary_matches(step.body or {}, writer.get_or_none(cal, eid)),
        )
    if step.method == "move":
        return writer.send(
            "move",
            Write(
                "move",
                writer.params(cal, eventId=eid, destination=step.destination),
                etag=step.etag,
            ),
            event_id=eid,
            before=step.before,
            destination=step.destination,
            undoes=batch,
        )
    raise ValueError(step.method)


def _gone(writer: Writer, cal: str, eid: str) -> Optional[Event]:
    found = writer.get_or_none(cal, eid)
    return {} if found is None or found.get("status") == "cancelled" else None


def _resolve_pending(writer: Writer, journal: Any) -> None:
    """Entries left `pending` (a Ctrl-C or a crash while a request was out): look at the
    event and record whether the write reached Google (done) or not (failed)."""
    from gcal.store.journal import DONE, FAILED

    for entry in journal.pending():
        cal, eid, kind = entry["calendar_id"], entry["event_id"], entry["kind"]
        before = entry.get("before") or {}
        try:
            if kind == "move":
                found = writer.get_or_none(entry["destination"], eid)
                done = found is not None and found.get("status") != "cancelled"
            elif not eid:
                found, done = None, False
            else:
                found = writer.get_or_none(cal, eid)
                if kind == "insert":
                    done = found is not None and found.get("status") != "cancelled"
                elif kind == "delete":
                    done = found is None or found.get("status") == "cancelled"
                else:
                    done = found is not None and found.get("etag") != before.get("etag")
        except GcalError:
            continue  # still unknown; asked again next time
        journal.finish(entry["seq"], DONE if done else FAILED, found if done else None)


def _list(journal: Any, out: TextIO, fmt: Optional[str]) -> None:
    batches = list(journal.batches())
    if fmt in ("json", "ndjson"):
        rows = [entry for batch in batches for entry in batch]
        if fmt == "json":
            out.write(_json(rows, out, indent=2) + "\n")
        else:
            for row in rows:
                out.write(_json(row, out) + "\n")
        return
    if not batches:
        out.write("the journal is empty: gcal has changed nothing yet\n")
        return
    next_batch = journal.last_batch()
    for batch in batches:
        first = batch[0]
        when = datetime.datetime.fromtimestamp(first["at"]).strftime("%Y-%m-%d %H:%M:%S")
        undone = " (undone)" if first.get("undone_by") else ""
        if first.get("undoes"):
            undone = " (an undo)"
        mark = "<- gcal undo undoes this" if first["batch"] == next_batch else ""
        out.write(f"{when}  gcal {first['command']}{undone}  {mark}".rstrip() + "\n")
        for entry in batch:
            title = one_line(entry.get("summary") or "")
            out.write(
                f"    {entry['kind']:<7} {entry['state']:<8} {one_line(entry['event_id'])} "
                f"in {one_line(entry['calendar_id'])}"
                + (f" to {one_line(entry['destination'])}" if entry.get("destination") else "")
                + (f"  {quoted(title)}" if title else "")
                + "\n"
            )
    out.flush()
