"""gcal's own error types, each carrying the exit code the CLI reports.

Every failure a user can cause or meet is raised as a `GcalError`; the CLI turns it into one line
on stderr and the documented exit code. Anything else escaping is a bug. This module imports
nothing so that any module, however light, can raise these.
"""

from __future__ import annotations


class GcalError(Exception):
    """Base of every error gcal reports to the user. `exit_code` follows DESIGN's table."""

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class Cancelled(Exception):
    """Work on another thread stopped because the user interrupted (Ctrl-C): not a failure to
    report, the main thread reports the interruption (exit 130)."""


class UsageError(GcalError):
    """A bad option or value, caught before any request is sent (exit 2)."""

    exit_code = 2


class TimeSpecError(UsageError):
    """A time option that the time grammar cannot read (exit 2)."""


class AuthError(GcalError):
    """Authentication is needed or failed: client secrets, login, refresh (exit 3)."""

    exit_code = 3


class FirstContactError(AuthError):
    """Nothing is set up yet (no login, no OAuth client file): a short block of `lines` that
    says what is missing and what to run, printed as it is rather than as one error line
    (exit 3)."""

    def __init__(self, message: str, lines: list) -> None:
        super().__init__(message)  # where one line is wanted (one profile among several)
        self.lines = [str(line) for line in lines]


class CredentialsFileError(AuthError):
    """The credentials file is unreadable, malformed or unsafe (exit 3)."""


class ApiError(GcalError):
    """The Calendar API answered with an error (exit 1)."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        reason: str | None = None,
        exit_code: int | None = None,
    ) -> None:
        super().__init__(message, exit_code=exit_code)
        self.status = status
        self.reason = reason


class NotFoundError(ApiError):
    """A calendar or event does not exist or is not visible (exit 4)."""

    exit_code = 4


class ChangedError(ApiError):
    """A write refused because the event changed since gcal read it (HTTP 412 on If-Match):
    nothing was overwritten (exit 6)."""

    exit_code = 6


class NetworkError(GcalError):
    """The network failed or the service stayed unavailable after retries (exit 5)."""

    exit_code = 5


class TransientNetworkError(NetworkError):
    """A failure worth retrying that surfaced below the API call, e.g. a token endpoint that
    timed out or reset the connection during a refresh; the retry loop in `gcal.google.retry`
    retries it like a failed API request (exit 5 when the retries run out)."""


class LocalFileError(GcalError):
    """A local file gcal needs cannot be used: the store, its journal, the cache folder, an
    output file (read-only, full disk, locked, unsafe permissions) (exit 7)."""

    exit_code = 7


EXIT_OK = 0
EXIT_API = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_NETWORK = 5
EXIT_CHANGED = 6
EXIT_LOCAL = 7
EXIT_INTERRUPTED = 130
