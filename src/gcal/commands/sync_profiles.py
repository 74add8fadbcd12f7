"""`gcal sync --profile work --profile home` (or `--all-profiles`): each profile's calendars
synced into that profile's own store, all profiles at once.

Each profile runs `gcal.commands.sync.run` on its own thread with its own settings (token,
API endpoint, store), so its calendars are synced concurrently as a single profile's are. The
same `--calendar` names are chosen in each profile; a name one profile does not know is that
profile's error. Every line names its profile (`gcal: sync: work: ada@example.com: 3 added,
...`). A profile's lines are kept until the end and written in the order the profiles were
given, so that two profiles' lines never interleave; on a terminal one progress display shows
a bar per profile:calendar meanwhile.

A profile that fails (not logged in, the network, a calendar that is not there) is named in
one line (`gcal: error: profile home: ...`) and the others still sync; the exit code is the
worst failure's, as for the calendars of one profile.
"""

from __future__ import annotations

import io
import sys
import threading
import time
from typing import Dict, List, Optional, Sequence, TextIO, Tuple

from gcal.commands import sync
from gcal.core.sanitize import json_text, one_line
from gcal.errors import GcalError
from gcal.render.terminal import isatty
from gcal.settings import Settings

#: what one profile's sync left: its stderr lines and its failure, if any
_Outcome = Tuple[str, Optional[GcalError]]


def _sync_one(
    settings: Settings,
    *,
    calendars: Sequence[str],
    all_calendars: bool,
    quiet: bool,
    rebuild: bool,
    progress: Optional[sync.SyncProgress],
    cancel: threading.Event,
    keep: Optional[float] = None,
) -> _Outcome:
    lines = io.StringIO()
    try:
        if rebuild:
            sync.rebuild(settings)
        sync.run(
            settings,
            calendars=calendars,
            all_calendars=all_calendars,
            quiet=quiet,
            full=rebuild,
            err=lines,
            profile=settings.profile,
            progress=progress,
            cancel=cancel,
            keep=keep,
        )
    except sync.Reported as exc:  # its calendars' failures are already among its lines
        return lines.getvalue(), exc
    except GcalError as exc:
        lines.write(f"gcal: error: profile {settings.profile}: {one_line(exc.message)}\n")
        return lines.getvalue(), exc
    return lines.getvalue(), None


def run(
    profiles: Sequence[Settings],
    *,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    quiet: bool = False,
    rebuild: bool = False,
    err: Optional[TextIO] = None,
    keep: Optional[float] = None,
) -> None:
    """Sync every profile at once (each store emptied first with `rebuild`); write each
    profile's lines in order; raise the worst failure's exit code after all are done."""
    err = err or sys.stderr
    progress = sync.SyncProgress(err) if not quiet and isatty(err) else None
    choice = dict(
        calendars=calendars, all_calendars=all_calendars, quiet=quiet, rebuild=rebuild, keep=keep
    )
    cancel = threading.Event()
    jobs = [
        (n, lambda n: _sync_one(profiles[n], progress=progress, cancel=cancel, **choice))
        for n in range(len(profiles))
    ]
    ended: Dict[int, _Outcome] = {}
    try:
        # each profile on a daemon thread: a Ctrl-C stops them all at once (exit 130)
        for n, outcome in sync.run_jobs(jobs, len(profiles), cancel):
            if isinstance(outcome, BaseException):
                raise outcome
            ended[n] = outcome
    except KeyboardInterrupt:
        cancel.set()
        raise
    finally:
        if progress is not None:
            progress.stop()
    outcomes: List[_Outcome] = [ended[n] for n in range(len(profiles))]
    for lines, _ in outcomes:
        err.write(lines)
    err.flush()
    failures = [exc for _, exc in outcomes if exc is not None]
    if failures:
        worst = max(failures, key=lambda exc: exc.exit_code)
        raise GcalError(
            "some profiles could not be synced (see above); their stores keep their last sync",
            exit_code=worst.exit_code,
        )


def status(profiles: Sequence[Settings], out: TextIO, err: Optional[TextIO] = None) -> int:
    """`gcal sync --status` of each profile in turn, each under a `profile: NAME` line; a
    profile whose store cannot be read is named on stderr. Returns the worst exit code."""
    err = err or sys.stderr
    code = 0
    fmt = profiles[0].format if profiles else None
    reports = []
    for index, settings in enumerate(profiles):
        if fmt in ("json", "ndjson", "csv", "tsv"):
            try:
                report = sync.status_report(settings)
            except GcalError as exc:
                err.write(f"gcal: error: profile {settings.profile}: {one_line(exc.message)}\n")
                code = max(code, exc.exit_code)
                continue
            if fmt in ("csv", "tsv"):  # one table: a profile column, one header
                sync.write_status_rows(
                    report, out, fmt, raw=settings.csv_raw, header=not index,
                    profile=settings.profile,
                )  # fmt: skip
            elif fmt == "ndjson":
                sync.write_status_json(report, out, ndjson=True, profile=settings.profile)
            else:
                reports.append(sync.status_json(report, time.time(), settings.profile))
            continue
        if index:
            out.write("\n")
        out.write(f"profile: {settings.profile}\n")
        try:
            sync.status(settings, out)
        except GcalError as exc:
            out.flush()
            err.write(f"gcal: error: profile {settings.profile}: {one_line(exc.message)}\n")
            code = max(code, exc.exit_code)
    if fmt == "json":
        out.write(json_text(reports, terminal=isatty(out), indent=2) + "\n")
    err.flush()
    return code
