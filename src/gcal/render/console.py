"""The rich Console every view for people prints through, set up once.

Plain text in, no markup, emoji or highlighting guessed from the data (an event title is never
markup); colour only when asked (the caller decides from the terminal and NO_COLOR); a closed
pipe is handed to the CLI as BrokenPipeError instead of rich's own exit. Imported only by the
writers that draw tables, so rich stays out of `gcal --help` and the machine formats.
"""

from __future__ import annotations

from typing import Any, Optional

__all__ = ["make_console"]


def make_console(
    sink: Any,
    *,
    color: bool,
    width: Optional[int],
    default_width: int = 100,
    color_system: str = "truecolor",
) -> Any:
    """A rich Console writing to `sink` (a `render.base._Sink`), `width` columns wide (or
    `default_width` when the width is unknown, e.g. into a file)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich's default redirects the process's stdout to /dev/null and exits; the CLI
            # decides what a closed pipe means, so hand it the error instead.
            raise BrokenPipeError

    return _Console(
        file=sink,
        width=width or default_width,
        color_system=color_system if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        legacy_windows=False,
        force_jupyter=False,
        force_interactive=False,
    )
