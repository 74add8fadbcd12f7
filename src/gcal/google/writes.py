"""Sending the write requests: events.insert, patch, update, delete, move, quickAdd.

googleapiclient builds each request from the bundled discovery document (so `--dry-run` prints
exactly what would be sent, without sending it); gcal adds what makes a write safe:

* `If-Match` with the etag gcal read, so a change made elsewhere since is never overwritten:
  HTTP 412 becomes `ChangedError` (exit 6);
* the one retry loop (`call_with_retries`) with its deadlines, for writes that can be retried
  safely: an insert names its own event id, and an edit, delete or move is conditional. When
  a retry meets the trace of its own first attempt (409 for the id an insert already created,
  412 because the first patch changed the etag, 404/410 for what the first delete removed), the
  `verify` callback reads the event and the write counts as done when the event is as it
  was meant to be;
* an answer lost on the way is retried whether the connection broke before it, closed with
  no answer, or cut its body short (IncompleteRead), as the reads do;
* quickAdd cannot name its event, so it is not retried after a lost or cut answer (it could
  duplicate); a refused answer (429, rate limits) still is;
* a token without the events scope (403 insufficientPermissions) is exit 3 naming
  `gcal auth login --write`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import json
from typing import Any, Callable, Dict, Optional

from gcal.errors import (
    ApiError,
    AuthError,
    ChangedError,
    GcalError,
    NetworkError,
    NotFoundError,
)
from gcal.google import api
from gcal.google.retry import Retryable, _retry_after, call_with_retries

WRITE_HINT = "run 'gcal auth login --write'"
#: the answers a retry gets when its first attempt went through
TRACES = {
    "insert": (409,),
    "patch": (412,),
    "update": (412,),
    "delete": (404, 410, 412),
    "move": (404, 412),
}


@dataclasses.dataclass
class Write:
    """One request: `method` of the events resource, its parameters and body, the etag to
    send as If-Match."""

    method: str
    params: Dict[str, Any]
    body: Optional[Dict[str, Any]] = None
    etag: Optional[str] = None

    @property
    def retry_safe(self) -> bool:
        return self.method != "quickAdd"


def build(client: api.Client, write: Write) -> Any:
    """The googleapiclient HttpRequest for `write` (nothing is sent)."""
    kwargs = dict(write.params)
    if write.body is not None:
        kwargs["body"] = write.body
    request = getattr(client.service.events(), write.method)(**kwargs)
    if write.etag:
        request.headers["If-Match"] = write.etag
    return request


def offline_client(settings: Any) -> api.Client:
    """A client that can build requests without credentials (for --dry-run of a command that
    reads nothing first); it never sends anything."""
    import httplib2

    build_service = api._import_build()
    options = {"api_endpoint": settings.api_endpoint} if settings.api_endpoint else None
    service = build_service(
        "calendar",
        "v3",
        http=httplib2.Http(),
        client_options=options,
        static_discovery=True,
        cache_discovery=False,
    )
    return api.Client(service, settings, settings.api_endpoint or service._baseUrl)


def describe(client: api.Client, write: Write) -> str:
    """The request as text: method and URL, the headers gcal sets, the JSON body."""
    request = build(client, write)
    lines = [f"{request.method} {request.uri}"]
    for name in ("If-Match", "content-type"):
        if name in request.headers:
            lines.append(f"{name.title() if name.islower() else name}: {request.headers[name]}")
    if request.body:
        body = request.body.decode("utf-8") if isinstance(request.body, bytes) else request.body
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), ensure_ascii=False, indent=2)
        lines += ["", body]
    return "\n".join(lines)


def _answer(resp: Any, content: bytes) -> Dict[str, Any]:
    if not content or not content.strip():
        return {}  # events.delete answers 204 with no body
    return api.calendar_answer(resp, content)


def send(
    client: api.Client,
    write: Write,
    *,
    verify: Optional[Callable[[], Optional[Dict[str, Any]]]] = None,
) -> Dict[str, Any]:
    """Send `write` with retries; the answer (the event, or {} for a deletion)."""

    def attempt() -> Dict[str, Any]:
        try:
            return _attempt(client, write)
        except ApiError as exc:
            # A trace may come from a retry that the transport made by itself (httplib2 sends
            # a request again once when its connection broke), so it is checked on any try.
            trace = exc.status in TRACES.get(write.method, ())
            if verify is not None and trace:
                found = verify()
                if found is not None:
                    return found
            raise

    return call_with_retries(client.settings, attempt)


def _attempt(client: api.Client, write: Write) -> Dict[str, Any]:
    from google.auth.exceptions import RefreshError, TransportError
    from googleapiclient.errors import HttpError

    request = build(client, write)
    request.postproc = _answer
    try:
        if not write.retry_safe:
            return request.execute(http=_send_once_http(client), num_retries=0)
        if client.http is not None:
            return request.execute(http=client.http, num_retries=0)
        return request.execute(num_retries=0)
    except HttpError as exc:
        status = exc.resp.status
        reason, _ = api.google_error(exc.content)
        error = write_error(status, exc.content, write, exc.resp.reason)
        if not api.is_retryable(status, reason):
            raise error from None
        if not write.retry_safe and status not in (429,) and status != 403:
            raise error from None
        raise Retryable(f"HTTP {status}", lambda n: error, _retry_after(exc.resp)) from None
    except RefreshError as exc:
        raise AuthError(f"could not refresh the access token: {exc}") from None
    except GcalError:
        raise
    except http.client.IncompleteRead:  # the body was cut mid-transfer: as a reset is
        failure: Exception = api.cut_short(client.endpoint)
    except http.client.RemoteDisconnected as exc:  # closed before answering: as a reset is
        failure = api.network_error(client.endpoint, exc, fail_fast=False)
    except http.client.HTTPException as exc:  # BadStatusLine: the port speaks another protocol
        raise api.not_http_error(client.endpoint, exc) from None
    except (OSError, TransportError, api._httplib2_error()) as exc:
        failure = api.network_error(client.endpoint, exc, fail_fast=api._is_fail_fast(exc))
    raise _lost(write, failure) from None


def _lost(write: Write, failure: Exception) -> Exception:
    """The error for a request whose answer did not come (or came cut): retried when the write
    is safe to send again (its own id, or If-Match), else final, saying it may have been done."""
    if isinstance(failure, Retryable) and not write.retry_safe:
        return NetworkError(
            f"the answer to {write.method} was lost ({failure.description}); the event may "
            "have been created: look with 'gcal agenda' before trying again"
        )
    return failure


class AnswerLost(ConnectionResetError):
    """A request that must not be sent twice lost its connection after it went out."""


def _send_once_http(client: api.Client) -> Any:
    """An authorized transport that sends each request at most once: httplib2 by itself sends
    a request again when the connection broke before the answer (a stale keep-alive
    connection, it assumes), which for quickAdd could add the event twice."""
    import google_auth_httplib2

    transport = api._transport(client.settings.timeout)
    inner = transport._conn_request

    def once(conn: Any, request_uri: str, method: str, body: Any, headers: Any) -> Any:
        original = conn.request
        sent = []

        def request_once(*args: Any, **kwargs: Any) -> Any:
            if sent:
                raise AnswerLost("the connection broke before the answer came")
            sent.append(True)
            return original(*args, **kwargs)

        conn.request = request_once
        try:
            return inner(conn, request_uri, method, body, headers)
        finally:
            conn.request = original

    transport._conn_request = once
    return google_auth_httplib2.AuthorizedHttp(client.credentials, http=transport)


def write_error(
    status: int, content: bytes, write: Write, phrase: Optional[str] = None
) -> GcalError:
    """gcal's error for a write the API refused."""
    reason, message = api.google_error(content)
    message = message or phrase or "no message"
    target = _target(write)
    if status == 412:
        return ChangedError(
            f"{target} changed since gcal read it (HTTP 412); nothing was changed: "
            "look at it again and repeat the command",
            status=412,
            reason=reason,
        )
    if status == 403 and reason in api.SCOPE_REASONS:
        return AuthError(
            f"gcal may only read your calendars (HTTP 403: {message}); to change events, "
            f"{WRITE_HINT}"
        )
    if status == 403 and reason in ("requiredAccessLevel", "forbidden", "forbiddenForNonOrganizer"):
        action = f"change {target}"
        if write.method in ("insert", "quickAdd", "import_"):
            action = f"add events to calendar {write.params.get('calendarId')!r}"
        elif write.method == "move":
            action = f"move {target} to calendar {write.params.get('destination')!r}"
        return ApiError(
            f"you may not {action} (HTTP 403 {reason}: {message})",
            status=403,
            reason=reason,
        )
    if status == 409:
        return ApiError(f"{target} already exists (HTTP 409: {message})", status=409, reason=reason)
    if status == 404 and api.google_error(content)[1] is not None:
        calendar = write.params.get("calendarId")
        if write.method in ("insert", "quickAdd", "import_"):  # its id is gcal's own
            return NotFoundError(
                f"calendar {calendar!r} not found (HTTP 404: {message})", status=404, reason=reason
            )
        if write.method == "move":  # the event was read just before: the destination, likely
            return NotFoundError(
                f"{target} could not be moved to calendar {write.params.get('destination')!r}: "
                f"not found (HTTP 404: {message}); is that calendar's id right?",
                status=404,
                reason=reason,
            )
    request = {
        "calendarId": write.params.get("calendarId"),
        "eventId": write.params.get("eventId") or (write.body or {}).get("id"),
    }
    error = api.http_error(
        status, content, "show" if request["eventId"] else "events", request, phrase
    )
    return error


def _target(write: Write) -> str:
    event_id = write.params.get("eventId") or (write.body or {}).get("id")
    calendar = write.params.get("calendarId")
    if event_id:
        return f"event {event_id!r} in calendar {calendar!r}"
    return f"calendar {calendar!r}"


def get(client: api.Client, calendar_id: str, event_id: str) -> Dict[str, Any]:
    """events.get (a deleted event too: it answers with status cancelled)."""
    return api.get_event(client, calendar_id, event_id)


def get_or_none(client: api.Client, calendar_id: str, event_id: str) -> Optional[Dict[str, Any]]:
    from gcal.errors import NotFoundError

    try:
        return get(client, calendar_id, event_id)
    except NotFoundError:
        return None
