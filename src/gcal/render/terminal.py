"""Decisions about the terminal a view is written to: colour, hyperlinks and width.

Every view for people (tables, agendas, calendar grids) asks here, so that `--color`,
`NO_COLOR`, `FORCE_COLOR`, `TERM=dumb` and `COLUMNS` mean the same everywhere. Nothing here
imports rich.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional

from gcal.lazyre import LazyPattern

__all__ = [
    "COLOR_MODES",
    "color_enabled",
    "hyperlink",
    "hyperlinks_enabled",
    "isatty",
    "set_color_mode",
    "terminal_width",
]

COLOR_MODES = ("auto", "always", "never")
_mode = {"color": "auto"}


def set_color_mode(mode: Optional[str]) -> None:
    """The run's `--color`: `always` (also into a pipe, e.g. for `less -R`), `never`, or
    `auto` (the default: the terminal and the environment decide)."""
    value = (mode or "auto").lower()
    if value not in COLOR_MODES:
        raise ValueError(f"--color must be one of {', '.join(COLOR_MODES)}")
    _mode["color"] = value


def isatty(stream: Any) -> bool:
    """Whether `stream` is a terminal; False for anything that cannot say."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def color_enabled(
    stream: Any, environ: Optional[Mapping[str, str]] = None, mode: Optional[str] = None
) -> bool:
    """Whether to write colour to `stream`. `--color always` and `never` decide alone. `auto`:
    never when NO_COLOR holds a value (an empty NO_COLOR does not count, as no-color.org
    specifies); else always when FORCE_COLOR holds a value other than `0` (also into a pipe,
    as Node, pytest and many other tools read it); else only on a terminal that is not
    `TERM=dumb`."""
    env = os.environ if environ is None else environ
    chosen = mode or _mode["color"]
    if chosen == "always":
        return True
    if chosen == "never" or env.get("NO_COLOR"):
        return False
    force = env.get("FORCE_COLOR")
    if force and force.strip().lower() not in ("0", "false", "no"):
        return True
    return isatty(stream) and env.get("TERM") != "dumb"


def hyperlinks_enabled(stream: Any, environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether links may be OSC 8 hyperlinks: `GCAL_HYPERLINKS=1` or `0` decides; otherwise on
    a terminal with colour, except the Linux console, `TERM=dumb` and Apple's Terminal (which
    do not understand them)."""
    env = os.environ if environ is None else environ
    asked = (env.get("GCAL_HYPERLINKS") or "").strip()
    if asked in ("0", "1"):
        return asked == "1"
    if not isatty(stream) or not color_enabled(stream, env):
        return False
    return env.get("TERM") not in ("dumb", "linux") and env.get("TERM_PROGRAM") != "Apple_Terminal"


_URL_SAFE = LazyPattern(r"^(https?|mailto):[!-~]+$")  # a link on a terminal only


def hyperlink(shown: str, url: str, enabled: bool) -> str:
    """`shown` as an OSC 8 hyperlink to `url` when `enabled` and the URL is a plain http(s) or
    mailto URL of printable ASCII without a backslash (anything else, e.g. an escaped control
    character, stays text only: event data never writes an escape sequence)."""
    if not enabled or not _URL_SAFE.match(url) or "\\" in url:
        return shown
    return f"\x1b]8;;{url}\x1b\\{shown}\x1b]8;;\x1b\\"


def terminal_width(stream: Any, environ: Optional[Mapping[str, str]] = None) -> Optional[int]:
    """The width to lay a view out in: `COLUMNS` when it holds a positive number (also into a
    pipe or a file, so `COLUMNS=200 gcal -f table ... | less` is as wide as asked), else the
    terminal's own width, else None (the caller's default)."""
    env = os.environ if environ is None else environ
    text = (env.get("COLUMNS") or "").strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    if not isatty(stream):
        return None
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, AttributeError, ValueError):
        return None
    return columns if columns > 0 else None
