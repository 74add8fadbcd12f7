"""`gcal search`, `gcal conflicts` and `gcal changes`: finding things in the calendars."""

from __future__ import annotations

from typing import Any, Optional, Tuple

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.profiles import all_profiles_option, chosen_profiles
from gcal.cli.runsettings import demo_clock
from gcal.cli.storeoptions import check_store_mode, store_options
from gcal.cli.viewoptions import SignedArgsCommand, calendar_options, limit_option, zone_option

SEARCH_EPILOG = (
    "TEXT: words (each must occur; case and accents do not matter, 'cafe' finds 'Café'), "
    'word* (a prefix), "a phrase", title:, where:, who:, desc:, cal: before a word or phrase '
    "(only that field), -word (must not occur), OR between two groups of words (AND is the "
    "default and may be written). Chinese, Japanese and Korean text is found without spaces "
    "('週會' finds 'Weekly standup 週會'). START and END take the time grammar of the other "
    "commands (END includes a whole day when it names one); without them, all the stored time."
)


def _now(ctx: click.Context) -> Any:
    import datetime

    return demo_clock(ctx) or datetime.datetime.now(datetime.timezone.utc)


class _SearchCommand(SignedArgsCommand):
    """`gcal search standup -daily`: a word to leave out, typed outside the quoted TEXT, is
    read as an option; say how to write it rather than only "No such option '-d'"."""

    def parse_args(self, ctx: click.Context, args: list) -> list:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            word = next((a for a in args if a[:1] == "-" and a[1:2].isalpha() and len(a) > 2), None)
            if word is None or word.startswith("--") or word[:2] != exc.option_name[:2]:
                raise
            exc.message = (
                f"No such option '{word}'; to leave out a word, put it inside the quoted "
                f"TEXT: gcal search 'standup {word}'"
            )
            raise


@click.command(
    cls=_SearchCommand,
    epilog=f"{SEARCH_EPILOG}\n\n{GLOBAL_EPILOG}",
    context_settings=CONTEXT_SETTINGS,
)
@click.argument("text")
@click.argument("start", required=False)
@click.argument("end", required=False)
@click.option(
    "--order",
    type=click.Choice(["rank", "start"]),
    default="rank",
    show_default=True,
    help="Best match first (bm25: a word in the title counts most), or by start time.",
)
@click.option(
    "--instances",
    is_flag=True,
    help="Each matching occurrence of a series in the window (default: a series is one hit, "
    "at its next occurrence). Without END, up to a year ahead.",
)
@limit_option("Show the first N hits (default: 100).")
@click.option("--all", "show_all", is_flag=True, help="Show every hit (no --limit).")
@zone_option
@calendar_options
@all_profiles_option
@store_options
@global_options
@click.pass_context
def search(
    ctx: click.Context,
    text: str,
    start: Optional[str],
    end: Optional[str],
    order: str,
    instances: bool,
    limit: Optional[int],
    show_all: bool,
    calendar: Tuple[str, ...],
    all_calendars: bool,
    all_profiles: bool,
    offline: bool,
    cached: bool,
    max_age: float,
    **values: Any,
) -> None:
    """Find events by their words: full-text search over the local store.

    Searches the title, place, description, attendees' and organizer's names and e-mails and
    the calendar's name of every synced event ('gcal sync' keeps the index current; so do
    gcal's own changes). A series is one hit, shown at its next occurrence. The first 100
    hits are shown (--limit N, --all; stderr says how many more match). The table shows
    the best matches first, the matched words in bold on a terminal; json/ndjson print each
    event as stored plus "calendarId" and "rank" (1 is the best match); csv/tsv have the
    columns calendar_id,start,end,all_day,summary,location,id,rank.

    Before the first 'gcal sync' there is no store: the Calendar API's own search answers
    instead (a year either side of today unless START/END say otherwise), and a line on
    stderr says so. --offline never uses the network; --cached syncs first what is older than
    --max-age.

    \b
    Examples:
      gcal search review                       every event with the word review
      gcal search 'rev*' --order start         words starting with rev, by time
      gcal search '"budget review"'            a phrase
      gcal search 'title:standup -daily'       standup in the title, not daily
      gcal search 'who:ada OR who:grace'       with Ada or with Grace
      gcal search cafe                         finds Café too
      gcal search review 2026-01-01 2026-03-31   only in that window
      gcal search sync --instances today +30d  each occurrence in the next 30 days
      gcal search review --all --format json --offline
    """
    from gcal.commands import search as command
    from gcal.core.displayzone import resolve_display_zone

    check_store_mode(offline, cached)
    if show_all and limit is not None:
        from gcal.errors import UsageError

        raise UsageError("--all shows every hit; it does not go with --limit")
    if not show_all and limit is None:
        limit = command.DEFAULT_LIMIT
    query_check = command.parse_query(text)  # a bad query fails before anything is opened
    del query_check
    profiles = chosen_profiles(ctx, all_profiles, offline=offline)
    settings = profiles[0]
    zone_text = values.get("time_zone") or settings.command_defaults.get("time_zone")
    display = resolve_display_zone(zone_text)
    now = _now(ctx)
    window = command.window_of(start, end, display.zone, now)
    code = command.run(
        profiles,
        text,
        window,
        display.zone,
        now=now,
        calendars=calendar,
        all_calendars=all_calendars,
        order=order,
        instances=instances,
        offline=offline,
        cached=cached,
        max_age=max_age,
        limit=limit,
    )
    if code:
        ctx.exit(code)


@click.command(
    cls=SignedArgsCommand,
    epilog=GLOBAL_EPILOG,
    context_settings=CONTEXT_SETTINGS,
)
@click.argument("start", required=False)
@click.argument("end", required=False)
@click.option(
    "--days",
    "-d",
    type=click.IntRange(min=1, max=3660),
    metavar="N",
    help="Length of the window in days when END is not given (default: 14).",
)
@click.option("--all-day", is_flag=True, help="Count all-day events too (left out by default).")
@click.option("--fail", is_flag=True, help="Exit 1 when there is a conflict (for scripts).")
@zone_option
@calendar_options
@all_profiles_option
@store_options
@global_options
@click.pass_context
def conflicts(
    ctx: click.Context,
    start: Optional[str],
    end: Optional[str],
    days: Optional[int],
    all_day: bool,
    fail: bool,
    calendar: Tuple[str, ...],
    all_calendars: bool,
    all_profiles: bool,
    offline: bool,
    cached: bool,
    max_age: float,
    **values: Any,
) -> None:
    """Am I double-booked? Groups of overlapping busy events, across calendars and profiles.

    An event is busy unless it is cancelled, shown as available (transparent), declined by
    you, a working location or a birthday; all-day events count only with --all-day.
    Back-to-back events (one ends as the next starts) do not conflict. The same meeting seen
    on two calendars or in two accounts (same iCalUID and start) is one event. Without
    --calendar or --all-calendars, the agenda's calendars that are yours (owner or writer)
    count. The window is START to END (the time grammar; default: today and the next 13
    days).

    Each group shows the time where its events overlap, then each event. json prints a list of
    groups, ndjson one a line, each {"start", "end" (of the overlap), "events": [{"calendarId",
    "id", "summary", "start", "end"}]}; csv/tsv one row per event of a group. The exit code
    is 0 whether or not there are conflicts; --fail makes it 1 when there is one.

    \b
    Examples:
      gcal conflicts                      the next 14 days
      gcal conflicts monday friday        next week's working days
      gcal conflicts --days 30 --all-day
      gcal conflicts --all-profiles       work and personal together
      gcal conflicts --format ndjson      one group a line
      gcal conflicts --offline            from the local store
    """
    from gcal.cli.profiles import source_for as store_source_for
    from gcal.commands import conflicts as command
    from gcal.core.displayzone import resolve_display_zone
    from gcal.core.span import resolve_span

    check_store_mode(offline, cached)
    profiles = chosen_profiles(ctx, all_profiles, offline=offline)
    settings = profiles[0]
    zone_text = values.get("time_zone") or settings.command_defaults.get("time_zone")
    display = resolve_display_zone(zone_text)
    span = resolve_span(
        start, end, days if end is None else None, display.zone, now=demo_clock(ctx)
    )
    if end is None and days is None:
        span = resolve_span(start, None, command.DEFAULT_DAYS, display.zone, now=demo_clock(ctx))
    source_for = store_source_for(
        {}, offline=offline, cached=cached, max_age=max_age, several=len(profiles) > 1
    )
    code = command.run(
        profiles,
        span,
        display.zone,
        all_day=all_day,
        calendars=calendar,
        all_calendars=all_calendars,
        source_for=source_for,
        fail=fail,
    )
    if code:
        ctx.exit(code)


@click.command(epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--since",
    metavar="WHEN",
    help="From this long ago (30m, 12h, 7d) or this time (yesterday, 2026-12-01; monday: the "
    "last one); default: 1d. A time still to come is refused (exit 2).",
)
@zone_option
@click.option(
    "--calendar",
    "-c",
    "calendar",
    multiple=True,
    metavar="CALENDAR",
    help="Only this calendar, by id ('primary' too) or by name; repeat for several "
    "(default: every synced calendar).",
)
@all_profiles_option
@store_options
@global_options
@click.pass_context
def changes(
    ctx: click.Context,
    since: Optional[str],
    calendar: Tuple[str, ...],
    all_profiles: bool,
    offline: bool,
    cached: bool,
    max_age: float,
    **values: Any,
) -> None:
    """What changed in your calendars: added, moved, renamed, cancelled, from the store.

    Every 'gcal sync' records what it brings into the store (a calendar's first sync is no
    change); so do gcal's own changes (add, edit, delete, ...: marked "by gcal"). This lists
    those records since --since, oldest first, grouped by the day they were seen: "moved from
    Tue 10:00 to Wed 14:00", "renamed from 'Budget review'", "cancelled", "added". History
    older than 'gcal sync --keep' (config.toml's history_keep, default 90 days) is forgotten.
    Reading it needs no network; --cached syncs first what is older than --max-age.

    json prints a list and ndjson one object a line: "change" (added, changed, removed),
    "calendarId", "id", "seenAt", "before" and "after" (the event's summary, location,
    start and end, null when it did not exist), "kinds" (added, cancelled, moved, renamed,
    relocated, changed) and "byGcal". csv/tsv have the columns
    seen_at,change,kinds,calendar_id,id,summary,before_start,after_start,by_gcal.

    \b
    Examples:
      gcal changes                       the last day
      gcal changes --since 7d
      gcal changes --since monday --format json
      gcal changes --cached              sync first, then what it brought
      gcal changes -c Work --since 12h
    """
    from gcal.commands import changes as command
    from gcal.core.displayzone import resolve_display_zone

    check_store_mode(offline, cached)
    profiles = chosen_profiles(ctx, all_profiles, offline=not cached)
    settings = profiles[0]
    zone_text = values.get("time_zone") or settings.command_defaults.get("time_zone")
    display = resolve_display_zone(zone_text)
    now = _now(ctx)
    start = command.since_of(since, display.zone, now)
    code = command.run(
        profiles,
        start,
        display.zone,
        now=now,
        calendars=calendar,
        cached=cached,
        max_age=max_age,
    )
    if code:
        ctx.exit(code)
