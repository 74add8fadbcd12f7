"""`gcal remind`: which reminders are due at a moment, and when the next one is.

An event's reminders are its own popup reminders (`reminders.overrides` with method `popup`)
or, when `reminders.useDefault` is true (or the event says nothing), its calendar's popup
`defaultReminders` from the calendar list; `before` (gcal remind --before, in minutes)
replaces both. Cancelled events, declined ones and (unless `all_day`) all-day events have
none, nor have the busy times of a calendar shared as free/busy only, nor the entries that are
nothing to attend (`NOT_ATTENDED_TYPES`: a working location says where you work, an
out-of-office block that you are away), whatever their reminders say. Focus time reminds like
any event; a birthday is all day, so only with `all_day`. An all-day event's
reminders count from midnight of its day in the given zone.

A reminder is due once its moment (start - minutes) has come and the event has not ended,
unless it is in `delivered`; one whose moment is more than `late_after` seconds past is
marked late (the machine slept, or no run came in time). An event moved to another time has
other reminders (the occurrence's start is part of a reminder's key), so it is announced
again.

Pure: the clock, the events and the delivered set are passed in.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from typing import Any, Collection, Dict, Iterable, List, Optional, Sequence, Tuple

from gcal.core.attendance import is_declined
from gcal.core.eventtime import is_all_day
from gcal.core.merge import event_span

__all__ = [
    "LATE_AFTER",
    "NOT_ATTENDED_TYPES",
    "Reminder",
    "due",
    "next_moment",
    "popup_minutes",
    "reminders_of",
]

#: a reminder delivered more than this after its moment is marked late
LATE_AFTER = 300.0
#: the eventTypes that are nothing to attend (where you work; that you are away): no reminders
NOT_ATTENDED_TYPES = ("workingLocation", "outOfOffice")
#: the API's longest reminder (four weeks), in minutes
MAX_MINUTES = 40320

Key = Tuple[str, str, float, int]


@dataclasses.dataclass(frozen=True)
class Reminder:
    calendar: Dict[str, Any]  # the calendar-list entry
    event: Dict[str, Any]
    start: float  # the occurrence's start, Unix time
    end: float
    minutes: int
    tag: Any = None  # whatever the caller needs to find its way back (e.g. the profile)

    @property
    def at(self) -> float:
        """The reminder's moment."""
        return self.start - 60.0 * self.minutes

    @property
    def key(self) -> Key:
        return (
            str(self.calendar.get("id")),
            str(self.event.get("id")),
            float(self.start),
            int(self.minutes),
        )

    def late(self, now: float, late_after: float = LATE_AFTER) -> bool:
        return now - self.at > late_after


def _popups(items: Any) -> List[int]:
    found = set()
    if isinstance(items, list):
        for item in items:
            if not isinstance(item, dict) or item.get("method") != "popup":
                continue
            minutes = item.get("minutes")
            if isinstance(minutes, bool) or not isinstance(minutes, (int, float)):
                continue
            if 0 <= minutes <= MAX_MINUTES:
                found.add(int(minutes))
    return sorted(found)


def popup_minutes(
    event: Dict[str, Any], calendar: Dict[str, Any], before: Optional[Sequence[int]] = None
) -> List[int]:
    """The minutes before the start at which the event reminds, by the rules above."""
    if before is not None:
        return sorted({int(m) for m in before})
    reminders = event.get("reminders")
    if not isinstance(reminders, dict):
        reminders = {"useDefault": True}
    if reminders.get("useDefault") in (True, "true"):
        return _popups(calendar.get("defaultReminders"))
    return _popups(reminders.get("overrides"))


def reminders_of(
    rows: Iterable[Tuple[Dict[str, Any], Dict[str, Any], Any]],
    zone: datetime.tzinfo,
    *,
    before: Optional[Sequence[int]] = None,
    all_day: bool = False,
) -> List[Reminder]:
    """Every reminder of the (calendar, event, tag) rows (occurrences: expanded events)."""
    found: List[Reminder] = []
    for calendar, event, tag in rows:
        if not isinstance(event, dict) or event.get("status") == "cancelled":
            continue
        if calendar.get("accessRole") == "freeBusyReader":
            continue  # someone else's busy times, not your events
        if is_declined(event) or event.get("eventType") in NOT_ATTENDED_TYPES:
            continue
        if is_all_day(event.get("start")) and not all_day:
            continue
        start, end = event_span(event, zone)
        if start is None or end is None:
            continue
        for minutes in popup_minutes(event, calendar, before):
            found.append(Reminder(calendar, event, start, end, minutes, tag))
    found.sort(key=lambda r: (r.at, r.start, r.key))
    return found


def _going(reminder: Reminder, now: float) -> bool:
    """The event has not ended (a zero-length one: has not begun)."""
    return reminder.end > now or (reminder.end == reminder.start and reminder.start >= now)


def due(
    reminders: Iterable[Reminder], now: float, delivered: Collection[Key] = ()
) -> List[Reminder]:
    """The reminders to deliver at `now`, by moment."""
    return [r for r in reminders if r.at <= now and _going(r, now) and r.key not in delivered]


def next_moment(
    reminders: Iterable[Reminder], now: float, delivered: Collection[Key] = ()
) -> Optional[float]:
    """The moment of the next reminder after `now` not yet delivered, or None."""
    moments = [r.at for r in reminders if r.at > now and r.key not in delivered]
    return min(moments) if moments else None


def minutes_until(start: float, now: float) -> int:
    return math.ceil((start - now) / 60)
