"""A tiny scripted HTTP server that answers the way a Google front end may, for fidelity tests.

The emulator always answers in Google's best-behaved shapes; some shapes a real front end
produces (an HTML 502, an empty page that still has a `nextPageToken`, a token endpoint that
fails with a non-JSON body) cannot be made with it. Each path gets a queue of canned responses;
the last one repeats. Requests are logged so a test can check what gcal sent.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import http.server
import json
import socket
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
CLIENT_ID = "123-fidelity.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-fidelity-secret"

Reply = Tuple[int, Dict[str, str], Any]  # status, headers, body (bytes, or JSON-able)


@dataclasses.dataclass
class Seen:
    method: str
    path: str
    query: Dict[str, List[str]]
    body: bytes
    headers: Dict[str, str]  # names in lower case

    @property
    def form(self) -> Dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("ascii")).items()}


class ScriptedServer:
    """`reply(path, *responses)` scripts a path; `seen` lists the requests received."""

    def __init__(self) -> None:
        self.routes: Dict[str, List[Reply]] = {}
        self.seen: List[Seen] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                status, headers, data = owner._next(parts.path)
                with owner._lock:
                    owner.seen.append(
                        Seen(
                            self.command,
                            parts.path,
                            parse_qs(parts.query, keep_blank_values=True),
                            body,
                            {k.lower(): v for k, v in self.headers.items()},
                        )
                    )
                if not isinstance(data, bytes):
                    data = json.dumps(data).encode("utf-8")
                    headers = {"Content-Type": "application/json; charset=UTF-8", **headers}
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def _next(self, path: str) -> Reply:
        with self._lock:
            queue = self.routes.get(path)
            if not queue:
                return 404, {"Content-Type": "text/plain"}, b"not scripted"
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def reply(self, path: str, *responses: Reply) -> None:
        with self._lock:
            self.routes[path] = list(responses)

    def requests(self, path: str) -> List[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path == path]

    @property
    def api_endpoint(self) -> str:
        return self.base + "/calendar/v3/"

    @property
    def token_uri(self) -> str:
        return self.base + "/token"

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_account(
    folder: Path, server: ScriptedServer, *, expired: bool = False, refresh_token: str = "rt-1"
) -> List[str]:
    """A console-style client file and a credentials file for `server`; gcal's global args."""
    secrets = folder / "client_secrets.json"
    credentials = folder / "calendar.dat"
    secrets.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": CLIENT_ID,
                    "project_id": "fidelity",
                    "auth_uri": server.base + "/o/oauth2/auth",
                    "token_uri": server.token_uri,
                    "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": ["http://localhost"],
                }
            }
        )
    )
    expiry = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=-1 if expired else 1)
    credentials.write_text(
        json.dumps(
            {
                "type": "authorized_user",
                "token": "at-1",
                "refresh_token": refresh_token,
                "token_uri": server.token_uri,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "scopes": [SCOPE],
                "expiry": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    )
    credentials.chmod(0o600)
    return [
        "--client-secrets",
        str(secrets),
        "--credentials",
        str(credentials),
        "--api-endpoint",
        server.api_endpoint,
    ]


def google_error(status: int, reason: Optional[str], message: str) -> Dict[str, Any]:
    """Google's JSON error body."""
    error: Dict[str, Any] = {"code": status, "message": message}
    if reason:
        error["errors"] = [{"domain": "global", "reason": reason, "message": message}]
    return {"error": error}


@contextlib.contextmanager
def not_http_server(answer: bytes, *, speaks_first: bool = False) -> Iterator[str]:
    """A TCP server answering every connection with `answer`, which is not HTTP (a garbage
    line after the request, or an SSH banner before it); yields a token URL on it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    if speaks_first:
                        conn.sendall(answer)
                    conn.recv(65536)
                    if not speaks_first:
                        conn.sendall(answer)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/token"
    finally:
        stop.set()
        thread.join(5)
        listener.close()
