"""`gcal next`: what is on now, or next, in one line (for status bars and prompts)."""

from __future__ import annotations

from typing import Any, Tuple

import click

from gcal.cli.options import (
    CONTEXT_SETTINGS,
    GLOBAL_EPILOG,
    Duration,
    agenda_filter_options,
    agenda_filters,
    calendar_options,
    check_store_mode,
    demo_clock,
    global_options,
    prepare,
    store_options,
)


@click.command("next", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--within",
    type=Duration(),
    default="24h",
    show_default=True,
    metavar="DURATION",
    help="Only an event starting within this (30m, 12h, 2d); otherwise print nothing.",
)
@click.option("--all-day", is_flag=True, help="Consider all-day events too (skipped by default).")
@calendar_options
@agenda_filter_options
@store_options
@global_options
@click.pass_context
def next_event(
    ctx: click.Context,
    within: float,
    all_day: bool,
    calendar: Tuple[str, ...],
    all_calendars: bool,
    no_declined: bool,
    offline: bool,
    cached: bool,
    max_age: float,
    **values: Any,
) -> None:
    """The event in progress, or the next one, across the agenda's calendars.

    One line, e.g. '14:00–14:30 Weekly sync (in 25 min)' or '14:00–14:30 Weekly sync (now,
    10 min left)', in the display zone; nothing at all when no event starts within --within.
    All-day events are skipped unless --all-day, declined ones always. --format json prints
    one object with the keys summary, start, end, calendarId, id, location, htmlLink,
    conferenceUri and minutesUntil (0 or less once the event has begun).

    \b
    Examples:
      gcal next
      gcal next --offline --within 12h      (a status bar, with 'gcal sync' from cron)
      gcal next --cached --format json
      gcal next -c Work --all-day
    """
    import datetime

    from gcal.core.displayzone import resolve_display_zone

    del no_declined  # declined events are never "next"
    filters = agenda_filters(values)
    display = resolve_display_zone(filters.get("timeZone"))
    check_store_mode(offline, cached)
    source = None
    if offline or cached:
        from gcal.commands import stored

        stored.check_answerable(filters)
        settings = prepare(ctx, network=not offline)
        source = stored.StoreSource(settings, offline=offline, max_age=max_age)
    else:
        settings = prepare(ctx)
    now = demo_clock(ctx) or datetime.datetime.now(datetime.timezone.utc)
    from gcal.commands import upnext

    code = upnext.run(
        settings,
        display.zone,
        now=now,
        within=within,
        all_day=all_day,
        calendars=calendar,
        all_calendars=all_calendars,
        filters=filters,
        source=source,
    )
    if code:
        ctx.exit(code)
