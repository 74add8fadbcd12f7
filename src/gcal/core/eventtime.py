"""Pure helpers that read and format the times of Calendar resources for output.

An event's `start`/`end` is an EventDateTime: `{"dateTime": RFC 3339, "timeZone": ...}` for timed
events, `{"date": "YYYY-MM-DD"}` for all-day ones (the end date is exclusive). Real responses omit
fields freely (a cancelled instance has only `originalStartTime`; a free/busy calendar gives bare
times), and a renderer must never crash on them, so every function here accepts anything and falls
back to showing the text as given. Nothing here does I/O or reads the clock.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any, Dict, List, Optional, Tuple

from gcal.core.rfc3339 import _API_SHAPE_RE, parse_rfc3339, to_rfc3339

__all__ = [
    "display_zone",
    "event_start",
    "format_event_time",
    "instance_state",
    "is_all_day",
    "parse_date",
    "recurrence_lines",
    "same_time",
    "table_span",
    "table_time",
]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # fixed, not the C locale's


def display_zone(name: Any) -> Optional[datetime.tzinfo]:
    """The zone for a name from a response or an option, or None when unknown.

    Lenient on purpose: a response's `timeZone` is data, and an odd value must not stop the
    output; the times are then shown with the offsets the API gave them.
    """
    if not name or not isinstance(name, str):
        return None
    return _zone_named(name)


@functools.lru_cache(maxsize=64)
def _zone_named(name: str) -> Optional[datetime.tzinfo]:
    from gcal.core.timespec import resolve_zone
    from gcal.errors import UsageError

    try:
        return resolve_zone(name)
    except UsageError:
        return None


def _as_dict(when: Any) -> dict:
    return when if isinstance(when, dict) else {}


def _str(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def parse_date(text: Any) -> Optional[datetime.date]:
    """`YYYY-MM-DD` as a date, or None for anything else."""
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        return datetime.date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return None


def is_all_day(when: Any) -> Optional[bool]:
    """True for a date, False for a date-time, None when `when` holds neither."""
    when = _as_dict(when)
    if when.get("dateTime"):
        return False
    if when.get("date"):
        return True
    return None


def event_start(event: Any) -> dict:
    """The time an event occupies: its `start`, or for a cancelled instance (which carries only
    `originalStartTime`) the start it would have had."""
    event = _as_dict(event)
    start = _as_dict(event.get("start"))
    if is_all_day(start) is not None:
        return start
    return _as_dict(event.get("originalStartTime"))


def format_event_time(when: Any, zone: Optional[datetime.tzinfo] = None) -> str:
    """An EventDateTime for csv/tsv: ISO 8601 with offset, converted to `zone` when given;
    all-day as `YYYY-MM-DD`; empty when missing; the text as given when it does not parse."""
    when = _as_dict(when)
    value = when.get("dateTime")
    if value:
        dt = parse_rfc3339(value) if zone is not None else None
        if dt is None:
            return _str(value)
        try:
            return to_rfc3339(dt.astimezone(zone))
        except (ValueError, OverflowError):
            return _str(value)
    return _str(when.get("date"))


def _local(when: dict, zone: Optional[datetime.tzinfo]) -> Optional[datetime.datetime]:
    text = when.get("dateTime")
    if not isinstance(text, str):
        return None
    return _converted(text, zone)


# dateTimes already parsed and converted, by (text, zone): a table row reads its start twice,
# and a listing's times repeat (the same hours, series). A plain dict, emptied when full: a
# listing of 100,000 events has 200,000 distinct times, where an LRU's bookkeeping on every
# miss would cost more than the parse it saves.
_CONVERTED: Dict[Tuple[str, Optional[datetime.tzinfo]], Optional[datetime.datetime]] = {}
_CONVERTED_MAX = 4096


def _converted(text: str, zone: Optional[datetime.tzinfo]) -> Optional[datetime.datetime]:
    """A dateTime parsed and in `zone` (None when it does not parse or convert), cached."""
    key = (text, zone)
    dt: Any = _CONVERTED.get(key, _CONVERTED)  # the dict itself: not there yet
    if dt is not _CONVERTED:
        return dt
    dt = _api_instant(text, zone) if zone is not None else None
    if dt is None:
        dt = parse_rfc3339(text)
        if dt is not None and zone is not None:
            try:
                dt = dt.astimezone(zone)
            except (ValueError, OverflowError):
                dt = None
    if len(_CONVERTED) >= _CONVERTED_MAX:
        _CONVERTED.clear()
    _CONVERTED[key] = dt
    return dt


def _api_instant(text: str, zone: datetime.tzinfo) -> Optional[datetime.datetime]:
    """`text` in `zone` when it has the exact shape the API sends (`parse_rfc3339`'s own fast
    path, without its cache: most times of a long listing are read once), else None."""
    if _API_SHAPE_RE.fullmatch(text) is None:
        return None
    try:
        dt = datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1] == "Z" else text)
        return dt.astimezone(zone)
    except (ValueError, OverflowError):
        return None


def _clock(dt: datetime.datetime) -> str:
    # %-formatting: a third faster than an f-string with format specs, twice per table row
    if dt.second:
        return "%02d:%02d:%02d" % (dt.hour, dt.minute, dt.second)  # noqa: UP031
    return "%02d:%02d" % (dt.hour, dt.minute)  # noqa: UP031


_DAYS: Dict[Tuple[datetime.date, bool], str] = {}  # `_day` by (day, weekday), emptied when full


def _day(day: datetime.date, weekday: bool) -> str:
    """`Sat 2024-06-01` (or without the weekday): a listing's rows share their days."""
    key = (day, weekday)
    text = _DAYS.get(key)
    if text is None:
        if len(_DAYS) >= _CONVERTED_MAX:
            _DAYS.clear()
        text = _DAYS[key] = f"{_WEEKDAYS[day.weekday()]} {day}" if weekday else str(day)
    return text


def _offset(dt: datetime.datetime) -> str:
    text = to_rfc3339(dt)
    return "Z" if text.endswith("Z") else text[-6:]


def table_time(
    when: Any,
    zone: Optional[datetime.tzinfo] = None,
    *,
    weekday: bool = True,
) -> str:
    """An EventDateTime for people: `Sat 2024-06-01 09:00` in `zone`, or with the API's offset
    (`Sat 2024-06-01 09:00+02:00`) when no display zone is known; all-day as `Sat 2024-06-01`."""
    when = _as_dict(when)
    if when.get("dateTime"):
        dt = _local(when, zone)
        if dt is None:
            return _str(when.get("dateTime"))
        return _stamp(dt, zone, weekday)
    day = parse_date(when.get("date"))
    if day is None:
        return _str(when.get("date"))
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}" if weekday else day.isoformat()


def _stamp(dt: datetime.datetime, zone: Optional[datetime.tzinfo], weekday: bool) -> str:
    """`Sat 2024-06-01 09:00` (`table_time` of a parsed dateTime)."""
    text = _day(dt.date(), weekday) + " " + _clock(dt)
    return text + _offset(dt) if zone is None else text


def table_span(
    start: Any,
    end: Any,
    zone: Optional[datetime.tzinfo] = None,
    *,
    weekday: bool = True,
) -> Tuple[str, str]:
    """(start, end) cells of a table row.

    Timed events ending on the day they start show only the end's clock time (`10:30`). All-day
    events show their last day INCLUSIVELY (the API's end date is exclusive), and a one-day
    event shows `all day` as its end.
    """
    if start.__class__ is dict and end.__class__ is dict:
        # the commonest row first: two dateTimes that parse
        s_text, e_text = start.get("dateTime"), end.get("dateTime")
        if s_text and e_text and s_text.__class__ is str and e_text.__class__ is str:
            s, e = _converted(s_text, zone), _converted(e_text, zone)
            if s is not None and e is not None:
                start_text = _stamp(s, zone, weekday)
                if s.date() == e.date() and s.utcoffset() == e.utcoffset():
                    return start_text, _clock(e) + ("" if zone is not None else _offset(e))
                return start_text, _stamp(e, zone, weekday)
    start, end = _as_dict(start), _as_dict(end)
    start_text = table_time(start, zone, weekday=weekday)
    if not end:
        return start_text, ""
    if is_all_day(start) and is_all_day(end):
        first, stop = parse_date(start.get("date")), parse_date(end.get("date"))
        if first is not None and stop is not None:
            last = stop - datetime.timedelta(days=1) if stop > first else first
            if last == first:
                return start_text, "all day"
            last_text = last.isoformat()
            return start_text, f"{_WEEKDAYS[last.weekday()]} {last_text}" if weekday else last_text
    if is_all_day(start) is False and is_all_day(end) is False:
        s, e = _local(start, zone), _local(end, zone)
        if (
            s is not None
            and e is not None
            and s.date() == e.date()
            and s.utcoffset() == e.utcoffset()
        ):
            return start_text, _clock(e) + ("" if zone is not None else _offset(e))
    return start_text, table_time(end, zone, weekday=weekday)


def same_time(a: Any, b: Any) -> bool:
    """Whether two EventDateTimes denote the same start (instants compared, not strings)."""
    a, b = _as_dict(a), _as_dict(b)
    kind_a, kind_b = is_all_day(a), is_all_day(b)
    if kind_a != kind_b:
        return False
    if kind_a:
        return _str(a.get("date")) == _str(b.get("date"))
    ta, tb = parse_rfc3339(a.get("dateTime")), parse_rfc3339(b.get("dateTime"))
    if ta is None or tb is None:
        return _str(a.get("dateTime")) == _str(b.get("dateTime"))
    return ta == tb


def instance_state(event: Any) -> str:
    """`cancelled`, `moved` (start differs from originalStartTime), or empty."""
    event = _as_dict(event)
    if event.get("status") == "cancelled":
        return "cancelled"
    original = _as_dict(event.get("originalStartTime"))
    start = _as_dict(event.get("start"))
    known = is_all_day(original) is not None and is_all_day(start) is not None
    return "moved" if known and not same_time(start, original) else ""


def recurrence_lines(event: Any) -> List[str]:
    """The RRULE/EXRULE/RDATE/EXDATE lines of a recurring master (empty for anything else)."""
    lines = _as_dict(event).get("recurrence")
    if not isinstance(lines, list):
        return []
    return [_str(line) for line in lines if line is not None]
