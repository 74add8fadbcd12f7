"""The iCalendar mapping and writer as pure code: one event at a time, arbitrary text, odd
resources, and the streaming order of VTIMEZONEs and series masters."""

from __future__ import annotations

import datetime
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core import icscalendar, icsevent, icstext
from gcal.core.filenames import calendar_file_name, calendar_file_names
from gcal.render.formats import make_writer

icalendar = pytest.importorskip("icalendar")


def _event(**fields) -> dict:
    base = {
        "id": "ev1",
        "iCalUID": "ev1@google.com",
        "updated": "2024-05-01T08:00:00.000Z",
        "start": {"dateTime": "2024-06-03T10:00:00+02:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2024-06-03T11:00:00+02:00", "timeZone": "Europe/Berlin"},
    }
    base.update(fields)
    return base


def _parse(component) -> icalendar.Event:
    return icalendar.Event.from_ical(component.to_ical())


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_text_survives_the_round_trip(text):
    component = icsevent.event_component(_event(summary=text, description=text, location=text))
    data = component.to_ical()
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")
    parsed = icalendar.Event.from_ical(data)
    expected = icstext.safe_text(text)
    for key in ("SUMMARY", "DESCRIPTION", "LOCATION"):
        assert str(parsed.get(key, "")) == expected


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
def test_printable_text_is_kept_exactly(text):
    component = icsevent.event_component(_event(summary=text))
    assert str(_parse(component)["SUMMARY"]) == text


def test_text_that_ical_cannot_carry_is_cleaned_not_written_raw():
    assert icstext.safe_text("a\r\nb\rc\x00d\x07e\tf") == "a\nb\ncde\tf"
    assert icstext.safe_text("x\ud800y") == "x\ufffdy"


def test_all_day_and_multi_day_keep_their_dates_with_an_exclusive_end():
    item = _event(start={"date": "2024-06-03"}, end={"date": "2024-06-06"})
    parsed = _parse(icsevent.event_component(item))
    assert parsed["DTSTART"].dt == datetime.date(2024, 6, 3)
    assert parsed["DTEND"].dt == datetime.date(2024, 6, 6)
    assert "VALUE=DATE" in icsevent.event_component(item).to_ical().decode()


def test_times_without_a_zone_are_written_in_utc_and_a_series_in_the_calendar_zone():
    single = _event(
        start={"dateTime": "2024-06-03T10:00:00+02:00"},
        end={"dateTime": "2024-06-03T11:00:00+02:00"},
    )
    text = icsevent.event_component(single).to_ical().decode()
    assert "DTSTART:20240603T080000Z" in text
    series = dict(single, recurrence=["RRULE:FREQ=WEEKLY", "EXDATE:20240610T100000"])
    text = icsevent.event_component(series, icsevent.Source("Europe/Berlin")).to_ical().decode()
    assert "DTSTART;TZID=Europe/Berlin:20240603T100000" in text
    # a date-time without zone means the series' zone, as the API reads it
    assert "EXDATE;TZID=Europe/Berlin:20240610T100000" in text


@pytest.mark.parametrize(
    "line",
    [
        "RRULE:FREQ=DAILY\r\nBEGIN:VEVENT",
        "RRULE:FREQ=NEVER",
        "EXDATE:yesterday",
        "X-OTHER:1",
        "RRULE",
        "EXDATE;VALUE=DATE:20240101T000000",
    ],
)
def test_malformed_recurrence_lines_are_left_out_not_injected(line):
    item = _event(recurrence=["RRULE:FREQ=WEEKLY;COUNT=3", line])
    text = icsevent.event_component(item).to_ical().decode()
    assert text.count("BEGIN:VEVENT") == 1
    assert "RRULE:FREQ=WEEKLY;COUNT=3" in text
    assert line.split("\r")[0] not in text.replace("RRULE:FREQ=WEEKLY;COUNT=3", "")


def test_items_without_times_or_identity_are_not_events():
    assert icsevent.event_component({"id": "x", "status": "cancelled"}) is None
    assert icsevent.event_component(_event(start={"dateTime": "soon"})) is None
    assert icsevent.event_component("not a dict") is None
    assert icsevent.event_component(_event(id=None, iCalUID=None)) is None


def test_people_status_class_color_and_alarms():
    item = _event(
        status="tentative",
        visibility="confidential",
        transparency="transparent",
        colorId="5",
        organizer={"email": "boss@example.com", "displayName": 'The "Boss",\nInc'},
        attendees=[
            {"email": "me@example.com", "self": True, "responseStatus": "accepted"},
            {"email": "room@example.com", "resource": True, "responseStatus": "needsAction"},
            {"email": "opt@example.com", "optional": True, "additionalGuests": 2},
            {"displayName": "no address"},
        ],
        reminders={
            "useDefault": False,
            "overrides": [{"method": "email", "minutes": 1440}, {"method": "popup", "minutes": 5}],
        },
        conferenceData={
            "conferenceSolution": {"name": "Zoom"},
            "entryPoints": [
                {"entryPointType": "phone", "uri": "tel:+1"},
                {"entryPointType": "video", "uri": "https://zoom.example/j/1"},
            ],
        },
    )
    parsed = _parse(icsevent.event_component(item))
    assert str(parsed["STATUS"]) == "TENTATIVE" and str(parsed["CLASS"]) == "CONFIDENTIAL"
    assert str(parsed["TRANSP"]) == "TRANSPARENT" and str(parsed["COLOR"]) == "gold"
    assert parsed["ORGANIZER"].params["CN"] == "The 'Boss', Inc"  # one line, no quote
    me, room, opt = parsed["ATTENDEE"]
    assert me.params["PARTSTAT"] == "ACCEPTED" and me.params["ROLE"] == "REQ-PARTICIPANT"
    assert room.params["CUTYPE"] == "RESOURCE" and room.params["RSVP"] == "TRUE"
    assert opt.params["ROLE"] == "OPT-PARTICIPANT" and opt.params["X-NUM-GUESTS"] == "2"
    email, popup = parsed.walk("VALARM")
    assert str(email["ACTION"]) == "EMAIL" and str(email["ATTENDEE"]) == "mailto:me@example.com"
    assert email["TRIGGER"].dt == -datetime.timedelta(days=1)
    assert str(popup["ACTION"]) == "DISPLAY"
    assert str(parsed["CONFERENCE"]) == "https://zoom.example/j/1"
    assert parsed["CONFERENCE"].params["LABEL"] == "Zoom"


def test_default_reminders_apply_when_the_event_uses_them():
    source = icsevent.Source("Europe/Berlin", [{"method": "popup", "minutes": 30}])
    parsed = _parse(icsevent.event_component(_event(reminders={"useDefault": True}), source))
    assert [a["TRIGGER"].dt for a in parsed.walk("VALARM")] == [-datetime.timedelta(minutes=30)]


def test_unknown_zones_have_no_vtimezone_and_fall_back_to_utc():
    assert icscalendar.vtimezone("Mars/Olympus_Mons") is None
    assert b"TZID:Europe/Berlin" in icscalendar.vtimezone("Europe/Berlin")
    item = _event(start={"dateTime": "2024-06-03T10:00:00+02:00", "timeZone": "Mars/Base"})
    assert "DTSTART:20240603T080000Z" in icsevent.event_component(item).to_ical().decode()


# --------------------------------------------------------------------------------------------
# The writer


def _write(pages, kind="events") -> str:
    buffer = io.BytesIO()
    out = io.TextIOWrapper(buffer, encoding="ascii", newline="")  # even on an ASCII stream
    writer = make_writer(kind, "ics", out)
    for page in pages:
        writer.write_page(page)
    writer.close()
    out.flush()
    return buffer.getvalue().decode("utf-8")


def test_a_cancelled_exception_before_its_master_becomes_an_exdate():
    master = _event(id="s", iCalUID="s@google.com", recurrence=["RRULE:FREQ=WEEKLY;COUNT=4"])
    cancelled = {
        "id": "s_20240610T080000Z",
        "status": "cancelled",
        "recurringEventId": "s",
        "originalStartTime": {"dateTime": "2024-06-10T10:00:00+02:00", "timeZone": "UTC"},
    }
    text = _write([{"timeZone": "UTC", "items": [cancelled]}, {"items": [master]}])
    assert text.count("BEGIN:VEVENT") == 1
    assert "EXDATE;TZID=Europe/Berlin:20240610T100000" in text
    assert text.endswith("END:VCALENDAR\r\n")


def test_each_vtimezone_is_written_once_before_its_first_use_and_text_is_utf8():
    tokyo = {"dateTime": "2024-06-03T10:00:00+09:00", "timeZone": "Asia/Tokyo"}
    pages = [
        {"summary": "Cal", "timeZone": "Europe/Berlin", "items": [_event(summary="東京")]},
        {"items": [_event(id="b", iCalUID="b@x", start=tokyo, end=tokyo), _event(id="c")]},
    ]
    text = _write(pages)
    assert text.count("BEGIN:VTIMEZONE") == 2
    assert text.index("TZID:Europe/Berlin") < text.index("DTSTART;TZID=Europe/Berlin")
    assert text.index("TZID:Asia/Tokyo") < text.index("DTSTART;TZID=Asia/Tokyo")
    assert "SUMMARY:東京" in text and "X-WR-CALNAME:Cal" in text


def test_an_empty_listing_is_a_valid_empty_calendar():
    text = _write([])
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert icalendar.Calendar.from_ical(text).walk("VEVENT") == []


# --------------------------------------------------------------------------------------------
# File names


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=400), min_size=1, max_size=8, unique=True))
def test_file_names_are_safe_and_distinct(ids):
    names = calendar_file_names(ids)
    assert set(names) == set(ids)
    assert len({n.casefold() for n in names.values()}) == len(ids)
    for name in names.values():
        assert name.endswith(".ics") and not name.startswith(".")
        assert len(name.encode("utf-8")) <= 200
        assert all(c.isascii() and (c.isalnum() or c in "._@+-") for c in name)


def test_safe_ids_keep_their_name():
    assert calendar_file_name("ada@example.com") == "ada@example.com.ics"
    assert calendar_file_name("a/b").startswith("a_b-")
    assert calendar_file_name("CON").startswith("CON-")
    assert calendar_file_name("../..").startswith("calendar-")


@settings(max_examples=100, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(0, 5), st.integers(1, 4))
def test_any_order_and_paging_gives_the_same_calendar(rnd, cancelled_count, page_count):
    """Whatever page a cancelled exception comes on, before or after its master, it ends as an
    EXDATE of the master; every other item is one VEVENT; each zone's VTIMEZONE comes once,
    before its first use."""
    tokyo = {"dateTime": "2024-06-03T10:00:00+09:00", "timeZone": "Asia/Tokyo"}
    master = _event(id="s", iCalUID="s@google.com", recurrence=["RRULE:FREQ=DAILY;COUNT=9"])
    items = [master, _event(id="t", iCalUID="t@x", start=tokyo, end=tokyo), _event(id="u")]
    originals = set()
    for day in range(cancelled_count):
        original = f"2024-06-{4 + day:02d}T10:00:00+02:00"
        originals.add(f"202406{4 + day:02d}T100000")
        items.append(
            {
                "id": f"s_{day}",
                "status": "cancelled",
                "recurringEventId": "s",
                "originalStartTime": {"dateTime": original, "timeZone": "Europe/Berlin"},
            }
        )
    rnd.shuffle(items)
    cuts = sorted(rnd.randint(0, len(items)) for _ in range(page_count - 1))
    bounds = [0, *cuts, len(items)]
    pages = [{"items": items[a:b], "timeZone": "UTC"} for a, b in zip(bounds, bounds[1:])]
    text = _write(pages)

    cal = icalendar.Calendar.from_ical(text)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == ["ev1@google.com", "s@google.com", "t@x"]
    exdates = events["s@google.com"].get("EXDATE", [])
    exdates = exdates if isinstance(exdates, list) else [exdates]
    found = {d.dt.strftime("%Y%m%dT%H%M%S") for prop in exdates for d in prop.dts}
    assert found == originals
    for zone in ("Europe/Berlin", "Asia/Tokyo"):
        assert text.count(f"TZID:{zone}\r\n") == 1
        assert text.index(f"TZID:{zone}\r\n") < text.index(f"TZID={zone}")


@pytest.mark.parametrize("text", ["\\N", "C:\\New folder", "a\\nb", "\\\\N;,"])
def test_a_literal_backslash_n_is_not_a_line_break(text):
    """icalendar's own escaping reads backslash-N in the input as a line break."""
    parsed = _parse(icsevent.event_component(_event(summary=text, description=text)))
    assert str(parsed["SUMMARY"]) == text
    assert str(parsed["DESCRIPTION"]) == text
