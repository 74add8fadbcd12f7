"""`gcal search TEXT [START [END]]`: full-text search over the local store.

Each profile's store answers through its index (`gcal.store.search`); `--cached` syncs what is
older than --max-age first. With no store at all (never synced) and neither --offline nor
--cached, the Calendar API's own `q` answers instead, over the agenda's calendars, and one line
on stderr says so. Hits from several profiles are merged best first (bm25), or by start with
`--order start`. json/ndjson rows are the events as stored plus `calendarId` and `rank` (1 is
the best match); csv/tsv have fixed columns; the table highlights the matched words on a
terminal. Every byte of event text goes through `gcal.core.sanitize`.
"""

from __future__ import annotations

import dataclasses
import datetime
import sys
from typing import Any, Dict, List, Optional, Sequence, TextIO, Tuple

from gcal.core import textsearch
from gcal.core.calendars import calendar_name, select_calendars
from gcal.core.sanitize import encodable, json_text, one_line
from gcal.errors import NotFoundError, UsageError
from gcal.settings import Settings

#: hits shown unless --limit or --all says otherwise
DEFAULT_LIMIT = 100
#: the live fallback's window when none is given: a year either side of now
LIVE_REACH = datetime.timedelta(days=366)
#: with --instances and no END, occurrences of a series that never ends up to this far ahead
INSTANCES_REACH = datetime.timedelta(days=366)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclasses.dataclass
class Found:
    calendar: Dict[str, Any]
    event: Dict[str, Any]
    score: float
    start: float
    profile: str


def parse_query(text: str) -> textsearch.Query:
    try:
        return textsearch.parse(text)
    except textsearch.QueryError as exc:
        raise UsageError(f"TEXT: {exc}") from None


def window_of(
    start: Optional[str], end: Optional[str], zone: datetime.tzinfo, now: datetime.datetime
) -> Tuple[Optional[datetime.datetime], Optional[datetime.datetime]]:
    """START and END in the time grammar (END a whole day when it names one); none: all time."""
    from gcal.core import timespec

    lo = hi = None
    if start is not None:
        lo = timespec.parse_start(start, tz=zone, now=now).astimezone(zone)
    if end is not None:
        hi = timespec.parse_time(end, tz=zone, now=lo or now, end_of_day=True).astimezone(zone)
        if lo is not None and hi <= lo:
            raise UsageError(f"END {end!r} is not after START {start!r}")
    return lo, hi


def run(
    profiles: Sequence[Settings],
    text: str,
    window: Tuple[Optional[datetime.datetime], Optional[datetime.datetime]],
    zone: datetime.tzinfo,
    *,
    now: datetime.datetime,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    order: str = "rank",
    instances: bool = False,
    offline: bool = False,
    cached: bool = False,
    max_age: float = 300.0,
    limit: Optional[int] = None,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    query = parse_query(text)
    lo, hi = window
    bounds = (lo.timestamp() if lo else None, hi.timestamp() if hi else None)
    if instances and bounds[1] is None:
        bounds = (
            bounds[0],
            (max(lo, now) if lo else now).timestamp() + INSTANCES_REACH.total_seconds(),
        )
    found: List[Found] = []
    several = len(profiles) > 1
    total = 0
    exact = True
    for settings in profiles:
        label = f"profile {settings.profile}: " if several else ""
        answer = _from_store(
            settings,
            query,
            bounds,
            now,
            calendars,
            all_calendars,
            instances,
            offline,
            cached,
            max_age,
            err,
            label,
            order,
            limit,
        )
        if answer is None:
            hits = _live(
                settings, text, window, now, calendars, all_calendars, instances, err, label
            )
            answer = (hits, len(hits), True)
        found.extend(answer[0])
        total += answer[1]
        exact = exact and answer[2]
    if several:
        dropped = len(found)
        found = _one_per_meeting(found)
        total -= dropped - len(found)
    found.sort(key=lambda f: (f.score, f.start))
    ranked = [(n, f) for n, f in enumerate(found, 1)]
    if order == "start":
        ranked.sort(key=lambda pair: (pair[1].start, pair[0]))
    if limit is not None:
        ranked = ranked[:limit]
    if len(ranked) < total:
        about = "" if exact else "about "
        err.write(
            f"gcal: the first {len(ranked):,} of {about}{total:,} matches; --limit N shows more, "
            "--all every one\n"
        )
        err.flush()
    write(
        profiles[0].format,
        out,
        ranked,
        query,
        zone,
        several=several,
        csv_raw=profiles[0].csv_raw,
        text=text,
    )
    return 0


def _one_per_meeting(found: List[Found]) -> List[Found]:
    """The same meeting seen from two profiles (same iCalUID and start) is one hit."""
    seen = set()
    kept = []
    for item in sorted(found, key=lambda f: (f.score, f.start)):
        uid = item.event.get("iCalUID")
        key = (
            (uid, item.start)
            if uid
            else (item.profile, item.calendar.get("id"), item.event.get("id"))
        )
        if key in seen:
            continue
        seen.add(key)
        kept.append(item)
    return kept


def _entries(store: Any) -> List[Dict[str, Any]]:
    import json

    entries = []
    for row in store.calendar_rows():
        try:
            entry = json.loads(row["entry"])
        except ValueError:
            continue
        if isinstance(entry, dict):
            entry.setdefault("id", row["id"])
            entries.append(entry)
    return entries


def _from_store(
    settings: Settings,
    query: textsearch.Query,
    bounds: Tuple[Optional[float], Optional[float]],
    now: datetime.datetime,
    calendars: Sequence[str],
    all_calendars: bool,
    instances: bool,
    offline: bool,
    cached: bool,
    max_age: float,
    err: TextIO,
    label: str,
    order: str = "rank",
    limit: Optional[int] = None,
) -> Optional[Tuple[List[Found], int, bool]]:
    """The store's first `limit` hits in `order` and how many match in all; None when there is
    no store to ask (the API answers instead)."""
    from gcal.commands import stored
    from gcal.core.calendars import chosen_names
    from gcal.store import search as store_search

    wanted = chosen_names(
        calendars, all_calendars, settings.command_defaults.get("calendars") or ()
    )
    if cached:
        source = stored.StoreSource(settings, offline=False, max_age=max_age, err=err, label=label)
        entries = source.calendar_list()
        if source.live is None:
            chosen = select_calendars(entries, wanted, all_calendars=all_calendars)
            stored.freshen(settings, [e["id"] for e in chosen], max_age, err, label=label)
    store = stored.open_reader(settings)
    if store is None or not store.calendar_rows():
        if store is not None:
            store.close()
        if offline:
            raise NotFoundError(
                f"{label}the store is empty: run '{stored.sync_command(settings)}' first"
            )
        return None
    with store:
        entries = _entries(store)
        chosen = select_calendars(entries, wanted, all_calendars=all_calendars)
        ids = []
        for entry in chosen:
            cid = stored.resolve_id(store, entry["id"])
            row = store.calendar_row(cid)
            if row is None or row["synced_at"] is None:
                if wanted:  # asked for by name: say how to get it
                    raise stored.never_synced(cid, settings)
                continue
            ids.append((cid, entry))
        by_id = dict(ids)
        hits, total, exact = store_search.search(
            store,
            query,
            [cid for cid, _ in ids],
            bounds,
            instances=instances,
            now=now,
            order=order,
            limit=limit,
        )
    kept = [
        Found(by_id[h.calendar_id], h.event or {}, h.score, h.start, settings.profile) for h in hits
    ]
    return kept, total, exact


def _live(
    settings: Settings,
    text: str,
    window: Tuple[Optional[datetime.datetime], Optional[datetime.datetime]],
    now: datetime.datetime,
    calendars: Sequence[str],
    all_calendars: bool,
    instances: bool,
    err: TextIO,
    label: str,
) -> List[Found]:
    """No store: the API's `q` over the agenda's calendars (its own matching, no ranking)."""
    from gcal.commands.agenda import ApiSource, agenda_events
    from gcal.commands.stored import sync_command
    from gcal.core.calendars import chosen_names
    from gcal.core.merge import event_span
    from gcal.core.span import Span

    lo, hi = window
    lo = lo or now - LIVE_REACH
    hi = hi or max(lo, now) + LIVE_REACH
    err.write(
        f"gcal: {label}no local store: asking the Calendar API's own search (no ranking, "
        f"{lo:%Y-%m-%d} to {hi:%Y-%m-%d}); run '{sync_command(settings)}' for full-text search\n"
    )
    err.flush()
    wanted = chosen_names(
        calendars, all_calendars, settings.command_defaults.get("calendars") or ()
    )
    source = ApiSource(settings)
    try:
        agenda = agenda_events(
            source,
            Span(lo, hi),
            lo.tzinfo or datetime.timezone.utc,
            calendars=wanted,
            all_calendars=all_calendars,
            filters={"q": text},
        )
        rows = list(agenda)
    finally:
        source.close()
    if agenda.failures:
        raise agenda.failures[0].error
    found: List[Found] = []
    series_seen: Dict[Tuple[str, str], int] = {}
    cut = now.timestamp()
    for n, row in enumerate(rows):
        first, _last = event_span(row.event, lo.tzinfo or datetime.timezone.utc)
        start = float(first or 0)
        item = Found(row.calendar, row.event, float(n), start, settings.profile)
        series = row.event.get("recurringEventId")
        if instances or not series:
            found.append(item)
            continue
        key = (row.calendar_id, series)
        if key not in series_seen:
            series_seen[key] = len(found)
            found.append(item)
        else:  # keep the next occurrence: the first not over, else the last
            kept = found[series_seen[key]]
            _, kept_end = event_span(kept.event, lo.tzinfo or datetime.timezone.utc)
            if (kept_end or 0) <= cut:
                item.score = kept.score
                found[series_seen[key]] = item
    return found


# -- output --------------------------------------------------------------------------------

CSV_COLUMNS = ("calendar_id", "start", "end", "all_day", "summary", "location", "id", "rank")


def write(
    fmt: Optional[str],
    out: TextIO,
    ranked: List[Tuple[int, Found]],
    query: textsearch.Query,
    zone: datetime.tzinfo,
    *,
    several: bool = False,
    csv_raw: bool = False,
    text: str = "",
) -> None:
    from gcal.render.formats import default_format
    from gcal.render.terminal import color_enabled, isatty

    fmt = fmt or default_format(isatty(out))
    if fmt == "ics":
        from gcal.render.formats import ics_refusal

        raise UsageError(ics_refusal("search"))
    if fmt in ("json", "ndjson"):
        rows = []
        for rank, item in ranked:
            row = {**item.event, "calendarId": item.calendar.get("id"), "rank": rank}
            if several:
                row["profile"] = item.profile
            rows.append(row)
        terminal = isatty(out)
        if fmt == "json":
            out.write(json_text(rows, terminal=terminal, indent=2) + "\n")
        else:
            for row in rows:
                out.write(json_text(row, terminal=terminal) + "\n")
    elif fmt in ("csv", "tsv"):
        _write_delimited(fmt, out, ranked, csv_raw)
    else:
        from gcal.render.lines import fold
        from gcal.render.terminal import terminal_width

        color = color_enabled(out)
        words = query.words()
        encoding = getattr(out, "encoding", None)
        width = terminal_width(out)
        for _rank, item in ranked:
            line = describe(item, zone, words if color else (), several=several)
            out.write(encodable(fold(line, width), encoding) + "\n")
        if not ranked:
            out.write(encodable(f"No event matches {one_line(text)!r}.", encoding) + "\n")
    out.flush()


def _when(event: Dict[str, Any], zone: datetime.tzinfo) -> str:
    start = event.get("start") or {}
    end = event.get("end") or {}
    if "date" in start:
        day = datetime.date.fromisoformat(str(start["date"])[:10])
        text = f"{_WEEKDAYS[day.weekday()]} {day:%Y-%m-%d}"
        last = end.get("date")
        if last:
            stop = datetime.date.fromisoformat(str(last)[:10]) - datetime.timedelta(days=1)
            if stop > day:
                text += f" – {stop:%Y-%m-%d}"
        return text + "  all day"
    from gcal.core.timespec import parse_rfc3339

    begin = parse_rfc3339(str(start.get("dateTime") or ""))
    stop = parse_rfc3339(str(end.get("dateTime") or ""))
    if begin is None:
        return "?"
    begin = begin.astimezone(zone)
    text = f"{_WEEKDAYS[begin.weekday()]} {begin:%Y-%m-%d %H:%M}"
    if stop is not None:
        stop = stop.astimezone(zone)
        text += f"–{stop:%H:%M}" if stop.date() == begin.date() else f" – {stop:%Y-%m-%d %H:%M}"
    return text


BOLD, PLAIN = "\x1b[1m", "\x1b[22m"


def highlighted(text: str, words: Sequence[textsearch.Term]) -> str:
    """`text` for one line of a terminal, the matched words in bold (when `words`)."""
    spans = textsearch.matched_spans(text, words) if words else []
    if not spans:
        return one_line(text)
    parts, at = [], 0
    for begin, end in spans:
        parts.append(one_line(text[at:begin]))
        parts.append(BOLD + one_line(text[begin:end]) + PLAIN)
        at = end
    parts.append(one_line(text[at:]))
    return "".join(parts)


def describe(
    item: Found, zone: datetime.tzinfo, words: Sequence[textsearch.Term], *, several: bool = False
) -> str:
    event = item.event
    title = event.get("summary")
    title = highlighted(title, words) if isinstance(title, str) and title else "(no title)"
    parts = [_when(event, zone), title]
    place = event.get("location")
    if isinstance(place, str) and place.strip():
        parts.append("@ " + highlighted(place, words))
    if event.get("recurringEventId"):
        parts.append("(repeats)")
    name = calendar_name(item.calendar)
    parts.append("· " + one_line(f"{item.profile}: {name}" if several else name))
    return "  ".join(parts)


def _write_delimited(fmt: str, out: TextIO, ranked: List[Tuple[int, Found]], raw: bool) -> None:
    from gcal.render.formats import RowWriter
    from gcal.render.terminal import isatty

    writer = RowWriter(out, fmt, raw=raw, terminal=isatty(out))
    writer.writerow(CSV_COLUMNS)
    for rank, item in ranked:
        event = item.event
        start, end = event.get("start") or {}, event.get("end") or {}
        all_day = "date" in start
        cells = [
            str(item.calendar.get("id") or ""),
            str(start.get("date") or start.get("dateTime") or ""),
            str(end.get("date") or end.get("dateTime") or ""),
            "true" if all_day else "false",
            str(event.get("summary") or ""),
            str(event.get("location") or ""),
            str(event.get("id") or ""),
            str(rank),
        ]
        writer.writerow(cells)
