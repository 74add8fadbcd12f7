"""How each tool of `gcal mcp` answers: by running the CLI's own command for the same question.

Every reading tool runs its command function with `--format ndjson` into a buffer and reads
the rows back (`answer`), so a tool's rows are the CLI's ndjson rows for the same question,
byte for byte. They answer from the local store, synced first (incrementally) when it is older
than `max_age`, as `--cached` does; `get_event` and `free_slots` ask the API, as `gcal show`
and `gcal free` do. The write tools go through `gcal.commands.writes` (If-Match, the journal,
`gcal undo`, the login asking for write access only when a write needs it).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
from typing import Any, Callable, Dict, List, Sequence, Union

from gcal.commands import mcpinput as arg
from gcal.commands.mcpinput import ToolContext, ToolError
from gcal.core.sanitize import one_line
from gcal.settings import Settings

#: a command run into buffers: its ndjson rows written on the first, its problems (failed
#: calendars, store warnings) on the second; what it returns is not read
Run = Callable[[io.StringIO, io.StringIO], Any]


def answer(
    ctx: ToolContext,
    run: Run,
    *,
    limit: int,
    what: str,
    summary: Union[str, Callable[[List[Any]], str]],
    **extra: Any,
) -> Dict[str, Any]:
    """A reading tool's answer: the rows `run` wrote, cut at `limit` (a command that takes a
    limit is asked for one more, so that a cut shows), the problems it wrote, the summary (or
    `summary(rows)` of the rows kept) and the `extra` fields."""
    out, err = io.StringIO(), io.StringIO()
    run(out, err)
    rows = _rows(out.getvalue())
    truncated = len(rows) > limit
    rows = rows[:limit]
    return result(
        ctx,
        rows,
        limit=limit,
        truncated=truncated,
        what=what,
        summary=summary if isinstance(summary, str) else summary(rows),
        # the command's own note on its cut names a command-line option; the answer says it
        problems=[line for line in _problems(err) if "--limit N shows more" not in line],
        **extra,
    )


def result(
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
    """The JSON of an answer: the zone, the rows and their count, whether (and where) they were
    cut, the problems met (scrubbed), and the summary saying all that in a line."""
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
        problems = [arg.scrub(line) for line in problems]
        data["problems"] = problems
        text += "; problems: " + "; ".join(problems)
    data["summary"] = text
    return data


def _rows(text: str) -> List[Any]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _problems(err: io.StringIO) -> List[str]:
    """The lines a command wrote on stderr, without the 'gcal: ' prefix."""
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


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------------
# The reading tools


def list_calendars(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    limit = arg.limit(args)
    listed: List[Any] = []

    def run(out: io.StringIO, err: io.StringIO) -> None:
        source = ctx.source_for(err)(ctx.settings)
        try:
            listed.extend(source.calendar_list())
        finally:
            source.close()
        out.writelines(json.dumps(entry, ensure_ascii=False) + "\n" for entry in listed)

    def summary(rows: List[Any]) -> str:
        shown = sum(1 for entry in listed if entry.get("selected"))
        return f"{len(listed)} calendars on the list, {shown} shown in Google Calendar"

    return answer(ctx, run, limit=limit, what="calendars", summary=summary)


def agenda(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands.agenda_profiles import run_agenda

    limit = arg.limit(args)
    # as `gcal agenda`: config.toml's `days` when no end is given, else 7
    days = int(ctx.defaults.get("days") or 7)
    span = arg.span(ctx, arg.text(args, "start"), arg.text(args, "end"), days)
    query = arg.text(args, "query")
    filters = arg.filters(ctx, query)
    calendars = arg.calendars(ctx, arg.strings(args, "calendars"))
    window = f"{_iso(span.start)} to {_iso(span.end)}"
    return answer(
        ctx,
        lambda out, err: run_agenda(
            [ctx.fmt()],
            span,
            ctx.zone,
            ctx.zone_name,
            source_for=ctx.source_for(err, filters),
            calendars=calendars,
            all_calendars=False,
            filters=filters,
            no_declined=bool(ctx.defaults.get("no_declined")),
            limit=limit + 1,
            out=out,
            err=err,
        ),
        limit=limit,
        what="events",
        summary=lambda rows: (
            f"{len(rows)} events from {window} ({ctx.zone_name})"
            + (f" matching {one_line(query)!r}" if query else "")
        ),
        start=_iso(span.start),
        end=_iso(span.end),
    )


def get_event(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import show
    from gcal.commands.calendars import resolve_calendar

    calendar = arg.text(args, "calendar", required=True) or ""
    event_id = arg.text(args, "event_id", required=True) or ""
    calendar_id = resolve_calendar(ctx.settings, calendar, what="calendar")
    request = {"calendarId": calendar_id, "eventId": event_id}

    def summary(rows: List[Any]) -> str:
        event = rows[0] if rows else {}
        title = event.get("summary") if isinstance(event, dict) else None
        return f"event {one_line(event_id)!r}: {one_line(str(title or '(no title)'))}"

    return answer(
        ctx,
        lambda out, err: show.run(
            ctx.fmt(), request, zone=ctx.zone, zone_name=ctx.zone_name, out=out, now=ctx.now()
        ),
        limit=1,
        what="events",
        summary=summary,
        calendarId=calendar_id,
    )


def free_slots(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import free
    from gcal.commands.freebusy import FreeBusyQuery
    from gcal.core import freespec, timespec

    limit = arg.limit(args)
    now = ctx.now()
    start = timespec.parse_start(arg.text(args, "start") or "now", tz=ctx.zone, now=now)
    end = timespec.parse_time(arg.text(args, "end") or "+7d", tz=ctx.zone, now=start)
    arg.check_window(start, end)
    calendars = arg.strings(args, "calendars") or list(ctx.defaults.get("calendars") or ())
    # as `gcal free`: no calendars named (here or in config.toml) is my own time
    query = FreeBusyQuery(time_min=start, time_max=end, ids=tuple(calendars), own_time=True)
    duration = arg.text(args, "duration") or "30m"
    rules = free.SlotRules(
        duration=freespec.parse_duration(duration),
        hours=freespec.parse_hours(arg.text(args, "hours") or "09:00-17:00"),
        days=freespec.parse_days(arg.text(args, "days") or "mon-fri", "days"),
        step=datetime.timedelta(minutes=5),
        limit=limit + 1,
    )
    rules.check()
    return answer(
        ctx,
        lambda out, err: free.run(
            ctx.fmt(), query, rules, ctx.zone, zone_name=ctx.zone_name, out=out
        ),
        limit=limit,
        what="slots",
        summary=lambda rows: (
            f"{len(rows)} free slots of at least {duration} "
            f"from {_iso(start)} to {_iso(end)} ({ctx.zone_name})"
        ),
        start=_iso(start),
        end=_iso(end),
    )


def next_event(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import upnext

    limit = arg.limit(args, 1)
    hours = arg.whole(args, "within_hours", 24, 1, 24 * arg.MAX_WINDOW_DAYS)
    all_day = arg.flag(args, "all_day")
    calendars = arg.calendars(ctx, arg.strings(args, "calendars"))

    def summary(rows: List[Any]) -> str:
        if not rows:
            return f"no event in the next {hours} hours"
        first = rows[0]
        minutes = first.get("minutesUntil")
        when = "now" if isinstance(minutes, int) and minutes <= 0 else f"in {minutes} min"
        return f"next: {one_line(str(first.get('summary') or '(no title)'))} ({when})"

    return answer(
        ctx,
        lambda out, err: upnext.run(
            [ctx.fmt()],
            ctx.zone,
            now=ctx.now(),
            within=hours * 3600.0,
            all_day=all_day,
            calendars=calendars,
            source_for=ctx.source_for(err),
            limit=limit + 1,
            out=out,
            err=err,
        ),
        limit=limit,
        what="events",
        summary=summary,
    )


def invites(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import invites as command

    limit = arg.limit(args)
    days = arg.whole(args, "days", 30, 1, arg.MAX_WINDOW_DAYS)
    calendars = arg.calendars(ctx, arg.strings(args, "calendars"))
    return answer(
        ctx,
        lambda out, err: command.run(
            [ctx.fmt()],
            ctx.zone,
            ctx.zone_name,
            now=ctx.now(),
            days=days,
            rsvp=ctx.writes,
            calendars=calendars,
            source_for=ctx.source_for(err),
            out=out,
            err=err,
        ),
        limit=limit,
        what="invitations",
        summary=lambda rows: (
            f"{len(rows)} invitations waiting for an answer in the next {days} days"
        ),
    )


def search(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import search as command

    limit = arg.limit(args)
    text = arg.text(args, "text", required=True) or ""
    command.parse_query(text)  # a bad query is a plain error before anything is opened
    now = ctx.now()
    window = command.window_of(arg.text(args, "start"), arg.text(args, "end"), ctx.zone, now)
    calendars = arg.calendars(ctx, arg.strings(args, "calendars"))
    return answer(
        ctx,
        lambda out, err: command.run(
            [ctx.fmt()],
            text,
            window,
            ctx.zone,
            now=now,
            calendars=calendars,
            order=str(args.get("order") or "rank"),
            offline=ctx.offline,
            cached=not ctx.offline,
            max_age=ctx.max_age,
            limit=limit + 1,
            out=out,
            err=err,
        ),
        limit=limit,
        what="events",
        summary=lambda rows: f"{len(rows)} events matching {one_line(text)!r}",
    )


def conflicts(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import conflicts as command

    limit = arg.limit(args)
    span = arg.span(ctx, arg.text(args, "start"), arg.text(args, "end"), command.DEFAULT_DAYS)
    all_day = arg.flag(args, "all_day")
    calendars = arg.strings(args, "calendars")
    window = f"{_iso(span.start)} to {_iso(span.end)}"
    return answer(
        ctx,
        lambda out, err: command.run(
            [ctx.fmt()],
            span,
            ctx.zone,
            all_day=all_day,
            calendars=calendars,
            source_for=ctx.source_for(err),
            out=out,
            err=err,
        ),
        limit=limit,
        what="conflicts",
        summary=lambda rows: (
            f"{len(rows)} groups of overlapping events from {window} ({ctx.zone_name})"
        ),
        start=_iso(span.start),
        end=_iso(span.end),
    )


# --------------------------------------------------------------------------------------------
# The writing tools (listed only with --allow-writes)


def _write(
    ctx: ToolContext, args: Dict[str, Any], verb: str, call: Callable[[Settings, Any], Any]
) -> Dict[str, Any]:
    """Run one of `gcal.commands.writes`' commands: its request printed (dry_run) or its
    answer (the resource plus calendarId, as `--format json` prints it)."""
    dry_run = arg.flag(args, "dry_run")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        common = {"zone": ctx.zone, "dry_run": dry_run, "send_updates": arg.send_updates(args)}
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

    title = arg.text(args, "title", required=True)
    if arg.text(args, "start") is None:
        raise ToolError("'start' is required (e.g. '2026-12-08T09:00:00' or 'tomorrow 09:00')")
    changes = arg.changes(ctx, {**args, "title": title}, edit=False)
    calendar = arg.text(args, "calendar")
    return _write(ctx, args, "added", lambda s, c: writes.add(s, calendar, changes, **c))


def update_event(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import writes

    calendar = arg.text(args, "calendar", required=True) or ""
    event_id = arg.text(args, "event_id", required=True) or ""
    changes = arg.changes(ctx, args, edit=True)
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

    calendar = arg.text(args, "calendar", required=True) or ""
    event_id = arg.text(args, "event_id", required=True) or ""
    return _write(
        ctx,
        args,
        "deleted",
        lambda s, c: writes.delete(s, calendar, [event_id], yes=True, **c),
    )


def rsvp(ctx: ToolContext, args: Dict[str, Any]) -> Dict[str, Any]:
    from gcal.commands import writes

    calendar = arg.text(args, "calendar", required=True) or ""
    event_id = arg.text(args, "event_id", required=True) or ""
    reply = arg.text(args, "answer", required=True) or ""
    comment = arg.text(args, "comment")
    return _write(
        ctx,
        args,
        "answered",
        lambda s, c: writes.rsvp(s, calendar, event_id, reply, comment=comment, **c),
    )
