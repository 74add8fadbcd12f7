"""`gcal next`: what is on now, or next, in one line (for status bars and prompts)."""

from __future__ import annotations

from typing import Any, Optional, Tuple

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
    limit_option,
    store_options,
)
from gcal.cli.profiles import all_profiles_option, chosen_profiles
from gcal.cli.profiles import source_for as store_source_for


@click.command("next", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--within",
    type=Duration(minimum=1),  # the API ignores fractions of a second: no shorter window
    default="24h",
    show_default=True,
    metavar="DURATION",
    help="Only an event starting within this (30m, 12h, 2d); otherwise print nothing.",
)
@click.option("--all-day", is_flag=True, help="Consider all-day events too (skipped by default).")
@limit_option(
    "The next N events, a line each (--format json: a list), instead of one; the first may "
    "be in progress."
)
@calendar_options
@agenda_filter_options
@all_profiles_option
@store_options
@global_options
@click.pass_context
def next_event(
    ctx: click.Context,
    within: float,
    all_day: bool,
    limit: Optional[int],
    calendar: Tuple[str, ...],
    all_calendars: bool,
    no_declined: bool,
    all_profiles: bool,
    offline: bool,
    cached: bool,
    max_age: float,
    **values: Any,
) -> None:
    """The event in progress, or the next one, across the agenda's calendars (and profiles).

    One line, e.g. '14:00–14:30 Weekly sync (in 25 min)' or '14:00–14:30 Weekly sync (now,
    10 min left)', in the display zone; nothing at all when no event starts within --within.
    All-day events are skipped unless --all-day, declined ones always. --format json prints
    one object with the keys summary, start, end, calendarId, id, location, htmlLink,
    conferenceUri and minutesUntil (0 or less once the event has begun).

    With several profiles (--profile, repeatable, or --all-profiles) the answer is the next
    event of them all, merged as 'gcal agenda' merges them; --offline and --cached read each
    profile's own store.

    \b
    Examples:
      gcal next
      gcal next --offline --within 12h      (a status bar, with 'gcal sync' from cron)
      gcal next --cached --format json
      gcal next -c Work --all-day
      gcal next --limit 3 --within 2d       the next three events in two days
      gcal next --profile work --profile personal --offline    the next of both accounts
    """
    import datetime

    from gcal.core.displayzone import resolve_display_zone

    del no_declined  # declined events are never "next"
    filters = agenda_filters(values)
    display = resolve_display_zone(filters.get("timeZone"))
    check_store_mode(offline, cached)
    profiles = chosen_profiles(ctx, all_profiles, offline=offline)
    if profiles[0].format == "ics":  # one line or one object, never a calendar file
        from gcal.errors import UsageError
        from gcal.render.formats import ics_refusal

        raise UsageError(ics_refusal("next"))
    source_for = store_source_for(
        filters, offline=offline, cached=cached, max_age=max_age, several=len(profiles) > 1
    )
    now = demo_clock(ctx) or datetime.datetime.now(datetime.timezone.utc)
    from gcal.commands import upnext

    code = upnext.run(
        profiles,
        display.zone,
        now=now,
        within=within,
        all_day=all_day,
        calendars=calendar,
        all_calendars=all_calendars,
        filters=filters,
        source_for=source_for,
        limit=limit,
    )
    if code:
        ctx.exit(code)
