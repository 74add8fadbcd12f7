"""`gcal calendars`, `gcal events` and `gcal instances` against the emulator, end to end.

Every test goes through gcal's console entry point with a credentials file obtained from the
emulator's real OAuth endpoints, and checks both what gcal printed and what reached the server.
"""

from __future__ import annotations

import csv
import io
import json
import math
from zoneinfo import ZoneInfo

import pytest

from conftest import build_service
from gcal.emulator import Emulator
from gcal.emulator.demo import CSV_TRICKY_SUMMARY, SERIES_ID, demo_facts
from gcal.settings import Settings
from runner import run

PRIMARY = "ada@example.com"


class Account:
    """A logged-in gcal pointed at one emulator; `gcal(...)` runs a command against it."""

    def __init__(self, emu: Emulator, folder) -> None:
        from gcal.google.auth import demo_login

        self.emu = emu
        self.secrets = folder / "client_secrets.json"
        self.credentials = folder / "calendar.dat"
        emu.write_client_secrets(self.secrets)
        settings = Settings(client_secrets=str(self.secrets), api_endpoint=emu.api_endpoint)
        demo_login(self.secrets, self.credentials, settings)
        emu.clear_requests()

    @property
    def args(self) -> list:
        return [
            "--client-secrets",
            str(self.secrets),
            "--credentials",
            str(self.credentials),
            "--api-endpoint",
            self.emu.api_endpoint,
        ]

    def gcal(self, *args: str):
        return run([*self.args, *args])

    def items(self, *args: str) -> list:
        """Run a listing as ndjson and return the resources."""
        result = self.gcal("--format", "ndjson", *args)
        assert result.code == 0, result
        return [json.loads(line) for line in result.out.splitlines()]

    def api_requests(self, part: str = "") -> list:
        return [r for r in self.emu.api_requests() if part in r.path]


@pytest.fixture
def account(emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path)


def _query(request) -> dict:
    return {k: v if len(v) > 1 else v[0] for k, v in request.query.items()}


# ---------------------------------------------------------------------------------------------
# The demo, as a new user first sees it


def test_demo_calendars_prints_a_table():
    result = run(["--demo", "--format", "table", "calendars"])
    assert result.code == 0, result
    for text in ("ada@example.com", "Ada Lovelace", "owner", "Europe/Berlin", "東京オフィス"):
        assert text in result.out
    assert "en.german#holiday" not in result.out  # hidden calendars need --show-hidden


def test_demo_events_prints_a_table_in_order():
    result = run(
        ["--demo", "--format", "table", "events", "primary", "--single-events", "--order-by",
         "startTime", "--time-min", "2000-01-01"]
    )  # fmt: skip
    assert result.code == 0, result
    assert "Weekly sync" in result.out
    assert "(no title)" in result.out
    assert "Grace Hopper" in result.out


def test_demo_instances_marks_the_moved_instance():
    facts = demo_facts()
    result = run(["--demo", "--format", "table", "instances", "primary", SERIES_ID])
    assert result.code == 0, result
    moved_line = next(line for line in result.out.splitlines() if "moved" in line)
    assert "Weekly sync" in result.out
    assert moved_line
    result = run(["--demo", "--format", "tsv", "instances", "primary", SERIES_ID])
    rows = list(csv.DictReader(io.StringIO(result.out), dialect="excel-tab"))
    states = {row["id"]: row["state"] for row in rows}
    assert states[facts["moved_instance_id"]] == "moved"
    assert facts["cancelled_instance_id"] not in states
    assert facts["exdate_instance_id"] not in states
    assert len(rows) == facts["series_instance_count"]


def test_demo_never_touches_the_users_files(tmp_path):
    secrets, creds = tmp_path / "client_secrets.json", tmp_path / "calendar.dat"
    result = run(
        ["--demo", "--client-secrets", str(secrets), "--credentials", str(creds), "calendars"]
    )
    assert result.code == 0, result
    assert not secrets.exists()
    assert not creds.exists()


# ---------------------------------------------------------------------------------------------
# Every option reaches the request


def _page_token(account: Account, command: str) -> str:
    service = build_service(account.emu)
    if command == "calendars":
        page = service.calendarList().list(maxResults=1).execute()
    elif command == "events":
        page = service.events().list(calendarId=PRIMARY, maxResults=1).execute()
    else:
        page = service.events().instances(calendarId=PRIMARY, eventId=SERIES_ID, maxResults=1)
        page = page.execute()
    return page["nextPageToken"]


def _sync_token(account: Account, command: str) -> str:
    service = build_service(account.emu)
    request = (
        service.calendarList().list(maxResults=250)
        if command == "calendars"
        else service.events().list(calendarId=PRIMARY, maxResults=2500)
    )
    return request.execute()["nextSyncToken"]


OPTION_CASES = {
    "calendars": [
        (["--max-results", "3"], {"maxResults": "3"}),
        (["--min-access-role", "writer"], {"minAccessRole": "writer"}),
        (["--page-token", "PAGE"], {"pageToken": "PAGE"}),
        (["--show-deleted"], {"showDeleted": "true"}),
        (["--show-hidden"], {"showHidden": "true"}),
        (["--show-own-organization-only"], {"showOwnOrganizationOnly": "true"}),
        (["--sync-token", "SYNC"], {"syncToken": "SYNC"}),
    ],
    "events": [
        (["--always-include-email"], {"alwaysIncludeEmail": "true"}),
        (
            ["--event-type", "focusTime", "--event-type", "outOfOffice"],
            {"eventTypes": ["focusTime", "outOfOffice"]},
        ),
        (["--ical-uid", "x@example.com"], {"iCalUID": "x@example.com"}),
        (["--max-attendees", "3"], {"maxAttendees": "3"}),
        (["--max-results", "50"], {"maxResults": "50"}),
        (["--order-by", "updated"], {"orderBy": "updated"}),
        (["--page-token", "PAGE"], {"pageToken": "PAGE"}),
        (
            ["--private-extended-property", "project=apollo"],
            {"privateExtendedProperty": "project=apollo"},
        ),
        (["--q", "dentist"], {"q": "dentist"}),
        (
            ["--shared-extended-property", "room=Lovelace", "--shared-extended-property", "a=b"],
            {"sharedExtendedProperty": ["room=Lovelace", "a=b"]},
        ),
        (["--show-deleted"], {"showDeleted": "true"}),
        (["--show-hidden-invitations"], {"showHiddenInvitations": "true"}),
        (["--single-events"], {"singleEvents": "true"}),
        (["--sync-token", "SYNC"], {"syncToken": "SYNC"}),
        (["--time-max", "2030-01-01T00:00:00Z"], {"timeMax": "2030-01-01T00:00:00Z"}),
        (["--time-min", "2020-01-01T12:00:00+02:00"], {"timeMin": "2020-01-01T12:00:00+02:00"}),
        (
            ["--time-zone", "Asia/Tokyo", "--time-min", "2020-01-01"],
            {"timeZone": "Asia/Tokyo", "timeMin": "2020-01-01T00:00:00+09:00"},
        ),
        (["--updated-min", "2020-01-01T00:00:00Z"], {"updatedMin": "2020-01-01T00:00:00Z"}),
    ],
    "instances": [
        (["--always-include-email"], {"alwaysIncludeEmail": "true"}),
        (["--max-attendees", "2"], {"maxAttendees": "2"}),
        (["--max-results", "4"], {"maxResults": "4"}),
        (["--original-start", "2020-01-07T10:00:00+01:00"],
         {"originalStart": "2020-01-07T10:00:00+01:00"}),
        (["--page-token", "PAGE"], {"pageToken": "PAGE"}),
        (["--show-deleted"], {"showDeleted": "true"}),
        (["--time-max", "2030-01-01T00:00:00Z"], {"timeMax": "2030-01-01T00:00:00Z"}),
        (["--time-min", "2020-01-01T00:00:00Z"], {"timeMin": "2020-01-01T00:00:00Z"}),
        (["--time-zone", "America/New_York"], {"timeZone": "America/New_York"}),
    ],
}  # fmt: skip


def test_the_option_cases_cover_every_option():
    from gcal.google.params import PARAMS

    for command, cases in OPTION_CASES.items():
        used = {arg for args, _ in cases for arg in args if arg.startswith("--")}
        assert {p.flag for p in PARAMS[command]} <= used, command


@pytest.mark.parametrize(
    ("command", "args", "expected"),
    [
        (command, args, expected)
        for command, cases in OPTION_CASES.items()
        for args, expected in cases
    ],
    ids=[f"{c}{' '.join(a)}" for c, cases in OPTION_CASES.items() for a, _ in cases],
)
def test_every_option_reaches_the_request(account, command, args, expected):
    args = list(args)
    if "PAGE" in args:
        args[args.index("PAGE")] = token = _page_token(account, command)
        expected = {"pageToken": token}
    if "SYNC" in args:
        args[args.index("SYNC")] = token = _sync_token(account, command)
        expected = {"syncToken": token}
    target = {"calendars": [], "events": ["primary"], "instances": ["primary", SERIES_ID]}
    account.emu.clear_requests()
    result = account.gcal("--format", "json", command, *target[command], *args)
    assert result.code == 0, result
    sent = _query(account.api_requests()[0])
    for key, value in expected.items():
        assert sent.get(key) == value, (key, sent)


# ---------------------------------------------------------------------------------------------
# ... and changes the result as the API says


def ids(items) -> list:
    return [item["id"] for item in items]


def test_calendar_filters(account):
    facts = demo_facts()
    assert ids(account.items("calendars")) == facts["visible_calendar_ids"]
    hidden = ids(account.items("calendars", "--show-hidden"))
    assert "en.german#holiday@group.v.calendar.google.com" in hidden
    deleted = account.items("calendars", "--show-deleted")
    assert any(c.get("deleted") for c in deleted)
    writers = ids(account.items("calendars", "--min-access-role", "writer"))
    assert writers == [PRIMARY, "team.engineering@group.calendar.google.com"]


def test_event_filters(account):
    assert ids(account.items("events", "primary", "--q", "dentist")) == ["dentist"]
    focus = account.items("events", "primary", "--event-type", "focusTime")
    assert {e["eventType"] for e in focus} == {"focusTime"}
    apollo = ids(
        account.items("events", "primary", "--private-extended-property", "project=apollo")
    )
    assert apollo == ["budgetreview"]
    room = ids(account.items("events", "primary", "--shared-extended-property", "room=Lovelace"))
    assert room == ["budgetreview"]
    none = account.items(
        "events", "primary", "--shared-extended-property", "room=Lovelace",
        "--shared-extended-property", "project=gemini",
    )  # fmt: skip
    assert none == []


def test_max_attendees_truncates(account):
    (allhands,) = account.items("events", "primary", "--q", "All hands", "--max-attendees", "3")
    assert len(allhands["attendees"]) <= 3
    assert allhands["attendeesOmitted"] is True


def test_time_zone_changes_the_offsets(account):
    items = account.items("events", "primary", "--q", "dentist", "--time-zone", "Asia/Tokyo")
    assert items[0]["start"]["dateTime"].endswith("+09:00")


def test_deleted_and_hidden_invitations(account):
    plain = ids(account.items("events", "primary"))
    assert "cancelledmeeting" not in plain
    assert "hiddeninvite" not in plain
    assert "cancelledmeeting" in ids(account.items("events", "primary", "--show-deleted"))
    invited = ids(account.items("events", "primary", "--show-hidden-invitations"))
    assert "hiddeninvite" in invited


def test_single_events_expands_the_series(account):
    facts = demo_facts()
    masters = account.items("events", "primary")
    assert SERIES_ID in ids(masters)
    expanded = account.items("events", "primary", "--single-events")
    assert SERIES_ID not in ids(expanded)
    series = [e["id"] for e in expanded if e.get("recurringEventId") == SERIES_ID]
    assert sorted(series) == sorted(facts["instance_ids"])


def test_order_by_start_time_is_ascending(account):
    items = account.items("events", "primary", "--single-events", "--order-by", "startTime")
    from gcal.core.timespec import parse_time

    # an all-day event starts at midnight in the calendar's zone (the primary's is Berlin), so
    # it sorts before a timed event at 00:35 that day
    berlin = ZoneInfo("Europe/Berlin")
    times = [e["start"].get("dateTime") or e["start"]["date"] for e in items]
    starts = [parse_time(text, tz=berlin) for text in times]
    assert starts == sorted(starts)


def test_time_bounds(account):
    facts = demo_facts()
    moved_start = facts["moved_new_start"]
    items = account.items(
        "events", "primary", "--single-events", "--q", "Weekly sync",
        "--time-min", moved_start, "--time-max", moved_start[:10] + "T23:59:00" + moved_start[19:],
    )  # fmt: skip
    assert ids(items) == [facts["moved_instance_id"]]


def test_instances_options(account):
    facts = demo_facts()
    plain = ids(account.items("instances", "primary", SERIES_ID))
    assert plain == facts["instance_ids"]
    with_deleted = account.items("instances", "primary", SERIES_ID, "--show-deleted")
    cancelled = [e for e in with_deleted if e.get("status") == "cancelled"]
    assert ids(cancelled) == [facts["cancelled_instance_id"]]
    one = account.items(
        "instances", "primary", SERIES_ID, "--original-start", facts["moved_original_start"]
    )
    assert ids(one) == [facts["moved_instance_id"]]


# ---------------------------------------------------------------------------------------------
# Paging


def test_paging_returns_every_item_once_in_order(account):
    service = build_service(account.emu)
    everything = service.events().list(calendarId=PRIMARY, maxResults=2500).execute()["items"]
    assert len(everything) > 300
    account.emu.clear_requests()
    paged = account.items("events", "primary", "--max-results", "37")
    assert ids(paged) == ids(everything)
    assert len(account.api_requests("/events")) == math.ceil(len(everything) / 37)


def test_default_page_size_is_the_largest(account):
    account.items("events", "primary")
    (request,) = account.api_requests("/events")
    assert request.query["maxResults"] == ["2500"]
    account.emu.clear_requests()
    account.items("calendars")
    (request,) = account.api_requests("/calendarList")
    assert request.query["maxResults"] == ["250"]


def test_limit_makes_no_extra_request(account):
    items = account.items("events", "primary", "--limit", "10", "--max-results", "7")
    assert len(items) == 10
    sizes = [r.query["maxResults"] for r in account.api_requests("/events")]
    assert sizes == [["7"], ["3"]]
    account.emu.clear_requests()
    assert len(account.items("events", "primary", "--limit", "5")) == 5
    assert [r.query["maxResults"] for r in account.api_requests("/events")] == [["5"]]


def test_twenty_thousand_events_take_ceil_n_over_2500_requests(emulator_factory, tmp_path):
    data = {
        "user": {"email": "big@example.com"},
        "calendars": [
            {"id": "big@example.com", "summary": "Big", "timeZone": "UTC", "accessRole": "owner",
             "primary": True, "events": []},
        ],
    }  # fmt: skip
    emu = emulator_factory(data=data, extra_events=20000)
    account = Account(emu, tmp_path)
    result = account.gcal("--format", "ndjson", "events", "primary")
    assert result.code == 0
    assert len(result.out.splitlines()) == 20000
    assert len(account.api_requests("/events")) == math.ceil(20000 / 2500)


# ---------------------------------------------------------------------------------------------
# Output formats parse back to the data


def _api_events(account: Account) -> list:
    service = build_service(account.emu)
    return service.events().list(calendarId=PRIMARY, maxResults=2500).execute()["items"]


def test_json_is_the_resources_untouched(account):
    result = account.gcal("--format", "json", "events", "primary")
    assert json.loads(result.out) == _api_events(account)


def test_ndjson_is_one_resource_per_line(account):
    assert account.items("events", "primary") == _api_events(account)


@pytest.mark.parametrize(("fmt", "dialect"), [("csv", "excel"), ("tsv", "excel-tab")])
def test_csv_and_tsv_parse_back(account, fmt, dialect):
    result = account.gcal("--format", fmt, "events", "primary")
    assert result.code == 0
    if fmt == "tsv":  # one line a row, tab, newline, CR and backslash escaped
        from test_render import read_rows

        rows = read_rows(result.out, "tsv")
    else:
        rows = list(csv.DictReader(io.StringIO(result.out, newline=""), dialect=dialect))
    expected = _api_events(account)
    assert [row["id"] for row in rows] == ids(expected)
    by_id = {row["id"]: row for row in rows}
    assert by_id["csvtricky"]["summary"] == CSV_TRICKY_SUMMARY
    for event in expected:
        assert by_id[event["id"]]["summary"] == event.get("summary", "")
    assert "日本" in "".join(row["summary"] for row in rows) or any(
        "\u3040" <= ch <= "\u9fff" for row in rows for ch in row["summary"]
    )
    offsite = by_id["offsite"]
    assert offsite["all_day"] == "true"
    assert len(offsite["start"]) == 10


def test_table_and_csv_ask_only_for_what_they_print(account):
    account.gcal("--format", "csv", "events", "primary")
    (request,) = account.api_requests("/events")
    fields = request.query["fields"][0]
    assert "nextPageToken" in fields and "nextSyncToken" in fields
    assert "items(" in fields
    account.emu.clear_requests()
    account.gcal("--format", "json", "events", "primary")
    (request,) = account.api_requests("/events")
    assert "fields" not in request.query


def test_user_fields_keep_the_paging_tokens(account):
    result = account.gcal(
        "--format", "ndjson", "events", "primary", "--fields", "items(id)", "--max-results", "100"
    )
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert len(lines) > 300  # all pages were followed
    assert set().union(*(line.keys() for line in lines)) == {"id"}
    sent = account.api_requests("/events")[0].query["fields"][0]
    assert "nextPageToken" in sent and "nextSyncToken" in sent


# ---------------------------------------------------------------------------------------------
# Sync tokens


def test_sync_token_goes_to_stderr_or_a_file(account, tmp_path):
    quiet = account.gcal("--format", "ndjson", "events", "primary")
    assert "next sync token" not in quiet.err  # only when asked: cron mails every line
    result = account.gcal("--format", "ndjson", "events", "primary", "--print-sync-token")
    (line,) = [x for x in result.err.splitlines() if "next sync token" in x]
    token = line.split(": ")[-1]
    path = tmp_path / "sync.txt"
    result = account.gcal("--format", "ndjson", "events", "primary", "--sync-token-file", str(path))
    assert "next sync token" not in result.err
    assert path.read_text().strip()
    account.emu.delete_event(PRIMARY, "dentist")
    changed = account.items("events", "primary", "--sync-token", path.read_text().strip())
    assert ids(changed) == ["dentist"]
    assert changed[0]["status"] == "cancelled"
    assert token


def test_expired_sync_token_says_a_full_sync_is_needed(account):
    result = account.gcal("events", "primary", "--sync-token", "bogus-token")
    assert result.code == 1
    assert "full sync" in result.err
    assert len(result.err_lines) == 1


# ---------------------------------------------------------------------------------------------
# API errors


def test_unknown_calendar_is_exit_4_and_names_it(account):
    result = account.gcal("events", "nobody@example.com")
    assert result.code == 4
    assert "nobody@example.com" in result.err
    assert len(result.err_lines) == 1


def test_unknown_event_is_exit_4(account):
    result = account.gcal("instances", "primary", "no-such-series")
    assert result.code == 4
    assert "no-such-series" in result.err


def test_api_400_is_exit_1_with_googles_message(account):
    account.emu.inject_fault(400, reason="invalid", message="Bad things happened.")
    result = account.gcal("calendars")
    assert result.code == 1
    assert "Bad things happened." in result.err
    assert "400" in result.err


def test_requests_identify_gcal(account):
    from gcal import __version__

    account.items("calendars")
    (request,) = account.api_requests("/calendarList")
    assert request.headers["user-agent"].startswith(f"gcal/{__version__}")
