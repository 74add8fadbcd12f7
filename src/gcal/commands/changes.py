"""`gcal changes [--since 1d]`: what was added, changed and removed, from the store's history.

Every sync records what it applied (`gcal.store.sync`): the event, the kind of change, its
title, place and times before and after, when it was seen, and whether gcal's own write made
it. This reads that history back, oldest first, grouped by the day each change was seen, in
words from `gcal.core.changes`; json/ndjson give the rows as data.
"""

from __future__ import annotations

import datetime
import json
import sys
from typing import Any, Dict, List, Optional, Sequence, TextIO

from gcal.core import changes as core
from gcal.core.calendars import calendar_name, select_calendars
from gcal.core.sanitize import encodable, json_text, one_line
from gcal.settings import Settings

DEFAULT_SINCE = 86400.0
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def since_of(text: Optional[str], zone: datetime.tzinfo, now: datetime.datetime) -> float:
    """--since as an instant: a duration back from now (30m, 12h, 7d) or a time in the grammar
    (yesterday, 2026-12-01, '-2w'); a bare weekday (monday, 'fri 9am') is the last one, today's
    when it has begun. History is only in the past: a time after `now` (tomorrow, +3d, next
    week), or one too far back to be a date, is a UsageError (exit 2)."""
    from gcal.errors import UsageError

    if text is None:
        return now.timestamp() - DEFAULT_SINCE
    import re

    from gcal.core import timespec

    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text.lower())
    if found:
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}[found.group(2)]
        try:
            moment = now - datetime.timedelta(seconds=float(found.group(1)) * unit)
            moment.astimezone(datetime.timezone.utc)
        except (ArithmeticError, ValueError):
            raise UsageError(
                f"--since {one_line(text)!r} reaches back before the year 1; "
                "give a shorter duration or a date"
            ) from None
        return moment.timestamp()
    try:
        moment = timespec.parse_start(text, tz=zone, now=now)
    except UsageError as exc:
        raise UsageError(
            f"--since {text!r} is neither a duration (30m, 12h, 7d) nor a time: {exc.message}"
        ) from None
    if moment > now and timespec.names_bare_weekday(text):
        week = datetime.timedelta(days=7)
        while moment > now:  # aware arithmetic is wall-clock: the same hour across DST
            moment = moment - week
    if moment > now:
        shown = moment.astimezone(zone)
        raise UsageError(
            f"--since {one_line(text)!r} is in the future ({shown:%a %Y-%m-%d %H:%M}): "
            "changes are only in the past; give a duration back (30m, 12h, 7d) or a past time"
        )
    return moment.timestamp()


def _read(
    settings: Settings,
    since: float,
    calendars: Sequence[str],
    cached: bool,
    max_age: float,
    err: TextIO,
    label: str,
) -> Optional[List[Dict[str, Any]]]:
    from gcal.commands import search, stored

    if cached:
        source = stored.StoreSource(settings, offline=False, max_age=max_age, err=err, label=label)
        entries = source.calendar_list()
        if source.live is None:
            chosen = select_calendars(entries, calendars)
            stored.freshen(settings, [e["id"] for e in chosen], max_age, err, label=label)
    store = stored.open_reader(settings)
    if store is None:
        return None
    rows: List[Dict[str, Any]] = []
    with store, store.snapshot():
        entries = search._entries(store)
        names = {e["id"]: e for e in entries}
        wanted = None
        if calendars:
            wanted = {
                stored.resolve_id(store, e["id"]) for e in select_calendars(entries, calendars)
            }
        try:
            found = store.conn.execute(
                "SELECT seen_at, calendar_id, event_id, change, before, after, by_gcal "
                "FROM history WHERE seen_at >= ? ORDER BY seq",
                (since,),
            ).fetchall()
        except Exception as exc:  # a store from before the history: nothing recorded yet
            if "no such table" in str(exc):
                return []
            raise
        for row in found:
            if wanted is not None and row["calendar_id"] not in wanted:
                continue
            rows.append(
                {
                    "seen_at": row["seen_at"],
                    "calendar": names.get(row["calendar_id"], {"id": row["calendar_id"]}),
                    "calendar_id": row["calendar_id"],
                    "id": row["event_id"],
                    "change": row["change"],
                    "before": _load(row["before"]),
                    "after": _load(row["after"]),
                    "by_gcal": bool(row["by_gcal"]),
                    "profile": settings.profile,
                }
            )
    return rows


def _load(text: Any) -> Optional[Dict[str, Any]]:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return {k: v for k, v in value.items() if v is not None}


def run(
    profiles: Sequence[Settings],
    since: float,
    zone: datetime.tzinfo,
    *,
    now: datetime.datetime,
    calendars: Sequence[str] = (),
    cached: bool = False,
    max_age: float = 300.0,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    from gcal.commands.stored import sync_command
    from gcal.render.formats import default_format
    from gcal.render.terminal import isatty

    out = out or sys.stdout
    err = err or sys.stderr
    several = len(profiles) > 1
    rows: List[Dict[str, Any]] = []
    read_any = False
    for settings in profiles:
        label = f"profile {settings.profile}: " if several else ""
        found = _read(settings, since, calendars, cached, max_age, err, label)
        if found is None:
            err.write(
                f"gcal: {label}no store yet, so no history: '{sync_command(settings)}' records "
                "what each sync brings\n"
            )
            continue
        read_any = True
        rows.extend(found)
    rows.sort(key=lambda r: r["seen_at"])
    fmt = profiles[0].format or default_format(isatty(out))
    if fmt == "ics":
        from gcal.errors import UsageError
        from gcal.render.formats import ics_refusal

        raise UsageError(ics_refusal("changes"))
    write(fmt, out, rows, zone, now=now, several=several, csv_raw=profiles[0].csv_raw)
    if not rows and read_any and fmt == "table":
        when = datetime.datetime.fromtimestamp(since, zone)
        out.write(f"No changes since {when:%a %Y-%m-%d %H:%M}.\n")
        out.flush()
    err.flush()
    return 0


def _iso(ts: float, zone: datetime.tzinfo) -> str:
    from gcal.core.timespec import to_rfc3339

    return to_rfc3339(datetime.datetime.fromtimestamp(ts, zone).replace(microsecond=0))


def to_json(row: Dict[str, Any], zone: datetime.tzinfo, several: bool) -> Dict[str, Any]:
    data = {
        "change": row["change"],
        "calendarId": row["calendar_id"],
        "id": row["id"],
        "seenAt": _iso(row["seen_at"], zone),
        "before": row["before"],
        "after": row["after"],
        "kinds": core.kinds(row["change"], row["before"], row["after"]),
        "byGcal": row["by_gcal"],
    }
    if several:
        data["profile"] = row["profile"]
    return data


CSV_COLUMNS = (
    "seen_at", "change", "kinds", "calendar_id", "id", "summary", "before_start", "after_start",
    "by_gcal",
)  # fmt: skip


def _start_text(brief: Any) -> str:
    start = (brief or {}).get("start") or {}
    return str(start.get("dateTime") or start.get("date") or "")


def write(
    fmt: str,
    out: TextIO,
    rows: List[Dict[str, Any]],
    zone: datetime.tzinfo,
    *,
    now: datetime.datetime,
    several: bool = False,
    csv_raw: bool = False,
) -> None:
    from gcal.render.terminal import isatty

    terminal = isatty(out)
    if fmt == "json":
        data = [to_json(r, zone, several) for r in rows]
        out.write(json_text(data, terminal=terminal, indent=2) + "\n")
    elif fmt == "ndjson":
        for row in rows:
            out.write(json_text(to_json(row, zone, several), terminal=terminal) + "\n")
    elif fmt in ("csv", "tsv"):
        from gcal.render.formats import RowWriter

        writer = RowWriter(out, fmt, raw=csv_raw, terminal=terminal)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            data = to_json(row, zone, several)
            cells = [
                data["seenAt"],
                data["change"],
                " ".join(data["kinds"]),
                data["calendarId"],
                data["id"],
                core.title(row["after"] or row["before"]),
                _start_text(row["before"]),
                _start_text(row["after"]),
                "true" if row["by_gcal"] else "false",
            ]
            writer.writerow([str(c) for c in cells])
    else:
        from gcal.render.lines import fold
        from gcal.render.terminal import terminal_width

        encoding = getattr(out, "encoding", None)
        width = terminal_width(out)
        today = now.astimezone(zone).date()
        day = None
        for row in rows:
            seen = datetime.datetime.fromtimestamp(row["seen_at"], zone)
            if seen.date() != day:
                if day is not None:
                    out.write("\n")
                day = seen.date()
                heading = f"{_WEEKDAYS[day.weekday()]} {day:%Y-%m-%d}"
                if day == today:
                    heading = f"Today ({heading})"
                elif day == today - datetime.timedelta(days=1):
                    heading = f"Yesterday ({heading})"
                out.write(encodable(heading, encoding) + "\n")
            verb, text = core.describe(row["change"], row["before"], row["after"], zone)
            name = calendar_name(row["calendar"])
            if several:
                name = f"{row['profile']}: {name}"
            line = f"  {seen:%H:%M}  {verb:<10} {one_line(text)}  · {one_line(name)}"
            if row["by_gcal"]:
                line += "  (by gcal)"
            out.write(encodable(fold(line, width), encoding) + "\n")
    out.flush()
