"""Calendar API events as iCalendar (RFC 5545) components: pure mapping, no I/O.

One Event resource becomes one VEVENT. The mapping (`_map`) is written once against a small
builder interface with two implementations: `VEvent` writes the content lines directly (one
TEXT escape, `escape_text`; one fold at 75 octets that never splits a UTF-8 character,
`fold`), which is what the writer uses, about ten times faster than icalendar objects; and an
icalendar Event (`event_component`), icalendar's own serialisation of the same mapping, which
the tests hold the direct lines to (tests/test_ics_writer_oracle.py). icalendar still writes
the calendar header and the VTIMEZONEs. The mapping:

==========================  ================================================================
API                         iCalendar
==========================  ================================================================
iCalUID                     UID (the series' UID for its instances and exceptions)
updated                     DTSTAMP and LAST-MODIFIED (RFC 5545 3.8.7.2: without METHOD,
                            DTSTAMP is the last revision in the calendar store)
created                     CREATED
start / end                 DTSTART / DTEND, with TZID of ``timeZone``; in UTC when the API
                            names no zone; ``VALUE=DATE`` for all-day, the end exclusive
originalStartTime           RECURRENCE-ID (exceptions and expanded instances)
recurrence                  RRULE / EXRULE as given; RDATE / EXDATE as given, a value without
                            zone given the series' TZID (that is how the API reads it)
summary, description,       SUMMARY, DESCRIPTION, LOCATION
location
htmlLink                    URL
status                      STATUS (CONFIRMED, TENTATIVE, CANCELLED)
transparency                TRANSP (OPAQUE unless transparent)
visibility                  CLASS (public, private, confidential; ``default`` writes none)
organizer, attendees        ORGANIZER, ATTENDEE with CN, PARTSTAT, ROLE, CUTYPE, RSVP
sequence                    SEQUENCE
colorId                     COLOR (RFC 7986: a CSS3 colour name, the nearest to the API's
                            documented event palette) and X-GOOGLE-COLOR-ID
hangoutLink,                CONFERENCE (RFC 7986) and X-GOOGLE-CONFERENCE
conferenceData
reminders                   VALARM per override (popup: DISPLAY, email: EMAIL), or per
                            calendar default reminder when ``useDefault`` is true
attachments                 ATTACH
==========================  ================================================================

Real responses omit fields freely (private events have no summary for readers, cancelled
instances carry only their identity); every field is optional here, and an item without the
times a VEVENT needs gives None rather than an invalid component.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any, Dict, List, Optional, Set, Tuple

from gcal import __version__
from gcal.core.eventtime import display_zone, parse_date
from gcal.core.timespec import parse_rfc3339

__all__ = [
    "PRODID",
    "SeriesForm",
    "Source",
    "add_exdate",
    "calendar_footer",
    "calendar_header",
    "event_component",
    "safe_text",
    "series_form",
    "tzids",
    "vtimezone",
]

PRODID = f"-//gcal//gcal {__version__}//EN"
UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)

# VTIMEZONEs cover these years: the tz database's transitions before 1970 are less certain,
# and icalendar's default end (2038) would misplace summer events of later years for
# importers that read only the VTIMEZONE. About 4.5 KB per zone with daylight saving time.
ZONE_FIRST = datetime.date(1970, 1, 1)
ZONE_LAST = datetime.date(2100, 1, 1)

_STATUS = {"confirmed": "CONFIRMED", "tentative": "TENTATIVE", "cancelled": "CANCELLED"}
_CLASS = {"public": "PUBLIC", "private": "PRIVATE", "confidential": "CONFIDENTIAL"}
_PARTSTAT = {
    "needsAction": "NEEDS-ACTION",
    "declined": "DECLINED",
    "tentative": "TENTATIVE",
    "accepted": "ACCEPTED",
}
# The API's documented event palette (colors.get, "event" colors) and the CSS3 colour name
# nearest to each, since RFC 7986 COLOR takes a name, not a hex value.
EVENT_COLORS: Dict[str, Tuple[str, str]] = {
    "1": ("#a4bdfc", "lightsteelblue"),
    "2": ("#7ae7bf", "mediumaquamarine"),
    "3": ("#dbadff", "plum"),
    "4": ("#ff887c", "salmon"),
    "5": ("#fbd75b", "gold"),
    "6": ("#ffb878", "sandybrown"),
    "7": ("#46d6db", "mediumturquoise"),
    "8": ("#e1e1e1", "gainsboro"),
    "9": ("#5484ed", "royalblue"),
    "10": ("#51b749", "mediumseagreen"),
    "11": ("#dc2127", "crimson"),
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C1 too: a terminal acts on them
_URI_BAD = re.compile(r"[\x00-\x20\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_DATE_VALUE = re.compile(r"\d{8}")
_DATETIME_VALUE = re.compile(r"\d{8}T\d{6}Z?")
_PERIOD_VALUE = re.compile(r"\d{8}T\d{6}Z?/[0-9TZPWDHMS+-]+")


def safe_text(value: Any) -> str:
    """Text iCalendar can carry: line breaks as newlines (escaped by the writer as ``\\n``),
    other control characters removed (RFC 5545 TEXT excludes them), lone surrogates (which
    UTF-8 cannot encode) replaced."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return _SURROGATE.sub("\ufffd", text)


@functools.cache
def _exact_text_type() -> type:
    """A TEXT value type that escapes exactly as RFC 5545 says, backslash first.

    icalendar's own TEXT escaping reads a literal backslash-N in the input as a line break (a
    documented convenience of its ``vText``), so a summary such as ``C:\\New folder`` would
    come back as two lines. Built on first use so that importing this module stays cheap."""
    from icalendar import vText

    class ExactText(vText):
        def to_ical(self) -> bytes:
            text = (
                str(self)
                .replace("\\", "\\\\")
                .replace(";", "\\;")
                .replace(",", "\\,")
                .replace("\n", "\\n")
            )
            return text.encode(self.encoding)

    return ExactText


def text_value(value: Any) -> Any:
    """`safe_text(value)` as a TEXT property value that survives any printable text."""
    return _exact_text_type()(safe_text(value))


def _param(value: Any) -> str:
    """A parameter value (CN, LABEL, FILENAME): one line, no double quote. RFC 5545 parameter
    values cannot hold either, and only newer icalendar versions escape them (RFC 6868)."""
    return " ".join(safe_text(value).split("\n")).replace('"', "'")


def _uri(value: Any) -> Optional[str]:
    if not isinstance(value, str):
        return None
    text = _URI_BAD.sub("", _SURROGATE.sub("", value))
    return text or None


# --------------------------------------------------------------------------------------------
# The calendar around the events


def calendar_header(
    *, name: Optional[str] = None, zone: Optional[str] = None, description: Optional[str] = None
) -> bytes:
    """``BEGIN:VCALENDAR`` and the calendar's properties, without the closing line, so that the
    components can be streamed after it. `name`/`zone`/`description` are for a single
    calendar (X-WR-CALNAME, X-WR-TIMEZONE, X-WR-CALDESC, read by Apple, Google, Thunderbird)."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", text_value(name))
    if zone:
        cal.add("x-wr-timezone", safe_text(zone))
    if description:
        cal.add("x-wr-caldesc", text_value(description))
    text = cal.to_ical()
    return text[: text.rindex(b"END:VCALENDAR")]


def calendar_footer() -> bytes:
    return b"END:VCALENDAR\r\n"


@functools.cache
def vtimezone(tzid: str) -> Optional[bytes]:
    """The VTIMEZONE for an IANA zone name, generated from the tz database (so importers that
    do not know Olson names still place events right), or None for a name it does not hold."""
    if display_zone(tzid) is None:
        return None
    from icalendar import Timezone

    try:
        try:
            component = Timezone.from_tzid(tzid, first_date=ZONE_FIRST, last_date=ZONE_LAST)
        except TypeError:  # an icalendar without the date range
            component = Timezone.from_tzid(tzid)
        return component.to_ical()
    except Exception:  # an odd zone the library cannot describe: no VTIMEZONE, UTC times
        return None


# --------------------------------------------------------------------------------------------
# Times


class Source:
    """What the mapping knows of the listing an event comes from: the calendar's zone (the one
    a series without its own repeats in), the calendar's default reminders, and the time of the
    export (DTSTAMP of an event the API gives no `updated` for, e.g. on a free/busy calendar;
    passed in, so that the mapping never reads the clock)."""

    def __init__(
        self,
        zone: Optional[str] = None,
        default_reminders: Any = (),
        now: Optional[datetime.datetime] = None,
    ) -> None:
        self.zone = zone
        self.now = now.astimezone(UTC) if now is not None else _EPOCH
        reminders = default_reminders if isinstance(default_reminders, list) else []
        self.default_reminders = [r for r in reminders if isinstance(r, dict)]


# Zones whose time is UTC for ever: their times are written with Z and need no VTIMEZONE (as
# icalendar writes them too).
_UTC_NAMES = frozenset(
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


def _zone(name: Any) -> Optional[datetime.tzinfo]:
    """The zone to write a TZID for, or None when UTC must do (no name, a name of UTC, or no
    VTIMEZONE)."""
    if not name or not isinstance(name, str):
        return None
    return _zone_named(name)


@functools.lru_cache(maxsize=256)
def _zone_named(name: str) -> Optional[datetime.tzinfo]:
    zone = display_zone(name)
    key = getattr(zone, "key", None)
    if zone is None or not key or key in _UTC_NAMES or vtimezone(key) is None:
        return None
    return zone


def _is_utc_name(name: Any) -> bool:
    zone = display_zone(name)
    return getattr(zone, "key", None) in _UTC_NAMES


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
    zone = _zone(when.get("timeZone")) or _zone(zone_name)
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
    return SeriesForm(all_day, None if all_day else _zone(start.get("timeZone") or calendar_zone))


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
    sink = component if isinstance(component, VEvent) else _IcalSink(component)
    sink.time("EXDATE", value)
    return True


# --------------------------------------------------------------------------------------------
# Writing: RFC 5545 content lines, directly


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped,
    backslash first. `text` has been through `safe_text` (no other line break or control)."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: bytes, limit: int = 75) -> bytes:
    """A content line folded at `limit` octets (RFC 5545 3.1): CRLF and a space before each
    continuation, which counts towards its line's octets. A fold never splits a UTF-8
    character, nor a backslash escape (some importers read folds before escapes)."""
    size = len(line)
    if size <= limit:
        return line
    parts = []
    pos = 0
    room = limit
    while size - pos > room:
        end = pos + room
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back to the lead byte
            end -= 1
        run = end
        while run > pos and line[run - 1] == 0x5C:
            run -= 1
        if (end - run) % 2:  # the line would end on the first half of an escape
            end -= 1
        parts.append(line[pos:end])
        pos = end
        room = limit - 1
    parts.append(line[pos:])
    return b"\r\n ".join(parts)


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
    if key is None or key in _UTC_NAMES:
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


class _IcalSink:
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

    def component(self, name: str) -> _IcalSink:
        from icalendar import Alarm

        sub = Alarm()
        self.target.add_component(sub)
        return _IcalSink(sub)


# --------------------------------------------------------------------------------------------
# Recurrence lines


@functools.lru_cache(maxsize=1024)
def _split_line(line: str) -> Optional[Tuple[str, Tuple[Tuple[str, str], ...], str]]:
    from icalendar.parser import Contentline

    if _CONTROL.search(line) or "\n" in line or "\r" in line:
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


def _recurrence_property(line: Any, form: SeriesForm) -> Optional[Tuple[str, str, Dict[str, str]]]:
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
    if floating and tzid is not None and _is_utc_name(tzid):
        # TZID=UTC: written as UTC times (a TZID of UTC is not allowed, RFC 5545 3.2.19)
        values = [_in_utc(v) for v in values]
        floating = False
        tzid = None
    if floating and (tzid is None or _zone(tzid) is None):
        # The API reads a date-time without a (known) zone in the series' zone: say so, since
        # an importer would otherwise take it as floating and miss the occurrence.
        tzid = getattr(form.zone, "key", None)
        if tzid is None and not form.all_day:
            values = [_in_utc(v) for v in values]
            floating = False  # the series itself is written in UTC
    if tzid and floating:
        out["TZID"] = getattr(_zone(tzid), "key", tzid)
    return name, ",".join(values), out


# --------------------------------------------------------------------------------------------
# People, alarms, conferences


def _address(person: Any, *, attendee: bool) -> Optional[Tuple[str, Dict[str, str]]]:
    if not isinstance(person, dict):
        return None
    email = _uri(person.get("email"))
    if not email:
        return None
    params: Dict[str, str] = {}
    if person.get("displayName"):
        params["CN"] = _param(person["displayName"])
    if attendee:
        status = _PARTSTAT.get(person.get("responseStatus"))
        if status:
            params["PARTSTAT"] = status
        if person.get("organizer"):
            params["ROLE"] = "CHAIR"
        else:
            params["ROLE"] = "OPT-PARTICIPANT" if person.get("optional") else "REQ-PARTICIPANT"
        params["CUTYPE"] = "RESOURCE" if person.get("resource") else "INDIVIDUAL"
        if status == "NEEDS-ACTION":
            params["RSVP"] = "TRUE"
        guests = person.get("additionalGuests")
        if isinstance(guests, int) and not isinstance(guests, bool) and guests > 0:
            params["X-NUM-GUESTS"] = str(guests)
    return f"mailto:{email}", params


def _self_email(item: Dict[str, Any]) -> Optional[str]:
    for person in item.get("attendees") or ():
        if isinstance(person, dict) and person.get("self") and person.get("email"):
            return _uri(person["email"])
    for key in ("organizer", "creator"):
        person = item.get(key)
        if isinstance(person, dict) and person.get("self") and person.get("email"):
            return _uri(person["email"])
    return None


def _reminders(item: Dict[str, Any], source: Source) -> List[Dict[str, Any]]:
    reminders = item.get("reminders")
    if not isinstance(reminders, dict):
        return []
    if reminders.get("useDefault"):
        return source.default_reminders
    overrides = reminders.get("overrides")
    return [r for r in overrides if isinstance(r, dict)] if isinstance(overrides, list) else []


def _alarm(sink: Any, reminder: Dict[str, Any], summary: str, email: Optional[str]) -> None:
    minutes = reminder.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
        return
    alarm = sink.component("VALARM")
    if reminder.get("method") == "email" and email:
        alarm.plain("ACTION", "EMAIL")
        alarm.text("SUMMARY", summary)
        alarm.text("DESCRIPTION", summary)
        alarm.plain("ATTENDEE", f"mailto:{email}")
    else:  # popup, and email without a known address
        alarm.plain("ACTION", "DISPLAY")
        alarm.text("DESCRIPTION", summary)
    alarm.duration("TRIGGER", -datetime.timedelta(minutes=minutes))


def _conference(item: Dict[str, Any]) -> Optional[Tuple[str, str]]:
    """(uri, label) of the event's video conference: conferenceData's video entry point, else
    hangoutLink."""
    data = item.get("conferenceData")
    if isinstance(data, dict):
        label = None
        solution = data.get("conferenceSolution")
        if isinstance(solution, dict) and isinstance(solution.get("name"), str):
            label = solution["name"]
        for point in data.get("entryPoints") or ():
            if isinstance(point, dict) and point.get("entryPointType") == "video":
                uri = _uri(point.get("uri"))
                if uri:
                    return uri, label or point.get("label") or "Video call"
    uri = _uri(item.get("hangoutLink"))
    return (uri, "Google Meet") if uri else None


# --------------------------------------------------------------------------------------------
# The event


def _stamp(text: Any) -> Optional[datetime.datetime]:
    value = parse_rfc3339(text) if isinstance(text, str) else None
    return value.astimezone(UTC) if value is not None else None


def event_lines(item: Any, source: Optional[Source] = None) -> Optional[VEvent]:
    """The VEVENT for one Event resource as content lines (what the writer writes), or None
    when it has no start to place it by.

    Instances and exceptions (items with `recurringEventId`) get the series' UID and a
    RECURRENCE-ID from `originalStartTime`; masters get their recurrence lines. Cancelled
    exceptions are not VEVENTs: they become EXDATEs of their master (see `add_exdate`).
    """
    event = VEvent()
    return event if _map(item, source or Source(), event) else None


def event_component(item: Any, source: Optional[Source] = None) -> Any:
    """The same VEVENT as `event_lines`, built as an icalendar Event (the reference the
    direct writer is held to, and a component other icalendar code can take)."""
    from icalendar import Event

    event = Event()
    return event if _map(item, source or Source(), _IcalSink(event)) else None


def _map(item: Any, source: Source, sink: Any) -> bool:
    if not isinstance(item, dict):
        return False
    # A series without its own zone repeats in the calendar's (see series_form).
    fallback = source.zone if item.get("recurrence") else None
    start = ical_time(item.get("start"), fallback)
    if start is None:
        return False
    uid = item.get("iCalUID") or (f"{item['id']}@google.com" if item.get("id") else None)
    if not uid:
        return False
    end = ical_time(item.get("end"), fallback)
    sink.text("UID", uid)
    stamp = _stamp(item.get("updated"))
    created = _stamp(item.get("created"))
    sink.time("DTSTAMP", stamp or created or source.now)
    sink.time("DTSTART", start)
    if end is not None and type(end) is type(start) and end >= start:
        sink.time("DTEND", end)
    elif isinstance(start, datetime.date) and not isinstance(start, datetime.datetime):
        sink.time("DTEND", start + datetime.timedelta(days=1))
    original = item.get("originalStartTime")
    if item.get("recurringEventId") and original:
        recurrence_id = ical_time(original)
        if recurrence_id is not None:
            sink.time("RECURRENCE-ID", recurrence_id)
    recurrence = item.get("recurrence")
    if recurrence and isinstance(recurrence, list):
        form = series_form(item, source.zone)
        for line in recurrence:
            prop = _recurrence_property(line, form)
            if prop is not None:
                sink.inline(*prop)
    _add_text(sink, item)
    _add_people(sink, item)
    _add_extras(sink, item, source, created=created, updated=stamp)
    return True


def _add_text(sink: Any, item: Dict[str, Any]) -> None:
    for key, name in (
        ("summary", "SUMMARY"),
        ("description", "DESCRIPTION"),
        ("location", "LOCATION"),
    ):
        value = item.get(key)
        if isinstance(value, str) and value:
            sink.text(name, value)
    url = _uri(item.get("htmlLink"))
    if url:
        sink.plain("URL", url)
    status = _STATUS.get(item.get("status"))
    if status:
        sink.plain("STATUS", status)
    sink.plain("TRANSP", "TRANSPARENT" if item.get("transparency") == "transparent" else "OPAQUE")
    klass = _CLASS.get(item.get("visibility"))
    if klass:
        sink.plain("CLASS", klass)


def _add_people(sink: Any, item: Dict[str, Any]) -> None:
    organizer = _address(item.get("organizer"), attendee=False)
    if organizer is not None:
        sink.plain("ORGANIZER", *organizer)
    attendees = item.get("attendees")
    for person in attendees if isinstance(attendees, list) else ():
        address = _address(person, attendee=True)
        if address is not None:
            sink.plain("ATTENDEE", *address)


def _add_extras(
    sink: Any,
    item: Dict[str, Any],
    source: Source,
    *,
    created: Optional[datetime.datetime],
    updated: Optional[datetime.datetime],
) -> None:
    sequence = item.get("sequence")
    if isinstance(sequence, int) and not isinstance(sequence, bool) and sequence >= 0:
        sink.integer("SEQUENCE", sequence)
    if created is not None:
        sink.time("CREATED", created)
    if updated is not None:
        sink.time("LAST-MODIFIED", updated)
    color = EVENT_COLORS.get(str(item.get("colorId") or ""))
    if color is not None:
        sink.plain("COLOR", color[1])
        sink.plain("X-GOOGLE-COLOR-ID", str(item["colorId"]))
    conference = _conference(item)
    if conference is not None:
        uri, label = conference
        sink.plain("CONFERENCE", uri, {"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": _param(label)})
        sink.plain("X-GOOGLE-CONFERENCE", uri)
    attachments = item.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else ():
        if isinstance(attachment, dict) and _uri(attachment.get("fileUrl")):
            params = {}
            if isinstance(attachment.get("mimeType"), str):
                params["FMTTYPE"] = _param(attachment["mimeType"])
            if isinstance(attachment.get("title"), str):
                params["FILENAME"] = _param(attachment["title"])
            sink.plain("ATTACH", _uri(attachment["fileUrl"]), params)
    reminders = _reminders(item, source)
    if reminders:
        summary = safe_text(item.get("summary") or "Reminder")
        email = _self_email(item)
        for reminder in reminders:
            _alarm(sink, reminder, summary, email)


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
