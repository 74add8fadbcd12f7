"""What a write command says about the event it wrote: one line for a person (`line`), or the
event as JSON for a script (`event_json`).

Separate from the writing itself because other commands (import, the MCP tools) print the same
line about events they wrote, and the text is hostile event text that must be sanitized once,
here.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, Optional

from gcal.core.sanitize import one_line

Event = Dict[str, Any]


def event_json(value: Any, out: Any, **options: Any) -> str:
    """JSON of event text for `out`: escaped on a terminal (bidi and C1 controls), and
    whatever the text holds (a lone surrogate) never a crash."""
    from gcal.core.sanitize import json_text
    from gcal.render.terminal import isatty

    return json_text(value, terminal=isatty(out), **options)


def quoted(value: Any) -> str:
    """Event text on one line, in quotes, sanitized once (`repr` of the sanitized text
    would show each escape's backslash twice)."""
    text = one_line(value)
    mark = '"' if "'" in text and '"' not in text else "'"
    return mark + text + mark


def when_text(event: Event, zone: Optional[datetime.tzinfo]) -> str:
    from gcal.core.eventtime import table_span

    if not event.get("start"):
        return ""
    try:
        start, end = table_span(event.get("start"), event.get("end"), zone)
    except Exception:  # a malformed time must not break the report
        return ""
    if end == "all day":
        return one_line(f"{start} (all day)")
    return one_line(f"{start} - {end}" if end else start)


def line(
    verb: str, event: Event, calendar_id: str, zone: Optional[datetime.tzinfo], extra: str = ""
) -> str:
    """`added 'Dentist' Tue 2026-12-08 09:00-09:45 (id k3..., calendar primary)`."""
    when = when_text(event, zone)
    parts = [verb, quoted(event.get("summary") or "(no title)")]
    if when:
        parts.append(when)
    if extra:
        parts.append(extra)
    parts.append(f"(id {one_line(event.get('id', ''))}, calendar {one_line(calendar_id)})")
    return " ".join(parts)
