"""The global options of one gcal invocation, gathered in one plain object.

The CLI builds a `Settings` from its options and hands it to the library modules (auth, api,
render), so that none of them depends on click and each can be used and tested on its own.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, Optional, Tuple

from gcal.record import Record

DEFAULT_AUTH_HOST_NAME = "localhost"
DEFAULT_AUTH_HOST_PORTS: Tuple[int, ...] = (8080, 8090)
DEFAULT_AUTH_TIMEOUT = 300.0
DEFAULT_HTTP_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 5
DEFAULT_LOGGING_LEVEL = "ERROR"
DEFAULT_RETRY_MAX_TIME = 120.0
SCOPES: Tuple[str, ...] = ("https://www.googleapis.com/auth/calendar.readonly",)
#: asked for by incremental authorization at the first write (`gcal auth login --write`)
WRITE_SCOPE = "https://www.googleapis.com/auth/calendar.events"
#: granted scopes that allow changing events (the full calendar scope includes them)
WRITE_SCOPES = frozenset({WRITE_SCOPE, "https://www.googleapis.com/auth/calendar"})


class RetryBudget:
    """The time one command has spent waiting because of failures (failed attempts and the
    waits before retries), summed over all its requests and threads: `--retry-max-time` bounds
    it, so retries stop once the command as a whole has waited that long."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.spent = 0.0

    def add(self, seconds: float) -> float:
        """Count `seconds` more; the total so far."""
        with self._lock:
            self.spent += max(0.0, seconds)
            return self.spent


_FIELDS = (
    "client_secrets",
    "credentials",
    "auth_host_name",
    "auth_host_ports",
    "noauth_local_webserver",
    "auth_timeout",
    "open_browser",
    "logging_level",
    "format",
    "csv_raw",
    "api_endpoint",
    "demo",
    "timeout",
    "max_retries",
    "retry_max_time",
    "interactive",
    "profile",
    "profiles",
    "command_defaults",
    "retry_budget",
)


class Settings(Record):
    """Everything a command needs to know besides its own parameters (a `Record`: equal by
    its fields, `replace` makes a changed copy that shares the retry budget)."""

    __slots__ = _FIELDS

    def __init__(
        self,
        client_secrets: Optional[str] = None,  # explicit path (option or GCAL_CLIENT_SECRETS)
        credentials: Optional[str] = None,  # explicit path (option or GCAL_CREDENTIALS)
        auth_host_name: str = DEFAULT_AUTH_HOST_NAME,
        auth_host_ports: Tuple[int, ...] = DEFAULT_AUTH_HOST_PORTS,
        noauth_local_webserver: bool = False,
        auth_timeout: float = DEFAULT_AUTH_TIMEOUT,
        open_browser: bool = True,
        logging_level: str = DEFAULT_LOGGING_LEVEL,
        format: Optional[str] = None,  # None: table on a terminal, tsv otherwise
        csv_raw: bool = False,  # csv cells as they are (no ' before a formula-like cell)
        api_endpoint: Optional[str] = None,  # base URL of the Calendar API, ends with "/"
        demo: bool = False,
        timeout: float = DEFAULT_HTTP_TIMEOUT,  # seconds, for every HTTP request
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_max_time: float = DEFAULT_RETRY_MAX_TIME,
        interactive: Optional[bool] = None,  # None: decide from whether stdin is a terminal
        profile: str = "default",  # the account: its token file (and store) are its own
        profiles: Tuple[str, ...] = (),  # every profile asked for (several: a merged agenda)
        # Defaults for commands' own options from the config file (time_zone, calendars, days,
        # week_start, no_declined), already resolved for the profile.
        command_defaults: Optional[Dict[str, Any]] = None,
        # shared by every copy made with `replace`: one budget for the whole command
        retry_budget: Optional[RetryBudget] = None,
    ) -> None:
        self.client_secrets = client_secrets
        self.credentials = credentials
        self.auth_host_name = auth_host_name
        self.auth_host_ports = auth_host_ports
        self.noauth_local_webserver = noauth_local_webserver
        self.auth_timeout = auth_timeout
        self.open_browser = open_browser
        self.logging_level = logging_level
        self.format = format
        self.csv_raw = csv_raw
        self.api_endpoint = api_endpoint
        self.demo = demo
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_max_time = retry_max_time
        self.interactive = interactive
        self.profile = profile
        self.profiles = profiles
        self.command_defaults: Dict[str, Any] = {} if command_defaults is None else command_defaults
        self.retry_budget: RetryBudget = RetryBudget() if retry_budget is None else retry_budget

    def _values(self) -> Tuple[Any, ...]:
        # the retry budget is not part of the value (as a dataclass field with compare=False)
        return tuple(getattr(self, name) for name in _FIELDS[:-1])

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS[:-1])
        return f"Settings({fields})"

    __hash__ = None  # type: ignore[assignment]  # changeable, as a dataclass that is not frozen
