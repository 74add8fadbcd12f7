"""`gcal freebusy` (freebusy.query) and `gcal free` (the open slots everyone shares)."""

from __future__ import annotations

import dataclasses
from typing import Any, Optional, Tuple

import click

from gcal.cli.apioptions import Limit
from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, TIME_HELP, global_options
from gcal.cli.runsettings import prepare
from gcal.cli.viewoptions import calendar_options
from gcal.errors import UsageError


def _window_options(default_min: str) -> Any:
    def decorate(command: Any) -> Any:
        command = click.option(
            "--time-zone",
            metavar="ZONE",
            help="Zone of the times shown and of times without an offset (IANA name, e.g. "
            "Europe/Berlin); also sent as the request's timeZone. Default: the local zone.",
        )(command)
        command = click.option(
            "--time-max",
            metavar="TIME",
            default="+7d",
            show_default=True,
            help="End of the window (exclusive); relative forms (+7d, friday) count from "
            "--time-min, as the agenda's END from START.",
        )(command)
        command = click.option(
            "--time-min",
            metavar="TIME",
            default=default_min,
            show_default=True,
            help="Start of the window.",
        )(command)
        return command

    return decorate


def _settings(ctx: click.Context, command: str, values: dict) -> Any:
    """The run's settings, with config.toml's defaults for the agenda (time_zone, calendars)
    filled into `values` where the command line gave none; nothing is requested yet."""
    from gcal.errors import UsageError

    settings = prepare(ctx)
    if settings.format == "ics":
        from gcal.render.formats import ics_refusal

        raise UsageError(ics_refusal(command))
    defaults = settings.command_defaults
    if not values.get("time_zone") and defaults.get("time_zone"):
        values["time_zone"] = defaults["time_zone"]
    if not values.get("calendar") and defaults.get("calendars"):
        values["config_calendars"] = tuple(defaults["calendars"])
    return settings


def _time_max(values: dict, zone: Any, time_min: Any) -> Any:
    """--time-max, counted from --time-min; when the user did not give it, an error blames
    --time-min (whose +7d reaches past the year 9999), not a '+7d' never typed."""
    from gcal.core import timespec
    from gcal.errors import TimeSpecError, UsageError

    ctx = click.get_current_context(silent=True)
    typed = ctx is None or ctx.get_parameter_source("time_max") not in (
        click.core.ParameterSource.DEFAULT,
        click.core.ParameterSource.DEFAULT_MAP,
    )
    try:
        return timespec.parse_time(values["time_max"], tz=zone, now=time_min)
    except TimeSpecError:
        if typed:
            raise
        raise UsageError(
            f"--time-min {values['time_min']!r}: the window it starts (to --time-max's default, "
            f"{values['time_max']} from it) reaches past the year 9999; give an earlier "
            "--time-min or a --time-max"
        ) from None


def _query(calendars: Tuple[str, ...], values: dict) -> Any:
    """A FreeBusyQuery from the options (checked: exit 2 before any request), and the display
    zone. Calendars are the arguments and the --calendar values together (else config.toml's
    `calendars`, else the agenda's)."""
    from gcal.cli.runsettings import demo_clock
    from gcal.commands.freebusy import FreeBusyQuery
    from gcal.core import timespec
    from gcal.core.displayzone import resolve_display_zone

    zone_name = values.get("time_zone")
    display = resolve_display_zone(zone_name)
    zone = display.zone
    # A --time-min naming a day (+1d, next monday) is that whole day from midnight
    time_min = timespec.parse_start(values["time_min"], tz=zone, now=demo_clock())
    query = FreeBusyQuery(
        time_min=time_min,
        # `--time-min monday --time-max +7d` is the week from Monday, not 7 days from now
        time_max=_time_max(values, zone, time_min),
        ids=tuple(calendars) + tuple(values.get("calendar") or ())
        or tuple(values.get("config_calendars") or ()),
        all_calendars=bool(values.get("all_calendars")),
        time_zone=(getattr(zone, "key", None) or zone_name) if zone_name else None,
        group_expansion_max=values.get("group_expansion_max"),
        calendar_expansion_max=values.get("calendar_expansion_max"),
    )
    query.check()
    return query, display


@click.command(epilog=f"{TIME_HELP}\n\n{GLOBAL_EPILOG}", context_settings=CONTEXT_SETTINGS)
@click.argument("calendars", nargs=-1, metavar="[CALENDAR_OR_GROUP]...")
@_window_options("today")
@click.option(
    "--group-expansion-max",
    type=int,
    metavar="N",
    help="Most calendars a group may expand to (1-100); a bigger group answers groupTooBig.",
)
@click.option(
    "--calendar-expansion-max",
    type=int,
    metavar="N",
    help="Most calendars answered per query (1-50). More than 50 calendars are always split "
    "into several queries, sent at once and merged.",
)
@calendar_options
@global_options
@click.pass_context
def freebusy(ctx: click.Context, calendars: Tuple[str, ...], **values: Any) -> None:
    """Busy times of calendars and groups (freebusy.query).

    CALENDAR_OR_GROUP is a calendar id ('primary', a colleague's address, a room), a group's
    address, or the name of a calendar on your list (as --calendar). Default: the calendars
    the agenda shows (those selected on your list); --all-calendars: every one on your list.
    Calendars the API cannot answer (notFound, groupTooBig, ...) are named on stderr and set
    the exit status (4 for notFound, else 1); the others are printed all the same.

    \b
    Examples:
      gcal freebusy
      gcal freebusy alice@example.com bob@example.com --time-min tomorrow --time-max +2d
      gcal freebusy engineering@example.com --group-expansion-max 20 --format json
      gcal freebusy primary --format csv > busy.csv
    """
    settings = _settings(ctx, "freebusy", values)
    query, display = _query(calendars, values)
    from gcal.commands import freebusy as command

    command.run(settings, query, display_zone=display.zone, zone_name=display.name)


@click.command(epilog=f"{TIME_HELP}\n\n{GLOBAL_EPILOG}", context_settings=CONTEXT_SETTINGS)
@click.argument("calendars", nargs=-1, metavar="[CALENDAR_OR_GROUP]...")
@click.option(
    "--duration",
    metavar="LENGTH",
    default="30m",
    show_default=True,
    help="Shortest slot worth showing: 30m, 1h, 1h30m, 45 (minutes).",
)
@click.option(
    "--hours",
    metavar="FROM-TO",
    default="09:00-17:00",
    show_default=True,
    help="Working hours on the display zone's clock; 'all' for the whole day, 22:00-06:00 "
    "runs past midnight.",
)
@click.option(
    "--weekdays",
    metavar="DAYS",
    help="Days of the week to search: mon-fri, mon,wed,fri, sat-sun, all (default: mon-fri).",
)
@click.option(
    "--days",
    "days",
    metavar="DAYS",
    hidden=True,
    help="Old name of --weekdays (still works, with a note on stderr).",
)
@_window_options("now")
@click.option(
    "--buffer",
    metavar="LENGTH",
    default="0m",
    show_default=True,
    help="Space to keep before and after every busy block.",
)
@click.option(
    "--step",
    metavar="LENGTH",
    default="5m",
    show_default=True,
    help="Slots start on multiples of this on the clock (15m: :00, :15, :30, :45); 0 for "
    "no rounding.",
)
@click.option(
    "--limit",
    type=Limit(),
    metavar="N",
    help="Only the first N slots.",
)
@calendar_options
@global_options
@click.pass_context
def free(
    ctx: click.Context,
    calendars: Tuple[str, ...],
    duration: str,
    hours: str,
    weekdays: Optional[str],
    days: Optional[str],
    buffer: str,
    step: str,
    limit: Optional[int],
    **values: Any,
) -> None:
    """Open slots in which every given calendar is free.

    Asks freebusy.query for every CALENDAR_OR_GROUP (an id, a group's address, or a name on
    your list, as --calendar; default: your own time, the primary calendar and the ones you
    own; a colleague's or a shared calendar only when named) and prints the
    stretches of at least --duration that all of them have free, within --hours on --weekdays,
    in the display zone (--time-zone, else the local zone; days with a daylight-saving
    change keep their local hours). Events shown as available (transparent) do not block,
    as in Google Calendar.

    \b
    Examples:
      gcal free alice@example.com bob@example.com --duration 1h
      gcal free primary room.babbage@resource.calendar.google.com --duration 45m --limit 3
      gcal free --hours 09:00-12:00 --weekdays mon-fri --time-max +7d     (a week of mornings)
      gcal free primary --buffer 10m --step 15m --format csv
      gcal free -c Work -c Family --weekdays all --hours all --duration 2h
      gcal free --time-min 'next monday' --time-max +5d --duration 1h    next week's
    """
    from gcal.commands.free import SlotRules
    from gcal.core import freespec

    if days is not None and weekdays is not None:
        raise UsageError("give --weekdays (--days is its old name), not both")
    step_delta = freespec.parse_duration(step, "--step")
    rules = SlotRules(
        duration=freespec.parse_duration(duration),
        hours=freespec.parse_hours(hours),
        days=freespec.parse_days(
            weekdays or days or "mon-fri", "--days" if days is not None else "--weekdays"
        ),
        buffer=freespec.parse_duration(buffer, "--buffer"),
        step=step_delta or None,
        limit=limit,
    )
    rules.check()
    if days is not None:
        click.echo(
            "gcal: note: free's --days is now --weekdays (--days is a count of days in "
            "agenda and week); --days still works here for now",
            err=True,
        )
    settings = _settings(ctx, "free", values)
    query, display = _query(calendars, values)
    query = dataclasses.replace(query, own_time=True)  # no calendars: my own time
    from gcal.commands import free as command

    command.run(settings, query, rules, display.zone, zone_name=display.name)
