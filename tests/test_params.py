"""The option tables against the discovery document google-api-python-client bundles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import googleapiclient
import pytest

from gcal import cli
from gcal.cli import app
from gcal.google import params

DISCOVERY = (
    Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "calendar.v3.json"
)
PATH_PARAMS = {"calendarId", "eventId"}


def _method(command: str) -> dict:
    resource, name = params.METHODS[command]
    return json.loads(DISCOVERY.read_text())["resources"][resource]["methods"][name]


@pytest.mark.parametrize("command", sorted(params.METHODS))
def test_every_api_parameter_has_an_option(command):
    api = {name for name in _method(command)["parameters"] if name not in PATH_PARAMS}
    covered = set(params.api_names(command))
    assert api - covered == set(), f"{command}: API parameters without an option"
    assert covered - api == set(), f"{command}: options for parameters the API does not have"


@pytest.mark.parametrize("command", sorted(params.METHODS))
def test_option_kinds_match_the_discovery_document(command):
    api = _method(command)["parameters"]
    for param in params.PARAMS[command]:
        spec = api[param.api]
        if spec.get("enum"):
            assert set(param.choices) == set(spec["enum"]), param.api
        if spec.get("repeated"):
            assert param.kind in ("multi", "multichoice", "kv"), param.api
        if spec["type"] == "boolean":
            assert param.kind == "bool", param.api
        if spec["type"] == "integer":
            assert param.kind == "int", param.api
        if spec.get("format") == "date-time":
            assert param.kind == "time", param.api


@pytest.mark.parametrize("command", sorted(params.METHODS))
def test_options_are_kebab_case_of_the_api_name(command):
    for param in params.PARAMS[command]:
        assert re.fullmatch(r"--[a-z]+(-[a-z]+)*", param.flag), param.flag
    flags = [p.flag for p in params.PARAMS[command]]
    assert len(flags) == len(set(flags))


def test_every_option_is_on_the_command():
    for command, specs in params.PARAMS.items():
        click_command = cli.cli.all_commands()[command]
        names = {opt for p in click_command.params for opt in getattr(p, "opts", [])}
        for param in specs:
            assert param.flag in names, f"{command} {param.flag}"


def test_to_request_maps_every_kind():
    values = {
        "event_type": ("focusTime", "outOfOffice"),
        "private_extended_property": ("project=apollo", "team=a=b"),
        "single_events": True,
        "show_deleted": False,
        "max_results": 10,
        "order_by": "startTime",
        "q": "dentist",
        "time_min": "X",
        "time_zone": "Asia/Tokyo",
    }
    request = params.to_request("events", values, parse_time=lambda text: f"parsed:{text}")
    assert request == {
        "eventTypes": ["focusTime", "outOfOffice"],
        "privateExtendedProperty": ["project=apollo", "team=a=b"],
        "singleEvents": True,
        "maxResults": 10,
        "orderBy": "startTime",
        "q": "dentist",
        "timeMin": "parsed:X",
        "timeZone": "Asia/Tokyo",
    }


@pytest.mark.parametrize(
    ("command", "values", "message"),
    [
        ("events", {"order_by": "startTime"}, "--order-by startTime needs --single-events"),
        ("events", {"sync_token": "t", "q": "x"}, "--sync-token cannot be combined with --q"),
        ("events", {"sync_token": "t", "updated_min": "x"}, "--updated-min"),
        ("calendars", {"sync_token": "t", "min_access_role": "owner"}, "--min-access-role"),
        ("events", {"max_results": 2501}, "--max-results: 2501 (expected from 1 to 2500)"),
        ("calendars", {"max_results": 251}, "(expected from 1 to 250)"),
        ("instances", {"max_attendees": 0}, "--max-attendees: 0 (expected at least 1)"),
        ("events", {"shared_extended_property": ("novalue",)}, "expected NAME=VALUE"),
        (
            "events",
            {"time_min": "2024-06-02T00:00:00+00:00", "time_max": "2024-06-01T00:00:00+00:00"},
            "must be before --time-max",
        ),
    ],
)
def test_to_request_refuses_what_the_api_would(command, values, message):
    with pytest.raises(params.UsageError) as info:
        params.to_request(command, values, parse_time=lambda text: text)
    assert message in str(info.value)
    assert info.value.exit_code == 2


def test_equal_times_are_refused_but_offsets_are_honoured():
    same = {"time_min": "2024-06-01T02:00:00+02:00", "time_max": "2024-06-01T00:00:00Z"}
    with pytest.raises(params.UsageError):
        params.to_request("events", same, parse_time=lambda text: text)
    ok = {"time_min": "2024-06-01T01:00:00+02:00", "time_max": "2024-06-01T00:00:00Z"}
    assert params.to_request("events", ok, parse_time=lambda text: text)["timeMin"]


def test_legacy_flags_are_rewritten():
    assert app.normalize_legacy_args(
        ["--noauth_local_webserver", "--auth_host_port", "8080", "8090", "calendars"]
    ) == [
        "--noauth-local-webserver",
        "--auth-host-port",
        "8080",
        "--auth-host-port",
        "8090",
        "calendars",
    ]
    assert app.normalize_legacy_args(["--logging_level=DEBUG", "--auth_host_name", "h"]) == [
        "--logging-level=DEBUG",
        "--auth-host-name",
        "h",
    ]
    assert app.normalize_legacy_args(["events", "--", "--auth_host_name"]) == [
        "events",
        "--",
        "--auth_host_name",
    ]
