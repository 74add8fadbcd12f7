"""`gcal undo`: take back the last write command's changes from the journal, and `--list` what
the journal holds; entries left pending by a Ctrl-C or a crash are settled first by looking at
the event.

Separate from the write commands because it reads the journal they write and plans its steps
from it (`gcal.core.undoplan`) rather than from options.
"""

from __future__ import annotations

import datetime
import sys
from typing import Any, Optional, TextIO

from gcal.commands.writer import Event, Writer, check_allowed, gone, if_applied
from gcal.commands.written import event_json, quoted
from gcal.core.sanitize import one_line
from gcal.core.undoplan import Step, undo_steps
from gcal.errors import GcalError, UsageError
from gcal.settings import Settings


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
            steps.extend(undo_steps(entry))
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


def _undo_step(writer: Writer, step: Step, batch: str) -> Optional[Event]:
    from gcal.google.writes import Write

    cal, eid = step.calendar_id, step.event_id
    if step.method == "delete":
        return writer.send(
            "delete",
            Write("delete", writer.params(cal, eventId=eid), etag=step.etag),
            event_id=eid,
            before=step.before,
            undoes=batch,
            verify=lambda: gone(writer, cal, eid),
        )
    if step.method == "patch":
        return writer.send(
            "patch",
            Write("patch", writer.params(cal, eventId=eid), step.body, etag=step.etag),
            event_id=eid,
            before=step.before,
            undoes=batch,
            verify=lambda: if_applied(step.body or {}, writer.get_or_none(cal, eid)),
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
            verify=lambda: if_applied(step.body or {}, writer.get_or_none(cal, eid)),
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
            out.write(event_json(rows, out, indent=2) + "\n")
        else:
            for row in rows:
                out.write(event_json(row, out) + "\n")
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
