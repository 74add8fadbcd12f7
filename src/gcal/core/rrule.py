"""Recurrence lines (RFC 5545 RRULE, EXDATE, RDATE) described in words for people.

`RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=12` reads `weekly on Tue, 12 times`. A view shows the words
instead of the raw line, which is long and breaks badly when wrapped. Only what can be said
exactly is described: a rule with parts this module does not put into words (BYSETPOS,
BYHOUR, ...) or with anything malformed gives None, and the caller shows the line as it is.
Pure functions: no I/O, no clock.
"""

from __future__ import annotations

import datetime
import re
from typing import Dict, List, Optional

__all__ = ["describe_recurrence", "describe_recurrence_line", "describe_rule"]

_DAYS = {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat", "SU": "Sun"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FREQ = {
    "SECONDLY": ("every second", "seconds"),
    "MINUTELY": ("every minute", "minutes"),
    "HOURLY": ("hourly", "hours"),
    "DAILY": ("daily", "days"),
    "WEEKLY": ("weekly", "weeks"),
    "MONTHLY": ("monthly", "months"),
    "YEARLY": ("yearly", "years"),
}
_KNOWN = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST"}
_BYDAY_RE = re.compile(r"^([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$")
_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


def _ordinal(n: int) -> str:
    if n == -1:
        return "last"
    if n < 0:
        return f"{_ordinal(-n)} to last"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _number(text: str, low: int, high: int, *, signed: bool = False) -> Optional[int]:
    if not re.fullmatch(r"[+-]?\d{1,6}" if signed else r"\d{1,6}", text):
        return None
    value = int(text)
    return value if low <= abs(value) <= high and value != 0 else None


def _parts(rule: str) -> Optional[Dict[str, str]]:
    parts: Dict[str, str] = {}
    for piece in rule.split(";"):
        name, eq, value = piece.partition("=")
        name = name.strip().upper()
        if not eq or not name or not value or name in parts:
            return None
        parts[name] = value.strip().upper()
    return parts


def _days(text: str, freq: str) -> Optional[str]:
    plain: List[str] = []
    ordinals: List[str] = []
    for token in text.split(","):
        m = _BYDAY_RE.match(token)
        if not m:
            return None
        sign, number, day = m.groups()
        if number is None:
            if sign:
                return None
            plain.append(day)
            continue
        if freq not in ("MONTHLY", "YEARLY"):
            return None  # RFC 5545: numbered days only in monthly and yearly rules
        n = int(number)
        limit = 5 if freq == "MONTHLY" else 53
        if not 1 <= n <= limit:
            return None
        ordinals.append(f"the {_ordinal(-n if sign == '-' else n)} {_DAYS[day]}")
    words: List[str] = []
    if plain:
        if sorted(plain, key=list(_DAYS).index) == _WEEKDAYS and len(plain) == 5:
            words.append("weekdays")
        elif sorted(set(plain)) == ["SA", "SU"] and len(plain) == 2:
            words.append("weekends")
        else:
            words.append(", ".join(_DAYS[d] for d in plain))
    words.extend(ordinals)
    return "on " + ", ".join(words)


def _month_days(text: str) -> Optional[str]:
    words = []
    for token in text.split(","):
        n = _number(token, 1, 31, signed=True)
        if n is None:
            return None
        words.append("the last day" if n == -1 else f"the {_ordinal(n)}")
    return "on " + ", ".join(words)


def _months(text: str) -> Optional[str]:
    names = []
    for token in text.split(","):
        n = _number(token, 1, 12)
        if n is None:
            return None
        names.append(_MONTHS[n - 1])
    return "in " + ", ".join(names)


def _wall(
    m: re.Match[str], source: Optional[datetime.tzinfo], zone: Optional[datetime.tzinfo]
) -> Optional[str]:
    """`YYYY-MM-DD[ HH:MM]` of a DATE or DATE-TIME match; a time with a known zone (`Z` or the
    line's TZID) is shown in `zone` when given, so it agrees with the view's other times."""
    year, month, day, hour, minute, second, utc = m.groups()
    try:
        date = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None
    if hour is None:
        return date.isoformat()
    try:
        moment = datetime.datetime(
            date.year, date.month, date.day, int(hour), int(minute), int(second)
        )
    except ValueError:
        return None
    origin = datetime.timezone.utc if utc else source
    if origin is not None and zone is not None:
        try:
            moment = moment.replace(tzinfo=origin).astimezone(zone)
        except (ValueError, OverflowError):
            return None
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if utc else "")


def _until(text: str, zone: Optional[datetime.tzinfo]) -> Optional[str]:
    m = _UNTIL_RE.match(text)
    if not m:
        return None
    if m.group(4) is not None and m.group(4, 5, 6) == ("23", "59", "59") and not m.group(7):
        m = _UNTIL_RE.match(text[:8])  # the end of a day: the day
        assert m is not None
    shown = _wall(m, None, zone)
    return None if shown is None else f"until {shown}"


def describe_rule(rule: str, zone: Optional[datetime.tzinfo] = None) -> Optional[str]:
    """Words for the value of an RRULE (`FREQ=WEEKLY;BYDAY=TU;COUNT=12` -> `weekly on Tue,
    12 times`), or None when the rule holds anything that cannot be put exactly into words.
    A UTC `UNTIL` is shown in `zone` when given (else with `UTC`)."""
    if not isinstance(rule, str):
        return None
    parts = _parts(rule)
    if parts is None or not set(parts) <= _KNOWN or parts.get("FREQ") not in _FREQ:
        return None
    if "COUNT" in parts and "UNTIL" in parts:
        return None  # RFC 5545: MUST NOT occur together
    freq = parts["FREQ"]
    single, plural = _FREQ[freq]
    interval = 1
    if "INTERVAL" in parts:
        value = _number(parts["INTERVAL"], 1, 9999)
        if value is None:
            return None
        interval = value
    words = [single if interval == 1 else f"every {interval} {plural}"]
    if "BYMONTH" in parts:
        months = _months(parts["BYMONTH"])
        if months is None:
            return None
        words.append(months)
    if "BYMONTHDAY" in parts:
        month_days = _month_days(parts["BYMONTHDAY"])
        if month_days is None:
            return None
        words.append(month_days)
    if "BYDAY" in parts:
        days = _days(parts["BYDAY"], freq)
        if days is None:
            return None
        if "BYMONTHDAY" in parts:
            days = days.replace("on ", "if a ", 1)  # BYDAY limits the days BYMONTHDAY names
        words.append(days)
    text = " ".join(words)
    if "COUNT" in parts:
        count = _number(parts["COUNT"], 1, 999999)
        if count is None:
            return None
        text += ", once" if count == 1 else f", {count} times"
    elif "UNTIL" in parts:
        until = _until(parts["UNTIL"], zone)
        if until is None:
            return None
        text += f" {until}"
    if "WKST" in parts and parts["WKST"] not in _DAYS:
        return None
    return text


def _dates(
    value: str, source: Optional[datetime.tzinfo], zone: Optional[datetime.tzinfo]
) -> Optional[str]:
    shown = []
    for token in value.split(","):
        m = _UNTIL_RE.match(token.strip())
        text = _wall(m, source, zone) if m else None
        if text is None:
            return None
        shown.append(text)
    return ", ".join(shown)


def _tzid(params: str) -> Optional[datetime.tzinfo]:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().upper() == "TZID":
            try:
                import zoneinfo

                return zoneinfo.ZoneInfo(value.strip().strip('"'))
            except Exception:
                return None
    return None


def describe_recurrence_line(line: str, zone: Optional[datetime.tzinfo] = None) -> Optional[str]:
    """Words for one line of an event's `recurrence`: an RRULE as `describe_rule`, EXDATE as
    `except 2024-06-10 09:00, ...`, RDATE as `also 2024-06-12 09:00`; None for anything else
    (EXRULE, periods, malformed lines). Times with a zone (their TZID, or UTC) are shown in
    `zone` when given, else as written (floating times always as written)."""
    if not isinstance(line, str):
        return None
    head, colon, value = line.partition(":")
    if not colon:
        return None
    name, _, params = head.partition(";")
    name = name.strip().upper()
    if name == "RRULE":
        return describe_rule(value, zone) if not params else None
    if name in ("EXDATE", "RDATE"):
        if "VALUE=PERIOD" in params.upper():
            return None
        dates = _dates(value, _tzid(params), zone)
        if dates is None:
            return None
        return ("except " if name == "EXDATE" else "also ") + dates
    return None


def describe_recurrence(lines: List[str], zone: Optional[datetime.tzinfo] = None) -> List[str]:
    """Each line of `recurrence` in words where possible, else as it is."""
    return [describe_recurrence_line(line, zone) or line for line in lines]
