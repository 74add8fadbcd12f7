"""Profiles: two accounts logged in side by side, each command with its own token file."""

from __future__ import annotations

import json
import stat
from typing import Iterator

import pytest

from accounts import PERSONAL_ID, TwoAccounts
from runner import run


@pytest.fixture(scope="module")
def accounts(tmp_path_factory) -> Iterator[TwoAccounts]:
    two = TwoAccounts.logged_in(tmp_path_factory.mktemp("accounts"))
    yield two
    two.stop()


def test_each_profile_has_its_own_token_file(accounts):
    work, personal = accounts.token_file("work"), accounts.token_file("personal")
    assert work.exists() and personal.exists()
    assert stat.S_IMODE(work.stat().st_mode) == 0o600
    assert stat.S_IMODE(work.parent.stat().st_mode) == 0o700
    work_data, personal_data = json.loads(work.read_text()), json.loads(personal.read_text())
    assert work_data["token_uri"] == accounts.work.base_url + "token"
    assert personal_data["token_uri"] == accounts.personal.base_url + "token"
    assert work_data["account"] == "ada@example.com"  # noted at login
    assert personal_data["account"] == PERSONAL_ID
    # the default profile keeps today's path and is untouched
    assert not (accounts.config_dir / "calendar.dat").exists()


@pytest.mark.parametrize(
    ("profile", "primary"), [("work", "ada@example.com"), ("personal", PERSONAL_ID)]
)
def test_each_command_uses_the_profiles_token(accounts, profile, primary):
    token = json.loads(accounts.token_file(profile).read_text())["access_token"]
    emulator = getattr(accounts, profile)
    emulator.clear_requests()
    result = accounts.gcal("--profile", profile, "calendars", "-f", "json")
    assert result.code == 0, result.err
    calendars = json.loads(result.out)
    assert next(c["id"] for c in calendars if c.get("primary")) == primary
    (request,) = emulator.api_requests("calendarList")
    assert request.headers["authorization"] == f"Bearer {token}"


def test_gcal_profile_selects_the_profile(accounts):
    result = run(["calendars", "-f", "tsv"], env={**accounts.env, "GCAL_PROFILE": "personal"})
    assert result.code == 0, result
    assert PERSONAL_ID in result.out and "ada@example.com" not in result.out


def test_auth_list_shows_each_profile_account_and_state_never_a_token(accounts):
    result = accounts.gcal("auth", "list", "-f", "json")
    assert result.code == 0, result.err
    rows = {row["profile"]: row for row in json.loads(result.out)}
    assert list(rows) == ["default", "personal", "work"]
    assert rows["default"]["state"] == "not logged in"
    assert rows["work"]["account"] == "ada@example.com" and rows["work"]["state"] == "valid"
    assert rows["personal"]["account"] == PERSONAL_ID
    assert rows["personal"]["credentials_file"] == str(accounts.token_file("personal"))
    text = accounts.gcal("auth", "list", "-f", "table")
    for name in ("work", "personal"):
        data = json.loads(accounts.token_file(name).read_text())
        for secret in (data["access_token"], data["refresh_token"], data["client_secret"]):
            assert secret not in result.out + text.out + text.err


def test_auth_status_names_the_profiles_account(accounts):
    result = accounts.gcal("auth", "status", "--profile", "personal", "-f", "json")
    assert result.code == 0, result.err
    info = json.loads(result.out)
    assert info["account"] == PERSONAL_ID
    assert info["credentials_file"] == str(accounts.token_file("personal"))


def test_logout_of_one_profile_leaves_the_other(tmp_path):
    two = TwoAccounts(tmp_path)
    try:
        two.login("work")
        two.login("personal")
        refresh = json.loads(two.token_file("work").read_text())["refresh_token"]
        result = two.gcal("auth", "logout", "--profile", "work")
        assert result.code == 0, result.err
        assert refresh in two.work.revoked
        assert not two.token_file("work").exists()
        assert not list(two.token_file("work").parent.glob("*.lock"))
        assert two.token_file("personal").exists()
        still = two.gcal("--profile", "personal", "calendars", "-f", "tsv")
        assert still.code == 0 and PERSONAL_ID in still.out
        gone = two.gcal("--profile", "work", "calendars")
        assert gone.code == 3 and "gcal auth login" in gone.err
    finally:
        two.stop()


# -- the merged agenda of several accounts -----------------------------------------------------


def _meeting_day(accounts) -> str:
    from accounts import shared_meeting

    return shared_meeting(accounts.demo)["start"]["dateTime"][:10]


def test_agenda_of_two_profiles_shows_a_shared_meeting_once(accounts):
    from accounts import SHARED_UID

    day = _meeting_day(accounts)
    result = accounts.gcal(
        "agenda", day, "--days", "1", "--profile", "work", "--profile", "personal",
        "--time-zone", "Europe/Berlin", "-f", "json",
    )  # fmt: skip
    assert result.code == 0, result.err
    events = json.loads(result.out)
    shared = [e for e in events if e.get("iCalUID") == SHARED_UID]
    assert len(shared) == 1, [e.get("summary") for e in events]
    assert shared[0]["gcalCalendars"] == [
        {"profile": "work", "calendarId": "ada@example.com"},
        {"profile": "personal", "calendarId": PERSONAL_ID},
    ]
    summaries = [e.get("summary") for e in events]
    assert "Grace's own slot" in summaries  # the personal account's own event
    assert any(e.get("calendarId") == "ada@example.com" and e is not shared[0] for e in events)

    as_csv = accounts.gcal(
        "agenda", day, "--days", "1", "--all-profiles", "--time-zone", "Europe/Berlin", "-f", "csv"
    )
    assert as_csv.code == 0, as_csv.err
    shared_rows = [line for line in as_csv.out.splitlines() if " + " in line]
    assert len(shared_rows) == 1, as_csv.out  # both profiles, the meeting once
    assert "Grace Hopper + Ada Lovelace" in shared_rows[0]  # profiles in name order


def test_a_profile_given_twice_is_read_once(accounts):
    day = _meeting_day(accounts)
    once = accounts.gcal("agenda", day, "--days", "1", "--profile", "work", "-f", "json")
    twice = accounts.gcal(
        "agenda", day, "--days", "1", "--profile", "work", "--profile", "work", "-f", "json"
    )
    assert once.code == twice.code == 0, twice.err
    assert json.loads(twice.out) == json.loads(once.out)  # not each event twice


def test_all_profiles_with_none_logged_in_is_an_auth_error(tmp_path):
    env = {"GCAL_CONFIG_DIR": str(tmp_path / "config"), "GCAL_CACHE_DIR": str(tmp_path / "c")}
    result = run(["agenda", "--all-profiles"], env=env)
    assert result.code == 3
    assert result.err_lines == [
        "gcal: error: --all-profiles: no profile is logged in; run `gcal auth login`"
    ]


def test_agenda_reports_a_revoked_profile_while_the_other_prints(tmp_path):
    two = TwoAccounts(tmp_path)
    try:
        two.login("work")
        two.login("personal")
        data = json.loads(two.token_file("personal").read_text())
        two.personal.oauth.revoke(data["refresh_token"])
        day = _meeting_day(two)
        result = two.gcal(
            "agenda", day, "--days", "1", "--profile", "work", "--profile", "personal",
            "--time-zone", "Europe/Berlin", "-f", "json",
        )  # fmt: skip
        assert result.code == 3, result.err
        events = json.loads(result.out)
        assert events and "ada@example.com" in {e["calendarId"] for e in events}
        assert PERSONAL_ID not in {e["calendarId"] for e in events}
        (line,) = [line for line in result.err.splitlines() if line.strip()]
        assert line.startswith("gcal: error: profile personal: ")
        assert "gcal auth login" in line
    finally:
        two.stop()


def test_agenda_of_two_profiles_as_ics_has_the_shared_meeting_once(accounts):
    from accounts import SHARED_UID

    pytest.importorskip("icalendar")
    day = _meeting_day(accounts)
    result = accounts.gcal(
        "agenda", day, "--days", "1", "--all-profiles", "--time-zone", "Europe/Berlin", "-f", "ics"
    )
    assert result.code == 0, result.err
    assert result.out.count(f"UID:{SHARED_UID}") == 1
    assert "UID:graceonly1@example.org" in result.out


def test_each_profile_has_its_own_store(accounts, tmp_path):
    env = {**accounts.env, "GCAL_CACHE_DIR": str(tmp_path / "cache")}
    from runner import run_subprocess

    for profile in ("work", "personal"):
        synced = run_subprocess(["--profile", profile, "sync"], env=env)
        assert synced.code == 0, synced.err
    stores = sorted(p.name for p in (tmp_path / "cache" / "store").glob("*.sqlite3"))
    assert stores == ["personal.sqlite3", "work.sqlite3"]
    offline = run_subprocess(
        ["--profile", "personal", "events", "primary", "--offline", "-f", "json"], env=env
    )
    assert offline.code == 0, offline.err
    summaries = {e.get("summary") for e in json.loads(offline.out)}
    assert "Grace's own slot" in summaries and "Daily standup" not in summaries  # Grace's only


def test_the_demo_store_is_no_profiles_store():
    from gcal.commands import stored, sync
    from gcal.settings import Settings

    demo = stored.store_path(Settings(demo=True))
    named = stored.store_path(Settings(profile="demo"))
    assert demo != named
    assert sync.account_store_path(Settings(demo=True)) == demo


def test_a_profile_not_logged_in_is_told_its_own_login(tmp_path):
    """`gcal auth login` alone would log in the default profile, not the one asked for."""
    env = {"GCAL_CONFIG_DIR": str(tmp_path / "config"), "GCAL_CACHE_DIR": str(tmp_path / "c")}
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "client_secrets.json").write_text(
        json.dumps({"installed": {"client_id": "1-a.apps.googleusercontent.com",
                                  "client_secret": "s"}})
    )  # fmt: skip
    dat = tmp_path / "config" / "profiles" / "typo" / "calendar.dat"
    for args in (["--profile", "typo", "calendars"], ["auth", "status", "--profile", "typo"]):
        result = run(args, env=env, input="")
        assert result.code == 3, result.err
        assert result.err_lines == [
            f"gcal: error: not logged in (no credentials at {dat}); "
            "run `gcal auth login --profile typo`"
        ]
    merged = run(["agenda", "--profile", "default", "--profile", "typo"], env=env, input="")
    assert "profile typo: not logged in" in merged.err
    assert "run `gcal auth login --profile typo`" in merged.err
