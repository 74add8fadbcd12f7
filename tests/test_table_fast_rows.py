"""A table written into a file or a pipe skips rich's per-row layout for plain rows: what it
writes must be exactly what rich writes, also for rows whose text is longer than the column
widths the first page fixed (they wrap)."""

from __future__ import annotations

import io
from typing import Any, Dict, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.render import plainrows
from gcal.render import table as table_module
from gcal.render.celltext import _plain_texts
from gcal.render.formats import make_writer

TITLES = ["Sync", "Review", "Call", "Planning", "Lunch", "Workshop", "Retro", "Demo"]


def _event(i: int, summary: str, location: str = "") -> Dict[str, Any]:
    day, slot = divmod(i, 8)
    start = f"2024-06-{3 + day % 20:02d}T{8 + slot:02d}:00:00Z"
    end = f"2024-06-{3 + day % 20:02d}T{8 + slot:02d}:50:00Z"
    event = {
        "id": f"bench{i:07d}",
        "status": "confirmed",
        "summary": summary,
        "start": {"dateTime": start},
        "end": {"dateTime": end},
    }
    if location:
        event["location"] = location
    return event


def _write(kind: str, pages: List[Dict[str, Any]], width: int) -> Any:
    out = io.StringIO()
    writer = make_writer(kind, "table", out, width=width, time_zone="UTC")
    for page in pages:
        writer.write_page(page)
    writer.close()
    return out.getvalue(), writer


def _by_rich(kind: str, pages: List[Dict[str, Any]], width: int) -> str:
    """The same table with every row laid out by rich."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(table_module.TableWriter, "_prove_fast", lambda self, sample: False)
        text, writer = _write(kind, pages, width)
    assert writer._fast is False  # nothing went around rich
    return text


def _pages(items: List[Dict[str, Any]], size: int) -> List[Dict[str, Any]]:
    pages = [
        {"items": items[k : k + size], "nextPageToken": "more"} for k in range(0, len(items), size)
    ]
    pages[-1].pop("nextPageToken")
    return pages


@pytest.fixture
def long_pages(monkeypatch: Any) -> None:
    """Pages of 20 rows count as a long listing's (the API's hold 2,500)."""
    monkeypatch.setattr(table_module, "_LONG_PAGE", 20)


@pytest.mark.usefixtures("long_pages")
def test_titles_longer_than_the_first_pages_wrap_as_rich_wraps_them() -> None:
    # the first page fixes the summary column from "Workshop 1300" (13 characters) and, as
    # more pages follow, the width the terminal has left (25 in all at 120 columns); from
    # event 100 on, some titles are longer still and wrap.
    items = [
        _event(i, f"{TITLES[i % 8]} {i * 100}" + (" with the whole team" if i % 4 == 1 else ""))
        if i >= 100
        else _event(i, f"{TITLES[i % 8]} {i * 100}")
        for i in range(120)
    ]
    pages = _pages(items, 20)
    text, writer = _write("events", pages, 120)
    assert text == _by_rich("events", pages, 120)
    assert writer._fast.wrap is True  # the wrapped rows were written without rich's layout
    lines = text.splitlines()
    at = next(k for k, line in enumerate(lines) if "bench0000101" in line)
    assert lines[at].split()[-2:] == ["the", "bench0000101"]
    assert lines[at + 1].split() == ["whole", "team"]
    assert len(lines) == 3 + 120 + 5  # title, header, rule; a row each; 5 rows wrap


@pytest.mark.usefixtures("long_pages")
def test_when_more_pages_follow_the_summary_takes_the_room_left() -> None:
    """As the benchmark's calendars: titles grow by a digit after the first page; with the
    room the terminal has left they fit, and no row wraps."""
    items = [_event(i, f"{TITLES[i % 8]} {i * 100}") for i in range(120)]
    pages = _pages(items, 20)
    text, _ = _write("events", pages, 120)
    assert text == _by_rich("events", pages, 120)
    lines = text.splitlines()
    assert len(lines) == 3 + 120
    assert max(len(line) for line in lines) == 120  # the rule spans the width
    # one page alone is only as wide as its content, and so are the few rows of a --limit
    single, _ = _write("events", [{"items": items[:20]}], 120)
    assert max(len(line) for line in single.splitlines()) < 100
    table_module._LONG_PAGE = 250
    limited, _ = _write("events", [{"items": items[:8], "nextPageToken": "more"}], 120)
    assert max(len(line) for line in limited.splitlines()) < 100


WORD = st.text("abcXYZ0189-.@", min_size=1, max_size=30)
TEXT = st.lists(WORD, min_size=0, max_size=6).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=30),
    st.integers(1, 10),
    st.sampled_from([64, 80, 100, 120, 160]),
    st.sampled_from(["events", "instances"]),
)
def test_plain_rows_come_out_as_rich_lays_them_out(
    texts: List[Any], page_size: int, width: int, kind: str
) -> None:
    items = [_event(i, summary, location) for i, (summary, location) in enumerate(texts)]
    pages = _pages(items, page_size)
    assert _write(kind, pages, width)[0] == _by_rich(kind, pages, width)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(TEXT, WORD, WORD), min_size=1, max_size=20),
    st.integers(1, 10),
    st.sampled_from([30, 60, 80, 120]),
)
def test_calendar_rows_come_out_as_rich_lays_them_out(
    texts: List[Any], page_size: int, width: int
) -> None:
    items = [
        {"id": f"{cid}@example.com", "summary": summary, "accessRole": role, "timeZone": "UTC"}
        for summary, cid, role in texts
    ]
    pages = _pages(items, page_size)
    assert _write("calendars", pages, width)[0] == _by_rich("calendars", pages, width)


@given(TEXT.filter(bool), st.integers(1, 40))
def test_wrapped_lines_are_rich_wraps(text: str, width: int) -> None:
    from rich._wrap import divide_line
    from rich.console import Console
    from rich.text import Text

    ours = [line.ljust(width) for line in plainrows._wrapped(text, width, divide_line)]
    console = Console(width=200, color_system=None)
    theirs = Text(text).wrap(console, width, justify="left", overflow="fold")
    assert ours == [line.plain for line in theirs]


# Text of every kind a cell may hold: spaces where rich folds them, `|` (the quick check's
# separator), wide and zero-width characters, controls, newlines.
ODD = st.text(alphabet=st.sampled_from(list("ab Z09-|.@\t\n\x1b日é\u200b→")), max_size=16)
PRINTABLE = st.text(alphabet=st.sampled_from(list("ab Z09-|.@日é→")), max_size=16)
MAYBE = st.one_of(st.none(), PRINTABLE, PRINTABLE, PRINTABLE, ODD, st.integers(0, 99))
WHEN = st.one_of(
    st.none(),
    st.just({}),
    st.sampled_from(
        [
            {"dateTime": "2024-06-03T08:00:00Z"},
            {"dateTime": "2024-06-03T23:30:00-07:00", "timeZone": "America/Denver"},
            {"dateTime": "2024-06-04T00:15:00.000+02:00"},
            {"dateTime": "not a time"},
            {"date": "2024-06-03"},
            {"date": "2024-06-05"},
            {"date": "junk"},
        ]
    ),
)


@st.composite
def _odd_event(draw: Any) -> Dict[str, Any]:
    event: Dict[str, Any] = {}
    for key, value in (
        ("id", st.one_of(st.just("ev1"), MAYBE)),
        ("summary", st.one_of(st.just("Lunch"), MAYBE)),
        ("location", MAYBE),
        ("status", st.sampled_from([None, "confirmed", "confirmed", "cancelled", "tentative"])),
        ("start", st.one_of(st.just({"dateTime": "2024-06-03T08:00:00Z"}), WHEN)),
        ("end", WHEN),
        ("originalStartTime", WHEN),
        ("recurringEventId", st.sampled_from([None, None, "series1"])),
        ("recurrence", st.sampled_from([None, None, None, ["RRULE:FREQ=DAILY;COUNT=3"]])),
    ):
        drawn = draw(value)
        if drawn is not None:
            event[key] = drawn
    return event


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_odd_event(), min_size=1, max_size=6),
    st.sampled_from([50, 70, 120, 160, 200]),
    st.sampled_from(["events", "instances"]),
    st.sampled_from(["UTC", "Asia/Kolkata", None]),
    st.booleans(),
)
def test_the_quick_row_is_the_general_row(
    items: List[Dict[str, Any]], width: int, kind: str, zone: Any, ascii_out: bool
) -> None:
    """`_quick_texts` (the commonest row as plain strings) builds exactly the cells the
    general way (`_event_cells`) builds, or declines the row."""
    out: Any = io.TextIOWrapper(io.BytesIO(), encoding="ascii" if ascii_out else "utf-8")
    writer = make_writer(kind, "table", out, width=width, time_zone=zone)
    writer.write_page({"items": items})
    for item in items:
        quick = writer._quick_texts(item)
        if quick is not None and not writer._minimal:
            assert quick == _plain_texts(writer._event_cells(item))


ROWS = [
    {"id": " ev1 ", "summary": " Lunch  at 12 ", "location": " Room | 1 "},
    {"id": "ev2", "summary": "Café 日本", "location": "→ there"},
    {"id": "ev3", "summary": "x", "end": {"date": "2024-06-09"}},
    {"id": "ev4", "summary": "y", "start": {"date": "2024-06-03"}, "end": {"date": "2024-06-04"}},
    {"id": "ev5", "summary": "z", "end": {"dateTime": "2024-06-04T01:00:00+05:30"}},
    {"id": "ev6", "summary": "moved", "originalStartTime": {"dateTime": "2024-06-03T07:00:00Z"}},
    {"summary": "no id", "location": ""},
]


@pytest.mark.parametrize("width", [70, 120])
@pytest.mark.parametrize("kind", ["events", "instances"])
@pytest.mark.parametrize("zone", ["Asia/Kolkata", None])
@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_tricky_quick_rows_are_the_general_rows(
    width: int, kind: str, zone: Any, encoding: str
) -> None:
    items = [{"start": {"dateTime": "2024-06-03T08:00:00Z"}, **row} for row in ROWS]
    out: Any = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    writer = make_writer(kind, "table", out, width=width, time_zone=zone)
    writer.write_page({"items": items})
    quick = 0
    for item in items:
        texts = writer._quick_texts(item)
        if texts is not None:
            assert texts == _plain_texts(writer._event_cells(item))
            quick += 1
    assert quick >= (len(ROWS) if encoding == "utf-8" else len(ROWS) - 1)


LINE = st.text(alphabet=st.sampled_from(list("ab Z09-|.\n日\t")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(LINE, st.integers(0, 10)), min_size=1, max_size=5), st.booleans())
def test_the_quick_line_is_the_general_line(cells: List[Any], trim: bool) -> None:
    """`_FastRows.line` writes a row as `lines` does, or leaves it to `lines`."""
    texts = [text for text, _ in cells]
    widths = [width + (i > 0) + (i < len(cells) - 1) for i, (_, width) in enumerate(cells)]
    fast = plainrows._FastRows(widths, trim=trim)
    quick = fast.line(texts)
    if quick is not None:
        assert quick == fast.lines(texts)
        assert quick.endswith("\n") and quick.count("\n") == 1


def test_a_page_of_plain_events_takes_the_quick_way() -> None:
    items = [_event(i, f"{TITLES[i % 8]} {i}", "Room 1" if i % 3 else "") for i in range(40)]
    general: List[str] = []
    original = table_module.TableWriter._event_cells

    def counted(self: Any, item: Dict[str, Any]) -> Any:
        general.append(item["id"])
        return original(self, item)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(table_module.TableWriter, "_event_cells", counted)
        text, _ = _write("events", _pages(items, 20), 120)
    assert text == _by_rich("events", _pages(items, 20), 120)
    # the layout and the check against rich read the first page; every later row is quick
    assert not [i for i in general if int(i[5:]) >= 20]
