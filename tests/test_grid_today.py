"""A short terminal's week keeps today's events still to come (core.grid.visible_window and
the renderer), and the marks of entries that are no meetings."""

from __future__ import annotations

import datetime
from typing import Any, Dict
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core.grid import layout_week, visible_window, week_days
from gcal.render.grid import draw

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = datetime.date(2024, 6, 5)


def timed(eid: str, hour: int) -> Dict[str, Any]:
    return {
        "id": eid,
        "summary": eid,
        "start": {"dateTime": f"2024-06-05T{hour:02}:00:00+02:00"},
        "end": {"dateTime": f"2024-06-05T{hour:02}:30:00+02:00"},
    }


def test_window_keeps_what_is_to_come():
    assert visible_window([True] * 5 + [False] * 5, 4) == (5, 7)  # +5 earlier, 2, +3 more
    assert visible_window([False] * 10, 4) == (0, 3)  # nothing past: first ones, +7 more
    assert visible_window([True] * 9 + [False], 4) == (7, 10)  # +7 earlier, last three
    assert visible_window([True, False], 4) == (0, 2)  # all fit


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), max_size=30).map(sorted).map(lambda x: x[::-1]), st.integers(2, 12))
def test_window_fits_and_shows_the_next_entry(ended, room):
    first, last = visible_window(ended, room)
    lines = (last - first) + (first > 0) + (last < len(ended))
    assert 0 <= first <= last <= len(ended)
    assert lines <= max(room, 3)  # (a room under 3 lines gets 3: one entry, two counts)
    upcoming = next((k for k, over in enumerate(ended) if not over), None)
    if upcoming is not None:
        assert first <= upcoming < last  # the next event is always in sight


def test_a_short_terminal_keeps_todays_afternoon():
    events = [timed(f"Event{h}", h) for h in range(7, 20)]
    grid = layout_week(events, week_days(TODAY), BERLIN, today=TODAY)
    now = datetime.datetime(2024, 6, 5, 15, 10, tzinfo=BERLIN)
    lines = [line.plain for line in draw(grid, width=100, height=15, now=now)]
    text = "\n".join(lines)
    assert len(lines) <= 15
    assert "Event15" in text and "Event16" in text  # still to come
    assert "Event7 " not in text and "earlier" in text  # the morning is counted, not shown
    without = "\n".join(line.plain for line in draw(grid, width=100, height=15))
    assert "Event7" in without and "Event15" not in without  # before: the morning only


def test_working_location_and_birthday_are_marked():
    events = [
        {
            "id": "wl",
            "summary": "Office",
            "eventType": "workingLocation",
            "start": {"date": "2024-06-05"},
            "end": {"date": "2024-06-06"},
        },
        {
            "id": "bd",
            "summary": "Grace Hopper",
            "eventType": "birthday",
            "start": {"date": "2024-06-06"},
            "end": {"date": "2024-06-07"},
        },
    ]
    grid = layout_week(events, week_days(TODAY), BERLIN, today=TODAY)
    text = "\n".join(line.plain for line in draw(grid, width=140))
    assert "[⌂ Office" in text and "[🎂 Grace Hopper" in text
    ascii_text = "\n".join(line.plain for line in draw(grid, width=140, unicode=False))
    assert "[@ Office" in ascii_text and "[b-day Grace" in ascii_text
