"""What a change to an event was, in words: the pure part of `gcal changes`.

The store's history keeps, for each change a sync applied, the event's title, place and times
before and after (`before`/`after`: {"summary", "location", "start", "end", "status",
"recurringEventId"}, start and end as the API writes them). `describe` turns one into what a
person reads: "added", "cancelled", "moved from Tue 10:00 to Wed 14:00", "renamed from
'Budget review'", or "changed" when neither title, place nor time did (a guest answered, the
description changed).
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Optional, Tuple

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Brief = Optional[Dict[str, Any]]


def when(value: Any, zone: datetime.tzinfo) -> Optional[datetime.datetime]:
    """An API start or end ({"dateTime"} or {"date"}) as an aware datetime (a date at
    midnight in `zone`); None when unreadable."""
    if not isinstance(value, dict):
        return None
    if value.get("dateTime"):
        from gcal.core.timespec import parse_rfc3339

        found = parse_rfc3339(str(value["dateTime"]))
        return found.astimezone(zone) if found is not None else None
    if value.get("date"):
        try:
            day = datetime.date.fromisoformat(str(value["date"])[:10])
        except ValueError:
            return None
        return datetime.datetime.combine(day, datetime.time(0), zone)
    return None


def _all_day(value: Any) -> bool:
    return isinstance(value, dict) and "date" in value and "dateTime" not in value


def moment(value: Any, zone: datetime.tzinfo, *, with_date: bool = False) -> str:
    """`Tue 10:00` (with the date when asked: `Tue 2026-12-08 10:00`); an all-day start is
    its day alone."""
    dt = when(value, zone)
    if dt is None:
        return "?"
    day = _WEEKDAYS[dt.weekday()]
    if _all_day(value):
        return f"{day} {dt:%Y-%m-%d}"
    return f"{day} {dt:%Y-%m-%d %H:%M}" if with_date else f"{day} {dt:%H:%M}"


def _far_apart(a: Any, b: Any, zone: datetime.tzinfo) -> bool:
    """Whether two moments need their dates to be told apart (a weekday alone is ambiguous
    beyond six days, or when either is not within the coming week)."""
    first, second = when(a, zone), when(b, zone)
    if first is None or second is None:
        return True
    return abs((first.date() - second.date()).days) > 6


def title(brief: Brief) -> str:
    value = (brief or {}).get("summary")
    return value if isinstance(value, str) and value else "(no title)"


def kinds(change: str, before: Brief, after: Brief) -> List[str]:
    """What happened: ["added"], ["cancelled"], or any of "moved", "renamed", "relocated",
    else ["changed"]."""
    if change == "added":
        return ["added"]
    if change == "removed":
        return ["cancelled"]
    before, after = before or {}, after or {}
    found = []
    times = before.get("start") != after.get("start") or before.get("end") != after.get("end")
    if times and (before.get("start") or before.get("end")):
        found.append("moved")
    if before.get("summary") != after.get("summary") and "summary" in before:
        found.append("renamed")
    if (before.get("location") or None) != (after.get("location") or None) and "location" in before:
        found.append("relocated")
    return found or ["changed"]


def _span(brief: Brief, zone: datetime.tzinfo) -> str:
    brief = brief or {}
    start, end = brief.get("start"), brief.get("end")
    text = moment(start, zone, with_date=True)
    stop = when(end, zone)
    first = when(start, zone)
    if stop is not None and first is not None and not _all_day(start):
        text += f"–{stop:%H:%M}" if stop.date() == first.date() else f" – {moment(end, zone)}"
    return text


def describe(change: str, before: Brief, after: Brief, zone: datetime.tzinfo) -> Tuple[str, str]:
    """(verb, text) of one change: the verb is the first of `kinds`; the text names the event
    and says what became of it."""
    found = kinds(change, before, after)
    if found == ["added"]:
        return "added", f"{title(after)}, {_span(after, zone)}"
    if found == ["cancelled"]:
        return "cancelled", f"{title(before)}, {_span(before, zone)}"
    before, after = before or {}, after or {}
    parts: List[str] = []
    if "moved" in found:
        if before.get("start") != after.get("start"):
            dated = _far_apart(before.get("start"), after.get("start"), zone)
            parts.append(
                f"moved from {moment(before.get('start'), zone, with_date=dated)} to "
                f"{moment(after.get('start'), zone, with_date=dated)}"
            )
        else:
            parts.append(
                f"now ends {moment(after.get('end'), zone)} (was {moment(before.get('end'), zone)})"
            )
    if "renamed" in found:
        parts.append(f"renamed from {title(before)!r}")
    if "relocated" in found:
        place = after.get("location")
        parts.append(f"now at {place}" if place else "no longer has a place")
    if not parts:
        parts.append(f"changed ({_span(after, zone)})")
    return found[0], f"{title(after)}: " + ", ".join(parts)
