"""Decisions about the terminal a view is written to: colour and width.

Every view for people (tables, agendas, calendar grids) asks here, so that `NO_COLOR`, `TERM=dumb`
and `COLUMNS` mean the same everywhere. Nothing here imports rich.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional

__all__ = ["color_enabled", "isatty", "terminal_width"]


def isatty(stream: Any) -> bool:
    """Whether `stream` is a terminal; False for anything that cannot say."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def color_enabled(stream: Any, environ: Optional[Mapping[str, str]] = None) -> bool:
    """Colour only on a terminal, never when NO_COLOR holds a value (an empty NO_COLOR does not
    count, as no-color.org specifies), and never on a `TERM=dumb` terminal."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    return isatty(stream) and env.get("TERM") != "dumb"


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
