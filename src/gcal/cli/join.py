"""`gcal join`: open the meeting link of the event on now (or about to be)."""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.profiles import all_profiles_option, chosen_profiles
from gcal.cli.profiles import source_for as store_source_for
from gcal.cli.runsettings import demo_clock
from gcal.cli.storeoptions import Duration, check_store_mode, store_options
from gcal.cli.viewoptions import calendar_options, zone_option


@click.command("join", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.argument("event", nargs=-1, metavar="[CALENDAR_ID EVENT_ID]")
@click.option(
    "--within",
    type=Duration(minimum=1),
    default="10m",
    show_default=True,
    metavar="DURATION",
    help="An event in progress, or starting within this.",
)
@click.option("--print", "print_", is_flag=True, help="Print the link instead of opening it.")
@zone_option
@calendar_options
@all_profiles_option
@store_options
@global_options
@click.pass_context
def join(
    ctx: click.Context,
    event: Tuple[str, ...],
    within: float,
    print_: bool,
    calendar: Tuple[str, ...],
    all_calendars: bool,
    all_profiles: bool,
    offline: bool,
    cached: bool,
    max_age: float,
    time_zone: Optional[str],
    **values: Any,
) -> None:
    """Open the meeting link of the event in progress or starting within --within (default
    10 minutes) in the browser, or print it (--print).

    The link is the event's Google Meet link (hangoutLink), else its conference's video entry
    point, else the first Meet, Zoom, Teams or Webex address in its location or description.
    When several meetings qualify: a numbered choice on a terminal, otherwise exit 2 listing
    them (name one with CALENDAR_ID EVENT_ID). None: exit 4. No browser can be started (over
    SSH, say): the link is printed, with a note on stderr, and the exit code is 0. A named
    event is read from the API; the others from the agenda's calendars, or the store with
    --offline/--cached. Times in the choice are in --time-zone, else the local zone.

    \b
    Examples:
      gcal join --within 30m                    (a choice when several meetings qualify)
      gcal join --print
      gcal join primary weeklysync --print
      gcal join --offline --print -c Work
      gcal join --within 1h --print --time-zone Asia/Tokyo
    """
    import datetime
    import sys

    from gcal.commands import join as command
    from gcal.core.displayzone import resolve_display_zone
    from gcal.errors import UsageError

    if len(event) not in (0, 2):
        raise UsageError("give both CALENDAR_ID and EVENT_ID, or neither")
    check_store_mode(offline, cached)
    if event and offline:
        raise UsageError("a named event is read from the API: leave out --offline")
    profiles = chosen_profiles(ctx, all_profiles, offline=offline)
    zone = resolve_display_zone(time_zone or profiles[0].command_defaults.get("time_zone")).zone
    source_for = store_source_for(
        {}, offline=offline, cached=cached, max_age=max_age, several=len(profiles) > 1
    )
    now = demo_clock(ctx) or datetime.datetime.now(datetime.timezone.utc)

    choose = None
    from gcal.render.terminal import isatty

    if isatty(sys.stdin) and isatty(sys.stderr):

        def choose(labels: List[str]) -> int:
            for number, text in enumerate(labels, 1):
                click.echo(f"  {number}) {text}", err=True)
            from gcal.cli.prompts import question

            with question():
                picked = click.prompt(
                    "Join which", type=click.IntRange(1, len(labels)), default=1, err=True
                )
            return int(picked) - 1

    code = command.run(
        profiles,
        zone,
        now=now,
        within=within,
        event=(event[0], event[1]) if event else None,
        print_only=print_,
        calendars=calendar,
        all_calendars=all_calendars,
        source_for=source_for,
        choose=choose,
    )
    if code:
        ctx.exit(code)
