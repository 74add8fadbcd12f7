"""`gcal import`: every VEVENT of an iCalendar file into a calendar, by events.import.

events.import is keyed by iCalUID (and, for the override of one occurrence, by the occurrence
it replaces): importing an event the calendar already has updates it instead of adding a
second one. Each imported event carries a fingerprint of what was imported (a private extended
property), so importing the same file again sends nothing for the events it already holds as
they are. Series and single events go first, then the overrides of their occurrences.

Each request goes through the write machinery of the other write commands: the journal (an
imported event is undone by deleting it, an updated one by putting its fields back), `--dry-run`
(the requests are printed, nothing is sent), the events scope check, and the store refresh.
"""

from __future__ import annotations

import datetime
import sys
from typing import Any, Dict, List, Optional, TextIO

from gcal.errors import EXIT_INTERRUPTED, GcalError, UsageError
from gcal.settings import Settings

Event = Dict[str, Any]

#: the largest file gcal imports (a year of a busy calendar is a few MB)
MAX_FILE = 64 * 1024 * 1024


def read_input(path: str, stdin: Any = None) -> bytes:
    """The bytes of FILE, or of stdin for `-`; exit 7 for a file that cannot be read."""
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin
        source = getattr(stream, "buffer", stream)
        data = source.read(MAX_FILE + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_FILE + 1)
        except IsADirectoryError:
            raise GcalError(f"cannot read {path}: it is a folder", exit_code=7) from None
        except OSError as exc:
            raise GcalError(f"cannot read {path}: {exc.strerror or exc}", exit_code=7) from None
    if len(data) > MAX_FILE:
        raise GcalError(f"{path}: larger than {MAX_FILE // (1024 * 1024)} MB", exit_code=7)
    return data


def _existing(writer: Any, calendar_id: str) -> tuple:
    """The calendar's events (deleted ones too) by import key, and the calendar's zone."""
    from gcal.core import icsimport
    from gcal.google import api

    found: Dict[tuple, Event] = {}
    zone: Optional[str] = None
    uids: Dict[str, str] = {}
    trimmed: List[Event] = []
    request = {"calendarId": calendar_id, "showDeleted": True}
    for page in api.iter_pages(writer.client, "events", request):
        zone = zone or page.get("timeZone")
        for item in page.get("items") or []:
            if not isinstance(item, dict):
                continue
            if item.get("iCalUID"):
                found[icsimport.key(item)] = item
                uids[str(item.get("id"))] = item["iCalUID"]
            elif item.get("recurringEventId"):
                trimmed.append(item)  # a cancelled occurrence: only its identity is listed
    for item in trimmed:
        uid = uids.get(str(item["recurringEventId"]))
        if uid:
            found.setdefault(icsimport.key(dict(item, iCalUID=uid)), item)
    return found, zone


def import_file(
    settings: Settings,
    calendar: Optional[str],
    path: str,
    *,
    zone: datetime.tzinfo,
    dry_run: bool,
    send_updates: str,
    stdin: Any = None,
    out: Optional[TextIO] = None,
) -> Dict[str, int]:
    """Import FILE into the calendar; returns the counts (imported, updated, unchanged,
    skipped)."""
    from gcal.commands.writer import Writer, calendar_or_default, check_allowed
    from gcal.core import icsimport

    data = read_input(path, stdin)
    check_allowed(settings, dry_run=dry_run)
    writer = Writer(settings, "import", dry_run=dry_run, send_updates=send_updates, zone=zone)
    if out is not None:
        writer.out = out
    counts = {"imported": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    answers: List[Event] = []
    try:
        cal = writer.resolve_calendar(calendar_or_default(settings, calendar))
        existing, cal_zone = _existing(writer, cal)
        try:
            bodies = icsimport.bodies(data, cal_zone or getattr(zone, "key", None))
        except icsimport.IcsError as exc:
            raise UsageError(f"{'stdin' if path == '-' else path}: {exc}") from None
        from gcal.google.writes import Write

        try:
            for body in bodies:
                found = existing.get(icsimport.key(body))
                live = found is not None and found.get("status") != "cancelled"
                gone = body.get("status") == "cancelled" and "originalStartTime" not in body
                if gone and not live:
                    counts["skipped"] += 1  # a deleted event that the calendar does not hold
                    continue
                mark = icsimport.fingerprint(body)
                if found is not None and not live and body.get("status") == "cancelled":
                    counts["unchanged"] += 1  # cancelled there and here
                    continue
                if live and icsimport.stored_fingerprint(found or {}) == mark:
                    counts["unchanged"] += 1
                    continue
                sent = icsimport.with_fingerprint(body)
                try:
                    answer = writer.send(
                        "insert" if found is None else "patch",
                        Write("import_", {"calendarId": cal}, sent),
                        event_id=str(found["id"]) if found is not None else "",
                        before=found,
                    )
                except GcalError as exc:
                    if not answers:
                        raise
                    raise _stopped(exc.message, exc.exit_code, len(answers)) from None
                if answer is None:  # a dry run
                    continue
                existing[icsimport.key(answer)] = answer
                counts["imported" if found is None else "updated"] += 1
                answers.append(answer)
                if settings.format not in ("json", "ndjson"):
                    writer.report("imported" if found is None else "updated", answer, cal)
        except KeyboardInterrupt:
            if not answers:
                raise
            raise _stopped("interrupted", EXIT_INTERRUPTED, len(answers)) from None
        if dry_run:
            return counts
        writer.refresh_store()
        _finish(writer, settings, cal, answers, counts)
        return counts
    finally:
        writer.close()


def _stopped(message: str, exit_code: int, done: int) -> GcalError:
    """A failure or Ctrl-C after some of the file's events were sent: they stay (the store
    takes them in as the writer closes); say so, and how to take them back."""
    return GcalError(
        f"{message} ({done} of the file's events were imported or updated before this one; "
        "'gcal undo' takes them back, or run the same import again to finish it)",
        exit_code=exit_code,
    )


def _finish(
    writer: Any, settings: Settings, cal: str, answers: List[Event], counts: Dict[str, int]
) -> None:
    from gcal.commands.written import event_json

    fmt = settings.format
    if fmt == "json":
        rows = [dict(a, calendarId=cal) for a in answers]
        writer.out.write(event_json(rows, writer.out, indent=2) + "\n")
    elif fmt == "ndjson":
        for a in answers:
            writer.out.write(event_json(dict(a, calendarId=cal), writer.out) + "\n")
    else:
        from gcal.core.sanitize import one_line

        parts = [f"{counts['imported']} imported", f"{counts['updated']} updated"]
        parts.append(f"{counts['unchanged']} unchanged")
        if counts["skipped"]:
            parts.append(f"{counts['skipped']} deleted in the file, not imported")
        text = ", ".join(parts) + f" (calendar {one_line(cal)})"
        if not any(counts.values()):
            text += ": the file holds no event (VEVENT)"
        writer.out.write(text + "\n")
    writer.out.flush()
