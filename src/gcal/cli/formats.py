"""Which --format each command prints: the formats (`FORMATS`, the status bars' and the
listings'), the table of what each command takes (`COMMAND_FORMATS`), and the line its --help
ends with saying so (`format_help`).

Separate from the global options (`gcal.cli.options`), which declare --format once, because
which formats a command prints is a fact about each command, read by the refusal of a typed
format, by every --help and by the tests that try each format on each command.
"""

from __future__ import annotations

from typing import Dict, Optional, Sequence, Tuple

import click

FORMATS = ("table", "json", "ndjson", "csv", "tsv", "ics")
#: formats of `gcal next` alone, for status bars (gcal.core.statusbar)
STATUS_FORMATS = ("waybar", "i3blocks", "polybar", "tmux")
#: what the listings of data print (no events: no ics)
LISTS = ("table", "json", "ndjson", "csv", "tsv")
#: The formats each command prints; any other given on the command line is refused in one line
#: (exit 2), one from GCAL_FORMAT or config.toml (a default for every command) gives way to the
#: command's own default. Keyed by the command after "gcal" and, where an option changes what
#: it prints, that option ("sync --status"). A command not named takes every one of FORMATS.
COMMAND_FORMATS: Dict[str, Tuple[str, ...]] = {
    "agenda": FORMATS,
    "week": FORMATS,
    "month": FORMATS,
    "events": FORMATS,
    "instances": FORMATS,
    "show": FORMATS,
    "calendars": LISTS,
    "next": LISTS + STATUS_FORMATS,
    "free": LISTS,
    "freebusy": LISTS,
    "invites": LISTS,
    "search": LISTS,
    "conflicts": LISTS,
    "changes": LISTS,
    # a link opened or printed, reminders delivered: no listing
    "join": (),
    "remind": (),
    # logging in and out: lines for a person, no listing
    "auth setup": (),
    "auth login": (),
    "auth logout": (),
    "export": ("ics",),
    "sync": (),
    "sync --status": LISTS,
    "auth list": LISTS,
    "auth status": ("table", "json", "ndjson"),
    "config show": ("table", "json", "ndjson"),
    "config path": ("table",),
    "auth doctor": ("table", "json", "ndjson"),
    "undo --list": ("table", "json", "ndjson"),
    # the writes: a line saying what was done, or the event as the API answered (json)
    "add": ("table", "json", "ndjson"),
    "quick": ("table", "json", "ndjson"),
    "edit": ("table", "json", "ndjson"),
    "delete": ("table", "json", "ndjson"),
    "rsvp": ("table", "json", "ndjson"),
    "move": ("table", "json", "ndjson"),
    "import": ("table", "json", "ndjson"),
    # the MCP server answers in the protocol's JSON, whatever the format
    "mcp": (),
}
#: what a command that prints no listing says to a --format
NO_FORMAT = {
    "sync": "'gcal sync' prints no listing; --format goes with 'gcal sync --status'",
    "mcp": "'gcal mcp' answers in the MCP protocol's JSON: drop --format",
    "join": "'gcal join' opens or prints a meeting link: drop --format",
    "remind": "'gcal remind' delivers reminders (--print: a line each): drop --format",
    "auth setup": "'gcal auth setup' installs a client file and logs in: drop --format "
    "('gcal auth status --format json' describes the login)",
    "auth login": "'gcal auth login' logs in: drop --format "
    "('gcal auth status --format json' describes the login)",
    "auth logout": "'gcal auth logout' prints no listing: drop --format",
}


def command_key(ctx: Optional[click.Context]) -> str:
    """The key of COMMAND_FORMATS for the running command: `auth status`, `sync --status`."""
    if ctx is None:
        return ""
    key = " ".join(ctx.command_path.split()[1:])
    if key == "sync" and ctx.params.get("show_status"):
        key = "sync --status"
    if key == "undo" and ctx.params.get("list_only"):
        key = "undo --list"
    return key


def formats_text(accepted: Sequence[str]) -> str:
    """`table, json or ndjson`."""
    names = list(accepted)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def format_help(command: click.Command, key: str) -> None:
    """Make `command`'s help say which --format values it takes (COMMAND_FORMATS[key]), in
    the line about global options that ends it."""
    accepted = COMMAND_FORMATS.get(key)
    if key == "sync":
        line = (
            "--format: none ('gcal sync' prints no listing); 'gcal sync --status' takes "
            f"{formats_text(COMMAND_FORMATS['sync --status'])}."
        )
    elif key == "undo":
        line = f"--format: 'gcal undo --list' takes {formats_text(COMMAND_FORMATS['undo --list'])}."
    elif accepted is None:
        return
    elif not accepted:  # a command that prints no listing
        line = f"--format: none ({NO_FORMAT.get(key, f'gcal {key} prints no listing')})."
    else:
        line = f"--format: {formats_text(accepted)}."
    epilog = command.epilog or ""
    if line not in epilog:
        command.epilog = f"{line}\n\n{epilog}" if epilog else line
