"""`gcal agenda` end to end: several calendars merged, chosen, filtered, written, failing alone.

Every test runs the real entry point against the emulator with a small account whose dates are
fixed (the window is given explicitly), so the expected merged order can be written down.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Dict, List

import pytest

from test_read_commands import Account

BERLIN = "Europe/Berlin"
WORK = "work@example.com"
HOME = "home@group.calendar.google.com"
TRIPS = "trips@group.calendar.google.com"
HIDDEN = "hidden@group.calendar.google.com"
OFF = "off@group.calendar.google.com"
WINDOW = ["2024-06-03", "2024-06-07", "--time-zone", BERLIN]  # Mon..Fri, both included
NO_WAIT = {"GCAL_BACKOFF_BASE": "0"}


def _timed(eid: str, start: str, end: str, **extra: Any) -> Dict[str, Any]:
    return {"id": eid, "start": {"dateTime": start}, "end": {"dateTime": end}, **extra}


def _allday(eid: str, start: str, end: str, **extra: Any) -> Dict[str, Any]:
    return {"id": eid, "start": {"date": start}, "end": {"date": end}, **extra}


def _cal(cid: str, summary: str, zone: str, events: List[dict], **extra: Any) -> Dict[str, Any]:
    return {
        "id": cid,
        "summary": summary,
        "timeZone": zone,
        "accessRole": "owner",
        "selected": True,
        "backgroundColor": "#16a765",
        "events": events,
        **extra,
    }


ME = {"email": "ada@example.com", "self": True}


def account_data() -> Dict[str, Any]:
    work = [
        {
            "id": "standup",
            "summary": "Standup",
            "recurrence": ["RRULE:FREQ=DAILY;COUNT=5"],
            "start": {"dateTime": "2024-06-03T09:30:00+02:00", "timeZone": BERLIN},
            "end": {"dateTime": "2024-06-03T09:45:00+02:00", "timeZone": BERLIN},
        },
        _timed(
            "review",
            "2024-06-04T11:00:00+02:00",
            "2024-06-04T12:00:00+02:00",
            summary="Review",
            location="Room 1",
        ),
        _timed(
            "declined",
            "2024-06-05T15:00:00+02:00",
            "2024-06-05T16:00:00+02:00",
            summary="Boring meeting",
            attendees=[{**ME, "responseStatus": "declined"}, {"email": "x@example.com"}],
        ),
        _timed(
            "accepted",
            "2024-06-05T16:00:00+02:00",
            "2024-06-05T16:30:00+02:00",
            summary="Good meeting",
            attendees=[{**ME, "responseStatus": "accepted"}],
        ),
        _timed(
            "early",
            "2024-05-31T10:00:00+02:00",
            "2024-06-03T10:00:00+02:00",
            summary="Long workshop",
        ),
    ]
    home = [
        _allday("holiday", "2024-06-04", "2024-06-05", summary="Holiday"),
        # Same start and end as the standup: the calendar listed first (work) goes first.
        _timed("tie", "2024-06-03T09:30:00+02:00", "2024-06-03T09:45:00+02:00", summary="Tie"),
        _timed("dentist", "2024-06-04T08:00:00+02:00", "2024-06-04T09:00:00+02:00"),
    ]
    trips = [
        _allday("conference", "2024-06-05", "2024-06-08", summary="Conference"),
        # New York time: 07:00 there is 13:00 in Berlin.
        _timed(
            "nycall",
            "2024-06-04T07:00:00-04:00",
            "2024-06-04T07:30:00-04:00",
            summary="NY call",
        ),
    ]
    return {
        "user": {"email": "ada@example.com", "displayName": "Ada"},
        "calendars": [
            _cal(WORK, "Work", BERLIN, work, primary=True),
            _cal(HOME, "Home", BERLIN, home, summaryOverride="Family", backgroundColor="#ff0000"),
            _cal(TRIPS, "Trips", "America/New_York", trips),
            _cal(
                HIDDEN,
                "Hidden one",
                BERLIN,
                [_timed("h", "2024-06-03T12:00:00+02:00", "2024-06-03T13:00:00+02:00")],
                hidden=True,
            ),
            _cal(
                OFF,
                "Not shown",
                BERLIN,
                [_timed("o", "2024-06-03T12:00:00+02:00", "2024-06-03T13:00:00+02:00")],
                selected=False,
            ),
        ],
    }


EXPECTED_ORDER = [
    (WORK, "early"),  # began on Friday, still going on Monday morning
    (WORK, "standup_20240603T073000Z"),
    (HOME, "tie"),  # same start and end as the standup: calendar order decides
    (HOME, "holiday"),  # Tuesday, all day: from midnight
    (HOME, "dentist"),
    (WORK, "standup_20240604T073000Z"),
    (WORK, "review"),
    (TRIPS, "nycall"),  # 07:00 in New York is 13:00 in Berlin
    (TRIPS, "conference"),  # Wednesday midnight in Berlin (not New York's)
    (WORK, "standup_20240605T073000Z"),
    (WORK, "declined"),
    (WORK, "accepted"),
    (WORK, "standup_20240606T073000Z"),
    (WORK, "standup_20240607T073000Z"),
]


def _expected_with_all_day() -> List[tuple]:
    return list(EXPECTED_ORDER)


@pytest.fixture
def acct(emulator_factory, tmp_path) -> Account:
    return Account(emulator_factory(account_data()), tmp_path)


def _ids(items: List[dict]) -> List[tuple]:
    return [(i["calendarId"], i["id"]) for i in items]


def _events_requests(acct: Account) -> list:
    return [r for r in acct.emu.api_requests() if r.path.endswith("/events")]


# ---------------------------------------------------------------------------------------------
# Order, calendars, filters


def test_merged_order_across_calendars(acct):
    items = acct.items("agenda", *WINDOW)
    assert _ids(items) == _expected_with_all_day()


def test_json_is_each_resource_as_received_plus_calendar_id(acct):
    result = acct.gcal("--format", "json", "agenda", *WINDOW)
    assert result.code == 0, result
    items = json.loads(result.out)
    assert _ids(items) == _expected_with_all_day()
    review = next(i for i in items if i["id"] == "review")
    assert review["location"] == "Room 1" and review["kind"] == "calendar#event"
    assert review["etag"] and review["htmlLink"]  # every field, no partial response
    assert list(review)[-1] == "calendarId"


def test_default_calendars_are_the_selected_ones(acct):
    acct.gcal("--format", "ndjson", "agenda", *WINDOW)
    listed = sorted(r.path.split("/")[-2] for r in _events_requests(acct))
    assert listed == sorted(c.replace("@", "%40") for c in (WORK, HOME, TRIPS))
    calendar_lists = [r for r in acct.emu.api_requests() if r.path.endswith("/calendarList")]
    assert len(calendar_lists) == 1
    fields = calendar_lists[0].query["fields"][0]
    assert "backgroundColor" in fields and "summaryOverride" in fields and "selected" in fields


def test_all_calendars_includes_hidden_and_unselected(acct):
    items = acct.items("agenda", *WINDOW, "--all-calendars")
    assert {HIDDEN, OFF} <= {i["calendarId"] for i in items}
    assert len(_events_requests(acct)) == 5


@pytest.mark.parametrize(
    "choice, expected",
    [
        (["-c", HOME], {HOME}),
        (["--calendar", "family"], {HOME}),  # summaryOverride, case-insensitive
        (["--calendar", "HOME"], {HOME}),  # summary too
        (["--calendar", "primary", "--calendar", "trips"], {WORK, TRIPS}),
        (["--calendar", "hidden one"], {HIDDEN}),  # named calendars need not be shown
    ],
)
def test_calendar_by_id_and_by_name(acct, choice, expected):
    items = acct.items("agenda", *WINDOW, *choice)
    assert {i["calendarId"] for i in items} == expected
    assert len(_events_requests(acct)) == len(expected)


def test_unknown_calendar_name_is_a_usage_error_before_any_events_request(acct):
    result = acct.gcal("agenda", *WINDOW, "--calendar", "nosuch")
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "'nosuch'" in result.err and "'Family' (home@group.calendar.google.com)" in result.err
    assert _events_requests(acct) == []


def test_ambiguous_calendar_name_is_a_usage_error_listing_candidates(emulator_factory, tmp_path):
    data = account_data()
    data["calendars"][2]["summaryOverride"] = "work"  # Trips now also answers to "work"
    acct = Account(emulator_factory(data), tmp_path)
    result = acct.gcal("agenda", *WINDOW, "--calendar", "Work")
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "ambiguous" in result.err and WORK in result.err and TRIPS in result.err
    assert _events_requests(acct) == []


def test_no_declined_drops_what_i_declined(acct):
    shown = {i["id"] for i in acct.items("agenda", *WINDOW)}
    assert {"declined", "accepted"} <= shown
    kept = {i["id"] for i in acct.items("agenda", *WINDOW, "--no-declined")}
    assert "declined" not in kept and "accepted" in kept


def test_every_listing_gets_the_window_and_the_filters(acct):
    acct.items(
        "agenda",
        *WINDOW,
        "--q",
        "meeting",
        "--event-type",
        "default",
        "--event-type",
        "focusTime",
        "--private-extended-property",
        "a=b",
        "--shared-extended-property",
        "c=d",
        "--show-hidden-invitations",
        "--max-attendees",
        "3",
    )
    requests = _events_requests(acct)
    assert len(requests) == 3
    for request in requests:
        q = request.query
        assert q["singleEvents"] == ["true"] and q["orderBy"] == ["startTime"]
        assert q["timeMin"] == ["2024-06-03T00:00:00+02:00"]
        assert q["timeMax"] == ["2024-06-08T00:00:00+02:00"]
        assert q["timeZone"] == [BERLIN]
        assert q["q"] == ["meeting"]
        assert q["eventTypes"] == ["default", "focusTime"]
        assert q["privateExtendedProperty"] == ["a=b"]
        assert q["sharedExtendedProperty"] == ["c=d"]
        assert q["showHiddenInvitations"] == ["true"]
        assert q["maxAttendees"] == ["3"]


def test_an_event_that_started_before_the_window_is_included(acct):
    items = acct.items("agenda", "2024-06-03", "--days", "1", "--time-zone", BERLIN)
    assert items[0]["id"] == "early"


def test_days_and_end_cannot_both_be_given(acct):
    result = acct.gcal("agenda", "2024-06-03", "2024-06-04", "--days", "2")
    assert result.code == 2 and acct.emu.api_requests() == []


# ---------------------------------------------------------------------------------------------
# Formats


def test_csv_and_tsv_parse_back(acct):
    for fmt, dialect in (("csv", csv.excel), ("tsv", csv.excel_tab)):
        result = acct.gcal("--format", fmt, "agenda", *WINDOW)
        assert result.code == 0, result
        rows = list(csv.reader(io.StringIO(result.out), dialect=dialect))
        assert rows[0][:7] == [
            "calendar_id",
            "start",
            "end",
            "all_day",
            "summary",
            "location",
            "id",
        ]
        assert [(r[0], r[6]) for r in rows[1:]] == _expected_with_all_day()
        holiday = next(r for r in rows if r[6] == "holiday")
        assert holiday[1:4] == ["2024-06-04", "2024-06-05", "true"]
        assert holiday[7] == "Family"
        review = next(r for r in rows if r[6] == "review")
        assert review[1] == "2024-06-04T11:00:00+02:00" and review[5] == "Room 1"


def test_table_groups_by_day(acct):
    result = acct.gcal("--format", "table", "agenda", *WINDOW)
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == "times in Europe/Berlin"
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings[1:] == [
        "Mon 3 Jun 2024",
        "Tue 4 Jun 2024",
        "Wed 5 Jun 2024",
        "Thu 6 Jun 2024",
        "Fri 7 Jun 2024",
    ]
    tuesday = lines[lines.index("Tue 4 Jun 2024") + 1 : lines.index("Wed 5 Jun 2024")]
    assert "all day" in tuesday[0] and "Holiday" in tuesday[0] and "Family" in tuesday[0]
    assert "13:00–13:30" in tuesday[-1 - 0] or any("13:00–13:30" in t for t in tuesday)
    assert any("(no title)" in t for t in tuesday)
    assert any("11:00–12:00" in t and "Review" in t and "Room 1" in t for t in tuesday)
    text = result.out
    assert "Conference (day 1/3)" in text and "Conference (day 3/3)" in text
    assert "Boring meeting (declined)" in text
    assert "→ 10:00" in text and "Long workshop (day 4/4)" in text


def test_table_of_an_empty_window_is_one_line(acct):
    result = acct.gcal("--format", "table", "agenda", "2030-01-01", "--time-zone", BERLIN)
    assert result.code == 0, result
    assert result.out.splitlines()[1] == "No events: Tue 1 Jan 2030 to Mon 7 Jan 2030."


# ---------------------------------------------------------------------------------------------
# Concurrency and partial failure


def test_listings_overlap(acct):
    acct.emu.inject_delay(0.3, count=3, path="calendars/")
    acct.items("agenda", *WINDOW)
    requests = _events_requests(acct)
    assert len(requests) == 3
    first_end = min(r.finished for r in requests)
    assert all(r.time < first_end for r in requests)


@pytest.mark.parametrize(
    "status, reason, code",
    [(404, "notFound", 4), (403, "forbidden", 1), (503, "backendError", 5)],
)
def test_one_failing_calendar_does_not_hide_the_others(acct, status, reason, code):
    acct.emu.inject_fault(
        status, reason=reason, message=f"Injected {reason}", count=10, path=f"calendars/{HOME}"
    )
    result = acct.gcal("--format", "ndjson", "agenda", *WINDOW, "--retries", "1")
    assert result.code == code, result
    items = [json.loads(line) for line in result.out.splitlines()]
    expected = [pair for pair in _expected_with_all_day() if pair[0] != HOME]
    assert _ids(items) == expected
    assert len(result.err_lines) == 1
    line = result.err_lines[0]
    assert line.startswith("gcal: error: calendar 'Family' (home@group.calendar.google.com)")
    assert f"Injected {reason}" in line
    assert line.count("home@group.calendar.google.com") == 1


def test_a_network_failure_on_one_calendar_is_exit_5(acct):
    acct.emu.inject_fault("reset", count=10, path=f"calendars/{TRIPS}")
    result = run_no_wait(acct, "--format", "csv", "agenda", *WINDOW, "--retries", "1")
    assert result.code == 5, result
    rows = list(csv.reader(io.StringIO(result.out)))
    assert {r[0] for r in rows[1:]} == {WORK, HOME}
    assert len(result.err_lines) == 1
    assert result.err_lines[0].startswith("gcal: error: calendar 'Trips' (trips@")


def test_the_worst_failure_decides_the_exit_code(acct):
    acct.emu.inject_fault(404, reason="notFound", count=10, path=f"calendars/{HOME}")
    acct.emu.inject_fault(503, reason="backendError", count=10, path=f"calendars/{TRIPS}")
    result = run_no_wait(acct, "--format", "ndjson", "agenda", *WINDOW, "--retries", "0")
    assert result.code == 5
    assert len(result.err_lines) == 2
    assert {(i["calendarId"]) for i in map(json.loads, result.out.splitlines())} == {WORK}


def run_no_wait(acct: Account, *args: str):
    from runner import run

    return run([*acct.args, *args], env=NO_WAIT)


def test_no_shown_calendar_says_how_to_choose_some(emulator_factory, tmp_path):
    data = account_data()
    for calendar in data["calendars"]:
        calendar["selected"] = False
    acct = Account(emulator_factory(data), tmp_path)
    result = acct.gcal("--format", "table", "agenda", *WINDOW)
    assert result.code == 0, result
    assert "No events" in result.out
    assert "--all-calendars" in result.err and len(result.err_lines) == 1
    assert _events_requests(acct) == []


def test_a_failed_calendar_list_fails_the_command(acct):
    acct.emu.inject_fault(404, reason="notFound", count=1, path="users/me/calendarList")
    result = acct.gcal("agenda", *WINDOW)
    assert result.code == 4
    assert len(result.err_lines) == 1
    assert _events_requests(acct) == []


@pytest.mark.parametrize("weekday", range(7))
def test_demo_agenda_is_lively_whatever_the_day(weekday):
    import datetime

    from gcal.emulator.demo import default_anchor
    from runner import run

    day = default_anchor() + datetime.timedelta(days=weekday)
    env = {"GCAL_EMULATOR_NOW": f"{day.isoformat()}T10:00:00Z", "TZ": "Europe/Berlin"}
    result = run(["--demo", "--format", "ndjson", "agenda"], env=env)
    assert result.code == 0, result
    items = [json.loads(line) for line in result.out.splitlines()]
    per_calendar: Dict[str, int] = {}
    for item in items:
        per_calendar[item["calendarId"]] = per_calendar.get(item["calendarId"], 0) + 1
    assert len(per_calendar) >= 4, per_calendar
    assert all(count >= 2 for count in per_calendar.values()), per_calendar
    table = run(["--demo", "--format", "table", "agenda"], env={**env, "COLUMNS": "120"})
    assert table.code == 0, table
    lines = table.out.splitlines()
    assert lines[0] == "times in Europe/Berlin"
    assert lines[1].startswith("Today, ") and any(x.startswith("Tomorrow, ") for x in lines)
    assert "Vendor demo (declined)" in table.out
    charles = [line for line in lines if "Charles Babbage" in line]
    assert charles and all(" busy " in line for line in charles)  # free/busy: no details


def test_interrupt_while_the_listings_are_held(acct):
    import os
    import signal
    import subprocess
    import sys
    import time

    if os.name != "posix":
        pytest.skip("sends POSIX signals")
    acct.emu.inject_delay(30, count=3, path="calendars/")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gcal", *acct.args, "--format", "json", "agenda", *WINDOW],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while len(_events_requests(acct)) < 3:
        assert time.monotonic() < deadline, "the listings never started"
        time.sleep(0.01)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert time.monotonic() - started < 10  # not waiting for the held listings
    assert [line for line in err.splitlines() if line.strip()] == ["gcal: error: interrupted"]
    assert json.loads(out) == []


def test_on_a_terminal_the_calendar_name_is_in_its_colour(acct):
    import re

    from ttyrunner import run_on_terminal

    args = [*acct.args, "agenda", *WINDOW]
    result = run_on_terminal(args, columns=120)
    assert result.code == 0, result
    family = next(line for line in result.out.splitlines() if "Family" in line)
    assert "\x1b[38;2;255;0;0m" in family  # Home's backgroundColor, #ff0000
    plain = run_on_terminal(args, columns=120, env={"NO_COLOR": "1"})
    assert not re.search(r"\x1b\[[0-9;]*m", plain.out)
    assert "Family" in plain.out and "Boring meeting (declined)" in plain.out
    narrow = run_on_terminal(args, columns=60)
    assert all(len(re.sub(r"\x1b\[[0-9;]*m", "", line)) <= 60 for line in narrow.out.splitlines())
    assert "@ Room 1" in narrow.out  # the location goes under the summary when narrow


@pytest.mark.parametrize(
    "args",
    [
        ["--time-zone", "Mars/Olympus"],
        ["someday"],
        ["2024-06-03", "2024-06-01"],
        ["--days", "0"],
        ["--max-attendees", "0"],
        ["--private-extended-property", "novalue"],
        ["--all-calendars", "--calendar", "Work"],
    ],
)
def test_bad_input_is_one_line_and_exit_2_before_any_request(acct, args):
    result = acct.gcal("agenda", *args)
    assert result.code == 2, result
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith("gcal: error: ")
    assert _events_requests(acct) == []
