"""Options declared once: the global options, the API parameters as options, and the shared
listing options, with the helpers that turn their values into Settings and API requests.

Every command module under `gcal.cli` takes its options from here, so an option means the same
thing, with the same help, on every command.

Global options are accepted before or after the subcommand (`gcal --format json events primary`
and `gcal events primary --format json` mean the same).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import click

from gcal.config import RANGES
from gcal.errors import UsageError
from gcal.google.params import PARAMS, Param
from gcal.settings import Settings

FORMATS = ("table", "json", "ndjson", "csv", "tsv", "ics")
#: formats of `gcal next` alone, for status bars (gcal.core.statusbar)
STATUS_FORMATS = ("waybar", "i3blocks", "polybar", "tmux")
#: what the listings of data print (no events: no ics)
LISTS = ("table", "json", "ndjson", "csv", "tsv")
#: The formats each command prints; any other given on the command line is refused in one line
#: (exit 2), one from GCAL_FORMAT or config.toml (a default for every command) gives way to the
#: command's own default. Keyed by the command after "gcal" and, where an option changes what
#: it prints, that option ("sync --status"). A command not named takes every one of FORMATS.
COMMAND_FORMATS: Dict[str, Tuple[str, ...]] = {
    "agenda": FORMATS,
    "week": FORMATS,
    "month": FORMATS,
    "events": FORMATS,
    "instances": FORMATS,
    "show": FORMATS,
    "calendars": LISTS,
    "next": LISTS + STATUS_FORMATS,
    "free": LISTS,
    "freebusy": LISTS,
    "invites": LISTS,
    "search": LISTS,
    "conflicts": LISTS,
    "changes": LISTS,
    # a link opened or printed, reminders delivered: no listing
    "join": (),
    "remind": (),
    # logging in and out: lines for a person, no listing
    "auth setup": (),
    "auth login": (),
    "auth logout": (),
    "export": ("ics",),
    "sync": (),
    "sync --status": LISTS,
    "auth list": LISTS,
    "auth status": ("table", "json", "ndjson"),
    "config show": ("table", "json", "ndjson"),
    "config path": ("table",),
    "auth doctor": ("table", "json", "ndjson"),
    "undo --list": ("table", "json", "ndjson"),
    # the writes: a line saying what was done, or the event as the API answered (json)
    "add": ("table", "json", "ndjson"),
    "quick": ("table", "json", "ndjson"),
    "edit": ("table", "json", "ndjson"),
    "delete": ("table", "json", "ndjson"),
    "rsvp": ("table", "json", "ndjson"),
    "move": ("table", "json", "ndjson"),
    "import": ("table", "json", "ndjson"),
    # the MCP server answers in the protocol's JSON, whatever the format
    "mcp": (),
}
#: what a command that prints no listing says to a --format
NO_FORMAT = {
    "sync": "'gcal sync' prints no listing; --format goes with 'gcal sync --status'",
    "mcp": "'gcal mcp' answers in the MCP protocol's JSON: drop --format",
    "join": "'gcal join' opens or prints a meeting link: drop --format",
    "remind": "'gcal remind' delivers reminders (--print: a line each): drop --format",
    "auth setup": "'gcal auth setup' installs a client file and logs in: drop --format "
    "('gcal auth status --format json' describes the login)",
    "auth login": "'gcal auth login' logs in: drop --format "
    "('gcal auth status --format json' describes the login)",
    "auth logout": "'gcal auth logout' prints no listing: drop --format",
}
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


class _ApiChoice(click.Choice):
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
        state = ctx.find_object(_State)
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
        type=_ApiChoice(LOGGING_LEVELS, case_sensitive=False),
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


# Settings fields and the config file's keys for the same global option.
_FIELD_TO_KEY = {"auth_host_ports": "auth_host_port", "max_retries": "retries"}
_KEY_TO_FIELD = {key: field for field, key in _FIELD_TO_KEY.items()}


class _State:
    """The global option values of this run, merged from before and after the command name,
    with where each came from (command line or environment), for the config file's
    precedence."""

    def __init__(self, values: Dict[str, Any], sources: Optional[Dict[str, str]] = None) -> None:
        self.values = {k: v for k, v in values.items() if v is not None}
        self.sources = dict(sources or {})
        self.settings: Optional[Settings] = None
        self._config: Any = None

    def set_from_command(self, field: str, value: Any) -> None:
        from gcal.config import COMMAND_LINE

        self.values[field] = value
        self.sources[field] = COMMAND_LINE

    def profiles(self) -> Tuple[str, ...]:
        from gcal.config import DEFAULT_PROFILE, check_profile_name

        if self.values.get("demo"):  # the demo has one account, and none of the user's
            return (DEFAULT_PROFILE,)
        names = tuple(self.values.get("profile") or ())
        for name in names:
            check_profile_name(name)
        return names or (DEFAULT_PROFILE,)

    def config(self) -> Any:
        """The config file, read and checked once per run."""
        if self._config is None:
            from gcal import config

            if self.values.get("demo"):
                # the demo ignores the user's setup: no config.toml, no profiles of theirs
                self._config = config.ConfigFile(config.config_path(), exists=False)
            else:
                self._config = config.load()
        return self._config

    def given(self) -> Dict[str, Tuple[Any, str]]:
        """The config keys set on the command line or in the environment."""
        from gcal.config import COMMAND_LINE, ENVIRONMENT, KEYS_BY_NAME

        given: Dict[str, Tuple[Any, str]] = {}
        for field, value in self.values.items():
            source = self.sources.get(field, COMMAND_LINE)
            if source not in (COMMAND_LINE, ENVIRONMENT):
                continue  # a click default: the config file may set it
            key = _FIELD_TO_KEY.get(field, field)
            if key in KEYS_BY_NAME:
                given[key] = (value, source)
        return given

    def resolve(self, profile: str) -> Any:
        from gcal import config

        return config.resolve(self.given(), profile, self.config())

    def build(self, profile: Optional[str] = None) -> Settings:
        """The Settings of `profile` (the first asked for, by default)."""
        from gcal.config import KEYS_BY_NAME

        profiles = self.profiles()
        resolved = self.resolve(profile or profiles[0])
        values: Dict[str, Any] = {}
        defaults: Dict[str, Any] = {}
        for key, value in resolved.values.items():
            if value is None:
                continue
            if KEYS_BY_NAME[key].field is None:
                defaults[key] = value
            else:
                values[_KEY_TO_FIELD.get(key, key)] = value
        ports = values.pop("auth_host_ports", ())
        no_browser = values.pop("no_browser", False)
        color = values.pop("color", None)
        if color is not None:
            from gcal.render.terminal import set_color_mode

            set_color_mode(color)
        settings = Settings(
            **values,
            demo=bool(self.values.get("demo")),
            profile=resolved.profile,
            profiles=profiles,
            command_defaults=defaults,
        )
        if ports:
            settings = settings.replace(auth_host_ports=tuple(ports))
        if no_browser:
            settings = settings.replace(open_browser=False)
        if settings.logging_level:
            settings = settings.replace(logging_level=settings.logging_level.upper())
        if settings.format:
            settings = settings.replace(format=settings.format.lower())
        if settings.format in STATUS_FORMATS:
            settings = _status_format(settings, self.sources.get("format"))
        if settings.api_endpoint is not None:
            settings = settings.replace(api_endpoint=_check_endpoint(settings.api_endpoint))
        return settings


def _status_format(settings: Settings, source: Optional[str]) -> Settings:
    """The status-bar formats are `gcal next`'s: typed with another command they are a usage
    error; from GCAL_FORMAT they are left for that command's default."""
    ctx = click.get_current_context(silent=True)
    command = ctx.info_name if ctx is not None else None
    if command == "next":
        return settings
    from gcal.config import COMMAND_LINE

    if source in (COMMAND_LINE, "command line"):
        raise UsageError(
            f"--format {settings.format} is for 'gcal next' (a status bar), not 'gcal {command}'"
        )
    return settings.replace(format=None)


def command_key(ctx: Optional[click.Context]) -> str:
    """The key of COMMAND_FORMATS for the running command: `auth status`, `sync --status`."""
    if ctx is None:
        return ""
    key = " ".join(ctx.command_path.split()[1:])
    if key == "sync" and ctx.params.get("show_status"):
        key = "sync --status"
    if key == "undo" and ctx.params.get("list_only"):
        key = "undo --list"
    return key


def formats_text(accepted: Sequence[str]) -> str:
    """`table, json or ndjson`."""
    names = list(accepted)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _allowed_format(ctx: click.Context, state: _State, settings: Settings) -> Settings:
    """The settings with a format this command prints: a format typed on the command line
    that it does not is a usage error naming those it does; one from the environment or the
    config file gives way to the command's default."""
    key = command_key(ctx)
    fmt = settings.format
    if not fmt or key not in COMMAND_FORMATS or fmt in COMMAND_FORMATS[key]:
        return settings
    refuse_typed_format(ctx)
    return settings.replace(format=None)


def refuse_typed_format(ctx: click.Context) -> None:
    """A UsageError (exit 2) when --format was typed with a value this command does not print
    (COMMAND_FORMATS); for a command that reads no settings (`gcal config path`)."""
    from gcal.config import COMMAND_LINE

    state = state_of(ctx)
    key = command_key(ctx)
    fmt = str(state.values.get("format") or "").lower()
    typed = bool(fmt) and state.sources.get("format", COMMAND_LINE) in (
        COMMAND_LINE,
        "command line",
    )
    if not typed or key not in COMMAND_FORMATS or fmt in COMMAND_FORMATS[key]:
        return
    accepted = COMMAND_FORMATS[key]
    if not accepted:
        raise UsageError(NO_FORMAT.get(key, f"'gcal {key}' prints no listing: drop --format"))
    if fmt == "ics" and "ics" not in accepted:
        from gcal.render.formats import ics_refusal

        raise UsageError(ics_refusal(key))
    only = "only " if len(accepted) == 1 else ""
    raise UsageError(f"--format {fmt}: 'gcal {key}' prints {only}{formats_text(accepted)}")


def format_help(command: click.Command, key: str) -> None:
    """Make `command`'s help say which --format values it takes (COMMAND_FORMATS[key]), in
    the line about global options that ends it."""
    accepted = COMMAND_FORMATS.get(key)
    if key == "sync":
        line = (
            "--format: none ('gcal sync' prints no listing); 'gcal sync --status' takes "
            f"{formats_text(COMMAND_FORMATS['sync --status'])}."
        )
    elif key == "undo":
        line = f"--format: 'gcal undo --list' takes {formats_text(COMMAND_FORMATS['undo --list'])}."
    elif accepted is None:
        return
    elif not accepted:  # a command that prints no listing
        line = f"--format: none ({NO_FORMAT.get(key, f'gcal {key} prints no listing')})."
    else:
        line = f"--format: {formats_text(accepted)}."
    epilog = command.epilog or ""
    if line not in epilog:
        command.epilog = f"{line}\n\n{epilog}" if epilog else line


def _check_endpoint(url: str) -> str:
    """The --api-endpoint URL ending in "/", or a UsageError before anything is sent."""
    from urllib.parse import urlsplit

    if not url.strip():  # `--api-endpoint "$UNSET"` must not silently mean Google
        raise UsageError("--api-endpoint must not be empty")
    parts = urlsplit(url)
    try:
        port = parts.port  # raises ValueError for a port that is not a number or out of range
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--api-endpoint {url!r} is not an http(s) URL "
            "(e.g. https://www.googleapis.com/calendar/v3/)"
        )
    if port is not None and not 0 < port < 65536:
        text = parts.netloc.rpartition(":")[2]
        shown = text if text.isdigit() else repr(text)
        raise UsageError(f"--api-endpoint {url!r}: port {shown} is not a port number (1-65535)")
    return url if url.endswith("/") else url + "/"


def global_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(GLOBALS):
        command = option.command_option()(command)
    return command


def state_of(ctx: click.Context) -> _State:
    state = ctx.find_object(_State)
    if state is None:  # a command invoked on its own, as tests may do
        state = ctx.obj = _State({})
    return state


def prepare(
    ctx: click.Context, *, several_profiles: bool = False, network: bool = True
) -> Settings:
    """The settings of this run, with logging configured and the demo started when asked.

    The config file is read here (command line, then environment, then the profile's table,
    then its top level). Only a command that merges accounts (`several_profiles`) accepts
    more than one --profile; it gets the first one's settings and asks `settings_for` for
    the others.
    """
    state = state_of(ctx)
    from gcal.render.terminal import set_color_mode

    set_color_mode(state.values.get("color"))
    if state.settings is None:
        profiles = state.profiles()
        if len(profiles) > 1 and not several_profiles:
            raise UsageError(
                f"several profiles given ({', '.join(profiles)}): only agenda, next, week, "
                "month and sync take several accounts; give one --profile"
            )
        settings = _allowed_format(ctx, state, state.build())
        if network or settings.logging_level != Settings.logging_level:
            # an answer from the store (--offline) at the default level logs nothing: nothing
            # on its path logs, so it need not load `logging` to set up a handler it never uses
            from gcal.logs import configure_logging

            configure_logging(settings.logging_level)
        if settings.demo and network:  # --offline: the demo's store, and no emulator
            from gcal.cli.demo import demo_settings

            settings = ctx.with_resource(demo_settings(settings))
        state.settings = settings
    return state.settings


# --------------------------------------------------------------------------------------------
# Commands whose arguments are times: `gcal week -1w`, `gcal agenda -1d`, `gcal month -1`.

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
    return click.option("--limit", type=click.IntRange(min=1), metavar="N", help=help)


def week_start_of(defaults: Dict[str, Any], given: Optional[str] = None) -> int:
    """0 (Monday) or 6 (Sunday): --week-start, else config.toml's week_start, else the
    locale's (Sunday for en_US, else Monday)."""
    import os

    from gcal.core import weekstart

    value = given or defaults.get("week_start")
    if value:
        return weekstart.SUNDAY if str(value).lower() == "sunday" else weekstart.MONDAY
    return weekstart.locale_week_start(os.environ)


# --------------------------------------------------------------------------------------------
# API parameters as options, built from gcal.google.params.


def _param_option(param: Param) -> Callable[[Any], Any]:
    attrs: Dict[str, Any] = {"help": param.help}
    if param.metavar:
        attrs["metavar"] = param.metavar
    if param.kind == "bool":
        attrs["is_flag"] = True
        attrs["default"] = False
    elif param.kind == "int":
        attrs["type"] = int
    elif param.kind in ("choice", "multichoice"):
        # `--order-by starttime` means startTime: the API's camelCase is easy to mistype and
        # no two choices differ only in case. click hands back the canonical spelling, which
        # is what is sent, and --help still lists the API's spelling.
        attrs["type"] = _ApiChoice(param.choices, case_sensitive=False)
        attrs.setdefault("metavar", f"[{'|'.join(param.choices)}]")  # click would lowercase it
    if param.kind in ("multi", "multichoice", "kv"):
        attrs["multiple"] = True
    flags = [param.flag, *(["--query"] if param.flag == "--q" else [])]  # a spelled-out alias
    return click.option(*flags, param.dest, **attrs)


def api_options(command_name: str) -> Callable[[Any], Any]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for param in reversed(PARAMS[command_name]):
            command = _param_option(param)(command)
        return command

    return decorate


def _remember_flag(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Keep a flag that only the command's innermost code reads in `ctx.meta`."""
    if value:
        ctx.meta[f"gcal.{param.name}"] = True


def listing_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--sync-token-file",
        metavar="PATH",
        type=click.Path(allow_dash=True),
        help="Write the listing's nextSyncToken to PATH ('-': stdout): a file is replaced "
        "atomically (through a symlink), a device or pipe written to.",
    )(command)
    command = click.option(
        "--print-sync-token",
        is_flag=True,
        default=False,
        expose_value=False,
        callback=_remember_flag,
        help="Print the listing's nextSyncToken on stderr ('gcal: next sync token: ...').",
    )(command)
    command = click.option(
        "--fields",
        metavar="SELECTOR",
        help="Partial response (the API's fields syntax, e.g. 'items(id,summary)'); paging "
        "tokens are always kept. Default: what the output format prints.",
    )(command)
    command = click.option(
        "--limit",
        type=click.IntRange(min=1),
        metavar="N",
        help="Stop after N items in all; no more is requested than needed.",
    )(command)
    return command


def demo_clock(ctx: Optional[click.Context] = None) -> Optional[Any]:
    """The instant "now" means for time options: None (the real clock) except in --demo, where
    the demo world's clock is the emulator's (`GCAL_EMULATOR_NOW` may pin it), so that `today`
    is the demo data's today whatever the date."""
    ctx = ctx or click.get_current_context(silent=True)
    state = ctx.find_object(_State) if ctx is not None else None
    if state is None or not state.values.get("demo"):
        return None
    from gcal.emulator import clock

    try:
        return clock.pinned()
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def build_request(command: str, values: Dict[str, Any]) -> Dict[str, Any]:
    """API keyword arguments from the command's option values; UsageError if any is wrong."""
    from gcal.google import params

    zone_name = values.get("time_zone")
    now = demo_clock()

    def parse_time(text: str) -> str:
        from gcal.core import timespec

        zone = timespec.resolve_zone(zone_name)
        return timespec.to_rfc3339(timespec.parse_time(text, tz=zone, now=now))

    values = dict(values)
    for dest in ("time_min", "time_max"):
        text = values.get(dest)
        if isinstance(text, str) and text.strip():
            # "Milliseconds may be provided but are ignored" (timeMin, timeMax): dropped here,
            # the request, the window check and an answer from the store see the API's window
            from gcal.core import timespec

            zone = timespec.resolve_zone(zone_name)
            moment = timespec.parse_time(text, tz=zone, now=now).replace(microsecond=0)
            values[dest] = timespec.to_rfc3339(moment)
    request = params.to_request(command, values, parse_time=parse_time)
    if zone_name:
        from gcal.core import timespec

        # An unknown zone is a usage error, not a 400; the API gets the canonical spelling.
        zone = timespec.resolve_zone(zone_name)
        request["timeZone"] = getattr(zone, "key", None) or zone_name
    return decode_request(request)  # what a C locale left as bytes, as text


# --------------------------------------------------------------------------------------------
# Options of the commands that read several calendars at once (agenda, views, next, free).

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
        command = _param_option(by_api[name])(command)
    return command


def agenda_filters(values: Dict[str, Any]) -> Dict[str, Any]:
    """events.list arguments from `agenda_filter_options` values (UsageError if any is wrong);
    `timeZone` comes out canonical, as `build_request` sends it."""
    wanted = {p.dest for p in PARAMS["events"] if p.api in AGENDA_FILTER_PARAMS}
    return build_request("events", {k: v for k, v in values.items() if k in wanted})


def _as_text(name: str, value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return type(value)(_as_text(name, item) for item in value)
    if not isinstance(value, str) or not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    import os

    try:
        return os.fsencode(value).decode("utf-8")
    except (UnicodeError, TypeError):
        raise UsageError(f"the value of {name} is not UTF-8 text: {os.fsencode(value)!r}") from None


def decode_request(request: Dict[str, Any]) -> Dict[str, Any]:
    """The request's values as the text the user typed.

    Under a C or POSIX locale without UTF-8 mode, Python decodes arguments as ASCII and keeps
    every other byte as a lone surrogate (`surrogateescape`), which cannot be sent. Terminals
    send UTF-8, as the platform's own tools read it, so those bytes are decoded as UTF-8; bytes
    that are not UTF-8 are a usage error. (File paths are left alone: they are bytes to the
    system and open as given.)
    """
    return {name: _as_text(name, value) for name, value in request.items()}


# --------------------------------------------------------------------------------------------
# Answers from the local store (gcal sync): --offline, --cached, --max-age.

_DURATION = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class Duration(click.ParamType):
    """`30s`, `5m`, `2h`, `1d`, or a number of seconds; at least `minimum` seconds."""

    name = "duration"

    def __init__(self, minimum: float = 0.0) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        text = str(value).strip().lower()
        unit = _DURATION.get(text[-1:])
        number = text[:-1] if unit else text
        try:
            seconds = float(number) * (unit or 1)
        except ValueError:
            seconds = -1.0
        if seconds < 0 or seconds != seconds:
            self.fail(f"{value!r} is not a duration such as 30s, 5m, 2h or 1d", param, ctx)
        if seconds < self.minimum:
            self.fail(f"{value!r} is shorter than {self.minimum:g}s", param, ctx)
        return seconds


def store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--offline / --cached / --max-age, the same on every command the store can answer."""
    command = click.option(
        "--max-age",
        type=Duration(),
        default="5m",
        show_default=True,
        metavar="DURATION",
        help="With --cached: sync first the calendars synced longer ago than this (30s, 5m, "
        "2h, 1d).",
    )(command)
    command = click.option(
        "--cached",
        is_flag=True,
        help="Answer from the local store (see 'gcal sync'), syncing first what is older than "
        "--max-age; if the network fails, answer from the store with a warning.",
    )(command)
    command = click.option(
        "--offline",
        is_flag=True,
        help="Answer from the local store only: no network at all (see 'gcal sync').",
    )(command)
    return command


def check_store_mode(offline: bool, cached: bool) -> None:
    if offline and cached:
        raise UsageError("--offline and --cached exclude each other")
