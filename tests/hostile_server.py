"""A hostile Calendar API for tests: a small stdlib server that answers like Google until told
to attack, one mode per attack.

`HostileServer(mode)` serves the Calendar API routes gcal uses (calendarList, events.list,
events.get, events.instances, freeBusy) and the token endpoint, with one small, well-formed
account (two calendars, a few events near the server's start time). `on` picks the routes the
mode applies to (default: every API route, not the token endpoint); `calendar` narrows it to one
calendar's routes, so that one calendar can misbehave while the others answer well.

Modes (`MODES` has the list):

* `normal`        Google's own shapes, nothing hostile.
* `trickle`       every byte of the answer, status line included, one at a time, `trickle_every`
                  seconds apart, forever (the body never ends).
* `trickle_body`  status line and headers at once, then the body one byte at a time, forever.
* `gzip_bomb`     a gzip body of a few MB that inflates to GZIP_BOMB_SIZE (1 GiB) of valid JSON
                  (a page padded with spaces).
* `endless`       a 200 answer without a length whose body never ends (padding, fast).
* `cut`           a Content-Length larger than the body sent, then the connection closes (the
                  client sees IncompleteRead); after `cut_times` such answers (None: always),
                  a normal one.
* `deep_json`     a page with DEEP_JSON_LEVELS (100,000) levels of nested arrays.
* `wide_json`     a page of WIDE_JSON_VALUES (3 million) empty objects: 9 MB, well within the
                  size limit, but gigabytes once parsed.
* `deep_json_error` an HTTP 400 whose body has DEEP_JSON_LEVELS levels of nesting.
* `endless_pages` every page carries one new event and a new, never seen nextPageToken.
* `escapes`       every text field of calendars and events (names, summaries, descriptions,
                  locations, attendees, organizer, links, conference data, colours' names)
                  carries terminal escapes (OSC title and clipboard, CSI clear screen, C1 CSI,
                  BEL), tmux and polybar markup, bidi overrides, NUL, CR/LF/TAB, and
                  spreadsheet formulas.
* `surrogates`    the same fields carry lone UTF-16 surrogates (JSON `\\ud800`), which decode to
                  Python strings that no codec can encode.
* `error_escapes` an HTTP 400 whose Google error message and reason carry `ESCAPES`.
* `gone`          HTTP 410 (`fullSyncRequired`) for every request.
* `retry_after`   HTTP 503 with `Retry-After: 999999`.

The token endpoint always issues a fresh access token (unless the mode is on "token"). Every
request is logged in `seen` (method, path, query) for a test to count.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import http.server
import json
import socket
import threading
import time
import zlib
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit

SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
CLIENT_ID = "123-hostile.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-hostile-secret"

PRIMARY = "me@example.com"
OTHER = "team@example.com"
SERIES_ID = "series1"
EVENT_ID = "event1"

GZIP_BOMB_SIZE = 1 << 30  # what the bomb inflates to
DEEP_JSON_LEVELS = 100_000
WIDE_JSON_VALUES = 3_000_000

#: text that attacks a terminal, a status bar, a spreadsheet or a line-based reader
ESCAPES = (
    "\x1b]0;PWNED\x07"  # OSC 0: the terminal's title
    "\x1b]52;c;cHduZWQ=\x07"  # OSC 52: the clipboard
    "\x1b[2J\x1b[H"  # CSI: clear the screen
    "\x9b31m"  # C1 CSI
    "\x07\x00"  # BEL, NUL
    "#[fg=red]%{F#f00}"  # tmux and polybar markup
    "\u202egnp.exe\u202c"  # bidi override
    "\r\nforged\tline"  # CR, LF, TAB
)
FORMULA = '=HYPERLINK("http://evil.example/","click")'
SURROGATES = "bad \ud800 title \udfff end"

MODES = (
    "normal",
    "trickle",
    "trickle_body",
    "gzip_bomb",
    "endless",
    "cut",
    "deep_json",
    "deep_json_error",
    "wide_json",
    "endless_pages",
    "escapes",
    "surrogates",
    "error_escapes",
    "gone",
    "retry_after",
)
#: the modes about the network (answers that never end, are too big, are cut, ...)
NETWORK_MODES = (
    "trickle",
    "trickle_body",
    "gzip_bomb",
    "endless",
    "cut",
    "deep_json",
    "deep_json_error",
    "wide_json",
    "endless_pages",
    "gone",
    "retry_after",
)
#: the modes about the text an answer carries
TEXT_MODES = ("escapes", "surrogates", "error_escapes")

API_ROUTES: FrozenSet[str] = frozenset({"calendarList", "events", "event", "instances", "freeBusy"})


@dataclasses.dataclass
class Seen:
    method: str
    route: str
    path: str
    query: Dict[str, List[str]]


@functools.lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """A gzip stream of a valid events page padded with GZIP_BOMB_SIZE spaces (about 1 MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(b'{"kind": "calendar#events", "items": []')]
    block = b" " * (1 << 20)
    for _ in range(GZIP_BOMB_SIZE // len(block)):
        parts.append(packer.compress(block))
    parts.append(packer.compress(b"}"))
    parts.append(packer.flush())
    return b"".join(parts)


@functools.lru_cache(maxsize=1)
def deep_json() -> bytes:
    levels = DEEP_JSON_LEVELS
    return (
        b'{"kind": "calendar#events", "items": [{"id": "deep", "summary": '
        + b"[" * levels
        + b"]" * levels
        + b"}]}"
    )


@functools.lru_cache(maxsize=1)
def wide_json() -> bytes:
    return b'{"kind": "calendar#events", "items": [' + b"{}," * WIDE_JSON_VALUES + b"{}]}"


def _hostile(text: str, kind: str) -> str:
    if kind == "escapes":
        return f"{text} {ESCAPES} {FORMULA}"
    if kind == "surrogates":
        return f"{text} {SURROGATES}"
    return text


class Account:
    """The account's data, built around `now` (UTC) and dressed for `text` ("", "escapes" or
    "surrogates")."""

    def __init__(self, now: dt.datetime, text: str = "") -> None:
        self.now = now.replace(microsecond=0)
        self.text = text

    def t(self, value: str) -> str:
        return _hostile(value, self.text)

    def stamp(self, delta: dt.timedelta) -> str:
        return (self.now + delta).strftime("%Y-%m-%dT%H:%M:%SZ")

    def calendar(self, cal_id: str, primary: bool) -> Dict[str, Any]:
        entry: Dict[str, Any] = {
            "kind": "calendar#calendarListEntry",
            "etag": '"1"',
            "id": cal_id,
            "summary": self.t("Me" if primary else "Team"),
            "description": self.t("calendar description"),
            "location": self.t("calendar location"),
            "timeZone": "UTC",
            "colorId": "1",
            "backgroundColor": "#ac725e",
            "foregroundColor": "#1d1d1d",
            "accessRole": "owner" if primary else "reader",
            "defaultReminders": [],
            "selected": True,
        }
        if primary:
            entry["primary"] = True
        else:
            entry["summaryOverride"] = self.t("Team override")
        return entry

    def calendar_list(self) -> Dict[str, Any]:
        return {
            "kind": "calendar#calendarList",
            "etag": '"p1"',
            "nextSyncToken": "cl-sync-1",
            "items": [self.calendar(PRIMARY, True), self.calendar(OTHER, False)],
        }

    def person(self, email: str, name: str, *, me: bool = False, **extra: Any) -> Dict[str, Any]:
        person = {"email": email, "displayName": self.t(name), **extra}
        if me:
            person["self"] = True
        return person

    def event(
        self, cal_id: str, event_id: str, start: dt.timedelta, **extra: Any
    ) -> Dict[str, Any]:
        event: Dict[str, Any] = {
            "kind": "calendar#event",
            "etag": '"e1"',
            "id": event_id,
            "status": "confirmed",
            "htmlLink": "https://www.google.com/calendar/event?eid=" + event_id,
            "created": self.stamp(dt.timedelta(days=-30)),
            "updated": self.stamp(dt.timedelta(days=-1)),
            "summary": self.t(f"Meeting {event_id}"),
            "description": self.t("Agenda: everything"),
            "location": self.t("Room 1"),
            "colorId": "2",
            "creator": self.person(cal_id, "Creator"),
            "organizer": self.person(cal_id, "Organizer", me=True),
            "start": {"dateTime": self.stamp(start), "timeZone": "UTC"},
            "end": {"dateTime": self.stamp(start + dt.timedelta(hours=1)), "timeZone": "UTC"},
            "iCalUID": f"{event_id}@google.com",
            "sequence": 0,
            "attendees": [
                self.person(cal_id, "Me", responseStatus="accepted", organizer=True, me=True),
                self.person(
                    "guest@example.com", "Guest", responseStatus="needsAction", comment=self.t("hi")
                ),
            ],
            "hangoutLink": "https://meet.google.com/abc-defg-hij",
            "conferenceData": {
                "conferenceId": "abc-defg-hij",
                "conferenceSolution": {
                    "key": {"type": "hangoutsMeet"},
                    "name": self.t("Google Meet"),
                },
                "entryPoints": [
                    {
                        "entryPointType": "video",
                        "uri": "https://meet.google.com/abc-defg-hij",
                        "label": self.t("meet.google.com/abc-defg-hij"),
                    }
                ],
                "notes": self.t("conference notes"),
            },
            "reminders": {"useDefault": True},
            "eventType": "default",
        }
        event.update(extra)
        return event

    def events(self, cal_id: str) -> List[Dict[str, Any]]:
        hour = dt.timedelta(hours=1)
        today = self.now.date()
        all_day = self.event(cal_id, "allday1", hour)
        all_day["start"] = {"date": (today + dt.timedelta(days=1)).isoformat()}
        all_day["end"] = {"date": (today + dt.timedelta(days=2)).isoformat()}
        series = self.event(cal_id, SERIES_ID, 3 * hour, recurrence=["RRULE:FREQ=DAILY;COUNT=5"])
        return [self.event(cal_id, EVENT_ID, hour), all_day, series]

    def instances(self, cal_id: str) -> List[Dict[str, Any]]:
        out = []
        for day in range(5):
            start = dt.timedelta(days=day, hours=3)
            original = self.stamp(start)
            out.append(
                self.event(
                    cal_id,
                    f"{SERIES_ID}_{original.replace('-', '').replace(':', '')}",
                    start,
                    recurringEventId=SERIES_ID,
                    originalStartTime={"dateTime": original, "timeZone": "UTC"},
                )
            )
        return out

    def events_page(self, cal_id: str, items: List[Dict[str, Any]]) -> Dict[str, Any]:
        return {
            "kind": "calendar#events",
            "etag": '"p2"',
            "summary": self.t(cal_id),
            "description": self.t(""),
            "updated": self.stamp(dt.timedelta(0)),
            "timeZone": "UTC",
            "accessRole": "owner",
            "defaultReminders": [],
            "nextSyncToken": "sync-1",
            "items": items,
        }


Answer = Tuple[int, Dict[str, str], Any]  # status, headers, body: bytes, JSON-able or iterator


class HostileServer:
    """A started server (use as a context manager, or `start()`/`stop()`)."""

    def __init__(
        self,
        mode: str = "normal",
        *,
        on: Iterable[str] = API_ROUTES,
        calendar: Optional[str] = None,
        trickle_every: float = 0.3,
        cut_times: Optional[int] = None,
        now: Optional[dt.datetime] = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {', '.join(MODES)}")
        self.mode = mode
        self.on = frozenset(on)
        self.calendar = calendar
        self.trickle_every = trickle_every
        self.cut_times = cut_times
        self.now = now or dt.datetime.now(dt.timezone.utc)
        self.seen: List[Seen] = []
        self._lock = threading.Lock()
        self._cuts = 0
        self._page_counter = 0
        self._stop = threading.Event()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    owner._handle(self, body)
                except (OSError, ValueError):
                    self.close_connection = True

            do_GET = do_POST = _serve

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hung up on an attack is no news

        self.server = Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    # -- set-up ---------------------------------------------------------------------------

    @property
    def api_endpoint(self) -> str:
        return self.base + "/calendar/v3/"

    @property
    def token_uri(self) -> str:
        return self.base + "/token"

    def start(self) -> HostileServer:
        if self.mode == "gzip_bomb":
            gzip_bomb()  # built before the first request, not while a client waits
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests(self, route: Optional[str] = None) -> List[Seen]:
        with self._lock:
            return [s for s in self.seen if route is None or s.route == route]

    # -- routing ----------------------------------------------------------------------------

    @staticmethod
    def route(method: str, path: str) -> Tuple[str, Dict[str, str]]:
        """The route's name and its path parameters (unquoted)."""
        parts = [unquote(p) for p in path.split("/") if p]
        if parts[:2] == ["calendar", "v3"]:
            parts = parts[2:]
        if parts == ["token"]:
            return "token", {}
        if parts == ["users", "me", "calendarList"]:
            return "calendarList", {}
        if parts == ["freeBusy"]:
            return "freeBusy", {}
        if len(parts) >= 3 and parts[0] == "calendars" and parts[2] == "events":
            params = {"calendarId": parts[1]}
            if len(parts) == 3:
                return "events", params
            params["eventId"] = parts[3]
            if len(parts) == 5 and parts[4] == "instances":
                return "instances", params
            return "event", params
        return "unknown", {}

    def _applies(self, route: str, params: Dict[str, str], body: bytes) -> bool:
        if route not in self.on:
            return False
        if self.calendar is None:
            return True
        if route == "freeBusy":
            return self.calendar.encode("utf-8") in body
        return params.get("calendarId") == self.calendar

    def _handle(self, handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        parts = urlsplit(handler.path)
        route, params = self.route(handler.command, parts.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        with self._lock:
            self.seen.append(Seen(handler.command, route, parts.path, query))
        hostile = self._applies(route, params, body)
        mode = self.mode if hostile else "normal"
        account = Account(self.now, mode if mode in ("escapes", "surrogates") else "")
        status, headers, data = self._answer(mode, route, params, query, body, account)
        self._deliver(handler, mode, status, headers, data)

    def _answer(
        self,
        mode: str,
        route: str,
        params: Dict[str, str],
        query: Dict[str, List[str]],
        body: bytes,
        account: Account,
    ) -> Answer:
        if route == "unknown":
            return 404, {"Content-Type": "text/plain"}, b"Not Found"
        if mode == "gone":
            return 410, {}, google_error(410, "fullSyncRequired", "Sync token is no longer valid")
        if mode == "retry_after":
            return (
                503,
                {"Retry-After": "999999"},
                google_error(503, "backendError", "Backend Error"),
            )
        if mode == "error_escapes":
            return 400, {}, google_error(400, "bad" + ESCAPES, "Bad request " + ESCAPES)
        if mode == "deep_json":
            return 200, {"Content-Type": "application/json; charset=UTF-8"}, deep_json()
        if mode == "wide_json":
            return 200, {"Content-Type": "application/json; charset=UTF-8"}, wide_json()
        if mode == "deep_json_error":
            return 400, {"Content-Type": "application/json; charset=UTF-8"}, deep_json()
        if mode == "gzip_bomb":
            headers = {"Content-Type": "application/json; charset=UTF-8"}
            return 200, {**headers, "Content-Encoding": "gzip"}, gzip_bomb()
        if route == "token":
            return (
                200,
                {},
                {
                    "access_token": "at-hostile",
                    "expires_in": 3599,
                    "token_type": "Bearer",
                    "scope": SCOPE,
                },
            )
        if route == "calendarList":
            return 200, {}, account.calendar_list()
        if route == "freeBusy":
            try:
                asked = json.loads(body.decode("utf-8"))
            except ValueError:
                return 400, {}, google_error(400, "parseError", "Parse Error")
            busy = [
                {
                    "start": account.stamp(dt.timedelta(hours=1)),
                    "end": account.stamp(dt.timedelta(hours=2)),
                }
            ]
            return (
                200,
                {},
                {
                    "kind": "calendar#freeBusy",
                    "timeMin": asked.get("timeMin"),
                    "timeMax": asked.get("timeMax"),
                    "calendars": {
                        item.get("id"): {"busy": busy} for item in asked.get("items") or []
                    },
                },
            )
        cal_id = params.get("calendarId", PRIMARY)
        if cal_id == "primary":
            cal_id = PRIMARY
        if cal_id not in (PRIMARY, OTHER):
            return 404, {}, google_error(404, "notFound", "Not Found")
        if route == "event":
            for event in account.events(cal_id) + account.instances(cal_id):
                if event["id"] == params["eventId"]:
                    return 200, {}, event
            return 404, {}, google_error(404, "notFound", "Not Found")
        if mode == "endless_pages":
            with self._lock:
                self._page_counter += 1
                n = self._page_counter
            page = account.events_page(
                cal_id, [account.event(cal_id, f"page{n}", dt.timedelta(hours=1))]
            )
            page.pop("nextSyncToken")
            page["nextPageToken"] = f"token-{n}-{time.monotonic_ns()}"
            return 200, {}, page
        if route == "instances":
            page = account.events_page(cal_id, account.instances(cal_id))
            page.pop("nextSyncToken")  # instances have no sync token
            return 200, {}, page
        return 200, {}, account.events_page(cal_id, account.events(cal_id))

    # -- delivery ---------------------------------------------------------------------------

    def _deliver(
        self,
        handler: http.server.BaseHTTPRequestHandler,
        mode: str,
        status: int,
        headers: Dict[str, str],
        data: Any,
    ) -> None:
        if not isinstance(data, bytes):
            data = json.dumps(data, ensure_ascii=True).encode("ascii")
            headers = {"Content-Type": "application/json; charset=UTF-8", **headers}
        reason = http.server.BaseHTTPRequestHandler.responses.get(status, ("Status",))[0]
        head = [f"HTTP/1.1 {status} {reason}"]
        head += [f"{key}: {value}" for key, value in headers.items()]
        out = handler.wfile
        if mode in ("trickle", "trickle_body"):
            head.append("Connection: close")
            handler.close_connection = True
            start = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
            if mode == "trickle_body":
                out.write(start)
                out.flush()
                start = b""
            self._trickle(handler.connection, start + data + b" " * 1_000_000)
            return
        if mode == "endless":
            head.append("Connection: close")
            handler.close_connection = True
            out.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            out.write(b'{"kind": "calendar#events", "items": []')
            block = b" " * 65536
            while not self._stop.is_set():
                out.write(block)
            return
        if mode == "cut" and self._cut_now():
            head.append(f"Content-Length: {len(data) + 1000}")
            head.append("Connection: close")
            handler.close_connection = True
            out.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data[: len(data) // 2])
            out.flush()
            return
        head.append(f"Content-Length: {len(data)}")
        out.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
        out.flush()

    def _cut_now(self) -> bool:
        with self._lock:
            if self.cut_times is not None and self._cuts >= self.cut_times:
                return False
            self._cuts += 1
            return True

    def _trickle(self, conn: socket.socket, data: bytes) -> None:
        for i in range(len(data)):
            if self._stop.wait(self.trickle_every):
                return
            conn.sendall(data[i : i + 1])


def google_error(status: int, reason: Optional[str], message: str) -> Dict[str, Any]:
    """Google's JSON error body."""
    error: Dict[str, Any] = {"code": status, "message": message}
    if reason:
        error["errors"] = [{"domain": "global", "reason": reason, "message": message}]
    return {"error": error}


def write_account(folder: Any, server: HostileServer, *, expired: bool = False) -> List[str]:
    """A client file and a token file for `server` in `folder`; gcal's global options for them.
    `expired`: the stored token has expired, so the first request refreshes it."""
    from pathlib import Path

    folder = Path(folder)
    secrets = folder / "client_secrets.json"
    credentials = folder / "calendar.dat"
    secrets.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": CLIENT_ID,
                    "project_id": "hostile",
                    "auth_uri": server.base + "/o/oauth2/auth",
                    "token_uri": server.token_uri,
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
                "refresh_token": "rt-1",
                "token_uri": server.token_uri,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "scopes": [SCOPE],
                "expiry": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    )
    secrets.chmod(0o600)
    credentials.chmod(0o600)
    return [
        "--client-secrets",
        str(secrets),
        "--credentials",
        str(credentials),
        "--api-endpoint",
        server.api_endpoint,
    ]


#: one command line per command that talks to the API (after gcal's global options)
API_COMMANDS: Dict[str, List[str]] = {
    "calendars": ["calendars"],
    "events": ["events", "primary"],
    "instances": ["instances", "primary", SERIES_ID],
    "show": ["show", "primary", EVENT_ID],
    "agenda": ["agenda"],
    "week": ["week"],
    "month": ["month"],
    "next": ["next"],
    "free": ["free"],
    "freebusy": ["freebusy", "primary"],
    "sync": ["sync"],
    "export": ["export", "primary"],
    "next-cached": ["next", "--cached"],
}


def serve_forever(mode: str) -> None:  # pragma: no cover - a manual aid
    """`python tests/hostile_server.py MODE`: serve until Ctrl-C, printing the endpoint."""
    with HostileServer(mode) as server:
        print(server.api_endpoint, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    import sys

    serve_forever(sys.argv[1] if len(sys.argv) > 1 else "normal")
