"""`gcal next`: the event in progress or the next one, in one line for status bars.

Built on the agenda: the chosen calendars' events from now to now + `within`, merged, declined
ones left out; `gcal.core.upcoming` picks and phrases the answer. The events come from the API,
or from the store (`--cached`, `--offline`) through the agenda's pluggable source; several
profiles are merged as `gcal agenda` merges them (`gcal.commands.agenda_profiles`).
"""

from __future__ import annotations

import datetime
import itertools
import sys
from typing import Any, Dict, Optional, Sequence, TextIO

from gcal.commands.agenda_profiles import SourceFor, open_agenda
from gcal.core import statusbar, upcoming
from gcal.core.sanitize import encodable, json_text, one_line
from gcal.core.span import Span
from gcal.render.terminal import isatty
from gcal.settings import Settings

DEFAULT_WITHIN = 24 * 3600.0


def run(
    profiles: Sequence[Settings],
    zone: datetime.tzinfo,
    *,
    now: datetime.datetime,
    within: float = DEFAULT_WITHIN,
    all_day: bool = False,
    calendars: Sequence[str] = (),
    all_calendars: bool = False,
    filters: Optional[Dict[str, Any]] = None,
    source_for: Optional[SourceFor] = None,
    limit: Optional[int] = None,
    template: Optional[str] = None,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """Print the answer (nothing when there is none) of one profile's calendars or of several
    profiles' merged; return the exit code (the worst failed calendar's, as the agenda does).
    `source_for` gives each profile its store (default: the API). With `limit`, the next
    `limit` events instead of one: a line each, `--format json` a list, ndjson a line each."""
    out = out or sys.stdout
    err = err or sys.stderr
    now = now.astimezone(zone)
    fmt = profiles[0].format
    until = now + datetime.timedelta(seconds=within)
    end = until
    if fmt == "waybar":  # its tooltip shows the rest of today
        from gcal.core.merge import midnight

        end = max(until, midnight(now.date() + datetime.timedelta(days=1), zone))
    span = Span(now, end)
    agenda, close = open_agenda(
        profiles,
        span,
        zone,
        source_for=source_for,
        calendars=calendars,
        all_calendars=all_calendars,
        filters=filters,
        no_declined=True,
    )
    try:
        rows = [(row.calendar, row.event) for row in agenda]  # a bounded window, read whole
    finally:
        close()
    if limit is not None:
        last = until.timestamp()
        ahead = itertools.takewhile(
            lambda found: found[2] < last, upcoming.pick_all(rows, now, zone, all_day=all_day)
        )
        chosen = list(itertools.islice(ahead, limit))
        if fmt in ("csv", "tsv"):
            _write_rows(fmt, chosen, now, out, raw=profiles[0].csv_raw)
            return _finish(agenda, out, err)
        if fmt == "json":
            objects = [upcoming.to_json(found, now) for found in chosen]
            out.write(json_text(objects, terminal=isatty(out)) + "\n")
        for found in chosen if fmt != "json" else ():
            if fmt == "ndjson":
                out.write(json_text(upcoming.to_json(found, now), terminal=isatty(out)) + "\n")
            elif template is not None:
                out.write(statusbar.render(None, found, now, zone, template=template) + "\n")
            else:
                out.write(_line(upcoming.describe(found, now, zone), out))
        return _finish(agenda, out, err)
    found = upcoming.pick(rows, now, zone, all_day=all_day)
    if found is not None and found[2] >= until.timestamp():
        found = None
    if fmt in ("csv", "tsv"):  # a header, and the event's row when there is one
        _write_rows(fmt, [found] if found is not None else [], now, out, raw=profiles[0].csv_raw)
        return _finish(agenda, out, err)
    if found is not None and (fmt in statusbar.FORMATS or template is not None):
        today = []
        if fmt == "waybar":
            today = upcoming.rest_of_day(rows, now, zone, all_day=all_day)
        out.write(statusbar.render(fmt, found, now, zone, template=template, today=today) + "\n")
    elif fmt in ("json", "ndjson"):
        if found is not None:
            data = upcoming.to_json(found, now)
            out.write(json_text(data, terminal=isatty(out)) + "\n")
    elif found is not None:
        out.write(_line(upcoming.describe(found, now, zone), out))
    return _finish(agenda, out, err)


#: the csv/tsv columns of `gcal next`: the keys of its json object
COLUMNS = (
    "summary",
    "start",
    "end",
    "calendarId",
    "id",
    "location",
    "htmlLink",
    "conferenceUri",
    "minutesUntil",
)


def _write_rows(fmt: str, chosen: Sequence[Any], now: Any, out: TextIO, *, raw: bool) -> None:
    """csv or tsv: a header and one row per event, the json object's values."""
    import io

    from gcal.render.formats import RowWriter

    buffer = io.StringIO()
    rows = RowWriter(buffer, fmt, raw=raw, terminal=isatty(out))
    rows.writerow(list(COLUMNS))
    for found in chosen:
        data = upcoming.to_json(found, now)
        rows.writerow(["" if data.get(k) is None else str(data.get(k)) for k in COLUMNS])
    out.write(buffer.getvalue())


def _line(text: str, out: TextIO) -> str:
    """One line of `gcal next`: the summary is anyone's text, and a status bar runs this
    unattended (the one sanitiser, then what the terminal's encoding can hold)."""
    return encodable(one_line(text), getattr(out, "encoding", None)) + "\n"


def _finish(agenda: Any, out: TextIO, err: TextIO) -> int:
    out.flush()
    for failure in agenda.failures:
        err.write(f"gcal: error: {failure.line()}\n")
    err.flush()
    return agenda.exit_code()
