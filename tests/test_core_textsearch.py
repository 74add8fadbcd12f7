"""gcal.core.textsearch: folding and the query language, checked against a real FTS5 table."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core import textsearch as ts


def _table(*titles: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title, location, people, description, calendar, "
        "other, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for n, title in enumerate(titles, 1):
        conn.execute(
            "INSERT INTO t (rowid, title, location, people, description, calendar, other) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (n, *ts.index_row({"summary": title, "location": f"room {n}"}, "Work")),
        )
    return conn


def _found(conn: sqlite3.Connection, query: str) -> list:
    match = ts.parse(query).fts()
    return [
        r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", (match,))
    ]


#: Latin (with Latin-1 and Extended-A), Greek and Cyrillic letters
LETTERS = "".join(
    chr(c)
    for lo, hi in ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x17F), (0x391, 0x3C9), (0x410, 0x44F))
    for c in range(lo, hi + 1)
    if chr(c).isalpha()
)

TITLES = (
    "Design review",
    "Budget review",
    "Café Einstein",
    "Weekly standup 週會",
    "每週會議",
    "Performance reviews",
    "ＦＵＬＬ width",
)


@pytest.mark.parametrize(
    "query, rows",
    [
        ("review", [1, 2, 6]),
        ("rev*", [1, 2, 6]),
        ('"design review"', [1]),
        ('"review design"', []),
        ("review -budget", [1, 6]),
        ("design OR budget", [1, 2]),
        ("design AND review", [1]),
        ("cafe", [3]),
        ("CAFÉ einstein", [3]),
        ("週會", [4, 5]),
        ("會", [4, 5]),
        ("會週", []),
        ("full", [7]),
        ("title:room", []),
        ("where:room", [1, 2, 3, 4, 5, 6, 7]),
        ("cal:work standup", [4]),
    ],
)
def test_queries(query: str, rows: list) -> None:
    assert _found(_table(*TITLES), query) == rows


@pytest.mark.parametrize("query", ["", "  ", "-x", "x OR", "OR x", "title:", "-a -b", "***"])
def test_a_query_asking_for_nothing_is_refused(query: str) -> None:
    with pytest.raises(ts.QueryError):
        ts.parse(query)


def test_a_colon_that_is_no_field_is_part_of_the_word() -> None:
    assert ts.parse("10:30").groups[0][0].column is None
    assert ts.parse("who:ada").groups[0][0].column == "people"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_valid_query_or_a_clear_refusal(text: str) -> None:
    """Whatever is typed, FTS5 never sees a syntax error: it is refused first or runs."""
    conn = _table(*TITLES)
    try:
        query = ts.parse(text)
    except ts.QueryError:
        return
    conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (query.fts(),)).fetchall()


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(LETTERS), min_size=1, max_size=12))
def test_a_title_is_found_by_each_of_its_words(word: str) -> None:
    """Every word of a title (Latin, Greek, Cyrillic) finds it, whatever its case."""
    conn = _table(f"x {word} y")
    if not ts._has_word(ts.fold(word)):
        return
    assert _found(conn, f'"{word}"') == [1]
    upper = word.upper()
    if upper.lower() == word.lower():
        assert _found(conn, upper) == [1]  # case does not matter


def test_highlight_spans() -> None:
    words = ts.parse("cafe rev*").words()
    assert ts.matched_spans("Café Einstein review", words) == [(0, 4), (14, 20)]
