"""`gcal free` without calendars is my own time: the primary calendar and those I own, not a
colleague's or a shared office calendar (those count only when named); the title says which."""

from __future__ import annotations

from gcal.core.calendars import my_own_calendars, names_text
from runner import run

ENTRIES = [
    {"id": "ada@example.com", "summary": "Ada Lovelace", "primary": True, "accessRole": "owner"},
    {"id": "side@group", "summary": "Side project", "accessRole": "owner", "selected": True},
    {"id": "old@group", "summary": "Old", "accessRole": "owner", "hidden": True},
    {"id": "team@group", "summary": "Engineering", "accessRole": "writer", "selected": True},
    {"id": "tokyo@group", "summary": "Tokyo", "accessRole": "reader", "selected": True},
    {"id": "charles@example.com", "summary": "Charles", "accessRole": "freeBusyReader"},
    {"id": "gone@group", "summary": "Gone", "accessRole": "owner", "deleted": True},
]


def test_my_own_calendars_are_the_primary_and_the_owned_ones():
    assert [e["id"] for e in my_own_calendars(ENTRIES)] == ["ada@example.com", "side@group"]
    assert names_text(my_own_calendars(ENTRIES)) == "Ada Lovelace + Side project"
    assert names_text(ENTRIES[:5]) == "Ada Lovelace + Side project + Old and 2 more"


PINNED = {"GCAL_EMULATOR_NOW": "2026-12-07T08:00:00Z", "COLUMNS": "100"}


def test_free_without_calendars_asks_only_mine_and_says_so():
    mine = run(["--demo", "-f", "table", "free", "--duration", "1h"], env=PINNED)
    assert mine.code == 0, mine
    assert mine.out.splitlines()[0].startswith("free slots in Ada Lovelace, at least 1h, ")
    # the shared calendars block time only when named
    named = run(["--demo", "-f", "table", "free", "ada", "tokyo.office@group.calendar.google.com",
                 "charles@example.com", "--duration", "1h"], env=PINNED)  # fmt: skip
    assert named.code == 0, named
    assert (
        "free slots in Ada Lovelace + 東京オフィス + Charles Babbage, at least 1h"
        in (named.out.splitlines()[0])
    )
    slots = run(["--demo", "-f", "csv", "free", "--duration", "1h"], env=PINNED).out
    fewer = run(["--demo", "-f", "csv", "free", "ada", "charles@example.com", "tokyo.office@"
                 "group.calendar.google.com", "--duration", "1h"], env=PINNED).out  # fmt: skip
    assert slots != fewer  # the others' meetings took some of my free time
