"""The agenda as a table keeps links, e-mail addresses and ids whole: a line of a cell that
would have such a word split at the column's edge is printed under the row instead, on a line
of its own, so that it can be copied (plain into a pipe, and drawn by rich with colour)."""

from __future__ import annotations

import datetime
import io
import re
import types
from zoneinfo import ZoneInfo

import pytest

from gcal.core.span import Span
from gcal.render.agenda_table import AgendaTable
from runner import run

ZONE = ZoneInfo("Europe/Berlin")
MONDAY = datetime.datetime(2026, 12, 7, tzinfo=ZONE)
LINK = "https://zoom.us/j/5550100123?pwd=demo"
MAIL = "grace.hopper@navy.example.org"
EVENT_ID = "sprintplanning_20261207T170000Z"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _agenda(width: int, color: bool, ids: bool = True, title: str = f"Call {MAIL}") -> str:
    out = io.StringIO()
    table = AgendaTable(
        out,
        zone=ZONE,
        zone_name="Europe/Berlin",
        span=Span(MONDAY, MONDAY + datetime.timedelta(days=1)),
        calendars=[{"summary": "Work"}],
        color=color,
        width=width,
        today=MONDAY.date(),
        ids=ids,
    )
    rows = [
        {"id": "a", "summary": "Standup", "start": "09:00", "end": "09:15"},
        {"id": EVENT_ID, "summary": title, "location": f"Zoom: {LINK}", "start": "10:00"},
        {"id": "c", "summary": "Lunch", "location": "Room 1", "start": "12:00"},
    ]
    for row in rows:
        event = {
            **{k: v for k, v in row.items() if k not in ("start", "end")},
            "start": {"dateTime": f"2026-12-07T{row['start']}:00+01:00"},
            "end": {"dateTime": f"2026-12-07T{row.get('end', '11:00')}:00+01:00"},
        }
        table.write(types.SimpleNamespace(event=event, calendar={"summary": "Work"}))
    table.close()
    return ANSI.sub("", out.getvalue())


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("width", [40, 50, 60, 80, 100, 140])
def test_links_addresses_and_ids_are_never_split(width: int, color: bool) -> None:
    text = _agenda(width, color)
    lines = text.splitlines()
    for word in (LINK, MAIL, EVENT_ID):
        assert any(word in line for line in lines), (word, text)
    # the rows around the moved lines still line up (one table's columns)
    starts = [line.index("Work") for line in lines if line.endswith("Work")]
    assert len(starts) == 3 and len(set(starts)) == 1, text


@pytest.mark.parametrize("color", [False, True])
def test_a_moved_line_starts_under_the_summary_and_follows_its_row(color: bool) -> None:
    lines = _agenda(60, color, ids=False, title="Customer call").splitlines()
    at = next(n for n, line in enumerate(lines) if "Customer call" in line)
    assert lines[at + 1] == " " * 14 + f"@ Zoom: {LINK}"
    assert "Lunch" in lines[at + 2]


def test_text_that_fits_stays_in_its_cell() -> None:
    lines = _agenda(140, False, ids=False, title="Customer call").splitlines()
    row = next(line for line in lines if "Lunch" in line)
    assert "Room 1" in row and "Work" in row
    assert [line.strip() for line in lines if line.strip().startswith("@")] == [
        f"@ Zoom: {LINK}"  # longer than the location column (at most 32)
    ]


def test_the_demo_agenda_at_60_columns_keeps_its_links_whole() -> None:
    env = {"GCAL_EMULATOR_NOW": "2026-12-07T12:00:00+01:00", "COLUMNS": "60"}
    result = run(["--demo", "--format", "table", "agenda", "--days", "1"], env=env)
    assert result.code == 0, result
    links = re.findall(r"https://\S+", result.out)
    assert "https://zoom.us/j/5550100123?pwd=demo" in links, result.out
