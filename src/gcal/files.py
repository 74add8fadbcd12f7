"""Replacing a file atomically: a temporary file in the same folder, renamed over the target.

A reader (or a later run) sees the old file or the complete new one, never half of one: a
failure or Ctrl-C halfway removes the temporary file and leaves the target as it was. The
rename is atomic only within one file system, hence the temporary file's folder.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from typing import Iterator, TextIO


def _mode_for(path: str) -> int:
    """The permission bits the new file gets: those of the file it replaces, else what a plain
    `open()` would create under the current umask (mkstemp's 0600 would surprise a user who
    shares exports)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_text_file(path: str) -> Iterator[TextIO]:
    """A UTF-8 text stream (no newline translation) whose content replaces `path` when the
    block ends normally; OSError from creating, writing or renaming propagates."""
    folder = os.path.dirname(os.path.abspath(path))
    name = os.path.basename(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if hasattr(os, "chmod"):
            os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
