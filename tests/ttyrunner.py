"""Run gcal on a real pseudo-terminal of a given size, for what only a terminal shows
(colour, the terminal's width)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from typing import Dict, Optional, Sequence

from runner import Result


def run_on_terminal(
    args: Sequence[str],
    *,
    columns: int = 100,
    rows: int = 50,
    env: Optional[Dict[str, str]] = None,
    timeout: float = 60,
    stderr_too: bool = False,
) -> Result:
    """`python -m gcal ARGS` with stdout on a pty `columns` wide and `rows` high; stderr is a
    pipe, or the same terminal with `stderr_too` (then `out` holds both, as a person sees
    them)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    full_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    full_env.update(env or {})
    full_env.setdefault("TERM", "xterm-256color")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gcal", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave if stderr_too else subprocess.PIPE,
        env=full_env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    err = proc.stderr.read() if proc.stderr else b""
    code = proc.wait(timeout=timeout)
    out = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return Result(code, out, err.decode("utf-8", "replace"))
