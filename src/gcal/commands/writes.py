"""The write commands that change one event (or a few named ones): `add`, `quick`, `edit`,
`delete`, `rsvp`, `move`.

Each command: refuses a read-only profile (exit 2) and a login without the events scope (exit 3)
before anything is sent; reads what it changes (for its etag, sent back as If-Match); records the
request in the journal before sending it and the answer after; brings the local store up to
date at once (an incremental sync of the calendars it changed, so the next `--offline` answer
shows the change); prints one line (or the resource with its calendarId as json/ndjson).
`--dry-run` prints the exact request instead and sends no change. The plumbing they share is
`gcal.commands.writer`; `edit --following` is `gcal.commands.edit_following`, `undo` is
`gcal.commands.undo`.
"""

from __future__ import annotations

import datetime
import os
from typing import Callable, List, Optional, Sequence

from gcal.commands.writer import (
    Event,
    Writer,
    applied,
    calendar_or_default,
    check_allowed,
    if_applied,
    series_exceptions,
)
from gcal.commands.written import line, quoted, when_text
from gcal.core import writes as core
from gcal.core.sanitize import one_line
from gcal.core.writevalues import response_status
from gcal.errors import NotFoundError, UsageError
from gcal.settings import Settings

__all__ = ["add", "delete", "edit", "line", "move", "quick", "rsvp"]  # `line`: read from here too


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
            verify=lambda: if_applied(body, writer.get_or_none(cal, event_id)),
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
            from gcal.commands.edit_following import edit_following

            return edit_following(writer, cal, current, changes, zone)
        from gcal.google.writes import Write

        body = core.patch_body(current, changes, zone)
        meet = 1 if "conferenceData" in body else None
        old_etag = current.get("etag")

        def verify() -> Optional[Event]:
            found = writer.get_or_none(cal, event_id)
            if found is None or found.get("etag") == old_etag:
                return None
            return if_applied(body, found)  # else someone else changed it: exit 6

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
        relateds = {str(e["id"]): series_exceptions(writer, cal, e) for e in series}
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
                # declining is an answer, not a failure (as `rm -i`): exit 0
                import sys

                sys.stderr.write("Nothing deleted.\n")
                sys.stderr.flush()
                return []
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
    status = response_status(answer_text)
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
