"""events.get in the emulator: stored events, deleted ones, and instances by instance id."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from gcal.emulator import demo

FACTS = demo.demo_facts()


def test_get_a_stored_event_and_an_instance(service) -> None:
    events = service.events()
    assert events.get(calendarId="primary", eventId="dentist").execute()["id"] == "dentist"
    series = events.get(calendarId="primary", eventId=demo.SERIES_ID).execute()
    assert series["recurrence"]
    plain = FACTS["instance_ids"][0]
    inst = events.get(calendarId="primary", eventId=plain).execute()
    assert (inst["id"], inst["recurringEventId"]) == (plain, demo.SERIES_ID)
    moved = events.get(calendarId="primary", eventId=FACTS["moved_instance_id"]).execute()
    assert moved["start"]["dateTime"] == FACTS["moved_new_start"]
    got = events.get(calendarId="primary", eventId="dentist", fields="id").execute()
    assert got == {"id": "dentist"}


@pytest.mark.parametrize("event_id", ["nosuchevent", FACTS["exdate_instance_id"], "dentist_1"])
def test_get_unknown_is_404(service, event_id: str) -> None:
    with pytest.raises(HttpError) as info:
        service.events().get(calendarId="primary", eventId=event_id).execute()
    assert info.value.resp.status == 404
