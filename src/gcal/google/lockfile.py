"""An exclusive lock on a file across processes (`acquire`, `release`: `flock`, or `msvcrt`
on Windows), whether an open lock file is still the one at its path (`same_file`), and the
locks a process still holds at exit removed and released (`remember_held`, `forget_held`).

Separate from the credentials file (`gcal.google.credstore`), which takes the lock around a
refresh: this is the operating system's part, the same for any file.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Dict, Optional

from gcal.errors import CredentialsFileError

#: the lock files this process holds (descriptor -> path), for `_release_at_exit`
_HELD: Dict[int, Path] = {}
_HELD_LOCK = threading.Lock()


def remember_held(fd: int, path: Path) -> None:
    """Note the lock on `fd` (the file at `path`) as held, to let go at exit if still held."""
    with _HELD_LOCK:
        if not _HELD:
            import atexit

            atexit.unregister(_release_at_exit)
            atexit.register(_release_at_exit)
        _HELD[fd] = path


def forget_held(fd: int) -> bool:
    """Forget a lock as released; False when `_release_at_exit` already let it go."""
    with _HELD_LOCK:
        return _HELD.pop(fd, None) is not None


def _release_at_exit() -> None:
    """At exit, remove and release the locks still held. A lock is taken on whichever thread
    renews the token, a daemon thread too (one reading a listing ahead); on Ctrl-C the process
    ends without that thread finishing, which would leave the `.lock` file behind (the kernel
    releases the lock itself, not the file). Its work is abandoned with the process: the
    credentials file is replaced atomically, so it holds the old token or the new one."""
    with _HELD_LOCK:
        held = list(_HELD.items())
        _HELD.clear()
    for fd, path in held:
        if same_file(fd, path):
            with contextlib.suppress(OSError):
                os.unlink(path)
        release(fd)


def same_file(fd: int, path: Path) -> bool:
    """Whether the open `fd` is still the file at `path` (not removed or replaced since)."""
    if os.name != "posix":
        return True
    try:
        mine, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


def acquire(fd: int, timeout: float, lock_path: Path, total: Optional[float] = None) -> None:
    """Lock `fd` exclusively, trying for `timeout` seconds (`total`: the wait the error names)."""
    deadline = time.monotonic() + timeout
    try:
        import fcntl
    except ImportError:  # Windows
        fcntl = None  # type: ignore[assignment]
    while True:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                try:
                    import msvcrt
                except ImportError:
                    return
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return
        except OSError:
            if time.monotonic() >= deadline:
                raise CredentialsFileError(
                    f"another gcal process has held {lock_path} for "
                    f"{timeout if total is None else total:.0f} s; "
                    "try again, or remove the lock file if no gcal is running"
                ) from None
            time.sleep(0.02)


def release(fd: int) -> None:
    """Let go of the lock on `fd` (the descriptor stays open)."""
    try:
        import fcntl
    except ImportError:
        try:
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except (ImportError, OSError):
            pass
        return
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
