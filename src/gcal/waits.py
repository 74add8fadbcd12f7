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
from typing import Any, Iterator, Sequence, Tuple

from gcal.errors import Cancelled

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


def run_jobs(
    jobs: Sequence[Tuple[Any, Any]], workers: int, cancel: threading.Event
) -> Iterator[Tuple[Any, Any]]:
    """Run each `(key, function)` of `jobs` as `function(key)` (or `function()` for key None)
    on up to `workers` daemon threads; yield `(key, result or exception)` as each ends.

    Daemons, not a ThreadPoolExecutor: the interpreter joins an executor's threads at exit, so
    a Ctrl-C would wait for the requests in hand. The wait comes in slices, so a Ctrl-C is
    seen at once however the signal reached the process; once `cancel` is set no job starts
    and the wait ends with `Cancelled`."""
    pending: queue.Queue[Tuple[Any, Any]] = queue.Queue()
    todo: queue.Queue[Tuple[Any, Any]] = queue.Queue()
    for job in jobs:
        todo.put(job)

    def work() -> None:
        while not cancel.is_set():
            try:
                key, function = todo.get_nowait()
            except queue.Empty:
                return
            try:
                outcome = function() if key is None else function(key)
            except BaseException as exc:  # handed to the waiting thread, never lost
                outcome = exc
            pending.put((key, outcome))

    for n in range(max(1, min(workers, len(jobs)))):
        threading.Thread(target=work, name=f"gcal-job-{n}", daemon=True).start()
    for _ in range(len(jobs)):
        while True:
            try:
                yield pending.get(timeout=SLICE)
                break
            except queue.Empty:
                if cancel.is_set():
                    raise Cancelled() from None
