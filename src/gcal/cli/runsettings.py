"""The settings of a run: the global options' values, merged from before and after the command
name with where each came from (`RunState`), resolved with the config file's profiles into the
command's Settings (`prepare`), the --format refused that the command does not print, and the
demo's clock (`demo_clock`).

Separate from the declarations of the global options (`gcal.cli.options`) because this is the
precedence of command line, environment and config file, which every command goes through once,
whatever options it declares.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import click

from gcal.cli.formats import COMMAND_FORMATS, NO_FORMAT, STATUS_FORMATS, command_key, formats_text
from gcal.errors import UsageError
from gcal.settings import DEFAULT_LOGGING_LEVEL, Settings

# Settings fields and the config file's keys for the same global option.
_FIELD_TO_KEY = {"auth_host_ports": "auth_host_port", "max_retries": "retries"}
_KEY_TO_FIELD = {key: field for field, key in _FIELD_TO_KEY.items()}


class RunState:
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
        from gcal.profiles import DEFAULT_PROFILE, check_profile_name

        if self.values.get("demo"):  # the demo has one account, and none of the user's
            return (DEFAULT_PROFILE,)
        # `--profile work --profile work` is one account: read (and merged, synced) once
        names = tuple(dict.fromkeys(self.values.get("profile") or ()))
        for name in names:
            check_profile_name(name)
        return names or (DEFAULT_PROFILE,)

    def config(self) -> Any:
        """The config file, read and checked once per run."""
        if self._config is None:
            from gcal import config

            if self.values.get("demo"):
                # the demo ignores the user's setup: no config.toml, no profiles of theirs
                self._config = config.ConfigFile(config.config_file(), exists=False)
            else:
                self._config = config.load()
        return self._config

    def given(self) -> Dict[str, Tuple[Any, str]]:
        """The config keys set on the command line or in the environment."""
        from gcal.config import COMMAND_LINE, ENVIRONMENT
        from gcal.configkeys import KEYS_BY_NAME

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
        from gcal.configkeys import KEYS_BY_NAME

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


def _allowed_format(ctx: click.Context, state: RunState, settings: Settings) -> Settings:
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
    if any(c.isspace() or not c.isprintable() for c in url):  # no request line could carry it
        raise UsageError(f"--api-endpoint {url!r} holds a space or a control character")
    try:
        parts = urlsplit(url)  # raises ValueError for an unclosed IPv6 bracket: http://[::1
    except ValueError:
        parts = urlsplit("")
    try:
        port = parts.port  # raises ValueError for a port that is not a number or out of range
    except ValueError:
        port = -1
    if "@" in parts.netloc:  # user:password@host: never echoed, never sent
        raise UsageError(
            "--api-endpoint must not hold a user name or password (user:password@host)"
        )
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


def state_of(ctx: click.Context) -> RunState:
    state = ctx.find_object(RunState)
    if state is None:  # a command invoked on its own, as tests may do
        state = ctx.obj = RunState({})
    return state


#: the commands that read several accounts at once (those that call prepare with
#: several_profiles), for the message to the others
SEVERAL_ACCOUNTS = (
    "agenda, next, week, month, search, conflicts, changes, invites, remind, join and sync"
)


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
                f"several profiles given ({', '.join(profiles)}): only {SEVERAL_ACCOUNTS} "
                "take several accounts; give one --profile"
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
    state = ctx.find_object(RunState) if ctx is not None else None
    if state is None or not state.values.get("demo"):
        return None
    from gcal.emulator import clock

    try:
        return clock.pinned()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
