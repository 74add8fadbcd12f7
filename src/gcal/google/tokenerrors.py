"""What a token endpoint's failure means to gcal: no answer (`transport_error`: transient, or
final when the host refuses or does not resolve), an answer that is not a token endpoint's (a
captive portal's page, another protocol: `not_token_endpoint`, `NotHttpAnswer`), a server
failure (retried), a refused grant or client (log in again) (`refresh_error`), checked before
google-auth sees an answer (`check_token_response`).

Separate from the credentials themselves (`gcal.google.credentials`) because the login's token
exchange (`gcal.google.oauthflow`) and the transport share these rules.
"""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any, Iterator, List, Optional

from gcal import logs
from gcal.errors import AuthError, NetworkError, TransientNetworkError
from gcal.google.credrecord import LOGIN_HINT


def _first_line(exc: BaseException) -> str:
    text = str(exc.args[0]) if exc.args else exc.__class__.__name__
    return text.strip().splitlines()[0] if text.strip() else exc.__class__.__name__


def _chain(exc: BaseException, *, reason: bool = False) -> Iterator[BaseException]:
    """`exc` and every exception behind it, once each: its cause, its context, the exceptions
    among its arguments and, with `reason`, a `reason` attribute (urllib's URLError)."""
    seen = set()
    todo: List[Any] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        behind = [item.__cause__, item.__context__]
        if reason:
            behind.append(getattr(item, "reason", None))
        todo.extend([*behind, *item.args])


def _fails_fast(exc: BaseException) -> bool:
    """Refused connection or unknown host, anywhere in `exc`'s chain: retrying cannot help."""
    return any(
        isinstance(item, (ConnectionRefusedError, socket.gaierror))
        or type(item).__name__ == "ServerNotFoundError"  # httplib2's, without importing it
        for item in _chain(exc, reason=True)
    )


class NotHttpAnswer(ConnectionError):
    """A server answered with something that is not HTTP (another protocol on the port)."""

    def __init__(self, first_bytes: str) -> None:
        super().__init__(f"not HTTP, starting {first_bytes!r}")
        self.first_bytes = first_bytes


def _find_in_chain(exc: BaseException, kind: type) -> Optional[BaseException]:
    return next((item for item in _chain(exc) if isinstance(item, kind)), None)


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
