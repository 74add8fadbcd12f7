"""Questions asked on a terminal (a delete's confirmation, which meeting to join).

A Ctrl-C or Ctrl-D at a question leaves the cursor after the prompt; the error line that
follows ("gcal: error: interrupted") must start on a line of its own, as a shell's next prompt
would, so the question's line is ended first.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import click


@contextlib.contextmanager
def question() -> Iterator[None]:
    """Around a click prompt: a stop at the question ends its line, then stops gcal."""
    try:
        yield
    except (click.Abort, KeyboardInterrupt, EOFError):
        click.echo(err=True)
        raise
