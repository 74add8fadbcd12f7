"""`--format` is never silently ignored: every command prints each format it is given or
refuses it in one line (exit 2) naming those it takes; its --help lists them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from gcal.cli.formats import COMMAND_FORMATS, FORMATS
from runner import run

PINNED = {"GCAL_EMULATOR_NOW": "2026-12-07T10:00:00Z"}

COMMANDS = {
    "calendars": ["calendars"],
    "next": ["next"],
    "free": ["free", "--duration", "30m"],
    "freebusy": ["freebusy"],
    "sync --status": ["sync", "--status"],
    "auth status": ["auth", "status"],
    "config show": ["config", "show"],
    "sync": ["sync"],
    "auth doctor": ["auth", "doctor"],
    "config path": ["config", "path"],
    "add": ["add", "Lunch", "--start", "tomorrow 12:00", "--duration", "1h"],
    "rsvp": ["rsvp", "primary", "inviteroadmap", "yes"],
    "mcp": ["mcp"],
    "search": ["search", "standup"],
    "conflicts": ["conflicts"],
    "changes": ["changes"],
    "join": ["join", "--print", "--within", "1d"],
    "remind": ["remind", "--print", "--offline"],
    "auth logout": ["auth", "logout"],
}


@pytest.mark.parametrize("key", sorted(COMMANDS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_printed_or_refused_in_one_line(key, fmt):
    result = run(["--demo", *COMMANDS[key], "--format", fmt], env=PINNED)
    if fmt in COMMAND_FORMATS[key]:
        assert result.code == 0, result
        return
    assert result.code == 2, result
    assert len(result.err_lines) == 1 and result.out == "", result
    assert result.err_lines[0].startswith("gcal: error: ")


@pytest.mark.parametrize("command", [["auth", "setup"], ["auth", "login"]])
def test_logging_in_refuses_a_format_before_asking_anything(command):
    result = run(["--demo", *command, "--format", "json"], env=PINNED)
    assert result.code == 2 and result.out == "", result
    assert result.err_lines == [
        f"gcal: error: 'gcal {' '.join(command)}' "
        + ("installs a client file and logs in" if command[1] == "setup" else "logs in")
        + ": drop --format ('gcal auth status --format json' describes the login)"
    ], result


def test_a_format_from_the_environment_gives_way_to_the_command_default():
    result = run(["--demo", "auth", "status"], env={**PINNED, "GCAL_FORMAT": "csv"})
    assert result.code == 0, result
    assert "logged_in" in result.out


def test_next_csv_and_tsv_are_rows():
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        result = run(["--demo", "next", "--format", fmt], env=PINNED)
        assert result.code == 0, result
        rows = list(csv.reader(io.StringIO(result.out), delimiter=delimiter))
        assert rows[0][:3] == ["summary", "start", "end"] and len(rows) == 2
        as_json = json.loads(run(["--demo", "next", "--format", "json"], env=PINNED).out)
        assert rows[1][0] == as_json["summary"] and rows[1][4] == as_json["id"]


def test_next_json_with_nothing_ahead_prints_nothing_or_an_empty_list():
    late = {"GCAL_EMULATOR_NOW": "2026-12-07T10:00:00Z"}
    args = ["--demo", "next", "--within", "1s", "-c", "Holidays in Germany"]
    one = run([*args, "--format", "json"], env=late)
    assert one.code == 0 and one.out == "", one
    some = run([*args, "--format", "json", "--limit", "3"], env=late)
    assert some.code == 0 and json.loads(some.out) == [], some
    header = run([*args, "--format", "csv"], env=late)
    assert header.code == 0 and header.out.splitlines() == [header.out.splitlines()[0]]
    assert header.out.startswith("summary,start,end,")


def test_sync_status_csv_has_a_row_per_calendar():
    assert run(["--demo", "sync", "--quiet"], env=PINNED).code == 0
    result = run(["--demo", "sync", "--status", "--format", "csv"], env=PINNED)
    assert result.code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert rows and {"calendarId", "events", "syncedAt"} <= set(rows[0])
    assert any(row["calendarId"] == "ada@example.com" and int(row["events"]) > 0 for row in rows)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["next"], "--format: table, json, ndjson, csv, tsv"),
        (["sync"], "'gcal sync --status' takes"),
        (["auth", "status"], "--format: table, json or ndjson."),
        (["search"], "--format: table, json, ndjson, csv or tsv."),
        (["join"], "--format: none ('gcal join' opens or prints a meeting link"),
        (["remind"], "--format: none ('gcal remind' delivers reminders"),
        (["auth", "setup"], "--format: none ('gcal auth setup' installs a client file"),
        (["auth", "login"], "--format: none ('gcal auth login' logs in"),
    ],
)
def test_each_help_says_which_formats_it_takes(args, expected):
    result = run([*args, "--help"])
    assert result.code == 0 and expected in " ".join(result.out.split()), result.out
