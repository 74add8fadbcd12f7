"""The API's parameters as options (`api_options`, built from `gcal.google.params`), the options
of a raw listing (`listing_options`), and the request built from their values
(`build_request`: times read by the time grammar, text decoded as the user typed it).

Separate from the global options (`gcal.cli.options`) because these are the options of the
commands that send an API request as given (events, instances, show, and the agenda's filters
in `gcal.cli.viewoptions`), each declared once, from the parameter table.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Dict

import click

from gcal.cli.options import ApiChoice
from gcal.cli.runsettings import demo_clock
from gcal.errors import UsageError
from gcal.google.params import PARAMS, Param


class Limit(click.IntRange):
    """`--limit N`: N >= 1 (so the help says), and at most sys.maxsize, which is as many as
    any listing can hold (islice takes no more)."""

    def __init__(self) -> None:
        super().__init__(min=1)

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        number = super().convert(value, param, ctx)
        if number > sys.maxsize:
            self.fail(f"{number} is more than any listing holds", param, ctx)
        return number


def param_option(param: Param) -> Callable[[Any], Any]:
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
        attrs["type"] = ApiChoice(param.choices, case_sensitive=False)
        attrs.setdefault("metavar", f"[{'|'.join(param.choices)}]")  # click would lowercase it
    if param.kind in ("multi", "multichoice", "kv"):
        attrs["multiple"] = True
    flags = [param.flag, *(["--query"] if param.flag == "--q" else [])]  # a spelled-out alias
    return click.option(*flags, param.dest, **attrs)


def api_options(command_name: str) -> Callable[[Any], Any]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for param in reversed(PARAMS[command_name]):
            command = param_option(param)(command)
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
        type=Limit(),
        metavar="N",
        help="Stop after N items in all; no more is requested than needed.",
    )(command)
    return command


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
