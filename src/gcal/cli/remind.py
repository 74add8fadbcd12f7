"""`gcal remind`: the reminders that are due, as desktop notifications, a command or lines."""

from __future__ import annotations

from typing import Any, Optional, Tuple

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.profiles import all_profiles_option, chosen_profiles
from gcal.cli.runsettings import demo_clock
from gcal.cli.storeoptions import Duration
from gcal.cli.viewoptions import calendar_options, zone_option
from gcal.errors import UsageError


@click.command("remind", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--watch",
    is_flag=True,
    help="Keep running: sleep until the next reminder or sync; exit on SIGTERM or Ctrl-C.",
)
@click.option(
    "--print",
    "print_",
    is_flag=True,
    help="Write one line per reminder to stdout instead of a desktop notification.",
)
@click.option(
    "--command",
    metavar="'CMD ARGS'",
    help="Run CMD for each reminder (split as a shell would, never run by one) with the event "
    "as JSON on stdin and GCAL_SUMMARY, GCAL_START, GCAL_END, GCAL_LOCATION, "
    "GCAL_CONFERENCE_URI, GCAL_MINUTES in its environment.",
)
@click.option(
    "--before",
    type=Duration(),
    multiple=True,
    metavar="DURATION",
    help="Remind this long before each event (10m, 1h; repeatable), instead of the events' "
    "own popup reminders and their calendars' defaults.",
)
@click.option("--all-day", is_flag=True, help="Remind of all-day events too (skipped by default).")
@zone_option
@calendar_options
@all_profiles_option
@click.option(
    "--offline", is_flag=True, help="Read the store only; never sync (one pass or --watch)."
)
@click.option(
    "--max-age",
    type=Duration(),
    default="5m",
    show_default=True,
    metavar="DURATION",
    help="One pass: sync first the calendars synced longer ago than this.",
)
@click.option(
    "--sync-every",
    type=Duration(minimum=10),
    default="5m",
    show_default=True,
    metavar="DURATION",
    help="With --watch: sync (incrementally) this often.",
)
@global_options
@click.pass_context
def remind(
    ctx: click.Context,
    watch: bool,
    print_: bool,
    command: Optional[str],
    before: Tuple[float, ...],
    all_day: bool,
    time_zone: Optional[str],
    calendar: Tuple[str, ...],
    all_calendars: bool,
    all_profiles: bool,
    offline: bool,
    max_age: float,
    sync_every: float,
    **values: Any,
) -> None:
    """Deliver the reminders that are due, from the local store: each event's own popup
    reminders, or its calendar's default reminders (--before replaces both).

    Each reminder is delivered once, whatever runs when: the store records it, so cron runs,
    a restart or two processes at once never repeat one. A reminder whose moment passed while
    the machine slept comes late (once, marked late) if the event has not ended. An event moved
    after its reminder gets a new one. Declined and cancelled events, working-location
    entries and out-of-office blocks never remind; all-day events (birthdays too) only with
    --all-day. Times are shown, and all-day events begin, in --time-zone, else the local zone.

    One pass (for cron or a systemd timer) syncs first when the store is older than --max-age;
    --watch keeps running, syncing every --sync-every, and goes on reminding from the store when
    the network is away. Delivery: a desktop notification (needs 'pip install gcal[notify]' and a
    notification service; otherwise it says so once and prints), --command, or --print.

    \b
    Examples:
      gcal remind --print
      gcal remind --print --before 15m --before 1m
      gcal remind --command 'notify-send gcal'     (the event as JSON on stdin, GCAL_* set)
      gcal remind --watch                          (as a systemd user service)
      gcal --demo remind --print --all-day
      gcal remind --print --time-zone America/New_York
    """
    import datetime
    import sys

    from gcal.commands import remind as run
    from gcal.core.displayzone import resolve_display_zone
    from gcal.core.sanitize import one_line

    if print_ and command is not None:
        raise UsageError("--print and --command exclude each other")
    argv = None
    if command is not None:
        import shlex
        import shutil

        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise UsageError(f"--command cannot be read: {exc}") from None
        if not argv:
            raise UsageError("--command is empty")
        if shutil.which(argv[0]) is None:
            raise UsageError(f"--command: {one_line(argv[0])!r} is not a program found on PATH")
    minutes = tuple(sorted({round(b / 60) for b in before})) or None
    if minutes and minutes[-1] > 40320:
        raise UsageError("--before is at most 4 weeks (40320 minutes), as the API's reminders")
    profiles = chosen_profiles(ctx, all_profiles, offline=offline)
    zone = resolve_display_zone(time_zone or profiles[0].command_defaults.get("time_zone")).zone
    choice = run.Choice(
        zone=zone,
        before=minutes,
        all_day=all_day,
        calendars=calendar,
        all_calendars=all_calendars,
        max_age=max_age,
    )
    out = sys.stdout
    err = sys.stderr
    printer = run.PrintDelivery(out, zone)
    if argv is not None:
        delivery: Any = run.CommandDelivery(argv)
    elif print_:
        delivery = printer
    else:
        delivery = run.NotifyDelivery(printer, err, zone)
    pinned = demo_clock(ctx)
    offset = 0.0
    if pinned is not None:
        offset = pinned.timestamp() - datetime.datetime.now(datetime.timezone.utc).timestamp()
    clock = run.Clock(offset)
    if not watch:
        if offline:
            found, code = run.collect(
                profiles, choice, clock.now(), sync=False, max_age=max_age, err=err
            )
            _sent, failed = run.deliver_due(found, clock.now(), delivery, err)
            code = code or (1 if failed else 0)
        else:
            code = run.run_once(profiles, choice, delivery, clock.now(), err)
        if code:
            ctx.exit(code)
        return
    import signal

    class _Terminated(Exception):
        pass

    def _terminate(_signum: int, _frame: Any) -> None:
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        run.watch(
            profiles,
            choice,
            delivery,
            clock,
            err,
            sync_every=sync_every,
            offline=offline,
        )
    except (_Terminated, KeyboardInterrupt):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
