"""Waiting in the main thread without missing a Ctrl-C.

A SIGINT that lands just before the main thread blocks on a lock (a queue's `get()`, a thread's
`join()`) runs Python's C-level handler but does not interrupt the wait, which then lasts until
the lock is released: a listing held by a slow server keeps a Ctrl-C'd gcal alive for as long.
The same happens when the kernel hands the signal to another thread. These helpers wait in short
slices instead, so a pending KeyboardInterrupt is raised within a slice, whatever the timing.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

#: how long one slice of a wait lasts, in seconds
SLICE = 0.1


def get(source: queue.Queue[Any]) -> Any:
    """`source.get()`, woken every slice to let a pending Ctrl-C through."""
    while True:
        try:
            return source.get(timeout=SLICE)
        except queue.Empty:
            continue


def join(thread: threading.Thread) -> None:
    """`thread.join()`, woken every slice to let a pending Ctrl-C through."""
    while thread.is_alive():
        thread.join(SLICE)
