"""The API parameters of the three read methods, as data.

One table per command says how each Calendar API query parameter is spelled on the command line,
what kind of value it takes and how it is checked. The CLI builds its options from these tables
and `to_request` turns parsed option values into API keyword arguments, so an option cannot exist
without reaching the request. A test compares the tables with the discovery document bundled with
google-api-python-client, so a parameter Google adds cannot go unnoticed.

Nothing here imports more than the standard library: building `--help` must stay cheap.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

from gcal.errors import UsageError
from gcal.record import Record

# API method behind each command: (resource, method).
METHODS: Dict[str, Tuple[str, str]] = {
    "calendars": ("calendarList", "list"),
    "events": ("events", "list"),
    "instances": ("events", "instances"),
    "show": ("events", "get"),
}
# Methods whose request is a JSON body rather than query parameters (see gcal.google.freebusy).
BODY_METHODS: Dict[str, Tuple[str, str]] = {"freebusy": ("freebusy", "query")}

# Largest page each method serves (Google clamps larger requests; gcal refuses them up front).
MAX_PAGE_SIZE: Dict[str, int] = {"calendars": 250, "events": 2500, "instances": 2500}

EVENT_TYPES = ("birthday", "default", "focusTime", "fromGmail", "outOfOffice", "workingLocation")
ACCESS_ROLES = ("freeBusyReader", "owner", "reader", "writer", "writerWithoutPrivateAccess")
ORDER_BY = ("startTime", "updated")

# events.list refuses these beside a syncToken (400); gcal says so before sending anything.
SYNC_TOKEN_CONFLICTS: Dict[str, Tuple[str, ...]] = {
    "events": (
        "iCalUID",
        "orderBy",
        "privateExtendedProperty",
        "q",
        "sharedExtendedProperty",
        "timeMin",
        "timeMax",
        "updatedMin",
    ),
    "calendars": ("minAccessRole",),
    "instances": (),
    "show": (),
}


class Param(Record):
    """One API query parameter and the option that sets it.

    kind: "bool" (a flag), "int", "str", "time" (read with the time grammar, sent as RFC 3339),
    "choice" (one of `choices`), "multi" (repeatable, a list), "multichoice" (repeatable choice),
    "kv" (repeatable NAME=VALUE).
    """

    __slots__ = ("api", "choices", "flag", "help", "kind", "maximum", "metavar", "minimum")

    def __init__(
        self,
        api: str,
        flag: str,
        kind: str,
        help: str,
        choices: Tuple[str, ...] = (),
        minimum: Optional[int] = None,
        maximum: Optional[int] = None,
        metavar: Optional[str] = None,
    ) -> None:
        self.api = api
        self.flag = flag
        self.kind = kind
        self.help = help
        self.choices = choices
        self.minimum = minimum
        self.maximum = maximum
        self.metavar = metavar

    @property
    def dest(self) -> str:
        """The Python name click gives the option's value."""
        return self.flag.lstrip("-").replace("-", "_")


_ALWAYS_INCLUDE_EMAIL = Param(
    "alwaysIncludeEmail", "--always-include-email", "bool", "Deprecated and ignored by the API."
)
_PAGE_TOKEN = Param(
    "pageToken",
    "--page-token",
    "str",
    "Start from this page (a nextPageToken of an earlier listing); later pages follow.",
    metavar="TOKEN",
)
_SHOW_DELETED_EVENTS = Param(
    "showDeleted",
    "--show-deleted",
    "bool",
    "Include deleted events (status 'cancelled'), and cancelled instances of series.",
)
_MAX_ATTENDEES = Param(
    "maxAttendees",
    "--max-attendees",
    "int",
    "Include at most N attendees per event (the rest are omitted, attendeesOmitted is set).",
    minimum=1,
    metavar="N",
)
_TIME_ZONE = Param(
    "timeZone",
    "--time-zone",
    "str",
    "IANA time zone of the response (default: the calendar's); also the zone of times "
    "given without an offset.",
    metavar="ZONE",
)


def _max_results(command: str) -> Param:
    top = MAX_PAGE_SIZE[command]
    return Param(
        "maxResults",
        "--max-results",
        "int",
        f"Page size: at most N items per request (1-{top}; default: {top}). "
        "Pages are still followed to the end; see --limit.",
        minimum=1,
        maximum=top,
        metavar="N",
    )


PARAMS: Dict[str, Tuple[Param, ...]] = {
    "calendars": (
        _max_results("calendars"),
        Param(
            "minAccessRole",
            "--min-access-role",
            "choice",
            "Only calendars on which you have at least this role.",
            choices=ACCESS_ROLES,
        ),
        _PAGE_TOKEN,
        Param("showDeleted", "--show-deleted", "bool", "Include deleted calendar list entries."),
        Param("showHidden", "--show-hidden", "bool", "Include hidden calendar list entries."),
        Param(
            "showOwnOrganizationOnly",
            "--show-own-organization-only",
            "bool",
            "Only calendars owned by your own organization.",
        ),
        Param(
            "syncToken",
            "--sync-token",
            "str",
            "Only entries changed since the listing that returned this nextSyncToken.",
            metavar="TOKEN",
        ),
    ),
    "events": (
        _ALWAYS_INCLUDE_EMAIL,
        Param(
            "eventTypes",
            "--event-type",
            "multichoice",
            "Only events of this type; repeat for several (default: all types).",
            choices=EVENT_TYPES,
        ),
        Param(
            "iCalUID",
            "--ical-uid",
            "str",
            "Only the event with this iCalendar UID.",
            metavar="UID",
        ),
        _MAX_ATTENDEES,
        _max_results("events"),
        Param(
            "orderBy",
            "--order-by",
            "choice",
            "Order of the results: startTime (needs --single-events) or updated.",
            choices=ORDER_BY,
        ),
        _PAGE_TOKEN,
        Param(
            "privateExtendedProperty",
            "--private-extended-property",
            "kv",
            "Only events whose private extended property NAME equals VALUE; repeatable (all must "
            "match).",
            metavar="NAME=VALUE",
        ),
        Param(
            "q",
            "--q",
            "str",
            "Free-text search in summary, description, location, attendees and organizer.",
            metavar="TEXT",
        ),
        Param(
            "sharedExtendedProperty",
            "--shared-extended-property",
            "kv",
            "Only events whose shared extended property NAME equals VALUE; repeatable (all must "
            "match).",
            metavar="NAME=VALUE",
        ),
        _SHOW_DELETED_EVENTS,
        Param(
            "showHiddenInvitations",
            "--show-hidden-invitations",
            "bool",
            "Include hidden invitations.",
        ),
        Param(
            "singleEvents",
            "--single-events",
            "bool",
            "Expand recurring events into their instances (the series themselves are left out).",
        ),
        Param(
            "syncToken",
            "--sync-token",
            "str",
            "Only events changed since the listing that returned this nextSyncToken "
            "(deleted ones included).",
            metavar="TOKEN",
        ),
        Param(
            "timeMax",
            "--time-max",
            "time",
            "Only events that start before this time (exclusive).",
            metavar="TIME",
        ),
        Param(
            "timeMin",
            "--time-min",
            "time",
            "Only events that end after this time (exclusive).",
            metavar="TIME",
        ),
        _TIME_ZONE,
        Param(
            "updatedMin",
            "--updated-min",
            "time",
            "Only events modified at or after this time (deleted ones always included).",
            metavar="TIME",
        ),
    ),
    "instances": (
        _ALWAYS_INCLUDE_EMAIL,
        _MAX_ATTENDEES,
        _max_results("instances"),
        Param(
            "originalStart",
            "--original-start",
            "time",
            "Only the instance originally scheduled at this time.",
            metavar="TIME",
        ),
        _PAGE_TOKEN,
        Param(
            "showDeleted",
            "--show-deleted",
            "bool",
            "Include cancelled instances.",
        ),
        Param(
            "timeMax",
            "--time-max",
            "time",
            "Only instances that start before this time (exclusive).",
            metavar="TIME",
        ),
        Param(
            "timeMin",
            "--time-min",
            "time",
            "Only instances that end at or after this time.",
            metavar="TIME",
        ),
        _TIME_ZONE,
    ),
    "show": (
        _ALWAYS_INCLUDE_EMAIL,
        _MAX_ATTENDEES,
        _TIME_ZONE,
    ),
}


def _parse_kv(param: Param, value: str) -> str:
    name, sep, _ = value.partition("=")
    if not sep or not name:
        raise UsageError(f"invalid value for {param.flag}: {value!r} (expected NAME=VALUE)")
    return value


def _check_int(param: Param, value: int) -> int:
    low, high = param.minimum, param.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            wanted = f"at least {low}"
        elif low is None:
            wanted = f"at most {high}"
        else:
            wanted = f"from {low} to {high}"
        raise UsageError(f"invalid value for {param.flag}: {value} (expected {wanted})")
    return value


def to_request(
    command: str,
    values: Mapping[str, Any],
    *,
    parse_time: Optional[Any] = None,
) -> Dict[str, Any]:
    """Turn parsed option values into API keyword arguments, checked as the API would.

    `values` maps each Param's `dest` to what click parsed (None, False or an empty tuple when
    not given). `parse_time(text) -> str` turns a time option into RFC 3339; it is passed in so
    that this module needs no time-zone knowledge. Raises UsageError (exit 2) for any value the
    API would refuse, so that nothing is sent.
    """
    request: Dict[str, Any] = {}
    for param in PARAMS[command]:
        value = values.get(param.dest)
        if value is None or value is False or value == ():
            continue
        if isinstance(value, str) and not value.strip():
            # Usually an unset shell variable (`--sync-token "$(cat missing.txt)"`): sending it
            # would silently run a different query (a full listing instead of a sync).
            raise UsageError(f"{param.flag} must not be empty")
        if param.kind == "bool":
            request[param.api] = True
        elif param.kind == "int":
            request[param.api] = _check_int(param, int(value))
        elif param.kind == "time":
            if parse_time is None:
                raise TypeError("parse_time is needed for time parameters")
            request[param.api] = parse_time(value)
        elif param.kind == "kv":
            request[param.api] = [_parse_kv(param, v) for v in value]
        elif param.kind in ("multi", "multichoice"):
            request[param.api] = list(value)
        else:
            request[param.api] = value
    check_combinations(command, request)
    return request


def check_combinations(command: str, request: Mapping[str, Any]) -> None:
    """Refuse the combinations the API answers with 400, before any request is sent."""
    flags = {p.api: p.flag for p in PARAMS[command]}
    if "syncToken" in request:
        clash = [flags[name] for name in SYNC_TOKEN_CONFLICTS[command] if name in request]
        if clash:
            raise UsageError(
                f"--sync-token cannot be combined with {', '.join(clash)} "
                "(the API allows only the options of the initial listing)"
            )
    if request.get("orderBy") == "startTime" and not request.get("singleEvents"):
        raise UsageError("--order-by startTime needs --single-events")
    time_min, time_max = request.get("timeMin"), request.get("timeMax")
    if time_min is not None and time_max is not None and not _before(time_min, time_max):
        raise UsageError(f"--time-min ({time_min}) must be before --time-max ({time_max})")


def _before(a: str, b: str) -> bool:
    """Whether RFC 3339 time `a` is strictly before `b` (offsets honoured)."""
    from datetime import datetime

    def parse(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))

    try:
        return parse(a) < parse(b)
    except ValueError:
        return True  # let the API judge what we cannot


def api_names(command: str) -> Iterable[str]:
    return (p.api for p in PARAMS[command])
