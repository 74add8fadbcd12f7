"""The global options, declared once, and the settings of a run built from them: each is
attached to the group (with its environment variable) and, hidden, to every command, so that it
may stand on either side of the command name (`gcal --format json events primary` and
`gcal events primary --format json` mean the same); `prepare` merges them with the config file
into the command's Settings.

The other options are declared once each too, by family: which --format each command prints
(`gcal.cli.formats`), the API's parameters and a listing's options (`gcal.cli.apioptions`), the
options of the views of several calendars (`gcal.cli.viewoptions`) and those of an answer from
the local store (`gcal.cli.storeoptions`). Every command module under `gcal.cli` takes its
options from these, so an option means the same thing, with the same help, on every command.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import click

from gcal.cli.formats import (
    COMMAND_FORMATS,
    FORMATS,
    NO_FORMAT,
    STATUS_FORMATS,
    command_key,
    formats_text,
)
from gcal.config import RANGES
from gcal.errors import UsageError
from gcal.settings import DEFAULT_LOGGING_LEVEL, Settings

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
        if network or settings.logging_level != DEFAULT_LOGGING_LEVEL:
            # an answer from the store (--offline) at the default level logs nothing: nothing
            # on its path logs, so it need not load `logging` to set up a handler it never uses
            from gcal.logs import configure_logging

            configure_logging(settings.logging_level)
        if settings.demo and network:  # --offline: the demo's store, and no emulator
            from gcal.cli.demo import demo_settings

            settings = ctx.with_resource(demo_settings(settings))
        state.settings = settings
    return state.settings


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
