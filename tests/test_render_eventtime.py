"""The pure time-formatting helpers behind the csv and table columns."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from gcal.core.eventtime import (
    display_zone,
    event_start,
    format_event_time,
    instance_state,
    is_all_day,
    parse_date,
    recurrence_lines,
    same_time,
    table_span,
    table_time,
)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("when", "zone", "expected"),
    [
        ({"dateTime": "2024-06-03T09:00:00+09:00"}, BERLIN, "2024-06-03T02:00:00+02:00"),
        ({"dateTime": "2024-01-03T09:00:00Z"}, BERLIN, "2024-01-03T10:00:00+01:00"),
        ({"dateTime": "2024-06-03T09:00:00+09:00"}, None, "2024-06-03T09:00:00+09:00"),
        ({"dateTime": "2024-06-03T09:00:00.5Z"}, ZoneInfo("UTC"), "2024-06-03T09:00:00.500000Z"),
        ({"date": "2024-06-01"}, BERLIN, "2024-06-01"),
        ({"date": "2024-06-01", "dateTime": "2024-06-01T10:00:00Z"}, None, "2024-06-01T10:00:00Z"),
        ({"dateTime": "nonsense"}, BERLIN, "nonsense"),
        ({"dateTime": "9999-12-31T23:59:59-14:00"}, BERLIN, "9999-12-31T23:59:59-14:00"),
        ({}, BERLIN, ""),
        (None, BERLIN, ""),
        ("2024-06-01", BERLIN, ""),
        ({"date": 20240601}, None, "20240601"),
    ],
)
def test_format_event_time(when, zone, expected) -> None:
    assert format_event_time(when, zone) == expected


def test_table_time() -> None:
    when = {"dateTime": "2024-06-03T09:00:00+09:00"}
    assert table_time(when, BERLIN) == "Mon 2024-06-03 02:00"
    assert table_time(when, BERLIN, weekday=False) == "2024-06-03 02:00"
    assert table_time(when, None) == "Mon 2024-06-03 09:00+09:00"
    assert table_time({"dateTime": "2024-06-03T09:00:30Z"}, None) == "Mon 2024-06-03 09:00:30Z"
    assert table_time({"date": "2024-06-01"}, BERLIN) == "Sat 2024-06-01"
    assert table_time({"date": "2024-13-01"}, BERLIN) == "2024-13-01"
    assert table_time({}, BERLIN) == ""


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ({"date": "2024-06-01"}, {"date": "2024-06-04"}, ("Sat 2024-06-01", "Mon 2024-06-03")),
        ({"date": "2024-06-01"}, {"date": "2024-06-02"}, ("Sat 2024-06-01", "all day")),
        ({"date": "2024-06-01"}, {"date": "2024-06-01"}, ("Sat 2024-06-01", "all day")),
        (
            {"dateTime": "2024-06-01T09:00:00+02:00"},
            {"dateTime": "2024-06-01T10:30:00+02:00"},
            ("Sat 2024-06-01 09:00", "10:30"),
        ),
        (
            {"dateTime": "2024-06-01T23:00:00+02:00"},
            {"dateTime": "2024-06-02T01:00:00+02:00"},
            ("Sat 2024-06-01 23:00", "Sun 2024-06-02 01:00"),
        ),
        ({"dateTime": "2024-06-01T09:00:00+02:00"}, None, ("Sat 2024-06-01 09:00", "")),
        (None, None, ("", "")),
    ],
)
def test_table_span(start, end, expected) -> None:
    assert table_span(start, end, BERLIN) == expected


def test_table_span_without_zone_keeps_offsets() -> None:
    start = {"dateTime": "2024-06-01T09:00:00+09:00"}
    end = {"dateTime": "2024-06-01T10:00:00+09:00"}
    assert table_span(start, end, None) == ("Sat 2024-06-01 09:00+09:00", "10:00+09:00")
    assert table_span(start, end, None, weekday=False)[0] == "2024-06-01 09:00+09:00"


def test_all_day_and_start() -> None:
    assert is_all_day({"date": "2024-06-01"}) is True
    assert is_all_day({"dateTime": "2024-06-01T00:00:00Z"}) is False
    assert is_all_day({}) is None and is_all_day(None) is None
    cancelled = {"status": "cancelled", "originalStartTime": {"date": "2024-06-05"}}
    assert event_start(cancelled) == {"date": "2024-06-05"}
    assert event_start({"start": {"date": "2024-06-01"}}) == {"date": "2024-06-01"}
    assert event_start(None) == {}
    assert parse_date("2024-06-01") is not None and parse_date("2024-6-1") is None


def test_instance_state() -> None:
    original = {"dateTime": "2024-06-05T09:00:00+02:00"}
    assert instance_state({"status": "cancelled", "originalStartTime": original}) == "cancelled"
    moved = {"start": {"dateTime": "2024-06-05T10:00:00+02:00"}, "originalStartTime": original}
    assert instance_state(moved) == "moved"
    same = {"start": {"dateTime": "2024-06-05T07:00:00Z"}, "originalStartTime": original}
    assert instance_state(same) == ""
    to_all_day = {"start": {"date": "2024-06-05"}, "originalStartTime": original}
    assert instance_state(to_all_day) == "moved"
    assert instance_state({"start": {"date": "2024-06-05"}}) == ""
    assert instance_state({}) == "" and instance_state(None) == ""


def test_same_time() -> None:
    assert same_time({"date": "2024-06-01"}, {"date": "2024-06-01"})
    assert not same_time({"date": "2024-06-01"}, {"date": "2024-06-02"})
    assert same_time({"dateTime": "x"}, {"dateTime": "x"})
    assert not same_time({"dateTime": "x"}, {"dateTime": "y"})


def test_recurrence_lines() -> None:
    assert recurrence_lines({"recurrence": ["RRULE:FREQ=DAILY", None, "EXDATE:20240601"]}) == [
        "RRULE:FREQ=DAILY",
        "EXDATE:20240601",
    ]
    assert recurrence_lines({"recurrence": "RRULE:FREQ=DAILY"}) == []
    assert recurrence_lines({}) == []


def test_display_zone_is_lenient() -> None:
    assert display_zone("Europe/Berlin") == BERLIN
    assert display_zone("Nowhere/Zone") is None
    assert display_zone(None) is None and display_zone("") is None
    assert display_zone(42) is None
    assert display_zone(["Europe/Berlin"]) is None  # unhashable data from a response
