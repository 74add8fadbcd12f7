"""The local redirect server of the installed-app flow.

It listens on the first free port of those given, on loopback for `localhost`/`127.0.0.1`,
answers only the redirect path (`/`), and hands the first redirect carrying the expected `state`
(compared in constant time; with a `code` or an `error`) to a callback, whose outcome decides
the page the browser shows.
Anything else (`/favicon.ico`, probes, redirects without code or with a foreign state) gets a
short page and does not end the flow.

Why gcal's own server rather than google-auth-oauthlib's `InstalledAppFlow.run_local_server`
(the authorization URL and the code exchange do use the library's `Flow`, see
`gcal.google.oauthflow`): the library's server binds one port and fails if it is taken (gcal
tries `--auth-host-port` ports in order, as the old sample did); it ends the flow on the first
request of any kind, so a favicon fetch, a probe or a forged `?error=` link from another page
ends the login (gcal waits for the redirect carrying this login's state, compared in constant
time); its wait has no time limit (gcal gives up after `--auth-timeout` with a message saying
what to do); and for a host name it binds what the name resolves to (gcal binds loopback for
`localhost`, never every interface).
"""

from __future__ import annotations

import errno
import hmac
import html
import http.server
import socket
import threading
from typing import Callable, Optional, Sequence, Tuple
from urllib.parse import parse_qs, urlsplit

from gcal import logs
from gcal.errors import AuthError, GcalError

SUCCESS_TEXT = "gcal: authentication complete"
FAILURE_TEXT = "gcal: authentication failed"


def page(heading: str, detail: str) -> bytes:
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>gcal</title></head>"
        "<body style='font-family: sans-serif; margin: 3em'>"
        f"<h1>{html.escape(heading)}</h1><p>{html.escape(detail)}</p></body></html>\n"
    ).encode()


def bind_address(host: str) -> Tuple[int, str]:
    """(address family, address to bind) for the redirect host name."""
    name = host.strip("[]")
    if name.lower() == "localhost" or name.startswith("127."):
        return socket.AF_INET, "127.0.0.1" if name.lower() == "localhost" else name
    if ":" in name:
        return socket.AF_INET6, name
    return socket.AF_INET, name


def url_host(host: str) -> str:
    name = host.strip("[]")
    return f"[{name}]" if ":" in name else name


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False  # set per platform in LoopbackServer.bind

    flow: LoopbackServer

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser dropping a connection is not worth a traceback on the user's terminal."""
        import logging

        logging.getLogger("gcal.google.loopback").debug(
            "connection from %s failed", client_address, exc_info=True
        )


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    timeout = 10  # a silent connection must not hold a thread for ever
    server_version = "gcal"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        import logging

        logging.getLogger("gcal.google.loopback").debug(
            "%s %s", self.address_string(), logs.redact(format % args)
        )

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self._reply(404, b"")

    def do_POST(self) -> None:
        self._reply(405, page("gcal", "Method not allowed."))

    def do_GET(self) -> None:
        status, body = self.server.flow.handle(self.path)
        self._reply(status, body)


class LoopbackServer:
    """Receives the redirect; `wait()` returns the callback's result or raises."""

    def __init__(
        self,
        host: str,
        ports: Sequence[int],
        state: str,
        on_redirect: Callable[[dict], object],
        path: str = "/",
    ) -> None:
        self.host = host
        self.ports = list(ports)
        self.state = state
        self.path = path
        self.on_redirect = on_redirect
        self.port: Optional[int] = None
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        self._claimed = threading.Lock()
        self._claimed_flag = False
        self._done = threading.Event()
        self._result: object = None
        self._error: Optional[BaseException] = None

    @property
    def redirect_uri(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}{self.path}"

    # -- lifecycle ----------------------------------------------------------------------------

    def bind(self) -> LoopbackServer:
        import os

        family, address = bind_address(self.host)
        failures = []
        for port in self.ports:
            server_class = type("_BoundServer", (_Server,), {"address_family": family})
            server_class.allow_reuse_address = os.name == "posix"
            try:
                server = server_class((address, port), _Handler)
            except OSError as exc:
                in_use = exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1))
                failures.append((port, "in use" if in_use else (exc.strerror or str(exc))))
                continue
            server.flow = self
            self._server = server
            self.port = server.server_address[1]
            self._thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
            )
            self._thread.start()
            return self
        detail = ", ".join(f"{port} ({why})" for port, why in failures) or "none given"
        raise AuthError(
            f"cannot start the local redirect server on {self.host}: ports {detail}; "
            "pass a free one with --auth-host-port PORT (0 = any free port), "
            "or use --noauth-local-webserver"
        )

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LoopbackServer:
        return self.bind() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the redirect -------------------------------------------------------------------------

    def handle(self, raw_path: str) -> Tuple[int, bytes]:
        parts = urlsplit(raw_path)
        if parts.path != self.path:
            return 404, page("Not found", "gcal is only waiting for the sign-in redirect here.")
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if "code" not in query and "error" not in query:
            return 400, page(
                "gcal", "gcal is waiting for the sign-in redirect (no code in this request)."
            )
        # The state is required even on an error redirect: any web page can make the browser
        # request http://localhost:PORT/?error=access_denied, and that must not end the login.
        # An empty `self.state` means the authorization request is not made yet: nothing matches.
        state = query.get("state")
        if not self.state or not hmac.compare_digest(
            (state or "").encode("utf-8"), self.state.encode("utf-8")
        ):
            logs.warn("ignored a redirect with an unexpected state (a stale or forged request)")
            return 400, page(
                FAILURE_TEXT, "This redirect does not belong to the running login (state mismatch)."
            )
        with self._claimed:
            if self._claimed_flag:
                return 409, page("gcal", "This login was already completed or is in progress.")
            self._claimed_flag = True
        try:
            self._result = self.on_redirect(query)
        except GcalError as exc:
            self._error = exc
            body = page(FAILURE_TEXT, f"{exc.message} You can close this tab.")
            status = 400
        except BaseException as exc:  # reported by wait() in the main thread
            self._error = exc
            body = page(FAILURE_TEXT, "An unexpected error occurred; see the terminal.")
            status = 500
        else:
            body = page(SUCCESS_TEXT, "You can close this tab and return to the terminal.")
            status = 200
        finally:
            self._done.set()
        return status, body

    def wait(self, timeout: float) -> object:
        """The callback's result once a redirect came; AuthError after `timeout` seconds."""
        import time

        deadline = time.monotonic() + timeout
        while not self._done.wait(0.2):
            if time.monotonic() >= deadline and not self._claimed_flag:
                raise AuthError(
                    f"timed out after {timeout:g} s waiting for the browser to complete the "
                    "login; try again, or use --noauth-local-webserver on a machine without a "
                    "browser"
                )
        # Let the handler thread finish writing the page before the server is shut down.
        time.sleep(0.05)
        if self._error is not None:
            raise self._error
        return self._result
