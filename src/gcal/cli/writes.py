"""The write commands' options: `gcal add`, `quick`, `edit`, `delete`, `rsvp`, `move`, `undo`."""

from __future__ import annotations

import re
import sys
from typing import Any, Callable, Dict, Optional, Tuple

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.runsettings import demo_clock, prepare
from gcal.errors import UsageError

WRITE_EPILOG = (
    "Every change is recorded in the journal first ('gcal undo --list'); 'gcal undo' takes "
    "back the last one. Changing events needs the permission to change them, asked for once "
    "('gcal auth login --write'). " + GLOBAL_EPILOG
)
SEND_UPDATES = {"all": "all", "external": "externalOnly", "none": "none"}


def write_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--send-updates, --dry-run and --time-zone, shared by every write command."""
    for decorator in reversed(
        (
            click.option(
                "--send-updates",
                type=click.Choice(list(SEND_UPDATES)),
                default="none",
                show_default=True,
                help="Who gets an email about the change: all guests, only guests outside "
                "your organisation (external), or nobody (none, the default).",
            ),
            click.option(
                "--dry-run",
                is_flag=True,
                help="Print the exact request (method, URL, If-Match, body) and send no change.",
            ),
            click.option(
                "--time-zone",
                metavar="ZONE",
                help="IANA zone for the times typed and shown (default: config.toml's "
                "time_zone, else the local zone).",
            ),
        )
    ):
        command = decorator(command)
    return command


def event_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """What an event is made of: the options of `add`, and of `edit` as changes."""
    options = (
        click.option("--start", "start", metavar="WHEN", help="When it starts (time grammar)."),
        click.option(
            "--end",
            "end",
            metavar="WHEN",
            help="When it ends (10am alone: on the start's day; all day: the last day).",
        ),
        click.option("--duration", metavar="LENGTH", help="How long: 45m, 1h30m, 2h, 1d."),
        click.option("--all-day", is_flag=True, help="A whole-day event."),
        click.option("--location", metavar="TEXT", help="Where."),
        click.option("--description", metavar="TEXT", help="The event's description."),
        click.option(
            "--attendee",
            "attendees",
            metavar="GUEST",
            multiple=True,
            help="A guest: bob@example.com or 'Bob Smith <bob@example.com>' (the name becomes "
            "their displayName; repeatable; on edit: the whole new guest list).",
        ),
        click.option(
            "--reminder",
            "reminders",
            metavar="WHEN",
            multiple=True,
            help="A reminder before it: 10m, 1h, 1d, email:1d (repeatable).",
        ),
        click.option(
            "--repeat",
            metavar="RULE",
            help="daily, weekly, monthly, yearly, or an RRULE ('FREQ=WEEKLY;BYDAY=MO,WE').",
        ),
        click.option("--until", metavar="DATE", help="The last day a repetition may fall on."),
        click.option("--count", type=click.IntRange(1, 730), help="How many times it repeats."),
        click.option("--meet", is_flag=True, help="Add a Google Meet video call."),
        click.option(
            "--free/--busy", "free", default=None, help="Show the time as free (or busy)."
        ),
        click.option(
            "--visibility",
            type=click.Choice(["default", "public", "private", "confidential"]),
            help="Who sees the details.",
        ),
        # --color is the global option for coloured output, so the event's colour is --color-id
        click.option("--color-id", "color_id", metavar="ID", help="The event's colour id (1-11)."),
    )
    for decorator in reversed(options):
        command = decorator(command)
    return command


def _zone(settings: Any, given: Optional[str]) -> Any:
    from gcal.core.displayzone import resolve_display_zone

    name = given or settings.command_defaults.get("time_zone")
    return resolve_display_zone(name).zone


def _time(text: Optional[str], zone: Any, what: str) -> Any:
    if text is None:
        return None
    if not text.strip():
        raise UsageError(f"{what} must not be empty")
    from gcal.core import timespec

    return timespec.parse_time(text, tz=zone, now=demo_clock())


def _when(text: Optional[str], zone: Any, what: str) -> Any:
    if text is None:
        return None
    if not text.strip():
        raise UsageError(f"{what} must not be empty")
    from gcal.core import timespec

    return timespec.parse_when(text, tz=zone, now=demo_clock())


#: an --end that is a time of day alone (`10am`, `14:30`, `noon`): on the start's day
_BARE_CLOCK = re.compile(
    r"\s*(?:[0-9]{1,2}(?::[0-9]{2}){0,2}|[0-9]{1,2}(?::[0-9]{2})?\s*[ap]\.?m\.?|noon|midnight)\s*",
    re.I | re.ASCII,
)


def _changes(values: Dict[str, Any], zone: Any, *, edit: bool) -> Any:
    from gcal.core import writes as core
    from gcal.core.writevalues import parse_duration, parse_guests, parse_reminder

    all_day = values.get("all_day") or None  # a flag: named, or not
    when = _when(values.get("start"), zone, "--start")
    if all_day and when is not None and when.day is None:
        raise UsageError(
            f"--all-day takes a day, but --start {values.get('start')!r} names a time of day: "
            "give a day (tomorrow, fri, 2026-12-21) or drop --all-day"
        )
    start = when.moment if when is not None else None
    ending = _when(values.get("end"), zone, "--end")
    end = ending.moment if ending is not None else None
    end_clock = None
    if ending is not None and _BARE_CLOCK.fullmatch(values.get("end") or ""):
        end_clock = ending.moment.timetz().replace(tzinfo=None)  # on the start's day
    until = _time(values.get("until"), zone, "--until")
    duration = values.get("duration")
    attendees, names = parse_guests(values.get("attendees") or ())
    added, added_names = parse_guests(values.get("add") or (), "--add-attendee")
    removed, _ = parse_guests(values.get("remove") or (), "--remove-attendee")
    reminders = [parse_reminder(r) for r in values.get("reminders") or ()]
    color = values.get("color_id")
    if color is not None and not (color.isdigit() and 1 <= int(color) <= 11):
        raise UsageError(f"--color-id {color!r} is not a colour id (1 to 11)")
    return core.Changes(
        summary=values.get("title"),
        start=start,
        start_day=when.day if when is not None else None,
        end=end,
        end_day=ending.day if ending is not None else None,
        end_clock=end_clock,
        duration=parse_duration(duration) if duration is not None else None,
        all_day=all_day,
        location=values.get("location"),
        description=values.get("description"),
        attendees=attendees if attendees or not edit else None,
        add_attendees=added,
        remove_attendees=removed,
        guest_names={**names, **added_names},
        reminders=reminders if reminders else None,
        no_reminders=bool(values.get("no_reminders")),
        repeat=values.get("repeat"),
        until=until.date() if until is not None else None,
        count=values.get("count"),
        meet=bool(values.get("meet")),
        free=values.get("free"),
        visibility=values.get("visibility"),
        color=color,
    )


def _common(ctx: click.Context, values: Dict[str, Any]) -> Tuple[Any, Any, Dict[str, Any]]:
    settings = prepare(ctx)
    zone = _zone(settings, values.get("time_zone"))
    common = {
        "zone": zone,
        "dry_run": bool(values.get("dry_run")),
        "send_updates": SEND_UPDATES[values.get("send_updates") or "none"],
    }
    return settings, zone, common


def _calendar_option() -> Callable[[Any], Any]:
    return click.option(
        "-c",
        "--calendar",
        metavar="CALENDAR",
        help="The calendar, by name or id (default: config.toml's default_calendar, else primary).",
    )


@click.command(epilog=WRITE_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.argument("title")
@event_options
@_calendar_option()
@write_options
@global_options
@click.pass_context
def add(ctx: click.Context, title: str, calendar: Optional[str], **values: Any) -> None:
    """Add an event (events.insert).

    Times are read with the time grammar in the display zone and sent with that zone's IANA
    name, so a repeating 09:00 stays 09:00 across daylight-saving changes. Without --end or
    --duration an event lasts an hour (an all-day event, a day). The event gets an id made by
    gcal, so a retry after a lost answer can never add it twice. Guests get no email unless
    --send-updates says so.

    \b
    Examples:
      gcal --demo add Dentist --start 'tomorrow 09:00' --duration 45m --reminder 10m
      gcal --demo add 'Team offsite' --start 2026-12-21 --end 2026-12-22 --all-day
      gcal --demo add Yoga --start 'monday 18:00' --repeat weekly --count 10 --free
      gcal --demo add Review --start '+2d' --attendee bob@example.com --meet --dry-run
      gcal --demo add Review --start '+2d' --attendee 'Bob Smith <bob@example.com>' --dry-run
    """
    settings, zone, common = _common(ctx, values)
    if not title.strip():
        raise UsageError("TITLE must not be empty")
    values["title"] = title
    if values.get("start") is None:
        raise UsageError("--start is needed (e.g. --start 'tomorrow 09:00')")
    changes = _changes(values, zone, edit=False)
    from gcal.commands import writes

    writes.add(settings, calendar, changes, **common)


@click.command(epilog=WRITE_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.argument("text")
@_calendar_option()
@write_options
@global_options
@click.pass_context
def quick(ctx: click.Context, text: str, calendar: Optional[str], **values: Any) -> None:
    """Add an event from a sentence, as Google reads it (events.quickAdd).

    Google picks the title, time and place out of TEXT. quickAdd cannot carry an id of
    gcal's, so after a lost answer it is not sent again (look with 'gcal agenda').

    \b
    Examples:
      gcal --demo quick 'Lunch with Grace tomorrow 12:30 at Café Einstein'
      gcal --demo quick 'Call the bank friday 10am' --format json
    """
    settings, _, common = _common(ctx, values)
    from gcal.commands import writes

    writes.quick(settings, calendar, text, **common)


@click.command(epilog=WRITE_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.argument("calendar_id", metavar="CALENDAR")
@click.argument("event_id")
@click.option("--title", "title", metavar="TEXT", help="A new title.")
@event_options
@click.option(
    "--add-attendee",
    "add",
    metavar="GUEST",
    multiple=True,
    help="Invite a guest: bob@example.com or 'Bob Smith <bob@example.com>' (a guest already "
    "invited keeps their answer and gets the name).",
)
@click.option(
    "--remove-attendee", "remove", metavar="GUEST", multiple=True, help="Uninvite a guest."
)
@click.option("--no-reminders", is_flag=True, help="Remove every reminder.")
@click.option(
    "--following",
    is_flag=True,
    help="With an occurrence's id: change it and every later one (a new series from it).",
)
@write_options
@global_options
@click.pass_context
def edit(ctx: click.Context, calendar_id: str, event_id: str, **values: Any) -> None:
    """Change an event: only what the options name (events.patch).

    An occurrence's id (SERIES_20261208T080000Z, as the agenda shows) changes that
    occurrence; the series id changes every occurrence; --following changes an occurrence and
    every later one (the series ends before it and a new one starts from it, taking the later
    changed or cancelled occurrences along). Moving the start
    keeps the length. The change is sent with If-Match: if the event changed since gcal read
    it, nothing is overwritten (exit 6).

    \b
    Examples:
      gcal --demo edit primary dentist --start 'tomorrow 10:00'
      gcal --demo edit primary dentist --title 'Dentist (Dr. Jones)' --location 'Main St 5'
      gcal --demo edit primary weeklysync --add-attendee grace@example.com
      gcal --demo edit primary weeklysync --add-attendee '"Hopper, Grace" <grace@example.com>'
      gcal --demo edit primary budgetreview --no-reminders --dry-run
    """
    settings, zone, common = _common(ctx, values)
    changes = _changes(values, zone, edit=True)
    from gcal.commands import writes

    writes.edit(
        settings,
        calendar_id,
        event_id,
        changes,
        following=bool(values.get("following")),
        **common,
    )


def _confirm_on_terminal() -> Optional[Callable[[str], bool]]:
    try:
        interactive = sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        interactive = False
    if not interactive:
        return None

    def confirm(text: str) -> bool:
        click.echo(text.rsplit("\n", 1)[0], err=True)
        from gcal.cli.prompts import question

        with question():
            return click.confirm(text.rsplit("\n", 1)[1], default=False, err=True)

    return confirm


@click.command(epilog=WRITE_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.argument("calendar_id", metavar="CALENDAR")
@click.argument("event_ids", metavar="EVENT_ID...", nargs=-1, required=True)
@click.option("--yes", "-y", is_flag=True, help="Delete a series or several events without asking.")
@write_options
@global_options
@click.pass_context
def delete(ctx: click.Context, calendar_id: str, event_ids: Tuple[str, ...], **values: Any) -> None:
    """Delete events (events.delete): an occurrence's id deletes that occurrence, a series id
    the whole series.

    Deleting a series or more than one event asks first on a terminal (showing each title,
    when, and how many occurrences go); answering no deletes nothing and says so ("Nothing
    deleted.", exit 0). Without a terminal it needs --yes (else exit 2): scripts pass --yes.
    'gcal undo' brings them back, a series with its changed occurrences.

    \b
    Examples:
      gcal --demo delete primary dentist
      gcal --demo delete primary weeklysync --yes
      gcal --demo delete primary dentist budgetreview --yes --dry-run
    """
    settings, _, common = _common(ctx, values)
    from gcal.commands import writes

    writes.delete(
        settings,
        calendar_id,
        list(event_ids),
        yes=bool(values.get("yes")),
        confirm=_confirm_on_terminal(),
        **common,
    )


@click.command(epilog=WRITE_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.argument("calendar_id", metavar="CALENDAR")
@click.argument("event_id")
@click.argument("answer", metavar="yes|no|maybe")
@click.option("--comment", metavar="TEXT", help="A note to the organizer with the answer.")
@write_options
@global_options
@click.pass_context
def rsvp(ctx: click.Context, calendar_id: str, event_id: str, answer: str, **values: Any) -> None:
    """Answer an invitation: yes, no or maybe (also accepted, declined, tentative).

    Only your own guest entry is sent (the API's attendeesOmitted form), so no other guest,
    answer or comment is touched. An event you are not invited to is exit 2.

    \b
    Examples:
      gcal --demo rsvp primary allhands yes
      gcal --demo rsvp primary allhands no --comment 'On holiday, sorry'
      gcal --demo rsvp primary allhands maybe --send-updates all --dry-run
    """
    settings, _, common = _common(ctx, values)
    from gcal.commands import writes

    writes.rsvp(settings, calendar_id, event_id, answer, comment=values.get("comment"), **common)


@click.command(epilog=WRITE_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.argument("calendar_id", metavar="CALENDAR")
@click.argument("event_id")
@click.argument("destination", metavar="DEST_CALENDAR")
@write_options
@global_options
@click.pass_context
def move(
    ctx: click.Context, calendar_id: str, event_id: str, destination: str, **values: Any
) -> None:
    """Move an event to another calendar (events.move); it keeps its id.

    \b
    Examples:
      gcal --demo move primary dentist team.engineering@group.calendar.google.com
      gcal --demo move primary budgetreview Engineering --dry-run
    """
    settings, _, common = _common(ctx, values)
    from gcal.commands import writes

    writes.move(settings, calendar_id, event_id, destination, **common)


@click.command(epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.option("--list", "list_only", is_flag=True, help="List the journal instead.")
@write_options
@global_options
@click.pass_context
def undo(ctx: click.Context, list_only: bool, **values: Any) -> None:
    """Undo the last change gcal made, from its journal (or list the journal).

    An added event is deleted, an edit reverted field by field, a deleted event (a series
    with its changed occurrences) brought back as it was, an answer restored, a move moved
    back. The journal keeps the events as they were before each change, so undo works even
    after the store was rebuilt. Each undo is sent with If-Match: if the event changed since
    (in the browser, say), nothing is overwritten (exit 6). Each --demo command starts from
    the sample account afresh, so the demo's journal is that one command's: nothing earlier
    is there to undo.

    \b
    Examples:
      gcal --demo undo --list
      gcal undo --dry-run
      gcal undo
    """
    settings, _, common = _common(ctx, values)
    from gcal.commands import undo as undoing

    undoing.undo(settings, list_only=list_only, **common)
