"""A Ctrl-C that does not interrupt the main thread's wait (it landed just before the thread
blocked, or the kernel gave it to another thread) is still acted on within a fraction of a second:
the waits of the agenda's listings, read-ahead and worker threads come in short slices.

Before, `gcal agenda` with its listings held by a slow server sometimes ignored Ctrl-C under
load until the server answered (tests/test_agenda.py's held-listings test): the main thread sat
in an untimed `queue.get()` that the signal had missed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signal masks")

# The main thread blocks SIGINT, so the kernel delivers it to the helper thread: Python's handler
# is then due in the main thread, but nothing interrupts its wait.
SCRIPT = """
import signal, sys, threading, time
from gcal.google.fetch import Listing
helper = threading.Thread(target=time.sleep, args=(60,), daemon=True)
helper.start()
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
listing = Listing("events", {"calendarId": "held"})
print("waiting", flush=True)
try:
    for item in listing:  # never fed: a listing the server holds
        pass
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
"""


def test_a_ctrl_c_the_wait_missed_still_ends_it() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "waiting"
    time.sleep(0.2)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the wait ignored the Ctrl-C") from None
    assert proc.returncode == 130, err
    assert out.strip() == "interrupted"
    assert time.monotonic() - started < 5
