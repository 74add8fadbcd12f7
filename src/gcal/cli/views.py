"""`gcal week` and `gcal month`: the calendar as a grid, for people."""

from __future__ import annotations

import datetime
import os
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
from gcal.errors import UsageError

VIEWS_EPILOG = (
    "Both views read the same calendars as 'gcal agenda' (the ones shown in Google Calendar, "
    "or --calendar), with the same filters, from the API or, with --offline or --cached, from "
    "the local store ('gcal sync'). Several profiles (--profile, repeatable, or "
    "--all-profiles) are merged into one grid as 'gcal agenda' merges them. Times are shown "
    "in --time-zone, else the local zone. --format json|ndjson|csv|tsv prints the agenda's "
    "rows for the same days instead of a grid. The grid fills the terminal (COLUMNS sets "
    "the width into a pipe); below 60 columns the agenda's list is shown instead. Colour "
    "only on a terminal, never with NO_COLOR."
)


def _week_start_option(command: Any) -> Any:
    return click.option(
        "--week-start",
        type=click.Choice(["monday", "sunday"], case_sensitive=False),
        help="First day of the week (default: from the locale, e.g. sunday for en_US, "
        "else monday).",
    )(command)


_WEEK_WORDS = {"this": "this week", "next": "next week", "last": "last week", "prev": "last week"}


def _week_day(text: str, zone: Any, now: datetime.datetime, week_start: int) -> datetime.date:
    """A day of the week DATE names: the time grammar, plus `this`/`next`/`last` and a bare
    count of weeks (`-1`, `+2`), as `gcal month` takes them for months."""
    import re

    from gcal.core import timespec

    value = " ".join(text.lower().split())
    value = _WEEK_WORDS.get(value, value)
    if re.fullmatch(r"[+-][0-9]{1,6}", value, re.ASCII):
        value += "w"
    when = timespec.parse_when(value, tz=zone, now=now, week_start=week_start)
    return when.day or when.moment.astimezone(zone).date()


def _month_of(text: Optional[str], zone: Any, now: datetime.datetime) -> Tuple[int, int]:
    """(year, month) MONTH names: grid.parse_month's forms, else the month of the day a
    time-grammar phrase names (`+1w`, `dec 25`, 'next month')."""
    from gcal.core import grid, timespec
    from gcal.errors import TimeSpecError

    try:
        return grid.parse_month(text, now.date())
    except ValueError as exc:
        try:
            when = timespec.parse_when(text or "", tz=zone, now=now)
        except TimeSpecError:
            raise UsageError(f"invalid MONTH {text!r}: {exc}") from None
        day = when.day or when.moment.astimezone(zone).date()
        return day.year, day.month


def _in_calendar(build: Any, what: str) -> Any:
    """The view `build` makes, or a usage error when its days (and the midnight after the
    last, where its window ends) fall outside the years 1 to 9999 that dates can hold."""
    try:
        view = build()
        view.shown_days[-1] + datetime.timedelta(days=1)
    except OverflowError:
        raise UsageError(f"{what} reaches outside the years 1 to 9999") from None
    return view


_ids_option = click.option(
    "--ids",
    is_flag=True,
    help="List the events as 'gcal agenda --ids' does, each with its id (for 'gcal show "
    "CALENDAR EVENT_ID'), instead of the grid.",
)


def _defaults(ctx: click.Context) -> dict:
    """The config file's defaults for the views (week_start, time_zone, calendars,
    no_declined); the command line wins over them."""
    return prepare(ctx).command_defaults


def _prepare(ctx: click.Context, values: dict) -> Tuple[Any, Any, datetime.datetime]:
    """Filters, display zone and the clock, all checked before any request."""
    from gcal.core.displayzone import resolve_display_zone

    if not values.get("time_zone") and _defaults(ctx).get("time_zone"):
        values["time_zone"] = _defaults(ctx)["time_zone"]
    filters = agenda_filters(values)
    display = resolve_display_zone(filters.get("timeZone"))
    now = demo_clock(ctx) or datetime.datetime.now(datetime.timezone.utc)
    return filters, display, now.astimezone(display.zone)


def _store(ctx: click.Context, offline: bool, cached: bool) -> None:
    """Checks --offline/--cached and reads the settings first, so that --offline never starts
    the --demo emulator nor touches the network."""
    check_store_mode(offline, cached)
    prepare(ctx, several_profiles=True, network=not offline)


def _run(
    ctx,
    view,
    display,
    now,
    filters,
    calendar,
    all_calendars,
    no_declined,
    store,
    limit=None,
    ids=False,
) -> None:
    offline, cached, max_age, all_profiles = store
    profiles = chosen_profiles(ctx, all_profiles, offline=offline)
    settings = profiles[0]
    if len(profiles) == 1:  # several: each profile's own default (as the agenda's)
        from gcal.core.calendars import chosen_names

        configured = settings.command_defaults.get("calendars") or ()
        calendar = chosen_names(calendar, all_calendars, configured)
    no_declined = no_declined or bool(settings.command_defaults.get("no_declined"))
    source_for = store_source_for(
        filters, offline=offline, cached=cached, max_age=max_age, several=len(profiles) > 1
    )
    from gcal.commands import views

    code = views.run(
        profiles,
        view,
        display.zone,
        display.name,
        today=now.date(),
        now=now,
        calendars=calendar,
        all_calendars=all_calendars,
        filters=filters,
        no_declined=no_declined,
        source_for=source_for,
        limit=limit,
        ids=ids,
    )
    if code:
        ctx.exit(code)


@click.command(
    cls=SignedArgsCommand,
    epilog=f"{VIEWS_EPILOG}\n\n{GLOBAL_EPILOG}",
    context_settings=CONTEXT_SETTINGS,
)
@click.argument("date", required=False)
@_week_start_option
@click.option(
    "--days",
    "-d",
    type=click.IntRange(1, 7),
    default=7,
    show_default=True,
    metavar="N",
    help="Show only N days from the week's first working day (5: a work week, Monday to "
    "Friday; Sunday to Thursday where the weekend is Friday and Saturday), or from "
    "--week-start when given.",
)
@limit_option("Only the first N events of the week (by start).")
@_ids_option
@calendar_options
@agenda_filter_options
@all_profiles_option
@store_options
@global_options
@click.pass_context
def week(
    ctx: click.Context,
    date: Optional[str],
    week_start: Optional[str],
    days: int,
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
    """The week containing DATE (default: today) as seven day columns.

    All-day and multi-day events are bars across the days they cover; timed events follow,
    in order, with their start time. Today is highlighted, events take their calendar's
    colour, declined events are dimmed (or left out with --no-declined).

    DATE takes the time grammar of the other commands (2024-06-05, today, a weekday, 'dec 25',
    +1w, -2w, 'next week'), and also this, next, last or a count of weeks (-1, +2).
    --days 5 is a work week, from Monday (from Sunday in a locale whose weekend is Friday and
    Saturday), unless --week-start says where to start.

    \b
    Examples:
      gcal week                            this week
      gcal week next                       next week (also +1w)
      gcal week -1w                        last week (also: gcal week last, gcal week -1)
      gcal week 'dec 25'                   the week of December 25
      gcal week --days 5                   this work week, Monday to Friday
      gcal week --ids                      the week as the agenda lists it, with event ids
      gcal week 2024-06-05 --week-start sunday --days 3    Sunday to Tuesday of that week
      gcal week --week-start sunday -c Work
      gcal week --format json              the week's events, as 'gcal agenda' prints them
      gcal week --offline                  from the local store ('gcal sync'), no network
      gcal week --profile work --profile personal --offline    both accounts, from their stores
    """
    from gcal.commands.views import week_view
    from gcal.core import grid

    _store(ctx, offline, cached)
    filters, display, now = _prepare(ctx, values)
    first = week_start_of(_defaults(ctx), week_start)
    day = now.date() if date is None else _week_day(date, display.zone, now, first)

    def build() -> Any:
        if days < 7 and not week_start:  # a work week: from the first working day
            work = grid.work_week_days(day, first, grid.locale_workweek_start(os.environ), days)
            return week_view(work[0], week_start=work[0].weekday(), days=days)
        return week_view(day, week_start=first, days=days)

    view = _in_calendar(build, f"the week of {day}")
    store = (offline, cached, max_age, all_profiles)
    _run(ctx, view, display, now, filters, calendar, all_calendars, no_declined, store, limit, ids)


@click.command(
    cls=SignedArgsCommand,
    epilog=f"{VIEWS_EPILOG}\n\n{GLOBAL_EPILOG}",
    context_settings=CONTEXT_SETTINGS,
)
@click.argument("month", required=False)
@_week_start_option
@click.option(
    "--lines",
    "-l",
    type=click.IntRange(0, 50),
    metavar="N",
    help="Event lines per day; what does not fit is counted as '+N more' (default: 3, fewer "
    "on a terminal too short for a month of them).",
)
@_ids_option
@calendar_options
@agenda_filter_options
@all_profiles_option
@store_options
@global_options
@click.pass_context
def month(
    ctx: click.Context,
    month: Optional[str],
    week_start: Optional[str],
    lines: Optional[int],
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
    """MONTH as a grid of weeks (default: this month).

    Each day shows its number and up to --lines events; multi-day events run across the days
    and weeks they cover. Days of the neighbouring months are dimmed.

    MONTH is 2024-06, june (this year's), 'june 2024', this, next, last, a count of months
    (-1, +2), or a day in the time grammar ('dec 25', +1w): its month.

    \b
    Examples:
      gcal month                           this month
      gcal month next
      gcal month -1                        last month
      gcal month --ids                     the month as the agenda lists it, with event ids
      gcal month 2024-06 --lines 5
      gcal month june --week-start sunday --no-declined
      gcal month --format csv              the month's events, as 'gcal agenda' prints them
      gcal month --cached --max-age 1h     from the store, synced first if older than 1 h
      gcal month --all-profiles            every logged-in account in one grid
    """
    from gcal.commands.views import month_view

    _store(ctx, offline, cached)
    filters, display, now = _prepare(ctx, values)
    year, number = _month_of(month, display.zone, now)
    first = week_start_of(_defaults(ctx), week_start)
    view = _in_calendar(
        lambda: month_view(year, number, week_start=first, lines=lines), f"{year:04d}-{number:02d}"
    )
    store = (offline, cached, max_age, all_profiles)
    _run(ctx, view, display, now, filters, calendar, all_calendars, no_declined, store, ids=ids)
