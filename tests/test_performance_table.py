"""The table's shortcut for plain rows writes exactly what rich would have written."""

from __future__ import annotations

import io
from typing import Any, Dict, List, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.render.formats import make_writer

BERLIN = "Europe/Berlin"


def event(i: int, **extra: Any) -> Dict[str, Any]:
    hour = 8 + i % 10
    item = {
        "id": f"bench{i:07d}",
        "status": "confirmed",
        "summary": f"Sync {i}",
        "start": {"dateTime": f"2024-06-03T{hour:02d}:00:00+02:00", "timeZone": BERLIN},
        "end": {"dateTime": f"2024-06-03T{hour:02d}:50:00+02:00", "timeZone": BERLIN},
    }
    item.update(extra)
    return item


def render(
    kind: str, pages: List[Dict[str, Any]], *, fast: bool, width: int, zone: Optional[str] = None
) -> str:
    out = io.StringIO()
    writer = make_writer(kind, "table", out, width=width, time_zone=zone)
    if not fast:
        writer._fast = False  # rich lays out every row
    for page in pages:
        writer.write_page(page)
    writer.close()
    return out.getvalue()


def both(kind: str, pages: List[Dict[str, Any]], width: int, zone: Optional[str] = None) -> str:
    fast = render(kind, pages, fast=True, width=width, zone=zone)
    slow = render(kind, pages, fast=False, width=width, zone=zone)
    assert fast == slow
    return fast


ODD = [
    {"summary": "Call 日本語", "location": "العربية, Ελληνικά"},
    {"summary": "  leading and trailing  "},
    {"summary": "two  spaces"},
    {"summary": "x" * 300},
    {"summary": ""},
    {"summary": "line\nbreak", "location": "a\n\nb"},
    {"summary": "tab\there", "location": "esc \x1b[31m red"},
    {"summary": "[bold]markup[/bold] :smile:"},
    {"status": "cancelled", "recurringEventId": "bench0000000"},
    {"recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"]},
    {"start": {"date": "2024-06-01"}, "end": {"date": "2024-06-02"}},
    {"summary": "combining e\u0301 and zero\u200bwidth"},
]


@pytest.mark.parametrize("width", [40, 63, 64, 80, 99, 100, 120, 200])
@pytest.mark.parametrize("kind", ["events", "instances"])
def test_plain_and_odd_rows_match_rich(kind: str, width: int) -> None:
    pages = [
        {"timeZone": BERLIN, "items": [event(i) for i in range(30)]},
        {"timeZone": BERLIN, "items": [event(100 + i, **odd) for i, odd in enumerate(ODD)]},
        {"timeZone": BERLIN, "items": [event(200 + i) for i in range(30)]},
    ]
    text = both(kind, pages, width)
    assert "Sync 229" in text


def test_pages_without_zone_and_a_first_page_of_odd_rows() -> None:
    pages = [
        {"items": [event(i, summary="x" * 200) for i in range(10)]},  # nothing to prove on
        {"items": [event(i) for i in range(20)]},
    ]
    both("events", pages, 120)
    both("events", pages, 120, zone="Asia/Tokyo")


def test_calendars_match_rich() -> None:
    items = [
        {"id": f"cal{i}@example.com", "summary": f"Calendar {i}", "accessRole": "reader"}
        for i in range(20)
    ]
    items[3]["primary"] = True
    items[5]["summaryOverride"] = "Mine"
    both("calendars", [{"items": items}], 120)


def test_the_shortcut_is_taken_for_plain_rows() -> None:
    out = io.StringIO()
    writer = make_writer("events", "table", out, width=120)
    writer.write_page({"timeZone": BERLIN, "items": [event(i) for i in range(20)]})
    assert writer._fast  # proven on the first rows
    calls = []
    writer._print_rows = lambda rows: calls.append(len(rows))  # type: ignore[method-assign]
    writer.write_page({"timeZone": BERLIN, "items": [event(i) for i in range(50)]})
    assert calls == []  # not one row of the second page needed rich


def test_colour_always_goes_through_rich() -> None:
    out = io.StringIO()
    writer = make_writer("events", "table", out, width=120, color=True)
    writer.write_page({"timeZone": BERLIN, "items": [event(i) for i in range(5)]})
    assert writer._fast is False
    assert "\x1b[" in out.getvalue()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "summary": st.text(max_size=40),
                "location": st.text(max_size=20),
                "id": st.text(min_size=1, max_size=30),
            }
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([50, 80, 120]),
)
def test_any_text_matches_rich(extras: List[Dict[str, str]], width: int) -> None:
    plain = [event(i) for i in range(10)]
    pages = [
        {"timeZone": BERLIN, "items": plain},
        {"timeZone": BERLIN, "items": [event(i, **x) for i, x in enumerate(extras)]},
    ]
    both("events", pages, width)
