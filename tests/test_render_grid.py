"""The grid renderer (gcal.render.grid): exact widths, no escape codes without colour, marks.

The layout is tested in test_grid.py; the full views against golden files in test_views.py.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from gcal.core.grid import SUNDAY, layout_month, layout_week, week_days
from gcal.render.grid import MIN_WIDTH, draw, render
from gcal.render.griddraw import column_widths

BERLIN = ZoneInfo("Europe/Berlin")
WEDNESDAY = datetime.date(2024, 6, 5)
ESCAPE = re.compile("\x1b")
CALENDARS = {
    "green": {"backgroundColor": "#16a765", "foregroundColor": "#000000"},
    "blue": {"backgroundColor": "#4986e7", "foregroundColor": "#ffffff"},
}


def timed(eid: str, start: str, end: str, **extra: Any) -> Dict[str, Any]:
    return {
        "id": eid,
        "summary": eid,
        "start": {"dateTime": start},
        "end": {"dateTime": end},
        **extra,
    }


def allday(eid: str, first: str, stop: str, **extra: Any) -> Dict[str, Any]:
    return {"id": eid, "summary": eid, "start": {"date": first}, "end": {"date": stop}, **extra}


EVENTS: List[Dict[str, Any]] = [
    allday("A week-long trip across the boundary", "2024-06-06", "2024-06-13", calendarId="green"),
    allday("Holiday", "2024-06-03", "2024-06-04", calendarId="blue"),
    timed("Stand-up", "2024-06-05T09:30:00+02:00", "2024-06-05T09:45:00+02:00", calendarId="green"),
    timed(
        "Declined review",
        "2024-06-05T14:00:00+02:00",
        "2024-06-05T15:00:00+02:00",
        calendarId="blue",
        attendees=[{"email": "me@x", "self": True, "responseStatus": "declined"}],
    ),
    timed("東京オフィスと打ち合わせ", "2024-06-04T11:00:00+02:00", "2024-06-04T12:00:00+02:00"),
    timed("Party", "2024-06-08T22:00:00+02:00", "2024-06-09T02:00:00+02:00", calendarId="green"),
    timed("Escape \x1b[31mred", "2024-06-07T08:00:00+02:00", "2024-06-07T09:00:00+02:00"),
    {"id": "untitled", **timed("x", "2024-06-07T10:00:00+02:00", "2024-06-07T11:00:00+02:00")},
] + [
    timed(f"Talk {k}", f"2024-06-12T{9 + k:02}:00:00+02:00", f"2024-06-12T{9 + k:02}:30:00+02:00")
    for k in range(10)
]
EVENTS[-11].pop("summary")  # "untitled": no summary, as private events come


def week(**kwargs: Any):
    return layout_week(EVENTS, week_days(WEDNESDAY), BERLIN, **kwargs)


def month(**kwargs: Any):
    return layout_month(EVENTS, 2024, 6, BERLIN, **kwargs)


def plain(grid, width: int, **kwargs: Any) -> str:
    out = io.StringIO()
    render(grid, out, width=width, zone_name="Europe/Berlin", **kwargs)
    return out.getvalue()


@settings(max_examples=40, deadline=None)
@given(st.integers(MIN_WIDTH, 240), st.booleans(), st.integers(1, 7), st.integers(0, 5))
def test_every_line_fills_the_width_exactly(width, is_month, days, lines):
    if is_month:
        grid = layout_month(EVENTS, 2024, 6, BERLIN, lines=lines, week_start=SUNDAY)
    else:
        grid = layout_week(EVENTS, week_days(WEDNESDAY, SUNDAY, days), BERLIN)
    drawn = draw(grid, width=width, zone_name="Europe/Berlin", calendars=CALENDARS, color=True)
    heading, body = drawn[0], drawn[1:]
    assert heading.cell_len <= width
    for line in body:
        assert cell_len(line.plain) == width, line.plain
    borders = {k for k, ch in enumerate(body[0].plain) if ch in "┌┬┐"}
    assert len(borders) == len(grid.rows[0].days) + 1


def test_column_widths_fill_the_line():
    for width in (60, 61, 99, 100, 200):
        for columns in range(1, 8):
            assert sum(column_widths(width, columns)) + columns + 1 == width


def test_plain_output_has_no_escape_codes_and_colour_has_calendar_colours():
    text = plain(week(), 100)
    assert not ESCAPE.search(text)
    assert "Escape \\x1b" in plain(week(), 200)  # the title's own ESC, escaped
    coloured = plain(week(), 100, color=True, calendars=CALENDARS)
    assert ESCAPE.search(coloured)
    assert "\x1b[31m" not in coloured  # never the title's escape, only gcal's styles
    stripped = re.sub("\x1b\\[[0-9;]*m", "", coloured)
    assert stripped == text  # colour adds styles, never different text


def test_week_shows_bars_entries_marks_and_today():
    text = plain(week(today=datetime.date(2024, 6, 5)), 200)
    lines = text.splitlines()
    assert lines[0] == "3 – 9 June 2024 · times in Europe/Berlin"
    header = lines[2]
    assert "Wednesday 5 June today" in header and "Monday 3 June" in header
    assert "[Holiday" in text and "[A week-long trip across the boundary" in text
    trip_line = next(line for line in lines if "A week-long trip" in line)
    assert trip_line.rstrip().endswith(">│")  # goes on into next week
    assert "09:30 Stand-up" in text and "14:00 Declined review" in text
    assert "22:00 Party" in text and "→02:00 Party" in text
    assert "(no title)" in text
    assert "11:00 東京オフィスと打ち合" in text


def test_declined_is_dimmed_in_colour_and_dropped_on_request():
    coloured = plain(week(), 200, color=True, calendars=CALENDARS)
    line = next(line for line in coloured.splitlines() if "Declined review" in line)
    assert re.search("\x1b\\[[0-9;]*2[;m][^│]*Declined review", line)  # dim (SGR 2)
    assert "Declined review" not in plain(week(no_declined=True), 200)


def test_month_cells_more_and_other_months():
    text = plain(month(lines=2), 100)
    assert text.splitlines()[0] == "June 2024 · times in Europe/Berlin"
    assert "May 27" in text and "May 31" in text  # June 2024: Saturday 1st to Sunday 30th
    assert "+9 more" in text  # the 12th: the trip and ten talks on two lines
    assert "<A week-long trip" in text  # continues into the next week row
    narrow = plain(month(lines=2), 60)
    assert re.search(r"│12 +\+9│", narrow) and "Mon " in narrow  # +N alone when narrow


def test_ascii_stream_gets_ascii_borders():
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    render(week(), out, width=80)
    out.flush()
    text = out.buffer.getvalue().decode("ascii")  # type: ignore[attr-defined]
    assert "+----" in text and "|" in text


def test_today_in_a_narrow_month():
    text = plain(month(today=datetime.date(2024, 6, 20)), 60)
    assert "20 today" in text or "20*" in text


def test_styles_stay_on_their_words():
    coloured = plain(week(), 200, color=True, calendars=CALENDARS)
    line = next(line for line in coloured.splitlines() if "Stand-up" in line)
    # the time in the calendar's colour, then a reset before the title
    assert re.search("09:30\x1b\\[0m Stand-up|09:30\x1b\\[0m\x1b\\[[0-9;]*m Stand-up", line), line
    month_text = plain(month(lines=1, today=datetime.date(2024, 6, 12)), 200, color=True)
    line = next(line for line in month_text.splitlines() if "12 today" in line)
    assert re.search("12 today\x1b\\[0m", line) and "+10 more" in line


def test_a_week_keeps_within_a_short_terminal():
    busy = layout_week(EVENTS, week_days(datetime.date(2024, 6, 12)), BERLIN)
    tall = draw(busy, width=80)
    assert len(tall) > 24  # ten talks, each on two lines in 10-column days
    fitted = draw(busy, width=80, height=24)
    assert len(fitted) <= 23  # a line is left for the prompt
    assert sum(":00 Tal" in line.plain for line in fitted) == 10  # one line each, all there
    short = draw(busy, width=80, height=16)
    assert len(short) <= 15
    assert any("+" in line.plain and "more" in line.plain for line in short)
    assert [cell_len(line.plain) for line in short[1:]] == [80] * (len(short) - 1)


def test_a_free_busy_calendars_events_read_busy():
    events = [
        {
            **timed("x", "2024-06-04T09:00:00+02:00", "2024-06-04T10:00:00+02:00"),
            "calendarId": "fb",
        },
        {
            **timed("y", "2024-06-04T11:00:00+02:00", "2024-06-04T12:00:00+02:00"),
            "calendarId": "me",
        },
    ]
    for event in events:
        event.pop("summary")
    grid = layout_week(events, week_days(WEDNESDAY), BERLIN)
    calendars = {"fb": {"accessRole": "freeBusyReader"}, "me": {"accessRole": "owner"}}
    text = "\n".join(line.plain for line in draw(grid, width=200, calendars=calendars))
    assert "09:00 busy" in text and "11:00 (no title)" in text


# --- the grids' own measure of narrow text, checked against rich's ---------------------------

NARROW_SAMPLES = [
    "",
    "Sync 3360",
    "07:00 Review",
    "│─┼┌┐└┘├┤┬┴",
    "a…",
    "→ b",
    "…",
    "wide 会議",
    "🎂 cake",
    "café",
    "x\u0301",
    "March 2021 · times in Etc/UTC",
    "Ωмега ⠿",
]


@pytest.mark.parametrize("text", NARROW_SAMPLES)
@pytest.mark.parametrize("total", [-2, -1, 0, 1, 3, 8, 20])
def test_cell_measures_agree_with_rich(text, total):
    from rich.cells import cell_len, set_cell_size

    from gcal.render import cells as render_cells

    assert render_cells.cell_len(text) == cell_len(text)
    assert render_cells.set_cell_size(text, total) == set_cell_size(text, total)


def test_every_character_measured_without_rich_is_one_cell_by_rich():
    from rich.cells import cell_len

    from gcal.render import cells as render_cells

    ranges = [(0x20, 0x7E), (0xA0, 0xAC), (0xAE, 0x2FF), (0x370, 0x482), (0x2500, 0x25FC)]
    ranges.append((0x2800, 0x28FF))
    chars = [chr(c) for start, end in ranges for c in range(start, end + 1)]
    chars += ["\u2026", "\u2192"]
    assert all(render_cells._NARROW.fullmatch(c) for c in chars)
    assert [c for c in chars if cell_len(c) != 1] == []
    for other in ("\t", "\u00ad", "\u0301", "\u25fd", "\u4f1a"):
        assert not render_cells._NARROW.fullmatch(other)
