"""Option names agree across commands: free's --weekdays (--days kept, with a note), --limit on
agenda, week and next, --query for --q; and free's errors blame what was typed."""

from __future__ import annotations

import datetime
import json
from zoneinfo import ZoneInfo

import pytest

from gcal.emulator.demo import default_anchor
from runner import run

MONDAY = default_anchor()
ENV = {"GCAL_EMULATOR_NOW": f"{MONDAY.isoformat()}T13:40:00Z", "TZ": "Europe/Berlin"}


def test_free_takes_weekdays_and_days_still_works_with_a_note() -> None:
    args = ["--demo", "-f", "csv", "free", "--time-max", "+14d", "--limit", "40"]
    new = run([*args, "--weekdays", "sat-sun", "--hours", "all"], env=ENV)
    old = run([*args, "--days", "sat-sun", "--hours", "all"], env=ENV)
    assert new.code == old.code == 0, (new.err, old.err)
    assert new.out == old.out and new.out.count("\n") > 1
    assert new.err == ""
    assert "--weekdays" in old.err and "note" in old.err
    starts = [line.split(",")[0] for line in new.out.splitlines()[1:]]
    days = {datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).weekday() for s in starts}
    assert days <= {4, 5, 6}  # Saturday and Sunday in Berlin (Friday night in UTC at most)
    both = run([*args, "--weekdays", "all", "--days", "all"], env=ENV)
    assert both.code == 2 and len(both.err_lines) == 1


def test_free_help_names_weekdays_not_days() -> None:
    text = run(["free", "--help"]).out
    assert "--weekdays" in text and "--days" not in text


def test_free_time_min_out_of_range_blames_time_min_not_a_default() -> None:
    result = run(["--demo", "free", "--time-min", "9999-12-30"], env=ENV)
    assert result.code == 2 and len(result.err_lines) == 1
    assert "'+7d'" not in result.err and "--time-min '9999-12-30'" in result.err
    typed = run(["--demo", "free", "--time-min", "9999-12-30", "--time-max", "+7d"], env=ENV)
    assert typed.code == 2 and "'+7d'" in typed.err  # typed: quoted as typed


def test_free_and_freebusy_time_min_naming_a_day_is_its_midnight() -> None:
    args = ["--demo", "-f", "json", "freebusy", "primary", "--time-zone", "Europe/Berlin"]
    result = run([*args, "--time-min", "+1d", "--time-max", "+1d"], env=ENV)
    assert result.code == 0, result.err
    answer = json.loads(result.out)
    tomorrow = MONDAY + datetime.timedelta(days=1)
    start = datetime.datetime.fromisoformat(answer["timeMin"].replace("Z", "+00:00"))
    midnight = datetime.datetime.combine(tomorrow, datetime.time(), ZoneInfo("Europe/Berlin"))
    assert start == midnight


@pytest.mark.parametrize("command", [["agenda"], ["events", "primary"]])
def test_query_is_q(command: list) -> None:
    short = run(["--demo", "-f", "json", *command, "--q", "standup"], env=ENV)
    long = run(["--demo", "-f", "json", *command, "--query", "standup"], env=ENV)
    assert short.code == long.code == 0
    assert short.out == long.out and "standup" in short.out.lower()


def test_agenda_limit_keeps_the_first_events() -> None:
    whole = run(["--demo", "-f", "ndjson", "agenda"], env=ENV).out.splitlines()
    first = run(["--demo", "-f", "ndjson", "agenda", "--limit", "3"], env=ENV).out.splitlines()
    assert len(whole) > 3 and first == whole[:3]


def test_week_limit_keeps_the_first_events() -> None:
    whole = json.loads(run(["--demo", "-f", "json", "week"], env=ENV).out)
    first = json.loads(run(["--demo", "-f", "json", "week", "--limit", "2"], env=ENV).out)
    assert len(whole) > 2 and first == whole[:2]
    grid = run(["--demo", "week", "--limit", "1"], env={**ENV, "COLUMNS": "120"})
    assert grid.code == 0 and "Planning" not in grid.out


def test_next_limit_gives_the_next_events() -> None:
    one = run(["--demo", "-f", "json", "next"], env=ENV)
    three = run(["--demo", "-f", "json", "next", "--limit", "3"], env=ENV)
    listed = json.loads(three.out)
    assert len(listed) == 3 and listed[0] == json.loads(one.out)
    starts = [datetime.datetime.fromisoformat(e["start"]) for e in listed]
    assert starts == sorted(starts)
    lines = run(["--demo", "next", "--limit", "3"], env=ENV).out.splitlines()
    # the first is under way or still to come (the pinned 13:40 UTC is 14:40 or 15:40 in Berlin)
    now = datetime.datetime.fromisoformat(ENV["GCAL_EMULATOR_NOW"].replace("Z", "+00:00"))
    assert len(lines) == 3 and ("(now, " if starts[0] <= now else "(in ") in lines[0], lines
    ndjson = run(["--demo", "-f", "ndjson", "next", "--limit", "2"], env=ENV).out.splitlines()
    assert [json.loads(x) for x in ndjson] == listed[:2]
    for command in (["agenda"], ["week"], ["next"]):
        bad = run(["--demo", *command, "--limit", "0"], env=ENV)
        assert bad.code == 2
