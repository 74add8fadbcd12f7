"""The write commands' pure core: ids, bodies, patches, rules, the RSVP form, undo plans."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core import repeatrule, seriessplit, undoplan, writevalues
from gcal.core import writes as core
from gcal.errors import UsageError

BERLIN = ZoneInfo("Europe/Berlin")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


@given(st.binary(min_size=16, max_size=16))
@settings(max_examples=50, deadline=None)
def test_event_ids_are_base32hex_the_api_accepts(raw: bytes) -> None:
    event_id = core.new_event_id(raw)
    assert len(event_id) == 26 and core.is_valid_event_id(event_id)
    # the same bytes give the same id; different bytes a different one
    assert core.new_event_id(raw) == event_id
    assert int(event_id, 32) == int.from_bytes(raw, "big")


@pytest.mark.parametrize(
    "text, minutes",
    [("45m", 45), ("1h30m", 90), ("2h", 120), ("1d", 1440), ("90", 90), ("1w", 10080)],
)
def test_durations(text: str, minutes: int) -> None:
    assert writevalues.parse_duration(text) == datetime.timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "0m", "abc", "10x", "-5m", "1h-2m"])
def test_bad_durations_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        writevalues.parse_duration(text)


def test_reminders() -> None:
    assert writevalues.parse_reminder("10m") == {"method": "popup", "minutes": 10}
    assert writevalues.parse_reminder("email:1d") == {"method": "email", "minutes": 1440}
    for bad in ("sms:10m", "5w", "30s"):
        with pytest.raises(UsageError):
            writevalues.parse_reminder(bad)


def test_insert_body_keeps_the_wall_time_with_the_zone_name() -> None:
    changes = core.Changes(
        summary="Yoga",
        start=at(2026, 3, 23, 9, 0),
        duration=datetime.timedelta(minutes=45),
        repeat="weekly",
        count=10,
        free=True,
        reminders=[{"method": "popup", "minutes": 10}],
    )
    body = core.insert_body(changes, "abcde12345", BERLIN)
    assert body["id"] == "abcde12345"
    assert body["start"] == {"dateTime": "2026-03-23T09:00:00+01:00", "timeZone": "Europe/Berlin"}
    assert body["end"] == {"dateTime": "2026-03-23T09:45:00+01:00", "timeZone": "Europe/Berlin"}
    assert body["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=10"]
    assert body["transparency"] == "transparent"
    assert body["reminders"] == {
        "useDefault": False,
        "overrides": [{"method": "popup", "minutes": 10}],
    }


def test_all_day_end_is_the_last_day_inclusive() -> None:
    changes = core.Changes(
        summary="Offsite", start=at(2026, 12, 21), end=at(2026, 12, 22), all_day=True
    )
    body = core.insert_body(changes, "abcde12345", BERLIN)
    assert body["start"] == {"date": "2026-12-21"} and body["end"] == {"date": "2026-12-23"}
    one = core.insert_body(
        core.Changes(summary="x", start=at(2026, 12, 21), all_day=True), "i" * 5, BERLIN
    )
    assert one["end"] == {"date": "2026-12-22"}


def test_until_is_the_end_of_the_day_in_utc_for_timed_and_a_date_for_all_day() -> None:
    timed = repeatrule.recurrence_rule(
        "daily", until=datetime.date(2026, 7, 1), all_day=False, zone=BERLIN
    )
    assert timed == ["RRULE:FREQ=DAILY;UNTIL=20260701T215959Z"]
    allday = repeatrule.recurrence_rule(
        "FREQ=WEEKLY;BYDAY=MO,WE", until=datetime.date(2026, 7, 1), all_day=True, zone=BERLIN
    )
    assert allday == ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260701"]


@pytest.mark.parametrize(
    "repeat, extra",
    [("hourly-ish", {}), ("BYDAY=MO", {}), ("FREQ=DAILY;COUNT=3", {"count": 2})],
)
def test_bad_rules_are_usage_errors(repeat: str, extra: dict) -> None:
    with pytest.raises(UsageError):
        repeatrule.recurrence_rule(repeat, all_day=False, zone=BERLIN, **extra)


@given(
    freq=st.sampled_from(repeatrule.REPEATS),
    count=st.one_of(st.none(), st.integers(1, 50)),
    until=st.one_of(st.none(), st.dates(datetime.date(2026, 1, 1), datetime.date(2030, 1, 1))),
)
@settings(max_examples=40, deadline=None)
def test_every_rule_made_is_one_dateutil_reads(freq, count, until) -> None:
    if count is not None and until is not None:
        with pytest.raises(UsageError):
            repeatrule.recurrence_rule(freq, count=count, until=until, all_day=False, zone=BERLIN)
        return
    (line,) = repeatrule.recurrence_rule(freq, count=count, until=until, all_day=False, zone=BERLIN)
    rule = rrulestr(line[6:], dtstart=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))
    assert rule[0] is not None


def _event() -> dict:
    return {
        "id": "ev1",
        "etag": '"1"',
        "summary": "Sync",
        "start": {"dateTime": "2026-12-08T09:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-12-08T09:30:00+01:00", "timeZone": "Europe/Berlin"},
        "attendees": [
            {"email": "ada@example.com", "self": True, "responseStatus": "needsAction"},
            {"email": "bob@example.com", "responseStatus": "accepted", "comment": "hi"},
        ],
    }


def test_patch_names_only_what_was_given_and_moving_keeps_the_length() -> None:
    body = core.patch_body(_event(), core.Changes(start=at(2026, 12, 8, 14, 0)), BERLIN)
    assert set(body) == {"start", "end"}
    assert body["end"]["dateTime"] == "2026-12-08T14:30:00+01:00"
    assert core.patch_body(_event(), core.Changes(location="Room 5"), BERLIN) == {
        "location": "Room 5"
    }
    with pytest.raises(UsageError):
        core.patch_body(_event(), core.Changes(), BERLIN)


def test_attendee_edits_keep_the_other_guests_as_they_were() -> None:
    event = _event()
    body = core.patch_body(
        event,
        core.Changes(add_attendees=["grace@example.com"], remove_attendees=[]),
        BERLIN,
    )
    assert body["attendees"][:2] == event["attendees"]
    assert body["attendees"][2] == {"email": "grace@example.com"}
    removed = core.patch_body(event, core.Changes(remove_attendees=["BOB@example.com"]), BERLIN)
    assert removed["attendees"] == event["attendees"][:1]
    with pytest.raises(UsageError):
        core.patch_body(event, core.Changes(remove_attendees=["zed@example.com"]), BERLIN)


def test_guests_as_typed() -> None:
    from gcal.core.writevalues import parse_guest, parse_guests

    assert parse_guest("bob@example.com") == ("bob@example.com", None)
    assert parse_guest("Bob Smith <bob@example.com>") == ("bob@example.com", "Bob Smith")
    assert parse_guest('"Smith, Bob" <bob@example.com>') == ("bob@example.com", "Smith, Bob")
    assert parse_guest('"Bob \\"B\\" Jr" <b@example.com>') == ("b@example.com", 'Bob "B" Jr')
    assert parse_guest("<bob@example.com>") == ("bob@example.com", None)
    assert parse_guest("  Zoë   Ünal <zoe@example.com> ") == ("zoe@example.com", "Zoë Ünal")
    for bad in (
        "Bob",
        "Bob <bob>",
        "Bob <>",
        "Smith, Bob <bob@example.com>",
        "a@example.com, b@example.com",
        "Bob <bob@example.com>, Carol <c@example.com>",
        "Bob <<bob@example.com>>",
        '"Bob" bob@example.com',
        "Bob <bob@exa mple.com>",
        '"Bob\x1b[2J" <bob@example.com>',
    ):
        with pytest.raises(UsageError):
            parse_guest(bad)
    addresses, names = parse_guests(["Bob <BOB@example.com>", "dan@example.com"])
    assert addresses == ["BOB@example.com", "dan@example.com"]
    assert names == {"bob@example.com": "Bob"}
    event = _event()
    body = core.patch_body(
        event,
        core.Changes(
            add_attendees=["grace@example.com"],
            guest_names={"grace@example.com": "Grace", "bob@example.com": "Bob B."},
        ),
        BERLIN,
    )
    assert body["attendees"] == [
        event["attendees"][0],
        dict(event["attendees"][1], displayName="Bob B."),
        {"email": "grace@example.com", "displayName": "Grace"},
    ]
    assert event["attendees"][1].get("displayName") is None  # the event read is left alone


def test_revert_patch_puts_back_each_field_and_clears_new_ones() -> None:
    before = _event()
    patch = {"summary": "New", "location": "Room 5"}
    assert undoplan.revert_patch(before, patch) == {"summary": "Sync", "location": None}


@given(
    st.dictionaries(
        st.sampled_from(["summary", "location", "description", "colorId", "visibility"]),
        st.text(max_size=5),
        max_size=5,
    ),
    st.dictionaries(
        st.sampled_from(["summary", "location", "description", "colorId", "visibility"]),
        st.text(max_size=5),
        min_size=1,
        max_size=5,
    ),
)
@settings(max_examples=60, deadline=None)
def test_a_patch_then_its_revert_gives_back_the_event(before: dict, patch: dict) -> None:
    def apply(event: dict, change: dict) -> dict:
        result = dict(event)
        for key, value in change.items():
            if value is None:
                result.pop(key, None)
            else:
                result[key] = value
        return result

    assert apply(apply(before, patch), undoplan.revert_patch(before, patch)) == before


def test_rsvp_sends_only_my_entry_and_refuses_when_i_am_no_guest() -> None:
    event = _event()
    body, mine = core.rsvp_body(event, "accepted", "see you")
    assert body == {
        "attendeesOmitted": True,
        "attendees": [
            {"email": "ada@example.com", "responseStatus": "accepted", "comment": "see you"}
        ],
    }
    assert mine == event["attendees"][0]
    assert undoplan.restore_rsvp_body(mine)["attendees"][0]["responseStatus"] == "needsAction"
    with pytest.raises(UsageError):
        core.rsvp_body({"attendees": [{"email": "x@example.com"}]}, "accepted", None)
    for word, status in (("yes", "accepted"), ("no", "declined"), ("maybe", "tentative")):
        assert writevalues.response_status(word) == status
    with pytest.raises(UsageError):
        writevalues.response_status("perhaps")


def test_split_series_ends_the_old_one_before_the_instance_and_starts_a_new_one() -> None:
    master = {
        "id": "series",
        "etag": '"7"',
        "iCalUID": "series@google.com",
        "summary": "Standup",
        "start": {"dateTime": "2026-12-01T09:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-12-01T09:15:00+01:00", "timeZone": "Europe/Berlin"},
        "recurrence": [
            "RRULE:FREQ=DAILY;COUNT=10",
            "EXDATE;TZID=Europe/Berlin:20261202T090000,20261208T090000",
        ],
    }
    instance = {
        "id": "series_20261205T080000Z",
        "recurringEventId": "series",
        "originalStartTime": {"dateTime": "2026-12-05T09:00:00+01:00", "timeZone": "Europe/Berlin"},
        "start": {"dateTime": "2026-12-05T09:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-12-05T09:15:00+01:00", "timeZone": "Europe/Berlin"},
    }
    old, new = seriessplit.split_series(master, instance, "newseries1", before_count=3)
    assert old["recurrence"] == [
        "RRULE:FREQ=DAILY;UNTIL=20261205T075959Z",
        "EXDATE;TZID=Europe/Berlin:20261202T090000",
    ]
    assert new["id"] == "newseries1" and "iCalUID" not in new and "etag" not in new
    assert new["recurrence"] == [
        "RRULE:FREQ=DAILY;COUNT=7",
        "EXDATE;TZID=Europe/Berlin:20261208T090000",
    ]
    assert new["start"]["dateTime"] == "2026-12-05T09:00:00+01:00"


def _standup() -> dict:
    return {
        "id": "series",
        "summary": "Standup",
        "location": "Room 1",
        "start": {"dateTime": "2026-12-01T09:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-12-01T09:15:00+01:00", "timeZone": "Europe/Berlin"},
        "recurrence": ["RRULE:FREQ=DAILY;COUNT=10"],
    }


def _exception(day: int, **fields: object) -> dict:
    original = f"2026-12-{day:02d}T09:00:00+01:00"
    event = {
        "id": f"series_202612{day:02d}T080000Z",
        "recurringEventId": "series",
        "originalStartTime": {"dateTime": original, "timeZone": "Europe/Berlin"},
        "status": "confirmed",
        "summary": "Standup",
        "location": "Room 1",
        "start": {"dateTime": original, "timeZone": "Europe/Berlin"},
        "end": {"dateTime": original.replace("09:00", "09:15"), "timeZone": "Europe/Berlin"},
    }
    event.update(fields)
    return event


def test_later_exceptions_are_carried_to_the_new_series() -> None:
    master = _standup()
    instance = _exception(5)
    moved = _exception(
        6,
        location="Room 9",
        start={"dateTime": "2026-12-06T11:00:00+01:00"},
        end={"dateTime": "2026-12-06T11:30:00+01:00"},
    )
    cancelled = _exception(7, status="cancelled")
    earlier = _exception(3, summary="Earlier")
    _, new = seriessplit.split_series(master, instance, "newseries1", before_count=4)
    berlin = ZoneInfo("Europe/Berlin")
    carried = seriessplit.carried_exceptions(
        master, [cancelled, earlier, moved], new, instance["originalStartTime"], berlin
    )
    assert [(e["id"], target, patch) for e, target, patch in carried] == [
        (
            moved["id"],
            "newseries1_20261206T080000Z",
            {"location": "Room 9", "start": moved["start"], "end": moved["end"]},
        ),
        (cancelled["id"], "newseries1_20261207T080000Z", None),
    ]
    # the edit moves the series an hour later: the occurrences follow it, and the edit's own
    # times win over the exception's move; a field it sets wins over the exception's too
    new["start"] = {"dateTime": "2026-12-05T10:00:00+01:00", "timeZone": "Europe/Berlin"}
    new["end"] = {"dateTime": "2026-12-05T10:15:00+01:00", "timeZone": "Europe/Berlin"}
    carried = seriessplit.carried_exceptions(
        master,
        [moved, cancelled],
        new,
        instance["originalStartTime"],
        berlin,
        ["start", "end", "location"],
    )
    assert [(target, patch) for _, target, patch in carried] == [
        ("newseries1_20261206T090000Z", {}),
        ("newseries1_20261207T090000Z", None),
    ]
    # a new rule with no occurrence there: nowhere to go
    new["recurrence"] = ["RRULE:FREQ=WEEKLY;COUNT=3"]
    carried = seriessplit.carried_exceptions(
        master, [moved], new, instance["originalStartTime"], berlin
    )
    assert [target for _, target, _ in carried] == [None]


def test_carried_exceptions_of_an_all_day_series() -> None:
    master = {
        "id": "bins",
        "summary": "Bins",
        "start": {"date": "2026-12-04"},
        "end": {"date": "2026-12-05"},
        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=6"],
    }

    def occurrence(day: str, **fields: object) -> dict:
        return dict(
            {
                "id": "bins_" + day.replace("-", ""),
                "recurringEventId": "bins",
                "originalStartTime": {"date": day},
                "status": "confirmed",
                "summary": "Bins",
                "start": {"date": day},
                "end": {"date": day[:-2] + f"{int(day[-2:]) + 1:02d}"},
            },
            **fields,
        )

    instance = occurrence("2026-12-11")
    _, new = seriessplit.split_series(master, instance, "newbins", before_count=1)
    assert new["start"] == {"date": "2026-12-11"} and new["end"] == {"date": "2026-12-12"}
    renamed = occurrence("2026-12-18", summary="Bins and glass")
    carried = seriessplit.carried_exceptions(
        master, [renamed], new, instance["originalStartTime"], ZoneInfo("UTC")
    )
    assert [(t, p) for _, t, p in carried] == [("newbins_20261218", {"summary": "Bins and glass"})]


def test_undo_plans() -> None:
    before = _event()
    after = dict(before, etag='"2"', summary="New")
    assert undoplan.undo_steps(
        {"kind": "insert", "calendar_id": "c", "event_id": "ev1", "after": after}
    ) == [undoplan.Step("delete", "c", "ev1", etag='"2"', before=after)]
    (step,) = undoplan.undo_steps(
        {
            "kind": "patch",
            "calendar_id": "c",
            "event_id": "ev1",
            "before": before,
            "after": after,
            "request": {"summary": "New"},
        }
    )
    assert (step.method, step.body, step.etag) == ("patch", {"summary": "Sync"}, '"2"')
    exception = {"id": "ev1_x", "recurringEventId": "ev1", "status": "cancelled"}
    steps = undoplan.undo_steps(
        {
            "kind": "delete",
            "calendar_id": "c",
            "event_id": "ev1",
            "before": before,
            "related": [exception],
        }
    )
    assert [(s.method, s.event_id) for s in steps] == [("restore", "ev1"), ("restore", "ev1_x")]
    assert steps[0].body["status"] == "confirmed" and "etag" not in steps[0].body
    assert steps[1].body["status"] == "cancelled"  # a cancelled occurrence stays cancelled
    (back,) = undoplan.undo_steps(
        {"kind": "move", "calendar_id": "a", "event_id": "ev1", "destination": "b", "after": after}
    )
    assert (back.calendar_id, back.destination) == ("b", "a")


def test_a_start_naming_a_day_is_an_all_day_event_or_keeps_the_time_of_day():
    day = datetime.date(2026, 12, 11)
    added = core.insert_body(
        core.Changes(summary="x", start=at(2026, 12, 11), start_day=day), "abcde", BERLIN
    )
    assert added["start"] == {"date": "2026-12-11"} and added["end"] == {"date": "2026-12-12"}
    timed = core.insert_body(
        core.Changes(
            summary="x",
            start=at(2026, 12, 11),
            start_day=day,
            duration=datetime.timedelta(minutes=30),
        ),
        "abcde",
        BERLIN,
    )
    assert timed["start"]["dateTime"] == "2026-12-11T00:00:00+01:00"
    moved = core.patch_body(_event(), core.Changes(start=at(2026, 12, 11), start_day=day), BERLIN)
    assert moved["start"]["dateTime"] == "2026-12-11T09:00:00+01:00"
    assert moved["end"]["dateTime"] == "2026-12-11T09:30:00+01:00"


def test_until_or_count_alone_on_edit_ends_the_series_keeping_its_rule():
    series = dict(
        _event(), recurrence=["RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=12", "EXDATE:20261215T080000Z"]
    )
    body = core.patch_body(series, core.Changes(count=3), BERLIN)
    assert body == {"recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3", "EXDATE:20261215T080000Z"]}
    with pytest.raises(UsageError):
        core.patch_body(_event(), core.Changes(count=3), BERLIN)
