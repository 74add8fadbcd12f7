"""Tables as people see them, through the real entry point: times in the display zone,
colour as no-color.org says, the width asked for, readable recurrence, honest titles."""

from __future__ import annotations

import datetime
import json
import re
from typing import List
from zoneinfo import ZoneInfo

import pytest

from gcal.emulator.demo import FREEBUSY_ID, PRIMARY_ID, READER_ID, WRITER_ID, default_anchor
from runner import run
from ttyrunner import run_on_terminal

ANSI = re.compile(r"\x1b\[[0-9;]*m")
ANCHOR = default_anchor()
# The demo week, as explicit instants: the same request whatever TZ says.
WEEK = [
    "--time-min",
    f"{ANCHOR - datetime.timedelta(days=1)}T00:00:00Z",
    "--time-max",
    f"{ANCHOR + datetime.timedelta(days=8)}T00:00:00Z",
]
LISTING = ["--single-events", "--order-by", "startTime", *WEEK]
# The demo's clock pinned in its week: the events it places around "now" move in five-minute
# steps, and two runs compared with each other must not fall on both sides of a step.
PINNED = {"GCAL_EMULATOR_NOW": f"{ANCHOR.isoformat()}T10:00:00Z"}


def _events(calendar: str, fmt: str, tz: str, *extra: str) -> str:
    result = run(
        ["--demo", "-f", fmt, "events", calendar, *LISTING, *extra],
        env={"TZ": tz, "COLUMNS": "200", **PINNED},
    )
    assert result.code == 0, result.err
    return result.out


def _wall(value: str, zone: str) -> str:
    instant = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return instant.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


# --------------------------------------------------------------------------------------------
# item: times in the display zone


@pytest.mark.parametrize("calendar", [PRIMARY_ID, WRITER_ID, READER_ID, FREEBUSY_ID])
def test_table_times_are_in_the_local_zone_whatever_the_calendars_zone(calendar: str) -> None:
    items = json.loads(_events(calendar, "json", "Asia/Tokyo"))
    timed = [i for i in items if "dateTime" in i.get("start", {})]
    assert timed, "the demo week has timed events on every calendar"
    table = _events(calendar, "table", "Asia/Tokyo")
    assert table.count("times in Asia/Tokyo") == 1
    for zone in ("Europe/Berlin", "America/Los_Angeles", "Europe/London"):
        assert zone not in table
    lines = table.splitlines()
    for item in timed:
        row = next(line for line in lines if item["id"] in line)
        assert _wall(item["start"]["dateTime"], "Asia/Tokyo") in row, (item, row)


def test_the_issues_example_prints_tokyo_times() -> None:
    args = ["--single-events", "--order-by", "startTime", "--time-min", "today"]
    args += ["--time-max", "+3d"]
    env = {"TZ": "Asia/Tokyo", "COLUMNS": "200", **PINNED}
    table = run(["--demo", "-f", "table", "events", "primary", *args], env=env)
    items = json.loads(run(["--demo", "-f", "json", "events", "primary", *args], env=env).out)
    assert table.code == 0 and "times in Asia/Tokyo" in table.out
    for item in items:
        if "dateTime" in item["start"]:
            assert _wall(item["start"]["dateTime"], "Asia/Tokyo") in table.out


def test_time_zone_option_wins_over_tz() -> None:
    table = _events(PRIMARY_ID, "table", "Asia/Tokyo", "--time-zone", "America/New_York")
    assert "times in America/New_York" in table and "Asia/Tokyo" not in table.split("\n")[0]
    items = json.loads(_events(PRIMARY_ID, "json", "UTC"))
    item = next(i for i in items if "dateTime" in i["start"])
    assert _wall(item["start"]["dateTime"], "America/New_York") in table


def test_a_posix_tz_string_is_the_display_zone_too() -> None:
    table = _events(PRIMARY_ID, "table", "EST5EDT")
    items = json.loads(_events(PRIMARY_ID, "json", "UTC"))
    item = next(i for i in items if "dateTime" in i["start"])
    assert _wall(item["start"]["dateTime"], "America/New_York") in table
    assert table.count("times in EST5EDT") == 1


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv"])
def test_machine_formats_do_not_follow_the_display_zone(fmt: str) -> None:
    assert _events(WRITER_ID, fmt, "Asia/Tokyo") == _events(WRITER_ID, fmt, "America/Denver")


# --------------------------------------------------------------------------------------------
# item: NO_COLOR, COLUMNS


def test_colour_on_a_terminal_unless_no_color_has_a_value() -> None:
    args = ["--demo", "calendars"]
    plain = run_on_terminal(args, env={"NO_COLOR": "1"})
    assert plain.code == 0 and "Ada Lovelace" in plain.out
    assert not ANSI.search(plain.out)
    empty = run_on_terminal(args, env={"NO_COLOR": ""})  # set but empty: no-color.org says colour
    assert empty.code == 0 and ANSI.search(empty.out)
    assert ANSI.search(run_on_terminal(args).out)


def test_no_colour_into_a_pipe_even_when_forced_to_a_table() -> None:
    result = run(["--demo", "-f", "table", "calendars"], env={"NO_COLOR": ""})
    assert result.code == 0 and not ANSI.search(result.out)


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_a_table_into_a_pipe_honours_columns() -> None:
    args = ["--demo", "-f", "table", "events", PRIMARY_ID, *LISTING]
    narrow = run(args, env={"COLUMNS": "60"})
    assert narrow.code == 0 and _widest(narrow.out) <= 60
    assert "location" not in narrow.out  # the narrow layout
    wide = run(args, env={"COLUMNS": "200"})
    assert "location" in wide.out and "start" in wide.out
    assert _widest(wide.out) > 100


def _header(text: str, word: str) -> List[str]:
    return next(line for line in text.splitlines() if word in line).split()


def test_the_terminal_width_is_used_on_a_terminal() -> None:
    result = run_on_terminal(["--demo", "events", PRIMARY_ID, *LISTING], columns=70)
    assert result.code == 0
    assert _widest(ANSI.sub("", result.out)) <= 70


# --------------------------------------------------------------------------------------------
# item: the calendars table at any width


@pytest.mark.parametrize("columns", [30, 40, 60])
def test_narrow_calendars_keep_the_summary(columns: int) -> None:
    result = run(["--demo", "-f", "table", "calendars"], env={"COLUMNS": str(columns)})
    assert result.code == 0
    assert _widest(result.out) <= columns
    for summary in ("Ada Lovelace", "Engineering", "東京オフィス", "Charles Babbage"):
        assert summary in result.out, result.out
    for role in ("owner", "writer", "reader", "freeBusyReader"):
        assert role in result.out


def test_calendars_at_30_columns_on_a_terminal() -> None:
    result = run_on_terminal(["--demo", "calendars"], columns=30, env={"NO_COLOR": "1"})
    assert result.code == 0 and "Ada Lovelace" in result.out and "Charles Babbage" in result.out
    assert _widest(result.out) <= 30


def test_every_calendars_column_has_a_header() -> None:
    result = run(["--demo", "-f", "table", "calendars"], env={"COLUMNS": "200"})
    header = _header(result.out, "summary")
    assert header == ["id", "summary", "access", "time", "zone", "flags"]
    primary = next(line for line in result.out.splitlines() if line.startswith(PRIMARY_ID))
    assert primary.split()[-1] == "primary"


# --------------------------------------------------------------------------------------------
# item: readable tables


def test_a_table_is_as_wide_as_it_needs_not_as_the_terminal() -> None:
    result = run(["--demo", "-f", "table", "calendars"], env={"COLUMNS": "300"})
    assert result.code == 0 and 60 < _widest(result.out) < 150
    on_terminal = run_on_terminal(["--demo", "calendars"], columns=250, env={"NO_COLOR": "1"})
    assert _widest(on_terminal.out.rstrip()) < 150
    assert max(len(line.rstrip()) for line in on_terminal.out.splitlines()) < 150


@pytest.mark.parametrize("columns", ["60", "120", "200"])
def test_recurrence_rules_read_as_words(columns: str) -> None:
    items = json.loads(run(["--demo", "-f", "json", "events", PRIMARY_ID]).out)
    weekly = next(i for i in items if i["id"] == "weeklysync")
    assert any("FREQ=WEEKLY" in line for line in weekly["recurrence"])
    result = run(["--demo", "-f", "table", "events", PRIMARY_ID], env={"COLUMNS": columns})
    assert result.code == 0
    assert "RRULE" not in result.out and "FREQ=" not in result.out
    words = iter(result.out.split())  # the words in order (a narrow column wraps them)
    assert all(word in words for word in ["weekly", "on", "Tue,", "12", "times"])


def test_a_cancelled_instance_shows_its_series_title() -> None:
    args = ["--demo", "-f", "table", "instances", PRIMARY_ID, "weeklysync", "--show-deleted"]
    items = json.loads(run(["--demo", "-f", "json", *args[3:]]).out)
    cancelled = [i for i in items if i.get("status") == "cancelled"]
    assert cancelled and all("summary" not in i for i in cancelled)  # as the API sends them
    result = run(args, env={"COLUMNS": "200"})
    assert result.code == 0 and "(no title)" not in result.out
    for item in cancelled:
        row = next(line for line in result.out.splitlines() if item["id"] in line)
        assert "Weekly sync" in row and "cancelled" in row


def test_events_on_a_free_busy_calendar_read_busy() -> None:
    items = json.loads(_events(FREEBUSY_ID, "json", "UTC"))
    assert items and all("summary" not in i for i in items)
    table = _events(FREEBUSY_ID, "table", "UTC")
    assert "(no title)" not in table
    for item in items:
        row = next(line for line in table.splitlines() if item["id"] in line)
        assert " busy " in f" {row} "


def test_instance_ids_stay_whole_at_120_columns() -> None:
    args = ["instances", PRIMARY_ID, "weeklysync", "--show-deleted"]
    items = json.loads(run(["--demo", "-f", "json", *args]).out)
    table = run(["--demo", "-f", "table", *args], env={"COLUMNS": "120"})
    assert table.code == 0 and _widest(table.out) <= 120
    for item in items:
        assert item["id"] in table.out


def test_a_lone_cancelled_instance_is_titled_from_its_series() -> None:
    # a window holding the cancelled occurrence but none of its siblings: the series' title is
    # looked up (events.get), since the instance itself carries only the series' id
    instances = run(
        ["--demo", "-f", "json", "instances", PRIMARY_ID, "weeklysync", "--show-deleted"]
    )
    cancelled = next(i for i in json.loads(instances.out) if i.get("status") == "cancelled")
    start = datetime.datetime.fromisoformat(cancelled["originalStartTime"]["dateTime"])
    end = start + datetime.timedelta(minutes=1)
    window = ["--time-min", start.isoformat(), "--time-max", end.isoformat()]
    args = ["events", PRIMARY_ID, "--single-events", "--show-deleted", *window]
    items = json.loads(run(["--demo", "-f", "json", *args]).out)
    assert not any(i.get("summary") == "Weekly sync" for i in items)  # no sibling to learn from
    table = run(["--demo", "-f", "table", *args], env={"COLUMNS": "200"})
    assert table.code == 0
    row = next(line for line in table.out.splitlines() if cancelled["id"] in line)
    assert "Weekly sync" in row and "cancelled" in row
