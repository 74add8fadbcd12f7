"""Logging for gcal: the old sample's `--logging_level`, with every secret scrubbed.

`configure_logging("DEBUG")` sends log records of every library (httplib2, google-auth, gcal)
to stderr. The handler carries a `RedactingFilter` and a `RedactingFormatter`, so no access
token, refresh token, client secret, authorization code or PKCE code verifier ever reaches a log
line, whatever the level and whichever library logged it.

`redact(text)` is the same scrubbing for anyone who prints request lines or bodies themselves;
`register_secret(value)` adds an exact value (a token just loaded or issued) to scrub everywhere.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from typing import Iterable, Mapping

from gcal.errors import UsageError
from gcal.lazyre import LazyPattern

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
REDACTED = "[REDACTED]"

# Names whose values are secrets wherever they appear: JSON, Python reprs, form bodies, queries.
_SECRET_KEYS = (
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "code_verifier",
    "code",
    "token",
    "assertion",
    "password",
    "rapt",
    "rapt_token",
)
_KEYS = "|".join(sorted(_SECRET_KEYS, key=len, reverse=True))

# compiled at the first `redact`: a run that logs nothing and fails nowhere never pays for them
_PATTERNS = (
    # JSON / Python dict repr:  "access_token": "..."  or  'code': '...'
    (
        LazyPattern(
            r"""(?P<q>["'])(?P<k>"""
            + _KEYS
            + r""")(?P=q)(?P<sep>\s*:\s*)(?P<v>["'])(?:\\.|(?!(?P=v)).)*(?P=v)""",
            re.I,
        ),
        lambda m: f"{m['q']}{m['k']}{m['q']}{m['sep']}{m['v']}{REDACTED}{m['v']}",
    ),
    # form bodies and query strings:  refresh_token=...&  code=...
    (
        LazyPattern(r"(?<![A-Za-z0-9_])(?P<k>" + _KEYS + r")=(?P<v>[^&\s'\"<>]+)", re.I),
        lambda m: f"{m['k']}={REDACTED}",
    ),
    # Authorization headers
    (
        LazyPattern(r"\b(?P<k>Bearer|Basic)\s+[A-Za-z0-9._~+/=\-]+", re.I),
        lambda m: f"{m['k']} {REDACTED}",
    ),
    # Google token shapes, wherever they are
    (LazyPattern(r"\bya29\.[A-Za-z0-9._\-]+"), lambda m: "ya29." + REDACTED),
    (LazyPattern(r"(?<![A-Za-z0-9])1//[A-Za-z0-9._\-]+"), lambda m: "1//" + REDACTED),
    (LazyPattern(r"(?<![A-Za-z0-9])4/0[A-Za-z0-9._\-]{8,}"), lambda m: "4/" + REDACTED),
    (LazyPattern(r"\bGOCSPX-[A-Za-z0-9._\-]+"), lambda m: "GOCSPX-" + REDACTED),
)

_MIN_SECRET_LEN = 6
_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_secrets_sorted: tuple[str, ...] = ()


def register_secret(value: object) -> None:
    """Scrub this exact value (and its URL-encoded form) from every later log line and `redact`."""
    global _secrets_sorted
    if not isinstance(value, str) or len(value) < _MIN_SECRET_LEN:
        return
    from urllib.parse import quote, quote_plus

    with _secrets_lock:
        _secrets.update({value, quote(value, safe=""), quote_plus(value)})
        _secrets_sorted = tuple(sorted(_secrets, key=len, reverse=True))


def register_secrets(values: Iterable[object]) -> None:
    for value in values:
        register_secret(value)


def redact(text: object) -> str:
    """`text` with every known secret and every secret-looking value replaced by [REDACTED]."""
    if not isinstance(text, str):
        text = str(text)
    for secret in _secrets_sorted:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-goog-api-key"}


def redact_headers(headers: Mapping[str, object]) -> dict:
    """A copy of `headers` fit for a log line: credentials-bearing headers replaced."""
    return {
        k: (REDACTED if str(k).lower() in _SECRET_HEADERS else redact(v))
        for k, v in headers.items()
    }


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (args merged in) and exception text, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """Redacts the finished line too, so nothing added at format time escapes."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at emit time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


_handler: logging.Handler | None = None


def parse_level(level_name: str) -> int:
    name = str(level_name).strip().upper()
    if name not in LEVELS:
        raise UsageError(f"invalid logging level {level_name!r}: choose one of {', '.join(LEVELS)}")
    return getattr(logging, name)


def configure_logging(level_name: str = "ERROR") -> logging.Handler:
    """Log at `level_name` (DEBUG..CRITICAL) to stderr through a redacting handler.

    Calling it again replaces gcal's handler rather than adding a second one.
    """
    global _handler
    level = parse_level(level_name)
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    handler = _StderrHandler()
    handler.setLevel(level)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    _handler = handler
    return handler


def warn(message: str) -> None:
    """A one-line warning for the user on stderr (not a log record: always shown)."""
    sys.stderr.write(f"gcal: warning: {redact(message)}\n")
    sys.stderr.flush()


def info(message: str) -> None:
    """A one-line notice for the user on stderr."""
    sys.stderr.write(f"gcal: {redact(message)}\n")
    sys.stderr.flush()
