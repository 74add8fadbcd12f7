"""Writing an output file without harming what is there.

A regular file (or the file a symlink points to) is replaced atomically: a temporary file in
the same folder, renamed over the target when complete. A reader, or a later run, sees the old
file or the complete new one, never half of one: a failure or Ctrl-C halfway removes the
temporary file and leaves the target as it was. The rename is atomic only within one file
system, hence the temporary file's folder; a symlink stays a symlink.

Anything else that already exists (``/dev/null``, a FIFO, ``/dev/stdout``, a process
substitution) is written through, never replaced: renaming over ``/dev/null`` would turn it into
a regular file, and replacing the file behind ``/dev/stdout`` would lose the output.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from typing import Iterator, Optional, Set, TextIO, Union

SMALL_FILE_LIMIT = 1 << 20  # a config, client or token file is a few kB


class FileTooLarge(OSError):
    """A small file that is not: /dev/zero given as a token file, a disk image as config."""


def read_capped(path: Union[str, os.PathLike[str]], limit: int = SMALL_FILE_LIMIT) -> bytes:
    """The bytes of `path`, at most `limit` of them: a longer file (or an endless one such as
    /dev/zero) is FileTooLarge, an OSError whose strerror says so, read no further."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(errno.EFBIG, f"larger than {limit // (1 << 20) or 1} MB")
    return data


def make_private_folder(folder: Union[str, os.PathLike[str]]) -> None:
    """Create `folder` and any missing parent 0700 whatever the umask (as the XDG base
    directory specification asks); existing folders are left as they are. OSError propagates."""
    missing = []
    current = os.path.abspath(folder)
    while not os.path.lexists(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)  # the umask can only take bits away from 0700


def write_private(fd: int, data: bytes) -> None:
    """Write all of `data` to the new file open as `fd`, made mode 0600 first, sync it to the
    disk and close it (closed on failure too; OSError propagates)."""
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def folder_problem(folder: Union[str, os.PathLike[str]]) -> Optional[str]:
    """Why gcal must not keep private data in `folder` (its own cache or config folder), or
    None: another user owns it, or others can write to it (and so rename or replace what is
    in it). A folder that does not exist is no problem (it is created 0700)."""
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror or str(exc)
    if not stat.S_ISDIR(st.st_mode):
        return "it is not a folder"
    if not hasattr(os, "geteuid"):  # Windows: no POSIX modes
        return None
    if st.st_uid != os.geteuid():
        return f"it belongs to another user (uid {st.st_uid})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        mode = stat.S_IMODE(st.st_mode)
        return f"others can write to it (mode {mode:o}; run 'chmod go-w {folder}')"
    return None


# Symlinks through these are file descriptors of this process, not files to replace.
_FD_PREFIXES = ("/proc/", "/dev/fd/", "/dev/stdin", "/dev/stdout", "/dev/stderr")


def unwritable_reason(path: str) -> Optional[str]:
    """Why `path` cannot be written (to say so before any work), or None when it can."""
    try:
        st: Optional[os.stat_result] = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        return exc.strerror or str(exc)
    if st is not None and stat.S_ISDIR(st.st_mode):
        return "it is a folder"
    if st is not None and is_stream(path):
        return None if os.access(path, os.W_OK) else "permission denied"
    real = os.path.realpath(path)
    folder = os.path.dirname(real) or "."
    if not os.path.isdir(folder):
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    if st is not None and not os.access(real, os.W_OK):
        return "permission denied"
    return None


def is_stream(path: str) -> bool:
    """Whether `path` exists as something other than a regular file, or links through a file
    descriptor: it is written through, not replaced."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return True
    except OSError:
        return False
    return through_fd(path)


def through_fd(path: str) -> bool:
    """Whether `path` is, or links through, a file descriptor (/dev/stdout, /proc/self/fd/1)."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own symlink limit
        if current.startswith(_FD_PREFIXES):
            return True
        if not os.path.islink(current):
            return False
        target = os.readlink(current)
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
    return False


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
def atomic_text_file(path: str, temps: Optional[Set[str]] = None) -> Iterator[TextIO]:
    """A UTF-8 text stream (no newline translation) whose content replaces `path` when the
    block ends normally (see the module's docstring for what is replaced and what is written
    through); OSError from creating, writing or renaming propagates.

    `temps`, when given, holds the temporary file's path while it exists, so that a thread
    that must stop the writing thread abruptly (Ctrl-C) can still remove it."""
    if is_stream(path):
        with open(path, "w", encoding="utf-8", newline="") as stream:
            yield stream
        return
    real = os.path.realpath(path)
    folder = os.path.dirname(real) or "."
    import tempfile  # here: the answers that only read (an offline agenda) never load it

    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", suffix=".tmp", dir=folder)
    if temps is not None:
        temps.add(tmp)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, _mode_for(real))
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        if temps is not None:
            temps.discard(tmp)
