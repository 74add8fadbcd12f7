"""`gcal invites`: the invitations still waiting for your answer."""

from __future__ import annotations

from typing import Any, Tuple

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.profiles import all_profiles_option, chosen_profiles
from gcal.cli.profiles import source_for as store_source_for
from gcal.cli.runsettings import demo_clock
from gcal.cli.storeoptions import check_store_mode, store_options
from gcal.cli.viewoptions import calendar_options


@click.command("invites", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--days",
    type=click.IntRange(1, 3660),
    default=30,
    show_default=True,
    help="How far ahead to look.",
)
@click.option("--time-zone", metavar="ZONE", help="Show times in this zone (default: local).")
@calendar_options
@all_profiles_option
@store_options
@global_options
@click.pass_context
def invites(
    ctx: click.Context,
    days: int,
    time_zone: Any,
    calendar: Tuple[str, ...],
    all_calendars: bool,
    all_profiles: bool,
    offline: bool,
    cached: bool,
    max_age: float,
    **values: Any,
) -> None:
    """The upcoming events still waiting for your answer (your attendee entry says
    needsAction), across the agenda's calendars (and profiles), soonest first: when, what, the
    organizer, the calendar, and how to answer (the 'gcal rsvp' command to run, or the event's
    Google Calendar link). json/ndjson/csv/tsv print the agenda's rows for these events.

    \b
    Examples:
      gcal invites
      gcal invites --days 7 --format json
      gcal invites --offline
    """
    import datetime

    from gcal.cli.app import COMMANDS
    from gcal.commands import invites as command
    from gcal.core.displayzone import resolve_display_zone

    display = resolve_display_zone(time_zone)
    check_store_mode(offline, cached)
    profiles = chosen_profiles(ctx, all_profiles, offline=offline)
    if profiles[0].format == "ics":
        from gcal.errors import UsageError

        raise UsageError("--format ics is not for 'gcal invites': use 'gcal agenda --format ics'")
    source_for = store_source_for(
        {}, offline=offline, cached=cached, max_age=max_age, several=len(profiles) > 1
    )
    now = demo_clock(ctx) or datetime.datetime.now(datetime.timezone.utc)
    code = command.run(
        profiles,
        display.zone,
        display.name,
        now=now,
        days=days,
        rsvp="rsvp" in COMMANDS,
        calendars=calendar,
        all_calendars=all_calendars,
        source_for=source_for,
    )
    if code:
        ctx.exit(code)
