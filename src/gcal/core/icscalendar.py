"""The calendar around the events: the VCALENDAR header and footer (`calendar_header`,
`calendar_footer`) and the VTIMEZONE of each zone the events use (`vtimezone`), all written by
icalendar.

Separate from the events' own lines (`gcal.core.icsevent`) because these are written once per
file, by the library, and the events are written between them as they stream.
"""

from __future__ import annotations

import datetime
import functools
from typing import Optional

from gcal import __version__
from gcal.core.eventtime import display_zone
from gcal.core.icstext import safe_text, text_value

PRODID = f"-//gcal//gcal {__version__}//EN"

# VTIMEZONEs cover these years: the tz database's transitions before 1970 are less certain,
# and icalendar's default end (2038) would misplace summer events of later years for
# importers that read only the VTIMEZONE. About 4.5 KB per zone with daylight saving time.
ZONE_FIRST = datetime.date(1970, 1, 1)
ZONE_LAST = datetime.date(2100, 1, 1)


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
