"""`gcal show CALENDAR_ID EVENT_ID` (events.get) end to end against the demo account."""

from __future__ import annotations

import csv
import io
import json

import pytest

from gcal.emulator.demo import PRIMARY_ID, READER_ID, SERIES_ID, demo_facts
from test_read_commands import Account


@pytest.fixture
def account(emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path)


def _gets(account: Account) -> list:
    return [r for r in account.emu.api_requests() if "/events/" in r.path]


def test_every_option_reaches_the_request(account):
    result = account.gcal(
        "--format",
        "json",
        "show",
        PRIMARY_ID,
        "allhands",
        "--max-attendees",
        "2",
        "--time-zone",
        "asia/tokyo",
        "--always-include-email",
    )
    assert result.code == 0, result
    (request,) = _gets(account)
    assert request.path.endswith("/events/allhands")
    assert request.query["maxAttendees"] == ["2"]
    assert request.query["timeZone"] == ["Asia/Tokyo"]
    assert request.query["alwaysIncludeEmail"] == ["true"]
    event = json.loads(result.out)
    assert event["attendeesOmitted"] is True
    assert [a.get("self") for a in event["attendees"]] == [True]
    assert event["start"]["dateTime"].endswith("+09:00")


def test_json_is_the_resource_as_received(account, service):
    result = account.gcal("--format", "json", "show", PRIMARY_ID, SERIES_ID)
    assert result.code == 0, result
    expected = service.events().get(calendarId=PRIMARY_ID, eventId=SERIES_ID).execute()
    assert json.loads(result.out) == expected


def test_detail_of_a_series(account):
    result = account.gcal("--format", "table", "show", PRIMARY_ID, SERIES_ID)
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == "Weekly sync"
    text = result.out
    assert "weekly on Tue, 12 times" in text
    assert "Room Babbage" in text and "https://meet.google.com/abc-defg-hij" in text
    assert "Calendar   Ada Lovelace" in text
    assert "Guests     5: 2 yes, 1 maybe, 1 no, 1 awaiting" in text
    guests = [line.strip() for line in lines if line.strip()[:2] in ("✓ ", "✗ ", "? ", "· ")]
    assert guests[0] == "✓ Ada Lovelace <ada@example.com> (you, organizer)"
    assert guests[-1].startswith("✗ ")  # declined last
    assert "popup 10 minutes before" in text
    assert "https://www.google.com/calendar/event?eid=" in text
    assert lines[-1] == "Status, blockers, next steps."
    assert all(line == line.rstrip() for line in lines)


def test_a_recurring_instance_shows_the_series_rule(account):
    facts = demo_facts()
    moved = facts["moved_instance_id"]
    result = account.gcal("--format", "table", "show", PRIMARY_ID, moved, "--time-zone", "UTC")
    assert result.code == 0, result
    assert "Weekly sync (moved)" in result.out
    assert "weekly on Tue, 12 times" in result.out  # from the series, read beside the event
    assert "Moved from" in result.out
    plain = facts["instance_ids"][0]
    result = account.gcal("--format", "json", "show", PRIMARY_ID, plain)
    assert result.code == 0, result
    event = json.loads(result.out)
    assert event["id"] == plain and event["recurringEventId"] == SERIES_ID


def test_an_all_day_event(account):
    result = account.gcal("--format", "table", "show", PRIMARY_ID, "conference")
    assert result.code == 0, result
    assert "(all day, 3 days)" in result.out
    assert "Darmstadt" in result.out


def test_a_private_event_without_a_summary(account):
    result = account.gcal("--format", "table", "show", READER_ID, "tokyo-private")
    assert result.code == 0, result
    assert result.out.splitlines()[0] == "(no title)"
    assert "private" in result.out and "健康診断" not in result.out
    result = account.gcal("--format", "csv", "show", READER_ID, "tokyo-private")
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0][:7] == ["calendar_id", "start", "end", "all_day", "summary", "location", "id"]
    assert rows[1][0] == READER_ID and rows[1][4] == "" and rows[1][6] == "tokyo-private"


def test_an_unknown_event_is_exit_4(account):
    result = account.gcal("show", PRIMARY_ID, "nosuchevent")
    assert result.code == 4
    assert len(result.err_lines) == 1
    assert "nosuchevent" in result.err and "not found" in result.err
    result = account.gcal("show", "nosuch@example.com", SERIES_ID)
    assert result.code == 4


def test_empty_ids_are_usage_errors(account):
    result = account.gcal("show", PRIMARY_ID, " ")
    assert result.code == 2 and account.emu.api_requests() == []


# ---------------------------------------------------------------------------------------------
# show agrees with the listings


def test_a_series_shows_its_next_occurrence_then_its_first(account):
    import datetime

    result = account.gcal("--format", "table", "show", PRIMARY_ID, SERIES_ID, "--time-zone", "UTC")
    assert result.code == 0, result
    lines = result.out.splitlines()
    when = next(line for line in lines if line.startswith("When"))
    first = next(line for line in lines if line.startswith("First"))
    occurrences = [datetime.datetime.fromisoformat(o) for o in demo_facts()["series_occurrences"]]
    start = occurrences[0].astimezone(datetime.timezone.utc)
    assert f"{start.day} {start:%b} {start.year}, {start:%H:%M}" in first
    assert when.split()[1] == "next"
    # the next one is not over yet: its day is today or later
    day = datetime.datetime.strptime(" ".join(when.split()[3:6]).rstrip(","), "%d %b %Y").date()
    assert day >= datetime.datetime.now(datetime.timezone.utc).date()
    paths = [r.path for r in _gets(account)]
    assert len(paths) == 2 and paths[0].endswith(f"/events/{SERIES_ID}")
    assert paths[1].endswith(f"/events/{SERIES_ID}/instances")  # the next one, asked for


def test_a_cancelled_instance_is_titled_as_the_listing_titles_it(account):
    cancelled = demo_facts()["cancelled_instance_id"]
    result = account.gcal("--format", "table", "show", PRIMARY_ID, cancelled)
    assert result.code == 0, result
    assert result.out.splitlines()[0] == "✗ Weekly sync (cancelled)"
    listing = account.gcal(
        "--format", "table", "events", PRIMARY_ID, "--single-events", "--show-deleted"
    )
    row = next(line for line in listing.out.splitlines() if cancelled in line)
    assert "✗ Weekly sync" in row


def test_a_free_busy_only_event_reads_busy_as_in_the_agenda(account):
    result = account.gcal("--format", "table", "show", "charles@example.com", "charles-engine")
    assert result.code == 0, result
    assert result.out.splitlines()[0] == "busy"
