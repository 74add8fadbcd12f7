"""Several profiles answered from their stores: `gcal agenda`, `gcal next`, `gcal week` and
`gcal month` with `--profile A --profile B` (or `--all-profiles`) and `--offline`/`--cached`.

Two emulators, each its own Google account logged in as its own profile (tests/accounts.py);
each profile syncs into its own store. The merged answer from the stores must be the merged
answer of the live API, in the same order and with the same fields.
"""

from __future__ import annotations

import datetime
import json
import re
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from accounts import PERSONAL_ID, SHARED_UID, TwoAccounts, shared_meeting
from runner import Result, run

TWO = ["--profile", "work", "--profile", "personal"]
KEYS = ("id", "start", "end", "summary", "calendarId")
WORK_ID = "ada@example.com"
WORK_ENGINEERING = "team.engineering@group.calendar.google.com"


@pytest.fixture(scope="module")
def accounts(tmp_path_factory) -> Iterator[TwoAccounts]:
    two = TwoAccounts.logged_in(tmp_path_factory.mktemp("accounts"))
    yield two
    two.stop()


def _env(accounts: TwoAccounts, cache: Path) -> Dict[str, str]:
    return {**accounts.env, "GCAL_CACHE_DIR": str(cache), "COLUMNS": "100"}


def _gcal(env: Dict[str, str], *args: str) -> Result:
    return run(list(args), env=env)


def _sync(env: Dict[str, str], *profiles: str, extra: tuple = ()) -> None:
    for profile in profiles:
        result = _gcal(env, "--profile", profile, "sync", *extra)
        assert result.code == 0, result.err


def _clear(accounts: TwoAccounts) -> None:
    accounts.work.clear_requests()
    accounts.personal.clear_requests()


def _requests(accounts: TwoAccounts) -> List[Any]:
    return accounts.work.api_requests() + accounts.personal.api_requests()


def _window(accounts: TwoAccounts) -> List[str]:
    """Around the shared meeting: the days the demo data fills, both accounts' events."""
    day = datetime.date.fromisoformat(shared_meeting(accounts.demo)["start"]["dateTime"][:10])
    start = day - datetime.timedelta(days=3)
    return [start.isoformat(), "--days", "10", "--time-zone", "Europe/Berlin"]


def _ndjson(result: Result) -> List[Dict[str, Any]]:
    assert result.code == 0, result.err
    return [json.loads(line) for line in result.out.splitlines()]


@pytest.fixture(scope="module")
def synced(accounts: TwoAccounts, tmp_path_factory) -> Dict[str, str]:
    env = _env(accounts, tmp_path_factory.mktemp("cache"))
    _sync(env, "work", "personal")
    return env


# -- gcal agenda -------------------------------------------------------------------------------


def test_offline_agenda_of_two_profiles_equals_the_live_one(accounts, synced) -> None:
    window = _window(accounts)
    live = _ndjson(_gcal(synced, "agenda", *window, *TWO, "-f", "ndjson"))
    _clear(accounts)
    offline = _ndjson(_gcal(synced, "agenda", *window, *TWO, "--offline", "-f", "ndjson"))
    assert _requests(accounts) == []  # no network at all
    assert [{k: e.get(k) for k in KEYS} for e in offline] == [
        {k: e.get(k) for k in KEYS} for e in live
    ]
    assert offline == live  # every field, the profiles of a shared meeting too
    shared = [e for e in offline if e.get("iCalUID") == SHARED_UID]
    assert len(shared) == 1
    assert shared[0]["gcalCalendars"] == [
        {"profile": "work", "calendarId": WORK_ID},
        {"profile": "personal", "calendarId": PERSONAL_ID},
    ]
    calendars = {e["calendarId"] for e in offline}
    assert WORK_ID in calendars and PERSONAL_ID in calendars
    assert "Grace's own slot" in {e.get("summary") for e in offline}
    for fmt in (["-f", "tsv"], ["-f", "csv"], []):  # [] : the table, into a pipe
        live_text = _gcal(synced, "agenda", *window, *TWO, *fmt)
        offline_text = _gcal(synced, "agenda", *window, *TWO, "--offline", *fmt)
        assert live_text.code == offline_text.code == 0, offline_text.err
        assert offline_text.out == live_text.out and offline_text.err == ""
        assert "Ada Lovelace + Grace Hopper" in offline_text.out  # the shared meeting, once


def test_offline_agenda_of_all_profiles(accounts, synced) -> None:
    window = _window(accounts)
    live = _gcal(synced, "agenda", *window, "--all-profiles", "-f", "csv")
    offline = _gcal(synced, "agenda", *window, "--all-profiles", "--offline", "-f", "csv")
    assert live.code == offline.code == 0, offline.err
    assert offline.out == live.out
    assert PERSONAL_ID in offline.out and WORK_ID in offline.out


def test_a_profile_never_synced_is_named_and_the_other_prints(accounts, tmp_path) -> None:
    env = _env(accounts, tmp_path)
    _sync(env, "work")
    window = _window(accounts)
    _clear(accounts)
    result = _gcal(env, "agenda", *window, *TWO, "--offline", "-f", "ndjson")
    assert _requests(accounts) == []
    assert result.code == 4  # not found, as one profile's store never synced is
    assert result.err_lines == [
        "gcal: error: profile personal: the store is empty: run "
        "'gcal sync --profile personal' first"
    ]
    events = [json.loads(line) for line in result.out.splitlines()]
    assert events and {e["calendarId"] for e in events} >= {WORK_ID}
    assert PERSONAL_ID not in {e["calendarId"] for e in events}


def test_a_calendar_never_synced_names_its_profile(accounts, tmp_path) -> None:
    env = _env(accounts, tmp_path)
    _sync(env, "work", extra=("--calendar", WORK_ID))
    _sync(env, "personal")
    result = _gcal(env, "agenda", *_window(accounts), *TWO, "--offline", "-f", "ndjson")
    assert result.code == 4
    (line,) = result.err_lines
    assert line.startswith(f"gcal: error: profile work: calendar '{WORK_ENGINEERING}' ")
    assert f"run 'gcal sync --profile work --calendar {WORK_ENGINEERING}'" in line
    # the profile is left out whole, as its own `gcal agenda --offline` prints nothing
    events = [json.loads(line) for line in result.out.splitlines()]
    assert events and {e["calendarId"] for e in events} == {PERSONAL_ID}
    alone = _gcal(env, "--profile", "work", "agenda", *_window(accounts), "--offline")
    assert alone.code == 4 and alone.out == ""
    assert alone.err_lines == [line.replace("profile work: ", "")]


def test_cached_agenda_of_two_profiles_syncs_each_then_falls_back(accounts, tmp_path) -> None:
    env = _env(accounts, tmp_path)
    window = _window(accounts)
    live = _ndjson(_gcal(env, "agenda", *window, *TWO, "-f", "ndjson"))
    _clear(accounts)
    first = _ndjson(_gcal(env, "agenda", *window, *TWO, "--cached", "-f", "ndjson"))
    assert first == live
    assert accounts.work.api_requests("/events") and accounts.personal.api_requests("/events")
    stores = sorted(p.name for p in (tmp_path / "store").glob("*.sqlite3"))
    assert stores == ["personal.sqlite3", "work.sqlite3"]
    _clear(accounts)
    assert _ndjson(_gcal(env, "agenda", *window, *TWO, "--cached", "-f", "ndjson")) == live
    assert _requests(accounts) == []  # both fresh: nothing asked
    time.sleep(1.1)
    accounts.personal.inject_fault("reset", count=50)  # the personal account unreachable
    try:
        result = _gcal(env, "agenda", *window, *TWO, "--cached", "--max-age", "1s", "-f", "json")
    finally:
        accounts.personal.reset()
    assert result.code == 0, result.err
    assert json.loads(result.out) == live
    (warning,) = result.err_lines
    assert warning.startswith(
        "gcal: warning: profile personal: the Calendar API could not be reached; answering "
        "from the store as of "
    )
    assert any("syncToken" in r.query for r in accounts.work.api_requests("/events"))


def test_offline_agenda_refuses_a_filter_the_stores_cannot_answer(accounts, synced) -> None:
    result = _gcal(synced, "agenda", *TWO, "--offline", "--show-hidden-invitations")
    assert result.code == 2
    assert result.err_lines == [
        "gcal: error: --show-hidden-invitations cannot be answered from the store; drop it or "
        "leave out --offline"
    ]


# -- gcal week and gcal month ------------------------------------------------------------------


def test_week_and_month_of_two_profiles_from_the_stores_equal_the_live_ones(
    accounts, synced
) -> None:
    day = shared_meeting(accounts.demo)["start"]["dateTime"][:10]
    zone = ["--time-zone", "Europe/Berlin"]
    live = _gcal(synced, "week", day, *TWO, *zone)
    _clear(accounts)
    offline = _gcal(synced, "week", day, *TWO, *zone, "--offline")
    assert _requests(accounts) == []
    assert live.code == offline.code == 0, offline.err
    assert offline.out == live.out
    assert "Grace's own" in offline.out  # the personal account's event is on the grid
    alone = _gcal(synced, "--profile", "work", "week", day, *zone, "--offline")
    assert "Grace's own" not in alone.out and alone.out != offline.out
    month = day[:7]
    live_month = _gcal(synced, "month", month, "--all-profiles", *zone, "-f", "ndjson")
    offline_month = _gcal(
        synced, "month", month, "--all-profiles", *zone, "--offline", "-f", "ndjson"
    )
    assert _ndjson(offline_month) == _ndjson(live_month)
    assert PERSONAL_ID in {e["calendarId"] for e in _ndjson(offline_month)}
    grid = _gcal(synced, "month", month, *TWO, *zone, "--cached")
    assert grid.code == 0 and grid.out == _gcal(synced, "month", month, *TWO, *zone).out


# -- gcal next ---------------------------------------------------------------------------------


def _event(event_id: str, summary: str, start: datetime.datetime, minutes: int) -> dict:
    end = start + datetime.timedelta(minutes=minutes)
    return {
        "id": event_id,
        "iCalUID": f"{event_id}@example.com",
        "summary": summary,
        "status": "confirmed",
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": end.isoformat()},
    }


def _account(calendar_id: str, name: str, events: List[dict]) -> dict:
    return {
        "calendars": [
            {
                "id": calendar_id,
                "summary": name,
                "timeZone": "UTC",
                "accessRole": "owner",
                "primary": True,
                "selected": True,
                "events": events,
            }
        ]
    }


@pytest.fixture(scope="module")
def soon(tmp_path_factory) -> Iterator[TwoAccounts]:
    """The work account's next meeting in 50 minutes (and one declined in 5); the personal
    account's in 20: the next of both is the second profile's."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    minutes = datetime.timedelta(minutes=1)
    declined = _event("declined1", "Skipped call", now + 5 * minutes, 15)
    declined["attendees"] = [{"email": WORK_ID, "self": True, "responseStatus": "declined"}]
    work = _account(
        WORK_ID, "Ada Lovelace", [_event("review1", "Design review", now + 51 * minutes, 30)]
    )
    work["calendars"][0]["events"].append(declined)
    personal = _account(
        PERSONAL_ID, "Grace Hopper", [_event("dentist1", "Dentist", now + 21 * minutes, 30)]
    )
    two = TwoAccounts.logged_in(tmp_path_factory.mktemp("soon"), work=work, personal=personal)
    yield two
    two.stop()


@pytest.mark.parametrize("mode", ["live", "--offline", "--cached"])
def test_next_is_the_next_event_of_every_profile(soon, tmp_path, mode: str) -> None:
    env = _env(soon, tmp_path)
    store = [] if mode == "live" else [mode]
    if mode == "--offline":
        _sync(env, "work", "personal")
    _clear(soon)
    result = _gcal(env, "next", *TWO, *store, "--time-zone", "UTC")
    assert result.code == 0, result.err
    assert re.fullmatch(r"\d\d:\d\d–\d\d:\d\d Dentist \(in 2[01] min\)\n", result.out), result.out
    if mode == "--offline":
        assert _requests(soon) == []
    as_json = _gcal(env, "--format", "json", "next", *TWO, *store)
    found = json.loads(as_json.out)
    assert found["calendarId"] == PERSONAL_ID and found["id"] == "dentist1"
    assert found["minutesUntil"] in (20, 21)
    work = _gcal(env, "next", "--profile", "work", *store, "--time-zone", "UTC")
    assert " Design review (in " in work.out  # the declined call is never next
    both = _gcal(env, "next", "--all-profiles", *store, "--within", "30m", "--time-zone", "UTC")
    assert both.out == result.out
    nothing = _gcal(env, "next", *TWO, *store, "--within", "10m")
    assert nothing.code == 0 and nothing.out == ""


def test_next_names_a_profile_never_synced(soon, tmp_path) -> None:
    env = _env(soon, tmp_path)
    _sync(env, "work")
    result = _gcal(env, "next", *TWO, "--offline", "--time-zone", "UTC")
    assert result.code == 4
    assert " Design review (in " in result.out  # the work profile still answers
    assert result.err_lines == [
        "gcal: error: profile personal: the store is empty: run "
        "'gcal sync --profile personal' first"
    ]
