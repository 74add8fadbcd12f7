"""`gcal week` and `gcal month` end to end, against the emulator with a fixed account.

The account (tests/data/views_account.json) has fixed dates in June 2024 and the display zone
is pinned with --time-zone, so the drawings do not depend on the day the tests run (the grid
only marks today, which is never in June 2024 again). The expected drawings are golden files
under tests/golden/views/, written by the code once and reviewed by eye; to rewrite them after
a deliberate change, run `GCAL_UPDATE_GOLDENS=1 pytest tests/test_views.py` and review the
diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from typing import Dict, Optional

import pytest

from runner import Result, run
from test_read_commands import Account
from ttyrunner import run_on_terminal

DATA = Path(__file__).parent / "data" / "views_account.json"
GOLDEN = Path(__file__).parent / "golden" / "views"
BERLIN = ["--time-zone", "Europe/Berlin"]
WEEK = ["week", "2024-06-05", *BERLIN]  # Monday 3 .. Sunday 9 June 2024
MONTH = ["month", "2024-06", *BERLIN]  # Saturday 1 .. Sunday 30 June 2024
ESCAPE = re.compile("\x1b")
TEAM = "team@group.calendar.google.com"


@pytest.fixture
def acct(emulator_factory, tmp_path) -> Account:
    return Account(emulator_factory(str(DATA)), tmp_path)


def gcal(acct: Account, *args: str, columns: Optional[int] = None, **env: str) -> Result:
    environ: Dict[str, Optional[str]] = {"COLUMNS": str(columns) if columns else None}
    environ.update({"NO_COLOR": None, "LANG": None, "LC_ALL": None, "LC_TIME": None})
    environ.update(env)
    return run([*acct.args, *args], env=environ)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GCAL_UPDATE_GOLDENS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with GCAL_UPDATE_GOLDENS=1"
    assert text == path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The drawings


@pytest.mark.parametrize("columns", [60, 100, 200])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("week", WEEK),
        ("month", MONTH),
        ("week-sunday-5days", [*WEEK, "--week-start", "sunday", "--days", "5"]),
        ("month-sunday-2lines", [*MONTH, "--week-start", "sunday", "--lines", "2"]),
    ],
)
def test_drawing_matches_the_golden_file(acct, name, args, columns):
    result = gcal(acct, *args, columns=columns)
    assert result.code == 0, result
    assert not ESCAPE.search(result.out)  # piped: plain text
    lines = result.out.splitlines()
    assert all(len(line) <= columns for line in lines if line.isascii())
    check_golden(f"{name}-{columns}.txt", result.out)


def test_the_week_shows_what_the_account_holds(acct):
    text = gcal(acct, *WEEK, columns=200).out
    assert text.splitlines()[0] == "3 – 9 June 2024 · times in Europe/Berlin"
    for expected in (
        "[18:00 Hackathon",  # a timed event over a day, from the Los Angeles calendar
        "[PyCon Berlin",
        "[Trip to Lisbon",
        "09:30 Stand-up",  # a recurring event, expanded by the API
        "14:00 Budget review",  # declined: shown, dimmed in colour
        "11:00 東京オフィスと打ち合",  # 18:00 in Tokyo
        "16:00 Sprint retro",
        "22:30 Late show",
        "→01:00 Late show",  # crosses midnight
        "(no title)",
    ):
        assert expected in text, expected
    trip = next(line for line in text.splitlines() if "Trip to Lisbon" in line)
    assert trip.endswith(">│")  # goes on into the next week
    assert "Should not show" not in text  # not a selected calendar
    assert "Call with Charles" not in text  # May 31: not in this week


def test_the_month_marks_other_months_and_more(acct):
    text = gcal(acct, *MONTH, columns=100).out
    assert text.splitlines()[0] == "June 2024 · times in Europe/Berlin"
    assert "May 27" in text and "16:00 Call w" in text  # the first row reaches into May
    assert "+6 more" in text  # eight interviews and a stand-up on the 12th, three lines
    assert "<Trip to Lisbon" in text  # continues into the second week row
    summer = next(line for line in text.splitlines() if "[Summer break" in line)
    assert summer.endswith(">│")  # continues into July


def test_no_declined_and_calendar_choice(acct):
    assert "Budget review" not in gcal(acct, *WEEK, "--no-declined", columns=200).out
    text = gcal(acct, *WEEK, "--calendar", "Engineering", columns=200).out
    assert "Hackathon" in text and "Stand-up" not in text
    text = gcal(acct, *WEEK, "--all-calendars", columns=200).out
    assert "Should not show" in text


def test_colour_on_a_terminal_and_never_with_no_color(acct):
    result = run_on_terminal([*acct.args, *WEEK], columns=120)
    assert result.code == 0, result
    assert "\x1b[" in result.out
    plain = run_on_terminal([*acct.args, *WEEK], columns=120, env={"NO_COLOR": "1"})
    assert plain.code == 0, plain
    assert not ESCAPE.search(plain.out)
    assert "Hackathon" in plain.out
    assert len(plain.out.splitlines()[1]) == 120  # the terminal's width


def test_week_start_follows_the_locale(acct):
    us = gcal(acct, *WEEK, columns=100, LANG="en_US.UTF-8").out
    assert us.splitlines()[0] == "2 – 8 June 2024 · times in Europe/Berlin"
    de = gcal(acct, *WEEK, columns=100, LANG="de_DE.UTF-8").out
    assert de.splitlines()[0] == "3 – 9 June 2024 · times in Europe/Berlin"
    forced = gcal(acct, *WEEK, "--week-start", "monday", columns=100, LANG="en_US.UTF-8").out
    assert forced.splitlines()[0] == "3 – 9 June 2024 · times in Europe/Berlin"


# ---------------------------------------------------------------------------------------------
# Not grids


def _agenda(acct: Account, fmt: str, *window: str) -> str:
    result = gcal(acct, "--format", fmt, "agenda", *window, *BERLIN)
    assert result.code == 0, result
    return result.out


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv"])
def test_machine_formats_are_the_agendas_rows(acct, fmt):
    week = gcal(acct, "--format", fmt, *WEEK)
    assert week.code == 0, week
    assert week.out == _agenda(acct, fmt, "2024-06-03", "2024-06-09")
    month = gcal(acct, "--format", fmt, *MONTH)
    assert month.code == 0, month
    assert month.out == _agenda(acct, fmt, "2024-06-01", "2024-06-30")
    if fmt == "json":
        ids = [event["id"] for event in json.loads(month.out)]
        assert "maycall" not in ids and len([i for i in ids if i.startswith("crowd")]) == 8
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(week.out)))
        assert rows[0][:7] == [
            "calendar_id",
            "start",
            "end",
            "all_day",
            "summary",
            "location",
            "id",
        ]


def test_narrow_terminal_gets_the_agenda_with_a_note(acct):
    result = gcal(acct, *WEEK, columns=59)
    assert result.code == 0, result
    assert result.err_lines == [
        "gcal: 59 columns are too narrow for the week grid (it needs 60); here is the agenda "
        "of the same days"
    ]
    assert "┌" not in result.out and "Stand-up" in result.out
    assert (
        result.out
        == gcal(
            acct, "--format", "table", "agenda", "2024-06-03", "2024-06-09", *BERLIN, columns=59
        ).out
    )


# ---------------------------------------------------------------------------------------------
# Bad input and failures


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["month", "2024-13"], "invalid MONTH '2024-13'"),
        (["month", "juin"], "invalid MONTH 'juin'"),
        (["week", "someday"], "someday"),
        (["week", "--days", "8"], "--days"),
        (["week", "--week-start", "friday"], "--week-start"),
        (["month", "--lines", "-1"], "--lines"),
        (["week", "--time-zone", "Mars/Olympus"], "unknown time zone"),
        (["month", "--calendar", "nope"], "nope"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_before_any_events_request(acct, args, message):
    result = gcal(acct, *args)
    assert result.code == 2, result
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith("gcal: error: ")
    assert message in result.err
    assert not [r for r in acct.emu.api_requests() if r.path.endswith("/events")]


def test_a_failing_calendar_does_not_hide_the_others(acct):
    acct.emu.inject_fault(503, reason="backendError", path=f"calendars/{TEAM}", count=100)
    result = gcal(acct, *WEEK, columns=100, GCAL_BACKOFF_BASE="0", GCAL_RETRIES="0")
    assert result.code == 5, result
    assert "Stand-up" in result.out and "Hackathon" not in result.out
    assert len(result.err_lines) == 1 and "Engineering" in result.err_lines[0]


def test_help_has_examples():
    for command in ("week", "month"):
        result = run([command, "--help"])
        assert result.code == 0
        assert "Examples:" in result.out and f"gcal {command}" in result.out


def test_month_lines_fit_a_short_terminal():
    from gcal.commands.views import fitting_lines

    assert fitting_lines(5, None) == 3  # a pipe, a file: the default
    assert fitting_lines(5, 60) == 3  # never more than the default
    assert fitting_lines(5, 24) == 1  # 5 + 5 x (2 + 1) = 20 lines
    assert fitting_lines(6, 24) == 1  # the least: still one line a day
    assert fitting_lines(5, 27) == 2  # 5 + 5 x 4 = 25
    assert 5 + 5 * (2 + fitting_lines(5, 30)) <= 30 < 5 + 5 * (2 + 4)


def test_demo_week_and_month_mark_the_demo_worlds_today():
    env = {"GCAL_EMULATOR_NOW": "2026-03-04T10:00:00Z", "COLUMNS": "200", "NO_COLOR": None}
    week = run(["--demo", "week", *BERLIN], env=env)
    assert week.code == 0, week
    assert week.out.startswith("2 – 8 March 2026 · times in Europe/Berlin\n")
    assert "│Wednesday 4 March today" in week.out
    assert "09:30 Daily standup" in week.out  # the demo's week is a lively one
    month = run(["--demo", "month", *BERLIN], env=env)
    assert month.code == 0, month
    assert month.out.startswith("March 2026 · times in Europe/Berlin\n")
    assert "│4 today" in month.out and "│Feb 23" in month.out
    narrow = run(["--demo", "week", *BERLIN], env={**env, "COLUMNS": "59"})
    assert narrow.code == 0 and "too narrow" in narrow.err and "┌" not in narrow.out


def test_offline_and_cached_draw_the_same_grid_from_the_store(acct, tmp_path):
    store = {"GCAL_CACHE_DIR": str(tmp_path / "cache")}
    live_week = gcal(acct, *WEEK, columns=100, **store).out
    live_month = gcal(acct, *MONTH, columns=100, **store).out
    assert gcal(acct, "sync", **store).code == 0
    acct.emu.clear_requests()
    for args, live in ((WEEK, live_week), (MONTH, live_month)):
        offline = gcal(acct, *args, "--offline", columns=100, **store)
        assert offline.code == 0, offline
        assert offline.out == live
    json_offline = gcal(acct, "--format", "json", *WEEK, "--offline", **store)
    assert json_offline.code == 0 and "Hackathon" in json_offline.out
    assert acct.emu.api_requests() == []  # no network at all
    cached = gcal(acct, *WEEK, "--cached", columns=100, **store)
    assert cached.code == 0 and cached.out == live_week


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--offline", "--cached"], "exclude each other"),
        (["--offline", "--show-hidden-invitations"], "cannot be answered from the store"),
    ],
)
def test_store_options_checked_before_anything(acct, tmp_path, args, message):
    result = gcal(acct, *WEEK, *args, GCAL_CACHE_DIR=str(tmp_path / "cache"))
    assert result.code == 2 and message in result.err
    assert acct.emu.api_requests() == []
