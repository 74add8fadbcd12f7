"""`gcal show CALENDAR_ID EVENT_ID`: one event (events.get), in detail or as received.

json/ndjson print the resource exactly as received (one request). csv/tsv print the agenda's
columns for it, ics one VCALENDAR holding it. The table (the detail view) also reads the
calendar's name and default reminders from the calendar list and, for an instance of a
recurring event, the series (for its rule in words); these two requests run beside each
other, after the event itself, and the view does without them if they fail. An unknown
event is exit 4.
"""

from __future__ import annotations

import contextlib
import datetime
import sys
import threading
from typing import Any, Dict, Optional, TextIO

from gcal import waits
from gcal.settings import Settings

__all__ = ["run"]

_CALENDAR_FIELDS = (
    "items(id,summary,summaryOverride,defaultReminders,primary,accessRole),nextPageToken"
)
_NEXT_FIELDS = "items(id,status,start,end,originalStartTime)"


def run(
    settings: Settings,
    request: Dict[str, Any],
    *,
    zone: Any,
    zone_name: Optional[str],
    out: Optional[TextIO] = None,
    now: Optional[datetime.datetime] = None,
) -> Dict[str, Any]:
    """Fetch and print one event; return the resource. `now` (default: the clock) is when
    a series' next occurrence is looked for."""
    from gcal.google import api
    from gcal.render.formats import default_format
    from gcal.render.terminal import color_enabled, hyperlinks_enabled, isatty, terminal_width

    out = out or sys.stdout
    fmt = settings.format or default_format(isatty(out))
    client = api.connect(settings)
    event = api.execute(client, "show", request)
    if fmt in ("json", "ndjson"):
        from gcal.core.sanitize import json_text

        text = json_text(event, terminal=isatty(out), indent=2 if fmt == "json" else None)
        out.write(text + "\n")
        out.flush()
        return event
    calendar = {"id": request["calendarId"]}
    if fmt == "ics":  # the event as an iCalendar file, as 'gcal events --format ics' writes it
        from gcal.render.ics import IcsWriter

        writer = IcsWriter("events", out, single_calendar=False)
        writer.write_page({"items": [event]})
        writer.close()
        return event
    if fmt in ("csv", "tsv"):  # the agenda's row: the calendar's real id and name
        entry = _calendar_entry(client, request["calendarId"])
        _write_row(out, fmt, entry, event, settings.csv_raw)
        return event
    now = now or datetime.datetime.now(datetime.timezone.utc)
    calendar, series, upcoming = _context(client, request, event, now)
    from gcal.render.detail import detail_lines, write_detail

    lines = detail_lines(event, zone, calendar=calendar, series=series, upcoming=upcoming)
    write_detail(
        out,
        lines,
        event,
        zone_name=zone_name,
        color=color_enabled(out),
        width=terminal_width(out),
        hyperlinks=hyperlinks_enabled(out),
    )
    return event


def _write_row(
    out: TextIO, fmt: str, calendar: Dict[str, Any], event: Dict[str, Any], csv_raw: bool = False
) -> None:
    import io

    from gcal.render.agenda import AGENDA_COLUMNS, agenda_row
    from gcal.render.formats import RowWriter, _isatty

    buffer = io.StringIO()
    writer = RowWriter(buffer, fmt, raw=csv_raw, terminal=_isatty(out))
    writer.writerow(AGENDA_COLUMNS)
    writer.writerow(agenda_row(calendar, event))
    out.write(buffer.getvalue())
    out.flush()


def _context(
    client: Any, request: Dict[str, Any], event: Dict[str, Any], now: datetime.datetime
) -> tuple:
    """(calendar-list entry, series, next occurrence) for the detail view, fetched side by
    side; each falls back to what is known when its request fails (the event itself is what
    was asked for). The series (of an instance) gives its rule and, for a cancelled instance,
    its title; the next occurrence (of a series) is the first instance not over at `now`."""
    from gcal.errors import GcalError
    from gcal.google import api

    calendar_id = request["calendarId"]
    found: Dict[str, Any] = {"calendar": {"id": calendar_id}, "series": None, "next": None}

    def read_calendar() -> None:
        with contextlib.suppress(GcalError):
            found["calendar"] = _calendar_entry(api.worker_client(client), calendar_id)

    thread = threading.Thread(target=read_calendar, name="gcal-show-calendar", daemon=True)
    thread.start()
    series_id = event.get("recurringEventId")
    if series_id:
        with contextlib.suppress(GcalError):
            found["series"] = api.execute(
                client,
                "show",
                {"calendarId": calendar_id, "eventId": series_id, "fields": "recurrence,summary"},
            )
    elif isinstance(event.get("recurrence"), list) and event.get("id"):
        when = now.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        with contextlib.suppress(GcalError):
            page = api.execute(
                client,
                "instances",
                {
                    "calendarId": calendar_id,
                    "eventId": event["id"],
                    "timeMin": when,
                    "maxResults": 5,
                    "fields": _NEXT_FIELDS,
                },
            )
            items = page.get("items") if isinstance(page, dict) else None
            found["next"] = next(
                (
                    item
                    for item in items or []
                    if isinstance(item, dict) and item.get("status") != "cancelled"
                ),
                None,
            )
    waits.join(thread)
    return found["calendar"], found["series"], found["next"]


def _calendar_entry(client: Any, calendar_id: str) -> Dict[str, Any]:
    """The calendar-list entry of `calendar_id` ('primary' too), for its real id, name and
    default reminders; just the id as given when the list cannot be read or lacks it."""
    from gcal.errors import GcalError
    from gcal.google import api

    found: Dict[str, Any] = {"id": calendar_id}
    try:
        req = {"showHidden": True, "fields": _CALENDAR_FIELDS}
        for page in api.iter_pages(client, "calendars", req):
            for entry in page.get("items") or []:
                if isinstance(entry, dict) and (
                    entry.get("id") == calendar_id
                    or (calendar_id == "primary" and entry.get("primary"))
                ):
                    found = entry
    except GcalError:
        pass
    return found
