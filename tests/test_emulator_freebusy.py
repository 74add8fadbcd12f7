"""The emulator's freebusy.query: busy blocks, groups, per-calendar errors and 400s, through
googleapiclient as any client would send them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict

import pytest

from conftest import build_service
from gcal.emulator import Emulator, demo


def _data() -> Dict[str, Any]:
    def ev(eid: str, start: str, end: str, **extra: Any) -> Dict[str, Any]:
        return {"id": eid, "start": {"dateTime": start}, "end": {"dateTime": end}, **extra}

    return {
        "user": {"email": "me@example.com"},
        "calendars": [
            {
                "id": "me@example.com",
                "primary": True,
                "accessRole": "owner",
                "timeZone": "Europe/Berlin",
                "events": [
                    ev("a", "2024-06-03T09:00:00+02:00", "2024-06-03T10:00:00+02:00"),
                    ev("b", "2024-06-03T10:00:00+02:00", "2024-06-03T10:30:00+02:00"),
                    ev("c", "2024-06-03T10:15:00+02:00", "2024-06-03T11:00:00+02:00"),
                    ev(
                        "free",
                        "2024-06-03T12:00:00+02:00",
                        "2024-06-03T13:00:00+02:00",
                        transparency="transparent",
                    ),
                    ev(
                        "gone",
                        "2024-06-03T14:00:00+02:00",
                        "2024-06-03T15:00:00+02:00",
                        status="cancelled",
                    ),
                    ev(
                        "declined",
                        "2024-06-03T16:00:00+02:00",
                        "2024-06-03T17:00:00+02:00",
                        attendees=[
                            {"email": "me@example.com", "self": True, "responseStatus": "declined"}
                        ],
                    ),
                    ev(
                        "daily",
                        "2024-06-01T08:00:00+02:00",
                        "2024-06-01T08:30:00+02:00",
                        recurrence=["RRULE:FREQ=DAILY;COUNT=5"],
                    ),
                    {
                        "id": "holiday",
                        "start": {"date": "2024-06-04"},
                        "end": {"date": "2024-06-05"},
                    },
                    ev("late", "2024-06-03T23:00:00+02:00", "2024-06-04T01:00:00+02:00"),
                ],
            },
            {
                "id": "colleague@example.com",
                "accessRole": "freeBusyReader",
                "timeZone": "UTC",
                "_inCalendarList": False,
                "events": [ev("x", "2024-06-03T07:00:00Z", "2024-06-03T08:00:00Z")],
            },
            {"id": "secret@example.com", "accessRole": "none", "_inCalendarList": False},
        ],
        "groups": [
            {"id": "pair@example.com", "members": ["me@example.com", "colleague@example.com"]},
            {"id": "crowd@example.com", "members": [f"p{i}@example.com" for i in range(30)]},
        ],
    }


@pytest.fixture
def fb(emulator_factory):
    emu: Emulator = emulator_factory(_data())
    service = build_service(emu)

    def query(*ids: str, **body: Any) -> Dict[str, Any]:
        body.setdefault("timeMin", "2024-06-03T00:00:00+02:00")
        body.setdefault("timeMax", "2024-06-04T00:00:00+02:00")
        body["items"] = [{"id": i} for i in ids]
        return service.freebusy().query(body=body).execute()

    query.service = service  # type: ignore[attr-defined]
    return query


def test_busy_blocks_merged_clipped_and_in_utc(fb) -> None:
    answer = fb("me@example.com")
    assert answer["kind"] == "calendar#freeBusy"
    assert answer["timeMin"] == "2024-06-02T22:00:00.000Z"
    assert answer["timeMax"] == "2024-06-03T22:00:00.000Z"
    assert answer["calendars"]["me@example.com"]["busy"] == [
        {"start": "2024-06-03T06:00:00Z", "end": "2024-06-03T06:30:00Z"},  # the series
        {"start": "2024-06-03T07:00:00Z", "end": "2024-06-03T09:00:00Z"},  # a+b+c merged
        {"start": "2024-06-03T21:00:00Z", "end": "2024-06-03T22:00:00Z"},  # clipped
    ]
    assert "errors" not in answer["calendars"]["me@example.com"]


def test_time_zone_of_the_response(fb) -> None:
    answer = fb("me@example.com", timeZone="Europe/Berlin")
    busy = answer["calendars"]["me@example.com"]["busy"]
    assert busy[1] == {"start": "2024-06-03T09:00:00+02:00", "end": "2024-06-03T11:00:00+02:00"}


def test_all_day_event_blocks_its_day_in_the_calendar_zone(fb) -> None:
    answer = fb(
        "me@example.com", timeMin="2024-06-04T00:00:00+02:00", timeMax="2024-06-05T00:00:00+02:00"
    )
    busy = answer["calendars"]["me@example.com"]["busy"]
    assert busy == [{"start": "2024-06-03T22:00:00Z", "end": "2024-06-04T22:00:00Z"}]


def test_not_found_and_invisible_calendars_are_per_calendar_errors(fb) -> None:
    answer = fb("nobody@example.com", "secret@example.com", "colleague@example.com")
    cals = answer["calendars"]
    for cid in ("nobody@example.com", "secret@example.com"):
        assert cals[cid] == {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
    assert cals["colleague@example.com"]["busy"] == [
        {"start": "2024-06-03T07:00:00Z", "end": "2024-06-03T08:00:00Z"}
    ]


def test_free_busy_only_calendar_is_not_listed_nor_readable(fb) -> None:
    from googleapiclient.errors import HttpError

    service = fb.service
    listed = [c["id"] for c in service.calendarList().list().execute()["items"]]
    assert listed == ["me@example.com"]
    with pytest.raises(HttpError) as caught:
        service.events().list(calendarId="colleague@example.com").execute()
    assert caught.value.resp.status == 404


def test_group_expansion_and_group_too_big(fb) -> None:
    answer = fb("pair@example.com", "crowd@example.com", groupExpansionMax=20)
    assert answer["groups"]["pair@example.com"] == {
        "calendars": ["me@example.com", "colleague@example.com"]
    }
    assert answer["groups"]["crowd@example.com"]["errors"] == [
        {"domain": "global", "reason": "groupTooBig"}
    ]
    assert set(answer["calendars"]) == {"me@example.com", "colleague@example.com"}
    answer = fb("crowd@example.com", groupExpansionMax=30)
    assert answer["groups"]["crowd@example.com"]["calendars"][0] == "p0@example.com"


def test_calendars_past_the_expansion_maximum(fb) -> None:
    ids = [f"c{i}@example.com" for i in range(5)]
    answer = fb(*ids, calendarExpansionMax=3)
    reasons = [answer["calendars"][i]["errors"][0]["reason"] for i in ids]
    assert reasons == ["notFound"] * 3 + ["tooManyCalendarsRequested"] * 2


@pytest.mark.parametrize(
    "body, status, reason",
    [
        ({"timeMin": None}, 400, "required"),
        ({"timeMax": None}, 400, "required"),
        ({"timeMax": "2024-06-03T00:00:00+02:00"}, 400, "timeRangeEmpty"),
        ({"timeMax": "2024-06-02T00:00:00+02:00"}, 400, "timeRangeEmpty"),
        ({"timeMin": "yesterday"}, 400, "badRequest"),
        ({"timeMax": "2024-09-02T00:00:00+02:00"}, 400, "timeRangeTooLong"),
        ({"timeZone": "Mars/Olympus"}, 400, "invalid"),
        ({"groupExpansionMax": 101}, 400, "invalid"),
        ({"groupExpansionMax": 0}, 400, "invalid"),
        ({"calendarExpansionMax": 51}, 400, "invalid"),
    ],
)
def test_bad_requests_are_400(fb, body, status, reason) -> None:
    from googleapiclient.errors import HttpError

    from gcal.google.api import google_error

    with pytest.raises(HttpError) as caught:
        fb("me@example.com", **{k: "" if v is None else v for k, v in body.items()})
    assert caught.value.resp.status == status
    assert google_error(caught.value.content)[0] == reason


def test_demo_colleagues_answer_for_the_demo_week(emulator) -> None:
    anchor = demo.default_anchor()
    start = datetime.combine(anchor, datetime.min.time(), tzinfo=timezone.utc)
    body = {
        "timeMin": start.isoformat(),
        "timeMax": (start + timedelta(days=7)).isoformat(),
        "items": [{"id": demo.GROUP_ID}, {"id": demo.ROOM_ID}],
    }
    answer = build_service(emulator).freebusy().query(body=body).execute()
    assert answer["groups"][demo.GROUP_ID]["calendars"] == [
        demo.PRIMARY_ID,
        demo.ALICE_ID,
        demo.BOB_ID,
    ]
    for cid in (demo.PRIMARY_ID, demo.ALICE_ID, demo.BOB_ID, demo.ROOM_ID):
        assert answer["calendars"][cid]["busy"], cid
