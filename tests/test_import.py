"""`gcal import` against the emulator: keyed by iCalUID, idempotent, and the inverse of export."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

import pytest

from gcal.core.timespec import parse_rfc3339
from gcal.emulator import Emulator, clock
from store_support import PRIMARY, Account

EMPTY = {
    "user": {"email": PRIMARY, "displayName": "Ada Lovelace"},
    "calendars": [
        {
            "id": PRIMARY,
            "summary": "Ada Lovelace",
            "timeZone": "Europe/Berlin",
            "accessRole": "owner",
            "primary": True,
            "events": [],
        },
        {"id": "reader@example.com", "timeZone": "UTC", "accessRole": "reader", "events": []},
    ],
}

SMALL = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//test//EN
BEGIN:VEVENT
UID:standup-1@example.org
DTSTART;TZID=Europe/Berlin:20240603T093000
DTEND;TZID=Europe/Berlin:20240603T094500
RRULE:FREQ=DAILY;COUNT=5
EXDATE;TZID=Europe/Berlin:20240605T093000
RDATE;TZID=Europe/Berlin:20240609T093000
SUMMARY:Standup
END:VEVENT
BEGIN:VEVENT
UID:standup-1@example.org
RECURRENCE-ID;TZID=Europe/Berlin:20240604T093000
DTSTART;TZID=Europe/Berlin:20240604T110000
DTEND;TZID=Europe/Berlin:20240604T111500
SUMMARY:Late standup
END:VEVENT
BEGIN:VEVENT
UID:trip-1@example.org
DTSTART;VALUE=DATE:20240610
DTEND;VALUE=DATE:20240613
SUMMARY:Trip
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")


@pytest.fixture
def target(emulator_factory, tmp_path) -> Account:
    emu = emulator_factory(json.loads(json.dumps(EMPTY)))
    folder = tmp_path / "target"
    folder.mkdir()
    return Account(emu, folder, write=True)


def instances(emu: Emulator, calendar: str, lo: str, hi: str) -> List[Dict[str, Any]]:
    from conftest import build_service

    svc = build_service(emu)
    items: List[Dict[str, Any]] = []
    token = None
    while True:
        page = (
            svc.events()
            .list(
                calendarId=calendar,
                singleEvents=True,
                timeMin=lo,
                timeMax=hi,
                maxResults=2500,
                pageToken=token,
            )
            .execute()
        )
        items += page["items"]
        token = page.get("nextPageToken")
        if not token:
            return items


def shape(items: List[Dict[str, Any]]) -> Counter:
    """What an instance is, id aside: title, place, and the instants (or dates) it spans."""

    def when(value: Dict[str, Any]) -> Any:
        if "dateTime" in value:
            return parse_rfc3339(value["dateTime"]).timestamp()
        return value["date"]

    return Counter(
        (i.get("summary"), i.get("location"), when(i["start"]), when(i["end"])) for i in items
    )


def posts(acct: Account) -> list:
    return [r for r in acct.emu.api_requests() if r.method != "GET"]


def test_import_twice_changes_nothing_the_second_time(target, tmp_path):
    path = tmp_path / "small.ics"
    path.write_text(SMALL, encoding="utf-8")
    first = target.gcal("import", str(path))
    assert first.code == 0, first.err
    assert "3 imported, 0 updated, 0 unchanged" in first.out
    got = instances(target.emu, PRIMARY, "2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z")
    starts = [i["start"].get("dateTime", i["start"].get("date")) for i in got]
    assert sorted(zip([i["summary"] for i in got], starts)) == [
        ("Late standup", "2024-06-04T11:00:00+02:00"),
        ("Standup", "2024-06-03T09:30:00+02:00"),
        ("Standup", "2024-06-06T09:30:00+02:00"),
        ("Standup", "2024-06-07T09:30:00+02:00"),
        ("Standup", "2024-06-09T09:30:00+02:00"),
        ("Trip", "2024-06-10"),
    ]
    before = {i["id"]: i["etag"] for i in got}
    target.emu.clear_requests()
    second = target.gcal("import", str(path))
    assert second.code == 0, second.err
    assert "0 imported, 0 updated, 3 unchanged" in second.out
    assert posts(target) == []
    again = instances(target.emu, PRIMARY, "2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z")
    assert {i["id"]: i["etag"] for i in again} == before


def test_a_changed_event_is_updated_not_duplicated(target, tmp_path):
    path = tmp_path / "small.ics"
    path.write_text(SMALL, encoding="utf-8")
    assert target.gcal("import", str(path)).code == 0
    path.write_text(SMALL.replace("SUMMARY:Trip", "SUMMARY:Long trip"), encoding="utf-8")
    result = target.gcal("import", str(path))
    assert result.code == 0, result.err
    assert "0 imported, 1 updated, 2 unchanged" in result.out
    got = instances(target.emu, PRIMARY, "2024-06-10T00:00:00Z", "2024-06-11T00:00:00Z")
    assert [i["summary"] for i in got] == ["Long trip"]


def test_export_then_import_gives_the_same_instances(emulator, target, tmp_path):
    (tmp_path / "source").mkdir()
    source = Account(emulator, tmp_path / "source")
    exported = source.gcal("export", "primary")
    assert exported.code == 0, exported.err
    path = tmp_path / "primary.ics"
    path.write_bytes(exported.out.encode("utf-8"))
    result = target.gcal("import", str(path))
    assert result.code == 0, result.err
    now = clock.now()
    lo = (now - datetime.timedelta(days=42)).strftime("%Y-%m-%dT00:00:00Z")
    hi = (now + datetime.timedelta(days=70)).strftime("%Y-%m-%dT00:00:00Z")
    want = shape(instances(emulator, PRIMARY, lo, hi))
    got = shape(instances(target.emu, PRIMARY, lo, hi))
    assert sum(want.values()) > 300
    assert got == want
    target.emu.clear_requests()
    again = target.gcal("import", str(path))
    assert again.code == 0 and posts(target) == []


def test_stdin_and_a_calendar_by_name(target):
    from runner import run

    result = run([*target.args, "import", "-", "-c", "Ada Lovelace"], env=target.env, input=SMALL)
    assert result.code == 0, result.err
    assert "3 imported" in result.out


def test_dry_run_sends_nothing(target, tmp_path):
    path = tmp_path / "small.ics"
    path.write_text(SMALL, encoding="utf-8")
    result = target.gcal("import", str(path), "--dry-run")
    assert result.code == 0, result.err
    assert posts(target) == []
    assert result.out.count("POST") == 3 and "/events/import" in result.out


def test_json_output_is_the_resources(target, tmp_path):
    path = tmp_path / "small.ics"
    path.write_text(SMALL, encoding="utf-8")
    result = target.gcal("--format", "json", "import", str(path))
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [r["iCalUID"] for r in rows] == [
        "standup-1@example.org",
        "trip-1@example.org",
        "standup-1@example.org",
    ]
    assert {r["calendarId"] for r in rows} == {"primary"}


def test_undo_takes_an_import_back(target, tmp_path):
    path = tmp_path / "small.ics"
    path.write_text(SMALL, encoding="utf-8")
    assert target.gcal("import", str(path)).code == 0
    result = target.gcal("undo")
    assert result.code == 0, result.err
    assert instances(target.emu, PRIMARY, "2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z") == []


@pytest.mark.parametrize(
    "content, code",
    [(b"not a calendar", 2), (b"", 2), (None, 7)],
)
def test_bad_files(target, tmp_path, content, code):
    path = tmp_path / "in.ics"
    if content is not None:
        path.write_bytes(content)
    result = target.gcal("import", str(path))
    assert result.code == code, result
    assert len(result.err_lines) == 1 and "Traceback" not in result.err
    assert posts(target) == []


def _one(lines: str, last: str = "END:VEVENT\nEND:VCALENDAR\n") -> bytes:
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:u1@example.org\n" + lines + last
    return text.replace("\n", "\r\n").encode("utf-8")


@pytest.mark.parametrize(
    "content, words",
    [
        (bytes(range(256)) * 4, "binary data, not BEGIN:VCALENDAR"),
        (b"hello\nworld\n", "it begins 'hello', not BEGIN:VCALENDAR"),
        (_one("SUMMARY:No start\n"), "event 'u1@example.org' ('No start') has no start"),
        (
            _one("DTSTART:20240603T100000Z\nDTEND:20240603T090000Z\nSUMMARY:Back\n"),
            "ends before it starts",
        ),
        (
            _one("DTSTART:20240603T100000Z\nRRULE:FREQ=WEEKY\nSUMMARY:Typo\n"),
            "its RRULE does not read (invalid 'FREQ': WEEKY)",
        ),
        (_one("DTSTART:20240603T100000Z\nSUMMARY:Cut\n", last=""), "the file is cut short"),
    ],
)
def test_a_file_gcal_cannot_import_whole_is_one_line_and_sends_nothing(
    target, tmp_path, content, words
):
    # a file of which one event would be refused is refused before anything is sent, not
    # halfway through with the API's HTTP 400 (exit 1), nor an event silently left out
    path = tmp_path / "in.ics"
    path.write_bytes(SMALL.encode("utf-8")[: -len("END:VCALENDAR\r\n")] + content[15:])
    if not content.startswith(b"BEGIN:VCALENDAR"):
        path.write_bytes(content)
    result = target.gcal("import", str(path))
    assert result.code == 2, result
    assert result.err_lines == [f"gcal: error: {path}: " + result.err.split(": ", 3)[-1].strip()]
    assert words in result.err, result.err
    assert posts(target) == []


def test_a_file_without_events_says_so(target, tmp_path):
    path = tmp_path / "in.ics"
    path.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    result = target.gcal("import", str(path))
    assert result.code == 0, result
    assert "the file holds no event" in result.out


def test_an_all_day_event_ending_on_its_start_day_is_that_day(target, tmp_path):
    path = tmp_path / "in.ics"
    path.write_bytes(_one("DTSTART;VALUE=DATE:20240603\nDTEND;VALUE=DATE:20240603\n"))
    result = target.gcal("import", str(path), "--format", "json")
    assert result.code == 0, result
    (event,) = json.loads(result.out)
    assert (event["start"], event["end"]) == ({"date": "2024-06-03"}, {"date": "2024-06-04"})


def test_a_read_only_login_sends_nothing(emulator_factory, tmp_path):
    emu = emulator_factory(json.loads(json.dumps(EMPTY)))
    acct = Account(emu, tmp_path, write=False)
    path = tmp_path / "small.ics"
    path.write_text(SMALL, encoding="utf-8")
    result = acct.gcal("import", str(path))
    assert result.code == 3, result
    assert "auth login --write" in result.err and len(result.err_lines) == 1
    assert acct.emu.api_requests() == []


def test_a_read_only_profile_refuses_import(target, tmp_path):
    from runner import run

    path = tmp_path / "small.ics"
    path.write_text(SMALL, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text("read_only = true\n", encoding="utf-8")
    env = {**target.env, "GCAL_CONFIG": str(config)}
    result = run([*target.args, "import", str(path)], env=env)
    assert result.code == 2, result
    assert "read-only" in result.err and len(result.err_lines) == 1
    assert posts(target) == []


def test_a_reader_calendar_is_refused(target, tmp_path):
    path = Path(tmp_path) / "small.ics"
    path.write_text(SMALL, encoding="utf-8")
    result = target.gcal("import", str(path), "-c", "reader@example.com")
    assert result.code == 1, result
    assert len(result.err_lines) == 1


CANCELLED_OVERRIDE = SMALL.replace(
    "SUMMARY:Late standup", "SUMMARY:Late standup\r\nSTATUS:CANCELLED"
)


def test_a_cancelled_occurrence_in_the_file(target, tmp_path):
    path = tmp_path / "cancelled.ics"
    path.write_text(CANCELLED_OVERRIDE, encoding="utf-8")
    first = target.gcal("import", str(path))
    assert first.code == 0, first.err
    got = instances(target.emu, PRIMARY, "2024-06-04T00:00:00Z", "2024-06-05T00:00:00Z")
    assert got == []
    target.emu.clear_requests()
    second = target.gcal("import", str(path))
    assert second.code == 0, second.err
    assert "0 imported, 0 updated, 3 unchanged" in second.out
    assert posts(target) == []


def test_an_import_stopped_halfway_says_what_was_sent_and_can_finish_or_be_undone(target, tmp_path):
    path = tmp_path / "in.ics"
    path.write_text(SMALL, encoding="utf-8")
    target.emu.inject_fault(
        400,
        reason="invalid",
        message="Bad event",
        path="calendars/primary/events/import",
        after=1,
    )
    result = target.gcal("import", str(path))
    assert result.code == 1 and len(result.err_lines) == 1, result
    assert "1 of the file's events were imported or updated before this one" in result.err
    assert "'gcal undo' takes them back" in result.err
    again = target.gcal("import", str(path))
    assert again.code == 0 and "1 unchanged" in again.out, again
