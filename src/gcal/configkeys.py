"""What the config file may set (`KEYS`): each key's type, range or choices, the Settings
field it sets (global options) or none (a command's default), its help line and gcal's own
default as `gcal config show` prints it; and the ranges of the numeric global options, the same
from the command line, the environment and the file (`RANGES`).

Separate from reading the file (`gcal.config`) because the option declarations (`gcal.cli`)
need the ranges and the names on every run, without the file's parser and checks.

Shared layer: this module imports nothing of gcal but `record`.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from gcal.record import Record

FORMATS = ("table", "json", "ndjson", "csv", "tsv", "ics")  # as the --format option
LOGGING_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: The one range of each numeric global option, the same whether it comes from the command
#: line, the environment or the config file: finite numbers only (no inf, no nan).
RANGES: Dict[str, Tuple[Any, Any]] = {
    "timeout": (0.1, 3600.0),  # seconds a request may take in all
    "auth_timeout": (1.0, 86400.0),
    "max_retries": (0, 50),
    "retry_max_time": (0.0, 86400.0),
}
WEEKDAYS = ("monday", "sunday")  # the first days of the week the views can draw


class Key(Record):
    """One key of the file: its type and, for global options, the Settings field it sets."""

    __slots__ = ("builtin", "choices", "field", "help", "kind", "maximum", "minimum", "name")

    def __init__(
        self,
        name: str,
        kind: str,  # "str", "bool", "int", "number", "strings", "ports", "choice"
        field: Optional[str] = None,  # Settings field (global options); None: a command default
        choices: Tuple[str, ...] = (),
        minimum: Optional[float] = None,
        maximum: Optional[float] = None,
        help: str = "",
        builtin: Any = None,  # gcal's own default, as `gcal config show` prints it
    ) -> None:
        self.name = name
        self.kind = kind
        self.field = field
        self.choices = choices
        self.minimum = minimum
        self.maximum = maximum
        self.help = help
        self.builtin = builtin

    def describe(self) -> str:
        return {
            "str": "a string",
            "bool": "true or false",
            "int": "an integer",
            "number": "a number",
            "strings": "a list of strings",
            "ports": "a list of port numbers (0-65535)",
            "choice": "one of " + ", ".join(self.choices),
            "zone": "an IANA time zone name such as Europe/Berlin or UTC",
        }[self.kind]


KEYS: Tuple[Key, ...] = (
    # global options
    Key(
        "format",
        "choice",
        "format",
        FORMATS,
        help="output format",
        builtin="table on a terminal, else tsv",
    ),
    Key(
        "client_secrets",
        "str",
        "client_secrets",
        help="OAuth client file",
        builtin="./client_secrets.json, then <config>/client_secrets.json (a profile's own "
        "<config>/profiles/NAME/client_secrets.json first)",
    ),
    Key(
        "credentials",
        "str",
        "credentials",
        help="token file",
        builtin="./calendar.dat if it exists, else <config>/calendar.dat",
    ),
    Key(
        "api_endpoint",
        "str",
        "api_endpoint",
        help="Calendar API base URL",
        builtin="https://www.googleapis.com/calendar/v3/",
    ),
    Key("auth_host_name", "str", "auth_host_name", help="login redirect host", builtin="localhost"),
    Key(
        "auth_host_port",
        "ports",
        "auth_host_ports",
        help="login redirect ports",
        builtin=[8080, 8090],
    ),
    Key(
        "auth_timeout",
        "number",
        "auth_timeout",
        minimum=RANGES["auth_timeout"][0],
        maximum=RANGES["auth_timeout"][1],
        help="login wait (s)",
        builtin=300.0,
    ),
    Key(
        "noauth_local_webserver",
        "bool",
        "noauth_local_webserver",
        help="headless login",
        builtin=False,
    ),
    Key("no_browser", "bool", "no_browser", help="do not open a browser", builtin=False),
    Key(
        "logging_level",
        "choice",
        "logging_level",
        LOGGING_LEVELS,
        help="log detail",
        builtin="ERROR",
    ),
    Key(
        "timeout",
        "number",
        "timeout",
        minimum=RANGES["timeout"][0],
        maximum=RANGES["timeout"][1],
        help="HTTP time limit (s)",
        builtin=30.0,
    ),
    Key(
        "retries",
        "int",
        "max_retries",
        minimum=RANGES["max_retries"][0],
        maximum=RANGES["max_retries"][1],
        help="retries after a transient failure",
        builtin=5,
    ),
    Key(
        "retry_max_time",
        "number",
        "retry_max_time",
        minimum=RANGES["retry_max_time"][0],
        maximum=RANGES["retry_max_time"][1],
        help="retry time bound (s)",
        builtin=120.0,
    ),
    Key(
        "color",
        "choice",
        "color",
        ("auto", "always", "never"),
        help="colour in views for people",
        builtin="auto",
    ),
    Key("csv_raw", "bool", "csv_raw", help="csv cells as they are (no ' guard)", builtin=False),
    # the agenda's defaults
    Key("time_zone", "zone", help="display time zone", builtin="the local zone"),
    Key("calendars", "strings", help="calendars of the agenda", builtin="every shown calendar"),
    Key("days", "int", minimum=1, help="days the agenda shows", builtin="the agenda's own"),
    Key("week_start", "choice", choices=WEEKDAYS, help="first day of the week", builtin="monday"),
    Key("no_declined", "bool", help="hide events you declined", builtin=False),
    # the store's change history (gcal changes)
    Key(
        "history_keep",
        "int",
        minimum=1,
        help="days of change history a sync keeps",
        builtin=90,
    ),
    # the write commands' defaults
    Key(
        "default_calendar",
        "str",
        help="calendar the write commands change",
        builtin="primary",
    ),
    Key("read_only", "bool", help="refuse every write (add, edit, delete, ...)", builtin=False),
    Key("mcp_writes", "bool", help="gcal mcp offers its write tools", builtin=False),
)
KEYS_BY_NAME: Dict[str, Key] = {key.name: key for key in KEYS}
