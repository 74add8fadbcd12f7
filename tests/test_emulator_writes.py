"""The emulator's event writes, through googleapiclient: Google's rules for each method."""

from __future__ import annotations

import copy
import json
from typing import Any, Dict

import pytest
from googleapiclient.errors import HttpError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import build_service
from gcal.emulator import Emulator

BERLIN = "Europe/Berlin"
CAL = "ada@example.com"


def series_data() -> Dict[str, Any]:
    """One owned calendar with a weekly series (5 Tuesdays from 2024-06-04 10:00 Berlin), a
    reader calendar and a free/busy calendar, all with fixed dates."""
    return {
        "user": {"email": CAL, "displayName": "Ada"},
        "calendars": [
            {
                "id": CAL,
                "summary": "Ada",
                "timeZone": BERLIN,
                "accessRole": "owner",
                "primary": True,
                "events": [
                    {
                        "id": "weekly",
                        "summary": "Weekly",
                        "start": {"dateTime": "2024-06-04T10:00:00+02:00", "timeZone": BERLIN},
                        "end": {"dateTime": "2024-06-04T10:30:00+02:00", "timeZone": BERLIN},
                        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=5"],
                    },
                    {
                        "id": "party",
                        "summary": "Party",
                        "start": {"dateTime": "2024-06-05T18:00:00+02:00"},
                        "end": {"dateTime": "2024-06-05T20:00:00+02:00"},
                        "organizer": {"email": "bob@example.com"},
                        "attendees": [
                            {
                                "email": "bob@example.com",
                                "organizer": True,
                                "responseStatus": "accepted",
                            },
                            {"email": CAL, "self": True, "responseStatus": "needsAction"},
                            {
                                "email": "cy@example.com",
                                "responseStatus": "declined",
                                "comment": "away",
                            },
                        ],
                    },
                ],
            },
            {"id": "team@example.com", "timeZone": BERLIN, "accessRole": "writer", "events": []},
            {"id": "reader@example.com", "timeZone": BERLIN, "accessRole": "reader", "events": []},
            {"id": "fb@example.com", "timeZone": BERLIN, "accessRole": "freeBusyReader"},
        ],
    }


@pytest.fixture
def emu(emulator_factory) -> Emulator:
    return emulator_factory(series_data())


@pytest.fixture
def rw(emu) -> Any:
    return build_service(emu, emu.issue_write_tokens()["access_token"])


def timed(day: str, start: str, end: str, **extra: Any) -> Dict[str, Any]:
    return {
        "start": {"dateTime": f"{day}T{start}:00", "timeZone": BERLIN},
        "end": {"dateTime": f"{day}T{end}:00", "timeZone": BERLIN},
        **extra,
    }


def error(excinfo) -> tuple:
    exc = excinfo.value
    return exc.status_code, exc.error_details[0]["reason"]


def with_if_match(request, etag: str):
    request.headers["If-Match"] = etag
    return request


# -- scopes -------------------------------------------------------------------------------


def test_read_only_token_cannot_write_but_reads(emu, rw):
    ro = build_service(emu)  # issue_tokens(): calendar.readonly
    body = timed("2024-06-10", "09:00", "10:00", summary="Dentist")
    calls = [
        ro.events().insert(calendarId=CAL, body=body),
        ro.events().patch(calendarId=CAL, eventId="party", body={"summary": "x"}),
        ro.events().update(calendarId=CAL, eventId="party", body=body),
        ro.events().delete(calendarId=CAL, eventId="party"),
        ro.events().quickAdd(calendarId=CAL, text="Lunch tomorrow noon"),
        ro.events().import_(calendarId=CAL, body={**body, "iCalUID": "x@y"}),
        ro.events().move(calendarId=CAL, eventId="party", destination="team@example.com"),
    ]
    before = rw.events().list(calendarId=CAL, showDeleted=True).execute()["items"]
    for call in calls:
        with pytest.raises(HttpError) as info:
            call.execute()
        assert error(info) == (403, "insufficientPermissions")
    assert ro.events().get(calendarId=CAL, eventId="party").execute()["summary"] == "Party"
    assert rw.events().list(calendarId=CAL, showDeleted=True).execute()["items"] == before


@pytest.mark.parametrize("scope", [Emulator.EVENTS_SCOPE, Emulator.CALENDAR_SCOPE])
def test_write_scopes_allow_writes(emu, scope):
    svc = build_service(emu, emu.issue_tokens([scope])["access_token"])
    made = svc.events().insert(calendarId=CAL, body=timed("2024-06-10", "09:00", "10:00")).execute()
    assert svc.events().get(calendarId=CAL, eventId=made["id"]).execute()["id"] == made["id"]


@pytest.mark.parametrize("cal", ["reader@example.com", "fb@example.com"])
def test_reader_calendar_refuses_writes(rw, cal):
    with pytest.raises(HttpError) as info:
        rw.events().insert(calendarId=cal, body=timed("2024-06-10", "09:00", "10:00")).execute()
    assert error(info) == (403, "requiredAccessLevel")
    with pytest.raises(HttpError) as info:
        rw.events().move(calendarId=CAL, eventId="party", destination=cal).execute()
    assert error(info) == (403, "requiredAccessLevel")


def test_writer_calendar_accepts_writes(rw):
    made = (
        rw.events()
        .insert(calendarId="team@example.com", body=timed("2024-06-10", "09:00", "10:00"))
        .execute()
    )
    assert made["organizer"]["email"] == "team@example.com"


# -- insert -------------------------------------------------------------------------------


def test_insert_fills_server_fields_and_keeps_a_client_id(rw):
    made = (
        rw.events()
        .insert(
            calendarId=CAL,
            body=timed("2024-06-10", "09:00", "10:00", id="dentist0001", summary="D"),
        )
        .execute()
    )
    assert made["id"] == "dentist0001"
    assert made["kind"] == "calendar#event" and made["status"] == "confirmed"
    assert made["etag"] and made["created"] == made["updated"] and made["sequence"] == 0
    assert made["iCalUID"] == "dentist0001@google.com"
    assert made["start"] == {"dateTime": "2024-06-10T09:00:00+02:00", "timeZone": BERLIN}
    assert made["creator"]["self"] and made["organizer"]["email"] == CAL
    assert rw.events().get(calendarId=CAL, eventId="dentist0001").execute() == made


def test_insert_generates_a_base32hex_id(rw):
    made = rw.events().insert(calendarId=CAL, body=timed("2024-06-10", "09:00", "10:00")).execute()
    assert set(made["id"]) <= set("0123456789abcdefghijklmnopqrstuv") and len(made["id"]) >= 5


@pytest.mark.parametrize("bad", ["abc", "UPPERCASE1", "has_underscore", "wxyz0123", "a" * 1025])
def test_insert_refuses_a_bad_id(rw, bad):
    with pytest.raises(HttpError) as info:
        rw.events().insert(
            calendarId=CAL, body=timed("2024-06-10", "09:00", "10:00", id=bad)
        ).execute()
    assert error(info) == (400, "invalid")


def test_duplicate_id_is_409_even_after_delete(rw):
    body = timed("2024-06-10", "09:00", "10:00", id="retr000001")
    rw.events().insert(calendarId=CAL, body=body).execute()
    with pytest.raises(HttpError) as info:
        rw.events().insert(calendarId=CAL, body=body).execute()
    assert error(info) == (409, "duplicate")
    rw.events().delete(calendarId=CAL, eventId="retr000001").execute()
    with pytest.raises(HttpError) as info:
        rw.events().insert(calendarId=CAL, body=body).execute()
    assert error(info) == (409, "duplicate")


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"start": {"dateTime": "2024-06-10T09:00:00+02:00"}}, "required"),
        (
            {
                "start": {"dateTime": "2024-06-10T10:00:00+02:00"},
                "end": {"dateTime": "2024-06-10T09:00:00+02:00"},
            },
            "timeRangeEmpty",
        ),
        (
            {"start": {"date": "2024-06-10"}, "end": {"dateTime": "2024-06-10T09:00:00Z"}},
            "badRequest",
        ),
        (
            {
                "start": {"dateTime": "2024-06-10T09:00:00"},
                "end": {"dateTime": "2024-06-10T10:00:00"},
            },
            "required",
        ),
        (
            {
                "start": {"dateTime": "2024-06-10T09:00:00Z"},
                "end": {"dateTime": "2024-06-10T10:00:00Z"},
                "recurrence": ["RRULE:FREQ=DAILY"],
            },
            "required",
        ),
    ],
)
def test_insert_refuses_bad_times(rw, body, reason):
    with pytest.raises(HttpError) as info:
        rw.events().insert(calendarId=CAL, body=body).execute()
    assert error(info) == (400, reason)


def test_send_updates_is_validated(rw):
    body = timed("2024-06-10", "09:00", "10:00")
    for value in ("all", "externalOnly", "none"):
        rw.events().insert(calendarId=CAL, body=body, sendUpdates=value).execute()
    request = rw.events().insert(calendarId=CAL, body=body)
    request.uri += "&sendUpdates=everyone"
    with pytest.raises(HttpError) as info:
        request.execute()
    assert error(info) == (400, "invalid")


def test_meet_link_needs_conference_data_version_1(rw):
    body = timed(
        "2024-06-10",
        "09:00",
        "10:00",
        conferenceData={
            "createRequest": {"requestId": "r1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}
        },
    )
    plain = rw.events().insert(calendarId=CAL, body=body).execute()
    assert "conferenceData" not in plain and "hangoutLink" not in plain
    meet = rw.events().insert(calendarId=CAL, body=body, conferenceDataVersion=1).execute()
    assert meet["hangoutLink"].startswith("https://meet.google.com/")
    assert meet["conferenceData"]["createRequest"]["status"]["statusCode"] == "success"
    assert meet["conferenceData"]["entryPoints"][0]["uri"] == meet["hangoutLink"]


# -- patch / update / etags / If-Match -----------------------------------------------------


def test_patch_changes_etag_updated_and_sequence_only_on_time_change(rw):
    made = (
        rw.events()
        .insert(calendarId=CAL, body=timed("2024-06-10", "09:00", "10:00", summary="A"))
        .execute()
    )
    p1 = rw.events().patch(calendarId=CAL, eventId=made["id"], body={"summary": "B"}).execute()
    assert p1["summary"] == "B" and p1["start"] == made["start"]
    assert p1["etag"] != made["etag"] and p1["updated"] > made["updated"]
    assert p1["sequence"] == 0 and p1["created"] == made["created"]
    p2 = (
        rw.events()
        .patch(calendarId=CAL, eventId=made["id"], body=timed("2024-06-10", "11:00", "12:00"))
        .execute()
    )
    assert p2["sequence"] == 1 and p2["summary"] == "B" and p2["etag"] != p1["etag"]
    p3 = rw.events().patch(calendarId=CAL, eventId=made["id"], body={"location": None}).execute()
    assert p3["sequence"] == 1


def test_patch_merges_objects_and_null_clears(rw):
    made = (
        rw.events()
        .insert(
            calendarId=CAL,
            body=timed(
                "2024-06-10",
                "09:00",
                "10:00",
                location="Room",
                extendedProperties={"private": {"a": "1", "b": "2"}},
            ),
        )
        .execute()
    )
    out = (
        rw.events()
        .patch(
            calendarId=CAL,
            eventId=made["id"],
            body={"location": None, "extendedProperties": {"private": {"b": "3"}}},
        )
        .execute()
    )
    assert "location" not in out
    assert out["extendedProperties"] == {"private": {"a": "1", "b": "3"}}


def test_update_replaces_the_resource_but_keeps_identity(rw):
    made = (
        rw.events()
        .insert(
            calendarId=CAL, body=timed("2024-06-10", "09:00", "10:00", summary="A", location="L")
        )
        .execute()
    )
    out = (
        rw.events()
        .update(
            calendarId=CAL,
            eventId=made["id"],
            body=timed("2024-06-10", "09:00", "10:00", summary="Z"),
        )
        .execute()
    )
    assert out["summary"] == "Z" and "location" not in out
    assert out["id"] == made["id"] and out["iCalUID"] == made["iCalUID"]
    assert out["created"] == made["created"] and out["sequence"] == 0
    with pytest.raises(HttpError) as info:
        rw.events().update(
            calendarId=CAL, eventId=made["id"], body={"summary": "no times"}
        ).execute()
    assert error(info) == (400, "required")


def test_stale_if_match_is_412_and_changes_nothing(rw):
    made = (
        rw.events()
        .insert(calendarId=CAL, body=timed("2024-06-10", "09:00", "10:00", summary="A"))
        .execute()
    )
    fresh = rw.events().patch(calendarId=CAL, eventId=made["id"], body={"summary": "B"}).execute()
    stale = made["etag"]
    calls = [
        rw.events().patch(calendarId=CAL, eventId=made["id"], body={"summary": "C"}),
        rw.events().update(
            calendarId=CAL, eventId=made["id"], body=timed("2024-06-10", "09:00", "10:00")
        ),
        rw.events().delete(calendarId=CAL, eventId=made["id"]),
        rw.events().get(calendarId=CAL, eventId=made["id"]),
        rw.events().move(calendarId=CAL, eventId=made["id"], destination="team@example.com"),
    ]
    for call in calls:
        with pytest.raises(HttpError) as info:
            with_if_match(call, stale).execute()
        assert error(info) == (412, "conditionNotMet")
    assert rw.events().get(calendarId=CAL, eventId=made["id"]).execute() == fresh
    # the current etag goes through
    out = with_if_match(
        rw.events().patch(calendarId=CAL, eventId=made["id"], body={"summary": "C"}), fresh["etag"]
    ).execute()
    assert out["summary"] == "C"
    with_if_match(rw.events().delete(calendarId=CAL, eventId=made["id"]), out["etag"]).execute()


def test_patch_unknown_event_is_404(rw):
    with pytest.raises(HttpError) as info:
        rw.events().patch(calendarId=CAL, eventId="nosuchevent", body={"summary": "x"}).execute()
    assert error(info) == (404, "notFound")


# -- delete -------------------------------------------------------------------------------


def test_delete_keeps_a_cancelled_event_sync_sees_it(rw):
    made = rw.events().insert(calendarId=CAL, body=timed("2024-06-10", "09:00", "10:00")).execute()
    first = rw.events().list(calendarId=CAL).execute()
    assert rw.events().delete(calendarId=CAL, eventId=made["id"]).execute() == ""
    got = rw.events().get(calendarId=CAL, eventId=made["id"]).execute()
    assert got["status"] == "cancelled" and got["etag"] != made["etag"]
    assert made["id"] not in [e["id"] for e in rw.events().list(calendarId=CAL).execute()["items"]]
    shown = rw.events().list(calendarId=CAL, showDeleted=True).execute()["items"]
    assert [e["status"] for e in shown if e["id"] == made["id"]] == ["cancelled"]
    changes = rw.events().list(calendarId=CAL, syncToken=first["nextSyncToken"]).execute()["items"]
    assert [(e["id"], e["status"]) for e in changes] == [(made["id"], "cancelled")]
    with pytest.raises(HttpError) as info:
        rw.events().delete(calendarId=CAL, eventId=made["id"]).execute()
    assert error(info) == (410, "deleted")


def test_a_deleted_event_comes_back_by_patching_its_status(rw):
    made = (
        rw.events()
        .insert(calendarId=CAL, body=timed("2024-06-10", "09:00", "10:00", summary="S"))
        .execute()
    )
    rw.events().delete(calendarId=CAL, eventId=made["id"]).execute()
    back = (
        rw.events()
        .patch(calendarId=CAL, eventId=made["id"], body={"status": "confirmed"})
        .execute()
    )
    assert back["status"] == "confirmed" and back["summary"] == "S"


# -- recurring events ---------------------------------------------------------------------


def instances(rw, **kw) -> list:
    return rw.events().instances(calendarId=CAL, eventId="weekly", **kw).execute()["items"]


def test_patching_an_instance_stores_an_exception(rw):
    iid = "weekly_20240611T080000Z"
    out = (
        rw.events()
        .patch(
            calendarId=CAL,
            eventId=iid,
            body={"summary": "Moved", **timed("2024-06-12", "14:00", "14:30")},
        )
        .execute()
    )
    assert out["id"] == iid and out["recurringEventId"] == "weekly"
    assert out["originalStartTime"]["dateTime"] == "2024-06-11T10:00:00+02:00"
    assert out["summary"] == "Moved"
    listed = (
        rw.events().list(calendarId=CAL, singleEvents=True, orderBy="startTime").execute()["items"]
    )
    weekly = [e for e in listed if e.get("recurringEventId") == "weekly"]
    assert len(weekly) == 5
    assert (
        next(e for e in weekly if e["id"] == iid)["start"]["dateTime"]
        == "2024-06-12T14:00:00+02:00"
    )
    assert [e["summary"] for e in instances(rw)].count("Moved") == 1
    assert rw.events().get(calendarId=CAL, eventId=iid).execute() == out
    # the series itself is untouched
    assert rw.events().get(calendarId=CAL, eventId="weekly").execute()["summary"] == "Weekly"
    # the exception can be edited again by its id
    again = (
        rw.events().patch(calendarId=CAL, eventId=iid, body={"summary": "Moved twice"}).execute()
    )
    assert again["start"] == out["start"] and again["etag"] != out["etag"]


def test_deleting_an_instance_removes_one_occurrence(rw):
    rw.events().delete(calendarId=CAL, eventId="weekly_20240618T080000Z").execute()
    ids = [e["id"] for e in instances(rw)]
    assert len(ids) == 4 and "weekly_20240618T080000Z" not in ids
    cancelled = [e for e in instances(rw, showDeleted=True) if e["status"] == "cancelled"]
    assert [e["id"] for e in cancelled] == ["weekly_20240618T080000Z"]
    with pytest.raises(HttpError) as info:
        rw.events().delete(calendarId=CAL, eventId="weekly_20240618T080000Z").execute()
    assert error(info) == (410, "deleted")
    with pytest.raises(HttpError) as info:
        rw.events().delete(calendarId=CAL, eventId="weekly_20240619T080000Z").execute()
    assert error(info) == (404, "notFound")


def test_deleting_a_series_cancels_it_and_its_exceptions(rw):
    rw.events().patch(
        calendarId=CAL, eventId="weekly_20240611T080000Z", body={"summary": "X"}
    ).execute()
    rw.events().delete(calendarId=CAL, eventId="weekly").execute()
    with pytest.raises(HttpError) as info:
        instances(rw)
    assert error(info) == (410, "deleted")
    listed = rw.events().list(calendarId=CAL).execute()["items"]
    assert [e["id"] for e in listed if e["status"] != "cancelled"] == ["party"]
    single = rw.events().list(calendarId=CAL, singleEvents=True).execute()["items"]
    assert [e["id"] for e in single] == ["party"]


def test_patching_a_series_changes_every_generated_instance(rw):
    out = rw.events().patch(calendarId=CAL, eventId="weekly", body={"summary": "Renamed"}).execute()
    assert out["sequence"] == 0
    assert {e["summary"] for e in instances(rw)} == {"Renamed"}


# -- attendeesOmitted ---------------------------------------------------------------------


def test_attendees_omitted_updates_only_my_response(emu, rw):
    before = rw.events().get(calendarId=CAL, eventId="party").execute()
    out = (
        rw.events()
        .patch(
            calendarId=CAL,
            eventId="party",
            body={
                "attendeesOmitted": True,
                "attendees": [{"email": CAL, "responseStatus": "accepted", "comment": "Coming!"}],
            },
        )
        .execute()
    )
    mine = [a for a in out["attendees"] if a.get("self")]
    assert mine == [
        {"email": CAL, "self": True, "responseStatus": "accepted", "comment": "Coming!"}
    ]
    others = [a for a in out["attendees"] if not a.get("self")]
    assert others == [a for a in before["attendees"] if not a.get("self")]
    assert "attendeesOmitted" not in out
    assert out["organizer"] == before["organizer"]


def test_without_attendees_omitted_the_list_is_replaced(rw):
    out = (
        rw.events()
        .patch(
            calendarId=CAL,
            eventId="party",
            body={"attendees": [{"email": CAL, "responseStatus": "accepted"}]},
        )
        .execute()
    )
    assert [a["email"] for a in out["attendees"]] == [CAL]


# -- quickAdd -----------------------------------------------------------------------------


def test_quick_add_parses_title_day_and_time(emu, rw, monkeypatch):
    monkeypatch.setenv("GCAL_EMULATOR_NOW", "2024-06-03T08:00:00Z")  # a Monday
    out = rw.events().quickAdd(calendarId=CAL, text="Lunch with Ana tomorrow 12:30").execute()
    assert out["summary"] == "Lunch with Ana"
    assert out["start"]["dateTime"] == "2024-06-04T12:30:00+02:00"
    assert out["end"]["dateTime"] == "2024-06-04T13:30:00+02:00"
    out = rw.events().quickAdd(calendarId=CAL, text="Review fri 2pm-3:30pm").execute()
    assert (out["summary"], out["start"]["dateTime"], out["end"]["dateTime"]) == (
        "Review",
        "2024-06-07T14:00:00+02:00",
        "2024-06-07T15:30:00+02:00",
    )
    out = (
        rw.events()
        .quickAdd(calendarId=CAL, text="Lunch with Grace tomorrow 12:30 at Café Einstein")
        .execute()
    )
    assert (out["summary"], out["location"]) == ("Lunch with Grace", "Café Einstein")
    assert out["start"]["dateTime"] == "2024-06-04T12:30:00+02:00"
    out = rw.events().quickAdd(calendarId=CAL, text="Holiday dec 25").execute()
    assert out["start"] == {"date": "2024-12-25"} and out["summary"] == "Holiday"
    with pytest.raises(HttpError) as info:
        rw.events().quickAdd(calendarId=CAL, text=" ").execute()
    assert error(info)[0] == 400


# -- import -------------------------------------------------------------------------------


def test_import_is_keyed_by_ical_uid(rw):
    body = timed("2024-06-20", "09:00", "10:00", iCalUID="abc-123@example.org", summary="Imp")
    first = rw.events().import_(calendarId=CAL, body=body).execute()
    again = rw.events().import_(calendarId=CAL, body={**body, "summary": "Imp 2"}).execute()
    assert again["id"] == first["id"] and again["summary"] == "Imp 2"
    found = rw.events().list(calendarId=CAL, iCalUID="abc-123@example.org").execute()["items"]
    assert len(found) == 1
    with pytest.raises(HttpError) as info:
        rw.events().import_(calendarId=CAL, body=timed("2024-06-20", "09:00", "10:00")).execute()
    assert error(info)[0] == 400


def test_import_of_an_override_becomes_an_exception(rw):
    series = {
        **timed("2024-07-01", "09:00", "09:30"),
        "iCalUID": "series-1@example.org",
        "summary": "Standup",
        "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"],
    }
    master = rw.events().import_(calendarId=CAL, body=series).execute()
    override = {
        **timed("2024-07-02", "11:00", "11:30"),
        "iCalUID": "series-1@example.org",
        "summary": "Late standup",
        "originalStartTime": {"dateTime": "2024-07-02T09:00:00", "timeZone": BERLIN},
    }
    exc = rw.events().import_(calendarId=CAL, body=override).execute()
    assert exc["recurringEventId"] == master["id"]
    assert exc["id"] == master["id"] + "_20240702T070000Z"
    again = rw.events().import_(calendarId=CAL, body=override).execute()
    assert again["id"] == exc["id"]
    got = rw.events().instances(calendarId=CAL, eventId=master["id"]).execute()["items"]
    assert [e["summary"] for e in got] == ["Standup", "Late standup", "Standup"]


# -- move ---------------------------------------------------------------------------------


def test_move_keeps_the_id_and_leaves_a_cancelled_copy(rw):
    made = rw.events().insert(calendarId=CAL, body=timed("2024-06-10", "09:00", "10:00")).execute()
    moved = (
        rw.events()
        .move(calendarId=CAL, eventId=made["id"], destination="team@example.com")
        .execute()
    )
    assert moved["id"] == made["id"] and moved["organizer"]["email"] == "team@example.com"
    assert (
        rw.events().get(calendarId="team@example.com", eventId=made["id"]).execute()["status"]
        == "confirmed"
    )
    assert rw.events().get(calendarId=CAL, eventId=made["id"]).execute()["status"] == "cancelled"
    with pytest.raises(HttpError) as info:
        rw.events().move(
            calendarId=CAL, eventId="weekly_20240611T080000Z", destination="team@example.com"
        ).execute()
    assert error(info)[0] == 400


# -- OAuth: incremental authorization and granular consent -----------------------------------


def _login(emu, scope: str, **extra: str) -> str:
    """The scope the authorization endpoint grants (its redirect's `scope`)."""
    import http.client
    import urllib.parse

    params = {
        "client_id": emu.client_id,
        "redirect_uri": "http://localhost:8080/",
        "response_type": "code",
        "scope": scope,
        "code_challenge": "x" * 43,
        "code_challenge_method": "plain",
        **extra,
    }
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    conn.request("GET", "/o/oauth2/auth?" + urllib.parse.urlencode(params))
    resp = conn.getresponse()
    resp.read()
    location = resp.getheader("Location")
    conn.close()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    return query.get("scope", [""])[0] or "error=" + query.get("error", [""])[0]


def test_include_granted_scopes_gives_the_union(emu):
    assert _login(emu, Emulator.READONLY_SCOPE) == Emulator.READONLY_SCOPE
    plain = _login(emu, Emulator.EVENTS_SCOPE)
    assert plain == Emulator.EVENTS_SCOPE
    union = _login(emu, Emulator.EVENTS_SCOPE, include_granted_scopes="true")
    assert set(union.split()) == {Emulator.READONLY_SCOPE, Emulator.EVENTS_SCOPE}


def test_user_can_untick_the_write_scope(emu):
    _login(emu, Emulator.READONLY_SCOPE)
    emu.withheld_scopes = {Emulator.EVENTS_SCOPE}
    got = _login(emu, Emulator.EVENTS_SCOPE, include_granted_scopes="true")
    assert got == Emulator.READONLY_SCOPE
    assert _login(emu, Emulator.EVENTS_SCOPE) == "error=access_denied"


def test_writes_do_not_leak_into_other_emulators(emulator_factory):
    one = emulator_factory(copy.deepcopy(series_data()))
    two = emulator_factory(copy.deepcopy(series_data()))
    svc = build_service(one, one.issue_write_tokens()["access_token"])
    svc.events().delete(calendarId=CAL, eventId="party").execute()
    other = build_service(two)
    assert other.events().get(calendarId=CAL, eventId="party").execute()["status"] == "confirmed"


def test_update_of_an_instance_stores_an_exception(rw):
    iid = "weekly_20240625T080000Z"
    got = rw.events().get(calendarId=CAL, eventId=iid).execute()
    got["summary"] = "Replaced"
    out = rw.events().update(calendarId=CAL, eventId=iid, body=got).execute()
    assert out["recurringEventId"] == "weekly" and out["summary"] == "Replaced"
    assert out["originalStartTime"] == got["originalStartTime"]
    assert [e["summary"] for e in instances(rw)].count("Replaced") == 1


def test_if_match_star_and_the_instance_etag(rw):
    iid = "weekly_20240604T080000Z"
    got = rw.events().get(calendarId=CAL, eventId=iid).execute()
    out = with_if_match(
        rw.events().patch(calendarId=CAL, eventId=iid, body={"summary": "A"}), got["etag"]
    ).execute()
    out = with_if_match(
        rw.events().patch(calendarId=CAL, eventId=iid, body={"summary": "B"}), "*"
    ).execute()
    assert out["summary"] == "B"


def test_reader_calendar_refuses_changes_to_its_events(emulator):
    svc = build_service(emulator, emulator.issue_write_tokens()["access_token"])
    reader = "tokyo.office@group.calendar.google.com"
    for call in (
        svc.events().patch(calendarId=reader, eventId="tokyo-sync", body={"summary": "x"}),
        svc.events().delete(calendarId=reader, eventId="tokyo-sync"),
        svc.events().quickAdd(calendarId=reader, text="Lunch noon"),
    ):
        with pytest.raises(HttpError) as info:
            call.execute()
        assert error(info) == (403, "requiredAccessLevel")


def test_the_demo_account_is_writable(emulator):
    svc = build_service(emulator, emulator.issue_write_tokens()["access_token"])
    out = (
        svc.events()
        .patch(
            calendarId="primary",
            eventId="allhands",
            body={
                "attendeesOmitted": True,
                "attendees": [{"email": "ada@example.com", "responseStatus": "declined"}],
            },
        )
        .execute()
    )
    mine = [a for a in out["attendees"] if a.get("self")]
    assert [a["responseStatus"] for a in mine] == ["declined"] and len(out["attendees"]) == 30


def test_attendees_omitted_with_update(rw):
    got = rw.events().get(calendarId=CAL, eventId="party").execute()
    body = dict(
        got, attendeesOmitted=True, attendees=[{"email": CAL, "responseStatus": "tentative"}]
    )
    out = rw.events().update(calendarId=CAL, eventId="party", body=body).execute()
    assert [a["responseStatus"] for a in out["attendees"]] == ["accepted", "tentative", "declined"]
    assert out["attendees"][2] == got["attendees"][2]


def test_the_control_endpoint_unticks_scopes(emu):
    import urllib.request

    request = urllib.request.Request(
        emu.base_url + "_emulator/consent",
        data=json.dumps({"withheld_scopes": [Emulator.EVENTS_SCOPE]}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as resp:
        assert resp.status == 200
    assert emu.withheld_scopes == {Emulator.EVENTS_SCOPE}
    assert _login(emu, f"{Emulator.READONLY_SCOPE} {Emulator.EVENTS_SCOPE}") == (
        Emulator.READONLY_SCOPE
    )


OPS = st.lists(
    st.sampled_from(["title", "later", "same-time", "delete", "restore", "instance"]),
    min_size=1,
    max_size=8,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_every_write_gives_a_new_etag_and_sequence_counts_time_changes(ops):
    with Emulator(series_data()) as emu:
        svc = build_service(emu, emu.issue_write_tokens()["access_token"])
        ev = (
            svc.events()
            .insert(calendarId=CAL, body=timed("2024-06-10", "09:00", "10:00"))
            .execute()
        )
        etags, stamps, hour = {ev["etag"]}, [ev["updated"]], 9
        sequence = 0
        for n, op in enumerate(ops):
            eid = ev["id"]
            if op == "instance":
                eid = "weekly_20240611T080000Z"
                out = (
                    svc.events()
                    .patch(calendarId=CAL, eventId=eid, body={"summary": str(n)})
                    .execute()
                )
                assert out["etag"] not in etags and out["recurringEventId"] == "weekly"
                etags.add(out["etag"])
                continue
            if op == "delete" and ev["status"] != "cancelled":
                svc.events().delete(calendarId=CAL, eventId=eid).execute()
                out = svc.events().get(calendarId=CAL, eventId=eid).execute()
            elif op == "restore" or (op == "delete" and ev["status"] == "cancelled"):
                out = (
                    svc.events()
                    .patch(calendarId=CAL, eventId=eid, body={"status": "confirmed"})
                    .execute()
                )
            elif op == "later":
                hour = hour % 20 + 1
                body = timed("2024-06-10", f"{hour:02d}:00", f"{hour + 1:02d}:00")
                out = svc.events().patch(calendarId=CAL, eventId=eid, body=body).execute()
                sequence += 1
            elif op == "same-time":
                body = timed("2024-06-10", f"{hour:02d}:00", f"{hour + 1:02d}:00")
                out = svc.events().patch(calendarId=CAL, eventId=eid, body=body).execute()
            else:
                out = (
                    svc.events()
                    .patch(calendarId=CAL, eventId=eid, body={"summary": str(n)})
                    .execute()
                )
            assert out["etag"] not in etags
            assert out["updated"] > stamps[-1]
            assert out["sequence"] == sequence
            etags.add(out["etag"])
            stamps.append(out["updated"])
            ev = out


# -- the organizer's shared properties -----------------------------------------------------


def test_shared_properties_are_the_organizers(emu, rw):
    """The errors guide's 403 forbiddenForNonOrganizer: a copy that is not the organizer's may
    not set guestsCanModify, guestsCanInviteOthers or guestsCanSeeOtherGuests to another value
    than the event has; sending the current value, or leaving them out, is fine."""
    emu.update_event(CAL, "party", guestsCanInviteOthers=False)
    before = rw.events().get(calendarId=CAL, eventId="party").execute()
    for body in (
        {"guestsCanModify": True},
        {"guestsCanInviteOthers": True},
        {"guestsCanSeeOtherGuests": False},
        {"guestsCanInviteOthers": None},  # null: back to the default (true), a change too
        {"summary": "Mine", "guestsCanModify": True},
    ):
        with pytest.raises(HttpError) as excinfo:
            rw.events().patch(calendarId=CAL, eventId="party", body=body).execute()
        assert error(excinfo) == (403, "forbiddenForNonOrganizer"), body
        assert excinfo.value.error_details[0]["domain"] == "calendar"
    assert rw.events().get(calendarId=CAL, eventId="party").execute() == before  # nothing changed
    with pytest.raises(HttpError) as excinfo:
        rw.events().update(
            calendarId=CAL, eventId="party", body=dict(before, guestsCanSeeOtherGuests=False)
        ).execute()
    assert error(excinfo) == (403, "forbiddenForNonOrganizer")
    # the values it has (defaults included), or none at all: accepted, and kept
    same = {"guestsCanModify": False, "guestsCanInviteOthers": False, "summary": "Party!"}
    out = rw.events().patch(calendarId=CAL, eventId="party", body=same).execute()
    assert out["summary"] == "Party!" and out["guestsCanInviteOthers"] is False
    replaced = {k: v for k, v in out.items() if not k.startswith("guestsCan")}
    out = rw.events().update(calendarId=CAL, eventId="party", body=replaced).execute()
    assert out["guestsCanInviteOthers"] is False  # left out of an update: stays
    # the organizer's own copy sets them freely
    mine = rw.events().patch(calendarId=CAL, eventId="weekly", body={"guestsCanModify": True})
    assert mine.execute()["guestsCanModify"] is True
