"""The two sinks the event mapping writes to: `VEvent`, RFC 5545 content lines written
directly as the component is built (what `gcal export` writes), and `IcalSink`, the same calls
building an icalendar component (the reference the direct lines are tested against).

Separate from the mapping (`gcal.core.icsevent`) because the mapping says what an event becomes
once, against the sinks' small interface (`text`, `plain`, `inline`, `time`, `integer`,
`duration`, `component`), and each sink says how a value is written.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Optional, Set, Tuple

from gcal.core.icstext import escape_text, fold, safe_text, text_value

UTC = datetime.timezone.utc

# Zones whose time is UTC for ever: their times are written with Z and need no VTIMEZONE (as
# icalendar writes them too).
UTC_NAMES = frozenset(
    {
        "UTC",
        "Etc/UTC",
        "UCT",
        "Etc/UCT",
        "Universal",
        "Etc/Universal",
        "Zulu",
        "Etc/Zulu",
        "GMT",
        "Etc/GMT",
        "GMT0",
        "Etc/GMT0",
        "GMT+0",
        "Etc/GMT+0",
        "GMT-0",
        "Etc/GMT-0",
        "Greenwich",
        "Etc/Greenwich",
    }
)


def _param_value(key: str, value: str) -> str:
    value = value.replace("^", "^^")  # RFC 6868 (newlines and quotes are gone already)
    if (
        "," in value
        or ";" in value
        or ":" in value
        or (key == "CN" and (" " in value or "'" in value))
    ):
        return f'"{value}"'
    return value


def _params(params: Optional[Dict[str, str]]) -> str:
    if not params:
        return ""
    return "".join(f";{k}={_param_value(k, params[k])}" for k in sorted(params))


def _date_text(d: datetime.date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def _time_text(value: Any) -> Tuple[str, Optional[str]]:
    """(";PARAMS:VALUE" of a date or aware date-time, its TZID or None)."""
    if not isinstance(value, datetime.datetime):
        return f";VALUE=DATE:{_date_text(value)}", None
    key = getattr(value.tzinfo, "key", None)
    if key is None or key in UTC_NAMES:
        text = value.astimezone(UTC).isoformat()
        return f":{text[:4]}{text[5:7]}{text[8:13]}{text[14:16]}{text[17:19]}Z", None
    text = value.isoformat()
    return f";TZID={key}:{text[:4]}{text[5:7]}{text[8:13]}{text[14:16]}{text[17:19]}", key


def _duration(delta: datetime.timedelta) -> str:
    """A DURATION value as icalendar writes it (-PT15M, -P1D, -P1DT1H, P0D)."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    out = f"{sign}P"
    if days or not (hours or minutes or seconds):
        out += f"{days}D"
    if hours or minutes or seconds:
        out += "T"
        if hours:
            out += f"{hours}H"
        if minutes:
            out += f"{minutes}M"
        if seconds:
            out += f"{seconds}S"
    return out


class VEvent:
    """A component written as content lines as it is built: the fast writer's form of what
    `event_component` builds with icalendar (tests hold the two to the same parsed result).
    `tzids` collects the TZIDs its lines use, for the writer's VTIMEZONEs."""

    __slots__ = ("lines", "name", "subcomponents", "tzids")

    def __init__(self, name: str = "VEVENT") -> None:
        self.name = name
        self.lines: List[str] = []
        self.subcomponents: List[VEvent] = []
        self.tzids: Set[str] = set()

    def text(self, name: str, value: Any) -> None:
        self.lines.append(f"{name}:{escape_text(safe_text(value))}")

    def plain(self, name: str, value: str, params: Optional[Dict[str, str]] = None) -> None:
        """A value written as it is (URI, CAL-ADDRESS, RECUR, an enumerated value): one line
        with no control character, as the mapping makes sure."""
        self.lines.append(f"{name}{_params(params)}:{value}" if params else f"{name}:{value}")

    def inline(self, name: str, value: str, params: Optional[Dict[str, str]] = None) -> None:
        """A recurrence line's value, as the API gave it once checked (see
        `_recurrence_property`); its TZID, if any, is one the calendar must describe."""
        if params and "TZID" in params:
            self.tzids.add(params["TZID"])
        self.plain(name, value, params)

    def time(self, name: str, value: Any) -> None:
        text, tzid = _time_text(value)
        if tzid is not None:
            self.tzids.add(tzid)
        self.lines.append(name + text)

    def integer(self, name: str, value: int) -> None:
        self.lines.append(f"{name}:{value}")

    def duration(self, name: str, value: datetime.timedelta) -> None:
        self.lines.append(f"{name}:{_duration(value)}")

    def component(self, name: str) -> VEvent:
        sub = VEvent(name)
        self.subcomponents.append(sub)
        return sub

    def all_tzids(self) -> Set[str]:
        found = set(self.tzids)
        for sub in self.subcomponents:
            found |= sub.all_tzids()
        return found

    def to_ical(self) -> bytes:
        return self._text().encode("utf-8")

    def _text(self) -> str:
        out = [f"BEGIN:{self.name}"]
        for line in self.lines:
            if len(line) > 18 and (len(line) > 75 or not line.isascii()):
                line = fold(line.encode("utf-8")).decode("utf-8")
            out.append(line)
        for sub in self.subcomponents:
            out.append(sub._text()[:-2])
        out.append(f"END:{self.name}\r\n")
        return "\r\n".join(out)


class IcalSink:
    """The same calls as `VEvent`, building an icalendar component: icalendar's own
    serialisation of the mapping, the oracle the direct writer is tested against."""

    def __init__(self, component: Any) -> None:
        self.target = component

    def text(self, name: str, value: Any) -> None:
        self.target.add(name, text_value(value))

    def plain(self, name: str, value: str, params: Optional[Dict[str, str]] = None) -> None:
        if params:
            self.target.add(name, value, parameters=dict(params))
        else:
            self.target.add(name, value)

    def inline(self, name: str, value: str, params: Optional[Dict[str, str]] = None) -> None:
        from icalendar.prop import vInline

        inline = vInline(value)
        inline.params.update(params or {})  # (icalendar 6 has no params argument)
        self.target.add(name, inline)

    def time(self, name: str, value: Any) -> None:
        if name in ("EXDATE", "RDATE"):
            self.target.add(name, [value])
        else:
            self.target.add(name, value)

    def integer(self, name: str, value: int) -> None:
        self.target.add(name, value)

    def duration(self, name: str, value: datetime.timedelta) -> None:
        self.target.add(name, value)

    def component(self, name: str) -> IcalSink:
        from icalendar import Alarm

        sub = Alarm()
        self.target.add_component(sub)
        return IcalSink(sub)


def tzids(component: Any) -> Set[str]:
    """The TZID parameters a component (and its subcomponents) uses."""
    if isinstance(component, VEvent):
        return component.all_tzids()
    found: Set[str] = set()
    for part in component.walk():
        for value in part.values():
            for one in value if isinstance(value, list) else (value,):
                params = getattr(one, "params", None)
                if params and params.get("TZID"):
                    found.add(str(params["TZID"]))
    return found
