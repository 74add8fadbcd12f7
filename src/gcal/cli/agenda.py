"""`gcal agenda`: what is on my days, across every calendar I show, merged and fetched at once."""

from __future__ import annotations

from typing import Any, Optional, Tuple

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.profiles import all_profiles_option, chosen_profiles
from gcal.cli.profiles import source_for as store_source_for
from gcal.cli.runsettings import demo_clock, prepare
from gcal.cli.storeoptions import check_store_mode, store_options
from gcal.cli.viewoptions import (
    SignedArgsCommand,
    agenda_filter_options,
    agenda_filters,
    calendar_options,
    limit_option,
    week_start_of,
)

AGENDA_EPILOG = (
    "START and END take the time grammar of the other commands: a date (2024-06-01, 'dec 25'), "
    "today, tomorrow, a weekday (the next one), 'next week', '+3d', '-1w', 'fri 9am', RFC 3339,"
    " ... START defaults to today (midnight); a START naming a day (tomorrow, +1d, -1w) is that"
    " whole day from midnight, only a time of day (14:00, +3h) starts mid-day, and that day's "
    "heading says 'from 14:00'. END, when given, includes that whole day (gcal agenda monday "
    "friday shows Friday too; weekdays and +3d in END count from START), else the window is "
    "--days days long. Times are shown in --time-zone, else the local zone. Events that started"
    " before START and are still going are included."
)


@click.command(
    cls=SignedArgsCommand,
    epilog=f"{AGENDA_EPILOG}\n\n{GLOBAL_EPILOG}",
    context_settings=CONTEXT_SETTINGS,
)
@click.argument("start", required=False)
@click.argument("end", required=False)
@click.option(
    "--days",
    "-d",
    type=click.IntRange(min=1, max=3660),
    metavar="N",
    help="Length of the window in days when END is not given (default: 7).",
)
@limit_option("Only the first N events (by start).")
@click.option(
    "--ids",
    is_flag=True,
    help="Show each event's id under its title: 'gcal show CALENDAR EVENT_ID' takes it with "
    "the calendar's name (csv/tsv/json always carry both ids).",
)
@calendar_options
@agenda_filter_options
@all_profiles_option
@store_options
@global_options
@click.pass_context
def agenda(
    ctx: click.Context,
    start: Optional[str],
    end: Optional[str],
    days: Optional[int],
    limit: Optional[int],
    ids: bool,
    calendar: Tuple[str, ...],
    all_calendars: bool,
    no_declined: bool,
    all_profiles: bool,
    offline: bool,
    cached: bool,
    max_age: float,
    **values: Any,
) -> None:
    """Your days across calendars: every shown calendar's events, merged by time.

    Reads the calendars you show in Google Calendar (or those given with --calendar), all at
    once, and prints their events in one list ordered by start, grouped by day in tables.
    json/ndjson print each event as received plus "calendarId"; csv/tsv have fixed columns
    starting calendar_id,start,end,all_day,summary,location,id; ics writes one iCalendar
    file of them.

    \b
    Examples:
      gcal agenda                          the next 7 days from today
      gcal agenda tomorrow                 7 days from tomorrow
      gcal agenda monday friday            next Monday to Friday, both included
      gcal agenda today --days 1           only today
      gcal agenda -c Work -c Family        two calendars, by name
      gcal agenda --all-calendars --no-declined
      gcal agenda --query review --format json
      gcal agenda +1d --days 2             tomorrow and the day after, whole days
      gcal agenda 'tomorrow 14:00' --days 1    tomorrow from 14:00
      gcal agenda -1w --days 7             last week (a negative offset is an argument)
      gcal agenda 'dec 24' 'dec 26'        December 24 to 26
      gcal agenda --limit 5                the first five events from today
      gcal agenda --ids                    each event's id, for 'gcal show CALENDAR EVENT_ID'
      gcal agenda --profile work --profile personal    two accounts, merged
      gcal agenda --all-profiles                       every logged-in account
      gcal agenda --offline                from the local store ('gcal sync'), no network
      gcal agenda --cached --max-age 1h    from the store, synced first if older than 1 h
      gcal agenda --profile work --profile personal --offline    two accounts' stores, merged
    """
    from gcal.core.calendars import chosen_names
    from gcal.core.displayzone import resolve_display_zone
    from gcal.core.span import resolve_span

    check_store_mode(offline, cached)
    settings = prepare(ctx, several_profiles=True, network=not offline)
    # The config file's defaults (command line first): time_zone, days, calendars, no_declined.
    defaults = settings.command_defaults
    if not values.get("time_zone") and defaults.get("time_zone"):
        values["time_zone"] = defaults["time_zone"]
    days = days or defaults.get("days")
    no_declined = no_declined or bool(defaults.get("no_declined"))
    filters = agenda_filters(values)
    display = resolve_display_zone(filters.get("timeZone"))
    now = demo_clock(ctx)  # --demo: the demo world's clock
    span = resolve_span(start, end, days, display.zone, now=now, week_start=week_start_of(defaults))
    profiles = chosen_profiles(ctx, all_profiles, offline=offline)
    source_for = store_source_for(
        filters, offline=offline, cached=cached, max_age=max_age, several=len(profiles) > 1
    )
    if len(profiles) == 1:
        calendar = chosen_names(calendar, all_calendars, defaults.get("calendars") or ())
    from gcal.commands.agenda_profiles import run_agenda

    code = run_agenda(
        profiles,
        span,
        display.zone,
        display.name,
        source_for=source_for,
        calendars=calendar,
        all_calendars=all_calendars,
        filters=filters,
        no_declined=no_declined,
        today=now.astimezone(display.zone).date() if now is not None else None,
        limit=limit,
        ids=ids,
    )
    if code:
        ctx.exit(code)
