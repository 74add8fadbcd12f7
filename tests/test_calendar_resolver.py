"""Every command that takes a calendar takes a name or an id, resolved one way: an id or
`primary` as it is, a name ("Ada Lovelace") or the start of one (`ada`, `eng`) from the calendar
list; an ambiguous start lists the candidates (exit 2)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core.calendars import needs_calendar_list, pick_calendar
from gcal.errors import UsageError
from runner import run

ENTRIES = [
    {"id": "ada@example.com", "summary": "Ada Lovelace", "primary": True},
    {"id": "adam@group", "summary": "Adam's team"},
    {"id": "eng@group", "summary": "Engineering"},
    {"id": "engage@group", "summary": "Engagement", "summaryOverride": "Outreach"},
    {"id": "twin1@group", "summary": "Twin Peaks"},
    {"id": "twin2@group", "summary": "Twin Lakes"},
    {"id": "tokyo@group", "summary": "東京オフィス"},
]


def pick(text: str, **kw) -> str:
    return str(pick_calendar(ENTRIES, text, **kw)["id"])


def test_a_name_the_start_of_a_name_and_an_id():
    assert pick("Ada Lovelace") == pick("ada lovelace") == "ada@example.com"
    assert pick("ada") == "ada@example.com"  # the only name whose first word is "ada"
    assert pick("adam") == "adam@group"
    assert pick("engi") == "eng@group"
    assert pick("outr") == pick("engage") == "engage@group"  # its own name or the override
    assert pick("東京") == "tokyo@group"
    assert pick("primary") == pick("ada@example.com") == "ada@example.com"
    assert pick("someone@else.example") == "someone@else.example"  # an id not on the list


@pytest.mark.parametrize("text", ["twin", "Tw", "ad", "eng"])
def test_an_ambiguous_start_lists_the_candidates(text):
    with pytest.raises(UsageError) as caught:
        pick(text, what="CALENDAR_ID")
    message = caught.value.message
    assert message.startswith(f"CALENDAR_ID {text!r} is ambiguous")
    assert "twin1@group" in message or "adam@group" in message or "engage@group" in message


def test_an_unknown_name_lists_the_calendars():
    with pytest.raises(UsageError) as caught:
        pick("nothing")
    assert "matches no calendar" in caught.value.message and "'Engineering'" in caught.value.message


def test_ids_and_primary_need_no_calendar_list():
    assert not needs_calendar_list("primary") and not needs_calendar_list("a@b.example")
    assert needs_calendar_list("Ada") and needs_calendar_list("ada lovelace")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ENTRIES), st.integers(min_value=1, max_value=20))
def test_a_pick_is_on_the_list_and_named_by_what_was_typed(entry, length):
    text = entry.get("summaryOverride") or entry["summary"]
    typed = text[:length]
    try:
        found = pick_calendar(ENTRIES, typed)
    except UsageError:
        return  # ambiguous or too short: refused, never a wrong guess
    assert found in ENTRIES
    name = (found.get("summaryOverride") or found["summary"]).casefold()
    assert name.startswith(typed.strip().casefold())


# -- through the commands, against the demo ----------------------------------------------------


def test_events_instances_show_and_export_take_a_name():
    by_id = run(["--demo", "-f", "json", "events", "ada@example.com", "--max-results", "5"])
    by_name = run(["--demo", "-f", "json", "events", "Ada Lovelace", "--max-results", "5"])
    by_start = run(["--demo", "-f", "json", "events", "ada", "--max-results", "5"])
    assert by_id.code == by_name.code == by_start.code == 0, by_name
    assert json.loads(by_name.out) == json.loads(by_id.out) == json.loads(by_start.out)
    shown = run(["--demo", "-f", "json", "show", "ada", "weeklysync"])
    assert shown.code == 0, shown
    assert json.loads(shown.out)["id"] == "weeklysync"
    series = run(["--demo", "-f", "json", "instances", "Ada Lovelace", "weeklysync"])
    assert series.code == 0 and json.loads(series.out), series
    exported = run(["--demo", "export", "eng"])
    assert exported.code == 0 and "BEGIN:VCALENDAR" in exported.out, exported


def test_agenda_and_free_take_the_start_of_a_name():
    agenda = run(["--demo", "-f", "json", "agenda", "-c", "ada", "-c", "eng"])
    assert agenda.code == 0, agenda
    assert {e["calendarId"] for e in json.loads(agenda.out)} <= {
        "ada@example.com",
        "team.engineering@group.calendar.google.com",
    }
    free = run(["--demo", "free", "ada", "--duration", "30m"])
    assert free.code == 0, free


def test_an_unknown_calendar_name_is_exit_2_listing_the_calendars():
    result = run(["--demo", "events", "Nobody"])
    assert result.code == 2
    assert result.err_lines == [result.err_lines[0]]
    assert "CALENDAR_ID 'Nobody' matches no calendar" in result.err
    assert "'Ada Lovelace' (ada@example.com)" in result.err
