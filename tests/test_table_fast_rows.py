"""A table written into a file or a pipe skips rich's per-row layout for plain rows: what it
writes must be exactly what rich writes, also for rows whose text is longer than the column
widths the first page fixed (they wrap)."""

from __future__ import annotations

import io
from typing import Any, Dict, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.render import table as table_module
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
        patch.setattr(table_module._FastRows, "lines", lambda self, cells, wrap=False: None)
        text, writer = _write(kind, pages, width)
    assert writer._fast is None  # nothing went around rich
    return text


def _pages(items: List[Dict[str, Any]], size: int) -> List[Dict[str, Any]]:
    pages = [
        {"items": items[k : k + size], "nextPageToken": "more"} for k in range(0, len(items), size)
    ]
    pages[-1].pop("nextPageToken")
    return pages


def test_titles_longer_than_the_first_pages_wrap_as_rich_wraps_them() -> None:
    # as the benchmark's calendars: the first page fixes the summary column at "Workshop 1300"
    # (13 characters); from event 100 on, two titles of eight are longer and wrap.
    items = [_event(i, f"{TITLES[i % 8]} {i * 100}") for i in range(120)]
    pages = _pages(items, 20)
    text, writer = _write("events", pages, 120)
    assert text == _by_rich("events", pages, 120)
    assert writer._fast.wrap is True  # the wrapped rows were written without rich's layout
    lines = text.splitlines()
    at = next(k for k, line in enumerate(lines) if "bench0000101" in line)
    assert lines[at].split()[-2:] == ["Workshop", "bench0000101"]
    assert lines[at + 1].split() == ["10100"]
    assert len(lines) == 3 + 120 + 5  # title, header, rule; a row each; 5 rows wrap


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

    ours = [line.ljust(width) for line in table_module._wrapped(text, width, divide_line)]
    console = Console(width=200, color_system=None)
    theirs = Text(text).wrap(console, width, justify="left", overflow="fold")
    assert ours == [line.plain for line in theirs]
