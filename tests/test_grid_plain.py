"""Week and month grids without colour are drawn with plain strings: the same lines as with
rich's Text, and no import of rich's text machinery."""

from __future__ import annotations

import contextlib
import datetime
import subprocess
import sys
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from gcal.core.grid import layout_month, layout_week, week_days
from gcal.render import griddraw
from gcal.render.grid import draw

BERLIN = ZoneInfo("Europe/Berlin")
WORDS = st.sampled_from(
    [
        "Review",
        "Café",
        "チームランチ",
        "東京との定例",
        "x" * 30,
        "a-b",
        "🎂",
        "\x07bell",
        "Tab\there",
    ]
)
TITLE = st.lists(WORDS, max_size=5).map(" ".join) | st.text(max_size=40)


@st.composite
def events(draw_):
    out = []
    for k in range(draw_(st.integers(0, 14))):
        day = datetime.date(2024, 6, 1) + datetime.timedelta(days=draw_(st.integers(0, 34)))
        event = {"id": f"e{k}", "calendarId": "c"}
        if draw_(st.booleans()):
            event["summary"] = draw_(TITLE)
        if draw_(st.integers(0, 3)) == 0:
            last = day + datetime.timedelta(days=draw_(st.integers(1, 9)))
            event["start"], event["end"] = {"date": day.isoformat()}, {"date": last.isoformat()}
        else:
            start = datetime.datetime.combine(day, datetime.time(draw_(st.integers(0, 23))), BERLIN)
            end = start + datetime.timedelta(minutes=draw_(st.integers(0, 3000)))
            event["start"] = {"dateTime": start.isoformat()}
            event["end"] = {"dateTime": end.isoformat()}
        out.append(event)
    return out


@contextlib.contextmanager
def rich_text_only():
    saved = griddraw.PlainText
    griddraw.PlainText = Text  # what the plain drawing stands for
    try:
        yield
    finally:
        griddraw.PlainText = saved


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    events(),
    st.sampled_from(["week", "month"]),
    st.sampled_from([30, 60, 80, 100, 137, 200]),
    st.booleans(),
    st.sampled_from([None, 12, 30]),
)
def test_plain_grids_are_the_lines_rich_text_draws(items, kind, width, unicode, height):
    if kind == "week":
        grid = layout_week(items, week_days(datetime.date(2024, 6, 12)), BERLIN)
    else:
        grid = layout_month(items, 2024, 6, BERLIN)

    def lines():
        drawn = draw(grid, width=width, zone_name="Europe/Berlin", unicode=unicode, height=height)
        return [(line.plain, line.cell_len) for line in drawn]

    plain = lines()
    with rich_text_only():
        assert plain == lines()


def test_a_grid_into_a_pipe_does_not_import_rich_text():
    code = (
        "import io, sys, datetime\n"
        "from zoneinfo import ZoneInfo\n"
        "from gcal.core.grid import layout_month\n"
        "from gcal.render.grid import render\n"
        "e = {'id': 'e', 'summary': 'Standup', 'start': {'dateTime': '2024-06-05T09:30:00+02:00'}, "
        "'end': {'dateTime': '2024-06-05T09:45:00+02:00'}}\n"
        "grid = layout_month([e], 2024, 6, ZoneInfo('Europe/Berlin'))\n"
        "out = io.StringIO()\n"
        "render(grid, out, width=100, zone_name='Europe/Berlin')\n"
        "assert 'Standup' in out.getvalue()\n"
        "heavy = ('rich.text', 'rich.console', 'rich.style')\n"
        "print(sorted(m for m in sys.modules if m in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
