"""Calendar API events as iCalendar (RFC 5545) components: pure mapping, no I/O.

One Event resource becomes one VEVENT. The mapping (`_map`) is written once against a small
builder interface with two implementations (`gcal.core.icslines`): `VEvent` writes the content
lines directly (one TEXT escape, `escape_text`; one fold at 75 octets that never splits a UTF-8
character, `fold`: `gcal.core.icstext`), which is what the writer uses, about ten times faster
than icalendar objects; and an icalendar Event (`event_component`), icalendar's own
serialisation of the same mapping, which the tests hold the direct lines to
(tests/test_ics_writer_oracle.py). icalendar still writes the calendar header and the
VTIMEZONEs (`gcal.core.icscalendar`); the zone each time is written in, and the recurrence
lines, are `gcal.core.icstimes`. The mapping:

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
from typing import Any, Dict, List, Optional, Tuple

from gcal.core.icslines import UTC, IcalSink, VEvent
from gcal.core.icstext import param as _param
from gcal.core.icstext import safe_text
from gcal.core.icstext import uri as _uri
from gcal.core.icstimes import ical_time, recurrence_property, series_form
from gcal.core.timespec import parse_rfc3339

__all__ = ["EVENT_COLORS", "Source", "event_component", "event_lines"]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)

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
    return event if _map(item, source or Source(), IcalSink(event)) else None


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
            prop = recurrence_property(line, form)
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
