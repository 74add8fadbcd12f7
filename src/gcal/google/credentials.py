"""The credentials file (`calendar.dat`): reading, writing, locking and saving refreshes.

Reads the old oauth2client `Storage` format and google-auth's authorized-user JSON; writes one JSON
object holding the keys of both, so the old sample and gcal can share a file. `token_uri` is kept
exactly as stored.

Writes go to a temporary file in the same folder (mode 0600) which is then renamed over the old
file, so a crash leaves the old or the new content, never a mix. A refresh happens under a lock
(`flock` on a sibling `.lock` file) and first re-reads the file: if another gcal process has just
refreshed, its token is used rather than refreshing again, and a refresh token rotated by another
process is never lost.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import glob
import http.client
import json
import os
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from gcal import logs
from gcal.errors import AuthError, CredentialsFileError, NetworkError, TransientNetworkError

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
EXPIRY_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # oauth2client's, also read by google-auth
LOCK_TIMEOUT = 60.0
WRITE_DELAY_ENV = "GCAL_TEST_WRITE_DELAY"
LOGIN_HINT = "run `gcal auth login`"

_OAUTH2CLIENT_CLASSES = ("OAuth2Credentials", "GoogleCredentials")
# Keys gcal writes itself; any other key found in a file is carried over unchanged.
_MANAGED_KEYS = frozenset(
    {
        "_module",
        "_class",
        "access_token",
        "client_id",
        "client_secret",
        "refresh_token",
        "token_expiry",
        "token_uri",
        "user_agent",
        "revoke_uri",
        "id_token",
        "id_token_jwt",
        "token_response",
        "scopes",
        "token_info_uri",
        "invalid",
        "type",
        "token",
        "expiry",
    }
)


@dataclasses.dataclass
class CredentialsRecord:
    """The content of a credentials file, whatever its format."""

    client_id: str
    client_secret: str
    token_uri: str = GOOGLE_TOKEN_URI
    token: Optional[str] = None
    refresh_token: Optional[str] = None
    expiry: Optional[dt.datetime] = None  # naive UTC
    scopes: Optional[List[str]] = None
    revoke_uri: Optional[str] = None
    user_agent: Optional[str] = None
    token_info_uri: Optional[str] = None
    id_token: Any = None  # oauth2client keeps the decoded claims here
    id_token_jwt: Optional[str] = None
    format: str = "gcal"  # "oauth2client", "google-auth" or "gcal"
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)

    def secrets(self) -> List[Optional[str]]:
        return [self.token, self.refresh_token, self.client_secret, self.id_token_jwt]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def format_expiry(value: Optional[dt.datetime]) -> Optional[str]:
    return None if value is None else value.strftime(EXPIRY_FORMAT)


def parse_expiry(value: str) -> dt.datetime:
    """A naive-UTC datetime from the ISO 8601 forms oauth2client and google-auth write."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    if "." in text:  # Python 3.9's fromisoformat wants exactly 3 or 6 fraction digits
        head, _, tail = text.partition(".")
        digits = ""
        while tail and tail[0].isdigit():
            digits, tail = digits + tail[0], tail[1:]
        text = f"{head}.{(digits + '000000')[:6]}{tail}"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed


# --------------------------------------------------------------------------------------------
# Parsing and serializing


def _problem(path: object, what: str) -> CredentialsFileError:
    return CredentialsFileError(
        f"credentials file {path} {what}; fix or remove it, or {LOGIN_HINT} to replace it"
    )


def _opt_str(data: dict, key: str, path: object) -> Optional[str]:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _problem(path, f"has a non-string '{key}'")
    return value or None


def _scopes(value: object, path: object) -> Optional[List[str]]:
    if value is None:
        return None
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(s, str) for s in value):
        return list(value)
    raise _problem(path, "has a malformed 'scopes' (expected a list of strings)")


def _expiry(value: object, key: str, path: object) -> Optional[dt.datetime]:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _problem(path, f"has a non-string '{key}'")
    try:
        return parse_expiry(value)
    except (ValueError, OverflowError):
        # As oauth2client does, an unreadable expiry is not fatal; the token is then refreshed.
        return dt.datetime(1970, 1, 1)


def parse_credentials(raw: bytes, path: object = "credentials file") -> CredentialsRecord:
    """The record held by `raw`; CredentialsFileError naming `path` when it holds none."""
    if not raw.strip():
        raise _problem(path, "is empty")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _problem(path, "is not valid JSON (truncated or corrupted?)") from None
    if not isinstance(data, dict):
        raise _problem(path, "is not a JSON object")

    kind = data.get("type")
    if kind is not None and kind != "authorized_user":
        # repr: a newline in the file must not split the one-line error
        raise _problem(path, f"holds {kind!r:.40} credentials, not a user's (authorized_user)")
    klass = data.get("_class")
    if klass is not None and klass not in _OAUTH2CLIENT_CLASSES:
        raise _problem(path, f"holds oauth2client {klass!r:.40} credentials, not OAuth2Credentials")
    old = "_module" in data or "_class" in data or "token_expiry" in data or "access_token" in data
    new = kind == "authorized_user" or "token" in data or "expiry" in data
    if old and new:
        fmt = "gcal"
    elif old:
        fmt = "oauth2client"
    elif new or ("refresh_token" in data and "client_id" in data):
        fmt = "google-auth"
    else:
        raise _problem(
            path, "does not hold OAuth credentials (no oauth2client or google-auth keys)"
        )

    client_id = _opt_str(data, "client_id", path)
    if client_id is None:
        raise _problem(path, "has no 'client_id'")
    client_secret = _opt_str(data, "client_secret", path)
    if client_secret is None:
        raise _problem(path, "has no 'client_secret'")
    refresh_token = _opt_str(data, "refresh_token", path)

    # An access token may be under either spelling; if both, the one expiring last wins.
    pairs = []
    for token_key, expiry_key in (("access_token", "token_expiry"), ("token", "expiry")):
        token = _opt_str(data, token_key, path)
        expiry = _expiry(data.get(expiry_key), expiry_key, path)
        if token is not None:
            pairs.append((token, expiry))
    token, expiry = None, None
    if pairs:
        token, expiry = max(pairs, key=lambda p: p[1] or dt.datetime.max)
    if token is None and refresh_token is None:
        raise _problem(path, "holds neither an access token nor a refresh token")

    token_uri = _opt_str(data, "token_uri", path) or GOOGLE_TOKEN_URI
    id_token = data.get("id_token")
    record = CredentialsRecord(
        client_id=client_id,
        client_secret=client_secret,
        token_uri=token_uri,
        token=token,
        refresh_token=refresh_token,
        expiry=expiry,
        scopes=_scopes(data.get("scopes"), path),
        revoke_uri=_opt_str(data, "revoke_uri", path),
        user_agent=_opt_str(data, "user_agent", path),
        token_info_uri=_opt_str(data, "token_info_uri", path),
        id_token=id_token,
        id_token_jwt=_opt_str(data, "id_token_jwt", path),
        format=fmt,
        extra={k: v for k, v in data.items() if k not in _MANAGED_KEYS},
    )
    logs.register_secrets(record.secrets())
    if isinstance(id_token, str):
        logs.register_secret(id_token)
    return record


def serialize(record: CredentialsRecord) -> bytes:
    """One JSON object that oauth2client's `Storage` and google-auth's loaders both accept."""
    expiry = format_expiry(record.expiry)
    data: Dict[str, Any] = dict(record.extra)
    data.update(
        {
            # oauth2client.client.OAuth2Credentials
            "_module": "oauth2client.client",
            "_class": "OAuth2Credentials",
            "access_token": record.token,
            "client_id": record.client_id,
            "client_secret": record.client_secret,
            "refresh_token": record.refresh_token,
            "token_expiry": expiry,
            "token_uri": record.token_uri,
            "user_agent": record.user_agent,
            "revoke_uri": record.revoke_uri,
            "id_token": record.id_token,
            "id_token_jwt": record.id_token_jwt,
            "token_response": None,
            "scopes": list(record.scopes or []),
            "token_info_uri": record.token_info_uri,
            "invalid": False,
            # google.oauth2.credentials.Credentials (authorized_user)
            "type": "authorized_user",
            "token": record.token,
            "expiry": expiry,
        }
    )
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------
# The file on disk


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
            raw = self.path.read_bytes()
        except FileNotFoundError:
            if self.path.is_symlink():
                raise _problem(self.path, "is a dangling symlink") from None
            return None
        except OSError as exc:
            raise CredentialsFileError(
                f"cannot read credentials file {self.path}: {_reason(exc)}"
            ) from None
        record = parse_credentials(raw, self.path)
        self._tighten_permissions()
        return record

    def _tighten_permissions(self) -> None:
        if os.name != "posix" or self.path.is_symlink():
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
            try:
                if hasattr(os, "fchmod"):
                    os.fchmod(fd, 0o600)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
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
            _held(fd, self.lock_path)
            try:
                self._depth = 1
                try:
                    yield
                finally:
                    self._depth = 0
                    if _unheld(fd):
                        with contextlib.suppress(OSError):
                            os.unlink(self.lock_path)
                        _release(fd)
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
                _acquire(fd, max(0.0, deadline - time.monotonic()), self.lock_path, timeout)
                if _same_file(fd, self.lock_path):
                    return fd
                _release(fd)
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)


#: the lock files this process holds (descriptor -> path), for `_release_at_exit`
_HELD: Dict[int, Path] = {}
_HELD_LOCK = threading.Lock()


def _held(fd: int, path: Path) -> None:
    with _HELD_LOCK:
        if not _HELD:
            import atexit

            atexit.unregister(_release_at_exit)
            atexit.register(_release_at_exit)
        _HELD[fd] = path


def _unheld(fd: int) -> bool:
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
        if _same_file(fd, path):
            with contextlib.suppress(OSError):
                os.unlink(path)
        _release(fd)


def _same_file(fd: int, path: Path) -> bool:
    """Whether the open `fd` is still the file at `path` (not removed or replaced since)."""
    if os.name != "posix":
        return True
    try:
        mine, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


def _acquire(fd: int, timeout: float, lock_path: Path, total: Optional[float] = None) -> None:
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


def _release(fd: int) -> None:
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


# --------------------------------------------------------------------------------------------
# google-auth credentials that save themselves


#: google-auth renews a token this long before it expires (its `_helpers.REFRESH_THRESHOLD`)
REFRESH_THRESHOLD = dt.timedelta(minutes=3, seconds=45)


def _refresh_threshold() -> dt.timedelta:
    from google.auth import _helpers

    return getattr(_helpers, "REFRESH_THRESHOLD", REFRESH_THRESHOLD)


def is_fresh(record: CredentialsRecord, threshold: Optional[dt.timedelta] = None) -> bool:
    """Whether the stored access token can be sent as it is: google-auth's own rule (a token
    that expires within the threshold is renewed first). Without `threshold`, google-auth's
    default, so that this can be asked without importing google-auth."""
    if not record.token:
        return False
    if record.expiry is None:
        return True
    return record.expiry - (threshold or REFRESH_THRESHOLD) > utcnow()


def _is_fresh(record: CredentialsRecord) -> bool:
    return is_fresh(record, _refresh_threshold())


def _credentials_class():
    from google.oauth2 import credentials as oauth2_credentials

    class StoredCredentials(oauth2_credentials.Credentials):
        """google-auth user credentials bound to a credentials file.

        `refresh` (called by gcal and by google-auth-httplib2's `AuthorizedHttp` on a 401) locks
        the file, adopts a token another process has just stored, otherwise refreshes, and saves.
        Failures are raised as gcal's own errors.
        """

        _gcal_store: Optional[CredentialsStore] = None
        _gcal_record: Optional[CredentialsRecord] = None
        #: hosts besides Google's trusted with the refresh token (--api-endpoint's)
        _gcal_trusted: Tuple[str, ...] = ()

        def _make_copy(self):
            copy = super()._make_copy()
            copy._gcal_store = self._gcal_store
            copy._gcal_record = self._gcal_record
            return copy

        @property
        def store(self) -> Optional[CredentialsStore]:
            return self._gcal_store

        def refresh(self, request) -> None:
            store = self._gcal_store
            if store is None:
                self._refresh_now(request)
                return
            with store.lock():
                disk = store.read()
                ours = False
                if disk is not None and disk.client_id == self._client_id:
                    ours = True
                    if disk.token != self.token and _is_fresh(disk):
                        self.token = disk.token
                        self.expiry = disk.expiry
                        self._refresh_token = disk.refresh_token or self._refresh_token
                        self._gcal_record = disk
                        return
                    if disk.refresh_token:
                        self._refresh_token = disk.refresh_token
                    self._gcal_record = disk
                self._refresh_now(request)
                # A file removed meanwhile (`gcal auth logout`) or now holding another OAuth
                # client's login (`gcal auth login`) is newer than these credentials: this
                # process goes on with its refreshed token but must not put them back.
                if ours:
                    store.write(record_from_credentials(self, self._gcal_record))

        def _refresh_now(self, request) -> None:
            from google.auth import exceptions as gexc

            from gcal.google.client_secrets import check_endpoint, check_token_host

            where = self._gcal_store.path if self._gcal_store else "the credentials"
            endpoint = self._token_uri or GOOGLE_TOKEN_URI
            if not self._refresh_token:
                raise AuthError(
                    f"the access token in {where} has expired and there is no refresh token "
                    f"to renew it; {LOGIN_HINT}"
                )
            check_endpoint(endpoint, "token_uri", where)
            check_token_host(endpoint, self._gcal_trusted, where)
            statuses: List[int] = []

            def recording(*args: Any, **kwargs: Any) -> Any:
                # google-auth's RefreshError does not carry the HTTP status, which is what
                # tells a failing endpoint (5xx: try later) from a refused grant (log in).
                response = request(*args, **kwargs)
                statuses.append(response.status)
                check_token_response(response.status, response.headers, response.data, endpoint)
                return response

            try:
                super().refresh(recording)
            except gexc.RefreshError as exc:
                status = statuses[-1] if statuses else None
                raise refresh_error(exc, endpoint, where, status) from None
            except (gexc.TransportError, OSError) as exc:
                # google-auth-httplib2 (the refresh on a 401) lets socket time-outs through raw.
                raise transport_error(exc, endpoint) from None
            logs.register_secrets([self.token, self._refresh_token])

    return StoredCredentials


_CLASS = None


def stored_credentials_class():
    """The `google.oauth2.credentials.Credentials` subclass gcal hands out (built lazily)."""
    global _CLASS
    if _CLASS is None:
        _CLASS = _credentials_class()
    return _CLASS


def _first_line(exc: BaseException) -> str:
    text = str(exc.args[0]) if exc.args else exc.__class__.__name__
    return text.strip().splitlines()[0] if text.strip() else exc.__class__.__name__


def _fails_fast(exc: BaseException) -> bool:
    """Refused connection or unknown host, anywhere in `exc`'s chain: retrying cannot help."""
    seen = set()
    todo: List[Any] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, (ConnectionRefusedError, socket.gaierror)):
            return True
        if type(item).__name__ == "ServerNotFoundError":  # httplib2's, without importing it
            return True
        todo.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return False


class NotHttpAnswer(ConnectionError):
    """A server answered with something that is not HTTP (another protocol on the port)."""

    def __init__(self, first_bytes: str) -> None:
        super().__init__(f"not HTTP, starting {first_bytes!r}")
        self.first_bytes = first_bytes


def _find_in_chain(exc: BaseException, kind: type) -> Optional[BaseException]:
    seen = set()
    todo: List[Any] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind):
            return item
        todo.extend([item.__cause__, item.__context__, *item.args])
    return None


def transport_error(exc: BaseException, endpoint: str) -> NetworkError:
    """The gcal error for a token request that got no answer: transient (retried by
    `gcal.google.retry`) unless the endpoint refuses connections or does not resolve, or
    answers in another protocol (retrying cannot help)."""
    not_http = _find_in_chain(exc, NotHttpAnswer)
    if not_http is not None:
        return not_token_endpoint(endpoint, str(not_http))
    bad_line = _find_in_chain(exc, http.client.BadStatusLine)  # through requests/urllib3
    if bad_line is not None:
        line = " ".join(str(bad_line.args[0] if bad_line.args else "").split())[:40]
        return not_token_endpoint(endpoint, str(NotHttpAnswer(line)))
    if isinstance(exc, (TimeoutError, socket.timeout)) or "timed out" in str(exc):
        reason = "timed out"
    else:
        reason = logs.redact(_first_line(exc))
    message = f"cannot reach the token endpoint {endpoint}: {reason}"
    if _fails_fast(exc):
        return NetworkError(message)
    return TransientNetworkError(message)


def _is_retryable_status(status: int) -> bool:
    return status >= 500 or status in (408, 429)


def describe_answer(headers: Any, data: bytes) -> str:
    """The content type and first bytes of an answer, for a message about a wrong server."""
    content_type = None
    for key, value in dict(headers or {}).items():
        if str(key).lower() == "content-type":
            content_type = str(value).split(";")[0].strip()
    head = bytes(data or b"")[:40].decode("utf-8", "replace")
    head = " ".join(head.split())
    return f"content type {content_type or 'none'}, starting {head!r}"


def not_token_endpoint(endpoint: str, detail: str) -> NetworkError:
    """The error for a server at `endpoint` that does not answer as an OAuth token endpoint
    would (a captive portal's login page, a proxy, another protocol): exit 5, never a hint to
    log in again, since the login is not what is wrong."""
    return NetworkError(
        f"the answer from {endpoint} was not Google's token endpoint ({logs.redact(detail)}); "
        "check the network (a captive portal or proxy?) and the token_uri"
    )


def check_token_response(status: int, headers: Any, data: bytes, endpoint: str) -> None:
    """Raise for a token-endpoint answer that google-auth must not see.

    A transient failure (5xx, 408, 429) is raised as TransientNetworkError at once, so that
    google-auth's own retry loop (3 attempts, fixed waits) does not run inside gcal's: the
    retries are `--retries`, counted truly. A 200 that is not a JSON object (an HTML page) is
    not the token endpoint at all; google-auth would fail on it with a TypeError.
    """
    try:
        body: Any = json.loads(bytes(data or b"").decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        body = None
    except RecursionError:  # nested deeper than any token answer: google-auth would crash on it
        raise not_token_endpoint(endpoint, f"JSON nested too deeply, {len(data)} bytes") from None
    if _is_retryable_status(status):
        from google.auth import exceptions as gexc

        raise refresh_error(gexc.RefreshError("unavailable", body), endpoint, endpoint, status)
    if status == 200 and not isinstance(body, dict):
        raise not_token_endpoint(endpoint, describe_answer(headers, data))


def refresh_error(
    exc: BaseException, endpoint: str, where: object, status: Optional[int] = None
) -> Exception:
    """The gcal error for a google-auth RefreshError from `endpoint` (answered HTTP `status`).

    A server failure (5xx, 408, 429) is a network error, retried and then exit 5, whatever the
    body: a front end's HTML error page must not send the user to log in again.
    """
    data = exc.args[1] if len(exc.args) > 1 else None
    error = data.get("error") if isinstance(data, dict) else None
    if status is not None and _is_retryable_status(status):
        detail = f"HTTP {status}"
        if isinstance(error, str):
            description = data.get("error_description") if isinstance(data, dict) else None
            detail += f": {error}" + (f" ({description})" if description else "")
        return TransientNetworkError(
            f"the token endpoint {endpoint} is unavailable: {logs.redact(detail)}"
        )
    if error == "invalid_grant":
        return AuthError(
            f"the refresh token in {where} was revoked or has expired (apps whose OAuth "
            f"consent screen is in 'Testing' get refresh tokens that expire after 7 days); "
            f"{LOGIN_HINT}"
        )
    if error in ("invalid_client", "unauthorized_client", "deleted_client"):
        return AuthError(
            f"the token endpoint {endpoint} rejected the OAuth client in {where} ({error}); "
            f"{LOGIN_HINT} with a valid client file"
        )
    message = logs.redact(_first_line(exc))
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        # A Google-API-shaped body (proxies, front ends) rather than an OAuth one: google-auth
        # would show the dict's repr.
        code = error.get("code")
        message = logs.redact(f"HTTP {code}: {error['message']}" if code else error["message"])
    if getattr(exc, "retryable", False):
        return NetworkError(f"the token endpoint {endpoint} is unavailable: {message}")
    return AuthError(f"could not refresh the access token at {endpoint}: {message}; {LOGIN_HINT}")


def credentials_from_record(
    record: CredentialsRecord,
    store: Optional[CredentialsStore] = None,
    trusted: Tuple[str, ...] = (),
):
    """A `StoredCredentials` for `record`, saving its refreshes to `store`; its refresh token
    goes only to Google's token endpoint or one on a `trusted` host."""
    cls = stored_credentials_class()
    creds = cls(
        record.token,
        refresh_token=record.refresh_token,
        token_uri=record.token_uri,
        client_id=record.client_id,
        client_secret=record.client_secret,
        scopes=record.scopes,
        expiry=record.expiry,
    )
    creds._gcal_store = store
    creds._gcal_record = record
    creds._gcal_trusted = tuple(trusted)
    return creds


def record_from_credentials(creds, base: Optional[CredentialsRecord] = None) -> CredentialsRecord:
    """The record to store for `creds`, keeping the fields of `base` that google-auth lacks."""
    expiry = creds.expiry
    if expiry is not None and expiry.tzinfo is not None:
        expiry = expiry.astimezone(dt.timezone.utc).replace(tzinfo=None)
    fields = dict(
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        token_uri=creds.token_uri or GOOGLE_TOKEN_URI,
        token=creds.token,
        refresh_token=creds.refresh_token,
        expiry=expiry,
        scopes=list(creds.scopes) if creds.scopes else None,
        format="gcal",
    )
    if base is None:
        return CredentialsRecord(**fields)  # type: ignore[arg-type]
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]


def load_credentials(path: os.PathLike | str, trusted: Optional[Tuple[str, ...]] = None):
    """The stored credentials at `path` (bound to it for saving refreshes), or None. A program
    that names the file trusts its token endpoint unless `trusted` says which hosts to."""
    store = CredentialsStore(path)
    record = store.read()
    if record is None:
        return None
    if trusted is None:
        from gcal.google.client_secrets import trusted_token_hosts

        trusted = trusted_token_hosts(record.token_uri)
    return credentials_from_record(record, store, trusted)


def save_credentials(creds, path: os.PathLike | str, base: Optional[CredentialsRecord] = None):
    """Store `creds` at `path` under the lock; returns them bound to the file."""
    store = CredentialsStore(path)
    record = record_from_credentials(creds, base)
    with store.lock():
        store.write(record)
    bound = credentials_from_record(record, store)
    return bound
