"""The agenda table into a pipe or a file: the days written without rich are exactly what rich
draws, and rich is not imported for them."""

from __future__ import annotations

import datetime
import io
import subprocess
import sys
import types
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core.span import Span
from gcal.render import agenda_table
from gcal.render.agenda_table import AgendaTable

ZONE = ZoneInfo("Europe/Berlin")
MONDAY = datetime.datetime(2026, 12, 7, tzinfo=ZONE)
WORDS = st.sampled_from(
    ["Standup", "Review", "Café", "Überblick", "1:1", "x" * 30, "Q&A", "naïve", "Plan", "→"]
)
TEXT = st.lists(WORDS, max_size=8).map(" ".join) | st.text(max_size=70)


@st.composite
def events(draw):
    day = draw(st.integers(0, 6))
    if draw(st.integers(0, 4)) == 0:
        first = (MONDAY + datetime.timedelta(days=day)).date()
        length = draw(st.integers(1, 3))
        start = {"date": first.isoformat()}
        end = {"date": (first + datetime.timedelta(days=length)).isoformat()}
    else:
        begin = MONDAY + datetime.timedelta(days=day, minutes=draw(st.integers(0, 95)) * 15)
        stop = begin + datetime.timedelta(minutes=draw(st.integers(0, 3000)))
        start, end = {"dateTime": begin.isoformat()}, {"dateTime": stop.isoformat()}
    event = {"id": "e", "start": start, "end": end}
    for key in ("summary", "location"):
        if draw(st.booleans()):
            event[key] = draw(TEXT)
    if draw(st.integers(0, 5)) == 0:
        event["attendees"] = [{"email": "me@x", "self": True, "responseStatus": "declined"}]
    calendar = {"id": "c", "summary": draw(TEXT.filter(bool)), "accessRole": "owner"}
    return types.SimpleNamespace(event=event, calendar=calendar)


def _draw(rows, width, plain, ids=False) -> str:
    out = io.StringIO()
    saved = agenda_table.AgendaTable._plain_day, agenda_table.AgendaTable._plain_line
    if not plain:  # what rich alone draws
        agenda_table.AgendaTable._plain_day = lambda self, label, rows: None
        agenda_table.AgendaTable._plain_line = lambda self, text: False
    try:
        table = AgendaTable(
            out,
            zone=ZONE,
            zone_name="Europe/Berlin",
            span=Span(MONDAY, MONDAY + datetime.timedelta(days=7)),
            calendars=[r.calendar for r in rows],
            width=width,
            today=MONDAY.date(),
            ids=ids,
        )
        for row in rows:
            table.write(row)
        table.close()
    finally:
        agenda_table.AgendaTable._plain_day, agenda_table.AgendaTable._plain_line = saved
    return out.getvalue()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(events(), max_size=12).map(
        lambda rows: sorted(
            rows, key=lambda r: r.event["start"].get("dateTime") or r.event["start"]["date"]
        )
    ),
    st.sampled_from([None, 40, 63, 80, 99, 100, 140, 200]),
    st.booleans(),
)
def test_plain_days_are_what_rich_draws(rows, width, ids):
    assert _draw(rows, width, plain=True, ids=ids) == _draw(rows, width, plain=False, ids=ids)


def test_a_plain_agenda_into_a_pipe_does_not_import_rich():
    code = (
        "import io, sys, types, datetime\n"
        "from zoneinfo import ZoneInfo\n"
        "from gcal.core.span import Span\n"
        "from gcal.render.agenda_table import AgendaTable\n"
        "z = ZoneInfo('Europe/Berlin')\n"
        "m = datetime.datetime(2026, 12, 7, tzinfo=z)\n"
        "t = AgendaTable(io.StringIO(), zone=z, zone_name='Europe/Berlin', "
        "span=Span(m, m + datetime.timedelta(days=7)), today=m.date())\n"
        "e = {'summary': 'Standup', 'start': {'dateTime': '2026-12-07T09:30:00+01:00'}, "
        "'end': {'dateTime': '2026-12-07T09:45:00+01:00'}}\n"
        "t.write(types.SimpleNamespace(event=e, calendar={'summary': 'Work'}))\n"
        "t.close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
