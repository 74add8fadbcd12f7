"""`gcal sync`: keep the local store current (see gcal.store)."""

from __future__ import annotations

from typing import Any, Tuple

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.runsettings import prepare
from gcal.cli.storeoptions import Duration
from gcal.cli.viewoptions import calendar_options
from gcal.errors import UsageError


@click.command(epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@calendar_options
@click.option("--quiet", "-q", is_flag=True, help="No summary lines on stderr.")
@click.option(
    "--status",
    "show_status",
    is_flag=True,
    help="Show the store: its path and size, each calendar's last sync and event count "
    "(--format json or ndjson: as data, with each calendar's age in seconds).",
)
@click.option("--rebuild", is_flag=True, help="Forget everything stored and sync afresh.")
@click.option(
    "--keep",
    type=Duration(minimum=1),
    metavar="DURATION",
    help="Forget the change history ('gcal changes') older than this (e.g. 30d; default: "
    "config.toml's history_keep days, else 90d).",
)
@click.option(
    "--all-profiles",
    is_flag=True,
    default=False,
    help="Sync every logged-in profile, each into its own store (see also --profile).",
)
@global_options
@click.pass_context
def sync(
    ctx: click.Context,
    calendar: Tuple[str, ...],
    all_calendars: bool,
    quiet: bool,
    show_status: bool,
    rebuild: bool,
    keep: Any,
    all_profiles: bool,
    **_: Any,
) -> None:
    """Copy your calendars into the local store, then keep it current cheaply.

    The first sync of a calendar lists all its events; later ones ask only for what changed
    since (one request per calendar when nothing did). Answers from the store then take
    milliseconds: 'gcal agenda --offline', 'gcal next --cached'. The store lives in
    $GCAL_CACHE_DIR or the user cache folder (see --status).

    Several profiles (--profile repeated, or --all-profiles) sync at once, each into its own
    store; each line names its profile. --calendar chooses the same calendars in each profile
    (a name a profile does not know is that profile's error). A profile that fails is named
    and the others still sync; the exit code is the worst failure's.

    \b
    Examples:
      gcal sync
      gcal sync --calendar primary --calendar Work   (by id or by name)
      gcal sync --all-calendars --quiet      (e.g. from cron)
      gcal sync --status
      gcal sync --status --format ndjson     one object a calendar: events, syncedAt, ageSeconds
      gcal sync --rebuild
      gcal sync --keep 30d                   the change history of 30 days ('gcal changes')
      gcal sync --profile work --profile personal    two accounts, each into its store
      gcal sync --all-profiles --quiet       every logged-in account (e.g. from cron)
      gcal sync --all-profiles --status
    """
    import sys

    from gcal.cli.profiles import chosen_profiles
    from gcal.commands import sync as command

    if calendar and all_calendars:
        raise UsageError("--all-calendars cannot be combined with --calendar")
    if show_status and (rebuild or calendar or all_calendars):
        given = "--rebuild" if rebuild else "--calendar" if calendar else "--all-calendars"
        raise UsageError(f"--status only shows the store; it cannot be combined with {given}")
    prepare(ctx, several_profiles=True)
    profiles = chosen_profiles(ctx, all_profiles)
    if len(profiles) > 1:
        from gcal.commands import sync_profiles

        if show_status:
            code = sync_profiles.status(profiles, sys.stdout)
            if code:
                ctx.exit(code)
            return
        sync_profiles.run(
            profiles,
            calendars=calendar,
            all_calendars=all_calendars,
            quiet=quiet,
            rebuild=rebuild,
            keep=keep,
        )
        return
    settings = profiles[0]
    if show_status:
        command.status(settings, sys.stdout)
        return
    if rebuild:
        command.rebuild(settings)
    command.run(
        settings,
        calendars=calendar,
        all_calendars=all_calendars,
        quiet=quiet,
        full=rebuild,
        keep=keep,
    )
