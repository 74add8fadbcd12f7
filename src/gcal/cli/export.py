"""`gcal export`: whole calendars as iCalendar files."""

from __future__ import annotations

from typing import Optional

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.runsettings import prepare
from gcal.errors import UsageError


@click.command(epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.argument("calendar_id", required=False)
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    help="Write to FILE (atomically: a failed export leaves FILE as it was) instead of stdout.",
)
@click.option(
    "--all-calendars",
    is_flag=True,
    help="Export every calendar on your calendar list, hidden ones too (needs --output-dir).",
)
@click.option(
    "--output-dir",
    metavar="DIR",
    help="With --all-calendars: the folder for the files, one CALENDAR_ID.ics each (unsafe "
    "characters replaced, plus a short hash when any were).",
)
@global_options
@click.pass_context
def export(
    ctx: click.Context,
    calendar_id: Optional[str],
    output: Optional[str],
    all_calendars: bool,
    output_dir: Optional[str],
) -> None:
    """Export calendars as iCalendar (RFC 5545) files.

    Exports CALENDAR_ID (an id, 'primary' or a calendar's name, as --calendar takes them)
    whole, series unexpanded (RRULE, RDATE, EXDATE, exceptions with RECURRENCE-ID, cancelled
    occurrences as EXDATEs), with a VTIMEZONE for each time zone
    used, attendees, reminders as alarms, and the conference link. Khal, Thunderbird, Apple
    Calendar, Outlook and the icalendar library read it. On a terminal, progress is shown on
    stderr. For a part of a calendar, use 'gcal events CALENDAR_ID --format ics' with
    its filters.

    \b
    Examples:
      gcal export primary --output calendar.ics
      gcal export primary > calendar.ics
      gcal export --all-calendars --output-dir backup/
    """
    if all_calendars:
        if calendar_id:
            raise UsageError("give a CALENDAR_ID or --all-calendars, not both")
        if output:
            raise UsageError("--all-calendars writes one file per calendar: use --output-dir")
        if not output_dir:
            raise UsageError("--all-calendars needs --output-dir DIR")
    else:
        if output_dir:
            raise UsageError("--output-dir goes with --all-calendars; for one calendar: --output")
        if not calendar_id or not calendar_id.strip():
            raise UsageError("give a CALENDAR_ID (e.g. primary) or --all-calendars")
    _refuse_other_formats(ctx)
    settings = prepare(ctx)
    from gcal.commands import export as export_command

    if all_calendars:
        export_command.export_all(settings, str(output_dir))
    else:
        from gcal.commands.calendars import resolve_calendar

        export_command.export(settings, resolve_calendar(settings, str(calendar_id)), output)


def _refuse_other_formats(ctx: click.Context) -> None:
    """`gcal export --format json` typed on the command line would silently write iCalendar:
    say where that format is. A format from the environment or config.toml is a default for
    every command, and export simply has only one."""
    from gcal.cli.runsettings import state_of
    from gcal.config import COMMAND_LINE

    state = state_of(ctx)
    fmt = state.values.get("format")
    if fmt and fmt != "ics" and state.sources.get("format", COMMAND_LINE) == COMMAND_LINE:
        raise UsageError(
            f"gcal export writes iCalendar only; for --format {fmt} list the events with "
            f"'gcal events CALENDAR_ID --format {fmt}'"
        )
