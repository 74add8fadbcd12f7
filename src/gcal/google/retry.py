"""The one retry loop of gcal: jittered exponential backoff, bounded in attempts and in time.

API requests and token requests both go through `call_with_retries`, so they back off and give
up alike. It lives apart from the API client so that the login code can use it without
importing the client (and the client can import the login code without a cycle).
"""

from __future__ import annotations

import functools
import logging
import os
import random
import time
from typing import Any, Callable, Optional

from gcal.errors import GcalError, NetworkError, TransientNetworkError
from gcal.settings import Settings

log = logging.getLogger("gcal.google.retry")

BACKOFF_BASE = 0.5  # seconds before the first retry; doubles each time (with jitter)
BACKOFF_BASE_ENV = "GCAL_BACKOFF_BASE"  # overrides BACKOFF_BASE (e.g. tiny, in tests)
BACKOFF_CAP = 32.0  # no single wait is longer than this
RETRY_AFTER_CAP = 120.0  # a Retry-After beyond this is not worth waiting for


def _retry_after(headers: Any) -> Optional[float]:
    value = headers.get("retry-after") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


def backoff_base() -> float:
    """BACKOFF_BASE, or GCAL_BACKOFF_BASE when set to a number >= 0 (read on each call, so a
    test can make a retry take milliseconds in a subprocess as well as in-process)."""
    text = os.environ.get(BACKOFF_BASE_ENV)
    if text:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if 0 <= value <= BACKOFF_CAP:
            return value
    return BACKOFF_BASE


def backoff_delay(attempt: int, retry_after: Optional[float] = None) -> float:
    """Full-jitter exponential backoff; a server's Retry-After is a floor, not a suggestion."""
    delay = random.uniform(0, min(BACKOFF_CAP, backoff_base() * (2**attempt)))
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_CAP))
    return delay


class Retryable(Exception):
    """One attempt failed in a way worth retrying.

    `give_up(attempts)` is the error to raise when no retry is left; `retry_after` is the
    server's Retry-After, a floor for the next wait.
    """

    def __init__(
        self,
        description: str,
        give_up: Callable[[int], GcalError],
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(description)
        self.description = description
        self.give_up = give_up
        self.retry_after = retry_after


def call_with_retries(
    settings: Settings, action: Callable[[], Any], *, sleep: Callable[[float], None] = time.sleep
) -> Any:
    """`action()`, retried with jittered backoff while it raises Retryable or
    TransientNetworkError, bounded by `settings.max_retries` and `settings.retry_max_time`:
    this request's retries end within it, and so do the whole command's (its Settings carry
    one `RetryBudget`, the time spent in failed attempts and waits; once that has passed
    `retry_max_time`, a failed request is not retried). Each attempt is itself bounded by
    `settings.timeout` (see `gcal.google.bounded`).

    The one retry loop of gcal: API requests and the token refresh before the first request
    both go through it, so they back off and give up alike.
    """
    deadline = time.monotonic() + settings.retry_max_time
    budget = getattr(settings, "retry_budget", None)
    attempt = 0
    while True:
        started = time.monotonic()
        try:
            return action()
        except Retryable as exc:
            failure = exc
        except TransientNetworkError as exc:  # e.g. a token refresh that timed out
            failure = Retryable(exc.message, functools.partial(_gave_up, exc.message))
        attempt += 1
        delay = backoff_delay(attempt - 1, failure.retry_after)
        now = time.monotonic()
        # the whole command's waiting on failures, this failed attempt included
        waited = budget.add(now - started) if budget is not None else 0.0
        if (
            attempt > settings.max_retries
            or not now + delay <= deadline  # (not <=: a nan bound stops, never waits forever)
            or not waited + delay <= settings.retry_max_time
        ):
            raise failure.give_up(attempt) from None
        if budget is not None:
            budget.add(delay)
        log.warning(
            "retrying in %.1fs after %s (attempt %d of %d)",
            delay,
            failure.description,
            attempt + 1,
            settings.max_retries + 1,
        )
        sleep(delay)


def attempts_text(count: int) -> str:
    """ "1 attempt", "3 attempts": what a give-up message counts (every request sent)."""
    return f"{count} attempt" if count == 1 else f"{count} attempts"


def _gave_up(message: str, attempts: int) -> GcalError:
    return NetworkError(f"{message} (gave up after {attempts_text(attempts)})")
