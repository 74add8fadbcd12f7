"""The primary calendar's events in the demo account: the weekly series with its moved,
cancelled and excluded occurrences, the other series, the event types, the texts in other
scripts and the tricky ones, and the 320 generated meetings (`gcal.emulator.demo`'s docstring
lists them).

Separate from the account's other calendars (`gcal.emulator.demodata`) because it is the largest
calendar, the one most tests assert on.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

from gcal.emulator.demo import (
    CSV_TRICKY_SUMMARY,
    GENERATED_COUNT,
    SERIES_ID,
    UTC,
    demo_facts,
    wall_time,
)
from gcal.emulator.demoshapes import ORG_SELF, allday, iso, me, people, stamp_before, timed


def primary_events(anchor: date) -> List[Dict[str, Any]]:
    f = demo_facts(anchor)
    occ = [datetime.fromisoformat(s) for s in f["series_occurrences"]]
    ev: List[Dict[str, Any]] = []

    def add(eid: str, body: Dict[str, Any], age: int = 30) -> None:
        base = {
            "id": eid,
            "created": stamp_before(anchor, age + 10),
            "updated": stamp_before(anchor, age),
            "creator": dict(ORG_SELF),
            "organizer": dict(ORG_SELF),
        }
        base.update(body)
        ev.append(base)

    exdate = occ[2].strftime("%Y%m%dT%H%M%S")
    add(
        SERIES_ID,
        {
            "summary": "Weekly sync",
            "description": "Status, blockers, next steps.",
            "location": "Room Babbage",
            "hangoutLink": "https://meet.google.com/abc-defg-hij",
            **timed(occ[0], 30, "Europe/Berlin"),
            "recurrence": [
                "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=12",
                f"EXDATE;TZID=Europe/Berlin:{exdate}",
            ],
            "attendees": [me(organizer=True), *people(4)],
            "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 10}]},
        },
        age=40,
    )
    moved_new = datetime.fromisoformat(f["moved_new_start"])
    add(
        f["moved_instance_id"],
        {
            "summary": "Weekly sync (moved)",
            "description": "Status, blockers, next steps.",
            "location": "Room Babbage",
            **timed(moved_new, 30, "Europe/Berlin"),
            "recurringEventId": SERIES_ID,
            "originalStartTime": {"dateTime": occ[4].isoformat(), "timeZone": "Europe/Berlin"},
            "iCalUID": f"{SERIES_ID}@google.com",
            "sequence": 1,
            "attendees": [me(organizer=True), *people(4)],
        },
        age=5,
    )
    add(
        f["cancelled_instance_id"],
        {
            "status": "cancelled",
            "recurringEventId": SERIES_ID,
            "originalStartTime": {"dateTime": occ[5].isoformat(), "timeZone": "Europe/Berlin"},
            "iCalUID": f"{SERIES_ID}@google.com",
            **timed(occ[5], 30, "Europe/Berlin"),
        },
        age=4,
    )
    until = datetime.combine(anchor + timedelta(days=28), time(23, 59, 59), tzinfo=UTC)
    add(
        "dailystandup",
        {
            "summary": "Daily standup",
            **timed(wall_time(anchor, -14, 9, 30), 15, "Europe/Berlin"),
            "recurrence": [f"RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL={until:%Y%m%dT%H%M%SZ}"],
        },
        age=60,
    )
    add(
        "recycling",
        {
            "summary": "Recycling pickup",
            **allday(anchor - timedelta(days=10)),
            "recurrence": ["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=6"],
            "transparency": "transparent",
        },
        age=50,
    )
    add(
        "allhands",
        {
            "summary": "All hands",
            "description": "Quarterly all-hands meeting.",
            "location": "Auditorium",
            **timed(wall_time(anchor, 3, 16), 60, "Europe/Berlin"),
            "organizer": {"email": "ceo@example.com", "displayName": "Charlotte Ceo"},
            "creator": {"email": "ceo@example.com", "displayName": "Charlotte Ceo"},
            "attendees": [*people(14), me("tentative"), *people(29)[14:]],
            "guestsCanInviteOthers": False,
        },
    )
    add(
        "budgetreview",
        {
            "summary": "Budget review",
            **timed(wall_time(anchor, 2, 11), 60, "Europe/Berlin"),
            "extendedProperties": {
                "private": {"project": "apollo", "priority": "high"},
                "shared": {"room": "Lovelace", "project": "apollo"},
            },
        },
    )
    add(
        "offsite",
        {"summary": "Team offsite", "location": "Potsdam", **allday(anchor + timedelta(days=4))},
    )
    add(
        "conference",
        {
            "summary": "PyCon DE",
            "location": "Darmstadt",
            **allday(anchor + timedelta(days=14), 3),
            "transparency": "transparent",
        },
    )
    add(
        "vacation",
        {
            "summary": "Out of office",
            "eventType": "outOfOffice",
            **timed(wall_time(anchor, 21, 0), 5 * 24 * 60, "Europe/Berlin"),
            "transparency": "opaque",
            "outOfOfficeProperties": {
                "autoDeclineMode": "declineAllConflictingInvitations",
                "declineMessage": "On vacation, back next week.",
            },
        },
    )
    add(
        "focusblock",
        {
            "summary": "Focus time",
            "eventType": "focusTime",
            **timed(wall_time(anchor, 3, 13), 120, "Europe/Berlin"),
            "focusTimeProperties": {
                "autoDeclineMode": "declineOnlyNewConflictingInvitations",
                "chatStatus": "doNotDisturb",
            },
        },
    )
    wl = {"eventType": "workingLocation", "visibility": "public", "transparency": "transparent"}
    add(
        "wl-office",
        {
            "summary": "Office",
            **wl,
            **allday(anchor),
            "workingLocationProperties": {
                "type": "officeLocation",
                "officeLocation": {
                    "buildingId": "BER-1",
                    "floorId": "4",
                    "deskId": "4.12",
                    "label": "Berlin office",
                },
            },
        },
    )
    add(
        "wl-home",
        {
            "summary": "Home",
            **wl,
            **allday(anchor + timedelta(days=1)),
            "workingLocationProperties": {"type": "homeOffice", "homeOffice": {}},
        },
    )
    add(
        "wl-custom",
        {
            "summary": "Café Einstein",
            **wl,
            **allday(anchor + timedelta(days=2)),
            "workingLocationProperties": {
                "type": "customLocation",
                "customLocation": {"label": "Café Einstein"},
            },
        },
    )
    add(
        "birthday-grace",
        {
            "summary": "Grace Hopper",
            "eventType": "birthday",
            **allday(date(anchor.year - 1, 12, 9)),
            "recurrence": ["RRULE:FREQ=YEARLY"],
            "visibility": "private",
            "transparency": "transparent",
            "birthdayProperties": {"type": "birthday", "contact": "people/c7317488165464131905"},
        },
        age=400,
    )
    add(
        "flight-lh716",
        {
            "summary": "Flight to Tokyo (LH 716)",
            "eventType": "fromGmail",
            "location": "Frankfurt Airport (FRA)",
            **timed(wall_time(anchor, 12, 21, 45), 11 * 60 + 45, "Europe/Berlin"),
            "end": {
                "dateTime": iso(wall_time(anchor, 13, 17, 30, ZoneInfo("Asia/Tokyo"))),
                "timeZone": "Asia/Tokyo",
            },
            "source": {"url": "https://mail.google.com/mail?extsrc=cal", "title": "Your booking"},
        },
    )
    add(
        "lunch-ja",
        {
            "summary": "チームランチ",
            "location": "渋谷",
            **timed(wall_time(anchor, 1, 12), 60, "Europe/Berlin"),
        },
    )
    add("meeting-ar", {"summary": "اجتماع الفريق", **timed(wall_time(anchor, 2, 15), 45)})
    add("meeting-el", {"summary": "Συνάντηση ομάδας", **timed(wall_time(anchor, 3, 10), 45)})
    add(
        "csvtricky",
        {
            "summary": CSV_TRICKY_SUMMARY,
            "location": "Rue de l'Église 3, Paris",
            **timed(wall_time(anchor, 4, 19), 150),
        },
    )
    add("notitle", {**timed(wall_time(anchor, 1, 17), 30)})
    add(
        "vendordemo",
        {
            "summary": "Vendor demo",
            "location": "Room Hopper",
            **timed(wall_time(anchor, -4, 14, 30), 60, "Europe/Berlin"),
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=8"],
            "organizer": {"email": "sales@vendor.example", "displayName": "Vendor Sales"},
            "creator": {"email": "sales@vendor.example", "displayName": "Vendor Sales"},
            "attendees": [
                {"email": "sales@vendor.example", "organizer": True, "responseStatus": "accepted"},
                me("declined"),
            ],
        },
    )
    add(
        "dentist",
        {"summary": "Dentist", "visibility": "private", **timed(wall_time(anchor, 4, 8), 60)},
    )
    add(
        "nycall",
        {
            "summary": "Call with New York",
            **timed(
                datetime.combine(
                    anchor + timedelta(days=2), time(10, 0), tzinfo=ZoneInfo("America/New_York")
                ),
                30,
                "America/New_York",
            ),
        },
    )
    add(
        "cancelledmeeting",
        {
            "summary": "Cancelled meeting",
            "status": "cancelled",
            **timed(wall_time(anchor, 2, 9), 30),
        },
        age=3,
    )
    add(
        "hiddeninvite",
        {
            "summary": "Hidden invitation",
            "_hiddenInvitation": True,
            **timed(wall_time(anchor, 2, 18), 30),
            "organizer": {"email": "spam@example.net"},
        },
    )
    titles = [
        "1:1 with Grace",
        "Code review",
        "Design review",
        "Customer call",
        "Planning",
        "Interview",
    ]
    hours = [8, 10, 12, 13, 15, 17]
    for i in range(GENERATED_COUNT):
        day, slot = -28 + i // 6, i % 6
        add(
            f"gen{i:04d}",
            {
                "summary": f"{titles[slot]} #{i // 6 + 1}",
                **timed(wall_time(anchor, day, hours[slot]), 45),
            },
            age=max(1, 40 - i // 10),
        )
    return ev
