"""`gcal show CALENDAR_ID EVENT_ID`: the detail of one event (events.get)."""

from __future__ import annotations

from typing import Any

import click

from gcal.cli.apioptions import api_options, build_request
from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.runsettings import demo_clock, prepare
from gcal.errors import UsageError


@click.command(epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.argument("calendar_id")
@click.argument("event_id")
@api_options("show")
@global_options
@click.pass_context
def show(ctx: click.Context, calendar_id: str, event_id: str, **values: Any) -> None:
    """Show one event in detail (events.get).

    Title, when (in --time-zone, else the local zone; a series' rule in words), where, the
    video link, the calendar, organizer, guests with their answers (yours first), reminders,
    the link to Google Calendar and the description. --format json prints the event exactly
    as received, --format ics as an iCalendar file (to import elsewhere). CALENDAR_ID is an
    id, 'primary' or a calendar's name (as --calendar takes them). EVENT_ID may be an
    instance id (SERIES_20240604T080000Z), as 'gcal agenda --ids' and 'gcal instances' show
    them.

    \b
    Examples:
      gcal show primary weeklysync
      gcal show work@example.com 7k2v0c9l1n3q5s7u9w1y3a5c7e --max-attendees 10
      gcal show primary weeklysync --format json | jq .attendees
      gcal show primary weeklysync --format ics > weeklysync.ics
    """
    for name, value in (("CALENDAR_ID", calendar_id), ("EVENT_ID", event_id)):
        if not value.strip():
            raise UsageError(f"{name} must not be empty")
    from gcal.core.displayzone import resolve_display_zone

    request = {"calendarId": calendar_id, "eventId": event_id, **build_request("show", values)}
    display = resolve_display_zone(request.get("timeZone"))
    settings = prepare(ctx)
    from gcal.commands import show as command
    from gcal.commands.calendars import resolve_calendar

    request["calendarId"] = resolve_calendar(settings, calendar_id)

    command.run(settings, request, zone=display.zone, zone_name=display.name, now=demo_clock(ctx))
