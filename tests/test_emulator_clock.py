"""GCAL_EMULATOR_NOW moves the whole demo world, and gcal's day words with it in --demo."""

from __future__ import annotations

import json

import pytest

from gcal.emulator import Emulator, clock, demo
from runner import run

LEAP_DAY = "2028-02-29T12:00:00Z"


def _days(out: str) -> set:
    starts = [json.loads(line)["start"] for line in out.splitlines() if line.strip()]
    return {s.get("date") or s["dateTime"][:10] for s in starts}


def test_a_pinned_clock_moves_the_demo_data_and_ticks_on(monkeypatch) -> None:
    monkeypatch.setenv(clock.ENV_VAR, LEAP_DAY)
    assert demo.default_anchor().isoformat() == "2028-02-28"  # that week's Monday
    first = clock.now()
    assert first.isoformat().startswith("2028-02-29T12:00")
    assert clock.now() >= first
    with Emulator() as emu:
        assert emu.store.calendar("primary") is not None
    monkeypatch.setenv(clock.ENV_VAR, "2026-10-25")
    assert clock.now().isoformat().startswith("2026-10-25T12:00")


def test_in_demo_today_is_the_demo_worlds_today() -> None:
    args = ["--demo", "-f", "ndjson", "events", "primary", "--single-events"]
    window = ["--time-min", "today", "--time-max", "tomorrow", "--time-zone", "Europe/Berlin"]
    result = run([*args, *window], env={clock.ENV_VAR: LEAP_DAY})
    assert result.code == 0, result.err
    assert _days(result.out) == {"2028-02-29"}
    ids = [json.loads(line)["id"] for line in result.out.splitlines()]
    assert any(i.startswith("dailystandup_20280229") for i in ids), ids


@pytest.mark.parametrize("bad", ["tomorrow", "2028-02-30", "2028-02-29T12:00:00"])
def test_a_bad_pinned_clock_is_one_usage_line(bad: str) -> None:
    result = run(["--demo", "calendars"], env={clock.ENV_VAR: bad})
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert result.err_lines[0].startswith(f"gcal: error: {clock.ENV_VAR}=")
