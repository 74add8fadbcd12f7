"""`Emulator`: the object tests and `--demo` hold. Owns the store, OAuth state and server thread."""

from __future__ import annotations

import gc
import json
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

from gcal.emulator.faults import Fault, FaultQueue
from gcal.emulator.oauth import (
    CALENDAR_SCOPE,
    DEFAULT_SCOPE,
    EVENTS_SCOPE,
    READONLY_SCOPE,
    OAuthServer,
)
from gcal.emulator.query import Engine
from gcal.emulator.server import API_PREFIX, LoggedRequest, make_server
from gcal.emulator.store import Store, load_data
from gcal.emulator.writes import Writer

CLIENT_ID = "1071234567890-gcalemulator0demo0client0id.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-gcal-emulator-client-secret"
PROJECT_ID = "gcal-emulator"

DataSource = Union[None, Dict[str, Any], str, Path]

# The demo world of the last (anchor, five-minute step), loaded once: each emulator gets a copy.
_demo_lock = threading.Lock()
_demo_loaded: Dict[Any, Store] = {}


def _demo_store() -> Store:
    """A fresh store of the demo account, as `Store(load_data(None))` gives, copied from the
    one loaded for the same moment (tests start an emulator per test: loading is most of it)."""
    from gcal.emulator.demodata import build_demo_data, demo_moment

    moment = demo_moment()
    with _demo_lock:
        loaded = _demo_loaded.get(moment)
        if loaded is None:
            loaded = Store(build_demo_data(*moment))
            _demo_loaded.clear()
            _demo_loaded[moment] = loaded
        return loaded.clone()


class Emulator:
    """A Google Calendar v3 + OAuth 2.0 server on loopback, serving in a daemon thread.

    Reads: calendarList.list, events.list/instances/get, freeBusy.query. Writes (see
    `gcal.emulator.writes` for the rules): events.insert, patch, update, delete, quickAdd,
    import, move. Changes live in this object's memory only (the `--demo` world starts afresh
    each time).

    Scopes: a read-only token (`issue_tokens()`, or a login asking `READONLY_SCOPE`) reads;
    the write methods need `EVENTS_SCOPE` or `CALENDAR_SCOPE` (`issue_write_tokens()`, or
    `issue_tokens(Emulator.WRITE)`), else 403 `insufficientPermissions`. The authorization
    endpoint honours `include_granted_scopes=true` (the new token holds the union of every
    grant so far) and `withheld_scopes` (the user unticking a box on the consent screen).
    """

    READONLY_SCOPE = READONLY_SCOPE
    EVENTS_SCOPE = EVENTS_SCOPE
    CALENDAR_SCOPE = CALENDAR_SCOPE
    #: the scopes of a token that reads and writes events
    WRITE = (READONLY_SCOPE, EVENTS_SCOPE)

    def __init__(
        self,
        data: DataSource = None,
        *,
        extra_events: int = 0,
        token_lifetime: int = 3600,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.store = _demo_store() if data is None else Store(load_data(data))
        if extra_events:
            from gcal.emulator.benchevents import add_generated_events

            add_generated_events(self.store, extra_events)
            if extra_events >= 10000:
                # Keep the cyclic GC from rescanning 100,000 long-lived events on every page.
                gc.collect()
                gc.freeze()
        self.engine = Engine(self.store)
        self.writer = Writer(self.store)
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.oauth = OAuthServer(CLIENT_ID, CLIENT_SECRET, token_lifetime)
        self.faults = FaultQueue()
        self.date_offset = 0.0  # seconds added to every response's Date header (clock skew)
        self.requests: List[LoggedRequest] = []
        self._log_lock = threading.Lock()
        self._host = host
        self._port = port
        self._server = None
        self._thread: Optional[threading.Thread] = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Emulator:
        if self._server is None:
            self._server = make_server(self._host, self._port, self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                # stop() waits for the loop to see its request: up to one poll interval
                kwargs={"poll_interval": 0.01},
                name="gcal-emulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def serve_forever(self) -> None:
        """Serve in the calling thread (standalone use); returns after `stop()` or Ctrl-C."""
        if self._server is None:
            self._server = make_server(self._host, self._port, self)
        self._server.serve_forever(poll_interval=0.2)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        host = self._host if ":" not in self._host else f"[{self._host}]"
        return f"http://{host}:{self.port}/"

    @property
    def api_endpoint(self) -> str:
        return self.base_url + API_PREFIX.lstrip("/")

    # -- OAuth -----------------------------------------------------------------------------

    def client_secrets_dict(self) -> Dict[str, Any]:
        base = self.base_url
        return {
            "installed": {
                "client_id": self.client_id,
                "project_id": PROJECT_ID,
                "auth_uri": base + "o/oauth2/auth",
                "token_uri": base + "token",
                "auth_provider_x509_cert_url": base + "oauth2/v1/certs",
                "client_secret": self.client_secret,
                "redirect_uris": ["http://localhost"],
            }
        }

    def write_client_secrets(self, path: Union[str, Path]) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.client_secrets_dict(), indent=2) + "\n", encoding="utf-8")
        return path

    def issue_tokens(self, scopes: Sequence[str] = (DEFAULT_SCOPE,)) -> Dict[str, Any]:
        """Tokens granted without the browser dance. The default is read-only
        (`calendar.readonly`): reads work, every write method answers 403
        `insufficientPermissions`. Pass `scopes=Emulator.WRITE` (readonly + calendar.events) or
        `issue_write_tokens()` for a token that may write."""
        return self.oauth.issue_tokens(scopes)

    def issue_write_tokens(self) -> Dict[str, Any]:
        """Tokens holding `calendar.readonly` and `calendar.events`: reads and event writes."""
        return self.oauth.issue_tokens(self.WRITE)

    @property
    def withheld_scopes(self) -> set:
        """Scopes the user unticks on the consent screen (granular consent): the authorization
        endpoint grants what was asked minus these, and the token's `scope` says so. E.g.
        `emu.withheld_scopes = {Emulator.EVENTS_SCOPE}` makes a login that asks for write
        access come back read-only. All scopes withheld is `access_denied`. Over HTTP (an
        emulator in another process): POST /_emulator/consent {"withheld_scopes": [...]}."""
        return self.oauth.withheld_scopes

    @withheld_scopes.setter
    def withheld_scopes(self, value: Any) -> None:
        self.oauth.withheld_scopes = set(value)

    @property
    def granted_scopes(self) -> set:
        """Every scope granted to the client so far; `include_granted_scopes=true` at the
        authorization endpoint adds these to the new grant (incremental authorization)."""
        return self.oauth.granted_scopes

    def expire_access_tokens(self) -> None:
        self.oauth.expire_access_tokens()

    def leave_in_testing(self, days_ago: float = 0.0) -> None:
        """The app's consent screen is in Testing: a refresh token dies 7 days after it was
        issued (Google's rule); every token handed out so far is made `days_ago` older."""
        self.oauth.testing = True
        self.oauth.age_refresh_tokens(days_ago * 86400)

    @property
    def revoked(self) -> set:
        return self.oauth.revoked

    @property
    def token_requests(self) -> List[Dict[str, str]]:
        return self.oauth.token_requests

    def issued_secrets(self) -> set:
        """Every secret of this emulator's OAuth exchanges (access and refresh tokens, codes,
        PKCE verifiers, the client secret): what a leak check searches gcal's output for."""
        return self.oauth.issued_secrets() | {self.client_secret}

    @property
    def deny_consent(self) -> bool:
        return self.oauth.deny_consent

    @deny_consent.setter
    def deny_consent(self, value: bool) -> None:
        self.oauth.deny_consent = bool(value)

    @property
    def rotate_refresh_tokens(self) -> bool:
        return self.oauth.rotate_refresh_tokens

    @rotate_refresh_tokens.setter
    def rotate_refresh_tokens(self, value: bool) -> None:
        self.oauth.rotate_refresh_tokens = bool(value)

    @property
    def require_pkce(self) -> bool:
        return self.oauth.require_pkce

    @require_pkce.setter
    def require_pkce(self, value: bool) -> None:
        self.oauth.require_pkce = bool(value)

    # -- request log -----------------------------------------------------------------------

    def _log(self, request: LoggedRequest) -> None:
        with self._log_lock:
            self.requests.append(request)

    def clear_requests(self) -> None:
        with self._log_lock:
            self.requests.clear()

    def api_requests(self, path_contains: Optional[str] = None) -> List[LoggedRequest]:
        with self._log_lock:
            found = [r for r in self.requests if r.path.startswith(API_PREFIX)]
        if path_contains is not None:
            found = [r for r in found if path_contains in r.path]
        return found

    # -- faults ----------------------------------------------------------------------------

    def inject_fault(
        self,
        status: Union[int, str],
        *,
        reason: Optional[str] = None,
        message: Optional[str] = None,
        count: int = 1,
        retry_after: Optional[Union[int, float, str]] = None,
        path: Optional[str] = None,
        after: int = 0,
    ) -> None:
        """Fail the next `count` matching requests, once `after` of them have been let
        through; status "reset" drops the connection."""
        if status != "reset":
            status = int(status)
        self.faults.add(Fault(status, reason, message, count, retry_after, path, after=after))

    def inject_delay(
        self, seconds: float, *, count: int = 1, path: Optional[str] = None, after: int = 0
    ) -> None:
        """Hold the next `count` matching requests for `seconds`, once `after` of them have
        been let through (e.g. only the second page of a listing)."""
        self.faults.add(Fault(None, count=count, path=path, delay=float(seconds), after=after))

    def reset(self) -> None:
        """Forget injected faults and logged requests (the control endpoint's reset)."""
        self.faults.clear()
        self.clear_requests()

    # -- data changes (sync-token tests) ---------------------------------------------------

    def update_event(self, calendar_id: str, event_id: str, **changes: Any) -> None:
        self.store.update_event(calendar_id, event_id, changes)

    def delete_event(self, calendar_id: str, event_id: str) -> None:
        self.store.delete_event(calendar_id, event_id)

    def insert_event(self, calendar_id: str, event: Dict[str, Any]) -> None:
        self.store.insert_event(calendar_id, event)

    def invalidate_sync_tokens(self) -> None:
        self.store.invalidate_sync_tokens()
