"""`gcal export`: whole calendars as iCalendar, to stdout, a file, or one file per calendar.

A calendar is listed with its series unexpanded (``singleEvents=false``), which is what an
iCalendar file holds: masters with their rules, exceptions with RECURRENCE-ID, cancelled
exceptions as EXDATEs (see `gcal.render.ics`). Pages are written as they arrive, so memory does
not grow with the number of events.

Files are written atomically (`gcal.files.atomic_text_file`): a failed or interrupted export
leaves no partial file and the previous export intact (a device or FIFO such as `/dev/null` is
written through, never replaced). On a terminal, stderr shows progress
(events written, pages); a pipe or a log file gets none of it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, Dict, List, Optional, TextIO, Tuple

from gcal.errors import ApiError, GcalError, UsageError
from gcal.settings import Settings

EXPORT_REQUEST = {"singleEvents": False}


class Progress:
    """One self-updating line on a terminal's stderr; nothing at all elsewhere."""

    def __init__(self, err: TextIO, label: str) -> None:
        self._err = err
        self._label = label
        self._live = _isatty(err)
        self._width = 0

    def update(self, events: int, pages: int) -> None:
        if not self._live:
            return
        pages_text = f"{pages} page" + ("" if pages == 1 else "s")
        self._show(f"gcal: exporting {self._label}: {events} events, {pages_text}")

    def done(self, text: str) -> None:
        if not self._live:
            return
        self._show(f"gcal: {text}")
        self._err.write("\n")
        self._err.flush()

    def abandon(self) -> None:
        if self._live and self._width:
            self._err.write("\n")
            self._err.flush()

    def _show(self, line: str) -> None:
        pad = max(0, self._width - len(line))
        self._err.write("\r" + line + " " * pad)
        self._err.flush()
        self._width = len(line)


def write_calendar(
    client: Any, calendar_id: str, out: TextIO, progress: Progress
) -> Tuple[int, int]:
    """Stream one calendar as a VCALENDAR to `out`; (events written, pages)."""
    from gcal.google import api
    from gcal.render.ics import IcsWriter

    writer = IcsWriter("events", out)
    pages = 0
    request = {"calendarId": calendar_id, **EXPORT_REQUEST}
    try:
        for page in api.iter_pages(client, "events", request):
            writer.write_page(page)
            pages += 1
            progress.update(writer.events_written + writer.series_held, pages)
            del page
    except BaseException:
        progress.abandon()
        with contextlib.suppress(Exception):  # the original failure is what the user must see
            writer.close(complete=False)
        raise
    writer.close(complete=True)
    return writer.events_written, pages


def _check_file(path: str) -> None:
    from gcal.files import unwritable_reason

    why = unwritable_reason(path)
    if why:
        raise UsageError(f"cannot write {path}: {why}")


def _check_folder(path: str) -> None:
    if not os.path.isdir(path):
        raise UsageError(f"cannot write to {path}: the folder does not exist")
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write to {path}: the folder is not writable")


def _to_file(client: Any, calendar_id: str, path: str, err: TextIO) -> int:
    from gcal.files import atomic_text_file

    progress = Progress(err, calendar_id)
    try:
        with atomic_text_file(path) as stream:
            events, _pages = write_calendar(client, calendar_id, stream, progress)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    progress.done(f"wrote {events} events of {calendar_id} to {path}")
    return events


def export(
    settings: Settings,
    calendar_id: str,
    output: Optional[str] = None,
    *,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """Export one calendar to `output` (atomically) or to stdout; return the events written."""
    from gcal.google import api

    err = err or sys.stderr
    to_stdout = output in (None, "-")
    if not to_stdout:
        _check_file(str(output))
    client = api.connect(settings)
    if to_stdout:
        progress = Progress(err, calendar_id)
        try:
            events, _pages = write_calendar(client, calendar_id, out or sys.stdout, progress)
        except (GcalError, KeyboardInterrupt):
            err.write("gcal: output is incomplete: the export stopped before the end\n")
            err.flush()
            raise
        progress.done(f"wrote {events} events of {calendar_id}")
        return events
    return _to_file(client, calendar_id, str(output), err)


def _calendar_ids(client: Any) -> List[str]:
    """Every calendar on the list, hidden ones too (a backup should not skip them)."""
    from gcal.google import api

    ids: List[str] = []
    request = {"showHidden": True, "fields": "nextPageToken,nextSyncToken,items(id)"}
    for page in api.iter_pages(client, "calendars", request):
        for item in page.get("items") or ():
            if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
                ids.append(item["id"])
    return ids


def export_all(
    settings: Settings, output_dir: str, *, err: Optional[TextIO] = None
) -> Dict[str, str]:
    """Export every calendar on the list to `output_dir`, one `.ics` each; return id -> path.

    A calendar the API refuses (an API error, or one that went away) is reported on stderr and
    skipped, and the others are still exported; the command then fails with that error's exit
    code. Authentication and network failures stop everything: every later calendar would
    fail the same way.
    """
    from gcal.core.filenames import calendar_file_names
    from gcal.google import api

    err = err or sys.stderr
    _check_folder(output_dir)
    client = api.connect(settings)
    names = calendar_file_names(_calendar_ids(client))
    written: Dict[str, str] = {}
    failures: List[Tuple[str, GcalError]] = []
    for calendar_id, name in names.items():
        path = os.path.join(output_dir, name)
        try:
            _to_file(client, calendar_id, path, err)
        except ApiError as exc:  # NotFoundError among them; not auth or network
            failures.append((calendar_id, exc))
            err.write(f"gcal: warning: {calendar_id} was not exported: {exc.message}\n")
            err.flush()
            continue
        written[calendar_id] = path
    if failures:
        first = failures[0][1]
        raise GcalError(
            f"{len(failures)} of {len(names)} calendars could not be exported "
            f"(first: {failures[0][0]}: {first.message})",
            exit_code=first.exit_code,
        )
    return written


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
