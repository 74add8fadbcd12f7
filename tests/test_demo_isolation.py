"""`--demo` ignores the user's setup entirely: their config.toml (its calendars, time zone,
profiles), --profile/GCAL_PROFILE and --all-profiles, and the accounts they logged in."""

from __future__ import annotations

import json

from runner import run


def _user_setup(folder) -> dict:
    (folder / "profiles" / "work").mkdir(parents=True)
    (folder / "profiles" / "work" / "calendar.dat").write_text("{}")
    (folder / "calendar.dat").write_text("{}")
    (folder / "config.toml").write_text(
        'calendars = ["Work"]\nformat = "json"\n[profiles.work]\ntime_zone = "Asia/Tokyo"\n'
    )
    return {"GCAL_CONFIG_DIR": str(folder), "GCAL_PROFILE": "work"}


def test_the_demo_ignores_config_profiles_and_accounts(tmp_path):
    env = _user_setup(tmp_path)
    agenda = run(["--demo", "-f", "ndjson", "agenda"], env=env)
    assert agenda.code == 0, agenda  # config.toml's "Work" is no demo calendar
    assert "ada@example.com" in {json.loads(line)["calendarId"] for line in agenda.out.splitlines()}
    several = run(["--demo", "-f", "tsv", "agenda", "--profile", "a", "--profile", "b"], env=env)
    assert several.code == 0, several
    everyone = run(["--demo", "-f", "tsv", "week", "--all-profiles"], env=env)
    assert everyone.code == 0, everyone
    listed = run(["--demo", "-f", "json", "auth", "list"], env=env)
    assert listed.code == 0, listed
    rows = json.loads(listed.out)
    assert [row["profile"] for row in rows] == ["default"]
    assert str(tmp_path) not in rows[0]["credentials_file"]  # the demo's throwaway login
    shown = run(["--demo", "config", "show", "-f", "json"], env=env)
    assert shown.code == 0 and json.loads(shown.out)["profile"] == "default", shown


def test_without_the_demo_the_same_setup_is_read(tmp_path):
    env = _user_setup(tmp_path)
    listed = run(["-f", "json", "auth", "list"], env=env)
    assert listed.code == 0, listed
    assert [row["profile"] for row in json.loads(listed.out)] == ["default", "work"]
