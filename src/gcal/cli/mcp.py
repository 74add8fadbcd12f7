"""`gcal mcp`: the calendar for AI assistants, a Model Context Protocol server over stdio."""

from __future__ import annotations

from typing import Any, Optional

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.runsettings import demo_clock, prepare
from gcal.cli.storeoptions import Duration

MCP_EPILOG = (
    "Register it with an MCP client as the command 'gcal' with the argument 'mcp' (see the "
    "README for the JSON of a desktop assistant and of an editor). Needs the MCP SDK: "
    "pip install 'gcal[mcp]' (Python 3.10 or newer); without it, gcal mcp says so and exits 2."
)


@click.command(epilog=f"{MCP_EPILOG}\n\n{GLOBAL_EPILOG}", context_settings=CONTEXT_SETTINGS)
@click.option(
    "--allow-writes",
    is_flag=True,
    default=None,
    help="Also offer the tools that change events (add_event, update_event, delete_event, "
    "rsvp); default: config.toml's mcp_writes, else read-only.",
)
@click.option(
    "--max-age",
    type=Duration(),
    default="5m",
    show_default=True,
    metavar="DURATION",
    help="Sync first the calendars synced longer ago than this (30s, 5m, 2h, 1d), as --cached.",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Answer from the local store only, never syncing it (get_event and free_slots still "
    "ask the API).",
)
@click.option("--time-zone", metavar="ZONE", help="The user's zone (default: config, else local).")
@global_options
@click.pass_context
def mcp(
    ctx: click.Context,
    allow_writes: Optional[bool],
    max_age: float,
    offline: bool,
    time_zone: Optional[str],
    **values: Any,
) -> None:
    """Serve the calendar to AI assistants over the Model Context Protocol (stdio).

    The tools: list_calendars, agenda, get_event, search, free_slots, next_event, conflicts,
    invites; with --allow-writes also add_event, update_event, delete_event and rsvp (each
    with dry_run, each through the journal, so 'gcal undo' takes it back). Answers come from
    the local store ('gcal sync'), synced first when older than --max-age; rows are those of
    the same command's --format ndjson. The server talks JSON-RPC on stdin/stdout; run it
    from an MCP client, not by hand.

    \b
    Examples:
      gcal mcp                          read-only, for an assistant's configuration
      gcal mcp --allow-writes           the write tools too
      gcal mcp --profile work --max-age 15m
      gcal --demo mcp                   the demo account, no Google account needed
    """
    import datetime

    from gcal.commands import mcpserver

    if not mcpserver.available():
        from gcal.errors import UsageError

        raise UsageError(mcpserver.INSTALL_HINT)
    from gcal.commands.mcptools import ToolContext
    from gcal.core.displayzone import resolve_display_zone

    settings = prepare(ctx, network=not offline).replace(interactive=False)
    from gcal.logs import configure_logging  # the server logs, offline too

    configure_logging(settings.logging_level)
    defaults = settings.command_defaults or {}
    display = resolve_display_zone(time_zone or defaults.get("time_zone"))
    writes = bool(defaults.get("mcp_writes")) if allow_writes is None else allow_writes

    def clock() -> datetime.datetime:
        return demo_clock(ctx) or datetime.datetime.now(datetime.timezone.utc)

    tool_context = ToolContext(
        settings=settings,
        zone=display.zone,
        zone_name=display.name,
        clock=clock,
        offline=offline,
        max_age=max_age,
        writes=writes,
        zone_given=bool(time_zone or defaults.get("time_zone")),
    )
    if _on_terminal():  # run by hand: say what it is waiting for (stdout is the protocol's)
        click.echo(
            "gcal mcp: serving MCP on stdin/stdout for an assistant (see 'gcal mcp --help'); "
            "Ctrl-C stops it",
            err=True,
        )
    mcpserver.serve(tool_context)


def _on_terminal() -> bool:
    import sys

    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False
