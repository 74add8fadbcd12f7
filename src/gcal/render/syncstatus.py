"""`gcal sync --status` on a terminal: the store's calendars as a table.

    store: ~/.cache/gcal/store/ada@example.com.sqlite3 (412.0 KB)
    calendar                                        events   synced             ago      sync
    ────────────────────────────────────────────────────────────────────────────────────────────
    Ada Lovelace                                       345   2026-12-07 15:47   1 s      incremental
    ada@example.com

Calendar ids are never cut (the column is as wide as the longest); names are sanitised for the
terminal (`gcal.core.sanitize`). Scripts read `--format json|ndjson` (or the tab-separated lines
written into a pipe) instead.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, Optional, TextIO

from gcal.core.sanitize import one_line
from gcal.render.base import _Sink, _TrimmedSink

__all__ = ["write_status_table"]


def write_status_table(
    report: Dict[str, Any],
    out: TextIO,
    *,
    now: float,
    age_text: Any,
    size_text: str,
    color: bool = False,
    width: Optional[int] = None,
) -> None:
    """The report of `gcal.commands.sync.status_report` as a heading line and a table; `age_text`
    says a number of seconds in words (`1 s`, `14 min`)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from gcal.render.console import make_console

    sink = _Sink(out) if color else _TrimmedSink(out)
    console = make_console(sink, color=color, width=width)
    dim = "dim" if color else ""
    store = Text(f"store: {one_line(report['store'])} ({size_text})", style=dim)
    console.print(store, no_wrap=True, overflow="ignore", crop=False)  # a path, whole
    calendars = report["calendars"]
    if not calendars:
        console.print(Text("No calendars in the store yet: run 'gcal sync'.", style=dim))
        sink.flush()
        return
    longest_id = max(len(one_line(cal["calendarId"])) for cal in calendars)
    table = Table(
        box=box.SIMPLE_HEAD if sink.encodable("─") else box.ASCII2,
        show_edge=False,
        pad_edge=False,
        header_style="bold" if color else "",
        safe_box=True,
    )
    # the id first: the sync time, then the kind of sync, give way on a narrow terminal
    room = (width or 100) - longest_id
    show_time, show_kind = room >= 51, room >= 32
    table.add_column("calendar", min_width=min(longest_id, (width or 100) - 20), overflow="fold")
    table.add_column("events", justify="right", no_wrap=True)
    if show_time:
        table.add_column("synced", no_wrap=True)
    table.add_column("ago", no_wrap=True)
    if show_kind:
        table.add_column("sync", no_wrap=True)
    for cal in calendars:
        name = Text(sink.displayable(one_line(cal["summary"])))
        name.append("\n" + sink.displayable(one_line(cal["calendarId"])), style=dim)
        synced_at = cal["syncedAt"]
        if synced_at is None:
            cells = [name, "", "", Text("never synced", style=dim), ""]
        else:
            when = datetime.datetime.fromtimestamp(synced_at).astimezone()
            cells = [
                name,
                str(cal["events"]),
                f"{when:%Y-%m-%d %H:%M}",
                age_text(max(now - synced_at, 0)),
                one_line(cal["lastSync"] or ""),
            ]
        if not show_kind:
            cells.pop(4)
        if not show_time:
            cells.pop(2)
        table.add_row(*cells)
    console.print(table)
    sink.flush()
