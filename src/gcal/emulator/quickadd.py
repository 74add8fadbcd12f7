"""events.quickAdd: turn a short phrase into an event, well enough for tests and the demo.

Google's parser is a black box; this one understands what people type in a demo: a title with a
day (`today`, `tomorrow`, a weekday, `next friday`, `2024-06-04`, `dec 25`, `25 december`) and a
time (`12:30`, `9am`, `9:30pm`, `noon`, `midnight`, optionally after `at`, optionally a range
`14:00-15:30` or `2pm to 3pm`). A time without a day means today (tomorrow when that time has
passed); a day without a time gives an all-day event; neither gives an hour from the next full
hour. Timed events last an hour unless a range says otherwise. What is left is the title, and
what follows its last `at` the location ("Lunch with Grace tomorrow 12:30 at Café Einstein").
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)?$")
_RANGE = re.compile(r"^([0-9:apm.]+)-([0-9:apm.]+)$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _weekday(word: str) -> Optional[int]:
    w = word.rstrip(".,")
    if len(w) < 3:
        return None
    for n, full in enumerate(_DAY_NAMES):
        if full.startswith(w):
            return n
    return None


def _month(word: str) -> Optional[int]:
    w = word.rstrip(".,")
    if len(w) < 3:
        return None
    for n, full in enumerate(_MONTH_NAMES):
        if full.startswith(w):
            return n + 1
    return None


def _time(word: str) -> Optional[time]:
    w = word.rstrip(".,")
    if w == "noon":
        return time(12, 0)
    if w == "midnight":
        return time(0, 0)
    m = _TIME.match(w)
    if not m:
        return None
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if half is None and m.group(2) is None:
        return None  # a bare number is not a time ("3 people")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse(text: str, zone: ZoneInfo, now: datetime) -> Dict[str, Any]:
    """The event body (summary, start, end) `text` describes, in calendar zone `zone`."""
    words = text.split()
    low = [w.lower() for w in words]
    today = now.astimezone(zone).date()
    day: Optional[date] = None
    start_t: Optional[time] = None
    end_t: Optional[time] = None
    used: List[bool] = [False] * len(words)
    i = 0
    while i < len(words):
        w = low[i].rstrip(".,")
        nxt = low[i + 1].rstrip(".,") if i + 1 < len(words) else ""
        taken = 0
        if day is None and w == "today":
            day, taken = today, 1
        elif day is None and w == "tomorrow":
            day, taken = today + timedelta(days=1), 1
        elif day is None and w == "next" and _weekday(nxt) is not None:
            ahead = (_weekday(nxt) - today.weekday()) % 7 or 7  # type: ignore[operator]
            day, taken = today + timedelta(days=ahead), 2
        elif day is None and _weekday(w) is not None and len(w) >= 3:
            ahead = (_weekday(w) - today.weekday()) % 7  # type: ignore[operator]
            day, taken = today + timedelta(days=ahead), 1
        elif day is None and _ISO.match(w):
            with contextlib.suppress(ValueError):
                day, taken = date.fromisoformat(w), 1
        elif day is None and _month(w) and nxt.isdigit() and 1 <= int(nxt) <= 31:
            day, taken = _future(today, _month(w), int(nxt)), 2  # type: ignore[arg-type]
        elif day is None and w.isdigit() and 1 <= int(w) <= 31 and _month(nxt):
            day, taken = _future(today, _month(nxt), int(w)), 2  # type: ignore[arg-type]
        elif start_t is None:
            skip = 1 if w == "at" and (_time(nxt) or _RANGE.match(nxt)) else 0
            word = low[i + skip].rstrip(".,") if i + skip < len(words) else ""
            span = _RANGE.match(word)
            if span and _time(span.group(1)) and _time(span.group(2)):
                start_t, end_t = _time(span.group(1)), _time(span.group(2))
                taken = skip + 1
            elif _time(word):
                start_t, taken = _time(word), skip + 1
                after = low[i + taken : i + taken + 2]
                if len(after) == 2 and after[0] in ("to", "-", "until") and _time(after[1]):
                    end_t, taken = _time(after[1]), taken + 2
        if taken:
            for k in range(i, min(i + taken, len(words))):
                used[k] = True
            i += taken
        else:
            i += 1
    rest = [w for w, u in zip(words, used) if not u]
    location = None
    at = [n for n, w in enumerate(rest) if w.lower() == "at" and 0 < n < len(rest) - 1]
    if at:  # "... at Café Einstein": the place
        location = " ".join(rest[at[-1] + 1 :])
        rest = rest[: at[-1]]
    title = " ".join(rest).strip() or "(No title)"
    body: Dict[str, Any] = {"summary": title}
    if location:
        body["location"] = location
    if start_t is None and day is not None:
        body["start"] = {"date": day.isoformat()}
        body["end"] = {"date": (day + timedelta(days=1)).isoformat()}
        return body
    local_now = now.astimezone(zone)
    if start_t is None:
        begin = local_now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    else:
        on = day or today
        begin = datetime.combine(on, start_t, tzinfo=zone)
        if day is None and begin < local_now:
            begin += timedelta(days=1)
    if end_t is not None:
        finish = datetime.combine(begin.date(), end_t, tzinfo=zone)
        if finish <= begin:
            finish += timedelta(days=1)
    else:
        finish = begin + timedelta(hours=1)
    body["start"] = {"dateTime": begin.isoformat(), "timeZone": zone.key}
    body["end"] = {"dateTime": finish.isoformat(), "timeZone": zone.key}
    return body


def _future(today: date, month: int, day: int) -> Optional[date]:
    """`month`/`day` this year, or next year when it has passed."""
    for year in (today.year, today.year + 1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found >= today:
            return found
    return None


__all__: Tuple[str, ...] = ("parse",)
