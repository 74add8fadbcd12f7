"""`gcal sync` of several profiles: `--profile work --profile personal` and `--all-profiles`.

Two emulators, each its own Google account logged in as its own profile (tests/accounts.py),
synced by one command through the real entry point; each profile's SQLite store is then read
as a file, and stderr's lines are checked one by one.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterator, Set, Tuple

import pytest

from accounts import PERSONAL_ID, TwoAccounts
from runner import Result, run

TWO = ["--profile", "work", "--profile", "personal"]
WORK_ID = "ada@example.com"
WORK_CALENDARS = [
    WORK_ID,
    "team.engineering@group.calendar.google.com",
    "tokyo.office@group.calendar.google.com",
    "charles@example.com",
]
ENGINEERING = WORK_CALENDARS[1]
SOME = "some profiles could not be synced (see above); their stores keep their last sync"


@pytest.fixture(scope="module")
def accounts(tmp_path_factory) -> Iterator[TwoAccounts]:
    two = TwoAccounts.logged_in(tmp_path_factory.mktemp("accounts"))
    yield two
    two.stop()


def _gcal(accounts: TwoAccounts, cache: Path, *args: str) -> Result:
    return run(list(args), env={**accounts.env, "GCAL_CACHE_DIR": str(cache)})


def _events(cache: Path, profile: str) -> Set[Tuple[str, str]]:
    """(calendar id, event id) of every event in the profile's store file."""
    path = cache / "store" / f"{profile}.sqlite3"
    if not path.exists():
        return set()
    with sqlite3.connect(str(path)) as conn:
        return {(row[0], row[1]) for row in conn.execute("SELECT calendar_id, id FROM events")}


def _calendars(events: Set[Tuple[str, str]]) -> Set[str]:
    return {calendar for calendar, _ in events}


def _api_events(accounts: TwoAccounts, profile: str, calendar: str) -> Set[Tuple[str, str]]:
    result = _gcal(
        accounts, accounts.folder, "--profile", profile, "events", calendar, "-f", "ndjson"
    )
    assert result.code == 0, result.err
    return {(calendar, json.loads(line)["id"]) for line in result.out.splitlines()}


def _summary(profile: str, calendar: str, added: int, kind: str) -> str:
    return f"gcal: sync: {profile}: {calendar}: {added} added, 0 changed, 0 deleted ({kind})"


def test_two_profiles_sync_each_into_its_own_store(accounts, tmp_path) -> None:
    accounts.work.clear_requests()
    accounts.personal.clear_requests()
    first = _gcal(accounts, tmp_path, "sync", *TWO)
    assert first.code == 0, first.err
    work, personal = _events(tmp_path, "work"), _events(tmp_path, "personal")
    assert _calendars(work) == set(WORK_CALENDARS)
    assert personal == _api_events(accounts, "personal", PERSONAL_ID) and len(personal) == 2
    assert {e for e in work if e[0] == ENGINEERING} == _api_events(accounts, "work", ENGINEERING)
    # each account was asked for its own calendars only
    assert accounts.work.api_requests("/events") and accounts.personal.api_requests("/events")
    assert not any(PERSONAL_ID in r.path for r in accounts.work.api_requests())
    # one line per calendar, naming its profile, the profiles in the order given
    lines = first.err_lines
    assert [line.split(": ")[2:4] for line in lines] == [
        *(["work", c] for c in WORK_CALENDARS),
        ["personal", PERSONAL_ID],
    ]
    assert lines[-1] == _summary("personal", PERSONAL_ID, 2, "full")
    assert all(line.endswith("(full)") for line in lines)

    again = _gcal(accounts, tmp_path, "sync", "--all-profiles")
    assert again.code == 0, again.err
    assert sorted(again.err_lines) == sorted(
        [_summary("work", c, 0, "incremental") for c in WORK_CALENDARS]
        + [_summary("personal", PERSONAL_ID, 0, "incremental")]
    )
    quiet = _gcal(accounts, tmp_path, "sync", *TWO, "--quiet")
    assert quiet.code == 0 and quiet.err == ""

    status = _gcal(accounts, tmp_path, "sync", *TWO, "--status")
    assert status.code == 0, status.err
    work_block, personal_block = status.out.split("\n\n")
    assert work_block.splitlines()[0] == "profile: work"
    assert work_block.splitlines()[1].startswith(f"store: {tmp_path / 'store' / 'work.sqlite3'} (")
    assert f"{ENGINEERING}\tEngineering\t5 events\tsynced " in work_block
    assert personal_block.splitlines()[0] == "profile: personal"
    assert f"store: {tmp_path / 'store' / 'personal.sqlite3'} (" in personal_block
    assert f"{PERSONAL_ID}\tGrace Hopper\t2 events\tsynced " in personal_block
    assert PERSONAL_ID not in work_block
    every = _gcal(accounts, tmp_path, "sync", "--all-profiles", "--status")
    heads = [x for x in every.out.splitlines() if x.startswith(("profile: ", "store: "))]
    assert every.code == 0 and sorted(heads) == sorted(
        x for x in status.out.splitlines() if x.startswith(("profile: ", "store: "))
    )

    import json

    data = _gcal(accounts, tmp_path, "sync", *TWO, "--status", "--format", "json")
    assert data.code == 0, data.err
    reports = json.loads(data.out)
    assert [r["profile"] for r in reports] == ["work", "personal"]
    assert reports[1]["store"] == str(tmp_path / "store" / "personal.sqlite3")
    mine = {c["calendarId"]: c for c in reports[1]["calendars"]}
    assert mine[PERSONAL_ID]["events"] == 2 and mine[PERSONAL_ID]["lastSync"] == "incremental"
    lines = _gcal(accounts, tmp_path, "sync", *TWO, "--status", "--format", "ndjson").out
    rows = [json.loads(line) for line in lines.splitlines()]
    assert {(r["profile"], r["calendarId"]) for r in rows} == {
        (report["profile"], c["calendarId"]) for report in reports for c in report["calendars"]
    }

    rebuilt = _gcal(accounts, tmp_path, "sync", *TWO, "--rebuild")
    assert rebuilt.code == 0, rebuilt.err
    assert rebuilt.err_lines[-1] == _summary("personal", PERSONAL_ID, 2, "full")
    assert all(line.endswith("(full)") for line in rebuilt.err_lines)
    assert _events(tmp_path, "work") == work and _events(tmp_path, "personal") == personal


def test_the_same_calendar_is_chosen_in_each_profile(accounts, tmp_path) -> None:
    result = _gcal(accounts, tmp_path, "sync", *TWO, "--calendar", "primary")
    assert result.code == 0, result.err
    assert _calendars(_events(tmp_path, "work")) == {WORK_ID}
    assert _calendars(_events(tmp_path, "personal")) == {PERSONAL_ID}
    # a name only one profile knows is the other profile's error (usage: 2), not the end
    named = _gcal(accounts, tmp_path, "sync", *TWO, "--calendar", "Engineering")
    assert named.code == 2
    assert named.err_lines[0] == _summary("work", ENGINEERING, 5, "full")
    assert named.err_lines[1].startswith(
        "gcal: error: profile personal: --calendar 'Engineering' matches no calendar id or "
        "name; the calendars are 'Grace Hopper' (grace@example.org)"
    )
    assert named.err_lines[2:] == [f"gcal: error: {SOME}"]
    assert _calendars(_events(tmp_path, "work")) == {WORK_ID, ENGINEERING}


def test_a_calendar_missing_from_one_profile_is_named_with_its_profile(accounts, tmp_path):
    result = _gcal(accounts, tmp_path, "sync", *TWO, "-c", "primary", "-c", ENGINEERING)
    assert result.code == 4  # not found: the personal account has no such calendar
    assert result.err_lines[0].startswith(f"gcal: sync: work: {WORK_ID}: ")
    assert result.err_lines[1:] == [
        _summary("work", ENGINEERING, 5, "full"),
        _summary("personal", PERSONAL_ID, 2, "full"),
        f"gcal: error: profile personal: {ENGINEERING}: calendar '{ENGINEERING}' not found "
        "(HTTP 404: Not Found)",
        f"gcal: error: {SOME}",
    ]
    assert _calendars(_events(tmp_path, "personal")) == {PERSONAL_ID}


def test_a_profile_that_fails_is_named_in_one_line_and_the_other_syncs(accounts, tmp_path):
    assert _gcal(accounts, tmp_path, "sync", *TWO).code == 0
    personal = _events(tmp_path, "personal")
    accounts.personal.inject_fault("reset", count=100)  # the personal account unreachable
    try:
        result = _gcal(accounts, tmp_path, "sync", *TWO, "--rebuild")
    finally:
        accounts.personal.reset()
    assert result.code == 5  # network, the worst failure
    assert [line.split(": ")[2:4] for line in result.err_lines[:4]] == [
        ["work", c] for c in WORK_CALENDARS
    ]
    assert all(line.endswith("(full)") for line in result.err_lines[:4])
    (failure,) = [line for line in result.err_lines if "personal" in line]
    assert failure.startswith("gcal: error: profile personal: the Calendar API at ")
    assert "did not answer" in failure
    assert result.err_lines[-1] == f"gcal: error: {SOME}"
    assert len(result.err_lines) == 6
    assert _calendars(_events(tmp_path, "work")) == set(WORK_CALENDARS)
    assert _events(tmp_path, "personal") == set()  # rebuilt: emptied, then not reached
    assert personal  # it had been filled before

    ghost = _gcal(accounts, tmp_path, "sync", "--profile", "ghost", "--profile", "work", "-q")
    assert ghost.code == 3  # not logged in, and no client file to log in with: set it up
    assert ghost.err_lines == [
        "gcal: error: profile ghost: no Google account is set up yet for profile ghost (no "
        "login and no OAuth client file); run `gcal auth setup --profile ghost`, or try "
        "`gcal --demo agenda`",
        f"gcal: error: {SOME}",
    ]
    assert not (tmp_path / "store" / "ghost.sqlite3").exists()


def test_several_profiles_are_refused_where_they_make_no_sense(accounts, tmp_path) -> None:
    both = _gcal(accounts, tmp_path, "sync", *TWO, "--all-profiles")
    assert both.code == 2
    assert both.err_lines == ["gcal: error: --all-profiles cannot be combined with --profile"]
    status = _gcal(accounts, tmp_path, "sync", "--all-profiles", "--status", "--rebuild")
    assert status.code == 2 and "--status only shows the store" in status.err
    # a store never created is said so, per profile
    fresh = _gcal(accounts, tmp_path, "sync", *TWO, "--status")
    assert fresh.code == 0, fresh.err
    assert "profile: personal\nstore: " in fresh.out and "(not created yet" in fresh.out


def test_a_terminal_shows_a_bar_per_profile_and_calendar(accounts, tmp_path) -> None:
    import re

    from ttyrunner import run_on_terminal

    # each listing is held a moment, so that the bars are drawn while it waits
    accounts.work.inject_delay(0.6, count=len(WORK_CALENDARS), path="/events")
    accounts.personal.inject_delay(0.6, count=1, path="/events")
    env = {**accounts.env, "GCAL_CACHE_DIR": str(tmp_path)}
    try:
        result = run_on_terminal(["sync", *TWO], env=env, stderr_too=True, columns=120)
    finally:
        accounts.work.reset()
        accounts.personal.reset()
    assert result.code == 0, result
    # what stays on the screen: escape sequences (cursor moves, erasing) left out
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.out).replace("\r", "\n")
    bars = [line for line in shown.splitlines() if " events, " in line or " event, " in line]
    for bar in [f"work:{c}" for c in WORK_CALENDARS] + [f"personal:{PERSONAL_ID}"]:
        assert any(bar in line for line in bars), bar
    # the bars disappear into the summary lines, each profile's in turn
    summaries = [line for line in shown.splitlines() if line.startswith("gcal: sync: ")]
    assert [line.split(": ")[2:4] for line in summaries] == [
        *(["work", c] for c in WORK_CALENDARS),
        ["personal", PERSONAL_ID],
    ]
