"""One credentials file on disk (`CredentialsStore`): read, written, locked and deleted.

Writes go to a temporary file in the same folder (mode 0600) which is then renamed over the old
file, so a crash leaves the old or the new content, never a mix. A refresh happens under a lock
(`flock` on a sibling `.lock` file, `gcal.google.lockfile`) and first re-reads the file: if
another gcal process has just refreshed, its token is used rather than refreshing again, and a
refresh token rotated by another process is never lost.

Separate from what the file holds (`gcal.google.credrecord`) and from google-auth's
credentials that save their refreshes here (`gcal.google.credentials`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator, Optional

from gcal import logs
from gcal.errors import CredentialsFileError
from gcal.files import read_capped
from gcal.google.credrecord import CredentialsRecord, file_problem, parse_credentials, serialize
from gcal.google.lockfile import acquire, forget_held, release, remember_held, same_file

LOCK_TIMEOUT = 60.0
WRITE_DELAY_ENV = "GCAL_TEST_WRITE_DELAY"


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


class CredentialsStore:
    """One credentials file: read, write atomically, lock, delete."""

    def __init__(self, path: os.PathLike | str) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._depth = 0
        self._thread_lock = threading.RLock()
        self._lock_fd: Optional[int] = None

    def __repr__(self) -> str:
        return f"CredentialsStore({str(self.path)!r})"

    def exists(self) -> bool:
        return self.path.exists()

    # -- reading ------------------------------------------------------------------------------

    def read(self) -> Optional[CredentialsRecord]:
        """The stored record, or None when there is no file."""
        try:
            raw = read_capped(self.path)
        except FileNotFoundError:
            if self.path.is_symlink():
                raise file_problem(self.path, "is a dangling symlink") from None
            return None
        except OSError as exc:
            raise CredentialsFileError(
                f"cannot read credentials file {self.path}: {_reason(exc)}"
            ) from None
        record = parse_credentials(raw, self.path)
        self._tighten_permissions()
        return record

    def _tighten_permissions(self) -> None:
        if os.name != "posix":
            return
        if self.path.is_symlink():  # its target is not ours to chmod: it may be any file
            with contextlib.suppress(OSError):
                mode = self.path.stat().st_mode & 0o777
                if mode & 0o077:
                    target = os.path.realpath(self.path)
                    logs.warn(
                        f"credentials file {self.path} is a symlink to {target}, which is "
                        f"readable by others (mode {mode:o}); run `chmod 600 {target}`"
                    )
            return
        try:
            mode = self.path.stat().st_mode & 0o777
            if mode & 0o077:
                os.chmod(self.path, 0o600)
                logs.warn(
                    f"credentials file {self.path} was readable by others (mode {mode:o}); "
                    "changed it to 600"
                )
        except OSError as exc:
            logs.warn(f"credentials file {self.path} is readable by others: {_reason(exc)}")

    # -- writing ------------------------------------------------------------------------------

    def _ensure_folder(self) -> Path:
        from gcal.files import make_private_folder

        folder = self.path.parent
        try:
            make_private_folder(folder)  # its missing parents 0700 too, whatever the umask
        except OSError as exc:
            raise CredentialsFileError(
                f"cannot create the folder {folder} for credentials: {_reason(exc)}"
            ) from None
        return folder

    def _refuse_symlink(self) -> None:
        if self.path.is_symlink():
            target = os.readlink(self.path)
            raise CredentialsFileError(
                f"refusing to write credentials through the symlink {self.path} -> {target}; "
                f"pass the real file with --credentials {target}"
            )

    def write(self, record: CredentialsRecord) -> None:
        """Replace the file with `record`, atomically, mode 0600."""
        from gcal.files import write_private

        data = serialize(record)
        folder = self._ensure_folder()
        self._refuse_symlink()
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise CredentialsFileError(
                f"cannot write credentials file {self.path}: {_reason(exc)}"
            ) from None
        try:
            write_private(fd, data)
            delay = os.environ.get(WRITE_DELAY_ENV)
            if delay:
                time.sleep(float(delay))
            self._refuse_symlink()
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise CredentialsFileError(
                f"cannot write credentials file {self.path}: {_reason(exc)}"
            ) from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._fsync_folder(folder)
        self._remove_stale_temp_files(folder)

    def _remove_stale_temp_files(self, folder: Path, age: float = 3600.0) -> None:
        """Temporary files left by a gcal killed mid-write (never one being written now)."""
        cutoff = time.time() - age
        # The name is escaped: `cal[1].dat` must not match another file's `.cal1.dat.*.tmp`.
        for leftover in folder.glob(f".{glob.escape(self.path.name)}.*.tmp"):
            with contextlib.suppress(OSError):
                if leftover.lstat().st_mtime < cutoff:
                    leftover.unlink()

    @staticmethod
    def _fsync_folder(folder: Path) -> None:
        if os.name != "posix":
            return
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def delete(self) -> bool:
        """Remove the file (and its lock file); True if there was one."""
        existed = False
        try:
            self.path.unlink()
            existed = True
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise CredentialsFileError(
                f"cannot remove credentials file {self.path}: {_reason(exc)}"
            ) from None
        return existed

    # -- locking ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """Exclusive across processes (and threads); re-entrant within one thread.

        The `.lock` file exists only while held: the holder removes it before releasing, so
        none is left beside the credentials file. A waiter that then wins the lock on the
        removed file notices (its descriptor no longer names the path) and starts over.
        """
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._ensure_folder()
            deadline = time.monotonic() + timeout
            fd = self._open_locked(deadline, timeout)
            remember_held(fd, self.lock_path)
            try:
                self._depth = 1
                try:
                    yield
                finally:
                    self._depth = 0
                    if forget_held(fd):
                        with contextlib.suppress(OSError):
                            os.unlink(self.lock_path)
                        release(fd)
            finally:
                os.close(fd)

    def _open_locked(self, deadline: float, timeout: float) -> int:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        while True:
            try:
                fd = os.open(self.lock_path, flags, 0o600)
            except OSError as exc:
                raise CredentialsFileError(
                    f"cannot open the lock file {self.lock_path}: {_reason(exc)}"
                ) from None
            try:
                acquire(fd, max(0.0, deadline - time.monotonic()), self.lock_path, timeout)
                if same_file(fd, self.lock_path):
                    return fd
                release(fd)
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
