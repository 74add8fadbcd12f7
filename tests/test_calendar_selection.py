"""Choosing calendars (gcal.core.calendars), the agenda window (gcal.core.span) and the user's
response (gcal.core.attendance): pure functions, examples and properties."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gcal.core.attendance import is_declined, my_response, sorted_attendees
from gcal.core.calendars import calendar_name, select_calendars
from gcal.core.span import resolve_span
from gcal.errors import UsageError

ENTRIES = [
    {"id": "ada@example.com", "summary": "Ada", "primary": True, "selected": True},
    {"id": "work@group", "summary": "Work", "summaryOverride": "Job", "selected": True},
    {"id": "hidden@group", "summary": "Hidden", "hidden": True, "selected": True},
    {"id": "off@group", "summary": "Off"},
    {"id": "twin1@group", "summary": "Twin", "selected": True},
    {"id": "twin2@group", "summary": "twin"},
]


def chosen(*wanted: str, **kw) -> list:
    return [e["id"] for e in select_calendars(ENTRIES, wanted, **kw)]


def test_default_is_selected_and_not_hidden():
    assert chosen() == ["ada@example.com", "work@group", "twin1@group"]


def test_all_calendars():
    assert chosen(all_calendars=True) == [e["id"] for e in ENTRIES]
    with pytest.raises(UsageError):
        chosen("Work", all_calendars=True)


def test_by_id_name_override_and_primary():
    assert chosen("work@group") == ["work@group"]
    assert chosen("WORK@GROUP") == ["work@group"]
    assert chosen("job") == ["work@group"]
    assert chosen("Work") == ["work@group"]  # the summary still names it
    assert chosen("primary", "Off", "ada@example.com") == ["ada@example.com", "off@group"]
    assert chosen("someone@else.com") == ["someone@else.com"]  # not on the list: read as is


def test_ambiguous_and_unknown_names_list_the_candidates():
    with pytest.raises(UsageError) as ambiguous:
        chosen("TWIN")
    assert "twin1@group" in str(ambiguous.value) and "twin2@group" in str(ambiguous.value)
    with pytest.raises(UsageError) as unknown:
        chosen("nothing")
    assert "'Job' (work@group)" in str(unknown.value)
    with pytest.raises(UsageError):
        chosen("  ")


def test_calendar_name():
    assert calendar_name(ENTRIES[1]) == "Job"
    assert calendar_name({"id": "x@y"}) == "x@y"


@given(st.lists(st.sampled_from([e["id"] for e in ENTRIES] + ["Job", "Ada", "primary"])))
def test_selection_is_a_duplicate_free_subset(wanted):
    result = chosen(*wanted)
    assert len(result) == len(set(result))
    assert set(result) <= {e["id"] for e in ENTRIES}


BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2024, 3, 27, 15, 0, tzinfo=BERLIN)  # a Wednesday before DST


def test_span_defaults_to_seven_days_from_midnight_across_dst():
    span = resolve_span(None, None, None, BERLIN, now=NOW)
    assert span.start == datetime.datetime(2024, 3, 27, tzinfo=BERLIN)
    assert span.end.isoformat() == "2024-04-03T00:00:00+02:00"
    assert span.last_day == datetime.date(2024, 4, 2)


def test_span_end_includes_a_day_and_days_counts():
    span = resolve_span("monday", "friday", None, BERLIN, now=NOW)
    assert (span.start.date(), span.end.date()) == (
        datetime.date(2024, 4, 1),
        datetime.date(2024, 4, 6),
    )
    assert resolve_span("today", None, 1, BERLIN, now=NOW).last_day == NOW.date()
    with pytest.raises(UsageError):
        resolve_span("today", "yesterday", None, BERLIN, now=NOW)
    with pytest.raises(UsageError):
        resolve_span("today", "friday", 3, BERLIN, now=NOW)


def test_my_response_and_attendee_order():
    event = {
        "attendees": [
            {"email": "b", "responseStatus": "declined"},
            {"email": "o", "organizer": True, "responseStatus": "accepted"},
            {"email": "t", "responseStatus": "tentative"},
            {"email": "me", "self": True, "responseStatus": "declined"},
            {"email": "a", "responseStatus": "accepted"},
        ]
    }
    assert my_response(event) == "declined" and is_declined(event)
    assert [a["email"] for a in sorted_attendees(event)] == ["me", "o", "a", "t", "b"]
    assert my_response({}) is None and not is_declined({"attendees": "junk"})
