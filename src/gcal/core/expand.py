"""Local expansion of recurring events: what events.list says with `singleEvents=true`.

The store keeps events as the API lists them with `singleEvents=false`: series masters (with
their RRULE/RDATE/EXDATE lines), exceptions (events carrying `recurringEventId` and
`originalStartTime`) and plain events. Answering "what is on this week" offline means turning
those into the instances the API would have listed, identically, so that `--offline` and live
answers can be compared field by field.

The rules, as Google applies them:

* occurrences are computed in the series' own wall clock (the `timeZone` of its start, else the
  calendar's zone), so a 09:00 meeting stays at 09:00 across a daylight-saving change; a wall
  time that falls in a DST gap is the real local time after it (02:30 -> 03:30);
* UNTIL, EXDATE and RDATE values in UTC or another zone are converted to that wall clock;
* all-day series repeat dates, placed at midnight of the calendar's zone;
* an exception replaces the instance whose original start it names, a cancelled exception
  removes it; instance ids are `<seriesId>_<YYYYMMDDTHHMMSSZ>` (UTC start) or, all day,
  `<seriesId>_<YYYYMMDD>`;
* the window: an event is listed when it ends after `timeMin` and starts before `timeMax`
  (both exclusive); without `timeMax` an unbounded series stops `HORIZON` past the later of now,
  its start and `timeMin`.

Pure functions over plain dicts; python-dateutil's rrule does the recurrence arithmetic.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

from gcal.core.timespec import parse_rfc3339
from gcal.lazyre import LazyPattern

UTC = timezone.utc
#: how far past max(now, series start, timeMin) an unbounded series is expanded without timeMax
HORIZON = timedelta(days=2 * 366)
#: at most this many instances of one series in one answer
MAX_INSTANCES = 5000
#: what a cancelled instance carries (and nothing else), as the API sends it
CANCELLED_KEYS = ("kind", "etag", "id", "status", "recurringEventId", "originalStartTime")

_UNTIL = LazyPattern(r"(UNTIL=)([0-9]{8}(?:T[0-9]{6}Z?)?);?", re.IGNORECASE)
_NOT_COPIED = (
    "id",
    "htmlLink",
    "start",
    "end",
    "recurrence",
    "originalStartTime",
    "recurringEventId",
)

Event = Dict[str, Any]
Window = Tuple[Optional[float], Optional[float]]


# --------------------------------------------------------------------------------------------
# Zones and instants


def zone_named(name: Any) -> Optional[tzinfo]:
    """The IANA zone called `name`, or None when it is missing or unknown (data, not input)."""
    if not name or not isinstance(name, str):
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, KeyError):
        return None


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def parse_instant(text: Any) -> Optional[datetime]:
    """An RFC 3339 time with offset, None if it is not one. The API's own shapes go through
    `datetime.fromisoformat` (ten times quicker: a sync reads three per event); anything it
    refuses gets the full grammar."""
    if not isinstance(text, str):
        return None
    try:
        dt = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return parse_rfc3339(text)
    return dt if dt.tzinfo is not None else None


def at_time(have: Dict[str, Any], want: Dict[str, Any]) -> bool:
    """Whether the EventDateTime `have` is at `want`: the same date for an all-day `want`,
    else the same instant (a write's answer and a series' slot may spell it differently)."""
    if "date" in want:
        return have.get("date") == want["date"]
    return parse_instant(have.get("dateTime")) == parse_instant(want.get("dateTime"))


def instant(when: Any, cal_zone: tzinfo) -> Optional[datetime]:
    """The instant of an EventDateTime (a `date` is midnight in `cal_zone`), None if unreadable."""
    if not isinstance(when, dict):
        return None
    if when.get("dateTime"):
        return parse_instant(when["dateTime"])
    if when.get("date"):
        try:
            return _midnight(date.fromisoformat(when["date"]), cal_zone)
        except (TypeError, ValueError):
            return None
    return None


def span(event: Event, cal_zone: tzinfo) -> Optional[Tuple[float, float]]:
    """(start, end) timestamps of a single event or instance; a cancelled instance (no start)
    occupies its original start. None when the event has no readable time."""
    start = instant(event.get("start"), cal_zone)
    if start is None:
        start = instant(event.get("originalStartTime"), cal_zone)
        if start is None:
            return None
        return start.timestamp(), start.timestamp() + 60
    end = instant(event.get("end"), cal_zone) or start
    return start.timestamp(), end.timestamp()


def in_window(start: float, end: float, window: Window) -> bool:
    """The API's rule: ends after timeMin, starts before timeMax (both exclusive)."""
    lo, hi = window
    return (hi is None or start < hi) and (lo is None or end > lo)


def format_instant(dt: datetime, zone: tzinfo) -> str:
    """A dateTime as Google writes it: seconds precision, the zone's offset, `Z` for UTC."""
    text = dt.astimezone(zone).replace(microsecond=0).isoformat()
    if text.endswith("+00:00") and getattr(zone, "key", None) in ("UTC", "Etc/UTC"):
        text = text[:-6] + "Z"
    return text


def original_key(when: Any) -> Any:
    """What identifies an occurrence: its date (all day) or its UTC start instant."""
    if not isinstance(when, dict):
        return None
    if when.get("dateTime"):
        dt = parse_rfc3339(when["dateTime"])
        return int(dt.timestamp()) if dt is not None else None
    return when.get("date")


# --------------------------------------------------------------------------------------------
# Recurrence lines -> naive wall-clock occurrence starts


def is_series(event: Event) -> bool:
    return bool(event.get("recurrence")) and isinstance(event.get("start"), dict)


def is_all_day(event: Event) -> bool:
    return "date" in (event.get("start") or {}) and "dateTime" not in (event.get("start") or {})


def series_zone(master: Event, cal_zone: tzinfo) -> tzinfo:
    """The wall clock a series repeats in: its start's `timeZone`, else the calendar's."""
    return zone_named((master.get("start") or {}).get("timeZone")) or cal_zone


def _parse_line(line: str) -> Tuple[str, Dict[str, str], str]:
    head, _, value = line.partition(":")
    name, *raw = head.split(";")
    params = {}
    for item in raw:
        key, _, val = item.partition("=")
        params[key.strip().upper()] = val.strip()
    return name.strip().upper(), params, value.strip()


def _wall(value: str, params: Dict[str, str], zone: tzinfo, all_day: bool) -> datetime:
    """One iCalendar DATE or DATE-TIME value as a naive time on the series' wall clock."""
    if len(value) == 8 or params.get("VALUE", "").upper() == "DATE":
        return datetime.strptime(value[:8], "%Y%m%d")
    naive = datetime.strptime(value[:15], "%Y%m%dT%H%M%S")
    if value.endswith("Z"):
        source: tzinfo = UTC
    else:
        source = zone_named(params.get("TZID")) or zone
    wall = naive.replace(tzinfo=source).astimezone(zone).replace(tzinfo=None)
    return datetime(wall.year, wall.month, wall.day) if all_day else wall


def _first_wall(master: Event, zone: tzinfo) -> datetime:
    start = master["start"]
    if is_all_day(master):
        d = date.fromisoformat(start["date"])
        return datetime(d.year, d.month, d.day)
    dt = parse_rfc3339(start["dateTime"])
    if dt is None:
        raise ValueError(f"unreadable start {start!r}")
    return dt.astimezone(zone).replace(tzinfo=None)


def ruleset(master: Event, cal_zone: tzinfo) -> Any:
    """A dateutil rruleset yielding the naive wall-clock starts of the series' occurrences."""
    from dateutil.rrule import rruleset, rrulestr

    zone = series_zone(master, cal_zone)
    all_day = is_all_day(master)
    first = _first_wall(master, zone)
    rules = rruleset()
    has_rule = False
    for line in master.get("recurrence") or ():
        name, params, value = _parse_line(str(line))
        if name in ("RRULE", "EXRULE"):
            # UNTIL is read here, on the series' wall clock, and set on the parsed rule: that
            # also spares rrulestr importing dateutil's date parser (a tenth of --offline's time)
            found = _UNTIL.search(value)
            rest = ";".join(part for part in _UNTIL.sub("", value).split(";") if part)
            rule = rrulestr(name + ":" + rest, dtstart=first)
            if found:
                rule = rule.replace(until=_wall(found.group(2).upper(), {}, zone, all_day))
            if name == "RRULE":
                rules.rrule(rule)
                has_rule = True
            else:
                rules.exrule(rule)
        elif name in ("RDATE", "EXDATE"):
            add = rules.rdate if name == "RDATE" else rules.exdate
            for part in value.split(","):
                if part.strip():
                    add(_wall(part.strip(), params, zone, all_day))
    if not has_rule:
        rules.rdate(first)  # a series of RDATEs alone starts at its DTSTART
    return rules


def _duration(master: Event) -> timedelta:
    if is_all_day(master):
        s = date.fromisoformat(master["start"]["date"])
        end = (master.get("end") or {}).get("date")
        e = date.fromisoformat(end) if end else s
        return timedelta(days=max((e - s).days, 1))
    s = parse_rfc3339(master["start"]["dateTime"])
    e = parse_rfc3339((master.get("end") or {}).get("dateTime")) or s
    return (e - s) if s is not None and e is not None else timedelta(0)


def occurrences(
    master: Event,
    cal_zone: tzinfo,
    window: Window,
    now: Optional[datetime] = None,
    horizon_lo: Any = "window",
) -> Iterator[Tuple[datetime, datetime]]:
    """(start, end) aware datetimes of the series' occurrences that meet `window`, in order.

    Timed starts are in the series' zone; all-day ones at midnight of `cal_zone`. Without an
    end to the window, a series that never ends stops HORIZON after the latest of now, its
    first start and `horizon_lo` (the window's start unless given: a listing read in slices
    gives its whole window's, so that every slice stops where the whole would)."""
    zone = series_zone(master, cal_zone)
    all_day = is_all_day(master)
    length = _duration(master)
    place = cal_zone if all_day else zone
    first = _first_wall(master, zone)
    lo, hi = window
    if hi is None:
        from_lo = lo if horizon_lo == "window" else horizon_lo
        base = max(
            (now or datetime.now(UTC)).timestamp(),
            first.replace(tzinfo=place).timestamp(),
            from_lo if from_lo is not None else float("-inf"),
        )
        hi_cut = base + HORIZON.total_seconds()
    else:
        hi_cut = hi
    rules = ruleset(master, cal_zone)
    # Walk from a wall time safely before the window: a day of slack covers every UTC offset.
    if lo is not None:
        begin = datetime.fromtimestamp(lo, UTC).astimezone(place).replace(tzinfo=None)
        begin -= length + timedelta(days=2)
        walls: Iterable[datetime] = rules.xafter(begin, inc=True) if begin > first else rules
    else:
        walls = rules
    count = 0
    for wall in walls:
        start = wall.replace(tzinfo=place)
        if all_day:
            end = (wall + length).replace(tzinfo=place)
        else:
            start = start.astimezone(UTC).astimezone(zone)  # out of a DST gap, see above
            end = (start.astimezone(UTC) + length).astimezone(zone)
        s, e = start.timestamp(), end.timestamp()
        if s >= hi_cut:
            break
        if lo is not None and e <= lo:
            continue
        yield start, end
        count += 1
        if count >= MAX_INSTANCES:
            break


def series_end(master: Event, cal_zone: tzinfo) -> float:
    """The end instant of the series' last occurrence; inf when it repeats forever."""
    if not is_series(master):
        found = span(master, cal_zone)
        return found[1] if found else float("-inf")
    for line in master.get("recurrence") or ():
        name, _, value = _parse_line(str(line))
        upper = value.upper()
        if name == "RRULE" and "UNTIL=" not in upper and "COUNT=" not in upper:
            return float("inf")
    zone = series_zone(master, cal_zone)
    all_day = is_all_day(master)
    place = cal_zone if all_day else zone
    last = None
    for wall in ruleset(master, cal_zone):
        last = wall
    if last is None:
        return float("-inf")
    start = last.replace(tzinfo=place)
    if all_day:
        return (last + _duration(master)).replace(tzinfo=place).timestamp()
    return start.astimezone(UTC).timestamp() + _duration(master).total_seconds()


def series_start(master: Event, cal_zone: tzinfo) -> float:
    """The start instant of the series' first listed time (its DTSTART)."""
    found = instant(master.get("start"), cal_zone)
    return found.timestamp() if found is not None else float("inf")


# --------------------------------------------------------------------------------------------
# Instances


def instance_id(series_id: str, start: datetime, all_day: bool) -> str:
    """Google's instance id: `<series>_<YYYYMMDDTHHMMSSZ>` (UTC), all-day `<series>_<YYYYMMDD>`."""
    if all_day:
        return f"{series_id}_{start.strftime('%Y%m%d')}"
    return f"{series_id}_{start.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


def instance_link(series_link: str, series_id: str, iid: str) -> str:
    """The instance's own `htmlLink`, made from its series' link as Google makes both.

    Google's `eid` is the unpadded base64url of "<eventId> <calendarId>"; an instance's names
    the instance. The calendar part is taken from the series' link (Google abbreviates some
    calendar ids there), and a link of another shape is kept as it is.
    """
    import base64
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(series_link)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for i, (key, value) in enumerate(query):
        if key != "eid":
            continue
        try:
            named = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return series_link
        event_id, sep, calendar = named.partition(" ")
        if event_id != series_id or not sep:
            return series_link
        eid = base64.urlsafe_b64encode(f"{iid} {calendar}".encode()).decode().rstrip("=")
        query[i] = ("eid", eid)
        return urlunsplit(parts._replace(query=urlencode(query)))
    return series_link


def _time(dt: datetime, all_day: bool, zone_name: Any, out_zone: tzinfo) -> Dict[str, str]:
    if all_day:
        return {"date": dt.date().isoformat()}
    value = {"dateTime": format_instant(dt, out_zone)}
    if zone_name:
        value["timeZone"] = zone_name
    return value


def make_instance(master: Event, start: datetime, end: datetime, out_zone: tzinfo) -> Event:
    """The resource of one unmodified occurrence: the master's fields, its own id and times."""
    all_day = is_all_day(master)
    event = {k: v for k, v in master.items() if k not in _NOT_COPIED}
    event["id"] = instance_id(master["id"], start, all_day)
    if "htmlLink" in master:
        event["htmlLink"] = instance_link(master["htmlLink"], master["id"], event["id"])
    event["recurringEventId"] = master["id"]
    event["start"] = _time(start, all_day, master["start"].get("timeZone"), out_zone)
    event["end"] = _time(end, all_day, (master.get("end") or {}).get("timeZone"), out_zone)
    event["originalStartTime"] = dict(event["start"])
    return event


def cancelled_view(event: Event) -> Event:
    """A cancelled instance trimmed to what the API sends of one."""
    return {k: event[k] for k in CANCELLED_KEYS if k in event}


def in_zone(event: Event, zone: tzinfo) -> Event:
    """`event` with its dateTimes expressed in `zone` (what the `timeZone` parameter asks)."""
    out = event
    for key in ("start", "end", "originalStartTime"):
        when = event.get(key)
        if isinstance(when, dict) and when.get("dateTime"):
            dt = parse_rfc3339(when["dateTime"])
            if dt is not None:
                if out is event:
                    out = dict(event)
                out[key] = dict(when, dateTime=format_instant(dt, zone))
    return out


def expand_series(
    master: Event,
    exceptions: Iterable[Event],
    cal_zone: tzinfo,
    window: Window,
    *,
    show_deleted: bool = False,
    now: Optional[datetime] = None,
    horizon_lo: Any = "window",
) -> List[Tuple[float, float, Event]]:
    """The instances of one series in `window`: generated ones, then its exceptions in place of
    the occurrences they modify. Returns (start, end, resource) in no particular order."""
    by_original: Dict[Any, Event] = {}
    for exc in exceptions:
        key = original_key(exc.get("originalStartTime"))
        if key is not None:
            by_original[key] = exc
    all_day = is_all_day(master)
    deleted_series = master.get("status") == "cancelled"
    out: List[Tuple[float, float, Event]] = []
    if not deleted_series or show_deleted:
        for start, end in occurrences(master, cal_zone, window, now, horizon_lo):
            key = start.date().isoformat() if all_day else int(start.timestamp())
            if key in by_original:
                continue
            event = make_instance(master, start, end, cal_zone)
            if deleted_series:
                event = cancelled_view(dict(event, status="cancelled"))
            out.append((start.timestamp(), end.timestamp(), event))
    for exc in by_original.values():
        if exc.get("status") == "cancelled" and not show_deleted:
            continue
        if deleted_series and not show_deleted:
            continue
        found = span(exc, cal_zone)
        if found is not None and in_window(found[0], found[1], window):
            out.append((found[0], found[1], exc))
    return out


def single_events(
    events: Iterable[Event],
    cal_zone: tzinfo,
    window: Window,
    *,
    show_deleted: bool = False,
    now: Optional[datetime] = None,
) -> List[Event]:
    """Every event of a calendar (as listed with singleEvents=false) as the API lists it with
    singleEvents=true and orderBy=startTime in `window`: series expanded, exceptions in place,
    ordered by start, then end."""
    rows = single_event_rows(events, cal_zone, window, show_deleted=show_deleted, now=now)
    return [row[3] for row in rows]


def single_event_rows(
    events: Iterable[Event],
    cal_zone: tzinfo,
    window: Window,
    *,
    show_deleted: bool = False,
    now: Optional[datetime] = None,
    horizon_lo: Any = "window",
) -> List[Tuple[float, float, int, Event]]:
    """`single_events` as sorted (start, end, listing rank, event) rows (`horizon_lo`: see
    `occurrences`)."""
    events = list(events)
    masters = {e["id"]: e for e in events if is_series(e)}
    exceptions: Dict[str, List[Event]] = {}
    rows: List[Tuple[float, float, int, Event]] = []
    position: Dict[int, int] = {}
    for n, event in enumerate(events):
        position[id(event)] = n
        parent = event.get("recurringEventId")
        if parent and parent in masters:
            exceptions.setdefault(parent, []).append(event)
    for n, event in enumerate(events):
        parent = event.get("recurringEventId")
        if parent and parent in masters:
            continue
        if event["id"] in masters:
            found_rows = expand_series(
                event,
                exceptions.get(event["id"], ()),
                cal_zone,
                window,
                show_deleted=show_deleted,
                now=now,
                horizon_lo=horizon_lo,
            )
            # ties keep the API's listing order: the series' place, an exception's own
            rows.extend((s, e, position.get(id(inst), n), inst) for s, e, inst in found_rows)
            continue
        if event.get("status") == "cancelled" and not show_deleted:
            continue
        found = span(event, cal_zone)
        if found is not None and in_window(found[0], found[1], window):
            rows.append((found[0], found[1], n, event))
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    return rows
