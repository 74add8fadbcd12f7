"""`gcal next`: what is on now, or next, in one line (for status bars and prompts)."""

from __future__ import annotations

from typing import Any, Optional, Tuple

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.profiles import all_profiles_option, chosen_profiles
from gcal.cli.profiles import source_for as store_source_for
from gcal.cli.runsettings import demo_clock
from gcal.cli.storeoptions import Duration, check_store_mode, store_options
from gcal.cli.viewoptions import (
    agenda_filter_options,
    agenda_filters,
    calendar_options,
    limit_option,
)


@click.command("next", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--within",
    type=Duration(minimum=1),  # the API ignores fractions of a second: no shorter window
    default="24h",
    show_default=True,
    metavar="DURATION",
    help="Only an event starting within this (30m, 12h, 2d); otherwise print nothing.",
)
@click.option("--all-day", is_flag=True, help="Consider all-day events too (skipped by default).")
@limit_option(
    "The next N events, a line each (--format json: a list), instead of one; the first may "
    "be in progress."
)
@click.option(
    "--template",
    metavar="TEMPLATE",
    help="The text, e.g. '{start:%H:%M} {summary} ({minutes_until}m)'; keys: summary, start, "
    "end, location, calendar, minutes_until, minutes_left, conference_uri.",
)
@calendar_options
@agenda_filter_options
@all_profiles_option
@store_options
@global_options
@click.pass_context
def next_event(
    ctx: click.Context,
    within: float,
    all_day: bool,
    limit: Optional[int],
    template: Optional[str],
    calendar: Tuple[str, ...],
    all_calendars: bool,
    no_declined: bool,
    all_profiles: bool,
    offline: bool,
    cached: bool,
    max_age: float,
    **values: Any,
) -> None:
    """The event in progress, or the next one, across the agenda's calendars (and profiles).

    One line, e.g. '14:00–14:30 Weekly sync (in 25 min)' or '14:00–14:30 Weekly sync (now,
    10 min left)', in the display zone; nothing at all when no event starts within --within.
    All-day events are skipped unless --all-day, declined ones always. --format json prints
    one object with the keys summary, start, end, calendarId, id, location, htmlLink,
    conferenceUri and minutesUntil (0 or less once the event has begun), and nothing at all
    (an empty output, never null) when no event is ahead; with --limit a list ([] for none).
    csv and tsv print those keys as a header, then a row per event (the header alone for none).

    For status bars: --format waybar (one JSON object: text, tooltip with the rest of today,
    class now/soon/later, percentage of the meeting gone), i3blocks (full text, short text,
    colour), polybar and tmux (colour markup); each escapes its own markup characters in the
    event's text. These formats answer from the store, synced first when older than --max-age
    (--cached), unless --offline. --template sets the text (Python format syntax; the keys
    summary, start, end, location, calendar, minutes_until, minutes_left, conference_uri; start
    and end take strftime codes). Nothing is printed, and the exit code is 0, when no event is
    ahead.

    With several profiles (--profile, repeatable, or --all-profiles) the answer is the next
    event of them all, merged as 'gcal agenda' merges them; --offline and --cached read each
    profile's own store.

    \b
    Examples:
      gcal next
      gcal next --offline --within 12h      (a status bar, with 'gcal sync' from cron)
      gcal next --cached --format json
      gcal next -c Work --all-day
      gcal next --limit 3 --within 2d       the next three events in two days
      gcal next --format waybar
      gcal next --format tmux --offline
      gcal next --template '{start:%H:%M} {summary} ({minutes_until}m)'
      gcal next --profile work --profile personal --offline    the next of both accounts
    """
    import datetime

    from gcal.core.displayzone import resolve_display_zone

    del no_declined  # declined events are never "next"
    filters = agenda_filters(values)
    display = resolve_display_zone(filters.get("timeZone"))
    check_store_mode(offline, cached)
    from gcal.core import statusbar
    from gcal.errors import UsageError

    if template is not None:
        problem = statusbar.check_template(template)
        if problem:
            raise UsageError(f"--template: {problem}")
    profiles = chosen_profiles(ctx, all_profiles, offline=offline)
    fmt = profiles[0].format
    if fmt == "ics":  # one line or one object, never a calendar file
        from gcal.render.formats import ics_refusal

        raise UsageError(ics_refusal("next"))
    if template is not None and fmt in ("json", "ndjson", "csv", "tsv"):
        raise UsageError(f"--template sets the text of a line; it does not go with --format {fmt}")
    if fmt in statusbar.FORMATS and limit is not None:
        raise UsageError(f"--format {fmt} shows one event; it does not go with --limit")
    if fmt in statusbar.FORMATS and not offline:
        cached = True  # a status bar asks often: the store answers, synced when stale
    source_for = store_source_for(
        filters, offline=offline, cached=cached, max_age=max_age, several=len(profiles) > 1
    )
    now = demo_clock(ctx) or datetime.datetime.now(datetime.timezone.utc)
    from gcal.commands import upnext

    code = upnext.run(
        profiles,
        display.zone,
        now=now,
        within=within,
        all_day=all_day,
        calendars=calendar,
        all_calendars=all_calendars,
        filters=filters,
        source_for=source_for,
        limit=limit,
        template=template,
    )
    if code:
        ctx.exit(code)
