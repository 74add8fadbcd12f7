"""`gcal calendars`, `gcal events` and `gcal instances`: the three API listings."""

from __future__ import annotations

from typing import Any, Dict, Optional

import click

from gcal.cli.apioptions import api_options, build_request, decode_request, listing_options
from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, TIME_HELP, global_options
from gcal.cli.runsettings import demo_clock, prepare
from gcal.cli.storeoptions import check_store_mode, store_options
from gcal.errors import UsageError


@click.command(epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@api_options("calendars")
@listing_options
@global_options
@click.pass_context
def calendars(
    ctx: click.Context,
    limit: Optional[int],
    fields: Optional[str],
    sync_token_file: Optional[str],
    **values: Any,
) -> None:
    """List the calendars on your calendar list (calendarList.list).

    \b
    Examples:
      gcal calendars
      gcal calendars --min-access-role writer --show-hidden
      gcal --format json calendars > calendars.json
    """
    _run_listing(ctx, "calendars", {}, values, limit, fields, sync_token_file)


@click.command(epilog=f"{TIME_HELP}\n\n{GLOBAL_EPILOG}", context_settings=CONTEXT_SETTINGS)
@click.argument("calendar_id")
@api_options("events")
@listing_options
@store_options
@global_options
@click.pass_context
def events(
    ctx: click.Context,
    calendar_id: str,
    limit: Optional[int],
    fields: Optional[str],
    sync_token_file: Optional[str],
    offline: bool,
    cached: bool,
    max_age: float,
    **values: Any,
) -> None:
    """List the events of a calendar (events.list).

    CALENDAR_ID is an id from 'gcal calendars', 'primary' for your main calendar, or a
    calendar's name ('Ada Lovelace', or the start of it: 'ada'), as --calendar takes them.

    \b
    Examples:
      gcal events primary --single-events --order-by startTime --time-min today --time-max +7d
      gcal events primary --q dentist --format json
      gcal events primary --event-type focusTime --event-type outOfOffice
      gcal events primary --private-extended-property project=apollo
      gcal events primary --sync-token-file sync.txt --format ndjson   (then --sync-token ...)
      gcal events primary --offline --single-events --time-min today --time-max +7d

    With --offline or --cached the answer comes from the local store ('gcal sync'), which
    can answer the time range, --q, --event-type, --single-events, --order-by,
    --show-deleted, --updated-min and --time-zone.
    """
    check_store_mode(offline, cached)
    if offline or cached:
        from gcal.commands.stored import LiveInstead

        try:
            _run_stored(ctx, calendar_id, values, limit, fields, sync_token_file, offline, max_age)
            return
        except LiveInstead:  # --cached with a store it cannot use (one warning said so)
            pass
    _run_listing(ctx, "events", {"calendarId": calendar_id}, values, limit, fields, sync_token_file)


def _run_stored(
    ctx: click.Context,
    calendar_id: str,
    values: Dict[str, Any],
    limit: Optional[int],
    fields: Optional[str],
    sync_token_file: Optional[str],
    offline: bool,
    max_age: float,
) -> None:
    if not calendar_id.strip():
        raise UsageError("calendarId must not be empty")
    request = decode_request({"calendarId": calendar_id, **build_request("events", values)})
    from gcal.commands import stored

    stored.check_answerable(
        request, [(fields is not None, "--fields"), (bool(sync_token_file), "--sync-token-file")]
    )
    settings = prepare(ctx, network=not offline)
    from gcal.commands.calendars import resolve_calendar

    request["calendarId"] = resolve_calendar(settings, calendar_id, offline=offline)
    now = demo_clock(ctx)  # --demo: the demo world's clock
    stored.run_events(settings, request, offline=offline, max_age=max_age, limit=limit, now=now)


@click.command(epilog=f"{TIME_HELP}\n\n{GLOBAL_EPILOG}", context_settings=CONTEXT_SETTINGS)
@click.argument("calendar_id")
@click.argument("event_id")
@api_options("instances")
@listing_options
@global_options
@click.pass_context
def instances(
    ctx: click.Context,
    calendar_id: str,
    event_id: str,
    limit: Optional[int],
    fields: Optional[str],
    sync_token_file: Optional[str],
    **values: Any,
) -> None:
    """List the instances of a recurring event (events.instances).

    CALENDAR_ID is an id, 'primary' or a calendar's name (as 'gcal events' takes it).
    EVENT_ID is the id of the series (its recurring master), as 'gcal events' shows it.
    Moved and cancelled instances are marked.

    \b
    Examples:
      gcal instances primary weeklysync --time-min today --limit 10
      gcal instances primary weeklysync --show-deleted
    """
    if sync_token_file is not None:
        raise UsageError(
            "--sync-token-file: events.instances returns no sync token; "
            "to sync a calendar use 'gcal events CALENDAR_ID --sync-token-file PATH'"
        )
    target = {"calendarId": calendar_id, "eventId": event_id}
    original_day = _as_day(values.get("original_start"), values.get("time_zone"))
    _run_listing(ctx, "instances", target, values, limit, fields, None, original_day)


def _as_day(text: Optional[str], zone_name: Optional[str]) -> Optional[Any]:
    """The day an --original-start names when it is a date or a day word (no time in it), so
    that it can match the instance of an all-day series; None otherwise."""
    if not text or ":" in text or text.strip()[:1] in "+-" or text.strip().lower() == "now":
        return None
    from gcal.core import timespec
    from gcal.errors import TimeSpecError

    try:
        zone = timespec.resolve_zone(zone_name)
        when = timespec.parse_time(text, tz=zone, now=demo_clock())
    except TimeSpecError:
        return None  # build_request reports it
    if (when.hour, when.minute, when.second, when.microsecond) != (0, 0, 0, 0):
        return None
    return when.date()


# events.instances has no sync token: the shared option stays (to refuse it with a reason) but
# is not offered in the help.
for _param in instances.params:
    if _param.name == "sync_token_file":
        _param.hidden = True  # type: ignore[attr-defined]


def _run_listing(
    ctx: click.Context,
    command: str,
    target: Dict[str, Any],
    values: Dict[str, Any],
    limit: Optional[int],
    fields: Optional[str],
    sync_token_file: Optional[str],
    original_day: Optional[Any] = None,
) -> None:
    for name, value in target.items():
        if not value.strip():
            raise UsageError(f"{name} must not be empty")
    if fields is not None:
        if not fields.strip():  # like --q "": an unset variable must not mean every field
            raise UsageError("--fields must not be empty")
        from gcal.core.fields import parse

        parse(fields)  # unbalanced brackets: a usage error before anything is sent
    request = decode_request({**target, **build_request(command, values)})
    from gcal.commands import sync_token_file as token_file

    token_target = token_file.check(sync_token_file)  # before the demo or any request
    settings = prepare(ctx)
    if "calendarId" in request:  # a name, or the start of one, is the calendar's id
        from gcal.commands.calendars import resolve_calendar

        request["calendarId"] = resolve_calendar(settings, str(request["calendarId"]))
    from gcal.commands import listing

    listing.run(
        settings,
        command,
        request,
        limit=limit,
        fields=fields,
        sync_token_file=token_target,
        original_day=original_day,
        print_sync_token=bool(ctx.meta.get("gcal.print_sync_token")),
    )
