"""The Calendar API listings that `gcal sync` sends, over http.client alone.

Why a second way to send a request: a status bar runs `gcal next --cached` every minute, and a
sync with nothing new is one small request per calendar. Importing googleapiclient, httplib2 and
google-auth to send it costs more than the round trip itself (about 0.2 s of start-up). This
module sends the very same requests that googleapiclient builds from the discovery document
(`GET {endpoint}calendars/{calendarId}/events`, `GET {endpoint}users/me/calendarList`, the same
query parameters and `alt=json`), with the stored access token, and nothing of Google's is
imported unless the token must be refreshed (or the API answers 401, when it is refreshed and
the request sent once more, as google-auth-httplib2 does).

Everything around the request is gcal's usual: the one retry loop (`call_with_retries`), the
same error mapping and exit codes (`api.http_error`), the same checks that an answer is the
Calendar API's, the User-Agent naming gcal, gzip, `timeout` per request, proxies from the
environment (never for a loopback host), the certificates httplib2 trusts, DEBUG lines with the
Authorization header redacted. One
`Session` per thread: it keeps its connection open across the pages of a listing.
"""

from __future__ import annotations

import base64
import gzip
import http.client
import logging
import socket
import ssl
import threading
import time
import zlib
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import quote, unquote, urlencode, urlsplit

from gcal import logs
from gcal.errors import AuthError, GcalError, NetworkError
from gcal.google import api, bounded
from gcal.google.client_secrets import is_loopback_host
from gcal.google.credentials import is_fresh
from gcal.google.credstore import CredentialsStore
from gcal.google.retry import Retryable, _retry_after, attempts_text, call_with_retries
from gcal.paths import credentials_path
from gcal.settings import Settings

log = logging.getLogger("gcal.google.api")

DEFAULT_ENDPOINT = "https://www.googleapis.com/calendar/v3/"
#: the listings this module sends, as the discovery document's paths
PATHS = {"events": "calendars/{calendarId}/events", "calendars": "users/me/calendarList"}


class Tokens:
    """The access token every thread's requests carry, shared by the threads of one command.

    It comes from the credentials file while that token is fresh (no Google library needed);
    otherwise, and after a 401, from `gcal.google.auth`, which refreshes it under the file's
    lock and saves it (or logs in, when there is no login and a person is at the terminal).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._token: Optional[str] = None
        self._credentials: Any = None

    def current(self) -> str:
        with self._lock:
            if self._token is None:
                record = CredentialsStore(credentials_path(self.settings.credentials)).read()
                if record is not None and record.token and is_fresh(record):
                    self._adopt(record.token)
                else:
                    from gcal.google import auth

                    self._credentials = auth.get_credentials(self.settings)
                    self._adopt(self._credentials.token)
            assert self._token is not None
            return self._token

    def renew(self, rejected: str) -> str:
        """A new token after the API refused `rejected` (once per token, whichever thread)."""
        with self._lock:
            if self._token != rejected and self._token is not None:
                return self._token  # another thread renewed it meanwhile
            from gcal.google import auth
            from gcal.google.transport import make_request

            credentials = self._credentials or auth.get_credentials(self.settings)
            call_with_retries(
                self.settings, lambda: credentials.refresh(make_request(self.settings.timeout))
            )
            self._credentials = credentials
            self._adopt(credentials.token)
            assert self._token is not None
            return self._token

    def _adopt(self, token: Optional[str]) -> None:
        if not token:
            raise AuthError("the credentials hold no access token; run 'gcal auth login'")
        logs.register_secret(token)
        self._token = token


class Session:
    """One thread's way to the API: its own connection, the shared tokens."""

    def __init__(self, settings: Settings, tokens: Optional[Tokens] = None) -> None:
        self.settings = settings
        self.endpoint = settings.api_endpoint or DEFAULT_ENDPOINT
        self.tokens = tokens or Tokens(settings)
        self._conn: Optional[http.client.HTTPConnection] = None
        self._conn_key: Optional[Tuple[str, str]] = None
        self._proxy_headers: Dict[str, str] = {}  # what a plain-HTTP proxy wants per request

    def worker(self) -> Session:
        """A session for another thread (a connection is used by one thread at a time)."""
        return Session(self.settings, self.tokens)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = self._conn_key = None

    def pages(self, command: str, request: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
        """Every page of a listing, as `api.iter_pages` follows them (largest pages)."""
        return api.iter_pages(None, command, request, fetch=lambda req: self.get(command, req))

    def get(self, command: str, request: Dict[str, Any]) -> Dict[str, Any]:
        """One listing request with retries: the parsed answer, or a GcalError."""
        url = self.url(command, request)
        return call_with_retries(self.settings, lambda: self._attempt(command, request, url))

    def url(self, command: str, request: Dict[str, Any]) -> str:
        """The request's URL as googleapiclient forms it: path parameters percent-encoded
        (every reserved character, `@` and `#` among them), the others in the query."""
        template = PATHS[command]
        query: List[Tuple[str, str]] = [("alt", "json")]
        path = template
        for name, value in request.items():
            if value is None:
                continue
            if "{" + name + "}" in template:
                path = path.replace("{" + name + "}", quote(str(value), safe=""))
                continue
            for one in value if isinstance(value, (list, tuple)) else [value]:
                query.append((name, _query_value(one)))
        return f"{self.endpoint.rstrip('/')}/{path}?{urlencode(query)}"

    # -- one attempt -------------------------------------------------------------------------

    def _attempt(self, command: str, request: Dict[str, Any], url: str) -> Dict[str, Any]:
        token = self.tokens.current()
        status, phrase, headers, body = self._exchange(url, token)
        if status == 401:
            # google-auth-httplib2 does the same: refresh once, send again
            token = self.tokens.renew(token)
            status, phrase, headers, body = self._exchange(url, token)
        if 200 <= status < 300:
            return Page(api.calendar_answer(_Answer(status, headers, url), body), body)
        reason, _ = api.google_error(body)
        error = api.http_error(status, body, command, request, phrase, uri=url)
        if not api.is_retryable(status, reason):
            raise error
        raise Retryable(f"HTTP {status}", lambda n: error, _retry_after(headers))

    def _exchange(self, url: str, token: str) -> Tuple[int, str, Dict[str, str], bytes]:
        """Send the GET; (status, reason phrase, headers with lowercase names, body).
        Network failures become Retryable or a NetworkError that is final."""
        from gcal import __version__

        headers = {
            "Authorization": f"Bearer {token}",
            "User-Agent": f"gcal/{__version__}",
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",
        }
        if log.isEnabledFor(logging.DEBUG):
            log.debug("request: GET %s headers=%s", url, logs.redact_headers(headers))
        started = time.monotonic()
        for fresh_connection in (False, True):
            reused = self._conn is not None
            try:
                conn, target = self._connection(url)
                conn.request("GET", target, headers={**headers, **self._proxy_headers})
                response = conn.getresponse()
                body = response.read()
                answer = {k.lower(): v for k, v in response.getheaders()}
                status, phrase = response.status, response.reason
                if answer.get("connection", "").lower() == "close" or response.will_close:
                    self.close()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self.close()
                if reused and not fresh_connection:
                    continue  # a kept-alive connection the server had closed: open a new one
                raise self._network_failure(exc) from None
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                raise self._network_failure(exc) from None
            except GcalError:  # an answer over the size limit: the connection is not reusable
                self.close()
                raise
        body = _decoded(body, answer.get("content-encoding", ""))
        log.debug(
            "response: %s %s for GET %s (%.0f ms, %d bytes)",
            status,
            phrase,
            url.split("?", 1)[0],
            (time.monotonic() - started) * 1000,
            len(body),
        )
        return status, phrase, answer, body

    def _connection(self, url: str) -> Tuple[http.client.HTTPConnection, str]:
        """This session's open connection to the URL's host (or its proxy), and the request
        target to send on it."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        target = parts.path + ("?" + parts.query if parts.query else "")
        proxy = _proxy_for(parts.scheme, parts.hostname or "")
        if self._conn is None or self._conn_key != key:
            self.close()
            self._conn, self._proxy_headers = _open(
                parts.scheme, parts.hostname or "", parts.port, proxy, self.settings.timeout
            )
            self._conn_key = key
        if proxy is not None and parts.scheme == "http":
            target = url  # a plain-HTTP proxy takes the absolute URL
        return self._conn, target

    def _network_failure(self, exc: BaseException) -> Exception:
        if isinstance(exc, http.client.IncompleteRead):
            return api.cut_short(self.endpoint)
        if isinstance(exc, http.client.HTTPException) and not isinstance(exc, OSError):
            return api.not_http_error(self.endpoint, exc)
        fail_fast = isinstance(exc, (ConnectionRefusedError, socket.gaierror, ssl.SSLError))
        return api.network_error(self.endpoint, exc, fail_fast=fail_fast)


def connect(settings: Settings) -> Session:
    """A session for this thread. The token is read (and, if it must be, refreshed or a login
    run) now, so that a missing login fails before any work starts, as `api.connect` does."""
    session = Session(settings)
    session.tokens.current()
    return session


class Page(dict):
    """A parsed answer that keeps the body it was parsed from (`raw`): the store saves each
    event as that text has it, rather than encoding the parsed event again."""

    def __init__(self, parsed: Dict[str, Any], raw: bytes) -> None:
        super().__init__(parsed)
        self.raw = raw


class _Answer(dict):
    """What `api.calendar_answer` reads of a response: its headers, status and location."""

    def __init__(self, status: int, headers: Dict[str, str], url: str) -> None:
        super().__init__(headers)
        self.status = status
        self.setdefault("content-location", url)


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _decoded(body: bytes, encoding: str) -> bytes:
    """The body as sent before compression (the API gzips when asked to)."""
    encoding = encoding.strip().lower()
    try:
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if encoding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, as some send
    except (OSError, EOFError, zlib.error):
        raise Retryable(
            "a compressed answer that did not decompress",
            lambda n: NetworkError(
                f"the Calendar API's answer was cut short or corrupt ({attempts_text(n)})"
            ),
        ) from None
    return body


def _proxy_for(scheme: str, host: str) -> Optional[str]:
    """The proxy URL the environment names for this scheme and host, as urllib reads it
    (`https_proxy`, `no_proxy`, ...); never one for a loopback host."""
    if is_loopback_host(host):
        return None
    import urllib.request

    proxy = urllib.request.getproxies().get(scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def ca_file() -> Optional[str]:
    """The certificates a server's must chain to: the ones gcal's other API requests trust
    (httplib2's choice: $HTTPLIB2_CA_CERTS, else certifi's bundle), so that `gcal sync` and
    `gcal agenda` never disagree about a server; the system's when neither exists. certifi's
    bundle is found without importing certifi (whose import alone costs about 25 ms)."""
    import os

    chosen = os.environ.get("HTTPLIB2_CA_CERTS")
    if chosen is not None:
        if not os.path.isfile(chosen):
            raise NetworkError(f"HTTPLIB2_CA_CERTS names no file: {chosen}")
        return chosen
    import importlib.util

    try:
        spec = importlib.util.find_spec("certifi")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        bundle = os.path.join(os.path.dirname(spec.origin), "cacert.pem")
        if os.path.isfile(bundle):
            return bundle
    return None


def _open(
    scheme: str, host: str, port: Optional[int], proxy: Optional[str], timeout: float
) -> Tuple[http.client.HTTPConnection, Dict[str, str]]:
    """A new connection to `host` (through `proxy`, if any: a CONNECT tunnel for https), and
    the headers a plain-HTTP proxy wants with each request."""
    if scheme not in ("http", "https"):
        raise NetworkError(f"the API endpoint must be an http(s) URL, not {scheme}://")
    context = ssl.create_default_context(cafile=ca_file()) if scheme == "https" else None
    if proxy is None:
        if context is not None:
            return bounded.HTTPSConnection(host, port, timeout=timeout, context=context), {}
        return bounded.HTTPConnection(host, port, timeout=timeout), {}
    parts = urlsplit(proxy)
    credentials: Dict[str, str] = {}
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        token = base64.b64encode(pair.encode("utf-8")).decode("ascii")
        credentials["Proxy-Authorization"] = f"Basic {token}"
    proxy_host, proxy_port = parts.hostname or "", parts.port or 80
    if context is None:
        return bounded.HTTPConnection(proxy_host, proxy_port, timeout=timeout), credentials
    conn = bounded.HTTPSConnection(proxy_host, proxy_port, timeout=timeout, context=context)
    conn.set_tunnel(host, port or 443, headers=credentials)
    return conn, {}
