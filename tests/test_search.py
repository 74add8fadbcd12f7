"""`gcal search`: full text over the store (real SQLite, real emulator, the user's code path)."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcal.emulator import Emulator
from gcal.emulator.demo import default_anchor
from gcal.emulator.render import haystack
from store_support import PRIMARY, SELECTED, WRITER, Account, emulator_listing

UTC = timezone.utc


@pytest.fixture
def account(emulator: Emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path, write=True)


@pytest.fixture
def synced(account: Account) -> Account:
    assert account.gcal("sync").code == 0
    return account


def hits(account: Account, *args: str) -> list:
    result = account.gcal("search", *args, "--offline", "--all", "--format", "json")
    assert result.code == 0, result
    return json.loads(result.out)


def ids(account: Account, *args: str) -> set:
    return {h["id"] for h in hits(account, *args)}


def keys(account: Account, *args: str) -> set:
    """The event or series each hit stands for."""
    return {h.get("recurringEventId") or h["id"] for h in hits(account, *args)}


def _day(offset: int) -> str:
    return (default_anchor() + timedelta(days=offset)).isoformat()


def test_words_prefixes_phrases_fields(synced: Account) -> None:
    assert "budgetreview" in ids(synced, "budget")
    assert "budgetreview" in ids(synced, "BUDG*")
    assert "budgetreview" in ids(synced, "budg")  # a word finds the words it starts
    assert "budgetreview" in ids(synced, '"budget review"')
    assert "budgetreview" not in ids(synced, '"review budget"')
    both = ids(synced, "budget review")
    assert "budgetreview" in both and "designreviewsoon" not in both
    either = ids(synced, "budget OR title:design")
    assert {"budgetreview", "designreviewsoon"} <= either
    assert "budgetreview" not in ids(synced, "review -budget")
    assert "designreviewsoon" in ids(synced, "where:lovelace")
    assert "designreviewsoon" not in ids(synced, "title:lovelace")
    # who: attendees' names and e-mails
    assert "allhands" in ids(synced, "who:grace")
    rows = hits(synced, "budget")
    assert rows[0]["calendarId"] == PRIMARY and rows[0]["rank"] == 1


def test_accents_case_and_cjk(synced: Account, account: Account) -> None:
    assert {"wl-custom", "invitedinner"} <= ids(synced, "cafe")
    assert {"wl-custom", "invitedinner"} <= ids(synced, "CAFÉ")
    tokyo = ids(synced, "朝会", "--all-calendars")
    assert any(i.startswith("tokyo-standup") for i in tokyo)
    start = datetime.combine(default_anchor() + timedelta(days=1), time(8), UTC)
    account.emu.insert_event(
        PRIMARY,
        {
            "id": "standupzh",
            "summary": "Weekly standup 週會",
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": (start + timedelta(minutes=15)).isoformat()},
        },
    )
    assert account.gcal("sync").code == 0
    assert "standupzh" in ids(synced, "週會")
    assert "standupzh" in ids(synced, "會")
    assert "standupzh" not in ids(synced, "會週")


def test_a_window_narrows_and_a_series_is_one_hit_unless_instances(synced: Account) -> None:
    every = [h for h in hits(synced, "title:weekly title:sync") if h.get("recurringEventId")]
    assert len(every) == 1  # the series, at one occurrence
    week = hits(synced, "code review", _day(0), _day(0))
    assert week and all(h["start"]["dateTime"][:10] == _day(0) for h in week)
    assert len(week) == 1  # one "Code review #N" a day
    instances = hits(synced, "title:weekly title:sync", _day(-28), _day(70), "--instances")
    assert len(instances) == 10  # 12 occurrences, one EXDATE, one cancelled (demo data)
    starts = [h["start"]["dateTime"] for h in hits(synced, "review", "--order", "start")]
    assert starts == sorted(starts, key=lambda s: datetime.fromisoformat(s).timestamp())


def test_bad_queries_are_usage_errors(synced: Account) -> None:
    for text in ("-budget", "budget OR", "title:", "  "):
        result = synced.gcal("search", text, "--offline")
        assert result.code == 2, (text, result)
        assert result.err.startswith("gcal: error: ") and "Traceback" not in result.err


def test_without_a_store_the_api_answers_and_says_so(account: Account) -> None:
    result = account.gcal("search", "budget", "--format", "json")
    assert result.code == 0, result
    assert len(result.err_lines) == 1 and "no local store" in result.err
    assert "budgetreview" in {h["id"] for h in json.loads(result.out)}
    assert account.gcal("search", "budget", "--offline").code == 4


def test_the_index_follows_gcal_edits_and_deletions(synced: Account) -> None:
    assert "budgetreview" in ids(synced, "budget")
    result = synced.gcal("edit", PRIMARY, "budgetreview", "--title", "Notary appointment")
    assert result.code == 0, result
    assert "budgetreview" in ids(synced, "notary")
    assert "budgetreview" not in ids(synced, "title:budget")
    assert synced.gcal("delete", PRIMARY, "budgetreview", "--yes").code == 0
    assert "budgetreview" not in ids(synced, "notary")


def test_a_410_resync_rebuilds_the_index(synced: Account) -> None:
    synced.emu.update_event(PRIMARY, "allhands", summary="Quarterly town hall")
    synced.emu.invalidate_sync_tokens()
    assert synced.gcal("sync").code == 0
    assert "allhands" in ids(synced, "town hall")
    assert "allhands" not in ids(synced, "title:hands")


def test_table_highlights_matched_words_on_a_terminal(synced: Account) -> None:
    result = synced.gcal("search", "budget", "--offline", "-f", "table", "--color", "always")
    assert result.code == 0, result
    assert "\x1b[1mBudget\x1b[22m review" in result.out
    plain = synced.gcal("search", "budget", "--offline", "-f", "table")
    assert "Budget review" in plain.out and "\x1b" not in plain.out


# -- every match of the API's own q -------------------------------------------------------

_ACCOUNT: dict = {}


def _words() -> list:
    emu = Emulator()
    words = set()
    for cid in SELECTED:
        cal = emu.store.calendars[cid]
        for ev in cal.events.values():
            text = haystack(ev.resource, cal.role)
            words |= {w for w in re.findall(r"[^\W\d_]+", text) if len(w) >= 4}
    return sorted(words)


WORDS = _words()


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    word=st.sampled_from(WORDS),
    first=st.integers(min_value=-30, max_value=20),
    days=st.integers(min_value=1, max_value=30),
)
def test_search_finds_every_event_the_apis_q_finds(
    synced: Account, word: str, first: int, days: int
) -> None:
    lo = datetime.combine(default_anchor() + timedelta(days=first), time(0), UTC)
    hi = lo + timedelta(days=days)
    expected = set()
    for cid in SELECTED:
        if cid == "charles@example.com":
            continue  # free/busy only: q never matches there
        for event in emulator_listing(
            synced, cid, q=word, singleEvents=True, timeMin=lo.isoformat(), timeMax=hi.isoformat()
        ):
            expected.add((cid, event.get("recurringEventId") or event["id"]))
    rows = hits(synced, word, lo.isoformat(), hi.isoformat(), "--instances")
    found = {(h["calendarId"], h.get("recurringEventId") or h["id"]) for h in rows}
    assert expected <= found, (word, expected - found)


def test_writer_calendar_by_name(synced: Account) -> None:
    found = hits(synced, "sync", "--calendar", "Engineering")
    assert found and {h["calendarId"] for h in found} == {WRITER}


def test_the_first_100_hits_unless_limit_or_all(synced: Account) -> None:
    every = hits(synced, "review")  # --all
    assert len(every) > 100  # "Code review #N", "Design review #N", ... in the demo
    result = synced.gcal("search", "review", "--offline", "--format", "ndjson")
    assert result.code == 0 and len(result.out.splitlines()) == 100
    assert f"the first 100 of {len(every)} matches" in result.err
    five = synced.gcal("search", "review", "--offline", "--limit", "5", "-f", "json")
    assert [h["id"] for h in json.loads(five.out)] == [h["id"] for h in every[:5]]
    by_start = synced.gcal("search", "review", "--offline", "--limit", "5", "--order", "start")
    assert by_start.code == 0 and len(by_start.out.splitlines()) == 6  # a header, 5 rows
    assert synced.gcal("search", "review", "--offline", "--all", "--limit", "5").code == 2


def test_cached_syncs_first_then_answers_from_the_store(account: Account) -> None:
    result = account.gcal("search", "budget", "--cached", "--format", "json")
    assert result.code == 0, result
    assert "no local store" not in result.err
    assert "budgetreview" in {h["id"] for h in json.loads(result.out)}
    assert account.store_file.exists()
    account.emu.update_event(PRIMARY, "budgetreview", summary="Notary appointment")
    again = account.gcal("search", "notary", "--cached", "--max-age", "0", "--format", "json")
    assert again.code == 0, again
    assert [h["id"] for h in json.loads(again.out)] == ["budgetreview"]


def test_hostile_titles_are_escaped_in_every_view(account: Account) -> None:
    start = datetime.combine(default_anchor() + timedelta(days=1), time(8), UTC)
    hostile = "Payroll \x1b]52;c;ZWNobyBoaQ==\x07 \u202edesrever\u202c review"
    for eid, begin in (("hostile1", start), ("hostile2", start + timedelta(minutes=30))):
        account.emu.insert_event(
            PRIMARY,
            {
                "id": eid,
                "summary": hostile,
                "location": "Room \x1b[2J",
                "start": {"dateTime": begin.isoformat()},
                "end": {"dateTime": (begin + timedelta(hours=1)).isoformat()},
            },
        )
    assert account.gcal("sync").code == 0
    day = (default_anchor() + timedelta(days=1)).isoformat()
    views = [
        ("search", "payroll", "--offline", "-f", "table", "--color", "always"),
        ("conflicts", day, day, "--offline", "-f", "table", "--calendar", PRIMARY),
    ]
    account.emu.update_event(PRIMARY, "hostile1", summary=hostile + " (moved)")
    assert account.gcal("sync").code == 0
    views.append(("changes", "-f", "table"))
    for args in views:
        result = account.gcal(*args)
        assert result.code == 0, (args, result)
        assert "Payroll" in result.out, args
        assert "\x1b]" not in result.out and "\x1b[2J" not in result.out, args
        assert "\u202e" not in result.out and "\x07" not in result.out, args
        assert "\\x1b" in result.out, args


@pytest.mark.parametrize("text", ["review", "sync OR review", "a*", "e*"])
def test_the_best_hits_read_first_are_the_best_of_all(synced: Account, text: str) -> None:
    """With a limit well under the matches, the best hits are read from the index first
    (without every matching event); they are the first of the whole ranked answer."""
    every = [(h["calendarId"], h["id"]) for h in hits(synced, text)]
    for limit in (1, 3, 7):
        result = synced.gcal("search", text, "--offline", "--limit", str(limit), "-f", "json")
        assert result.code == 0, result
        first = [(h["calendarId"], h["id"]) for h in json.loads(result.out)]
        assert first == every[:limit], (text, limit)
        if len(every) > limit:
            assert f"the first {limit} of " in result.err
