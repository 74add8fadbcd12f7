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

import importlib
import os
import sys
from typing import Any, Dict, List, Optional, Sequence

import click

from gcal import __version__
from gcal.cli.options import CONTEXT_SETTINGS, GLOBALS
from gcal.cli.runsettings import RunState
from gcal.errors import EXIT_INTERRUPTED, EXIT_USAGE, GcalError

# Each command, by the module that defines it. A command's module (and what it imports) is
# loaded only when that command runs, or when the help lists it: `gcal --version`, a status
# bar's `gcal next --offline` and argument errors never pay for the other commands.
COMMANDS: Dict[str, str] = {
    "add": "gcal.cli.writes:add",
    "agenda": "gcal.cli.agenda:agenda",
    "auth": "gcal.cli.auth:auth",
    "calendars": "gcal.cli.listing:calendars",
    "changes": "gcal.cli.finding:changes",
    "config": "gcal.cli.config:config_group",
    "conflicts": "gcal.cli.finding:conflicts",
    "delete": "gcal.cli.writes:delete",
    "edit": "gcal.cli.writes:edit",
    "emulator": "gcal.cli.emulator:emulator",
    "events": "gcal.cli.listing:events",
    "export": "gcal.cli.export:export",
    "free": "gcal.cli.free:free",
    "freebusy": "gcal.cli.free:freebusy",
    "import": "gcal.cli.importing:import_",
    "instances": "gcal.cli.listing:instances",
    "invites": "gcal.cli.invites:invites",
    "join": "gcal.cli.join:join",
    "mcp": "gcal.cli.mcp:mcp",
    "month": "gcal.cli.views:month",
    "move": "gcal.cli.writes:move",
    "next": "gcal.cli.upnext:next_event",
    "quick": "gcal.cli.writes:quick",
    "remind": "gcal.cli.remind:remind",
    "rsvp": "gcal.cli.writes:rsvp",
    "search": "gcal.cli.finding:search",
    "show": "gcal.cli.show:show",
    "sync": "gcal.cli.sync:sync",
    "undo": "gcal.cli.writes:undo",
    "week": "gcal.cli.views:week",
}


def _format_help(command: click.Command, key: str) -> None:
    """Each command's --format help lists the formats it takes (and its subcommands')."""
    from gcal.cli.formats import format_help

    format_help(command, key)
    for name, sub in getattr(command, "commands", {}).items():
        _format_help(sub, f"{key} {name}")


def first_sentence(command: click.Command) -> str:
    """A command's short help: its own `short_help`, else the first sentence of its help."""
    if command.short_help:
        return command.short_help
    text = " ".join((command.help or "").split("\n\n")[0].split())
    for end in (". ", "? "):
        if end in text:
            text = text[: text.index(end) + 1]
    return text


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (see COMMANDS)."""

    def list_commands(self, ctx: click.Context) -> List[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> Optional[click.Command]:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, attr = COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), attr)
            _format_help(command, cmd_name)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of `gcal --help`: each command's first sentence whole, wrapped
        (click would cut it at the column's width, mid-sentence)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            rows.append((name, first_sentence(command)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def all_commands(self) -> Dict[str, click.Command]:
        """Every command, imported: for help, completion and tests that walk them all."""
        for name in COMMANDS:
            self.get_command(click.Context(self), name)
        return dict(self.commands)


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(
    __version__, "--version", "-V", prog_name="gcal", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(ctx: click.Context, **values: Any) -> None:
    """gcal: read and change Google Calendar from the command line.

    \b
    Try without an account:  gcal --demo agenda
                             gcal --demo events primary --single-events --order-by startTime
    Log in (once):           gcal auth login
    Week, every calendar:    gcal agenda
    As a calendar:           gcal week, gcal month
    List calendars:          gcal calendars
    Upcoming events:         gcal events primary --single-events --order-by startTime --time-min now
    Instances of a series:   gcal instances primary SERIES_ID
    Export as iCalendar:     gcal export primary --output calendar.ics
    Add an event:            gcal add Dentist --start 'tomorrow 09:00' --duration 45m
    Undo the last change:    gcal undo    (also: quick, edit, delete, rsvp, move)

    Exit codes: 0 ok, 1 API error, 2 usage error, 3 authentication, 4 not found,
    5 network or service unavailable, 6 write refused (the event changed since gcal read it),
    7 local file problem, 130 interrupted.
    """
    sources = {}
    for name in values:
        source = ctx.get_parameter_source(name)
        if source is not None:
            sources[name] = (
                "environment"
                if source.name == "ENVIRONMENT"
                else "command line"
                if source.name == "COMMANDLINE"
                else "default"
            )
    ctx.obj = RunState(values, sources)
    from gcal.render.terminal import set_color_mode  # small: os and re only

    set_color_mode(values.get("color"))  # each run starts from its own --color (or auto)


for _option in GLOBALS:
    cli = _option.group_option()(cli)  # type: ignore[assignment]


@cli.command("help", context_settings=CONTEXT_SETTINGS)
@click.argument("command", nargs=-1)
@click.pass_context
def help_command(ctx: click.Context, command: Any) -> None:
    """Show a command's help: 'gcal help export' is 'gcal export --help' (and 'gcal --help
    export'); 'gcal help' alone is 'gcal --help'."""
    # `main` turns every `help` into --help before click sees it; called directly, this says
    # the same as `gcal --help`
    click.echo(ctx.parent.get_help() if ctx.parent is not None else ctx.get_help())


# --------------------------------------------------------------------------------------------
# Entry point: one line on stderr and a documented exit code for every failure.

LEGACY_FLAGS = {
    "--noauth_local_webserver": "--noauth-local-webserver",
    "--auth_host_name": "--auth-host-name",
    "--auth_host_port": "--auth-host-port",
    "--logging_level": "--logging-level",
}


HELP_FLAGS = ("--help", "-h")


def help_args(args: Sequence[str]) -> List[str]:
    """`gcal help CMD ...` and `gcal --help CMD ...` are `gcal CMD ... --help`: one help text
    for a command, however it is asked for (`gcal help` alone is `gcal --help`)."""
    args = list(args)
    commands = {*COMMANDS, "help"}
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "help":  # gcal [global options] help [CMD ...]
            return [*args[:index], *args[index + 1 :], "--help"]
        if arg in commands:
            before = args[:index]
            if any(flag in before for flag in HELP_FLAGS):
                rest = [a for a in before if a not in HELP_FLAGS]
                return help_args([*rest, *args[index:]]) + (
                    [] if any(f in args[index:] for f in HELP_FLAGS) else ["--help"]
                )
            break
    return args


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
    from gcal.core.sanitize import one_line
    from gcal.logs import redact  # an error may quote a server's message, which may echo a token

    # a server's message or an event's text may carry terminal escapes: the one sanitiser
    text = " ".join(one_line(redact(message)).split()) or "failed"
    click.echo(f"gcal: error: {text}", err=True)
    return code


def _block(lines: Sequence[str], code: int) -> int:
    """A short block on stderr (first contact: what is missing, what to run), as written."""
    from gcal.core.sanitize import one_line

    for line in lines:
        click.echo(one_line(line), err=True)
    return code


COMPLETE_VAR = "_GCAL_COMPLETE"
# click >= 8.2 raises this for a group called without a command; older click printed the help
# and exited 0 by itself. The empty tuple matches nothing.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Console-script entry point: run the CLI and exit with the documented code."""
    args = help_args(normalize_legacy_args(sys.argv[1:] if argv is None else argv))
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
        message = exc.format_message() + _from_environment(exc)
        code = _fail(message + hint, EXIT_USAGE if exc.exit_code == 2 else 1)
    except GcalError as exc:
        lines = getattr(exc, "lines", None)
        code = _block(lines, exc.exit_code) if lines else _fail(exc.message, exc.exit_code)
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
    if argv is None:
        _ending()
    sys.exit(code)


def _ending() -> None:
    """The process ends now (the console script's run, not a caller's in-process one): the
    objects alive are moved out of the cyclic collector's sight (`gc.freeze`), so the
    collections of the interpreter's shutdown no longer walk every object the run made; they
    are freed as usual. This was about a twentieth of a short command's instructions, such as
    `gcal --version` or an offline agenda. Threads still running (none on a quick path) go on
    with a collector that sees what they make from here."""
    import gc

    gc.freeze()


def _from_environment(exc: click.ClickException) -> str:
    """' (from $GCAL_FORMAT)' when the bad value came from the environment: click names the
    option, which the user may never have typed."""
    param, ctx = getattr(exc, "param", None), getattr(exc, "ctx", None)
    if param is None or ctx is None or not param.name or not param.envvar:
        return ""
    from click.core import ParameterSource

    if ctx.get_parameter_source(param.name) != ParameterSource.ENVIRONMENT:
        return ""
    names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar)
    found = [name for name in names if os.environ.get(name)]
    return f" (from ${found[0]})" if found else ""


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
