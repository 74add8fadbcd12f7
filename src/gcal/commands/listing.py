"""Running one list command end to end: request pages, write them, report the sync token.

This is where the API layer and the output layer meet. It owns the promises a script relies on:
rows are written as pages arrive; a failure halfway still closes the output (a JSON array still
parses) and says on stderr that the output is incomplete; the last page's `nextSyncToken` is
reported (to stderr when that is not a terminal, or where --sync-token-file says) so the next
run can sync incrementally; a listing cut short by --limit says how to continue.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import sys
from typing import Any, Callable, Dict, List, Optional, TextIO, Tuple, Union

from gcal.commands import sync_token_file as sync_token_file_
from gcal.core.sanitize import one_line
from gcal.errors import GcalError
from gcal.settings import Settings


def run(
    settings: Settings,
    command: str,
    request: Dict[str, Any],
    *,
    limit: Optional[int] = None,
    fields: Optional[str] = None,
    sync_token_file: Union[str, sync_token_file_.Target, None] = None,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
    original_day: Optional[datetime.date] = None,
    print_sync_token: bool = False,
) -> int:
    """List everything `request` selects and print it; return the number of items written.

    `original_day` is set when --original-start was a date: for an all-day series it names the
    instance by its date (see `_all_day_original`).
    """
    if isinstance(sync_token_file, sync_token_file_.Target):
        target: Optional[sync_token_file_.Target] = sync_token_file
    else:
        target = sync_token_file_.check(sync_token_file)  # before any request
    from gcal.google import api
    from gcal.google.fetch import read_next_page
    from gcal.render import formats as render
    from gcal.render.terminal import color_enabled, isatty, terminal_width

    out = out or sys.stdout
    err = err or sys.stderr
    fmt = settings.format or render.default_format(isatty(out))
    asked = fields
    if fields is None:
        fields = render.partial_fields(command, fmt)
    else:
        _warn_about_blank_columns(command, fmt, fields, render.partial_fields(command, fmt), err)
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
        csv_raw=settings.csv_raw,
    )
    keep: Optional[Callable[[Dict[str, Any]], bool]] = None
    if command == "instances" and original_day is not None:
        request, keep = _all_day_original(client, request, original_day)
    written = 0
    sync_token = None
    next_page = None
    try:
        # the next page is read while this one is written (and parsed once wanted)
        for page in api.iter_pages(
            client,
            command,
            request,
            limit=None if keep else limit,
            ahead=read_next_page(client, command),
        ):
            if keep is not None:
                page["items"] = [i for i in page.get("items") or [] if keep(i)]
                if limit is not None:
                    page["items"] = page["items"][: max(0, limit - written)]
            missing = writer.missing_series(page)
            if missing:
                writer.add_series_titles(
                    series_titles(client, request.get("calendarId", ""), missing)
                )
            written += writer.write_page(page)
            sync_token = page.get("nextSyncToken") or sync_token
            next_page = page.get("nextPageToken")
            del page  # not kept alive while the next page is fetched and parsed
    except BaseException as exc:
        _close_quietly(writer)
        if isinstance(exc, GcalError) and asked and fields != asked and fields in exc.message:
            # a 400 quoting the selector quotes what the user typed, not gcal's paging tokens
            exc.message = exc.message.replace(fields, asked)
            exc.args = (exc.message,)
        if command == "instances" and isinstance(exc, GcalError) and exc.exit_code == 4:
            _hint_instance_id(exc, request)
        if written and isinstance(exc, (GcalError, KeyboardInterrupt)):
            err.write(f"gcal: output is incomplete: {written} items were written before this\n")
            err.flush()
        raise
    writer.close(complete=True)
    if sync_token:
        report_sync_token(sync_token, target, err, out, show=print_sync_token)
    if limit is not None and next_page and written >= limit:
        err.write(
            f"gcal: stopped after --limit {limit}; more remain: run the same command with "
            f"--page-token {one_line(next_page)} to continue\n"
        )
        err.flush()
    if command == "instances" and written == 0:
        _explain_no_instances(client, request, err)
    return written


_MAX_SERIES_LOOKUPS = 20  # per page: a table never costs more than a few extra requests


def series_titles(client: Any, calendar_id: str, series_ids: List[str]) -> Dict[str, str]:
    """The titles of recurring series by id (events.get, concurrently), for the rows of their
    cancelled instances, which carry only the series' id. A series that cannot be read
    (deleted, not found, no access) is left out: the row then names its id instead."""
    from concurrent.futures import ThreadPoolExecutor

    from gcal.google import api

    wanted = series_ids[:_MAX_SERIES_LOOKUPS]

    def title(series_id: str, worker: Any) -> Optional[str]:
        try:
            event = api.get_event(worker, calendar_id, series_id, fields="summary")
        except GcalError:
            return None
        summary = event.get("summary") if isinstance(event, dict) else None
        return summary if isinstance(summary, str) else None

    if len(wanted) == 1:  # on a connection of its own: the listing's is paging on its thread
        found = {wanted[0]: title(wanted[0], api.worker_client(client))}
    else:
        with ThreadPoolExecutor(max_workers=min(4, len(wanted))) as pool:
            futures = {
                series_id: pool.submit(title, series_id, api.worker_client(client))
                for series_id in wanted
            }
            found = {series_id: future.result() for series_id, future in futures.items()}
    return {series_id: text for series_id, text in found.items() if text}


def _all_day_original(
    client: Any, request: Dict[str, Any], day: datetime.date
) -> Tuple[Dict[str, Any], Optional[Callable[[Dict[str, Any]], bool]]]:
    """The request and item filter for `--original-start DATE`.

    A date is sent as midnight, which names an instance of a timed series starting then. The
    instance of an all-day series has an original start that is a date, not an instant, so for
    one gcal lists the series without originalStart and keeps the instance whose
    originalStartTime.date is that day (a moved instance included, wherever it went).
    """
    from gcal.google import api

    try:
        series = api.get_event(client, request["calendarId"], request["eventId"], fields="start")
    except GcalError:
        return request, None  # the listing itself reports what is wrong
    if "date" not in (series.get("start") or {}):
        return request, None
    wanted = day.isoformat()
    request = {k: v for k, v in request.items() if k != "originalStart"}

    def keep(item: Dict[str, Any]) -> bool:
        return (item.get("originalStartTime") or {}).get("date") == wanted

    return request, keep


def _warn_about_blank_columns(
    command: str, fmt: str, asked: str, wanted: Optional[str], err: TextIO
) -> None:
    """One warning when --fields leaves out what a table or csv/tsv prints (blank columns)."""
    from gcal.core import fields as selectors

    if not wanted:  # json and ndjson print whatever comes
        return
    needed = list(selectors.parse(wanted).get("items") or {})
    missing = selectors.missing_item_fields(asked, needed)
    if missing:
        err.write(
            f"gcal: warning: --fields leaves out {', '.join(missing)}, which -f {fmt} uses: "
            "those columns will be blank (add them to --fields, or use -f json)\n"
        )
        err.flush()


def _close_quietly(writer: Any) -> None:
    with contextlib.suppress(Exception):  # the original failure is what the user must see
        writer.close(complete=False)


def report_sync_token(
    token: str,
    target: Union[str, sync_token_file_.Target, None],
    err: TextIO,
    out: Optional[TextIO] = None,
    *,
    show: bool = False,
) -> None:
    """Write the token where --sync-token-file says, and on stderr with `show`
    (--print-sync-token); nowhere else: a cron job's mail should not carry it every run."""
    if isinstance(target, str):
        target = sync_token_file_.check(target)
    if target is not None:
        sync_token_file_.write(target, token, out or sys.stdout)
    if show:
        from gcal.core.sanitize import one_line

        err.write(f"gcal: next sync token: {one_line(token)}\n")
        err.flush()


_INSTANCE_ID = re.compile(r"\A(.+)_\d{8}(?:T\d{6}Z)?\Z")


def _hint_instance_id(exc: GcalError, request: Dict[str, Any]) -> None:
    """An unknown EVENT_ID shaped like an instance id (`<series>_<start>`, as the agenda and
    'gcal show' use them) is most likely one occurrence: name the series to list instead."""
    match = _INSTANCE_ID.match(str(request.get("eventId") or ""))
    if match:
        exc.message += (
            f"; an instance id names one occurrence: list its series with "
            f"'gcal instances {request.get('calendarId')} {match.group(1)}'"
        )
        exc.args = (exc.message,)


def _explain_no_instances(client: Any, request: Dict[str, Any], err: TextIO) -> None:
    """Say why an instances listing is empty when the event is no series (one line)."""
    from gcal.google import api

    calendar_id, event_id = request["calendarId"], request["eventId"]
    try:
        event = api.get_event(
            client, calendar_id, event_id, fields="id,recurrence,recurringEventId"
        )
    except GcalError:
        return  # the listing itself succeeded; an empty answer stands on its own
    series = event.get("recurringEventId")
    if series:
        err.write(
            one_line(
                f"gcal: {event_id} is one instance of the series {series}: "
                f"list the series with 'gcal instances {calendar_id} {series}'"
            )
            + "\n"
        )
    elif not event.get("recurrence"):
        err.write(f"gcal: {event_id} is not a recurring event, so it has no instances\n")
    err.flush()
