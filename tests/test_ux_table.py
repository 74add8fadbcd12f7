"""The table as a person sees it at common terminal widths: nothing cropped, nothing lost."""

from __future__ import annotations

import io
from typing import Any, Dict, List

import pytest

from gcal.render.formats import make_writer

CALENDARS: List[Dict[str, Any]] = [
    {
        "id": "ada@example.com",
        "summary": "Ada Lovelace",
        "accessRole": "owner",
        "timeZone": "Europe/Berlin",
        "primary": True,
    },
    {
        "id": "team.engineering@group.calendar.google.com",
        "summary": "Engineering",
        "accessRole": "writer",
        "timeZone": "America/Los_Angeles",
    },
    {
        "id": "charles@example.com",
        "summary": "Charles Babbage",
        "accessRole": "freeBusyReader",
        "timeZone": "Europe/London",
        "hidden": True,
    },
]


def _table(kind: str, items: List[Dict[str, Any]], width: int) -> str:
    out = io.StringIO()
    writer = make_writer(kind, "table", out, width=width)
    writer.write_page({"items": items})
    writer.close()
    return out.getvalue()


@pytest.mark.parametrize("width", [60, 80, 100, 120, 200])
def test_calendars_keep_summary_role_and_zone_whole(width: int) -> None:
    text = _table("calendars", CALENDARS, width)
    assert max(len(line) for line in text.splitlines()) <= width
    for word in ("Ada Lovelace", "Engineering", "Charles Babbage", "freeBusyReader"):
        assert word in text, (width, text)
    for word in ("America/Los_Angeles", "Europe/Berlin", "primary", "hidden"):
        assert word in text, (width, text)
    if width >= 100:  # long group ids fold on narrower terminals
        for item in CALENDARS:
            assert item["id"] in text, (width, text)
