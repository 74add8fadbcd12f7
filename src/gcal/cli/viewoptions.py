"""The options of the commands that show several calendars' events to a person (agenda, week,
month, next, free, search, conflicts, ...): the calendars to read (`calendar_options`), the
filters applied to each alike (`agenda_filter_options`), the display zone (`zone_option`),
`--limit`, the first day of the week, and time arguments that may start with a minus
(`SignedArgsCommand`: `gcal week -1w`).

Separate from the global options (`gcal.cli.options`) and the API's parameters
(`gcal.cli.apioptions`) because these belong to one family of commands, which reads many
calendars and merges them rather than sending one request as given.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

import click

from gcal.cli.apioptions import Limit, build_request, param_option
from gcal.google.params import PARAMS

_MINUS = "\u2212"  # MINUS SIGN: how a negative argument is hidden from click's option parser


class SignedArgsCommand(click.Command):
    """A command whose positional arguments may start with a minus (`-1w`, `-2d`, `-1`).

    click reads every word starting with '-' as an option (`-1w`: "No such option: -1"). A word
    that is a minus and a digit, not following an option that takes a value, is handed to the
    parser with a MINUS SIGN instead of the hyphen and given back to the argument as typed.
    A MINUS SIGN pasted from a document is read as a hyphen too. After `--` nothing changes.
    """

    def parse_args(self, ctx: click.Context, args: List[str]) -> List[str]:
        takes_value = set()
        for param in self.get_params(ctx):
            if isinstance(param, click.Option) and not param.is_flag and not param.count:
                takes_value.update(param.opts)
                takes_value.update(param.secondary_opts)
        rewritten: List[str] = []
        value_next = False
        for index, arg in enumerate(args):
            if arg == "--":
                rewritten.extend(args[index:])
                break
            if not value_next and len(arg) > 1 and arg[0] == "-" and arg[1].isdigit():
                arg = _MINUS + arg[1:]
            value_next = arg in takes_value
            rewritten.append(arg)
        rest = super().parse_args(ctx, rewritten)
        for param in self.params:
            value = ctx.params.get(param.name) if isinstance(param, click.Argument) else None
            if isinstance(value, str) and value.startswith(_MINUS):
                ctx.params[param.name] = "-" + value[1:]  # type: ignore[index]
        return rest


def limit_option(help: str) -> Callable[[Any], Any]:
    """`--limit N` (N >= 1) with the command's own `help`."""
    return click.option("--limit", type=Limit(), metavar="N", help=help)


def week_start_of(defaults: Dict[str, Any], given: Optional[str] = None) -> int:
    """0 (Monday) or 6 (Sunday): --week-start, else config.toml's week_start, else the
    locale's (Sunday for en_US, else Monday)."""
    import os

    from gcal.core import weekstart

    value = given or defaults.get("week_start")
    if value:
        return weekstart.SUNDAY if str(value).lower() == "sunday" else weekstart.MONDAY
    return weekstart.locale_week_start(os.environ)


# The events.list parameters that narrow every calendar's listing alike.
AGENDA_FILTER_PARAMS = (
    "q",
    "eventTypes",
    "privateExtendedProperty",
    "sharedExtendedProperty",
    "showHiddenInvitations",
    "maxAttendees",
    "timeZone",
)


def zone_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--time-zone ZONE` of the commands that show times to people but send no timeZone to
    the API (search, conflicts, changes, join, remind): the display zone only."""
    return click.option(
        "--time-zone",
        "time_zone",
        metavar="ZONE",
        help="Show times in this IANA zone, e.g. Europe/Berlin (default: the local zone, or "
        "config.toml's time_zone).",
    )(command)


def calendar_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--calendar X` (repeatable; id or name) and `--all-calendars`."""
    command = click.option(
        "--all-calendars",
        is_flag=True,
        default=False,
        help="Every calendar on your calendar list, hidden ones too.",
    )(command)
    command = click.option(
        "--calendar",
        "-c",
        "calendar",
        multiple=True,
        metavar="CALENDAR",
        help="A calendar by id ('primary' too) or by name, case-insensitive; repeat for "
        "several (default: the calendars shown in Google Calendar).",
    )(command)
    return command


def agenda_filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The events.list filters applied to every chosen calendar, plus `--no-declined`."""
    command = click.option(
        "--no-declined",
        is_flag=True,
        default=False,
        help="Leave out events you have declined (shown and marked by default).",
    )(command)
    by_api = {p.api: p for p in PARAMS["events"]}
    for name in reversed(AGENDA_FILTER_PARAMS):
        command = param_option(by_api[name])(command)
    return command


def agenda_filters(values: Dict[str, Any]) -> Dict[str, Any]:
    """events.list arguments from `agenda_filter_options` values (UsageError if any is wrong);
    `timeZone` comes out canonical, as `build_request` sends it."""
    wanted = {p.dest for p in PARAMS["events"] if p.api in AGENDA_FILTER_PARAMS}
    return build_request("events", {k: v for k, v in values.items() if k in wanted})
