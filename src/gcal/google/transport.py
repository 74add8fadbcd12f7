"""HTTP for gcal's own requests outside the Calendar API: a google-auth transport over urllib
(the token refresh), the demo's scripted browser, and the revoke request.

urllib rather than requests, so that importing it costs nothing, every request has gcal's
timeout, a loopback host is never reached through a proxy, and an answer that is not HTTP at
all is told apart from a network failure.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlencode, urlsplit

from gcal import logs
from gcal.errors import NetworkError
from gcal.google import bounded
from gcal.google.client_secrets import is_loopback_host
from gcal.google.tokenerrors import NotHttpAnswer

log = logging.getLogger("gcal.google.transport")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _BoundedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: Any) -> Any:
        return self.do_open(bounded.token_connections()[0], req)


class _BoundedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: Any) -> Any:
        return self.do_open(bounded.token_connections()[1], req, context=self._context)


def _opener(url: str, follow_redirects: bool = True) -> urllib.request.OpenerDirector:
    # every request with one deadline for all of it, and an answer of bounded size
    handlers: list = [_BoundedHTTPHandler(), _BoundedHTTPSHandler()]
    if is_loopback_host(urlsplit(url).hostname):
        handlers.append(urllib.request.ProxyHandler({}))  # never send loopback via a proxy
    if not follow_redirects:
        handlers.append(_NoRedirect())
    return urllib.request.build_opener(*handlers)


class _Response:
    def __init__(self, status: int, headers: Dict[str, str], data: bytes) -> None:
        self.status = status
        self.headers = headers
        self.data = data


def http_request(
    url: str,
    method: str = "GET",
    body: Optional[bytes] = None,
    headers: Optional[Dict[str, str]] = None,
    timeout: float = 30.0,
    follow_redirects: bool = True,
) -> _Response:
    """One HTTP request; any status is returned, a network failure raises OSError.

    An answer that is not HTTP (a bad status line, a truncated body) is a network failure too:
    urllib lets http.client's HTTPException through, which is no OSError.
    """
    request = urllib.request.Request(url, data=body, headers=dict(headers or {}), method=method)
    log.debug("%s %s", method, logs.redact(url))
    try:
        with _opener(url, follow_redirects).open(request, timeout=timeout) as response:
            return _Response(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as exc:
        try:
            data = exc.read()
        except (OSError, http.client.HTTPException):
            data = b""
        finally:
            exc.close()
        return _Response(exc.code, dict(exc.headers.items()) if exc.headers else {}, data)
    except http.client.BadStatusLine as exc:
        line = " ".join(str(exc.args[0] if exc.args else "").split())[:40]
        raise NotHttpAnswer(line) from exc
    except http.client.HTTPException as exc:
        raise ConnectionError(f"invalid HTTP response ({type(exc).__name__})") from exc


def make_request(timeout: float = 30.0):
    """A `google.auth.transport.Request` over urllib, `timeout` seconds per request."""
    from google.auth import exceptions as gexc
    from google.auth import transport

    class UrllibResponse(transport.Response):
        def __init__(self, response: _Response) -> None:
            self._response = response

        @property
        def status(self) -> int:
            return self._response.status

        @property
        def headers(self) -> Dict[str, str]:
            return self._response.headers

        @property
        def data(self) -> bytes:
            return self._response.data

    class UrllibRequest(transport.Request):
        def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
            if isinstance(body, str):
                body = body.encode("utf-8")
            try:
                response = http_request(
                    url, method, body, headers, timeout=timeout or default_timeout
                )
            except (OSError, ValueError) as exc:
                # The cause stays attached: gcal.google.tokenerrors tells a refused connection (fail
                # fast) from a time-out (retry) by it.
                raise gexc.TransportError(network_reason(exc)) from exc
            return UrllibResponse(response)

    default_timeout = timeout
    return UrllibRequest()


def network_reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc.reason, str):
        exc = exc.reason  # type: ignore[assignment]
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):
        return "timed out"
    text = getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__
    return logs.redact(text)


def post_form(url: str, fields: Dict[str, str], timeout: float) -> Tuple[int, Any]:
    """A form POST (the revoke request): (status, the JSON body or None); NetworkError when
    there is no answer."""
    body = urlencode(fields).encode("ascii")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    try:
        response = http_request(url, "POST", body, headers, timeout=timeout)
    except (OSError, ValueError) as exc:
        raise NetworkError(f"cannot reach {url}: {network_reason(exc)}") from None
    try:
        data = json.loads(response.data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    return response.status, data
