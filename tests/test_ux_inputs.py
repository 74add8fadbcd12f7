"""What users mistype: forgiven where the intent is certain, else a one-line error."""

from __future__ import annotations

import datetime
import json

import pytest

from gcal.emulator.demo import default_anchor
from runner import run

# The demo data is anchored to the Monday of the current week: so is this window (Monday to
# Saturday), so the test holds on any day of the year.
_ANCHOR = default_anchor()
WINDOW = [
    "--time-min",
    f"{_ANCHOR.isoformat()}T00:00:00Z",
    "--time-max",
    f"{(_ANCHOR + datetime.timedelta(days=5)).isoformat()}T00:00:00Z",
]


def _ids(out: str) -> list:
    return [json.loads(line)["id"] for line in out.splitlines() if line.strip()]


def test_enum_values_are_case_insensitive_and_sent_canonically() -> None:
    """`--order-by starttime` is what a person types; the API only knows `startTime`."""
    args = ["--demo", "-f", "ndjson", "events", "primary", "--single-events", *WINDOW]
    result = run([*args, "--order-by", "starttime", "--event-type", "FOCUSTIME"])
    assert result.code == 0, result.err
    assert _ids(result.out) == ["focusblock"]
    canonical = run([*args, "--order-by", "startTime", "--event-type", "focusTime"])
    assert canonical.out == result.out


def test_access_role_is_case_insensitive() -> None:
    result = run(["--demo", "-f", "ndjson", "calendars", "--min-access-role", "Owner"])
    assert result.code == 0, result.err
    assert _ids(result.out) == ["ada@example.com"]


def test_help_still_lists_the_api_spelling() -> None:
    result = run(["events", "--help"])
    assert "[startTime|updated]" in result.out
    assert "focusTime" in result.out


@pytest.mark.parametrize(
    "option",
    ["--sync-token", "--q", "--time-zone", "--ical-uid", "--page-token", "--time-min"],
)
def test_an_empty_value_is_a_usage_error_not_a_different_query(option: str) -> None:
    """`--sync-token "$(cat missing.txt)"` must not silently become a full listing."""
    result = run(["--demo", "events", "primary", option, ""])
    assert result.code == 2
    assert result.out == ""
    assert result.err_lines == [f"gcal: error: {option} must not be empty"]


def test_an_empty_value_in_instances_and_calendars() -> None:
    result = run(["--demo", "instances", "primary", "weeklysync", "--original-start", " "])
    assert result.err_lines == ["gcal: error: --original-start must not be empty"]
    result = run(["--demo", "calendars", "--sync-token", ""])
    assert (result.code, result.err_lines) == (2, ["gcal: error: --sync-token must not be empty"])


def test_a_wrong_choice_names_the_api_spelling() -> None:
    result = run(["--demo", "events", "primary", "--order-by", "start"])
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "'startTime', 'updated'" in result.err
