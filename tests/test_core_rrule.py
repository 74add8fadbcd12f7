"""Recurrence rules in words: exact where described, the raw line kept where not."""

from __future__ import annotations

import datetime

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core.rrule import describe_recurrence, describe_recurrence_line, describe_rule


@pytest.mark.parametrize(
    "rule, words",
    [
        ("FREQ=WEEKLY;BYDAY=TU;COUNT=12", "weekly on Tue, 12 times"),
        (
            "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20240701T000000Z",
            "weekly on Mon, Wed until 2024-07-01 00:00 UTC",
        ),
        ("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20240630", "weekly on Mon, Wed until 2024-06-30"),
        ("FREQ=DAILY", "daily"),
        ("FREQ=DAILY;COUNT=1", "daily, once"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "every 2 weeks on Fri"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "weekly on weekdays"),
        ("FREQ=WEEKLY;BYDAY=SU,SA", "weekly on weekends"),
        ("FREQ=MONTHLY;BYDAY=2TU", "monthly on the 2nd Tue"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "monthly on the last Fri"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "monthly on the last day"),
        ("FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR", "monthly on the 13th if a Fri"),
        ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1", "yearly in Jun on the 1st"),
        ("freq=yearly;interval=1", "yearly"),
        ("FREQ=WEEKLY;WKST=SU;BYDAY=TU", "weekly on Tue"),
    ],
)
def test_described(rule: str, words: str) -> None:
    assert describe_rule(rule) == words


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO",  # not put into words: the line stays as it is
        "FREQ=DAILY;BYHOUR=9",
        "FREQ=FORTNIGHTLY",
        "BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=2MO",  # numbered days only in monthly/yearly rules
        "FREQ=WEEKLY;COUNT=3;UNTIL=20240101",
        "FREQ=WEEKLY;COUNT=0",
        "FREQ=WEEKLY;COUNT=x",
        "FREQ=WEEKLY;;",
        "FREQ=WEEKLY;FREQ=DAILY",
        "FREQ=MONTHLY;BYMONTHDAY=32",
        "FREQ=YEARLY;BYMONTH=13",
        "",
    ],
)
def test_not_described(rule: str) -> None:
    assert describe_rule(rule) is None


def test_lines() -> None:
    lines = [
        "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=12",
        "EXDATE;TZID=Europe/Berlin:20240610T090000,20240612T090000",
        "RDATE;VALUE=DATE:20240101",
        "EXRULE:FREQ=DAILY",
        "nonsense",
    ]
    assert describe_recurrence(lines) == [
        "weekly on Tue, 12 times",
        "except 2024-06-10 09:00, 2024-06-12 09:00",
        "also 2024-01-01",
        "EXRULE:FREQ=DAILY",
        "nonsense",
    ]
    assert describe_recurrence_line(None) is None  # type: ignore[arg-type]


DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    st.integers(1, 4),
    st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True),
    st.integers(1, 30),
)
def test_agrees_with_dateutil(freq: str, interval: int, days: list, count: int) -> None:
    rule = f"FREQ={freq};INTERVAL={interval};BYDAY={','.join(days)};COUNT={count}"
    words = describe_rule(rule)
    assert words is not None
    start = datetime.datetime(2024, 6, 3, 9, 0)
    occurrences = list(rrulestr("RRULE:" + rule, dtstart=start))
    # as many times as the words say, on the days the words name
    assert words.endswith("once" if count == 1 else f"{count} times")
    assert len(occurrences) == count
    named = {NAMES.index(n) for n in NAMES if n in words}
    if "weekdays" in words:
        named = {0, 1, 2, 3, 4}
    if "weekends" in words:
        named = {5, 6}
    assert {o.weekday() for o in occurrences} <= named


@given(st.text(max_size=60))
def test_never_crashes(text: str) -> None:
    for candidate in (text, "RRULE:" + text, "FREQ=WEEKLY;" + text, "EXDATE:" + text):
        assert describe_recurrence_line(candidate) is None or candidate
        described = describe_rule(candidate)
        assert described is None or isinstance(described, str)


def test_times_with_a_zone_are_shown_in_the_views_zone() -> None:
    from zoneinfo import ZoneInfo

    tokyo = ZoneInfo("Asia/Tokyo")
    line = "EXDATE;TZID=Europe/Berlin:20241124T100000,20240610T090000"
    assert describe_recurrence_line(line, tokyo) == "except 2024-11-24 18:00, 2024-06-10 16:00"
    assert describe_recurrence_line(line) == "except 2024-11-24 10:00, 2024-06-10 09:00"
    assert describe_recurrence_line("EXDATE:20240610T090000Z", tokyo) == "except 2024-06-10 18:00"
    assert describe_recurrence_line("EXDATE:20240610T090000", tokyo) == "except 2024-06-10 09:00"
    assert (
        describe_rule("FREQ=DAILY;UNTIL=20240701T000000Z", tokyo) == "daily until 2024-07-01 09:00"
    )
    assert describe_rule("FREQ=DAILY;UNTIL=20240701", tokyo) == "daily until 2024-07-01"
