"""Where `--sync-token-file` writes the listing's nextSyncToken, without harming what is there.

The path is checked before any request, so a typo costs nothing and a listing is never printed
only to fail at the end. What the path names decides how the token is written:

* `-` is stdout;
* a regular file, or a symlink to one, is replaced atomically (a temporary file in the target's
  own folder renamed over it), so a reader sees the old token or the new one, never half; a
  symlink stays a symlink and its target gets the token;
* anything else (a character device such as `/dev/null`, a FIFO, a process substitution,
  `/dev/stdout`) is written through, never replaced: renaming over `/dev/null` would turn it
  into a regular file, and replacing the file behind `/dev/stdout` would lose the listing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
import tempfile
from typing import Optional, TextIO

from gcal.errors import LocalFileError, UsageError
from gcal.files import through_fd as _through_fd

OPTION = "--sync-token-file"


@dataclasses.dataclass(frozen=True)
class Target:
    """A checked --sync-token-file: `kind` is "stdout", "stream" or "file"."""

    given: str
    kind: str
    path: str  # the file to replace (symlinks resolved) or the stream to open


def check(path: Optional[str]) -> Optional[Target]:
    """The target `path` names, or UsageError (exit 2) when the token could not be written."""
    if path is None:
        return None
    if not path.strip():
        raise UsageError(f"{OPTION} must not be empty")
    if path == "-":
        return Target(path, "stdout", path)
    try:
        st: Optional[os.stat_result] = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _cannot(path, exc.strerror or str(exc)) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise _cannot(path, "it is a directory")
    if st is not None and (not stat.S_ISREG(st.st_mode) or _through_fd(path)):
        if not os.access(path, os.W_OK):
            raise _cannot(path, "permission denied")
        return Target(path, "stream", path)
    real = os.path.realpath(path)
    folder = os.path.dirname(real) or "."
    if not os.path.isdir(folder):
        raise _cannot(path, f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _cannot(path, f"the folder {folder} is not writable")
    if st is not None and not os.access(real, os.W_OK):
        raise _cannot(path, "permission denied")
    return Target(path, "file", real)


def write(target: Target, token: str, stdout: TextIO) -> None:
    """Write `token` and a newline where `target` says; UsageError if that fails now."""
    line = token + "\n"
    try:
        if target.kind == "stdout":
            stdout.write(line)
            stdout.flush()
        elif target.kind == "stream":
            with open(target.path, "a", encoding="utf-8") as handle:  # never truncates
                handle.write(line)
        else:
            _replace(target.path, line)
    except OSError as exc:  # checked before: now a full disk or an I/O error (exit 7)
        raise LocalFileError(_cannot(target.given, exc.strerror or str(exc)).message) from None


def _replace(path: str, text: str) -> None:
    try:
        mode: Optional[int] = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None  # a new file keeps mkstemp's 0600
    fd, tmp = tempfile.mkstemp(prefix=".gcal-sync-", dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _cannot(path: str, why: str) -> UsageError:
    return UsageError(f"cannot write the sync token to {path}: {why}")
