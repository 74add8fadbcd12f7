"""`gcal agenda` and `gcal next` answered from the store: the same answers as the live API.

The fidelity test builds the demo account around weeks with daylight-saving changes (Berlin's
and Los Angeles' spring and autumn), so its series (weekly with an EXDATE, a moved and a
cancelled instance, daily with UNTIL, all-day every other week, a yearly birthday) cross them,
and compares `gcal agenda --offline` with the live `gcal agenda`, calendar by calendar.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from gcal.emulator import Emulator, clock
from gcal.emulator.demo import default_anchor
from gcal.emulator.demodata import build_demo_data
from runner import run
from store_support import PRIMARY, SELECTED, WRITER, Account

UTC = timezone.utc
KEYS = ("id", "start", "end", "summary", "status", "recurringEventId", "calendarId")


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _anchors() -> list:
    year = default_anchor().year + 1
    march_us = date(year, 3, 8) + timedelta(days=(6 - date(year, 3, 8).weekday()) % 7)
    november_us = date(year, 11, 1) + timedelta(days=(6 - date(year, 11, 1).weekday()) % 7)
    return [
        pytest.param(default_anchor(), id="this-week"),
        pytest.param(_monday(_last_sunday(year, 3)), id="berlin-spring"),
        pytest.param(_monday(_last_sunday(year, 10)), id="berlin-autumn"),
        pytest.param(_monday(march_us), id="los-angeles-spring"),
        pytest.param(_monday(november_us), id="los-angeles-autumn"),
    ]


@pytest.mark.parametrize("anchor", _anchors())
def test_offline_agenda_equals_the_live_agenda_across_dst(anchor: date, tmp_path) -> None:
    with Emulator(build_demo_data(anchor)) as emu:
        account = Account(emu, tmp_path)
        assert account.gcal("sync", "--all-calendars").code == 0
        start = (anchor - timedelta(days=22)).isoformat()
        for args in (
            ["agenda", start, "--days", "50", "--all-calendars"],
            ["agenda", start, "--days", "50", "--time-zone", "America/Los_Angeles"],
            ["agenda", start, "--days", "50", "--calendar", WRITER],
        ):
            live = account.ndjson(*args)
            emu.clear_requests()
            offline = account.ndjson(*args, "--offline")
            assert emu.api_requests() == []
            assert [{k: e.get(k) for k in KEYS} for e in offline] == [
                {k: e.get(k) for k in KEYS} for e in live
            ]
            assert offline == live  # and in fact every field, byte for byte
        ids = {e["id"] for e in live}
        assert any(e.get("recurringEventId") for e in live) or ids


def test_offline_agenda_needs_every_chosen_calendar_synced(emulator: Emulator, tmp_path) -> None:
    account = Account(emulator, tmp_path)
    assert account.gcal("sync", "--calendar", PRIMARY).code == 0
    emulator.clear_requests()
    result = account.gcal("agenda", "--offline", "--format", "tsv")
    assert result.code == 4
    assert len(result.err_lines) == 1
    assert WRITER in result.err and "gcal sync" in result.err
    assert result.out == ""
    assert emulator.api_requests() == []
    # The window starts on the emulator's day (GCAL_EMULATOR_NOW may pin it to another week).
    start = clock.now().date().isoformat()
    ok = account.gcal("agenda", start, "--offline", "--calendar", PRIMARY, "--format", "tsv")
    assert ok.code == 0 and ok.out.count("\n") > 1


def test_offline_agenda_refuses_filters_the_store_cannot_answer(
    emulator: Emulator, tmp_path
) -> None:
    account = Account(emulator, tmp_path)
    result = account.gcal("agenda", "--offline", "--show-hidden-invitations")
    assert result.code == 2
    assert "--show-hidden-invitations cannot be answered from the store" in result.err


def test_cached_agenda_syncs_once_then_answers_from_the_store(emulator: Emulator, tmp_path) -> None:
    account = Account(emulator, tmp_path)
    live = account.ndjson("agenda")
    emulator.clear_requests()
    assert account.ndjson("agenda", "--cached") == live
    first = account.events_requests()
    assert len(first) >= len(SELECTED)  # a full sync of each chosen calendar
    emulator.clear_requests()
    assert account.ndjson("agenda", "--cached") == live
    assert emulator.api_requests() == []  # fresh: nothing asked
    emulator.clear_requests()
    assert account.ndjson("agenda", "--cached", "--max-age", "0") == live
    requests = account.events_requests()
    assert len(requests) == len(SELECTED)  # one incremental request per calendar
    assert all("syncToken" in r.query for r in requests)


def _demo(tmp_path, now: datetime, *args: str):
    env = {
        "GCAL_CACHE_DIR": str(tmp_path / "cache"),
        "GCAL_EMULATOR_NOW": now.isoformat(),
        "GCAL_CONFIG_DIR": str(tmp_path / "config"),
    }
    zone = [] if args[-1] == "sync" else ["--time-zone", "Europe/Berlin"]
    return run(["--demo", *args, *zone], env=env)


def _tuesday(hour: int, minute: int) -> datetime:
    from zoneinfo import ZoneInfo

    anchor = default_anchor()
    day = anchor + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize("mode", [[], ["--offline"], ["--cached"]])
def test_next_in_progress_and_ahead(tmp_path, mode: list) -> None:
    now = _tuesday(9, 35)
    if mode == ["--offline"]:
        assert _demo(tmp_path, now, "sync").code == 0
    result = _demo(tmp_path, now, "next", *mode)
    assert result.code == 0, result
    assert result.out == "09:30–09:45 Daily standup (now, 10 min left)\n"
    later = _demo(tmp_path, _tuesday(9, 46), "next", *mode)
    assert later.out == "10:00–10:30 Weekly sync (in 14 min)\n"
    nothing = _demo(tmp_path, _tuesday(9, 46), "next", "--within", "10m", *mode)
    assert nothing.code == 0 and nothing.out == ""


def test_next_json_has_the_stable_keys(tmp_path) -> None:
    result = _demo(tmp_path, _tuesday(9, 35), "--format", "json", "next")
    assert result.code == 0, result
    found = json.loads(result.out)
    assert list(found) == [
        "summary",
        "start",
        "end",
        "calendarId",
        "id",
        "location",
        "htmlLink",
        "conferenceUri",
        "minutesUntil",
    ]
    assert found["summary"] == "Daily standup"
    assert found["calendarId"] == PRIMARY
    assert found["minutesUntil"] == -5
    assert found["id"].startswith("dailystandup_")


def test_next_skips_all_day_events_unless_asked(tmp_path) -> None:
    evening = _tuesday(23, 30)
    plain = _demo(tmp_path, evening, "next", "--within", "2h")
    assert plain.code == 0
    with_all_day = _demo(tmp_path, evening, "next", "--within", "2h", "--all-day")
    assert with_all_day.code == 0
    assert "all day" not in plain.out
    if with_all_day.out != plain.out:
        assert "all day" in with_all_day.out


def test_next_tomorrow_says_the_day(tmp_path) -> None:
    result = _demo(tmp_path, _tuesday(22, 0), "next")
    assert result.code == 0
    assert result.out.startswith("Wed ") and "(in " in result.out
