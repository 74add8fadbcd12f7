"""The global options, declared once: each is attached to the group (with its environment
variable) and, hidden, to every command, so that it may stand on either side of the command name
(`gcal --format json events primary` and `gcal events primary --format json` mean the same);
`gcal.cli.runsettings.prepare` merges their values with the config file into the command's
Settings.

The other options are declared once each too, by family: which --format each command prints
(`gcal.cli.formats`), the API's parameters and a listing's options (`gcal.cli.apioptions`), the
options of the views of several calendars (`gcal.cli.viewoptions`) and those of an answer from
the local store (`gcal.cli.storeoptions`). Every command module under `gcal.cli` takes its
options from these, so an option means the same thing, with the same help, on every command.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import click

from gcal.cli.formats import FORMATS, STATUS_FORMATS
from gcal.cli.runsettings import RunState
from gcal.configkeys import RANGES

LOGGING_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
GLOBAL_EPILOG = (
    "Global options (--format, --credentials, --demo, ...; see 'gcal --help') may be given "
    "before or after the command."
)
TIME_HELP = (
    "TIME is RFC 3339 (2024-06-01T09:00:00+02:00), a date (2024-06-01, 'dec 25'), a local "
    "date-time ('2024-06-01 09:00'), now, today, tomorrow, yesterday, a weekday (the next one, "
    "never today), 'last monday', 'next week', a time of day (9am, 14:00: today's), a day and "
    "a time ('tomorrow 09:30', 'fri 9am'), or an offset from now (+3d, -2w, +4h, +30m). "
    "Dates and day words mean midnight at the start of the day, also for --time-max, which is "
    "exclusive: --time-min today --time-max tomorrow is today. Times without an offset are "
    "local, or in --time-zone."
)


# --------------------------------------------------------------------------------------------
# Global options: declared once, attached to the group (with their environment variables) and,
# hidden, to every command, so they may stand on either side of the command name.


class ApiChoice(click.Choice):
    """A case-insensitive choice whose error message lists the API's spelling, not lowercase."""

    def get_invalid_choice_message(self, value: Any, ctx: Optional[click.Context]) -> str:
        choices = ", ".join(repr(choice) for choice in self.choices)
        return f"{value!r} is not one of {choices}."

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
        """Complete in the API's spelling (`startT` -> `startTime`), matching any case; click
        would offer its lowercased form, which the API does not know."""
        from click.shell_completion import CompletionItem

        lowered = incomplete.casefold()
        return [CompletionItem(c) for c in self.choices if str(c).casefold().startswith(lowered)]


def _not_empty(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """An empty path or host given on the command line is a mistake (an unset variable in a
    script, say), not a request for the default: refuse it before anything is done. (click
    ignores an empty environment variable, so only the command line can get here.)"""
    if isinstance(value, str) and not value.strip():
        raise click.BadParameter("must not be empty", ctx=ctx, param=param)
    return value


class _Global:
    def __init__(
        self, field: str, decls: Sequence[str], *, not_empty: bool = False, **attrs: Any
    ) -> None:
        self.field = field
        self.decls = tuple(decls)
        self.attrs = attrs
        self.not_empty = not_empty

    def group_option(self) -> Callable[[Any], Any]:
        attrs = dict(self.attrs)
        if self.not_empty:
            attrs["callback"] = _not_empty
        return click.option(*self.decls, self.field, **attrs)

    def command_option(self) -> Callable[[Any], Any]:
        attrs = {k: v for k, v in self.attrs.items() if k not in ("envvar", "show_envvar")}
        attrs.update(hidden=True, expose_value=False, callback=self._override)
        attrs.pop("default", None)
        return click.option(*self.decls, **attrs)

    def _override(self, ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if self.not_empty:
            _not_empty(ctx, param, value)
        if value is None or value is False or value == ():
            return
        state = ctx.find_object(RunState)
        if state is not None:
            state.set_from_command(self.field, value)


class _FiniteFloatRange(click.FloatRange):
    """A FloatRange that also refuses nan (which compares false with both bounds)."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:
            bounds = self._describe_range()
            self.fail(f"{value!r} is not a number in the range {bounds}.", param, ctx)
        return number


def _ranged(field: str) -> click.ParamType:
    """The option type of a numeric global option: settings.RANGES's bounds, finite only."""
    low, high = RANGES[field]
    if isinstance(low, int) and isinstance(high, int):
        return click.IntRange(low, high)
    return _FiniteFloatRange(low, high)


GLOBALS = (
    _Global(
        "client_secrets",
        ["--client-secrets"],
        not_empty=True,
        metavar="PATH",
        type=click.Path(),  # shell completion offers files
        envvar="GCAL_CLIENT_SECRETS",
        help="OAuth client file (Desktop app). Default: ./client_secrets.json, then the "
        "config folder.  [env: GCAL_CLIENT_SECRETS]",
    ),
    _Global(
        "credentials",
        ["--credentials"],
        not_empty=True,
        metavar="PATH",
        type=click.Path(),  # shell completion offers files
        envvar="GCAL_CREDENTIALS",
        help="Token file (calendar.dat). Default: ./calendar.dat if it exists, else the config "
        "folder.  [env: GCAL_CREDENTIALS]",
    ),
    _Global(
        "auth_host_name",
        ["--auth-host-name"],
        not_empty=True,
        metavar="HOST",
        help="Host name of the local login server and its redirect URI (default: localhost).",
    ),
    _Global(
        "auth_host_ports",
        ["--auth-host-port"],
        metavar="PORT",
        type=click.IntRange(0, 65535),
        multiple=True,
        help="Port for the local login server; repeat to try several in order (default: 8080, "
        "then 8090; 0: any free port).",
    ),
    _Global(
        "noauth_local_webserver",
        ["--noauth-local-webserver"],
        is_flag=True,
        default=False,
        help="Headless login (e.g. over SSH): open the printed URL on any machine and paste the "
        "URL it ends on back here.",
    ),
    _Global(
        "auth_timeout",
        ["--auth-timeout"],
        metavar="SECONDS",
        type=_ranged("auth_timeout"),
        help="How long the local login server waits for the browser (default: 300).",
    ),
    _Global(
        "no_browser",
        ["--no-browser"],
        is_flag=True,
        default=False,
        help="Do not open a browser for the login; only print the URL.",
    ),
    _Global(
        "logging_level",
        ["--logging-level"],
        type=ApiChoice(LOGGING_LEVELS, case_sensitive=False),
        metavar=f"[{'|'.join(LOGGING_LEVELS)}]",
        help="Log detail on stderr (default: ERROR). DEBUG shows each request, tokens redacted.",
    ),
    _Global(
        "format",
        ["--format", "-f"],
        type=click.Choice(FORMATS + STATUS_FORMATS, case_sensitive=False),
        envvar="GCAL_FORMAT",
        help="Output format (default: table on a terminal, tsv when piped). table, json, ndjson, "
        "csv, tsv: every listing; ics (iCalendar): events, instances, show, agenda, week, month "
        "and export (only ics); waybar, i3blocks, polybar, tmux: next; sync --status, auth status,"
        " config show and undo --list take fewer: each command's --help ends with what it takes."
        "  [env: GCAL_FORMAT]",
    ),
    _Global(
        "api_endpoint",
        ["--api-endpoint"],
        metavar="URL",
        envvar="GCAL_API_ENDPOINT",
        help="Base URL of the Calendar API, e.g. http://127.0.0.1:8085/calendar/v3/ for the "
        "emulator.  [env: GCAL_API_ENDPOINT]",
    ),
    _Global(
        "timeout",
        ["--timeout"],
        metavar="SECONDS",
        type=_ranged("timeout"),
        envvar="GCAL_TIMEOUT",
        help="Time limit for each HTTP request, all of it: connecting, headers and body "
        "(default: 30).  [env: GCAL_TIMEOUT]",
    ),
    _Global(
        "max_retries",
        ["--retries"],
        metavar="N",
        type=_ranged("max_retries"),
        envvar="GCAL_RETRIES",
        help="Retries of a request after a transient failure (default: 5).  [env: GCAL_RETRIES]",
    ),
    _Global(
        "retry_max_time",
        ["--retry-max-time"],
        metavar="SECONDS",
        type=_ranged("retry_max_time"),
        envvar="GCAL_RETRY_MAX_TIME",
        help="Stop retrying once the command's waits on failures (failed attempts and the "
        "waits before retries) would pass this (default: 120).  [env: GCAL_RETRY_MAX_TIME]",
    ),
    _Global(
        "profile",
        ["--profile"],
        metavar="NAME",
        multiple=True,
        envvar="GCAL_PROFILE",
        help="Account to use: its own token file and settings (default: 'default', which "
        "keeps the usual paths). agenda, next, week and month take several and merge them.  "
        "[env: GCAL_PROFILE]",
    ),
    _Global(
        "color",
        ["--color"],
        type=click.Choice(("auto", "always", "never"), case_sensitive=False),
        envvar="GCAL_COLOR",
        help="Colour in views for people: auto (default: on a terminal, unless NO_COLOR is "
        "set; FORCE_COLOR forces it), always (also into a pipe, e.g. for less -R) or never.  "
        "[env: GCAL_COLOR]",
    ),
    _Global(
        "demo",
        ["--demo"],
        is_flag=True,
        default=False,
        envvar="GCAL_DEMO",
        help="Run against the built-in emulator with a sample account; no Google account "
        "needed.  [env: GCAL_DEMO=1]",
    ),
    _Global(
        "csv_raw",
        ["--csv-raw"],
        is_flag=True,
        default=False,
        help="With -f csv: write cells as they are. By default a cell starting with = + - @, "
        "a tab or CR gets a ' in front, so a spreadsheet shows it as text, not a formula.",
    ),
)


def global_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(GLOBALS):
        command = option.command_option()(command)
    return command
