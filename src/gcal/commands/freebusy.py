"""`gcal freebusy` end to end: which calendars to ask, the query, its output and its errors.

Per-calendar failures are part of a successful answer (freebusy.query answers 200 with
`errors` beside the calendars that did work), so they are handled here rather than in the API
layer: the answer is printed in full, then one line on stderr names every calendar or group
without free/busy information, and the exit status says what went wrong (4 when every failure
is `notFound`, else 1).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import sys
from typing import Any, Dict, List, Optional, Sequence, TextIO

from gcal.errors import ApiError, GcalError, NotFoundError, UsageError
from gcal.settings import Settings


@dataclasses.dataclass
class FreeBusyQuery:
    """What to ask freebusy.query: checked values, times already resolved to instants."""

    time_min: _dt.datetime
    time_max: _dt.datetime
    ids: Sequence[str] = ()
    all_calendars: bool = False
    time_zone: Optional[str] = None  # sent as timeZone when the user gave --time-zone
    group_expansion_max: Optional[int] = None
    calendar_expansion_max: Optional[int] = None
    #: with no calendars named: my own time (primary and owned calendars), not the agenda's
    own_time: bool = False

    def check(self) -> None:
        """The pre-checks that spare a request (exit 2)."""
        from gcal.google import freebusy

        # compared in UTC: two times of one zone compare by wall clock, wrong across DST
        start = self.time_min.astimezone(_dt.timezone.utc)
        end = self.time_max.astimezone(_dt.timezone.utc)
        if start >= end:
            raise UsageError("--time-min must be before --time-max")
        if end - start > _dt.timedelta(days=freebusy.MAX_SPAN_DAYS):
            raise UsageError(
                f"the window is longer than the {freebusy.MAX_SPAN_DAYS} days the API answers "
                "at once: move --time-min or --time-max closer"
            )
        if self.group_expansion_max is not None and not (
            1 <= self.group_expansion_max <= freebusy.GROUP_EXPANSION_MAX
        ):
            raise UsageError(f"--group-expansion-max must be 1..{freebusy.GROUP_EXPANSION_MAX}")
        if self.calendar_expansion_max is not None and not (
            1 <= self.calendar_expansion_max <= freebusy.CALENDAR_EXPANSION_MAX
        ):
            raise UsageError(
                f"--calendar-expansion-max must be 1..{freebusy.CALENDAR_EXPANSION_MAX}"
            )
        for calendar_id in self.ids:
            if not calendar_id.strip():
                raise UsageError("a calendar or group id must not be empty")


def _is_address(text: str) -> bool:
    """An id or group address sent as it is, with no calendar-list lookup: `primary`, or
    e-mail-like (a colleague, a room, a group are often not on the user's calendar list)."""
    key = text.strip()
    return key.casefold() == "primary" or ("@" in key and " " not in key)


def choose_ids(
    client: Any, wanted: Sequence[str], all_calendars: bool = False, own_time: bool = False
) -> List[str]:
    """The calendar and group ids to ask: `wanted` as given when they are all addresses;
    otherwise resolved against the calendar list as the agenda does (names, `primary`), and
    with nothing wanted the agenda's calendars (selected and not hidden), or with `own_time`
    my own calendars (primary and owned)."""
    return [str(entry["id"]) for entry in choose_calendars(client, wanted, all_calendars, own_time)]


def choose_calendars(
    client: Any, wanted: Sequence[str], all_calendars: bool = False, own_time: bool = False
) -> List[Dict[str, Any]]:
    """As `choose_ids`, the calendar-list entries (an address not looked up: its id only)."""
    from gcal.core.calendars import CALENDAR_LIST_FIELDS, my_own_calendars, select_calendars
    from gcal.google import api

    if wanted and not all_calendars and all(_is_address(w) for w in wanted):
        return [{"id": w.strip()} for w in wanted]
    entries: List[Dict[str, Any]] = []
    request = {"showHidden": True, "fields": CALENDAR_LIST_FIELDS}
    for page in api.iter_pages(client, "calendars", request):
        entries.extend(item for item in page.get("items") or [] if isinstance(item, dict))
    if own_time and not wanted and not all_calendars:
        return my_own_calendars(entries) or [{"id": "primary"}]
    return select_calendars(entries, wanted, all_calendars=all_calendars)


def fetch(
    client: Any, query: FreeBusyQuery, chosen: Optional[List[Dict[str, Any]]] = None
) -> Dict[str, Any]:
    """The (merged) FreeBusyResponse for `query`, asking the agenda's calendars by default (or
    my own, with `query.own_time`); `chosen`, when given, receives the calendars asked."""
    from gcal.core.timespec import to_rfc3339
    from gcal.google import freebusy

    calendars = choose_calendars(client, query.ids, query.all_calendars, query.own_time)
    if chosen is not None:
        chosen.extend(calendars)
    ids = [str(entry["id"]) for entry in calendars]
    if not ids:
        raise UsageError("no calendar to ask: name calendars or groups (no calendar is selected)")
    body = freebusy.build_body(
        to_rfc3339(query.time_min),
        to_rfc3339(query.time_max),
        ids,
        time_zone=query.time_zone,
        group_expansion_max=query.group_expansion_max,
        calendar_expansion_max=query.calendar_expansion_max,
    )
    return freebusy.query(client, body)


def failures(answer: Dict[str, Any]) -> List[tuple]:
    """(kind, id, reasons) for every group and calendar the answer has errors for."""
    found = []
    for kind in ("groups", "calendars"):
        for key, entry in (answer.get(kind) or {}).items():
            errors = entry.get("errors") if isinstance(entry, dict) else None
            if errors:
                reasons = [str(e.get("reason") or "error") for e in errors if isinstance(e, dict)]
                found.append((kind[:-1], key, reasons or ["error"]))
    return found


def failure_error(answer: Dict[str, Any]) -> Optional[GcalError]:
    """The error to exit with after printing, or None when every calendar answered."""
    found = failures(answer)
    if not found:
        return None
    parts = [f"{kind} {key!r} ({', '.join(reasons)})" for kind, key, reasons in found]
    message = "no free/busy information for " + "; ".join(parts)
    if all(r == "notFound" for _, _, reasons in found for r in reasons):
        return NotFoundError(message, status=200, reason="notFound")
    return ApiError(message, status=200, reason=found[0][2][0])


def run(
    settings: Settings,
    query: FreeBusyQuery,
    *,
    out: Optional[TextIO] = None,
    display_zone: Any = None,
    zone_name: Optional[str] = None,
) -> None:
    """Ask, print in the chosen format, then fail (after printing) if any calendar failed."""
    from gcal.google import api
    from gcal.render import freetime
    from gcal.render.formats import default_format
    from gcal.render.terminal import color_enabled, isatty, terminal_width

    out = out or sys.stdout
    query.check()
    client = api.connect(settings)
    answer = fetch(client, query)
    fmt = settings.format or default_format(isatty(out))
    freetime.write_freebusy(
        answer,
        fmt,
        out,
        zone=display_zone,
        zone_name=zone_name,
        color=color_enabled(out),
        width=terminal_width(out),
    )
    error = failure_error(answer)
    if error is not None:
        raise error
