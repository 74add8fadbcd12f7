"""`gcal next`: which event is in progress or comes next, and how to say it in one line.

The candidates are the agenda's merged rows (every chosen calendar, in start order), so the
first row that is not over, not cancelled and (unless asked) not all day is the answer: an
event in progress started before any later one. The line is made for status bars and prompts:

    14:00–14:30 Weekly sync (in 25 min)
    14:00–14:30 Weekly sync (now, 10 min left)
    Thu 09:30–09:45 Daily standup (in 18 h 5 min)

Pure: the clock is passed in.
"""

from __future__ import annotations

import datetime
import math
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

from gcal.core.eventtime import is_all_day
from gcal.core.merge import event_span

__all__ = ["JSON_KEYS", "Upcoming", "conference_uri", "describe", "pick", "to_json"]

JSON_KEYS = (
    "summary",
    "start",
    "end",
    "calendarId",
    "id",
    "location",
    "htmlLink",
    "conferenceUri",
    "minutesUntil",
)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Upcoming = Tuple[Dict[str, Any], Dict[str, Any], float, float]  # calendar, event, start, end


def pick(
    rows: Iterable[Tuple[Dict[str, Any], Dict[str, Any]]],
    now: datetime.datetime,
    zone: datetime.tzinfo,
    *,
    all_day: bool = False,
) -> Optional[Upcoming]:
    """The first (calendar, event) of merged `rows` still going or ahead of `now`."""
    return next(pick_all(rows, now, zone, all_day=all_day), None)


def pick_all(
    rows: Iterable[Tuple[Dict[str, Any], Dict[str, Any]]],
    now: datetime.datetime,
    zone: datetime.tzinfo,
    *,
    all_day: bool = False,
) -> Iterator[Upcoming]:
    """Every (calendar, event) of merged `rows` still going or ahead of `now`, in order."""
    instant = now.timestamp()
    for calendar, event in rows:
        if not isinstance(event, dict) or event.get("status") == "cancelled":
            continue
        if not all_day and is_all_day(event.get("start")):
            continue
        start, end = event_span(event, zone)
        if start is None:
            continue
        end = start if end is None else end
        if end <= instant and not (end == start == instant):
            continue
        yield calendar, event, start, end


def rest_of_day(
    rows: Iterable[Tuple[Dict[str, Any], Dict[str, Any]]],
    now: datetime.datetime,
    zone: datetime.tzinfo,
    *,
    all_day: bool = False,
) -> List[Upcoming]:
    """The events still going or ahead today (in `zone`), as `pick` would pick them."""
    instant = now.timestamp()
    local = now.astimezone(zone)
    tomorrow = datetime.datetime.combine(
        local.date() + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=zone
    ).timestamp()
    found: List[Upcoming] = []
    for calendar, event in rows:
        if not isinstance(event, dict) or event.get("status") == "cancelled":
            continue
        if not all_day and is_all_day(event.get("start")):
            continue
        start, end = event_span(event, zone)
        if start is None or start >= tomorrow:
            continue
        end = start if end is None else end
        if end <= instant and not (end == start == instant):
            continue
        found.append((calendar, event, start, end))
    return found


def _duration(seconds: float) -> str:
    minutes = max(0, math.ceil(seconds / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{days} d" + (f" {hours} h" if hours else "")


def describe(upcoming: Upcoming, now: datetime.datetime, zone: datetime.tzinfo) -> str:
    """The one line: when (display zone), what, and how soon or how long still."""
    _calendar, event, start, end = upcoming
    first = datetime.datetime.fromtimestamp(start, zone)
    last = datetime.datetime.fromtimestamp(end, zone)
    today = now.astimezone(zone).date()
    if is_all_day(event.get("start")):
        when = "all day" if first.date() <= today else f"{_WEEKDAYS[first.weekday()]} all day"
    else:
        when = f"{first:%H:%M}–{last:%H:%M}"
        if first.date() != today:
            when = f"{_WEEKDAYS[first.weekday()]} {when}"
    title = event.get("summary") or "(no title)"
    title = " ".join(str(title).split())
    instant = now.timestamp()
    if start <= instant:
        relative = f"now, {_duration(end - instant)} left"
    else:
        relative = f"in {_duration(start - instant)}"
    return f"{when} {title} ({relative})"


def conference_uri(event: Dict[str, Any]) -> Optional[str]:
    """The link to join: the video entry point of conferenceData, else hangoutLink."""
    data = event.get("conferenceData") or {}
    points = data.get("entryPoints") if isinstance(data, dict) else None
    if isinstance(points, list):
        for point in points:
            video = isinstance(point, dict) and point.get("entryPointType") == "video"
            if video and point.get("uri"):
                return str(point["uri"])
    link = event.get("hangoutLink")
    return str(link) if link else None


def _when(value: Any) -> Optional[str]:
    if not isinstance(value, dict):
        return None
    return value.get("dateTime") or value.get("date")


def to_json(upcoming: Upcoming, now: datetime.datetime) -> Dict[str, Any]:
    """The --format json object: always these keys (null when unknown), in this order.
    `minutesUntil` counts to the start; it is 0 or negative while the event is going."""
    calendar, event, start, _end = upcoming
    return {
        "summary": event.get("summary"),
        "start": _when(event.get("start")),
        "end": _when(event.get("end")),
        "calendarId": calendar.get("id"),
        "id": event.get("id"),
        "location": event.get("location"),
        "htmlLink": event.get("htmlLink"),
        "conferenceUri": conference_uri(event),
        "minutesUntil": math.ceil((start - now.timestamp()) / 60),
    }
