"""`gcal export` round trips: the demo account exported, parsed back by two independent
iCalendar implementations, and compared with what the API itself says.

* `icalendar` (the library gcal writes with) with `recurring_ical_events` for expansion;
* `ical` (an independent parser with its own recurrence code; Python >= 3.11).

For every series, the occurrences the file describes over a year (RRULE, RDATE, EXDATE and
the exceptions' RECURRENCE-ID) must equal the API's own expansion (`singleEvents=true`):
the same start instants with the same summaries, across daylight-saving changes in Europe
and America, all-day and multi-day series included.
"""

from __future__ import annotations

import datetime
import json
from typing import Dict, List, Set, Tuple
from zoneinfo import ZoneInfo

import pytest

from gcal.emulator.demo import FREEBUSY_ID, PRIMARY_ID, READER_ID, WRITER_ID, default_anchor
from test_read_commands import Account

icalendar = pytest.importorskip("icalendar")
recurring_ical_events = pytest.importorskip("recurring_ical_events")

UTC = datetime.timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ANCHOR = default_anchor()
# A year around the demo's anchor week: always two daylight-saving changes in each zone.
WINDOW_START = datetime.datetime.combine(
    ANCHOR - datetime.timedelta(days=182), datetime.time(), UTC
)
WINDOW_END = WINDOW_START + datetime.timedelta(days=366)
TRICKY_TEXT = (
    'Commas, semicolons; a back\\slash, "quotes", a colon: and\nnew lines\r\nof all kinds, '
    "日本語のテキスト, العربية, Ελληνικά, emoji 🎉 " + "and a long line " * 12
)


def _wall(days: int, hour: int, zone: ZoneInfo, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        ANCHOR + datetime.timedelta(days=days), datetime.time(hour, minute), zone
    )


def _timed(start: datetime.datetime, minutes: int, zone: str = "") -> dict:
    out = {
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": (start + datetime.timedelta(minutes=minutes)).isoformat()},
    }
    if zone:
        out["start"]["timeZone"] = out["end"]["timeZone"] = zone
    return out


def _stamp(dt: datetime.datetime, zone: ZoneInfo) -> str:
    return dt.astimezone(zone).strftime("%Y%m%dT%H%M%S")


def add_year_long_series(emu) -> None:
    """Series that cross daylight-saving changes, with every kind of exception."""
    first = _wall(-182, 9, BERLIN)  # a Monday half a year back
    moved = first + datetime.timedelta(weeks=30)
    cancelled = first + datetime.timedelta(weeks=33)
    emu.insert_event(
        PRIMARY_ID,
        {
            "id": "dstweekly",
            "summary": "Weekly across DST",
            **_timed(first, 60, "Europe/Berlin"),
            "recurrence": [
                "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=60",
                f"EXDATE;TZID=Europe/Berlin:{_stamp(first + datetime.timedelta(weeks=10), BERLIN)}",
                f"RDATE;TZID=Europe/Berlin:{_stamp(_wall(-180, 16, BERLIN), BERLIN)}",
            ],
            "colorId": "11",
            "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 15}]},
        },
    )
    emu.insert_event(
        PRIMARY_ID,
        {
            "id": f"dstweekly_{moved.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            "recurringEventId": "dstweekly",
            "originalStartTime": {"dateTime": moved.isoformat(), "timeZone": "Europe/Berlin"},
            "summary": "Weekly across DST (moved)",
            **_timed(moved + datetime.timedelta(days=1, hours=6), 60, "Europe/Berlin"),
        },
    )
    emu.insert_event(
        PRIMARY_ID,
        {
            "id": f"dstweekly_{cancelled.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            "recurringEventId": "dstweekly",
            "status": "cancelled",
            "originalStartTime": {"dateTime": cancelled.isoformat(), "timeZone": "Europe/Berlin"},
            **_timed(cancelled, 60, "Europe/Berlin"),
        },
    )
    emu.insert_event(
        PRIMARY_ID,
        {
            "id": "nymonthly",
            "summary": "Monthly with New York",
            **_timed(_wall(-200, 11, NEW_YORK), 30, "America/New_York"),
            "recurrence": ["RRULE:FREQ=MONTHLY;BYDAY=2TU"],
        },
    )
    emu.insert_event(
        PRIMARY_ID,
        {
            "id": "nozone",
            "summary": "Series in the calendar's zone",
            **_timed(_wall(-166, 7, BERLIN, 45), 30),  # a Wednesday: in step with the rule
            "recurrence": ["RRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=WE,FR"],
        },
    )
    first_day = ANCHOR - datetime.timedelta(days=150)
    emu.insert_event(
        PRIMARY_ID,
        {
            "id": "twodays",
            "summary": "Two-day workshop",
            "start": {"date": first_day.isoformat()},
            "end": {"date": (first_day + datetime.timedelta(days=2)).isoformat()},
            "recurrence": [
                "RRULE:FREQ=WEEKLY;INTERVAL=4;COUNT=14",
                f"EXDATE;VALUE=DATE:{first_day + datetime.timedelta(weeks=8):%Y%m%d}",
            ],
        },
    )
    emu.insert_event(
        PRIMARY_ID,
        {
            "id": "tricky",
            "summary": TRICKY_TEXT,
            "description": TRICKY_TEXT + "\n" + "x" * 300,
            "location": "Rue de l'Église 3; Paris, France \\ 2nd floor",
            **_timed(_wall(2, 18, BERLIN), 30, "Europe/Berlin"),
        },
    )


@pytest.fixture
def account(emulator, tmp_path) -> Account:
    add_year_long_series(emulator)
    return Account(emulator, tmp_path)


def export(account: Account, calendar_id: str, tmp_path) -> bytes:
    path = tmp_path / "out.ics"
    result = account.gcal("export", calendar_id, "--output", str(path))
    assert result.code == 0, result
    assert result.out == "" and result.err == ""  # not a terminal: no progress
    return path.read_bytes()


def api_events(account: Account, calendar_id: str, *args: str) -> List[dict]:
    return account.items("events", calendar_id, *args)


def api_instances(account: Account, calendar_id: str) -> Dict[str, Set[Tuple]]:
    """series id -> {(start, summary)} of the API's own expansion over the window."""
    items = api_events(
        account,
        calendar_id,
        "--single-events",
        "--time-min",
        (WINDOW_START - datetime.timedelta(days=3)).isoformat(),
        "--time-max",
        (WINDOW_END + datetime.timedelta(days=3)).isoformat(),
    )
    out: Dict[str, Set[Tuple]] = {}
    for item in items:
        if item.get("recurringEventId") and item.get("status") != "cancelled":
            start = _api_start(item["start"])
            if _in_window(start):
                out.setdefault(item["recurringEventId"], set()).add((start, item.get("summary")))
    return out


def _api_start(when: dict):
    if "date" in when:
        return datetime.date.fromisoformat(when["date"])
    return datetime.datetime.fromisoformat(when["dateTime"]).astimezone(UTC)


def _norm(value):
    if isinstance(value, datetime.datetime):
        assert value.tzinfo is not None, value  # nothing floating in the export
        return value.astimezone(UTC)
    return value


def _in_window(start) -> bool:
    if isinstance(start, datetime.datetime):
        return WINDOW_START <= start < WINDOW_END
    return WINDOW_START.date() <= start < WINDOW_END.date()


def uid_to_series(items: List[dict]) -> Dict[str, str]:
    return {item["iCalUID"]: item["id"] for item in items if item.get("recurrence")}


CALENDARS = [PRIMARY_ID, WRITER_ID, READER_ID]


@pytest.mark.parametrize("calendar_id", CALENDARS)
def test_export_expands_like_the_api_with_icalendar(account, tmp_path, calendar_id):
    data = export(account, calendar_id, tmp_path)
    cal = icalendar.Calendar.from_ical(data)
    listed = api_events(account, calendar_id)
    series = uid_to_series(listed)
    assert series, "the calendar has series to compare"

    # Same number of events: every listed item is a VEVENT, but cancelled exceptions,
    # which are EXDATEs of their master.
    cancelled = [e for e in listed if e.get("status") == "cancelled" and e.get("recurringEventId")]
    assert len(cal.walk("VEVENT")) == len(listed) - len(cancelled)

    expanded: Dict[str, Set[Tuple]] = {}
    occurrences = recurring_ical_events.of(cal).between(
        WINDOW_START - datetime.timedelta(days=3), WINDOW_END + datetime.timedelta(days=3)
    )
    for event in occurrences:
        uid = str(event["UID"])
        if uid in series:
            start = _norm(event["DTSTART"].dt)
            if _in_window(start):
                summary = str(event["SUMMARY"]) if "SUMMARY" in event else None
                expanded.setdefault(series[uid], set()).add((start, summary))
    assert expanded == api_instances(account, calendar_id)


@pytest.mark.parametrize("calendar_id", CALENDARS)
def test_export_expands_like_the_api_with_the_ical_library(account, tmp_path, calendar_id):
    calendar_stream = pytest.importorskip("ical.calendar_stream")
    data = export(account, calendar_id, tmp_path)
    cal = calendar_stream.IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    listed = api_events(account, calendar_id)
    series = uid_to_series(listed)
    cancelled = [e for e in listed if e.get("status") == "cancelled" and e.get("recurringEventId")]
    assert len(cal.events) == len(listed) - len(cancelled)

    expanded: Dict[str, Set[Tuple]] = {}
    timeline = cal.timeline_tz(UTC)
    for event in timeline.overlapping(
        WINDOW_START - datetime.timedelta(days=3), WINDOW_END + datetime.timedelta(days=3)
    ):
        if event.uid in series:
            start = _norm(event.dtstart)
            if _in_window(start):
                expanded.setdefault(series[event.uid], set()).add((start, event.summary))
    assert expanded == api_instances(account, calendar_id)
    if calendar_id == PRIMARY_ID:  # the escaping cases, read by this parser too
        tricky = next(e for e in cal.events if e.uid == "tricky@google.com")
        wanted = TRICKY_TEXT.replace("\r\n", "\n")
        assert tricky.summary == wanted
        assert tricky.description == wanted + "\n" + "x" * 300
        assert tricky.location == "Rue de l'Église 3; Paris, France \\ 2nd floor"
        two_days = next(e for e in cal.events if e.uid == "twodays@google.com")
        assert (two_days.dtend - two_days.dtstart).days == 2  # all-day, end exclusive


def test_the_window_crosses_daylight_saving_changes_in_both_zones(account):
    instances = api_instances(account, PRIMARY_ID)
    for series, zone in (("dstweekly", BERLIN), ("nymonthly", NEW_YORK)):
        offsets = {start.astimezone(zone).utcoffset() for start, _ in instances[series]}
        assert len(offsets) == 2, series  # summer and winter time both present
    assert len(instances["twodays"]) >= 10


def test_text_dates_and_properties_survive_the_round_trip(account, tmp_path):
    data = export(account, PRIMARY_ID, tmp_path)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded at 75 octets
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    cal = icalendar.Calendar.from_ical(data)
    listed = {
        e["iCalUID"]: e for e in api_events(account, PRIMARY_ID) if "recurringEventId" not in e
    }
    by_uid = {str(e["UID"]): e for e in cal.walk("VEVENT") if "RECURRENCE-ID" not in e}
    assert set(by_uid) == set(listed)

    tricky = by_uid["tricky@google.com"]
    wanted = TRICKY_TEXT.replace("\r\n", "\n")
    assert str(tricky["SUMMARY"]) == wanted
    assert str(tricky["DESCRIPTION"]) == wanted + "\n" + "x" * 300
    assert str(tricky["LOCATION"]) == "Rue de l'Église 3; Paris, France \\ 2nd floor"
    for uid, event in by_uid.items():
        item = listed[uid]
        assert str(event.get("SUMMARY", "")) == item.get("summary", "").replace("\r\n", "\n")
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        if "date" in item["start"]:  # all-day and multi-day keep their dates, end exclusive
            assert start == datetime.date.fromisoformat(item["start"]["date"])
            assert end == datetime.date.fromisoformat(item["end"]["date"])
            assert not isinstance(start, datetime.datetime)
        else:
            assert _norm(start) == _api_start(item["start"])
            assert _norm(end) == _api_start(item["end"])

    header = cal
    assert str(header["X-WR-CALNAME"]) == "Ada Lovelace"
    assert str(header["X-WR-TIMEZONE"]) == "Europe/Berlin"
    assert str(header["VERSION"]) == "2.0" and "gcal" in str(header["PRODID"])
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert zones == {"Europe/Berlin", "America/New_York", "Asia/Tokyo"}  # the flight lands
    assert len(cal.walk("VTIMEZONE")) == len(zones)  # each written once

    series = by_uid["dstweekly@google.com"]
    assert str(series["COLOR"]) == "crimson"
    alarms = series.walk("VALARM")
    assert [a["TRIGGER"].dt for a in alarms] == [-datetime.timedelta(minutes=15)]
    weekly = by_uid["weeklysync@google.com"]
    assert str(weekly["CONFERENCE"]) == "https://meet.google.com/abc-defg-hij"
    assert str(weekly["URL"]).startswith("https://www.google.com/calendar/event?eid=")
    attendees = weekly["ATTENDEE"]
    assert len(attendees) == 5
    assert {a.params["PARTSTAT"] for a in attendees} == {
        "ACCEPTED",
        "DECLINED",
        "TENTATIVE",
        "NEEDS-ACTION",
    }
    assert str(weekly["ORGANIZER"]) == "mailto:ada@example.com"
    assert str(by_uid["dentist@google.com"]["CLASS"]) == "PRIVATE"
    assert str(by_uid["recycling@google.com"]["TRANSP"]) == "TRANSPARENT"
    moved = [e for e in cal.walk("VEVENT") if str(e.get("SUMMARY")) == "Weekly sync (moved)"]
    assert len(moved) == 1 and str(moved[0]["UID"]) == "weeklysync@google.com"
    assert int(moved[0]["SEQUENCE"]) == 1


def test_private_and_free_busy_events_export_without_their_details(account, tmp_path):
    for calendar_id in (READER_ID, FREEBUSY_ID):
        cal = icalendar.Calendar.from_ical(export(account, calendar_id, tmp_path))
        listed = api_events(account, calendar_id)
        assert len(cal.walk("VEVENT")) == len(listed)
        for item in listed:
            if "summary" not in item:
                found = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith(item["id"])]
                assert found and "SUMMARY" not in found[0]


def test_events_format_ics_streams_the_same_calendar(account):
    result = account.gcal("--format", "ics", "events", PRIMARY_ID)
    assert result.code == 0, result
    cal = icalendar.Calendar.from_ical(result.out.encode("utf-8"))
    listed = api_events(account, PRIMARY_ID)
    assert len(cal.walk("VEVENT")) == len(listed) - 2  # two cancelled exceptions: EXDATEs


def test_single_events_and_instances_carry_the_series_uid_and_recurrence_id(account):
    result = account.gcal(
        "events",
        PRIMARY_ID,
        "--format",
        "ics",
        "--single-events",
        "--order-by",
        "startTime",
        "--time-min",
        WINDOW_START.isoformat(),
        "--time-max",
        WINDOW_END.isoformat(),
    )
    assert result.code == 0, result
    cal = icalendar.Calendar.from_ical(result.out.encode("utf-8"))
    instances = [e for e in cal.walk("VEVENT") if str(e["UID"]) == "dstweekly@google.com"]
    api = api_instances(account, PRIMARY_ID)["dstweekly"]
    assert {(_norm(e["DTSTART"].dt), str(e["SUMMARY"])) for e in instances} == api
    assert all("RECURRENCE-ID" in e and "RRULE" not in e for e in instances)

    result = account.gcal("instances", PRIMARY_ID, "dstweekly", "--format", "ics")
    assert result.code == 0, result
    cal = icalendar.Calendar.from_ical(result.out.encode("utf-8"))
    listed = account.items("instances", PRIMARY_ID, "dstweekly")
    assert len(cal.walk("VEVENT")) == len(listed)
    assert {str(e["UID"]) for e in cal.walk("VEVENT")} == {"dstweekly@google.com"}


def test_json_and_ics_agree_on_every_event_time(account):
    """The ndjson listing and the ics listing of the same query describe the same instants."""
    result = account.gcal("--format", "ics", "events", WRITER_ID)
    cal = icalendar.Calendar.from_ical(result.out.encode("utf-8"))
    starts = sorted(_norm(e["DTSTART"].dt) for e in cal.walk("VEVENT"))
    listed = account.items("events", WRITER_ID)
    assert starts == sorted(_api_start(e["start"]) for e in listed)
    assert json.dumps(sorted(str(e["UID"]) for e in cal.walk("VEVENT")))


def test_agenda_format_ics_holds_the_same_events_as_its_json(account):
    args = ["agenda", "--all-calendars", "--days", "14", ANCHOR.isoformat()]
    result = account.gcal("--format", "ics", *args)
    assert result.code == 0, result
    cal = icalendar.Calendar.from_ical(result.out.encode("utf-8"))
    assert "X-WR-CALNAME" not in cal  # several calendars
    got = sorted((str(e["UID"]), str(_norm(e["DTSTART"].dt))) for e in cal.walk("VEVENT"))
    listed = account.items(*args)
    assert len(listed) > 50
    # free/busy entries carry no iCalUID: their UID is made from the id
    uids = [e.get("iCalUID") or e["id"] + "@google.com" for e in listed]
    want = sorted((uid, str(_api_start(e["start"]))) for uid, e in zip(uids, listed))
    assert got == want
    # the calendar's default reminder (10 minutes, primary) applies to events that use it
    gen = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("gen0")]
    assert gen and all(
        [a["TRIGGER"].dt for a in e.walk("VALARM")] == [-datetime.timedelta(minutes=10)]
        for e in gen
    )
