"""The options of an answer from the local store (`gcal sync`): --offline, --cached and
--max-age (`store_options`), and the lengths of time they and other options take (`Duration`).

Separate from the global options (`gcal.cli.options`) because only the commands the store can
answer take them, the same way on each.
"""

from __future__ import annotations

from typing import Any, Callable

import click

from gcal.errors import UsageError

_DURATION = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: the longest length any option takes: ten years, as --days (a longer window reaches past the
#: year 9999 sooner or later, and no status bar or sync wants it)
LONGEST_DAYS = 3660


class Duration(click.ParamType):
    """`30s`, `5m`, `2h`, `1d`, or a number of seconds; at least `minimum` seconds, at most
    LONGEST_DAYS days."""

    name = "duration"

    def __init__(self, minimum: float = 0.0) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        if isinstance(value, (int, float)):
            value = repr(value)
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
        if seconds > LONGEST_DAYS * 86400:
            self.fail(f"{value!r} is longer than {LONGEST_DAYS} days", param, ctx)
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
