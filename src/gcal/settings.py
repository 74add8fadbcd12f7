"""The global options of one gcal invocation, gathered in one plain object.

The CLI builds a `Settings` from its options and hands it to the library modules (auth, api,
render), so that none of them depends on click and each can be used and tested on its own.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Dict, Optional, Tuple

DEFAULT_AUTH_HOST_NAME = "localhost"
DEFAULT_AUTH_HOST_PORTS: Tuple[int, ...] = (8080, 8090)
DEFAULT_AUTH_TIMEOUT = 300.0
DEFAULT_HTTP_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 5
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


@dataclasses.dataclass
class Settings:
    """Everything a command needs to know besides its own parameters."""

    client_secrets: Optional[str] = None  # explicit path (option or GCAL_CLIENT_SECRETS)
    credentials: Optional[str] = None  # explicit path (option or GCAL_CREDENTIALS)
    auth_host_name: str = DEFAULT_AUTH_HOST_NAME
    auth_host_ports: Tuple[int, ...] = DEFAULT_AUTH_HOST_PORTS
    noauth_local_webserver: bool = False
    auth_timeout: float = DEFAULT_AUTH_TIMEOUT
    open_browser: bool = True
    logging_level: str = "ERROR"
    format: Optional[str] = None  # None: table on a terminal, tsv otherwise
    csv_raw: bool = False  # csv cells as they are (no ' before a formula-like cell)
    api_endpoint: Optional[str] = None  # base URL of the Calendar API, ends with "/"
    demo: bool = False
    timeout: float = DEFAULT_HTTP_TIMEOUT  # seconds, for every HTTP request
    max_retries: int = DEFAULT_MAX_RETRIES
    retry_max_time: float = DEFAULT_RETRY_MAX_TIME
    interactive: Optional[bool] = None  # None: decide from whether stdin is a terminal
    profile: str = "default"  # the account: its token file (and store) are its own
    profiles: Tuple[str, ...] = ()  # every profile asked for (several: a merged agenda)
    # Defaults for commands' own options from the config file (time_zone, calendars, days,
    # week_start, no_declined), already resolved for the profile.
    command_defaults: Dict[str, Any] = dataclasses.field(default_factory=dict)
    # shared by every copy made with `replace`: one budget for the whole command
    retry_budget: RetryBudget = dataclasses.field(
        default_factory=RetryBudget, compare=False, repr=False
    )

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
