"""The demo account in the emulator's JSON data format (`build_demo_data`): the calendars with
their events, the colleagues and room readable only through freeBusy, and the group.

Separate from `gcal.emulator.demo`, which names the account (ids, the anchor, `demo_facts`) for
the many tests that need only the names, not the data.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from gcal.emulator import clock
from gcal.emulator.demo import (
    ALICE_ID,
    BOB_ID,
    DELETED_ID,
    FREEBUSY_ID,
    GROUP_ID,
    HIDDEN_ID,
    PRIMARY_ID,
    READER_ID,
    ROOM_ID,
    USER_EMAIL,
    UTC,
    WRITER_ID,
    default_anchor,
    wall_time,
)
from gcal.emulator.demonow import five_minute_step, now_events
from gcal.emulator.demoprimary import primary_events
from gcal.emulator.demoshapes import allday, calendar, stamp_before, timed


def demo_moment(
    anchor: Optional[date] = None, now: Optional[datetime] = None
) -> Tuple[date, datetime]:
    """What `build_demo_data(anchor, now)` depends on: the anchor Monday and the five-minute
    step its events around now are placed by. The same pair gives the same data, so the
    emulator builds the demo world once per pair and copies it (`Emulator`)."""
    if anchor is None and now is None and clock.pinned() is None:
        now = clock.now()
    anchor = anchor or default_anchor()
    if now is None:
        now = datetime.combine(anchor, time(12), UTC)
    return anchor, five_minute_step(now)


def build_demo_data(
    anchor: Optional[date] = None, now: Optional[datetime] = None
) -> Dict[str, Any]:
    """The demo account in the emulator's JSON data format. A few events are placed around
    `now`: by default the real clock; with an `anchor`, or the emulator's clock pinned
    (`GCAL_EMULATOR_NOW`), 12:00 UTC on the anchor's Monday, so that the data stays a function
    of the week (a store synced at one pinned instant answers as the API at another)."""
    anchor, now = demo_moment(anchor, now)
    around_now = now_events(now, anchor)
    la, tokyo, london = (
        ZoneInfo(z) for z in ("America/Los_Angeles", "Asia/Tokyo", "Europe/London")
    )
    primary = calendar(
        PRIMARY_ID,
        "Ada Lovelace",
        "Europe/Berlin",
        "owner",
        primary=True,
        backgroundColor="#16a765",
        colorId="8",
        defaultReminders=[{"method": "popup", "minutes": 10}],
        notificationSettings={"notifications": [{"type": "eventCreation", "method": "email"}]},
    )
    primary["events"] = primary_events(anchor) + around_now[PRIMARY_ID]
    writer = calendar(
        WRITER_ID,
        "Engineering",
        "America/Los_Angeles",
        "writer",
        description="Team calendar of the engineering group",
        backgroundColor="#7bd148",
        defaultReminders=[{"method": "popup", "minutes": 15}],
    )
    writer["events"] = [
        {
            "id": "sprintplanning",
            "summary": "Sprint planning",
            **timed(wall_time(anchor, -14, 9, 0, la), 90, "America/Los_Angeles"),
            "recurrence": ["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=8"],
            "created": stamp_before(anchor, 60),
            "updated": stamp_before(anchor, 60),
        },
        {
            "id": "releaseparty",
            "summary": "Release party 🎉",
            "location": "Mission St",
            **timed(wall_time(anchor, 4, 17, 0, la), 120),
            "created": stamp_before(anchor, 20),
            "updated": stamp_before(anchor, 20),
        },
        {
            "id": "perfreviews",
            "summary": "Performance reviews",
            "visibility": "private",
            **timed(wall_time(anchor, 2, 10, 0, la), 60),
            "created": stamp_before(anchor, 20),
            "updated": stamp_before(anchor, 19),
        },
        {
            "id": "engsync",
            "summary": "Eng sync",
            "location": "Zoom",
            **timed(wall_time(anchor, -13, 9, 0, la), 30, "America/Los_Angeles"),
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=16"],
            "created": stamp_before(anchor, 40),
            "updated": stamp_before(anchor, 40),
        },
        *around_now[WRITER_ID],
    ]
    reader = calendar(READER_ID, "東京オフィス", "Asia/Tokyo", "reader", backgroundColor="#f691b2")
    reader["events"] = [
        {
            "id": "tokyo-standup",
            "summary": "東京チーム朝会",
            **timed(wall_time(anchor, 0, 9, 0, tokyo), 30, "Asia/Tokyo"),
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10"],
            "created": stamp_before(anchor, 30),
            "updated": stamp_before(anchor, 30),
        },
        {
            "id": "tokyo-private",
            "summary": "健康診断",
            "description": "private details",
            "visibility": "private",
            **timed(wall_time(anchor, 1, 14, 0, tokyo), 60),
            "created": stamp_before(anchor, 10),
            "updated": stamp_before(anchor, 10),
        },
        {
            "id": "tokyo-party",
            "summary": "忘年会",
            "location": "新宿",
            **timed(wall_time(anchor, 4, 19, 0, tokyo), 180),
            "created": stamp_before(anchor, 10),
            "updated": stamp_before(anchor, 9),
        },
        {
            "id": "tokyo-sync",
            "summary": "東京との定例",
            **timed(wall_time(anchor, -12, 17, 0, tokyo), 45, "Asia/Tokyo"),
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=WE,FR;COUNT=16"],
            "created": stamp_before(anchor, 30),
            "updated": stamp_before(anchor, 30),
        },
        {
            "id": "oncall",
            "summary": "オンコール当番",
            **allday(anchor - timedelta(days=10), 3),
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=8"],
            "transparency": "transparent",
            "created": stamp_before(anchor, 40),
            "updated": stamp_before(anchor, 40),
        },
        {
            "id": "tokyo-holiday",
            "summary": "文化の日",
            **allday(anchor + timedelta(days=3)),
            "created": stamp_before(anchor, 100),
            "updated": stamp_before(anchor, 100),
        },
    ]
    freebusy = calendar(
        FREEBUSY_ID,
        "Charles Babbage",
        "Europe/London",
        "freeBusyReader",
        _ownOrganization=False,
        backgroundColor="#ffad46",
    )
    freebusy["events"] = [
        {
            "id": "charles-engine",
            "summary": "Difference engine review",
            **timed(wall_time(anchor, 1, 11, 0, london), 60),
            "created": stamp_before(anchor, 7),
            "updated": stamp_before(anchor, 7),
        },
        {
            "id": "charles-lunch",
            "summary": "Lunch with Ada",
            **timed(wall_time(anchor, 3, 12, 30, london), 90),
            "created": stamp_before(anchor, 7),
            "updated": stamp_before(anchor, 6),
        },
    ]
    # Busy every other day around the anchor week, so any week of the demo shows Charles too
    # (single events: a free/busy reader sees no series, only busy times).
    freebusy["events"].extend(
        {
            "id": f"charles-b{k + 10:02d}",
            "summary": "Analytical engine",
            **timed(wall_time(anchor, k, 15, 0, london), 60),
            "created": stamp_before(anchor, 30),
            "updated": stamp_before(anchor, 30),
        }
        for k in range(-7, 15, 2)
    )
    hidden = calendar(
        HIDDEN_ID,
        "Holidays in Germany",
        "Europe/Berlin",
        "reader",
        hidden=True,
        selected=False,
        backgroundColor="#a47ae2",
    )
    y = anchor.year
    hidden["events"] = [
        {
            "id": f"holiday-{name}",
            "summary": title,
            **allday(d),
            "transparency": "transparent",
            "visibility": "public",
            "created": stamp_before(anchor, 200),
            "updated": stamp_before(anchor, 200),
        }
        for name, title, d in (
            ("neujahr", "Neujahr", date(y, 1, 1)),
            ("einheit", "Tag der Deutschen Einheit", date(y, 10, 3)),
            ("weihnachten", "1. Weihnachtstag", date(y, 12, 25)),
        )
    ]
    deleted = calendar(DELETED_ID, "Old project", "UTC", "owner", deleted=True)
    deleted["events"] = [
        {
            "id": "oldkickoff",
            "summary": "Kick-off",
            **timed(wall_time(anchor, -100, 10), 60),
            "created": stamp_before(anchor, 120),
            "updated": stamp_before(anchor, 120),
        },
    ]
    return {
        "user": {"email": USER_EMAIL, "displayName": "Ada Lovelace"},
        "calendars": [primary, writer, reader, freebusy, hidden, deleted, *_colleagues(anchor)],
        "groups": [{"id": GROUP_ID, "members": [PRIMARY_ID, ALICE_ID, BOB_ID]}],
    }


def _colleagues(anchor: date) -> List[Dict[str, Any]]:
    """Calendars Ada may only query free/busy: two colleagues and a meeting room."""
    ny = ZoneInfo("America/New_York")
    weekdays = "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"

    def other(cid: str, summary: str, zone: str) -> Dict[str, Any]:
        cal = calendar(cid, summary, zone, "freeBusyReader", _ownOrganization=True)
        cal["_inCalendarList"] = False
        return cal

    def event(eid: str, summary: str, times: Dict[str, Any], **extra: Any) -> Dict[str, Any]:
        made = {"created": stamp_before(anchor, 14), "updated": stamp_before(anchor, 14)}
        return {"id": eid, "summary": summary, **times, **made, **extra}

    alice = other(ALICE_ID, "Alice Hopper", "Europe/Berlin")
    alice["events"] = [
        event(
            "alice-focus",
            "Focus",
            timed(wall_time(anchor, -7, 10), 60, "Europe/Berlin"),
            recurrence=[weekdays],
        ),
        event("alice-workshop", "Workshop", timed(wall_time(anchor, 2, 14), 120)),
        event(
            "alice-expenses",
            "Expenses (show as available)",
            timed(wall_time(anchor, 1, 13), 240),
            transparency="transparent",
        ),
    ]
    bob = other(BOB_ID, "Bob Kahn", "America/New_York")
    bob["events"] = [
        event(
            "bob-standup",
            "NY standup",
            timed(wall_time(anchor, -7, 9, 0, ny), 30, "America/New_York"),
            recurrence=[weekdays],
        ),
        event("bob-call", "Vendor call", timed(wall_time(anchor, 1, 11, 0, ny), 60)),
    ]
    room = other(ROOM_ID, "Room Babbage", "Europe/Berlin")
    room["events"] = [
        event(
            "room-lunchtalk",
            "Lunch talk",
            timed(wall_time(anchor, -7, 13), 60, "Europe/Berlin"),
            recurrence=[weekdays],
        ),
        event("room-training", "Training", timed(wall_time(anchor, 3, 9), 180)),
    ]
    return [alice, bob, room]
