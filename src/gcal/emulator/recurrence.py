"""Expansion of recurring events (RRULE/RDATE/EXDATE) into instances.

Occurrences are computed in the series' own wall-clock time (its start `timeZone`, else the
calendar's) with naive datetimes, then localised: that is what keeps a weekly 10:00 meeting at
10:00 across a daylight-saving change, as Google does. UNTIL/EXDATE/RDATE values given in UTC or
another zone are converted to that wall clock first, which also sidesteps dateutil's refusal to
mix naive and aware values.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, Dict, Iterator, Optional, Tuple
from zoneinfo import ZoneInfo

from dateutil.rrule import rruleset, rrulestr

from gcal.emulator import clock
from gcal.emulator.links import html_link
from gcal.emulator.timeutil import UTC, format_datetime, get_zone, parse_date, parse_rfc3339

#: without timeMax an unbounded series is expanded this far past "now" (or its start)
HORIZON = timedelta(days=2 * 366)
#: hard cap on the occurrences of one series in one answer, whatever the bounds
MAX_OCCURRENCES = 5000

_UNTIL = re.compile(r"UNTIL=([0-9TZ]+)", re.IGNORECASE)


def series_zone(master: Dict[str, Any], cal_zone: ZoneInfo) -> ZoneInfo:
    """The wall clock a series repeats in."""
    return get_zone(master.get("start", {}).get("timeZone")) or cal_zone


def is_all_day(master: Dict[str, Any]) -> bool:
    return "date" in master.get("start", {})


def _dtstart(master: Dict[str, Any], zone: ZoneInfo) -> datetime:
    start = master["start"]
    if "date" in start:
        d = parse_date(start["date"])
        return datetime(d.year, d.month, d.day)
    return parse_rfc3339(start["dateTime"]).astimezone(zone).replace(tzinfo=None)


def _to_wall(value: str, params: Dict[str, str], zone: ZoneInfo, all_day: bool) -> datetime:
    """Convert one iCalendar date or date-time value to the series' naive wall clock."""
    value = value.strip()
    if len(value) == 8 or params.get("VALUE", "").upper() == "DATE":
        d = datetime.strptime(value[:8], "%Y%m%d")
        return d
    utc = value.endswith("Z")
    dt = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    dt = dt.replace(tzinfo=UTC) if utc else dt.replace(tzinfo=get_zone(params.get("TZID")) or zone)
    wall = dt.astimezone(zone).replace(tzinfo=None)
    if all_day:
        return datetime(wall.year, wall.month, wall.day)
    return wall


def _split(line: str) -> Tuple[str, Dict[str, str], str]:
    head, _, value = line.partition(":")
    name, *raw_params = head.split(";")
    params = {}
    for p in raw_params:
        k, _, v = p.partition("=")
        params[k.upper()] = v
    return name.upper(), params, value


def build_ruleset(master: Dict[str, Any], cal_zone: ZoneInfo) -> rruleset:
    """A dateutil rruleset yielding naive wall-clock occurrence starts of `master`."""
    zone = series_zone(master, cal_zone)
    all_day = is_all_day(master)
    dtstart = _dtstart(master, zone)
    rset = rruleset()
    lines = master.get("recurrence", [])
    for line in lines:
        name, params, value = _split(line)
        if name == "RRULE":

            def fix_until(m: re.Match) -> str:
                wall = _to_wall(m.group(1), {}, zone, all_day)
                if all_day:
                    return "UNTIL=" + wall.strftime("%Y%m%d")
                return "UNTIL=" + wall.strftime("%Y%m%dT%H%M%S")

            rule = _UNTIL.sub(fix_until, value)
            rset.rrule(rrulestr("RRULE:" + rule, dtstart=dtstart))
        elif name in ("EXDATE", "RDATE"):
            for v in value.split(","):
                if not v.strip():
                    continue
                wall = _to_wall(v, params, zone, all_day)
                if all_day:
                    wall = datetime(wall.year, wall.month, wall.day)
                (rset.exdate if name == "EXDATE" else rset.rdate)(wall)
    if not any(_split(x)[0] == "RRULE" for x in lines):
        # RDATE-only series: DTSTART itself is the first occurrence
        rset.rdate(dtstart)
    return rset


def occurrences(
    master: Dict[str, Any],
    cal_zone: ZoneInfo,
    start_bound: Optional[float],
    end_bound: Optional[float],
) -> Iterator[Tuple[datetime, datetime]]:
    """Yield (start, end) aware datetimes of occurrences with end > start_bound, start < end_bound.

    Unbounded series stop at `HORIZON` past max(now, series start, start_bound).
    """
    zone = series_zone(master, cal_zone)
    all_day = is_all_day(master)
    rset = build_ruleset(master, cal_zone)
    if all_day:
        s, e = parse_date(master["start"]["date"]), parse_date(master["end"]["date"])
        duration: timedelta = timedelta(days=max((e - s).days, 1))
    else:
        duration = parse_rfc3339(master["end"]["dateTime"]) - parse_rfc3339(
            master["start"]["dateTime"]
        )
    place = cal_zone if all_day else zone
    first = _dtstart(master, zone).replace(tzinfo=place)
    if end_bound is None:
        base = max(clock.now().timestamp(), first.timestamp(), start_bound or 0.0)
        end_bound = base + HORIZON.total_seconds()
    count = 0
    for wall in rset:
        start = wall.replace(tzinfo=place)
        if not all_day:
            # a wall time in a DST gap keeps the offset from before the gap (RFC 5545 3.3.5),
            # and is written as the real local time after it: 02:30 -> 03:30 on spring-forward
            start = start.astimezone(UTC).astimezone(zone)
        if all_day:
            end = (wall + duration).replace(tzinfo=place)
        else:
            end = (start.astimezone(UTC) + duration).astimezone(zone)
        if start.timestamp() >= end_bound:
            break
        if start_bound is not None and end.timestamp() <= start_bound:
            continue
        yield start, end
        count += 1
        if count >= MAX_OCCURRENCES:
            break


def series_end(master: Dict[str, Any], cal_zone: ZoneInfo) -> float:
    """End instant of the last occurrence, or inf for an unbounded series."""
    rules = [x for x in master.get("recurrence", []) if _split(x)[0] == "RRULE"]
    for rule in rules:
        upper = rule.upper()
        if "UNTIL=" not in upper and "COUNT=" not in upper:
            return float("inf")
    last = None
    far = datetime(9000, 1, 1, tzinfo=UTC).timestamp()
    for _s, e in occurrences(master, cal_zone, None, far):
        last = e
    return last.timestamp() if last is not None else 0.0


def instance_id(series_id: str, start: datetime, all_day: bool) -> str:
    """Google's instance id: `{series}_{YYYYMMDDTHHMMSSZ}` or `{series}_{YYYYMMDD}`."""
    if all_day:
        return f"{series_id}_{start.strftime('%Y%m%d')}"
    return f"{series_id}_{start.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


def time_value(
    dt: datetime, all_day: bool, zone_name: Optional[str], out_zone: ZoneInfo
) -> Dict[str, str]:
    """An EventDateTime for an occurrence boundary, expressed in `out_zone`."""
    if all_day:
        return {"date": date(dt.year, dt.month, dt.day).isoformat()}
    value = {"dateTime": format_datetime(dt, out_zone)}
    if zone_name:
        value["timeZone"] = zone_name
    return value


_DROP = ("recurrence", "id", "start", "end", "htmlLink")


def make_instance(
    master: Dict[str, Any], start: datetime, end: datetime, cal_zone: ZoneInfo, calendar_id: str
) -> Dict[str, Any]:
    """The resource of one generated (unmodified) occurrence, with its own id and link."""
    all_day = is_all_day(master)
    zone_name = master.get("start", {}).get("timeZone")
    res = {k: v for k, v in master.items() if k not in _DROP}
    iid = instance_id(master["id"], start, all_day)
    res["id"] = iid
    res["htmlLink"] = html_link(iid, calendar_id)
    res["recurringEventId"] = master["id"]
    res["start"] = time_value(start, all_day, zone_name, cal_zone)
    res["end"] = time_value(end, all_day, master.get("end", {}).get("timeZone"), cal_zone)
    res["originalStartTime"] = dict(res["start"])
    return res


def occurrence_key(start: datetime, all_day: bool) -> Any:
    """Same keying as `store.original_key`."""
    if all_day:
        return date(start.year, start.month, start.day).isoformat()
    return int(start.timestamp())
