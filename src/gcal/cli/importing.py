"""`gcal import`: an iCalendar file into a calendar."""

from __future__ import annotations

from typing import Any, Optional

import click

from gcal.cli.options import CONTEXT_SETTINGS, global_options
from gcal.cli.writes import WRITE_EPILOG, _calendar_option, _common, write_options


@click.command("import", epilog=WRITE_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.argument("file", metavar="FILE.ics|-")
@_calendar_option()
@write_options
@global_options
@click.pass_context
def import_(ctx: click.Context, file: str, calendar: Optional[str], **values: Any) -> None:
    """Import the events of an iCalendar file (events.import).

    Every VEVENT is imported: repeating events (RRULE, RDATE, EXDATE), changed or cancelled
    occurrences (RECURRENCE-ID), all-day events, times in any VTIMEZONE. Events are matched by
    their UID: one the calendar already has is updated, not added twice, and importing the
    same file again changes nothing. '-' reads the file from stdin. events.import sends no
    invitations, whatever --send-updates says. A file that is not iCalendar is exit 2; one
    that cannot be read, exit 7.

    \b
    Examples:
      gcal --demo export primary --output backup.ics
      gcal --demo import backup.ics --calendar Engineering --dry-run
      gcal --demo export primary | gcal --demo import - -c Engineering
    """
    settings, _, common = _common(ctx, values)
    from gcal.commands import importing

    importing.import_file(settings, calendar, file, **common)
