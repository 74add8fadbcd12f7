"""HTTP handling: routing, Bearer checks, faults, logging, and response encoding.

A `ThreadingHTTPServer` speaking HTTP/1.1 with keep-alive (httplib2 reuses connections, and
paging through 100,000 events should not pay for a TCP handshake per page). The handler only
translates between HTTP and the `Engine`/`OAuthServer` objects, so those stay testable.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import struct
import sys
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit

from gcal.emulator import fields, freebusy
from gcal.emulator.errors import ApiError, auth_error, not_found
from gcal.emulator.faults import Fault
from gcal.emulator.oauth import WRITE_SCOPES
from gcal.emulator.params import get_bool
from gcal.emulator.writes import check_if_match

if TYPE_CHECKING:
    from gcal.emulator.emulator import Emulator

API_PREFIX = "/calendar/v3/"
#: the largest request body the write methods accept
MAX_BODY = 1 << 20
_AUTH_PATHS = ("/o/oauth2/auth", "/o/oauth2/v2/auth")
_TOKEN_PATHS = ("/token", "/o/oauth2/token", "/oauth2/v4/token")
_REVOKE_PATHS = ("/revoke", "/o/oauth2/revoke")
_CALENDAR_SCOPES = (
    "https://www.googleapis.com/auth/calendar",
    "https://www.googleapis.com/auth/calendar.readonly",
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.events.readonly",
)


class Headers(dict):
    """Request headers with case-insensitive lookups (keys are stored lowercased)."""

    def __init__(self, items: Any = ()) -> None:
        super().__init__((str(k).lower(), v) for k, v in dict(items).items())

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


@dataclass
class LoggedRequest:
    """One request as received (query values are lists: parameters may repeat)."""

    method: str
    path: str
    query: Dict[str, List[str]]
    headers: Dict[str, str]
    body: bytes = b""
    time: float = field(default_factory=time.time)
    # when the answer (or the reset) had gone out; None while the request is being served.
    # With `time`, it shows which requests overlapped (e.g. concurrent listings).
    finished: Optional[float] = None

    def to_json(self) -> Dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": dict(self.headers),
            "time": self.time,
            "finished": self.finished,
        }


# Made once: json.dumps with options builds a new encoder per call, 2,500 times a page.
_ITEM_ENCODER = json.JSONEncoder(ensure_ascii=False)


def pretty_json(obj: Any) -> str:
    """Indented JSON (Google's default, prettyPrint=true) that stays fast for big pages.

    The stdlib's indenting encoder is pure Python (~60 ms for 2,500 events); long `items`
    lists are therefore written one compact item per line with the C encoder instead.
    """
    items = obj.get("items") if isinstance(obj, dict) else None
    if not isinstance(items, list) or len(items) < 100:
        return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
    parts = []
    for key, value in obj.items():
        name = json.dumps(key)
        if key == "items":
            rows = ",\n  ".join(map(_ITEM_ENCODER.encode, value))
            parts.append(f"  {name}: [\n  {rows}\n  ]")
        else:
            parts.append(f"  {name}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    emulator: Emulator


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server_version = "ESF"
    sys_version = ""
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the emulator keeps its own request log."""

    def date_time_string(self, timestamp: Optional[float] = None) -> str:
        """The `Date` header, off by the emulator's `date_offset` (a server with a skewed
        clock, for clients' clock checks)."""
        offset = getattr(self.server.emulator, "date_offset", 0.0)
        return super().date_time_string((time.time() if timestamp is None else timestamp) + offset)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    # -- plumbing --------------------------------------------------------------------------

    def handle(self) -> None:
        """A client that hung up (after its own time-out, say) is no error of the server's."""
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json; charset=UTF-8",
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        logged = getattr(self, "_logged", None)
        if logged is not None:
            logged.finished = time.time()  # before the client can see the answer
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Origin, X-Origin, Referer")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, obj: Any, pretty: bool = True, headers=None) -> None:
        if pretty:
            text = pretty_json(obj)
        else:
            text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
        try:
            body = text.encode("utf-8")
        except UnicodeEncodeError:
            # a lone surrogate (stored from a client's "\ud800"): sent escaped, as Google's
            # JSON encoder does, rather than failing the request
            body = json.dumps(obj, separators=(",", ":"), ensure_ascii=True).encode("ascii")
        self._send(status, body, headers=headers)

    def _reset(self) -> None:
        """Abort the connection with a TCP RST and no response at all."""
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.close()

    def _dispatch(self) -> None:
        emu = self.server.emulator
        parts = urlsplit(self.path)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        if path.startswith("/_emulator/"):
            self._control(path, body)
            return
        logged = LoggedRequest(self.command, path, query, Headers(self.headers.items()), body)
        emu._log(logged)
        self._logged: Optional[LoggedRequest] = logged
        try:
            self._serve(emu, path, query, body)
        finally:
            if logged.finished is None:  # a reset, or a client that hung up
                logged.finished = time.time()
            self._logged = None

    def _serve(self, emu: Emulator, path: str, query: Dict[str, List[str]], body: bytes) -> None:
        for fault in emu.faults.take(path):
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is None:
                continue
            if fault.status == "reset":
                self._reset()
                return
            code = int(fault.status)
            extra = {}
            if fault.retry_after is not None:
                extra["Retry-After"] = str(fault.retry_after)
            err = ApiError(code, fault.reason, fault.message, headers=extra)
            self._send(code, err.to_json(), headers=err.headers)
            return
        try:
            if path in _AUTH_PATHS and self.command == "GET":
                self._oauth_reply(emu.oauth.authorize({k: v[0] for k, v in query.items()}))
            elif path in _TOKEN_PATHS and self.command == "POST":
                form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
                self._oauth_reply(emu.oauth.token(form, self._basic()))
            elif path in _REVOKE_PATHS:
                form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
                token = form.get("token") or (query.get("token") or [None])[0]
                self._oauth_reply(emu.oauth.revoke(token))
            elif path.startswith(API_PREFIX):
                self._api(path[len(API_PREFIX) :], query, body)
            else:
                self._send(404, b"Not Found", "text/html; charset=UTF-8")
        except ApiError as exc:
            self._send(exc.code, exc.to_json(), headers=exc.headers)
        except (BrokenPipeError, ConnectionResetError):
            raise  # the client hung up; handle() lets the connection go quietly
        except Exception:  # pragma: no cover - a bug; answer like Google's backend would
            traceback.print_exc(file=sys.stderr)
            err = ApiError(500, "backendError", "Backend Error")
            self._send(500, err.to_json())

    def _basic(self) -> Optional[Tuple[str, str]]:
        header = self.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return None
        try:
            raw = base64.b64decode(header[6:].strip()).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
        user, _, pw = raw.partition(":")
        return unquote(user), unquote(pw)

    def _oauth_reply(self, reply: Tuple[int, Dict[str, str], Any, str]) -> None:
        status, headers, body, ctype = reply
        if isinstance(body, (dict, list)):
            self._send_json(status, body, headers=headers)
        else:
            self._send(status, body, ctype or "text/html", headers=headers)

    # -- Calendar API ----------------------------------------------------------------------

    def _api(self, rest: str, query: Dict[str, List[str]], body: bytes = b"") -> None:
        emu = self.server.emulator
        auth = self.headers.get("Authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        token = token or (query.get("access_token") or query.get("oauth_token") or [None])[0]
        scope = emu.oauth.check_access(token)
        if scope is None:
            raise auth_error()
        if not any(s in _CALENDAR_SCOPES for s in scope.split()):
            raise ApiError(
                403,
                "insufficientPermissions",
                "Request had insufficient authentication scopes.",
                item_message="Insufficient Permission",
            )
        alt = (query.get("alt") or ["json"])[0]
        if alt != "json":
            raise ApiError(400, "invalidParameter", f"Invalid value '{alt}' for parameter alt.")
        pretty = get_bool(query, "prettyPrint", True)
        segs = [unquote(s) for s in rest.split("/")]
        engine = emu.engine
        if segs == ["freeBusy"] and self.command == "POST":
            # freebusy.query: a read, though a POST (its request is a JSON body)
            self._send_json(200, freebusy.query(emu.store, engine, body), pretty=pretty)
            return
        if self.command != "GET":
            if not any(s in WRITE_SCOPES for s in scope.split()):
                raise ApiError(
                    403,
                    "insufficientPermissions",
                    "Request had insufficient authentication scopes.",
                    item_message="Insufficient Permission",
                )
            self._write(segs, query, body, pretty)
            return
        if segs == ["users", "me", "calendarList"]:
            body, schema = engine.calendar_list(query), "CalendarList"
        elif len(segs) == 3 and segs[0] == "calendars" and segs[2] == "events":
            body, schema = engine.events_list(segs[1], query), "Events"
        elif (
            len(segs) == 5
            and segs[0] == "calendars"
            and segs[2] == "events"
            and segs[4] == ("instances")
        ):
            body, schema = engine.instances(segs[1], segs[3], query), "Events"
        elif len(segs) == 4 and segs[0] == "calendars" and segs[2] == "events":
            body, schema = engine.get_event(segs[1], segs[3], query), "Event"
            check_if_match(self.headers.get("If-Match"), body.get("etag"))
        else:
            raise not_found()
        spec = (query.get("fields") or [None])[0]
        body = fields.apply(body, spec, schema)
        self._send_json(200, body, pretty=pretty)

    def _write(self, segs: List[str], query: Dict[str, List[str]], raw: bytes, pretty: bool):
        """The event write methods (see `gcal.emulator.writes`)."""
        writer = self.server.emulator.writer
        method = self.command
        if_match = self.headers.get("If-Match")
        if len(segs) < 3 or segs[0] != "calendars" or segs[2] != "events":
            raise not_found()
        cal = segs[1]

        def payload() -> Any:
            if len(raw) > MAX_BODY:
                raise ApiError(413, "uploadTooLarge", "Request Entity Too Large")
            try:
                return json.loads(raw.decode("utf-8") or "{}")
            except (ValueError, UnicodeDecodeError):
                raise ApiError(400, "parseError", "Parse Error") from None

        status = 200
        if len(segs) == 3 and method == "POST":
            answer: Any = writer.insert(cal, payload(), query)
        elif len(segs) == 4 and segs[3] == "quickAdd" and method == "POST":
            answer = writer.quick_add(cal, query)
        elif len(segs) == 4 and segs[3] == "import" and method == "POST":
            answer = writer.import_(cal, payload(), query)
        elif len(segs) == 5 and segs[4] == "move" and method == "POST":
            answer = writer.move(cal, segs[3], query, if_match)
        elif len(segs) == 4 and method == "PATCH":
            answer = writer.patch(cal, segs[3], payload(), query, if_match)
        elif len(segs) == 4 and method == "PUT":
            answer = writer.update(cal, segs[3], payload(), query, if_match)
        elif len(segs) == 4 and method == "DELETE":
            writer.delete(cal, segs[3], query, if_match)
            answer, status = None, 204
        else:
            raise not_found()
        if status == 204:
            self._send(204, b"", "text/html")
            return
        spec = (query.get("fields") or [None])[0]
        answer = fields.apply(answer, spec, "Event")
        self._send_json(status, answer, pretty=pretty)

    # -- control endpoint ------------------------------------------------------------------

    def _control(self, path: str, body: bytes) -> None:
        emu = self.server.emulator
        if path == "/_emulator/requests" and self.command == "GET":
            self._send_json(200, [r.to_json() for r in emu.requests])
        elif path == "/_emulator/faults" and self.command == "POST":
            try:
                spec = json.loads(body.decode("utf-8") or "{}")
                status = spec.get("status")
                emu.faults.add(
                    Fault(
                        status=status if status in (None, "reset") else int(status),
                        reason=spec.get("reason"),
                        message=spec.get("message"),
                        count=int(spec.get("count", 1)),
                        retry_after=spec.get("retry_after"),
                        path=spec.get("path"),
                        delay=float(spec.get("delay") or 0.0),
                        after=int(spec.get("after") or 0),
                    )
                )
            except (ValueError, TypeError, AttributeError) as exc:
                self._send_json(400, {"error": str(exc)})
                return
            self._send_json(200, {"ok": True})
        elif path == "/_emulator/consent" and self.command == "POST":
            # {"withheld_scopes": [...]}: the scopes the user unticks on the consent screen
            try:
                spec = json.loads(body.decode("utf-8") or "{}")
                withheld = spec.get("withheld_scopes", [])
                if not isinstance(withheld, list) or not all(isinstance(x, str) for x in withheld):
                    raise ValueError("withheld_scopes must be a list of scopes")
            except (ValueError, AttributeError) as exc:
                self._send_json(400, {"error": str(exc)})
                return
            emu.withheld_scopes = set(withheld)
            self._send_json(200, {"ok": True, "withheld_scopes": sorted(withheld)})
        elif path == "/_emulator/reset" and self.command == "POST":
            emu.reset()
            self._send_json(200, {"ok": True})
        else:
            self._send_json(404, {"error": "unknown control endpoint"})


def make_server(host: str, port: int, emulator: Emulator) -> _Server:
    server = _Server((host, port), Handler)
    server.emulator = emulator
    return server
