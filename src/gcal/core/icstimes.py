"""Times and series as iCalendar writes them: an EventDateTime as a DTSTART value in a zone
that has a VTIMEZONE (`ical_time`), the form a series writes its dates in (`series_form`), its
cancelled occurrences as EXDATEs (`add_exdate`) and the API's recurrence lines checked and
given the zone the API reads them in (`recurrence_property`).

Separate from the rest of the event mapping (`gcal.core.icsevent`) because which zone a time
is written in is its own question (a series without a zone repeats in the calendar's; UTC
names are written with Z), and `gcal.render.ics` asks it again for exceptions it holds back.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any, Dict, Optional, Tuple

from gcal.core.eventtime import display_zone, parse_date
from gcal.core.icscalendar import vtimezone
from gcal.core.icslines import UTC, UTC_NAMES, IcalSink, VEvent
from gcal.core.icstext import CONTROL
from gcal.core.timespec import parse_rfc3339

_DATE_VALUE = re.compile(r"\d{8}")
_DATETIME_VALUE = re.compile(r"\d{8}T\d{6}Z?")
_PERIOD_VALUE = re.compile(r"\d{8}T\d{6}Z?/[0-9TZPWDHMS+-]+")


def zone_for(name: Any) -> Optional[datetime.tzinfo]:
    """The zone to write a TZID for, or None when UTC must do (no name, a name of UTC, or no
    VTIMEZONE)."""
    if not name or not isinstance(name, str):
        return None
    return _zone_named(name)


@functools.lru_cache(maxsize=256)
def _zone_named(name: str) -> Optional[datetime.tzinfo]:
    zone = display_zone(name)
    key = getattr(zone, "key", None)
    if zone is None or not key or key in UTC_NAMES or vtimezone(key) is None:
        return None
    return zone


def is_utc_name(name: Any) -> bool:
    zone = display_zone(name)
    return getattr(zone, "key", None) in UTC_NAMES


def ical_time(when: Any, zone_name: Any = None) -> Any:
    """An EventDateTime as a date (all-day) or an aware datetime in its zone (in UTC when the
    API names no zone we can describe); None when it holds neither."""
    if not isinstance(when, dict):
        return None
    if when.get("date") and not when.get("dateTime"):
        return parse_date(when.get("date"))
    instant = parse_rfc3339(when.get("dateTime"))
    if instant is None:
        return None
    zone = zone_for(when.get("timeZone")) or zone_for(zone_name)
    return instant.astimezone(zone or UTC)


class SeriesForm:
    """How a series writes its dates: all-day or timed, and in which zone (its start's)."""

    def __init__(self, all_day: bool, zone: Optional[datetime.tzinfo]) -> None:
        self.all_day = all_day
        self.zone = zone


def series_form(item: Dict[str, Any], calendar_zone: Optional[str] = None) -> SeriesForm:
    """The form of a series master. A series without its own zone repeats in the calendar's
    (as the API expands it), so its times are written in that zone: in UTC, a weekly 10:00
    meeting would move by an hour at each daylight-saving change for an importer."""
    start = item.get("start") if isinstance(item.get("start"), dict) else {}
    all_day = bool(start.get("date")) and not start.get("dateTime")
    return SeriesForm(
        all_day, None if all_day else zone_for(start.get("timeZone") or calendar_zone)
    )


def add_exdate(component: Any, original_start: Any, form: SeriesForm) -> bool:
    """Add the occurrence at `original_start` (a cancelled exception's originalStartTime) to a
    master's EXDATEs, in the master's own form (RFC 5545: EXDATE has DTSTART's value type).
    `component` is a `VEvent` or an icalendar Event."""
    value = ical_time(original_start)
    if value is None:
        return False
    if form.all_day:
        value = value.date() if isinstance(value, datetime.datetime) else value
    elif isinstance(value, datetime.datetime):
        value = value.astimezone(form.zone or UTC)
    else:
        return False
    sink = component if isinstance(component, VEvent) else IcalSink(component)
    sink.time("EXDATE", value)
    return True


@functools.lru_cache(maxsize=1024)
def _split_line(line: str) -> Optional[Tuple[str, Tuple[Tuple[str, str], ...], str]]:
    from icalendar.parser import Contentline

    if CONTROL.search(line) or "\n" in line or "\r" in line:
        return None
    try:
        name, params, value = Contentline(line).parts()
    except Exception:
        return None
    return name.upper(), tuple((k.upper(), str(v)) for k, v in params.items()), value


@functools.lru_cache(maxsize=1024)
def _is_rule(value: str) -> bool:
    from icalendar.prop import vRecur

    try:
        vRecur.from_ical(value)
    except Exception:
        return False
    return True


def _in_utc(value: str) -> str:
    """A date-time (or both date-times of a period) of an RDATE/EXDATE marked as UTC."""
    first, slash, rest = value.partition("/")
    if rest[:1].isdigit():
        rest += "Z"
    return first + "Z" + slash + rest


def recurrence_property(line: Any, form: SeriesForm) -> Optional[Tuple[str, str, Dict[str, str]]]:
    """(name, value, parameters) for one line of the API's `recurrence`, or None for a line that
    is not a well-formed RRULE/EXRULE/RDATE/EXDATE (written nowhere rather than corrupting the
    file)."""
    if not isinstance(line, str):
        return None
    parts = _split_line(line)
    if parts is None:
        return None
    name, param_items, value = parts
    params = dict(param_items)
    if name in ("RRULE", "EXRULE"):
        if not _is_rule(value):
            return None
        return name, value, {}  # as the API gives it, once known to parse
    if name not in ("RDATE", "EXDATE"):
        return None
    values = [v.strip() for v in value.split(",") if v.strip()]
    kind = params.get("VALUE", "").upper()
    pattern = {"DATE": _DATE_VALUE, "PERIOD": _PERIOD_VALUE}.get(kind, _DATETIME_VALUE)
    if not values or not all(pattern.fullmatch(v) for v in values):
        return None
    out: Dict[str, str] = {}
    if kind:
        out["VALUE"] = kind
    tzid = params.get("TZID")
    floating = kind != "DATE" and not any(v.partition("/")[0].endswith("Z") for v in values)
    if floating and tzid is not None and is_utc_name(tzid):
        # TZID=UTC: written as UTC times (a TZID of UTC is not allowed, RFC 5545 3.2.19)
        values = [_in_utc(v) for v in values]
        floating = False
        tzid = None
    if floating and (tzid is None or zone_for(tzid) is None):
        # The API reads a date-time without a (known) zone in the series' zone: say so, since
        # an importer would otherwise take it as floating and miss the occurrence.
        tzid = getattr(form.zone, "key", None)
        if tzid is None and not form.all_day:
            values = [_in_utc(v) for v in values]
            floating = False  # the series itself is written in UTC
    if tzid and floating:
        out["TZID"] = getattr(zone_for(tzid), "key", tzid)
    return name, ",".join(values), out
