"""What a demanding new user tries: answers that must hold whatever the zone, width or format.

Each test runs the real command against the demo account (the bundled emulator).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from runner import run


def test_show_says_a_series_exceptions_in_the_display_zone() -> None:
    """`show` gives the rule's exceptions in the display zone, as the When line and the
    listings' tables do (the API writes them in the series' zone)."""
    raw = run(["--demo", "show", "primary", "weeklysync", "--format", "json"])
    assert raw.code == 0, raw
    rules = json.loads(raw.out)["recurrence"]
    found = [re.match(r"EXDATE;TZID=([^:]+):(\d{8}T\d{6})$", r) for r in rules]
    zone_name, stamp = next(m.groups() for m in found if m)
    at = datetime.strptime(stamp, "%Y%m%dT%H%M%S").replace(tzinfo=ZoneInfo(zone_name))
    tokyo = at.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M")
    result = run(
        ["--demo", "show", "primary", "weeklysync", "--time-zone", "Asia/Tokyo", "-f", "table"],
        env={"COLUMNS": "120"},
    )
    assert result.code == 0, result
    assert f"except {tokyo}" in result.out, result.out


def test_a_posix_tz_string_counts_hours_west_of_utc() -> None:
    """TZ=UTC+3 is POSIX for three hours *behind* UTC (what `date` shows), the same clock as
    the tz database's Etc/GMT+3."""
    args = ["--demo", "-f", "table", "agenda", "--days", "2"]
    posix = run(args, env={"TZ": "UTC+3", "COLUMNS": "120"})
    named = run(args, env={"TZ": "Etc/GMT+3", "COLUMNS": "120"})
    assert posix.code == 0 and named.code == 0, (posix, named)
    assert posix.out.splitlines()[1:] == named.out.splitlines()[1:]
    assert posix.out.splitlines()[0] == "times in UTC+3 (UTC-03:00)"


def test_an_agenda_end_before_its_start_names_what_was_typed() -> None:
    result = run(["--demo", "agenda", "today", "yesterday"])
    assert result.code == 2
    assert len(result.err_lines) == 1, result
    assert "'yesterday'" in result.err and "'today'" in result.err, result.err
    assert result.out == ""


def test_show_as_ics_is_one_vcalendar_with_the_event() -> None:
    result = run(["--demo", "show", "primary", "weeklysync", "--format", "ics"])
    assert result.code == 0, result
    text = result.out.replace("\r\n", "\n")
    assert text.startswith("BEGIN:VCALENDAR\n") and text.rstrip().endswith("END:VCALENDAR")
    assert text.count("BEGIN:VEVENT") == 1
    assert "UID:weeklysync@google.com" in text and "RRULE:FREQ=WEEKLY" in text


def test_next_refuses_ics_in_one_line() -> None:
    result = run(["--demo", "next", "--format", "ics"])
    assert result.code == 2
    assert len(result.err_lines) == 1 and result.err.startswith("gcal: error: --format ics")
    assert result.out == ""


def test_every_command_and_group_help_has_examples() -> None:
    from gcal.cli.app import cli

    def walk(group, path):
        for name in group.list_commands(None):
            command = group.get_command(None, name)
            yield [*path, name]
            if hasattr(command, "list_commands"):
                yield from walk(command, [*path, name])

    missing = []
    for path in walk(cli, []):
        result = run([*path, "--help"])
        assert result.code == 0, (path, result)
        if not re.search(r"^\s*(Examples?|Try)\b", result.out, re.MULTILINE):
            missing.append(" ".join(path))
    assert missing == []


@pytest.mark.parametrize(
    "args",
    [
        ["agenda", "9999-12-31"],
        ["agenda", "9999-12-30", "--days", "5"],
        ["week", "9999-12-31"],
        ["week", "0001-01-01", "--week-start", "sunday"],
        ["month", "9999-12"],
    ],
)
def test_days_past_the_year_9999_are_a_usage_error(args: list) -> None:
    result = run(["--demo", *args])
    assert result.code == 2, result
    assert len(result.err_lines) == 1 and "9999" in result.err and "unexpected" not in result.err


def test_sync_status_refuses_what_it_would_ignore(tmp_path) -> None:
    env = {"GCAL_CACHE_DIR": str(tmp_path)}
    for extra in (["--rebuild"], ["--calendar", "primary"], ["--all-calendars"]):
        result = run(["--demo", "sync", "--status", *extra], env=env)
        assert result.code == 2, result
        assert result.err.startswith("gcal: error: --status") and extra[0] in result.err
        assert len(result.err_lines) == 1 and result.out == ""
    assert run(["--demo", "sync", "--status"], env=env).code == 0


def test_instances_of_an_instance_id_names_the_series_to_list() -> None:
    from gcal.emulator.demo import demo_facts

    iid = demo_facts()["instance_ids"][0]
    series = iid.rsplit("_", 1)[0]
    result = run(["--demo", "instances", "primary", iid])
    assert result.code == 4, result
    assert len(result.err_lines) == 1
    assert f"'gcal instances primary {series}'" in result.err
    plain = run(["--demo", "instances", "primary", "nosuchevent"])
    assert plain.code == 4 and "gcal instances primary" not in plain.err


def test_export_output_dir_that_is_a_file_says_so(tmp_path) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    result = run(["--demo", "export", "--all-calendars", "--output-dir", str(afile)])
    assert result.code == 2
    assert "not a folder" in result.err and len(result.err_lines) == 1
    assert afile.read_text() == "x"


def test_the_work_week_example_is_monday_to_friday_in_a_sunday_locale() -> None:
    """`gcal week --help` promises Monday to Friday: also where weeks start on Sunday."""
    result = run(["week", "--help"])
    line = next(x for x in result.out.splitlines() if "Monday to Friday" in x)
    args = line.split("gcal ", 1)[1].split("  ")[0].split()
    assert args[0] == "week"
    shown = run(["--demo", "-f", "table", *args], env={"LANG": "en_US.UTF-8", "COLUMNS": "100"})
    assert shown.code == 0, shown
    heads = shown.out.splitlines()[2]
    names = re.findall(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\w*", heads)
    assert names == ["Mon", "Tue", "Wed", "Thu", "Fri"], heads


def test_free_time_max_counts_from_time_min() -> None:
    """The README's 'a week of mornings' (`--time-min monday --time-max +7d`) is the week from
    Monday, whatever day it is today."""
    from gcal.core.timespec import parse_rfc3339

    window = ["--time-min", "monday", "--time-max", "+7d", "--time-zone", "Europe/Berlin"]
    result = run(["--demo", "freebusy", "primary", *window, "--format", "json"])
    assert result.code == 0, result
    answer = json.loads(result.out)
    start, end = parse_rfc3339(answer["timeMin"]), parse_rfc3339(answer["timeMax"])
    assert start.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %H:%M") == "Mon 00:00"
    berlin = ZoneInfo("Europe/Berlin")
    wall = end.astimezone(berlin).replace(tzinfo=None) - start.astimezone(berlin).replace(
        tzinfo=None
    )
    assert wall == timedelta(days=7)


def test_a_bad_value_from_the_environment_names_the_variable() -> None:
    result = run(["--demo", "calendars"], env={"GCAL_FORMAT": "xml"})
    assert result.code == 2 and len(result.err_lines) == 1
    assert "'xml'" in result.err and "$GCAL_FORMAT" in result.err
    typed = run(["--demo", "--format", "xml", "calendars"])
    assert typed.code == 2 and "$GCAL_FORMAT" not in typed.err
    result = run(["--demo", "calendars"], env={"GCAL_TIMEOUT": "abc"})
    assert result.code == 2 and "$GCAL_TIMEOUT" in result.err


def test_export_refuses_a_typed_format_it_cannot_write(tmp_path) -> None:
    target = tmp_path / "cal.ics"
    for args in (["export", "primary", "-f", "json"], ["-f", "csv", "export", "primary"]):
        result = run(["--demo", *args, "--output", str(target)])
        assert result.code == 2, result
        assert "gcal events CALENDAR_ID --format" in result.err and len(result.err_lines) == 1
        assert not target.exists()
    as_default = run(["--demo", "export", "primary"], env={"GCAL_FORMAT": "json"})
    assert as_default.code == 0 and as_default.out.startswith("BEGIN:VCALENDAR")


def test_a_calendar_name_typed_under_a_c_locale_is_read_as_utf8() -> None:
    """As `--q チーム` is: the terminal sends UTF-8 whatever LANG says."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0", TZ="UTC")
    args = ["--demo", "-f", "tsv", "agenda", "-c", "東京オフィス", "--days", "7"]
    proc = subprocess.run(
        [sys.executable, "-m", "gcal", *args], capture_output=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    rows = proc.stdout.decode("utf-8").splitlines()[1:]
    assert rows and all(r.startswith("tokyo.office@group.calendar.google.com\t") for r in rows)


def test_a_credentials_file_naming_a_class_with_a_newline_is_a_one_line_error() -> None:
    from gcal.errors import GcalError
    from gcal.google.credrecord import parse_credentials

    for body in ({"_module": "oauth2client.client", "_class": "\n"}, {"type": "x\ny"}):
        raw = json.dumps({**body, "refresh_token": "r", "client_id": "c"}).encode()
        with pytest.raises(GcalError) as caught:
            parse_credentials(raw, "calendar.dat")
        assert "\n" not in str(caught.value)


def test_show_as_tsv_has_the_agenda_row_with_the_calendar_id_and_name() -> None:
    import csv
    import io

    shown = run(["--demo", "-f", "tsv", "show", "primary", "weeklysync"])
    assert shown.code == 0, shown
    row = next(csv.DictReader(io.StringIO(shown.out), dialect="excel-tab"))
    calendars = run(["--demo", "-f", "json", "calendars"])
    primary = next(c for c in json.loads(calendars.out) if c.get("primary"))
    assert row["calendar_id"] == primary["id"]
    assert row["calendar"] == primary.get("summaryOverride", primary["summary"])


def test_search_says_how_to_leave_out_a_word_typed_outside_the_quotes(tmp_path) -> None:
    env = {"GCAL_CACHE_DIR": str(tmp_path)}
    result = run(["--demo", "search", "standup", "-daily"], env=env)
    assert result.code == 2 and result.out == "", result
    assert len(result.err_lines) == 1, result
    assert "put it inside the quoted TEXT: gcal search 'standup -daily'" in result.err
    other = run(["--demo", "search", "standup", "--bogus"], env=env)
    assert other.code == 2 and "No such option '--bogus'" in other.err, other
