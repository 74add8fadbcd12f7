"""Review of the emulator against Google's reference pages for events.list/events.instances."""

from __future__ import annotations

from typing import Any, Dict, List

from conftest import build_service

NY = "America/New_York"


def _data(events: List[Dict[str, Any]], zone: str = NY) -> Dict[str, Any]:
    return {
        "calendars": [
            {
                "id": "me@example.com",
                "primary": True,
                "accessRole": "owner",
                "timeZone": zone,
                "events": events,
            }
        ]
    }


def test_instance_in_a_dst_gap_is_rendered_after_the_gap(emulator_factory) -> None:
    # RFC 5545 3.3.5: a local time in a DST gap takes the offset from before the gap, so
    # 02:30 on 2024-03-10 in New York is 07:30Z, which is written 03:30-04:00.
    series = {
        "id": "gap",
        "start": {"dateTime": "2024-03-03T02:30:00-05:00", "timeZone": NY},
        "end": {"dateTime": "2024-03-03T03:30:00-05:00", "timeZone": NY},
        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
    }
    service = build_service(emulator_factory(_data([series])))
    items = service.events().instances(calendarId="primary", eventId="gap").execute()["items"]
    spring = items[1]
    assert spring["id"] == "gap_20240310T073000Z"
    assert spring["start"] == {"dateTime": "2024-03-10T03:30:00-04:00", "timeZone": NY}
    assert spring["end"] == {"dateTime": "2024-03-10T04:30:00-04:00", "timeZone": NY}
    assert spring["originalStartTime"] == spring["start"]


def test_max_attendees_exceeded_returns_only_the_participant(emulator_factory) -> None:
    # "If there are more than the specified number of attendees, only the participant is
    # returned."
    people = [{"email": f"p{n}@example.com"} for n in range(4)]
    people.insert(2, {"email": "me@example.com", "self": True, "responseStatus": "accepted"})
    event = {
        "id": "big",
        "start": {"dateTime": "2024-01-01T10:00:00Z"},
        "end": {"dateTime": "2024-01-01T11:00:00Z"},
        "attendees": people,
    }
    service = build_service(emulator_factory(_data([event])))
    (cut,) = service.events().list(calendarId="primary", maxAttendees=3).execute()["items"]
    assert cut["attendees"] == [people[2]]
    assert cut["attendeesOmitted"] is True
    (full,) = service.events().list(calendarId="primary", maxAttendees=5).execute()["items"]
    assert full["attendees"] == people and "attendeesOmitted" not in full


def test_deleted_series_reaches_single_events_sync_as_cancelled_instances(emulator_factory) -> None:
    # syncToken: "All events deleted since the previous list request will always be in the
    # result set"; with singleEvents they come as single instances, not the underlying series.
    series = {
        "id": "standup",
        "start": {"dateTime": "2024-01-01T09:00:00-05:00", "timeZone": NY},
        "end": {"dateTime": "2024-01-01T09:15:00-05:00", "timeZone": NY},
        "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"],
    }
    emu = emulator_factory(_data([series]))
    service = build_service(emu)
    first = service.events().list(calendarId="primary", singleEvents=True).execute()
    assert len(first["items"]) == 3
    emu.delete_event("primary", "standup")
    changed = (
        service.events()
        .list(calendarId="primary", singleEvents=True, syncToken=first["nextSyncToken"])
        .execute()["items"]
    )
    assert [e["id"] for e in changed] == [e["id"] for e in first["items"]]
    assert {e["status"] for e in changed} == {"cancelled"}
    assert {e["recurringEventId"] for e in changed} == {"standup"}
    shown = service.events().list(calendarId="primary", singleEvents=True, showDeleted=True)
    assert [e["id"] for e in shown.execute()["items"]] == [e["id"] for e in changed]
    assert service.events().list(calendarId="primary", singleEvents=True).execute()["items"] == []
