"""`gcal export`: whole calendars as iCalendar, to stdout, a file, or one file per calendar.

A calendar is listed with its series unexpanded (``singleEvents=false``), which is what an
iCalendar file holds: masters with their rules, exceptions with RECURRENCE-ID, cancelled
exceptions as EXDATEs (see `gcal.render.ics`). Pages are written as they arrive, so memory does
not grow with the number of events.

Files are written atomically (`gcal.files.atomic_text_file`): a failed or interrupted export
leaves no partial file and the previous export intact (a device or FIFO such as `/dev/null` is
written through, never replaced). On a terminal, stderr shows progress (events written,
pages); a pipe or a log file gets none of it.

`--all-calendars` exports several calendars at once, each on its own thread and connection
(`api.worker_client`; httplib2 is not thread-safe), so the slowest calendar sets the time, not
the sum of all. The threads are daemons that stop between pages once cancelled: on Ctrl-C or
a failure that stops everything, the main thread removes the temporary files of the exports
still running and exits at once.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
from typing import Any, Dict, List, Optional, Set, TextIO, Tuple

from gcal import waits
from gcal.errors import ApiError, GcalError, LocalFileError, UsageError
from gcal.settings import Settings

EXPORT_REQUEST = {"singleEvents": False}
WORKERS = 4  # calendars exported at once by --all-calendars


class Stopped(Exception):
    """An export stopped between pages because the whole command is ending."""


class Progress:
    """One self-updating line on a terminal's stderr; nothing at all elsewhere. Thread-safe:
    several exports may report into one line (`--all-calendars`)."""

    def __init__(self, err: TextIO, label: str, calendars: int = 0) -> None:
        self._err = err
        self._label = label
        self._calendars = calendars
        self._live = _isatty(err)
        self._lock = threading.Lock()
        self._width = 0
        self.events = 0
        self.pages = 0
        self.done_calendars = 0

    def page(self, events: int) -> None:
        """One more page of `events` written."""
        with self._lock:
            self.events += events
            self.pages += 1
            self._update()

    def calendar_done(self) -> None:
        with self._lock:
            self.done_calendars += 1
            self._update()

    def say(self, line: str) -> None:
        """A line of its own (a warning), without breaking the progress line."""
        with self._lock:
            self._clear()
            self._err.write(line + "\n")
            self._err.flush()
            self._update()

    def finish(self, text: str) -> None:
        with self._lock:
            if self._live:
                self._show(f"gcal: {text}")
                self._err.write("\n")
                self._err.flush()
                self._width = 0

    def abandon(self) -> None:
        with self._lock:
            if self._live and self._width:
                self._err.write("\n")
                self._err.flush()
                self._width = 0

    def _update(self) -> None:
        if not self._live:
            return
        pages = f"{self.pages} page" + ("" if self.pages == 1 else "s")
        done = f"{self.done_calendars} of {self._calendars} calendars, " if self._calendars else ""
        self._show(f"gcal: exporting {self._label}: {done}{self.events} events, {pages}")

    def _clear(self) -> None:
        if self._live and self._width:
            self._err.write("\r" + " " * self._width + "\r")
            self._width = 0

    def _show(self, line: str) -> None:
        pad = max(0, self._width - len(line))
        self._err.write("\r" + line + " " * pad)
        self._err.flush()
        self._width = len(line)


def write_calendar(
    client: Any,
    calendar_id: str,
    out: TextIO,
    progress: Progress,
    cancel: Optional[threading.Event] = None,
) -> int:
    """Stream one calendar as a VCALENDAR to `out`; return the events written. Raises Stopped
    between pages once `cancel` is set."""
    from gcal.google import api
    from gcal.google.fetch import read_next_page
    from gcal.render.ics import IcsWriter

    writer = IcsWriter("events", out)
    request = {"calendarId": calendar_id, **EXPORT_REQUEST}
    try:
        # the next page is read while this one is written (and parsed once wanted)
        pages = api.iter_pages(client, "events", request, ahead=read_next_page(client, "events"))
        for page in pages:
            progress.page(writer.write_page(page))
            del page
            if cancel is not None and cancel.is_set():
                raise Stopped(calendar_id)
    except BaseException:
        with contextlib.suppress(Exception):  # the original failure is what the user must see
            writer.close(complete=False)
        raise
    writer.close(complete=True)
    return writer.events_written


def _check_file(path: str) -> None:
    from gcal.files import unwritable_reason

    if not path.strip():  # not the current folder's name, which failed late with exit 7
        raise UsageError("--output must not be empty (give a file name, or - for stdout)")
    why = unwritable_reason(path)
    if why:
        raise UsageError(f"cannot write {path}: {why}")


def _check_folder(path: str) -> None:
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"cannot write to {path}: it is a file, not a folder")
    if not os.path.isdir(path):
        # created private (0700), as the files going in are: the user's calendars
        try:
            os.makedirs(path, mode=0o700)
            os.chmod(path, 0o700)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise GcalError(f"cannot create the folder {path}: {reason}", exit_code=7) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write to {path}: the folder is not writable")


def _to_file(
    client: Any,
    calendar_id: str,
    path: str,
    progress: Progress,
    cancel: Optional[threading.Event] = None,
    temps: Optional[Set[str]] = None,
) -> int:
    from gcal.files import atomic_text_file

    try:
        with atomic_text_file(path, temps) as stream:
            return write_calendar(client, calendar_id, stream, progress, cancel)
    except OSError as exc:  # a full disk, an I/O error: a local file problem (exit 7)
        raise LocalFileError(f"cannot write {path}: {exc.strerror or exc}") from None


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
    progress = Progress(err, calendar_id)
    try:
        if to_stdout:
            events = write_calendar(client, calendar_id, out or sys.stdout, progress)
        else:
            events = _to_file(client, calendar_id, str(output), progress)
    except BaseException as exc:
        progress.abandon()
        if to_stdout and isinstance(exc, (GcalError, KeyboardInterrupt)):
            err.write("gcal: output is incomplete: the export stopped before the end\n")
            err.flush()
        raise
    where = "" if to_stdout else f" to {output}"
    progress.finish(f"wrote {events} events of {calendar_id}{where}")
    return events


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
    settings: Settings,
    output_dir: str,
    *,
    err: Optional[TextIO] = None,
    workers: int = WORKERS,
) -> Dict[str, str]:
    """Export every calendar on the list to `output_dir`, one `.ics` each, several at once;
    return id -> path.

    A calendar the API refuses (an API error, or one that went away) is reported on stderr and
    skipped, and the others are still exported; the command then fails with that error's exit
    code. Anything else (authentication, the network, a file that cannot be written, Ctrl-C)
    stops everything: every later calendar would fail the same way.
    """
    from gcal.core.filenames import calendar_file_names
    from gcal.google import api

    err = err or sys.stderr
    _check_folder(output_dir)
    client = api.connect(settings)
    names = calendar_file_names(_calendar_ids(client))
    progress = Progress(err, "calendars", calendars=len(names))
    jobs: queue.Queue[Tuple[str, str]] = queue.Queue()
    for calendar_id, name in names.items():
        jobs.put((calendar_id, os.path.join(output_dir, name)))
    results: queue.Queue[Tuple[str, str, Optional[BaseException]]] = queue.Queue()
    cancel = threading.Event()
    temps: Set[str] = set()

    def work() -> None:
        own = None
        while not cancel.is_set():
            try:
                calendar_id, path = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                own = own or api.worker_client(client)
                _to_file(own, calendar_id, path, progress, cancel, temps)
            except BaseException as exc:  # handed to the main thread, never lost
                results.put((calendar_id, path, exc))
            else:
                results.put((calendar_id, path, None))

    for n in range(max(1, min(workers, len(names)))):
        threading.Thread(target=work, name=f"gcal-export-{n}", daemon=True).start()

    written: Dict[str, str] = {}
    failures: List[Tuple[str, ApiError]] = []
    try:
        for _ in range(len(names)):
            calendar_id, path, error = waits.get(results)
            if error is None:
                written[calendar_id] = path
                progress.calendar_done()
            elif isinstance(error, ApiError):  # NotFoundError among them; not auth or network
                failures.append((calendar_id, error))
                progress.say(f"gcal: warning: {calendar_id} was not exported: {error.message}")
            else:
                raise error
    except BaseException:
        cancel.set()
        progress.abandon()
        for path in list(temps):  # the exports still running: no temporary file left behind
            with contextlib.suppress(OSError):
                os.unlink(path)
        raise
    progress.finish(f"wrote {len(written)} of {len(names)} calendars to {output_dir}")
    if failures:
        calendar_id, first = failures[0]
        raise GcalError(
            f"{len(failures)} of {len(names)} calendars could not be exported "
            f"(first: {calendar_id}: {first.message})",
            exit_code=first.exit_code,
        )
    return written


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
