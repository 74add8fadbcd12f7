"""`gcal free` end to end: everyone's busy blocks from freebusy.query, then the shared slots.

The API is the reference for what is busy (opaque, confirmed or tentative events, series
expanded, declined ones left out: `transparent` events never block), so gcal does not read any
event itself; it asks freebusy.query for every calendar (and group) at once and hands the
busy blocks of all of them to the pure slot arithmetic of `gcal.core.slots`. A calendar the
API could not answer is named on stderr and sets the exit status, as with `gcal freebusy`;
the slots printed then only account for the calendars that answered.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import sys
from typing import Any, Dict, FrozenSet, List, Optional, TextIO, Tuple

from gcal.commands.freebusy import FreeBusyQuery
from gcal.core.calendars import names_text
from gcal.errors import UsageError
from gcal.settings import Settings


@dataclasses.dataclass
class SlotRules:
    """What makes a slot: checked values of --duration, --hours, --days, --buffer, --step,
    --limit."""

    duration: _dt.timedelta
    hours: Tuple[_dt.time, _dt.time]
    days: FrozenSet[int]
    buffer: _dt.timedelta = _dt.timedelta(0)
    step: Optional[_dt.timedelta] = None
    limit: Optional[int] = None

    def check(self) -> None:
        if self.duration <= _dt.timedelta(0):
            raise UsageError("--duration must be longer than zero")
        if not self.days:
            raise UsageError("--days names no day")


def busy_blocks(answer: Dict[str, Any]) -> List[Tuple[_dt.datetime, _dt.datetime]]:
    """Every busy period of every calendar in a FreeBusyResponse, as UTC instants."""
    from gcal.core.timespec import parse_rfc3339

    blocks = []
    for entry in (answer.get("calendars") or {}).values():
        for period in (entry or {}).get("busy") or []:
            start = parse_rfc3339(str(period.get("start", "")))
            end = parse_rfc3339(str(period.get("end", "")))
            if start is not None and end is not None and start < end:
                blocks.append(
                    (start.astimezone(_dt.timezone.utc), end.astimezone(_dt.timezone.utc))
                )
    return blocks


def find_slots(
    answer: Dict[str, Any],
    query: FreeBusyQuery,
    rules: SlotRules,
    zone: _dt.tzinfo,
) -> List[Tuple[_dt.datetime, _dt.datetime]]:
    """The shared free slots for a FreeBusyResponse (pure: no I/O)."""
    from gcal.core import slots

    windows = slots.working_windows(query.time_min, query.time_max, zone, rules.hours, rules.days)
    return slots.free_slots(
        busy_blocks(answer),
        windows,
        rules.duration,
        zone,
        buffer=rules.buffer,
        step=rules.step,
        limit=rules.limit,
    )


def run(
    settings: Settings,
    query: FreeBusyQuery,
    rules: SlotRules,
    zone: _dt.tzinfo,
    *,
    zone_name: Optional[str] = None,
    out: Optional[TextIO] = None,
) -> None:
    """Ask, compute, print; then fail (after printing) if a calendar could not be answered."""
    from gcal.commands import freebusy
    from gcal.google import api
    from gcal.render import freetime
    from gcal.render.formats import default_format
    from gcal.render.terminal import color_enabled, isatty, terminal_width

    out = out or sys.stdout
    query.check()
    rules.check()
    client = api.connect(settings)
    asked: List[Dict[str, Any]] = []
    answer = freebusy.fetch(client, query, asked)
    found = find_slots(answer, query, rules, zone)
    fmt = settings.format or default_format(isatty(out))
    freetime.write_slots(
        found,
        fmt,
        out,
        zone=zone,
        zone_name=zone_name,
        duration=rules.duration,
        calendars=names_text(asked),
        color=color_enabled(out),
        width=terminal_width(out),
    )
    error = freebusy.failure_error(answer)
    if error is not None:
        raise error
