"""Talking to the Calendar API: building the client, following pages, retrying, mapping errors.

google-api-python-client does the request building (from the discovery document it bundles, so
no network is needed to start); this module adds what a command-line tool needs around it:

* every request has a timeout, and transient failures (429, 5xx, 403 rate limits, connection
  resets and time-outs) are retried with jittered exponential backoff that honours Retry-After,
  bounded both in attempts and in total time;
* pages are followed to the end, asking for the largest page the API serves unless the user
  caps the page size or the total (`--limit`, which never asks for more than it still needs);
* API failures become gcal's own errors with the documented exit codes and Google's message;
* at DEBUG, every request line is logged with the Authorization header redacted.

Importing this module is cheap; googleapiclient and httplib2 are imported when a client is built.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import time
from typing import Any, Callable, Dict, Iterator, Optional, Tuple
from urllib.parse import urlsplit

from gcal.errors import (
    ApiError,
    AuthError,
    GcalError,
    NetworkError,
    NotFoundError,
)
from gcal.google import bounded
from gcal.google.params import BODY_METHODS, MAX_PAGE_SIZE, METHODS
from gcal.google.retry import (
    Retryable,
    _retry_after,
    attempts_text,
    call_with_retries,
)
from gcal.settings import Settings

log = logging.getLogger("gcal.google.api")

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
RETRYABLE_403_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
# A 403 for a token without a Calendar scope (a consent screen where the user unticked the
# calendar box grants the other scopes only): a new login fixes it, so it is an auth failure.
SCOPE_REASONS = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})


class Client:
    """A built Calendar service plus the settings that govern its requests."""

    def __init__(
        self,
        service: Any,
        settings: Settings,
        endpoint: str,
        *,
        credentials: Any = None,
        http: Any = None,
    ) -> None:
        self.service = service
        self.settings = settings
        self.endpoint = endpoint
        self.credentials = credentials
        self.http = http  # this client's own connection; None: the service's

    def method(self, command: str) -> Callable[..., Any]:
        resource, name = METHODS.get(command) or BODY_METHODS[command]
        return getattr(getattr(self.service, resource)(), name)


def connect(settings: Settings) -> Client:
    """Authenticate (from the stored token, or a login when allowed) and build the client."""
    from gcal.google import auth

    credentials = auth.get_credentials(settings)
    return build_client(settings, credentials)


def build_client(settings: Settings, credentials: Any) -> Client:
    """Build the Calendar v3 service from the bundled discovery document (no network)."""
    import google_auth_httplib2

    build = _import_build()

    http = google_auth_httplib2.AuthorizedHttp(credentials, http=_transport(settings.timeout))
    options = {"api_endpoint": settings.api_endpoint} if settings.api_endpoint else None
    service = build(
        "calendar",
        "v3",
        http=http,
        client_options=options,
        static_discovery=True,
        cache_discovery=False,
    )
    endpoint = settings.api_endpoint or service._baseUrl
    return Client(service, settings, endpoint, credentials=credentials)


def _import_build() -> Callable[..., Any]:
    """googleapiclient's `build`, imported without oauth2client.

    googleapiclient imports oauth2client whenever it is installed (as it is beside Google's old
    calendar_sample.py), only to accept its legacy credentials objects, which gcal never passes;
    that import (pyasn1, rsa) costs a tenth of gcal's start-up. It is hidden while
    googleapiclient loads and restored at once, so other code can still import it.
    """
    import sys

    if "googleapiclient.discovery" in sys.modules or "oauth2client" in sys.modules:
        from googleapiclient.discovery import build

        return build
    sys.modules["oauth2client"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        from googleapiclient.discovery import build
    finally:
        if sys.modules.get("oauth2client", False) is None:
            del sys.modules["oauth2client"]
    return build


def worker_client(client: Client) -> Client:
    """A client for another thread: the same built service (building one costs tens of
    milliseconds) but its own connection, since an httplib2.Http must not be shared between
    threads. The credentials are shared: they are valid when the work starts."""
    import google_auth_httplib2

    if client.credentials is None:
        raise ValueError("worker_client needs a client made by build_client")
    http = google_auth_httplib2.AuthorizedHttp(
        client.credentials, http=_transport(client.settings.timeout)
    )
    return Client(
        client.service, client.settings, client.endpoint, credentials=client.credentials, http=http
    )


def _transport(timeout: float) -> Any:
    """The httplib2.Http under every API request: it names gcal in the User-Agent (as Google
    asks of API clients) and logs each request line at DEBUG, with credentials redacted."""
    import httplib2

    from gcal import __version__
    from gcal.logs import redact_headers

    agent = f"gcal/{__version__}"

    class Transport(httplib2.Http):
        def request(self, uri, method="GET", body=None, headers=None, *args, **kwargs):  # type: ignore[override]
            headers = dict(headers or {})
            headers["user-agent"] = f"{agent} {headers.get('user-agent', '')}".strip()
            if log.isEnabledFor(logging.DEBUG):
                log.debug("request: %s %s headers=%s", method, uri, redact_headers(headers))
            started = time.monotonic()
            if kwargs.get("connection_type") is None and len(args) < 2:
                scheme = uri.split(":", 1)[0].lower()
                kwargs["connection_type"] = bounded.httplib2_connections().get(scheme)
            try:
                response, content = super().request(uri, method, body, headers, *args, **kwargs)
            except BaseException:
                # a request that timed out, was cut or was refused mid-answer leaves its
                # connection unusable: the next request opens a new one
                for conn in list(self.connections.values()):
                    conn.close()
                raise
            if response.status >= 300 and content and _nested_too_deeply(content):
                # googleapiclient parses an error body itself and would crash on it: the
                # error is then told by its status and reason phrase alone
                log.debug("an error body nested too deeply to read was dropped")
                content = b""
            log.debug(
                "response: %s %s for %s %s (%.0f ms, %d bytes)",
                response.status,
                response.reason,
                method,
                uri.split("?", 1)[0],
                (time.monotonic() - started) * 1000,
                len(content or b""),
            )
            return response, content

    return Transport(timeout=timeout)


# --------------------------------------------------------------------------------------------
# Errors


def _nested_too_deeply(content: bytes) -> bool:
    """Whether a (small) error body is JSON that cannot be parsed for its depth."""
    if content.lstrip()[:1] not in (b"{", b"["):
        return False
    try:
        json.loads(content.decode("utf-8", "replace"))
    except RecursionError:
        return True
    except ValueError:
        return False
    return False


def google_error(content: bytes) -> Tuple[Optional[str], Optional[str]]:
    """(reason, message) from Google's JSON error body; (None, None) when it is not one."""
    try:
        data = json.loads(content.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, AttributeError, RecursionError):
        return None, None
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return None, None
    message = error.get("message") if isinstance(error.get("message"), str) else None
    reason = None
    errors = error.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        reason = errors[0].get("reason")
    details = error.get("details")
    if not reason and isinstance(details, list):
        # Newer Google errors may carry only a google.rpc.ErrorInfo, e.g.
        # {"@type": ".../google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}.
        for detail in details:
            if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("ErrorInfo"):
                reason = detail.get("reason")
                break
    if not isinstance(reason, str):
        reason = None
    return reason, message


def is_retryable(status: int, reason: Optional[str]) -> bool:
    return status in RETRYABLE_STATUS or (status == 403 and reason in RETRYABLE_403_REASONS)


def describe_target(command: str, request: Dict[str, Any]) -> str:
    if command in ("instances", "show"):
        return f"event {request.get('eventId')!r} in calendar {request.get('calendarId')!r}"
    if command == "events":
        return f"calendar {request.get('calendarId')!r}"
    if command == "freebusy":
        return "free/busy query"
    return "calendar list"


def http_error(
    status: int,
    content: bytes,
    command: str,
    request: Dict[str, Any],
    phrase: Optional[str] = None,
    *,
    uri: Optional[str] = None,
) -> GcalError:
    """The gcal error for an HTTP error the API answered (after retries, if any).

    `phrase` is the HTTP reason phrase, shown when the body is not Google's JSON (an HTML page
    or nothing at all from a front end or proxy). `uri` is the URL requested: a 404 that is not
    Google's JSON comes from a path the API does not serve, so the endpoint URL is wrong.
    """
    reason, message = google_error(content)
    if status == 404 and message is None:
        url = (uri or "the requested URL").split("?", 1)[0]
        return NetworkError(
            f"the API endpoint URL looks wrong: {url} answered HTTP 404 with a page that is "
            "not the Calendar API's (check --api-endpoint, e.g. "
            "https://www.googleapis.com/calendar/v3/)"
        )
    message = message or phrase or "no message"
    if status == 404:
        return NotFoundError(
            f"{describe_target(command, request)} not found (HTTP 404: {message})",
            status=status,
            reason=reason,
        )
    if status == 410:
        return gone_error(message, reason, command, request)
    if status == 401:
        return AuthError(
            f"the API refused the credentials (HTTP 401: {message}); run 'gcal auth login'"
        )
    if status == 403 and reason in SCOPE_REASONS:
        return AuthError(
            f"the credentials do not grant access to calendars (HTTP 403: {message}); "
            "run 'gcal auth login' and allow gcal to see your calendars"
        )
    text = f"the Calendar API answered HTTP {status}" + (f" ({reason})" if reason else "")
    text += f": {message}"
    if is_retryable(status, reason):
        return NetworkError(text + " (gave up after retries)")
    return ApiError(text, status=status, reason=reason)


def gone_error(
    message: str, reason: Optional[str], command: str, request: Dict[str, Any]
) -> GcalError:
    """The error for HTTP 410, which Google answers for three different things: an expired sync
    token (`fullSyncRequired`), an `updatedMin` too far in the past (`updatedMinTooLongAgo`) and
    a resource that was deleted (`deleted`, e.g. the instances of a deleted recurring event).
    Only the first is about --sync-token."""
    if reason == "fullSyncRequired" and not request.get("syncToken"):
        # a server that wants a full sync of a listing that is one: nothing to drop
        return ApiError(
            f"the Calendar API answered HTTP 410 ({reason}) to a full listing, with no sync "
            f"token to drop: {message}",
            status=410,
            reason=reason,
        )
    if reason == "fullSyncRequired" or (reason is None and request.get("syncToken")):
        return ApiError(
            f"the sync token has expired (HTTP 410: {message}); "
            "a full sync is needed: run again without --sync-token",
            status=410,
            reason=reason,
        )
    if reason == "updatedMinTooLongAgo":
        return ApiError(
            f"--updated-min is too far in the past (HTTP 410: {message}); "
            "use a later time, or list without --updated-min",
            status=410,
            reason=reason,
        )
    if reason == "deleted" or command == "instances":
        return NotFoundError(
            f"{describe_target(command, request)} has been deleted (HTTP 410: {message})",
            status=410,
            reason=reason,
        )
    text = "the Calendar API answered HTTP 410" + (f" ({reason})" if reason else "")
    return ApiError(f"{text}: {message}", status=410, reason=reason)


def _is_fail_fast(exc: BaseException) -> bool:
    """Connection refused, a name that does not resolve, or a TLS failure (a certificate that
    does not verify, plain http on an https URL): retrying will not help."""
    import ssl

    import httplib2

    if isinstance(exc, httplib2.ServerNotFoundError):
        return True
    return isinstance(exc, (ConnectionRefusedError, socket.gaierror, ssl.SSLError))


def execute(
    client: Client,
    command: str,
    request: Dict[str, Any],
    *,
    sleep: Callable[[float], None] = time.sleep,
    parse: bool = True,
) -> Any:
    """Run one API request with retries; return the parsed response or raise a GcalError.

    With `parse=False` the answer is returned as read, an `Unparsed` for `Unparsed.page` to
    parse later (on another thread: see `gcal.google.fetch.read_next_page`)."""
    return call_with_retries(
        client.settings, lambda: _attempt(client, command, request, parse=parse), sleep=sleep
    )


class Unparsed:
    """A successful answer as read, not parsed yet: a page read ahead holds its bytes until
    it is wanted, not the several times larger objects they parse into."""

    __slots__ = ("content", "resp")

    def __init__(self, resp: Any, content: bytes) -> None:
        self.resp, self.content = resp, content

    def page(self) -> Dict[str, Any]:
        """The parsed answer (`calendar_answer`); the bytes are let go."""
        resp, content = self.resp, self.content
        self.content = b""
        return calendar_answer(resp, content)


def get_event(
    client: Client, calendar_id: str, event_id: str, *, fields: Optional[str] = None
) -> Dict[str, Any]:
    """events.get, with the same retries and error mapping as the listings."""
    request = {"calendarId": calendar_id, "eventId": event_id}
    if fields:
        request["fields"] = fields

    def attempt() -> Dict[str, Any]:
        call = client.service.events().get(**request)
        return _attempt(client, "instances", request, call=call)

    return call_with_retries(client.settings, attempt)


def _attempt(
    client: Client, command: str, request: Dict[str, Any], call: Any = None, parse: bool = True
) -> Any:
    """One try of a request: the response, a GcalError that is final, or Retryable.

    `command` names the listing whose errors apply; `call` is a built request of another
    method (events.get) to run instead of that listing's."""
    from google.auth.exceptions import RefreshError, TransportError
    from googleapiclient.errors import HttpError

    if call is None:
        call = client.method(command)(**request)
    call.postproc = calendar_answer if parse else Unparsed
    try:
        if client.http is not None:
            return call.execute(http=client.http, num_retries=0)
        return call.execute(num_retries=0)
    except HttpError as exc:
        status = exc.resp.status
        reason, _ = google_error(exc.content)
        error = http_error(
            status, exc.content, command, request, exc.resp.reason, uri=getattr(exc, "uri", None)
        )
        if not is_retryable(status, reason):
            raise error from None
        raise Retryable(f"HTTP {status}", lambda n: error, _retry_after(exc.resp)) from None
    except RefreshError as exc:
        raise AuthError(f"could not refresh the access token: {exc}") from None
    except GcalError:
        raise  # TransientNetworkError among them: call_with_retries retries it
    except http.client.IncompleteRead:  # the body was cut mid-transfer: as a reset is
        raise cut_short(client.endpoint) from None
    except http.client.RemoteDisconnected as exc:  # closed before answering: as a reset is
        raise network_error(client.endpoint, exc, fail_fast=False) from None
    except http.client.HTTPException as exc:  # BadStatusLine: the port speaks another protocol
        raise not_http_error(client.endpoint, exc) from None
    except (OSError, TransportError, _httplib2_error()) as exc:
        raise network_error(client.endpoint, exc, fail_fast=_is_fail_fast(exc)) from None


def not_http_error(endpoint: str, exc: BaseException) -> NetworkError:
    """The error for an answer that is not HTTP at all (a bad status line): final."""
    return NetworkError(
        f"the server at {endpoint} did not answer in HTTP, so it is not the Calendar "
        f"API ({type(exc).__name__}: {first_bytes(str(exc).encode('utf-8', 'replace'))})"
    )


def network_error(endpoint: str, exc: BaseException, *, fail_fast: bool) -> Exception:
    """A request that got no answer: a final NetworkError when retrying cannot help (refused,
    no such host, TLS), else Retryable, whose last failure names the attempts made. Both ways
    of sending a request (googleapiclient's and `gcal.google.rest`) report through here."""
    where = f"the Calendar API at {endpoint}"
    description = _describe(exc, urlsplit(endpoint).hostname or "")
    if fail_fast:
        return NetworkError(f"cannot reach {where}: {description}")
    return Retryable(
        description,
        lambda n: NetworkError(f"{where} did not answer after {attempts_text(n)}: {description}"),
    )


def cut_short(endpoint: str) -> Retryable:
    """A body that ended before its length (or its compressed stream) did: the connection
    broke mid-transfer, a transient failure retried as a reset connection is."""
    description = "the answer was cut short"
    return Retryable(
        description,
        lambda n: NetworkError(
            f"the Calendar API at {endpoint} did not answer after {attempts_text(n)}: {description}"
        ),
    )


class NotCalendarApiError(NetworkError):
    """A 2xx answer that is not the Calendar API's JSON (a captive portal's HTML page, a body cut
    short, something other than an object): the endpoint is not the API (exit 5)."""


MAX_VALUES = 4_000_000  # JSON values in one answer (a page of 2,500 events has ~100,000)


def _values_at_most(content: Any) -> int:
    """An upper bound of the values a JSON text holds beyond the first: its commas and
    openers (counted in C, and only for a text long enough to hold more than MAX_VALUES)."""
    if not content or len(content) <= MAX_VALUES:
        return 0
    marks = (b",", b"{", b"[") if isinstance(content, bytes) else (",", "{", "[")
    return sum(content.count(mark) for mark in marks)


def calendar_answer(resp: Any, content: bytes) -> Dict[str, Any]:
    """The parsed body of a successful answer, or NotCalendarApiError when it is not a JSON
    object; googleapiclient would hand back the raw text, which then fails far from here."""
    kind = resp.get("content-type", "") if hasattr(resp, "get") else ""
    values = _values_at_most(content)
    if values > MAX_VALUES:
        # within the size limit, a page of millions of tiny values ({},{},...) would still
        # take gigabytes once parsed: no page of 2,500 events comes near this
        raise NotCalendarApiError(
            "the answer from the API endpoint was not the Calendar API's "
            f"({values:,} commas and brackets in {len(content):,} bytes: more JSON values "
            f"than gcal reads in one answer, {MAX_VALUES:,})"
        )
    try:
        body = json.loads(content.decode("utf-8") if isinstance(content, bytes) else content)
    except (ValueError, UnicodeDecodeError):
        body = None
    except RecursionError:  # JSON nested deeper than any answer of the API's
        raise NotCalendarApiError(
            "the answer from the API endpoint was not the Calendar API's "
            f"(JSON nested too deeply, {len(content or b'')} bytes)"
        ) from None
    if isinstance(body, dict):
        return body
    where = (resp.get("content-location") or "") if hasattr(resp, "get") else ""
    where = where.split("?", 1)[0]
    raise NotCalendarApiError(
        f"the answer from {where or 'the API endpoint'} was not the Calendar API's "
        f"(HTTP {getattr(resp, 'status', '?')}, content type {kind or 'none'}, "
        f"{len(content or b'')} bytes starting {first_bytes(content)}); check --api-endpoint"
    )


def first_bytes(content: Any, size: int = 40) -> str:
    """The start of a body, quoted, as one short printable line."""
    if isinstance(content, str):
        content = content.encode("utf-8", "replace")
    text = (content or b"")[:size].decode("utf-8", "replace")
    text = "".join(c if c.isprintable() else " " for c in text)
    return repr(" ".join(text.split()) + ("..." if len(content or b"") > size else ""))


def _httplib2_error() -> type:
    import httplib2

    return httplib2.HttpLib2Error


def _describe(exc: BaseException, host: str = "") -> str:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(exc, socket.gaierror):  # httplib2's words for it, whoever sent the request
        return f"Unable to find the server at {host}"
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0]


# --------------------------------------------------------------------------------------------
# Paging


def iter_pages(
    client: Client,
    command: str,
    request: Dict[str, Any],
    *,
    limit: Optional[int] = None,
    fetch: Optional[Callable[[Dict[str, Any]], Dict[str, Any]]] = None,
    ahead: Optional[Callable[[Dict[str, Any]], Any]] = None,
) -> Iterator[Dict[str, Any]]:
    """Yield each page (the API's list response) until the last, or until `limit` items.

    The page size is the user's `maxResults` if given, else the largest the API serves, and
    never more than `limit` still needs. A page beyond `limit` is cut, so the caller can count
    on at most `limit` items in all.

    With `ahead` (`gcal.google.fetch.read_next_page`), the next page's request is sent as
    soon as this page is read, before it is yielded: `ahead(request)` starts it and returns a
    function that waits for that page (and `close()`, which lets it go).
    """
    fetch = fetch or (lambda req: execute(client, command, req))
    largest = MAX_PAGE_SIZE[command]
    page_size = request.get("maxResults") or largest
    remaining = limit
    seen_tokens = set()
    pages = 0
    most = max_pages()
    page_request = _page_request(request, page_size, remaining, request.get("pageToken"))
    pending: Any = None  # the next page, requested while the caller has this one
    while True:
        page = pending() if pending is not None else fetch(page_request)
        pending = None
        items = page.get("items") or []
        if remaining is not None:
            if len(items) > remaining:
                items = items[:remaining]
                page["items"] = items
                # its token would skip the items cut here: nothing can continue from this page
                page.pop("nextPageToken", None)
                remaining = len(items)
            remaining -= len(items)
        token = page.get("nextPageToken")
        last = not token or (remaining is not None and remaining <= 0)
        refused: Optional[ApiError] = None
        if not last:
            if token in seen_tokens:
                refused = ApiError("the API returned the same page token twice; stopping")
            else:
                seen_tokens.add(token)
                pages += 1
                if pages >= most:
                    refused = ApiError(
                        f"the API sent {pages} pages for one listing and another page token; "
                        f"stopping (gcal reads at most {most} pages, {most * largest:,} items "
                        "at the largest page size)"
                    )
            if refused is None:
                page_request = _page_request(request, page_size, remaining, token)
                if ahead is not None:
                    pending = ahead(page_request)
        try:
            yield page
        except GeneratorExit:
            if pending is not None:
                pending.close()  # the caller stopped: the request in hand is let go
            raise
        del page, items  # not kept alive while the next page is fetched and parsed
        if last:
            return
        if refused is not None:
            raise refused


def _page_request(
    request: Dict[str, Any], page_size: int, remaining: Optional[int], token: Any
) -> Dict[str, Any]:
    page_request = dict(request)
    page_request["maxResults"] = page_size if remaining is None else min(page_size, remaining)
    if token:
        page_request["pageToken"] = token
    return page_request


MAX_PAGES = 10_000  # pages of one listing: 25 million events at 2,500 a page
MAX_PAGES_ENV = "GCAL_MAX_PAGES"  # a smaller cap (tests)


def max_pages() -> int:
    """MAX_PAGES, or GCAL_MAX_PAGES when it is a smaller positive integer."""
    import os

    try:
        value = int(os.environ.get(MAX_PAGES_ENV) or MAX_PAGES)
    except ValueError:
        return MAX_PAGES
    return value if 0 < value < MAX_PAGES else MAX_PAGES


def with_page_tokens(fields: Optional[str]) -> Optional[str]:
    """A `fields` selector that still carries what paging and sync need."""
    if not fields:
        return fields
    parts = _top_level_fields(fields)
    extra = [name for name in ("nextPageToken", "nextSyncToken") if name not in parts]
    return ",".join([fields, *extra]) if extra else fields


def _top_level_fields(fields: str) -> set:
    names, depth, current = set(), 0, []
    for char in fields:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            names.add("".join(current).strip().split("/")[0])
            current = []
            continue
        if depth == 0 and char not in "()":
            current.append(char)
    names.add("".join(current).strip().split("/")[0])
    return names
