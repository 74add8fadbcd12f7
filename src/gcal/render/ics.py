"""The iCalendar writer: API list pages in, one VCALENDAR out, one component at a time.

Streaming shapes three choices:

* **VTIMEZONEs when first seen.** The zones a listing uses are known only as its events arrive,
  and a first pass to collect them would mean fetching everything twice or holding it. RFC 5545
  lets a VCALENDAR's components come in any order (``icalbody = calprops component``, with
  ``component = 1*(eventc / todoc / journalc / freebusyc / timezonec / ...)``) and only asks for
  one VTIMEZONE per TZID used (3.6.5); so each VTIMEZONE is written the first time a TZID is
  about to be used, just before the component that uses it. Every VTIMEZONE thus also precedes
  its first use, which keeps single-pass importers happy, and each is written once.
* **Series masters wait for the end.** A master must carry its cancelled exceptions as EXDATEs,
  and the API may list a cancelled exception on any page, before or after its master. Masters
  are therefore held (as built components) and written when the listing ends; everything else
  (single events, modified exceptions, expanded instances) is written as it arrives. Memory
  grows with the number of series, never with the number of events.
* **Lines written directly.** Each VEVENT is written as content lines by
  `gcal.core.icslines.VEvent` (one TEXT escape, one fold at 75 octets), several times faster
  than building and serialising icalendar objects; icalendar still writes the calendar's
  header and each VTIMEZONE (once per zone), and the tests hold every VEVENT to icalendar's
  own serialisation of the same event.
* **Bytes, not text.** iCalendar is UTF-8 with CRLF line ends whatever the terminal's locale
  or the platform's newline convention, so the writer writes encoded bytes to the stream's
  binary buffer when it has one.

`close(complete=False)` still writes the held masters and ``END:VCALENDAR``, so output cut
short by a failure parses (and says on stderr, from the listing, that it is incomplete).
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Set, TextIO, Tuple

from gcal.core import icscalendar, icsevent, icstimes
from gcal.core.icslines import VEvent
from gcal.render.base import Writer, _items

__all__ = ["IcsWriter"]


class IcsWriter(Writer):
    """Writes events or instances as one VCALENDAR.

    `single_calendar` says whether the output holds one calendar, whose name and zone then go
    in X-WR-CALNAME / X-WR-TIMEZONE (taken from the first page, which names its calendar).
    """

    def __init__(self, kind: str, out: TextIO, *, single_calendar: bool = True) -> None:
        super().__init__(kind, out)
        self._out = out
        self._binary = getattr(out, "buffer", None)
        self._single = single_calendar
        self._started = False
        self._zones: Set[str] = set()
        # series id -> (master VEVENT, its form); written at close
        self._masters: Dict[str, Tuple[VEvent, icstimes.SeriesForm]] = {}
        # series id -> originalStartTimes of cancelled exceptions whose master is not seen yet
        self._cancelled: Dict[str, List[Any]] = {}
        self.events_written = 0
        self._now = datetime.datetime.now(datetime.timezone.utc)

    # -- output ------------------------------------------------------------------------------

    def _put(self, data: bytes) -> None:
        if self._binary is not None:
            self._out.flush()
            self._binary.write(data)
        else:
            self._sink.write(data.decode("utf-8"))

    def _flush(self) -> None:
        if self._binary is not None:
            self._binary.flush()
        self._sink.flush()

    def _start(self, response: Any) -> None:
        if self._started:
            return
        self._started = True
        page = response if isinstance(response, dict) else {}
        name = zone = description = None
        if self._single:
            name = page.get("summary") if isinstance(page.get("summary"), str) else None
            zone = page.get("timeZone") if isinstance(page.get("timeZone"), str) else None
            if isinstance(page.get("description"), str):
                description = page["description"]
        self._put(icscalendar.calendar_header(name=name, zone=zone, description=description))

    def _emit(self, component: VEvent, chunks: List[bytes]) -> None:
        """Add one VEVENT to `chunks` (written once a page), preceded by the VTIMEZONE of each
        zone it is the first to use."""
        used = component.all_tzids()
        if used and not used <= self._zones:
            for tzid in sorted(used - self._zones):
                self._zones.add(tzid)
                zone = icscalendar.vtimezone(tzid)
                if zone is not None:
                    chunks.append(zone)
        chunks.append(component.to_ical())
        self.events_written += 1

    # -- pages -------------------------------------------------------------------------------

    def write_page(self, response: dict) -> int:
        self._start(response)
        page = response if isinstance(response, dict) else {}
        zone = page.get("timeZone") if isinstance(page.get("timeZone"), str) else None
        source = icsevent.Source(zone, page.get("defaultReminders") or [], self._now)
        n = 0
        chunks: List[bytes] = []
        for item in _items(response):
            if not isinstance(item, dict):
                continue
            series = item.get("recurringEventId")
            if item.get("status") == "cancelled" and series:
                self._cancel(series, item.get("originalStartTime"))
                continue
            component = icsevent.event_lines(item, source)
            if component is None:
                continue
            if item.get("recurrence") and item.get("id"):
                form = icstimes.series_form(item, zone)
                for original in self._cancelled.pop(item["id"], ()):
                    icstimes.add_exdate(component, original, form)
                self._masters[item["id"]] = (component, form)
            else:
                self._emit(component, chunks)
            n += 1
        if chunks:
            self._put(b"".join(chunks))
        self._flush()
        return n

    def _cancel(self, series: str, original: Any) -> None:
        """A cancelled exception: an EXDATE of its master, now or when the master arrives. One
        whose master never comes (outside the listing's window or filter) has nothing to
        cancel in this output and is left out."""
        held = self._masters.get(series)
        if held is not None:
            icstimes.add_exdate(held[0], original, held[1])
        else:
            self._cancelled.setdefault(series, []).append(original)

    def _finish(self, complete: bool) -> None:
        self._start(None)
        masters, self._masters = self._masters, {}
        chunks: List[bytes] = []
        for component, _form in masters.values():
            self._emit(component, chunks)
        self._cancelled.clear()
        chunks.append(icscalendar.calendar_footer())
        self._put(b"".join(chunks))
        self._flush()

    @property
    def series_held(self) -> int:
        """Masters waiting for the end of the listing (for progress displays)."""
        return len(self._masters)
