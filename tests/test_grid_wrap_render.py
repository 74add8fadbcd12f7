"""The week grid's wrapped titles, drawn: exact widths, whole words, the ellipsis in place."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from gcal.core.grid import layout_week, week_days
from gcal.render.grid import draw

BERLIN = ZoneInfo("Europe/Berlin")
DAY = datetime.date(2024, 6, 5)
WORDS = [
    "Performance",
    "reviews",
    "Design-review",
    "チームランチ",
    "東京との定例",
    "a",
    "of",
    "x" * 30,
]


def grid_of(titles):
    events = [
        {
            "id": f"e{k}",
            "summary": title,
            "start": {"dateTime": f"2024-06-05T{8 + k:02}:00:00+02:00"},
            "end": {"dateTime": f"2024-06-05T{8 + k:02}:30:00+02:00"},
        }
        for k, title in enumerate(titles)
    ]
    return layout_week(events, week_days(DAY), BERLIN)


def wednesday_cells(lines):
    cells = []
    for line in lines[4:-1]:
        parts = line.plain.split("│")
        if len(parts) > 3:
            cells.append(parts[3])
    return cells


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5), min_size=1, max_size=4),
    st.integers(min_value=60, max_value=200),
)
def test_wrapped_titles_keep_the_grid_and_their_words(titles, width):
    titles = [" ".join(words) for words in titles]
    lines = draw(grid_of(titles), width=width)
    assert all(cell_len(line.plain) == width for line in lines[1:])
    cells = wednesday_cells(lines)
    column = cell_len(cells[0])
    indents = set()
    for cell in cells:
        text = cell.rstrip()
        assert text.strip() != "…"  # never an ellipsis on a line of its own
        assert " …" not in text  # nor a space before it
        if text.startswith(" "):
            indents.add(len(text) - len(text.lstrip(" ")))
    assert len(indents) <= 1  # continuation lines share one indent
    joined = " ".join(cell.strip() for cell in cells)
    for title in titles:
        for word in title.split():  # CJK may break between any two characters
            if word.isascii() and cell_len(word) <= column - 6 and "…" not in joined:
                assert word in joined.split() or word.split("-")[0] + "-" in joined.split()


def test_the_issues_titles_at_60_columns():
    lines = draw(
        grid_of(["東京オフィスとの定例会議について", "Internationalization workshop"]), width=60
    )
    text = "\n".join(line.plain for line in lines)
    assert " …" not in text
    assert all(cell_len(line.plain) == 60 for line in lines[1:])


def test_an_ascii_terminal_gets_an_aligned_grid():
    import io

    from gcal.render.grid import render

    events = [
        {
            "id": "wl",
            "summary": "Café Einstein",
            "eventType": "workingLocation",
            "start": {"date": "2024-06-05"},
            "end": {"date": "2024-06-06"},
        },
        {
            "id": "jp",
            "summary": "東京との定例",
            "start": {"dateTime": "2024-06-06T09:00:00+02:00"},
            "end": {"dateTime": "2024-06-06T10:00:00+02:00"},
        },
    ]
    grid = layout_week(events, week_days(DAY), BERLIN)
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii")
    render(grid, out, width=100, zone_name="Europe/Berlin")
    out.flush()
    text = raw.getvalue().decode("ascii")
    lines = text.splitlines()
    assert "\\x" not in text and "\\u" not in text  # nothing escaped after the layout
    assert "[@ Caf? Ein" in text
    assert len({len(line) for line in lines[1:]}) == 1  # every row as wide as the others
