"""Running one list command end to end: request pages, write them, report the sync token.

This is where the API layer and the output layer meet. It owns the promises a script relies on:
rows are written as pages arrive; a failure halfway still closes the output (a JSON array still
parses) and says on stderr that the output is incomplete; the last page's `nextSyncToken` is
reported (to stderr, or atomically to a file) so the next run can sync incrementally.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from typing import Any, Dict, Optional, TextIO

from gcal.errors import GcalError, UsageError
from gcal.settings import Settings


def run(
    settings: Settings,
    command: str,
    request: Dict[str, Any],
    *,
    limit: Optional[int] = None,
    fields: Optional[str] = None,
    sync_token_file: Optional[str] = None,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """List everything `request` selects and print it; return the number of items written."""
    from gcal.google import api
    from gcal.render import formats as render
    from gcal.render.terminal import color_enabled, isatty, terminal_width

    out = out or sys.stdout
    err = err or sys.stderr
    fmt = settings.format or render.default_format(isatty(out))
    if fields is None:
        fields = render.partial_fields(command, fmt)
    fields = api.with_page_tokens(fields)
    if fields:
        request = dict(request, fields=fields)

    client = api.connect(settings)
    writer = render.make_writer(
        command,
        fmt,
        out,
        time_zone=request.get("timeZone"),
        color=color_enabled(out),
        width=terminal_width(out),
    )
    written = 0
    sync_token = None
    try:
        for page in api.iter_pages(client, command, request, limit=limit):
            written += writer.write_page(page)
            sync_token = page.get("nextSyncToken") or sync_token
            del page  # not kept alive while the next page is fetched and parsed
    except BaseException as exc:
        _close_quietly(writer)
        if written and isinstance(exc, (GcalError, KeyboardInterrupt)):
            err.write(f"gcal: output is incomplete: {written} items were written before this\n")
            err.flush()
        raise
    writer.close(complete=True)
    if sync_token:
        report_sync_token(sync_token, sync_token_file, err)
    return written


def _close_quietly(writer: Any) -> None:
    with contextlib.suppress(Exception):  # the original failure is what the user must see
        writer.close(complete=False)


def report_sync_token(token: str, path: Optional[str], err: TextIO) -> None:
    """Write the token to `path` atomically, or print it to stderr for scripts to pick up."""
    if not path:
        err.write(f"gcal: next sync token: {token}\n")
        err.flush()
        return
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".gcal-sync-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(token + "\n")
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        raise UsageError(f"cannot write the sync token to {path}: {exc.strerror or exc}") from None
