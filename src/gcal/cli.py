"""The `gcal` command line: parses options and hands them to the library modules.

Kept thin on purpose, and cheap to import: `gcal --help`, `gcal --version` and argument errors
load only click and gcal's own small modules; the Google client, rich and the emulator are
imported by the commands that use them.

Global options are accepted before or after the subcommand (`gcal --format json events primary`
and `gcal events primary --format json` mean the same); the old `calendar_sample.py` spellings
(`--noauth_local_webserver`, `--auth_host_name`, `--auth_host_port 8080 8090`, `--logging_level`)
still work, so scripts written for it keep running.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence

import click

from gcal import __version__
from gcal.errors import EXIT_INTERRUPTED, EXIT_USAGE, GcalError, UsageError
from gcal.params import PARAMS, Param
from gcal.settings import Settings

FORMATS = ("table", "json", "ndjson", "csv", "tsv")
LOGGING_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
GLOBAL_EPILOG = (
    "Global options (--format, --credentials, --demo, ...; see 'gcal --help') may be given "
    "before or after the command."
)
TIME_HELP = (
    "TIME is RFC 3339 (2024-06-01T09:00:00+02:00), a date (2024-06-01), a local date-time "
    "('2024-06-01 09:00'), now, today, tomorrow, yesterday, a weekday (the next one, never "
    "today), a day word and a time ('tomorrow 09:30'), or an offset from now (+3d, -2w, +4h, "
    "+30m). Dates and day words mean midnight at the start of the day, also for --time-max, "
    "which is exclusive: --time-min today --time-max tomorrow is today. Times without an "
    "offset are local, or in --time-zone."
)


# --------------------------------------------------------------------------------------------
# Global options: declared once, attached to the group (with their environment variables) and,
# hidden, to every command, so they may stand on either side of the command name.


class _ApiChoice(click.Choice):
    """A case-insensitive choice whose error message lists the API's spelling, not lowercase."""

    def get_invalid_choice_message(self, value: Any, ctx: Optional[click.Context]) -> str:
        choices = ", ".join(repr(choice) for choice in self.choices)
        return f"{value!r} is not one of {choices}."


class _Global:
    def __init__(self, field: str, decls: Sequence[str], **attrs: Any) -> None:
        self.field = field
        self.decls = tuple(decls)
        self.attrs = attrs

    def group_option(self) -> Callable[[Any], Any]:
        return click.option(*self.decls, self.field, **self.attrs)

    def command_option(self) -> Callable[[Any], Any]:
        attrs = {k: v for k, v in self.attrs.items() if k not in ("envvar", "show_envvar")}
        attrs.update(hidden=True, expose_value=False, callback=self._override)
        attrs.pop("default", None)
        return click.option(*self.decls, **attrs)

    def _override(self, ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is None or value is False or value == ():
            return
        state = ctx.find_object(_State)
        if state is not None:
            state.values[self.field] = value


GLOBALS = (
    _Global(
        "client_secrets",
        ["--client-secrets"],
        metavar="PATH",
        envvar="GCAL_CLIENT_SECRETS",
        help="OAuth client file (Desktop app). Default: ./client_secrets.json, then the "
        "config folder.  [env: GCAL_CLIENT_SECRETS]",
    ),
    _Global(
        "credentials",
        ["--credentials"],
        metavar="PATH",
        envvar="GCAL_CREDENTIALS",
        help="Token file (calendar.dat). Default: ./calendar.dat if it exists, else the config "
        "folder.  [env: GCAL_CREDENTIALS]",
    ),
    _Global(
        "auth_host_name",
        ["--auth-host-name"],
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
        type=click.FloatRange(min=1),
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
        type=click.Choice(FORMATS, case_sensitive=False),
        envvar="GCAL_FORMAT",
        help="Output format (default: table on a terminal, tsv when piped).  [env: GCAL_FORMAT]",
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
        type=click.FloatRange(min=0.1),
        envvar="GCAL_TIMEOUT",
        help="Time limit for each HTTP request (default: 30).  [env: GCAL_TIMEOUT]",
    ),
    _Global(
        "max_retries",
        ["--retries"],
        metavar="N",
        type=click.IntRange(0, 50),
        envvar="GCAL_RETRIES",
        help="Retries of a request after a transient failure (default: 5).  [env: GCAL_RETRIES]",
    ),
    _Global(
        "retry_max_time",
        ["--retry-max-time"],
        metavar="SECONDS",
        type=click.FloatRange(min=0),
        envvar="GCAL_RETRY_MAX_TIME",
        help="Stop retrying a request once its retries would end later than this "
        "(default: 120).  [env: GCAL_RETRY_MAX_TIME]",
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
)


class _State:
    """The global option values of this run, merged from before and after the command name."""

    def __init__(self, values: Dict[str, Any]) -> None:
        self.values = {k: v for k, v in values.items() if v is not None}
        self.settings: Optional[Settings] = None

    def build(self) -> Settings:
        values = dict(self.values)
        ports = values.pop("auth_host_ports", ())
        no_browser = values.pop("no_browser", False)
        settings = Settings(**values)
        if ports:
            settings = settings.replace(auth_host_ports=tuple(ports))
        if no_browser:
            settings = settings.replace(open_browser=False)
        if settings.logging_level:
            settings = settings.replace(logging_level=settings.logging_level.upper())
        if settings.format:
            settings = settings.replace(format=settings.format.lower())
        if settings.api_endpoint:
            settings = settings.replace(api_endpoint=_check_endpoint(settings.api_endpoint))
        return settings


def _check_endpoint(url: str) -> str:
    """The --api-endpoint URL ending in "/", or a UsageError before anything is sent."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--api-endpoint {url!r} is not an http(s) URL "
            "(e.g. https://www.googleapis.com/calendar/v3/)"
        )
    return url if url.endswith("/") else url + "/"


def global_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(GLOBALS):
        command = option.command_option()(command)
    return command


def prepare(ctx: click.Context) -> Settings:
    """The settings of this run, with logging configured and the demo started when asked."""
    state = ctx.find_object(_State)
    if state is None:  # a command invoked on its own, as tests may do
        state = ctx.obj = _State({})
    if state.settings is None:
        settings = state.build()
        from gcal.logs import configure_logging

        configure_logging(settings.logging_level)
        if settings.demo:
            from gcal.demo import demo_settings

            settings = ctx.with_resource(demo_settings(settings))
        state.settings = settings
    return state.settings


# --------------------------------------------------------------------------------------------
# API parameters as options, built from gcal.params.


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
    return click.option(param.flag, param.dest, **attrs)


def api_options(command_name: str) -> Callable[[Any], Any]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for param in reversed(PARAMS[command_name]):
            command = _param_option(param)(command)
        return command

    return decorate


def listing_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--sync-token-file",
        metavar="PATH",
        help="Write the nextSyncToken of the listing to PATH (atomically) instead of stderr.",
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


def build_request(command: str, values: Dict[str, Any]) -> Dict[str, Any]:
    """API keyword arguments from the command's option values; UsageError if any is wrong."""
    from gcal import params

    zone_name = values.get("time_zone")

    def parse_time(text: str) -> str:
        from gcal import timespec

        zone = timespec.resolve_zone(zone_name)
        return timespec.to_rfc3339(timespec.parse_time(text, tz=zone))

    request = params.to_request(command, values, parse_time=parse_time)
    if zone_name:
        from gcal import timespec

        # An unknown zone is a usage error, not a 400; the API gets the canonical spelling.
        zone = timespec.resolve_zone(zone_name)
        request["timeZone"] = getattr(zone, "key", None) or zone_name
    return request


# --------------------------------------------------------------------------------------------
# Commands


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(
    __version__, "--version", "-V", prog_name="gcal", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(ctx: click.Context, **values: Any) -> None:
    """gcal: read Google Calendar from the command line.

    \b
    Try it without an account:   gcal --demo events primary --single-events --order-by startTime
    Log in (once):               gcal auth login
    List calendars:              gcal calendars
    Upcoming events:             gcal events primary --single-events --time-min now
    Instances of a series:       gcal instances primary SERIES_ID

    Exit codes: 0 ok, 1 API error, 2 usage error, 3 authentication, 4 not found,
    5 network or service unavailable, 130 interrupted.
    """
    ctx.obj = _State(values)


for _option in GLOBALS:
    cli = _option.group_option()(cli)  # type: ignore[assignment]


@cli.command(epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@api_options("calendars")
@listing_options
@global_options
@click.pass_context
def calendars(
    ctx: click.Context,
    limit: Optional[int],
    fields: Optional[str],
    sync_token_file: Optional[str],
    **values: Any,
) -> None:
    """List the calendars on your calendar list (calendarList.list).

    \b
    Examples:
      gcal calendars
      gcal calendars --min-access-role writer --show-hidden
      gcal --format json calendars > calendars.json
    """
    _run_listing(ctx, "calendars", {}, values, limit, fields, sync_token_file)


@cli.command(epilog=f"{TIME_HELP}\n\n{GLOBAL_EPILOG}", context_settings=CONTEXT_SETTINGS)
@click.argument("calendar_id")
@api_options("events")
@listing_options
@global_options
@click.pass_context
def events(
    ctx: click.Context,
    calendar_id: str,
    limit: Optional[int],
    fields: Optional[str],
    sync_token_file: Optional[str],
    **values: Any,
) -> None:
    """List the events of a calendar (events.list).

    CALENDAR_ID is an id from 'gcal calendars', or 'primary' for your main calendar.

    \b
    Examples:
      gcal events primary --single-events --order-by startTime --time-min today --time-max +7d
      gcal events primary --q dentist --format json
      gcal events primary --event-type focusTime --event-type outOfOffice
      gcal events primary --private-extended-property project=apollo
      gcal events primary --sync-token-file sync.txt --format ndjson   (then --sync-token ...)
    """
    _run_listing(ctx, "events", {"calendarId": calendar_id}, values, limit, fields, sync_token_file)


@cli.command(epilog=f"{TIME_HELP}\n\n{GLOBAL_EPILOG}", context_settings=CONTEXT_SETTINGS)
@click.argument("calendar_id")
@click.argument("event_id")
@api_options("instances")
@listing_options
@global_options
@click.pass_context
def instances(
    ctx: click.Context,
    calendar_id: str,
    event_id: str,
    limit: Optional[int],
    fields: Optional[str],
    sync_token_file: Optional[str],
    **values: Any,
) -> None:
    """List the instances of a recurring event (events.instances).

    EVENT_ID is the id of the series (its recurring master), as 'gcal events' shows it.
    Moved and cancelled instances are marked.

    \b
    Examples:
      gcal instances primary weeklysync --time-min today --limit 10
      gcal instances primary weeklysync --show-deleted
    """
    target = {"calendarId": calendar_id, "eventId": event_id}
    _run_listing(ctx, "instances", target, values, limit, fields, sync_token_file)


def _run_listing(
    ctx: click.Context,
    command: str,
    target: Dict[str, Any],
    values: Dict[str, Any],
    limit: Optional[int],
    fields: Optional[str],
    sync_token_file: Optional[str],
) -> None:
    for name, value in target.items():
        if not value.strip():
            raise UsageError(f"{name} must not be empty")
    request = {**target, **build_request(command, values)}
    settings = prepare(ctx)
    from gcal import listing

    listing.run(
        settings, command, request, limit=limit, fields=fields, sync_token_file=sync_token_file
    )


@cli.group(context_settings=CONTEXT_SETTINGS)
def auth() -> None:
    """Log in, show the stored login, or log out."""


@auth.command("login", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@global_options
@click.pass_context
def auth_login(ctx: click.Context) -> None:
    """Log in with your Google account and store the token (always a new login).

    Opens a browser on this machine; on a headless machine use --noauth-local-webserver and
    paste the URL your browser ends on.
    """
    from gcal import auth as auth_module

    auth_module.login(prepare(ctx))


@auth.command("status", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@global_options
@click.pass_context
def auth_status(ctx: click.Context) -> None:
    """Show which token file is used, for which client and scopes, and until when (no secrets)."""
    from gcal import auth as auth_module

    settings = prepare(ctx)
    info = auth_module.status(settings)
    if settings.format in ("json", "ndjson"):
        import json

        click.echo(json.dumps(info, indent=None if settings.format == "ndjson" else 2))
        return
    for key, value in info.items():
        if isinstance(value, (list, tuple)):
            value = " ".join(str(v) for v in value)
        click.echo(f"{key}: {'-' if value is None else value}")


@auth.command("logout", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@global_options
@click.pass_context
def auth_logout(ctx: click.Context) -> None:
    """Revoke the stored token at Google and delete the token file."""
    from gcal import auth as auth_module

    auth_module.logout(prepare(ctx))


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8085, show_default=True, help="0: any."
)
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False),
    help="Calendars and events as JSON (default: the demo account).",
)
@click.option(
    "--events",
    "extra_events",
    type=click.IntRange(min=0),
    default=0,
    help="Add N generated events to the primary calendar (for benchmarks).",
)
@click.option(
    "--client-secrets-out",
    metavar="PATH",
    help="Write a client-secrets file that points gcal at this emulator.",
)
@click.option(
    "--token-lifetime",
    type=click.IntRange(min=1),
    default=3600,
    show_default=True,
    help="Seconds an access token stays valid.",
)
def emulator(
    host: str,
    port: int,
    data: Optional[str],
    extra_events: int,
    client_secrets_out: Optional[str],
    token_lifetime: int,
) -> None:
    """Serve the bundled Calendar API emulator (OAuth endpoints and the read methods).

    \b
    Try:  gcal emulator --port 8085 --client-secrets-out emu.json
    then: gcal --client-secrets emu.json --credentials emu.dat \\
               --api-endpoint http://127.0.0.1:8085/calendar/v3/ calendars
    """
    from gcal.emulator.__main__ import serve

    serve(
        host=host,
        port=port,
        data=data,
        events=extra_events,
        client_secrets_out=client_secrets_out,
        token_lifetime=token_lifetime,
    )


# --------------------------------------------------------------------------------------------
# Entry point: one line on stderr and a documented exit code for every failure.

LEGACY_FLAGS = {
    "--noauth_local_webserver": "--noauth-local-webserver",
    "--auth_host_name": "--auth-host-name",
    "--auth_host_port": "--auth-host-port",
    "--logging_level": "--logging-level",
}


def normalize_legacy_args(args: Sequence[str]) -> List[str]:
    """Rewrite calendar_sample.py's flags into gcal's spelling.

    The old `--auth_host_port 8080 8090` took several ports after one flag; gcal repeats the
    flag instead, so each following number becomes its own `--auth-host-port`.
    """
    result: List[str] = []
    args = list(args)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            result.extend(args[i:])
            break
        name, eq, value = arg.partition("=")
        if name in LEGACY_FLAGS:
            new = LEGACY_FLAGS[name]
            if eq:
                result.append(f"{new}={value}")
            elif name == "--auth_host_port":
                i += 1
                numbers = 0
                while i < len(args) and args[i].isdigit():
                    result.extend([new, args[i]])
                    numbers += 1
                    i += 1
                if numbers == 0:
                    result.append(new)
                continue
            else:
                result.append(new)
        else:
            result.append(arg)
        i += 1
    return result


def _fail(message: str, code: int) -> int:
    from gcal.logs import redact  # an error may quote a server's message, which may echo a token

    text = " ".join(redact(message).split()) or "failed"
    click.echo(f"gcal: error: {text}", err=True)
    return code


COMPLETE_VAR = "_GCAL_COMPLETE"
# click >= 8.2 raises this for a group called without a command; older click printed the help
# and exited 0 by itself. The empty tuple matches nothing.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Console-script entry point: run the CLI and exit with the documented code."""
    args = normalize_legacy_args(sys.argv[1:] if argv is None else argv)
    instruction = os.environ.get(COMPLETE_VAR)
    if instruction:  # shell completion, e.g. eval "$(_GCAL_COMPLETE=bash_source gcal)"
        from click.shell_completion import shell_complete

        sys.exit(shell_complete(cli, {}, "gcal", COMPLETE_VAR, instruction))
    code = 0
    try:
        # make_context/invoke rather than cli.main(): click's main() prints a blank line on
        # Ctrl-C before its Abort, and the contract is one line on stderr.
        with cli.make_context("gcal", args) as ctx:
            cli.invoke(ctx)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        code = _fail("interrupted", EXIT_INTERRUPTED)
    except _NO_ARGS_IS_HELP as exc:  # `gcal` or `gcal auth` alone: show the help
        click.echo(exc.ctx.get_help())  # type: ignore[union-attr]
        code = 0
    except click.ClickException as exc:  # usage errors, bad option values
        hint = ""
        ctx = getattr(exc, "ctx", None)
        if isinstance(exc, click.UsageError) and ctx is not None:
            hint = f" (see '{ctx.command_path} --help')"
        code = _fail(exc.format_message() + hint, EXIT_USAGE if exc.exit_code == 2 else 1)
    except GcalError as exc:
        code = _fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        code = _fail("interrupted", EXIT_INTERRUPTED)
    except EOFError:
        code = _fail("end of input while a prompt was waiting for an answer", 1)
    except BrokenPipeError:
        _silence_stdout()
        code = 0
    except Exception as exc:  # a bug: still one line, the traceback only at DEBUG
        import logging  # here, not at the top: --version and --help never need it

        logging.getLogger("gcal").debug("unexpected error", exc_info=True)
        code = _fail(f"unexpected {type(exc).__name__}: {exc}", 1)
    _flush_or_silence()
    sys.exit(code)


def _silence_stdout() -> None:
    """After the reader of a pipe went away, keep Python from complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _flush_or_silence() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except (OSError, ValueError):
        pass
