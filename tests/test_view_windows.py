"""Which days `gcal week` and `gcal month` show: DATE/MONTH in the time grammar, negative
offsets as arguments, this/next/last, and --days N as a work week. Through the demo with its
clock pinned (a Sunday in Berlin, in an en_US locale whose weeks start on Sunday)."""

from __future__ import annotations

import datetime
import json

import pytest

from gcal.core import grid
from gcal.emulator.demo import default_anchor
from runner import run

MONDAY = default_anchor()  # the demo's Monday
SUNDAY = MONDAY - datetime.timedelta(days=1)
ENV = {
    "GCAL_EMULATOR_NOW": f"{SUNDAY.isoformat()}T13:40:00Z",
    "TZ": "Europe/Berlin",
    "COLUMNS": "120",
    "LANG": "en_US.UTF-8",
    "LC_ALL": None,
    "LC_TIME": None,
}


def _ids(*args: str) -> set:
    result = run(["--demo", "-f", "json", *args], env=ENV)
    assert result.code == 0, result.err
    return {(e["calendarId"], e["id"]) for e in json.loads(result.out)}


@pytest.mark.parametrize(
    ("words", "weeks"),
    [
        (["week"], 0),
        (["week", "-1w"], -1),
        (["week", "-1"], -1),
        (["week", "last"], -1),
        (["week", "--", "-1w"], -1),
        (["week", "next"], 1),
        (["week", "+1"], 1),
        (["week", "next week"], 1),
        (["week", "in 1 week"], 1),
    ],
)
def test_week_date_forms(words: list, weeks: int) -> None:
    first = SUNDAY + datetime.timedelta(weeks=weeks)  # en_US: weeks start on Sunday
    shown = _ids(*words)
    assert shown and shown == _ids("agenda", first.isoformat(), "--days", "7")


def test_week_of_a_month_day() -> None:
    # a month day without a year is the next such date: one in the demo's next week (which has
    # events whatever the date; a fixed "dec 25" is a year away from late December on)
    day = MONDAY + datetime.timedelta(days=9)
    first = day - datetime.timedelta(days=(day.weekday() + 1) % 7)
    assert first == SUNDAY + datetime.timedelta(weeks=1)
    shown = _ids("week", f"{day:%b} {day.day}".lower())
    assert shown and shown == _ids("agenda", first.isoformat(), "--days", "7")


def test_days_5_is_monday_to_friday_in_a_sunday_first_locale() -> None:
    shown = _ids("week", "--days", "5")
    assert shown and shown == _ids("agenda", MONDAY.isoformat(), "--days", "5")
    grid_out = run(["--demo", "week", "--days", "5"], env=ENV).out
    header = grid_out.splitlines()[2]
    assert header.index("Monday") < header.index("Friday")
    assert "Sunday" not in header and "Saturday" not in header


def test_days_5_with_week_start_starts_there() -> None:
    shown = _ids("week", "--days", "5", "--week-start", "sunday")
    assert shown == _ids("agenda", SUNDAY.isoformat(), "--days", "5")
    header = run(["--demo", "week", "--days", "5", "--week-start", "sunday"], env=ENV).out
    assert "Sunday" in header.splitlines()[2] and "Friday" not in header.splitlines()[2]


def test_days_5_where_the_weekend_is_friday_and_saturday() -> None:
    env = {**ENV, "LANG": "he_IL.UTF-8"}
    result = run(["--demo", "week", "--days", "5"], env=env)
    header = result.out.splitlines()[2]
    assert header.index("Sunday") < header.index("Thursday") and "Friday" not in header


@pytest.mark.parametrize(
    ("month", "shift"),
    [("-1", -1), ("last", -1), ("-1mo", -1), ("next", 1), ("+1", 1), ("next month", 1)],
)
def test_month_forms(month: str, shift: int) -> None:
    year, number = grid._shift(SUNDAY.year, SUNDAY.month, shift)
    name = datetime.date(year, number, 1).strftime("%B")
    result = run(["--demo", "month", month], env=ENV)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0].startswith(f"{name} {year}")


def test_bad_week_and_month_are_usage_errors() -> None:
    for args in (["week", "-1x"], ["month", "-1x"], ["week", "12/05"], ["month", "99999999"]):
        result = run(["--demo", *args], env=ENV)
        assert result.code == 2, (args, result)
        assert len(result.err_lines) == 1


# ---------------------------------------------------------------------------------------------
# the pure parts


def test_work_week_days() -> None:
    sunday = datetime.date(2026, 12, 6)
    assert grid.work_week_days(sunday, grid.SUNDAY, grid.MONDAY, 5)[0] == datetime.date(2026, 12, 7)
    monday_first = grid.work_week_days(sunday, grid.MONDAY, grid.MONDAY, 5)
    assert monday_first[0] == datetime.date(2026, 11, 30)
    israel = grid.work_week_days(datetime.date(2026, 12, 9), grid.SUNDAY, grid.SUNDAY, 5)
    assert [d.weekday() for d in israel] == [6, 0, 1, 2, 3]


def test_locale_workweek_start() -> None:
    assert grid.locale_workweek_start({"LANG": "en_US.UTF-8"}) == grid.MONDAY
    assert grid.locale_workweek_start({"LANG": "de_DE.UTF-8"}) == grid.MONDAY
    assert grid.locale_workweek_start({"LC_ALL": "he_IL.UTF-8"}) == grid.SUNDAY
    assert grid.locale_workweek_start({}) == grid.MONDAY


def test_parse_month_counts() -> None:
    today = datetime.date(2026, 1, 15)
    assert grid.parse_month("-1", today) == (2025, 12)
    assert grid.parse_month("+13", today) == (2027, 2)
    assert grid.parse_month("-2 months", today) == (2025, 11)
    with pytest.raises(ValueError):
        grid.parse_month("-99999", today)
