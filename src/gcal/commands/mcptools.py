"""The tools of `gcal mcp`: each answers one question a model may ask, the way the command
line answers it, and returns JSON (plus a short text summary).

Every tool runs the CLI's own command function with `--format ndjson` into a buffer and reads
the rows back, so a tool's rows are the CLI's ndjson rows for the same question, byte for
byte. The reading tools answer from the local store, synced first (incrementally) when it is
older than `max_age`, as `--cached` does; `get_event` and `free_slots` ask the API, as
`gcal show` and `gcal free` do. The write tools go through `gcal.commands.writes` (If-Match,
the journal, `gcal undo`, the login asking for write access only when a write needs it).

Nothing here imports the MCP SDK: `gcal.commands.mcpserver` wires these functions to it. Input
is checked here; a bad input is a `ToolError` with a plain message, never a traceback, a token
or a path of the user's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import io
import json
import os
import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from gcal.core.sanitize import one_line
from gcal.errors import GcalError
from gcal.settings import Settings

DEFAULT_LIMIT = 200
MAX_LIMIT = 2000
#: the longest window a reading tool answers at once
MAX_WINDOW_DAYS = 366
#: the longest text input a tool accepts (a title, a query, a description)
MAX_TEXT = 8192


class ToolError(Exception):
    """A tool's plain-language failure: the server answers it as a tool error and goes on."""


@dataclasses.dataclass
class ToolContext:
    """What every tool needs: the profile's settings (never interactive: stdin is the
    protocol), the display zone, the clock, and how the store answers."""

    settings: Settings
    zone: datetime.tzinfo
    zone_name: str
    clock: Callable[[], datetime.datetime]
    offline: bool = False
    max_age: float = 300.0
    writes: bool = False
    #: the zone was named (--time-zone or config.toml's time_zone): the listings are asked in
    #: it too, as `gcal agenda --time-zone` asks them
    zone_given: bool = False

    def now(self) -> datetime.datetime:
        return self.clock().astimezone(self.zone)

    def fmt(self, fmt: str = "ndjson") -> Settings:
        return self.settings.replace(format=fmt)

    def source_for(self, err: Any, filters: Optional[Dict[str, Any]] = None) -> Any:
        from gcal.commands import stored

        stored.check_answerable(filters or {})

        def store_of(settings: Settings) -> Any:
            return stored.StoreSource(settings, offline=self.offline, max_age=self.max_age, err=err)

        return store_of

    @property
    def defaults(self) -> Dict[str, Any]:
        return self.settings.command_defaults or {}


# --------------------------------------------------------------------------------------------
# Input checking


def _text(args: Dict[str, Any], name: str, *, required: bool = False) -> Optional[str]:
    value = args.get(name)
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise ToolError(f"'{name}' is required")
        return None
    if not isinstance(value, str):
        raise ToolError(f"'{name}' must be a string")
    if not value.strip():
        raise ToolError(f"'{name}' must not be empty")
    if len(value) > MAX_TEXT:
        raise ToolError(f"'{name}' is longer than {MAX_TEXT} characters")
    return value


def _strings(args: Dict[str, Any], name: str) -> List[str]:
    value = args.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ToolError(f"'{name}' must be a list of strings")
    if len(value) > 100:
        raise ToolError(f"'{name}' names more than 100 items")
    for item in value:
        if not item.strip():
            raise ToolError(f"'{name}' holds an empty string")
        if len(item) > MAX_TEXT:
            raise ToolError(f"an item of '{name}' is longer than {MAX_TEXT} characters")
    return list(value)


def _bool(args: Dict[str, Any], name: str, default: bool = False) -> bool:
    value = args.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ToolError(f"'{name}' must be true or false")
    return value


def _int(args: Dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = args.get(name, default)
    if value is None:
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ToolError(f"'{name}' must be a whole number")
    if not low <= value <= high:
        raise ToolError(f"'{name}' must be between {low} and {high} (got {value})")
    return value


def _limit(args: Dict[str, Any], default: int = DEFAULT_LIMIT) -> int:
    return _int(args, "limit", default, 1, MAX_LIMIT)


def _check_known(name: str, args: Dict[str, Any], schema: Dict[str, Any]) -> None:
    known = set((schema.get("properties") or {}).keys())
    unknown = sorted(set(args) - known)
    if unknown:
        raise ToolError(
            f"{name} takes no input named {', '.join(repr(u) for u in unknown)}; it takes "
            + (", ".join(sorted(known)) or "nothing")
        )


def _check_window(start: datetime.datetime, end: datetime.datetime) -> None:
    if end <= start:
        raise ToolError("the end must be after the start")
    if end - start > datetime.timedelta(days=MAX_WINDOW_DAYS):
        raise ToolError(
            f"the window is longer than {MAX_WINDOW_DAYS} days: ask for a shorter one "
            "(several calls for a longer stretch)"
        )


def _week_start(defaults: Dict[str, Any]) -> int:
    from gcal.core import grid

    value = defaults.get("week_start")
    if value:
        return grid.SUNDAY if str(value).lower() == "sunday" else grid.MONDAY
    return grid.locale_week_start(os.environ)


# --------------------------------------------------------------------------------------------
# Running a command into a buffer


def _rows(text: str) -> List[Any]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _problems(err: io.StringIO) -> List[str]:
    """The lines a command wrote on stderr (failed calendars, store warnings), without the
    'gcal: ' prefix."""
    lines = []
    for line in err.getvalue().splitlines():
        line = line.strip()
        for prefix in ("gcal: error: ", "gcal: warning: ", "gcal: "):
            if line.startswith(prefix):
                line = line[len(prefix) :]
                break
        if line:
            lines.append(line)
    return lines


def _cut(rows: List[Any], limit: int) -> Tuple[List[Any], bool]:
    return (rows[:limit], True) if len(rows) > limit else (rows, False)


def _result(
    ctx: ToolContext,
    rows: List[Any],
    *,
    limit: int,
    truncated: bool,
    what: str,
    summary: str,
    problems: Sequence[str] = (),
    **extra: Any,
) -> Dict[str, Any]:
    data: Dict[str, Any] = {"timeZone": ctx.zone_name, **extra}
    data["count"] = len(rows)
    data["truncated"] = truncated
    data["limit"] = limit
    data["rows"] = rows
    text = summary
    if truncated:
        text += f"; cut at limit {limit}: more {what} remain (narrow the question or raise limit)"
        data["note"] = f"only the first {limit} {what}; more remain"
    if problems:
        problems = [_scrub(line) for line in problems]
        data["problems"] = problems
        text += "; problems: " + "; ".join(problems)
    data["summary"] = text
    return data


def _span(ctx: ToolContext, start: Optional[str], end: Optional[str], days: int = 7) -> Any:
    from gcal.core.span import resolve_span

    span = resolve_span(
        start,
        end,
        None if end is not None else days,
        ctx.zone,
        now=ctx.now(),
        week_start=_week_start(ctx.defaults),
    )
    _check_window(span.start, span.end)
    return span


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _filters(ctx: ToolContext, query: Optional[str]) -> Dict[str, Any]:
    filters: Dict[str, Any] = {}
    if query:
        filters["q"] = query
    key = getattr(ctx.zone, "key", None)
    if ctx.zone_given and key:
        filters["timeZone"] = key
    return filters


def _calendars(ctx: ToolContext, given: List[str]) -> Sequence[str]:
    from gcal.core.calendars import chosen_names

    return chosen_names(given, False, ctx.defaults.get("calendars") or ())


# --------------------------------------------------------------------------------------------
# The reading tools


def list_calendars(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    limit = _limit(args)
    err = io.StringIO()
    source = ctx.source_for(err)(ctx.settings)
    try:
        entries = source.calendar_list()
    finally:
        source.close()
    rows, truncated = _cut(entries, limit)
    shown = sum(1 for e in entries if e.get("selected"))
    return _result(
        ctx,
        rows,
        limit=limit,
        truncated=truncated,
        what="calendars",
        summary=f"{len(entries)} calendars on the list, {shown} shown in Google Calendar",
        problems=_problems(err),
    )


def agenda(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands.agenda_profiles import run_agenda

    limit = _limit(args)
    # as `gcal agenda`: config.toml's `days` when no end is given, else 7
    days = int(ctx.defaults.get("days") or 7)
    span = _span(ctx, _text(args, "start"), _text(args, "end"), days)
    query = _text(args, "query")
    filters = _filters(ctx, query)
    out, err = io.StringIO(), io.StringIO()
    run_agenda(
        [ctx.fmt()],
        span,
        ctx.zone,
        ctx.zone_name,
        source_for=ctx.source_for(err, filters),
        calendars=_calendars(ctx, _strings(args, "calendars")),
        all_calendars=False,
        filters=filters,
        no_declined=bool(ctx.defaults.get("no_declined")),
        limit=limit + 1,
        out=out,
        err=err,
    )
    rows, truncated = _cut(_rows(out.getvalue()), limit)
    window = f"{_iso(span.start)} to {_iso(span.end)}"
    return _result(
        ctx,
        rows,
        limit=limit,
        truncated=truncated,
        what="events",
        summary=f"{len(rows)} events from {window} ({ctx.zone_name})"
        + (f" matching {one_line(query)!r}" if query else ""),
        problems=_problems(err),
        start=_iso(span.start),
        end=_iso(span.end),
    )


def get_event(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import show
    from gcal.commands.calendars import resolve_calendar

    calendar = _text(args, "calendar", required=True) or ""
    event_id = _text(args, "event_id", required=True) or ""
    request = {
        "calendarId": resolve_calendar(ctx.settings, calendar, what="calendar"),
        "eventId": event_id,
    }
    out = io.StringIO()
    show.run(ctx.fmt(), request, zone=ctx.zone, zone_name=ctx.zone_name, out=out, now=ctx.now())
    rows = _rows(out.getvalue())
    event = rows[0] if rows else {}
    title = event.get("summary") if isinstance(event, dict) else None
    return _result(
        ctx,
        rows,
        limit=1,
        truncated=False,
        what="events",
        summary=f"event {one_line(event_id)!r}: {one_line(str(title or '(no title)'))}",
        calendarId=request["calendarId"],
    )


def free_slots(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import free
    from gcal.commands.freebusy import FreeBusyQuery
    from gcal.core import freespec, timespec

    limit = _limit(args)
    now = ctx.now()
    start = timespec.parse_start(_text(args, "start") or "now", tz=ctx.zone, now=now)
    end = timespec.parse_time(_text(args, "end") or "+7d", tz=ctx.zone, now=start)
    _check_window(start, end)
    calendars = _strings(args, "calendars") or list(ctx.defaults.get("calendars") or ())
    # as `gcal free`: no calendars named (here or in config.toml) is my own time
    query = FreeBusyQuery(time_min=start, time_max=end, ids=tuple(calendars), own_time=True)
    rules = free.SlotRules(
        duration=freespec.parse_duration(_text(args, "duration") or "30m"),
        hours=freespec.parse_hours(_text(args, "hours") or "09:00-17:00"),
        days=freespec.parse_days(_text(args, "days") or "mon-fri", "days"),
        step=datetime.timedelta(minutes=5),
        limit=limit + 1,
    )
    rules.check()
    out = io.StringIO()
    free.run(ctx.fmt(), query, rules, ctx.zone, zone_name=ctx.zone_name, out=out)
    rows, truncated = _cut(_rows(out.getvalue()), limit)
    return _result(
        ctx,
        rows,
        limit=limit,
        truncated=truncated,
        what="slots",
        summary=f"{len(rows)} free slots of at least {_text(args, 'duration') or '30m'} "
        f"from {_iso(start)} to {_iso(end)} ({ctx.zone_name})",
        start=_iso(start),
        end=_iso(end),
    )


def next_event(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import upnext

    limit = _limit(args, 1)
    hours = _int(args, "within_hours", 24, 1, 24 * MAX_WINDOW_DAYS)
    out, err = io.StringIO(), io.StringIO()
    upnext.run(
        [ctx.fmt()],
        ctx.zone,
        now=ctx.now(),
        within=hours * 3600.0,
        all_day=_bool(args, "all_day"),
        calendars=_calendars(ctx, _strings(args, "calendars")),
        source_for=ctx.source_for(err),
        limit=limit + 1,
        out=out,
        err=err,
    )
    rows, truncated = _cut(_rows(out.getvalue()), limit)
    if rows:
        first = rows[0]
        minutes = first.get("minutesUntil")
        when = "now" if isinstance(minutes, int) and minutes <= 0 else f"in {minutes} min"
        summary = f"next: {one_line(str(first.get('summary') or '(no title)'))} ({when})"
    else:
        summary = f"no event in the next {hours} hours"
    return _result(
        ctx,
        rows,
        limit=limit,
        truncated=truncated,
        what="events",
        summary=summary,
        problems=_problems(err),
    )


def invites(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import invites as command

    limit = _limit(args)
    days = _int(args, "days", 30, 1, MAX_WINDOW_DAYS)
    out, err = io.StringIO(), io.StringIO()
    command.run(
        [ctx.fmt()],
        ctx.zone,
        ctx.zone_name,
        now=ctx.now(),
        days=days,
        rsvp=ctx.writes,
        calendars=_calendars(ctx, _strings(args, "calendars")),
        source_for=ctx.source_for(err),
        out=out,
        err=err,
    )
    rows, truncated = _cut(_rows(out.getvalue()), limit)
    return _result(
        ctx,
        rows,
        limit=limit,
        truncated=truncated,
        what="invitations",
        summary=f"{len(rows)} invitations waiting for an answer in the next {days} days",
        problems=_problems(err),
    )


def search(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import search as command

    limit = _limit(args)
    text = _text(args, "text", required=True) or ""
    command.parse_query(text)  # a bad query is a plain error before anything is opened
    now = ctx.now()
    window = command.window_of(_text(args, "start"), _text(args, "end"), ctx.zone, now)
    out, err = io.StringIO(), io.StringIO()
    command.run(
        [ctx.fmt()],
        text,
        window,
        ctx.zone,
        now=now,
        calendars=_calendars(ctx, _strings(args, "calendars")),
        order=str(args.get("order") or "rank"),
        offline=ctx.offline,
        cached=not ctx.offline,
        max_age=ctx.max_age,
        limit=limit + 1,
        out=out,
        err=err,
    )
    rows, truncated = _cut(_rows(out.getvalue()), limit)
    return _result(
        ctx,
        rows,
        limit=limit,
        truncated=truncated,
        what="events",
        summary=f"{len(rows)} events matching {one_line(text)!r}",
        problems=_problems(err),
    )


def conflicts(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import conflicts as command

    limit = _limit(args)
    start, end = _text(args, "start"), _text(args, "end")
    span = _span(ctx, start, end, command.DEFAULT_DAYS)
    out, err = io.StringIO(), io.StringIO()
    command.run(
        [ctx.fmt()],
        span,
        ctx.zone,
        all_day=_bool(args, "all_day"),
        calendars=_strings(args, "calendars"),
        source_for=ctx.source_for(err),
        out=out,
        err=err,
    )
    rows, truncated = _cut(_rows(out.getvalue()), limit)
    window = f"{_iso(span.start)} to {_iso(span.end)}"
    return _result(
        ctx,
        rows,
        limit=limit,
        truncated=truncated,
        what="conflicts",
        summary=f"{len(rows)} groups of overlapping events from {window} ({ctx.zone_name})",
        problems=_problems(err),
        start=_iso(span.start),
        end=_iso(span.end),
    )


# --------------------------------------------------------------------------------------------
# The writing tools (listed only with --allow-writes)


def _send_updates(args: Dict[str, Any]) -> str:
    value = args.get("send_updates") or "none"
    table = {"all": "all", "external": "externalOnly", "none": "none"}
    if value not in table:
        raise ToolError("'send_updates' must be one of all, external, none")
    return table[value]


def _changes(ctx: ToolContext, args: Dict[str, Any], *, edit: bool) -> Any:
    from gcal.core import timespec
    from gcal.core import writes as core

    now = ctx.now()
    start_text = _text(args, "start")
    when = timespec.parse_when(start_text, tz=ctx.zone, now=now) if start_text else None
    end_text = _text(args, "end")
    end = timespec.parse_time(end_text, tz=ctx.zone, now=now) if end_text else None
    duration = _text(args, "duration")
    attendees, names = core.parse_guests(_strings(args, "attendees"), "attendees")
    all_day = _bool(args, "all_day") or None
    return core.Changes(
        summary=_text(args, "title"),
        start=when.moment if when is not None else None,
        start_day=when.day if when is not None else None,
        end=end,
        duration=core.parse_duration(duration) if duration is not None else None,
        all_day=all_day,
        location=_text(args, "location"),
        description=_text(args, "description"),
        attendees=attendees if attendees or not edit else None,
        guest_names=names,
    )


def _write(
    ctx: ToolContext, args: Dict[str, Any], verb: str, call: Callable[[Settings, Any], Any]
) -> Dict[str, Any]:
    """Run one of `gcal.commands.writes`' commands: its request printed (dry_run) or its
    answer (the resource plus calendarId, as `--format json` prints it)."""
    dry_run = _bool(args, "dry_run")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        common = {"zone": ctx.zone, "dry_run": dry_run, "send_updates": _send_updates(args)}
        call(ctx.fmt("ndjson"), common)
    text = out.getvalue()
    if dry_run:
        from gcal.logs import redact

        return {
            "dryRun": True,
            "request": redact(text.strip()),
            "summary": f"dry run: nothing {verb}; this request would be sent",
            "timeZone": ctx.zone_name,
        }
    from gcal.commands.writes import line

    rows = _rows(text)
    done = "; ".join(
        line(verb, r, str(r.get("calendarId") or ""), ctx.zone) for r in rows if isinstance(r, dict)
    )
    return {
        "dryRun": False,
        "rows": rows,
        "count": len(rows),
        "summary": f"{done or verb} ('gcal undo' takes it back)",
        "timeZone": ctx.zone_name,
    }


def add_event(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import writes

    title = _text(args, "title", required=True)
    if _text(args, "start") is None:
        raise ToolError("'start' is required (e.g. '2026-12-08T09:00:00' or 'tomorrow 09:00')")
    changes = _changes(ctx, {**args, "title": title}, edit=False)
    calendar = _text(args, "calendar")
    return _write(ctx, args, "added", lambda s, c: writes.add(s, calendar, changes, **c))


def update_event(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import writes

    calendar = _text(args, "calendar", required=True) or ""
    event_id = _text(args, "event_id", required=True) or ""
    changes = _changes(ctx, args, edit=True)
    if changes.is_empty():
        raise ToolError("nothing to change: give title, start, end, duration, location, ...")
    return _write(
        ctx,
        args,
        "changed",
        lambda s, c: writes.edit(s, calendar, event_id, changes, following=False, **c),
    )


def delete_event(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import writes

    calendar = _text(args, "calendar", required=True) or ""
    event_id = _text(args, "event_id", required=True) or ""
    return _write(
        ctx,
        args,
        "deleted",
        lambda s, c: writes.delete(s, calendar, [event_id], yes=True, **c),
    )


def rsvp(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import writes

    calendar = _text(args, "calendar", required=True) or ""
    event_id = _text(args, "event_id", required=True) or ""
    answer = _text(args, "answer", required=True) or ""
    comment = _text(args, "comment")
    return _write(
        ctx,
        args,
        "answered",
        lambda s, c: writes.rsvp(s, calendar, event_id, answer, comment=comment, **c),
    )


# --------------------------------------------------------------------------------------------
# The tools' names, descriptions and input schemas

_LIMIT = {
    "type": "integer",
    "minimum": 1,
    "maximum": MAX_LIMIT,
    "default": DEFAULT_LIMIT,
    "description": "At most this many rows; the answer says when it was cut.",
}
_TIME = (
    "RFC 3339 (2026-12-08T09:00:00+01:00), a date (2026-12-08), or gcal's time grammar "
    "(today, tomorrow, friday, +3d, 'fri 9am'); without an offset, the user's zone."
)
_CALENDARS = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Calendars by id or name (default: those shown in Google Calendar).",
}
_DRY_RUN = {
    "type": "boolean",
    "default": False,
    "description": "Only show the request that would be sent; change nothing.",
}
_SEND_UPDATES = {
    "type": "string",
    "enum": ["all", "external", "none"],
    "default": "none",
    "description": "Who gets an email about the change.",
}
_EVENT_FIELDS = {
    "title": {"type": "string", "description": "The event's title."},
    "start": {"type": "string", "description": "When it starts: " + _TIME},
    "end": {"type": "string", "description": "When it ends (all-day: its last day)."},
    "duration": {"type": "string", "description": "How long: 45m, 1h30m, 2h, 1d."},
    "all_day": {"type": "boolean", "description": "A whole-day event."},
    "location": {"type": "string"},
    "description": {"type": "string"},
    "attendees": {
        "type": "array",
        "items": {"type": "string"},
        "description": "Guests: name@example.com or 'Name <name@example.com>'.",
    },
}


def _schema(properties: Dict[str, Any], required: Sequence[str] = ()) -> Dict[str, Any]:
    schema: Dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


@dataclasses.dataclass(frozen=True)
class Tool:
    name: str
    description: str
    schema: Dict[str, Any]
    run: Callable[[ToolContext, Dict[str, Any]], Dict[str, Any]]
    writes: bool = False


READ_TOOLS: Tuple[Tool, ...] = (
    Tool(
        "list_calendars",
        "The user's calendars (id, name, access role, whether shown), from the local store.",
        _schema({"limit": _LIMIT}),
        list_calendars,
    ),
    Tool(
        "agenda",
        "Events of a window across the shown calendars, merged by start time (as 'gcal "
        "agenda'). Default: today and the next 6 days. Rows are Calendar API events plus "
        "calendarId; times are RFC 3339.",
        _schema(
            {
                "start": {"type": "string", "description": "Start of the window: " + _TIME},
                "end": {"type": "string", "description": "Last day of the window (included)."},
                "calendars": _CALENDARS,
                "query": {"type": "string", "description": "Only events whose text matches."},
                "limit": _LIMIT,
            }
        ),
        agenda,
    ),
    Tool(
        "get_event",
        "One event in full (as 'gcal show CALENDAR EVENT_ID --format json').",
        _schema(
            {
                "calendar": {"type": "string", "description": "Calendar id or name."},
                "event_id": {"type": "string", "description": "The event's id."},
                "limit": _LIMIT,
            },
            ["calendar", "event_id"],
        ),
        get_event,
    ),
    Tool(
        "search",
        "Events found by their words in the local store's full-text index (as 'gcal "
        'search\'): words (all must occur), word*, "a phrase", title:, where:, who:, desc:, '
        "-word, OR. Default: all stored time, best match first.",
        _schema(
            {
                "text": {"type": "string", "description": "What to look for."},
                "start": {"type": "string", "description": "Only from this time: " + _TIME},
                "end": {"type": "string", "description": "Only up to this time (a day: whole)."},
                "calendars": _CALENDARS,
                "order": {"type": "string", "enum": ["rank", "start"], "default": "rank"},
                "limit": _LIMIT,
            },
            ["text"],
        ),
        search,
    ),
    Tool(
        "free_slots",
        "Stretches of free time every given calendar shares, within working hours (as 'gcal "
        "free'). Rows: start, end, minutes.",
        _schema(
            {
                "calendars": _CALENDARS,
                "duration": {
                    "type": "string",
                    "description": "Shortest slot worth showing: 30m (default), 1h, 1h30m.",
                },
                "start": {"type": "string", "description": "Start (default: now). " + _TIME},
                "end": {"type": "string", "description": "End (default: +7d from start)."},
                "hours": {
                    "type": "string",
                    "description": "Working hours, 09:00-17:00 (default), or 'all'.",
                },
                "days": {
                    "type": "string",
                    "description": "Days of the week: mon-fri (default), all, mon,wed,fri.",
                },
                "limit": _LIMIT,
            }
        ),
        free_slots,
    ),
    Tool(
        "next_event",
        "The event going on now or the next one (as 'gcal next'); with limit, the next "
        "limit events. Declined ones are left out.",
        _schema(
            {
                "within_hours": {
                    "type": "integer",
                    "minimum": 1,
                    "default": 24,
                    "description": "Look this many hours ahead (default 24).",
                },
                "all_day": {"type": "boolean", "description": "Count all-day events too."},
                "calendars": _CALENDARS,
                "limit": {**_LIMIT, "default": 1},
            }
        ),
        next_event,
    ),
    Tool(
        "conflicts",
        "Groups of overlapping busy events, across calendars (as 'gcal conflicts'): each "
        "group's overlap (start, end) and its events. Default: today and the next 13 days.",
        _schema(
            {
                "start": {"type": "string", "description": "Start of the window: " + _TIME},
                "end": {"type": "string", "description": "Last day of the window (included)."},
                "all_day": {"type": "boolean", "description": "Count all-day events too."},
                "calendars": _CALENDARS,
                "limit": _LIMIT,
            }
        ),
        conflicts,
    ),
    Tool(
        "invites",
        "Upcoming invitations still waiting for the user's answer (as 'gcal invites').",
        _schema(
            {
                "days": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_WINDOW_DAYS,
                    "default": 30,
                    "description": "How far ahead to look, in days.",
                },
                "calendars": _CALENDARS,
                "limit": _LIMIT,
            }
        ),
        invites,
    ),
)

WRITE_TOOLS: Tuple[Tool, ...] = (
    Tool(
        "add_event",
        "Add an event (as 'gcal add'); 'gcal undo' takes it back.",
        _schema(
            {
                **_EVENT_FIELDS,
                "calendar": {"type": "string", "description": "Calendar (default: primary)."},
                "send_updates": _SEND_UPDATES,
                "dry_run": _DRY_RUN,
            },
            ["title", "start"],
        ),
        add_event,
        True,
    ),
    Tool(
        "update_event",
        "Change only the given fields of an event (as 'gcal edit'); sent with If-Match, so "
        "an event changed meanwhile is not overwritten.",
        _schema(
            {
                "calendar": {"type": "string"},
                "event_id": {"type": "string"},
                **_EVENT_FIELDS,
                "send_updates": _SEND_UPDATES,
                "dry_run": _DRY_RUN,
            },
            ["calendar", "event_id"],
        ),
        update_event,
        True,
    ),
    Tool(
        "delete_event",
        "Delete an event or a whole series (as 'gcal delete --yes'); 'gcal undo' brings it back.",
        _schema(
            {
                "calendar": {"type": "string"},
                "event_id": {"type": "string"},
                "send_updates": _SEND_UPDATES,
                "dry_run": _DRY_RUN,
            },
            ["calendar", "event_id"],
        ),
        delete_event,
        True,
    ),
    Tool(
        "rsvp",
        "Answer an invitation: yes, no or maybe (as 'gcal rsvp'); only the user's own guest "
        "entry is sent.",
        _schema(
            {
                "calendar": {"type": "string"},
                "event_id": {"type": "string"},
                "answer": {"type": "string", "enum": ["yes", "no", "maybe"]},
                "comment": {"type": "string"},
                "send_updates": _SEND_UPDATES,
                "dry_run": _DRY_RUN,
            },
            ["calendar", "event_id", "answer"],
        ),
        rsvp,
        True,
    ),
)


def tools(writes: bool) -> List[Tool]:
    return [*READ_TOOLS, *(WRITE_TOOLS if writes else ())]


# --------------------------------------------------------------------------------------------
# Calling a tool: the answer, or a plain message


def _scrub(text: str) -> str:
    """A message as a model may see it: one line, no token, no path of the user's."""
    from gcal.core.sanitize import one_line
    from gcal.logs import redact

    text = one_line(redact(text))
    places = []
    for name in ("GCAL_CONFIG_DIR", "GCAL_CACHE_DIR", "GCAL_DATA_DIR", "HOME"):
        value = os.environ.get(name)
        if value and len(value) > 1:
            places.append(value.rstrip("/"))
    try:
        from gcal import paths

        for getter in ("config_dir", "cache_dir"):
            found = getattr(paths, getter, None)
            if callable(found):
                places.append(str(found()).rstrip("/"))
    except Exception:  # the paths are a nicety here, never a failure
        pass
    for place in sorted(set(places), key=len, reverse=True):
        text = text.replace(place, "…")
    # any other absolute path left (a file name in an OS error)
    return re.sub(r"(?<![\w:/])/(?:[^\s'\"/]+/)+[^\s'\"]*", "…", text)


def call(ctx: ToolContext, name: str, args: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """Run tool `name`; raise ToolError (a plain message) for anything that went wrong."""
    chosen = {tool.name: tool for tool in tools(ctx.writes)}.get(name)
    if chosen is None:
        raise ToolError(f"no tool named {name!r}")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ToolError("the arguments must be an object")
    try:
        _check_known(name, args, chosen.schema)
        return chosen.run(ctx, args)
    except ToolError as exc:
        raise ToolError(_scrub(str(exc))) from None
    except GcalError as exc:
        raise ToolError(_scrub(exc.message)) from None
    except RecursionError:
        raise ToolError("the input is nested too deeply") from None
    except (ValueError, OverflowError, TypeError) as exc:
        raise ToolError(_scrub(f"bad input: {exc}")) from None
    except OSError as exc:
        raise ToolError(_scrub(f"a local file problem: {exc.strerror or exc}")) from None
