"""Calendar API events as iCalendar (RFC 5545) components: pure mapping, no I/O.

One Event resource becomes one VEVENT, built with the `icalendar` library so that escaping,
RFC 6868 parameter quoting and folding at 75 octets are the library's, not ours. The mapping:

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


def _zone(name: Any) -> Optional[datetime.tzinfo]:
    """The zone to write a TZID for, or None when UTC must do (no name, or no VTIMEZONE)."""
    zone = display_zone(name)
    key = getattr(zone, "key", None)
    if zone is None or not key or vtimezone(key) is None:
        return None
    return zone


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
    master's EXDATEs, in the master's own form (RFC 5545: EXDATE has DTSTART's value type)."""
    value = ical_time(original_start)
    if value is None:
        return False
    if form.all_day:
        value = value.date() if isinstance(value, datetime.datetime) else value
    elif isinstance(value, datetime.datetime):
        value = value.astimezone(form.zone or UTC)
    else:
        return False
    component.add("exdate", [value])
    return True


# --------------------------------------------------------------------------------------------
# Recurrence lines


def _split_line(line: str) -> Optional[Tuple[str, Dict[str, str], str]]:
    from icalendar.parser import Contentline

    if not isinstance(line, str) or _CONTROL.search(line) or "\n" in line or "\r" in line:
        return None
    try:
        name, params, value = Contentline(line).parts()
    except Exception:
        return None
    return name.upper(), {k.upper(): str(v) for k, v in params.items()}, value


def _recurrence_property(line: str, form: SeriesForm) -> Optional[Tuple[str, Any]]:
    """(name, value) for one line of the API's `recurrence`, or None for a line that is not a
    well-formed RRULE/EXRULE/RDATE/EXDATE (written nowhere rather than corrupting the file)."""
    from icalendar.prop import vInline, vRecur

    parts = _split_line(line)
    if parts is None:
        return None
    name, params, value = parts
    if name in ("RRULE", "EXRULE"):
        try:
            vRecur.from_ical(value)
        except Exception:
            return None
        return name, vInline(value)  # as the API gives it, once known to parse
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
    floating = kind != "DATE" and not any(v.endswith("Z") for v in values)
    if floating and (tzid is None or _zone(tzid) is None):
        # The API reads a date-time without a (known) zone in the series' zone: say so, since
        # an importer would otherwise take it as floating and miss the occurrence.
        tzid = getattr(form.zone, "key", None)
        if tzid is None and not form.all_day:
            values = [v + "Z" for v in values]  # the series itself is written in UTC
    if tzid and floating:
        out["TZID"] = getattr(_zone(tzid), "key", tzid)
    inline = vInline(",".join(values))
    inline.params.update(out)  # (icalendar 6 has no params argument)
    return name, inline


# --------------------------------------------------------------------------------------------
# People, alarms, conferences


def _address(person: Any, *, attendee: bool) -> Any:
    from icalendar import vCalAddress

    if not isinstance(person, dict):
        return None
    email = _uri(person.get("email"))
    if not email:
        return None
    address = vCalAddress(f"mailto:{email}")
    if person.get("displayName"):
        address.params["CN"] = _param(person["displayName"])
    if attendee:
        status = _PARTSTAT.get(person.get("responseStatus"))
        if status:
            address.params["PARTSTAT"] = status
        if person.get("organizer"):
            address.params["ROLE"] = "CHAIR"
        else:
            address.params["ROLE"] = (
                "OPT-PARTICIPANT" if person.get("optional") else ("REQ-PARTICIPANT")
            )
        address.params["CUTYPE"] = "RESOURCE" if person.get("resource") else "INDIVIDUAL"
        if status == "NEEDS-ACTION":
            address.params["RSVP"] = "TRUE"
        guests = person.get("additionalGuests")
        if isinstance(guests, int) and not isinstance(guests, bool) and guests > 0:
            address.params["X-NUM-GUESTS"] = str(guests)
    return address


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


def _alarm(reminder: Dict[str, Any], summary: str, email: Optional[str]) -> Any:
    from icalendar import Alarm, vCalAddress

    minutes = reminder.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
        return None
    alarm = Alarm()
    if reminder.get("method") == "email" and email:
        alarm.add("action", "EMAIL")
        alarm.add("summary", text_value(summary))
        alarm.add("description", text_value(summary))
        alarm.add("attendee", vCalAddress(f"mailto:{email}"))
    else:  # popup, and email without a known address
        alarm.add("action", "DISPLAY")
        alarm.add("description", text_value(summary))
    alarm.add("trigger", -datetime.timedelta(minutes=minutes))
    return alarm


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


def event_component(item: Any, source: Optional[Source] = None) -> Any:
    """The VEVENT for one Event resource, or None when it has no start to place it by.

    Instances and exceptions (items with `recurringEventId`) get the series' UID and a
    RECURRENCE-ID from `originalStartTime`; masters get their recurrence lines. Cancelled
    exceptions are not VEVENTs: they become EXDATEs of their master (see `add_exdate`).
    """
    from icalendar import Event

    source = source or Source()
    if not isinstance(item, dict):
        return None
    # A series without its own zone repeats in the calendar's (see series_form).
    fallback = source.zone if item.get("recurrence") else None
    start = ical_time(item.get("start"), fallback)
    if start is None:
        return None
    end = ical_time(item.get("end"), fallback)
    uid = item.get("iCalUID") or (f"{item['id']}@google.com" if item.get("id") else None)
    if not uid:
        return None
    event = Event()
    event.add("uid", safe_text(uid))
    stamp = _stamp(item.get("updated"))
    event.add("dtstamp", stamp or _stamp(item.get("created")) or source.now)
    event.add("dtstart", start)
    if end is not None and type(end) is type(start) and end >= start:
        event.add("dtend", end)
    elif isinstance(start, datetime.date) and not isinstance(start, datetime.datetime):
        event.add("dtend", start + datetime.timedelta(days=1))
    original = item.get("originalStartTime")
    if item.get("recurringEventId") and original:
        recurrence_id = ical_time(original)
        if recurrence_id is not None:
            event.add("recurrence-id", recurrence_id)
    form = series_form(item, source.zone)
    for line in item.get("recurrence") or ():
        prop = _recurrence_property(line, form)
        if prop is not None:
            event.add(prop[0], prop[1])
    _add_text(event, item)
    _add_people(event, item)
    _add_extras(event, item, source, created=_stamp(item.get("created")), updated=stamp)
    return event


def _add_text(event: Any, item: Dict[str, Any]) -> None:
    for key in ("summary", "description", "location"):
        value = item.get(key)
        if isinstance(value, str) and value:
            event.add(key, text_value(value))
    url = _uri(item.get("htmlLink"))
    if url:
        event.add("url", url)
    status = _STATUS.get(item.get("status"))
    if status:
        event.add("status", status)
    event.add("transp", "TRANSPARENT" if item.get("transparency") == "transparent" else "OPAQUE")
    klass = _CLASS.get(item.get("visibility"))
    if klass:
        event.add("class", klass)


def _add_people(event: Any, item: Dict[str, Any]) -> None:
    organizer = _address(item.get("organizer"), attendee=False)
    if organizer is not None:
        event.add("organizer", organizer)
    for person in item.get("attendees") or ():
        address = _address(person, attendee=True)
        if address is not None:
            event.add("attendee", address)


def _add_extras(
    event: Any,
    item: Dict[str, Any],
    source: Source,
    *,
    created: Optional[datetime.datetime],
    updated: Optional[datetime.datetime],
) -> None:
    sequence = item.get("sequence")
    if isinstance(sequence, int) and not isinstance(sequence, bool) and sequence >= 0:
        event.add("sequence", sequence)
    if created is not None:
        event.add("created", created)
    if updated is not None:
        event.add("last-modified", updated)
    color = EVENT_COLORS.get(str(item.get("colorId") or ""))
    if color is not None:
        event.add("color", color[1])
        event.add("x-google-color-id", str(item["colorId"]))
    conference = _conference(item)
    if conference is not None:
        uri, label = conference
        params = {"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": _param(label)}
        event.add("conference", uri, parameters=params)
        event.add("x-google-conference", uri)
    for attachment in item.get("attachments") or ():
        if isinstance(attachment, dict) and _uri(attachment.get("fileUrl")):
            params = {}
            if isinstance(attachment.get("mimeType"), str):
                params["FMTTYPE"] = _param(attachment["mimeType"])
            if isinstance(attachment.get("title"), str):
                params["FILENAME"] = _param(attachment["title"])
            event.add("attach", _uri(attachment["fileUrl"]), parameters=params)
    summary = safe_text(item.get("summary") or "Reminder")
    email = _self_email(item)
    for reminder in _reminders(item, source):
        alarm = _alarm(reminder, summary, email)
        if alarm is not None:
            event.add_component(alarm)


def tzids(component: Any) -> Set[str]:
    """The TZID parameters a component (and its subcomponents) uses."""
    found: Set[str] = set()
    for part in component.walk():
        for value in part.values():
            for one in value if isinstance(value, list) else (value,):
                params = getattr(one, "params", None)
                if params and params.get("TZID"):
                    found.add(str(params["TZID"]))
    return found
