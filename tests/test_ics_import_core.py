"""core.icsimport: iCalendar VEVENTs as events.import bodies (pure; no server)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core import icsevent, icsimport
from gcal.core.timespec import parse_rfc3339


def ics(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{extra}{body}END:VCALENDAR\r\n"
    return text.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode()


def test_all_day_timed_utc_floating_and_duration():
    data = ics(
        "UID:a\nDTSTART;VALUE=DATE:20240610\nDTEND;VALUE=DATE:20240612\nSUMMARY:Trip",
        "UID:b\nDTSTART;TZID=Europe/Berlin:20240610T090000\nDTEND;TZID=Europe/Berlin:20240610T1000"
        "00\nSUMMARY:Berlin",
        "UID:c\nDTSTART:20240610T070000Z\nDURATION:PT45M",
        "UID:d\nDTSTART:20240610T090000\nDTEND:20240610T093000",
        "UID:e\nDTSTART;VALUE=DATE:20240614",
    )
    a, b, c, d, e = icsimport.bodies(data, "America/New_York")
    assert a["start"] == {"date": "2024-06-10"} and a["end"] == {"date": "2024-06-12"}
    assert a["iCalUID"] == "a" and a["summary"] == "Trip"
    assert b["start"] == {"dateTime": "2024-06-10T09:00:00+02:00", "timeZone": "Europe/Berlin"}
    assert b["end"]["timeZone"] == "Europe/Berlin"
    assert parse_rfc3339(c["start"]["dateTime"]) == datetime.datetime(
        2024, 6, 10, 7, tzinfo=datetime.timezone.utc
    )
    assert parse_rfc3339(c["end"]["dateTime"]) - parse_rfc3339(c["start"]["dateTime"]) == (
        datetime.timedelta(minutes=45)
    )
    assert d["start"] == {"dateTime": "2024-06-10T09:00:00-04:00", "timeZone": "America/New_York"}
    assert e["end"] == {"date": "2024-06-15"}  # a date without DTEND lasts the day


def test_series_exdate_rdate_and_overrides_after_their_series():
    data = ics(
        "UID:s\nRECURRENCE-ID;TZID=Europe/Berlin:20240611T100000\n"
        "DTSTART;TZID=Europe/Berlin:20240612T140000\nDTEND;TZID=Europe/Berlin:20240612T143000\n"
        "SUMMARY:Moved",
        "UID:s\nDTSTART;TZID=Europe/Berlin:20240604T100000\nDTEND;TZID=Europe/Berlin:20240604T1030"
        "00\nRRULE:FREQ=WEEKLY;COUNT=5\nEXDATE;TZID=Europe/Berlin:20240618T100000\n"
        "RDATE;TZID=Europe/Berlin:20240620T100000\nSUMMARY:Weekly",
    )
    series, override = icsimport.bodies(data)
    assert series["summary"] == "Weekly" and override["summary"] == "Moved"
    assert series["recurrence"] == [
        "RRULE:FREQ=WEEKLY;COUNT=5",
        "RDATE;TZID=Europe/Berlin:20240620T100000",
        "EXDATE;TZID=Europe/Berlin:20240618T100000",
    ]
    assert override["originalStartTime"] == {
        "dateTime": "2024-06-11T10:00:00+02:00",
        "timeZone": "Europe/Berlin",
    }
    assert "recurrence" not in override
    assert icsimport.key(override) == ("s", parse_rfc3339("2024-06-11T08:00:00Z").timestamp())


def test_people_status_alarms_and_colour():
    data = ics(
        "UID:p\nDTSTART:20240610T070000Z\nDTEND:20240610T080000Z\nSTATUS:TENTATIVE\n"
        "TRANSP:TRANSPARENT\nCLASS:PRIVATE\nSEQUENCE:3\nX-GOOGLE-COLOR-ID:5\n"
        "ORGANIZER;CN=Bob:mailto:bob@example.com\n"
        "ATTENDEE;CN=Ada;PARTSTAT=ACCEPTED:mailto:ada@example.com\n"
        "ATTENDEE;PARTSTAT=DECLINED;ROLE=OPT-PARTICIPANT:mailto:cy@example.com\n"
        "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT10M\nDESCRIPTION:x\nEND:VALARM\n"
        "BEGIN:VALARM\nACTION:EMAIL\nTRIGGER:-P1D\nSUMMARY:x\nDESCRIPTION:x\n"
        "ATTENDEE:mailto:ada@example.com\nEND:VALARM",
    )
    (p,) = icsimport.bodies(data)
    assert (p["status"], p["transparency"], p["visibility"], p["sequence"], p["colorId"]) == (
        "tentative",
        "transparent",
        "private",
        3,
        "5",
    )
    assert p["organizer"] == {"email": "bob@example.com", "displayName": "Bob"}
    assert p["attendees"] == [
        {"email": "ada@example.com", "displayName": "Ada", "responseStatus": "accepted"},
        {"email": "cy@example.com", "responseStatus": "declined", "optional": True},
    ]
    assert p["reminders"] == {
        "useDefault": False,
        "overrides": [{"method": "popup", "minutes": 10}, {"method": "email", "minutes": 1440}],
    }


def test_a_custom_vtimezone_gives_the_right_instant():
    zone = (
        "BEGIN:VTIMEZONE\nTZID:My Office Time\nBEGIN:STANDARD\nDTSTART:19701025T030000\n"
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\n"
        "END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:19700329T020000\n"
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\n"
        "END:DAYLIGHT\nEND:VTIMEZONE\n"
    )
    data = ics(
        "UID:z\nDTSTART;TZID=My Office Time:20240610T090000\nDTEND;TZID=My Office Time:20240610T1"
        "00000",
        extra=zone,
    )
    (z,) = icsimport.bodies(data)
    assert parse_rfc3339(z["start"]["dateTime"]) == parse_rfc3339("2024-06-10T07:00:00Z")
    assert "timeZone" not in z["start"]  # no IANA zone is named: the instant is what is kept


def test_no_uid_gets_a_stable_one():
    data = ics("DTSTART:20240610T070000Z\nDTEND:20240610T080000Z\nSUMMARY:x")
    first = icsimport.bodies(data)[0]["iCalUID"]
    assert first == icsimport.bodies(data)[0]["iCalUID"] and first.endswith("@gcal-import")


@pytest.mark.parametrize("data", [b"", b"   \n", b"hello world", b"BEGIN:VCARD\r\nEND:VCARD\r\n"])
def test_not_icalendar_is_an_error(data):
    with pytest.raises(icsimport.IcsError):
        icsimport.bodies(data)


def test_fingerprint_ignores_itself_and_sees_changes():
    body = {"iCalUID": "u", "summary": "a", "start": {"date": "2024-06-10"}}
    marked = icsimport.with_fingerprint(body)
    assert icsimport.stored_fingerprint(marked) == icsimport.fingerprint(body)
    assert icsimport.fingerprint(marked) == icsimport.fingerprint(body)
    assert icsimport.fingerprint({**body, "summary": "b"}) != icsimport.fingerprint(body)


ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Australia/Lord_Howe"]


@settings(max_examples=60, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime.datetime(1990, 1, 1), max_value=datetime.datetime(2060, 12, 31)
    ),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 3),
    zone=st.sampled_from(ZONES),
    summary=st.text(
        st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
    ).filter(lambda s: s.strip() == s and s != ""),
    all_day=st.booleans(),
)
def test_export_mapping_then_import_gives_the_same_times(start, minutes, zone, summary, all_day):
    """An Event resource written by gcal's exporter and read back names the same instants."""
    from icalendar import Calendar

    tz = ZoneInfo(zone)
    begin = start.replace(tzinfo=tz, microsecond=0)
    if all_day:
        item_start = {"date": begin.date().isoformat()}
        days = max(1, minutes // (60 * 24))
        item_end = {"date": (begin.date() + datetime.timedelta(days=days)).isoformat()}
    else:
        end = begin + datetime.timedelta(minutes=minutes)
        item_start = {"dateTime": begin.isoformat(), "timeZone": zone}
        item_end = {"dateTime": end.isoformat(), "timeZone": zone}
    item = {
        "id": "x1",
        "iCalUID": "x1@google.com",
        "summary": summary,
        "start": item_start,
        "end": item_end,
        "status": "confirmed",
    }
    cal = Calendar()
    cal.add("prodid", "-//t//t//EN")
    cal.add("version", "2.0")
    cal.add_component(icsevent.event_component(item, icsevent.Source(zone)))
    (back,) = icsimport.bodies(cal.to_ical(), zone)
    assert back["iCalUID"] == "x1@google.com" and back["summary"] == summary
    if all_day:
        assert (back["start"], back["end"]) == (item_start, item_end)
    else:
        for key in ("start", "end"):
            assert parse_rfc3339(back[key]["dateTime"]) == parse_rfc3339(item[key]["dateTime"])


WINDOWS_ZONE = (
    "BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T030000\n"
    "TZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\n"
    "END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\n"
    "TZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
)


def test_a_windows_zone_name_becomes_its_iana_zone():
    """Outlook's TZID with its VTIMEZONE: the series repeats on Berlin's wall clock."""
    data = ics(
        "UID:w\nDTSTART;TZID=W. Europe Standard Time:20240610T090000\n"
        "DTEND;TZID=W. Europe Standard Time:20240610T100000\nRRULE:FREQ=WEEKLY;COUNT=30\n"
        "EXDATE;TZID=W. Europe Standard Time:20240617T090000",
        extra=WINDOWS_ZONE,
    )
    (w,) = icsimport.bodies(data, "UTC")
    assert w["start"] == {"dateTime": "2024-06-10T09:00:00+02:00", "timeZone": "Europe/Berlin"}
    assert w["recurrence"][1] == "EXDATE;TZID=Europe/Berlin:20240617T090000"
