"""Folding a listing's line to the terminal: between fields, then at words, never through a
word a line could hold; and `gcal conflicts`/`search` tables folded at COLUMNS."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core.wrap import cell_width
from gcal.render.lines import fold
from runner import run

LINE = "Wed 2026-12-09 18:00–19:00  Performance reviews  · Engineering"


def test_a_line_that_fits_or_an_unknown_width_is_unchanged():
    assert fold(LINE, None) == LINE
    assert fold(LINE, 120) == LINE
    assert fold(LINE, len(LINE)) == LINE


def test_breaks_between_fields_then_at_words():
    assert fold(LINE, 60) == "Wed 2026-12-09 18:00–19:00  Performance reviews\n    · Engineering"
    long = "  Mon 2026-12-07 14:00–15:00  Interview: a title that goes on and on and on  · Ada"
    assert fold(long, 50).splitlines() == [  # too long for a line: it starts beside the time
        "  Mon 2026-12-07 14:00–15:00  Interview: a title",
        "      that goes on and on and on  · Ada",
    ]
    medium = "  Mon 2026-12-07 14:00–15:00  Interview: a title that goes on  · Ada Lovelace"
    assert fold(medium, 50).splitlines() == [  # a line of its own holds it whole
        "  Mon 2026-12-07 14:00–15:00",
        "      Interview: a title that goes on",
        "      · Ada Lovelace",
    ]
    # colour codes (a search hit's bold) take no room
    bold = "Wed 2026-12-09 18:00–19:00  \x1b[1mPerformance\x1b[22m reviews  · Engineering"
    assert fold(bold, 60).splitlines()[1] == "    · Engineering"


words = st.text(alphabet="abcdefgh東京·", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=1, max_size=12), st.integers(min_value=24, max_value=80))
def test_nothing_is_lost_and_each_line_fits(parts, width):
    line = "  ".join(parts)
    folded = fold(line, width)
    assert folded.split() == line.split() or "".join(folded.split()) == "".join(line.split())
    for text in folded.splitlines():
        assert cell_width(text) <= width or len(text.split()) == 1


def test_the_tables_fold_at_columns(tmp_path):
    env = {
        "GCAL_EMULATOR_NOW": "2026-12-07T10:00:00Z",
        "GCAL_CACHE_DIR": str(tmp_path / "cache"),
        "COLUMNS": "60",
    }
    result = run(
        ["--demo", "conflicts", "--days", "1", "-f", "table", "--time-zone", "UTC"], env=env
    )
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert "  Mon 2026-12-07 11:50–12:35  Customer call (Zoom)" in lines, result.out
    assert "      · Ada Lovelace" in lines
    assert all(cell_width(text) <= 60 for text in lines), result.out
    wide = run(
        ["--demo", "conflicts", "--days", "1", "-f", "table", "--time-zone", "UTC"],
        env={**env, "COLUMNS": "120"},
    )
    assert "  Mon 2026-12-07 11:50–12:35  Customer call (Zoom)  · Ada Lovelace" in wide.out
