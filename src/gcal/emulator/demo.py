"""The built-in demo account: a realistic, deterministic calendar set around "this week".

Everything is placed relative to an *anchor*, the Monday of the current week (UTC date), so
`gcal --demo events primary --single-events --order-by startTime --time-min today` always shows
something; given the same anchor the data is identical. Pass `anchor=` to `build_demo_data` (or
`demo_facts`) for fully reproducible tests.

Calendars (id, access role, zone):

* ``ada@example.com`` - owner, primary, Europe/Berlin, "Ada Lovelace"
* ``team.engineering@group.calendar.google.com`` - writer, America/Los_Angeles, "Engineering"
* ``tokyo.office@group.calendar.google.com`` - reader, Asia/Tokyo, "東京オフィス"
* ``charles@example.com`` - freeBusyReader, Europe/London, other organisation
* ``en.german#holiday@group.v.calendar.google.com`` - reader, hidden
* ``old.project@group.calendar.google.com`` - owner, deleted

Not on the calendar list, readable only through freeBusy (events.list answers 404):

* ``alice@example.com`` (Europe/Berlin), ``bob@example.com`` (America/New_York): colleagues
* ``room.babbage@resource.calendar.google.com`` (Europe/Berlin): a meeting room
* the group ``engineering@example.com``: Ada, Alice and Bob

Stable event ids in the primary calendar (see `demo_facts` for the dependent values):

* ``weeklysync`` - "Weekly sync", Tuesdays 10:00-10:30 Europe/Berlin, 12 occurrences starting
  three weeks before the anchor week; occurrence 2 (the previous week) is an EXDATE, occurrence
  4 (next week) is *moved* to Wednesday 14:00 (a modified exception whose id is the instance id),
  occurrence 5 (in two weeks) is *cancelled*. With singleEvents it yields 10 instances.
  Instance ids are ``weeklysync_YYYYMMDDTHHMMSSZ`` (UTC start).
* ``dailystandup`` - weekdays 09:30-09:45 Berlin from two weeks before the anchor, UNTIL four
  weeks after it; ``recycling`` - all-day series, every other Friday, 6 times.
* ``allhands`` (30 attendees, the user among them with self=true), ``budgetreview`` (extended
  properties private project=apollo, priority=high; shared room=Lovelace, project=apollo),
  ``offsite`` (all-day), ``conference`` (three-day all-day), ``vacation`` (outOfOffice),
  ``focusblock`` (focusTime), ``wl-office``/``wl-home``/``wl-custom`` (workingLocation),
  ``birthday-grace`` (birthday, yearly), ``flight-lh716`` (fromGmail), ``lunch-ja``,
  ``meeting-ar``, ``meeting-el`` (Japanese, Arabic, Greek summaries), ``csvtricky`` (summary
  with a comma, quotes, a tab and a newline: `CSV_TRICKY_SUMMARY`), ``notitle`` (no summary),
  ``dentist`` (private), ``nycall`` (New York time zone), ``cancelledmeeting`` (deleted),
  ``hiddeninvite`` (hidden invitation), and ``gen0000`` .. ``gen0319`` (320 generated meetings,
  six a day from four weeks before the anchor), so the default page size of 250 is exceeded.

``vendordemo`` is a weekly series the user declined (Thursdays around the anchor week).

The reader calendar holds ``tokyo-private`` (visibility private: readers see no summary). So
that `gcal --demo agenda` shows a lively week on several calendars whatever day it runs, the
other calendars have series and events all around the anchor week: ``engsync`` (Tue and Thu)
on the writer calendar, ``tokyo-sync`` (Wed and Fri) and ``oncall`` (a weekly three-day
all-day event) on the reader calendar, and ``charles-b03`` .. ``charles-b23`` (every other day) on
the free/busy calendar. Each calendar has its own ``backgroundColor``. The primary calendar's
default reminder is a popup 10 minutes before, the writer calendar's 15 minutes.

Around the clock (`build_demo_data(now=...)`; with the clock pinned, around 12:00 UTC on the
Monday of the demo week), so that reminders, meeting links and invitations show whenever the
demo runs: ``designreviewsoon`` (in 5 to 10
minutes, Meet through ``hangoutLink`` and ``conferenceData``, a popup 10 minutes before),
``zoomcallnow`` (began 10 minutes ago, a Zoom link in its location, the calendar's default
reminder), ``teamsinterview`` (in two hours, a Teams ``conferenceData`` entry point, popups 30
and 5 minutes before), and invitations awaiting an answer (``needsAction``): ``inviteroadmap``
(tomorrow), ``invitedinner`` (in three days) and, on the writer calendar, ``inviteretro``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from gcal.emulator import clock

USER_EMAIL = "ada@example.com"
PRIMARY_ID = USER_EMAIL
WRITER_ID = "team.engineering@group.calendar.google.com"
READER_ID = "tokyo.office@group.calendar.google.com"
FREEBUSY_ID = "charles@example.com"
HIDDEN_ID = "en.german#holiday@group.v.calendar.google.com"
DELETED_ID = "old.project@group.calendar.google.com"
ALICE_ID = "alice@example.com"
BOB_ID = "bob@example.com"
ROOM_ID = "room.babbage@resource.calendar.google.com"
GROUP_ID = "engineering@example.com"
SERIES_ID = "weeklysync"
CSV_TRICKY_SUMMARY = 'Dinner, "Chez Marie"\tbring wine\nsecond line'
GENERATED_COUNT = 320

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc


def default_anchor(today: Optional[date] = None) -> date:
    """Monday of the current week (UTC), on the emulator's clock (`GCAL_EMULATOR_NOW`)."""
    today = today or clock.now().date()
    return today - timedelta(days=today.weekday())


def _dt(anchor: date, days: int, hh: int, mm: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime.combine(anchor + timedelta(days=days), time(hh, mm), tzinfo=zone)


def _iso(value: datetime) -> str:
    return value.isoformat()


def _timed(start: datetime, minutes: int, zone_name: Optional[str] = None) -> Dict[str, Any]:
    end = start + timedelta(minutes=minutes)
    s: Dict[str, Any] = {"dateTime": _iso(start)}
    e: Dict[str, Any] = {"dateTime": _iso(end)}
    if zone_name:
        s["timeZone"] = e["timeZone"] = zone_name
    return {"start": s, "end": e}


def _allday(day: date, days: int = 1) -> Dict[str, Any]:
    return {
        "start": {"date": day.isoformat()},
        "end": {"date": (day + timedelta(days=days)).isoformat()},
    }


def _stamp(anchor: date, days_before: int, seconds: int = 0) -> str:
    base = datetime.combine(anchor, time(8, 0), tzinfo=UTC) - timedelta(days=days_before)
    base += timedelta(seconds=seconds)
    return base.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _utc_id(start: datetime) -> str:
    return start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def demo_facts(anchor: Optional[date] = None) -> Dict[str, Any]:
    """Values tests can assert on that depend on the anchor (the instance ids above all)."""
    anchor = anchor or default_anchor()
    first = _dt(anchor, -21 + 1, 10)
    occ = [first + timedelta(weeks=k) for k in range(12)]
    occ = [datetime.combine(o.date(), time(10, 0), tzinfo=BERLIN) for o in occ]
    return {
        "anchor": anchor,
        "series_id": SERIES_ID,
        "series_occurrences": [o.isoformat() for o in occ],
        "exdate_start": occ[2].isoformat(),
        "exdate_instance_id": f"{SERIES_ID}_{_utc_id(occ[2])}",
        "moved_instance_id": f"{SERIES_ID}_{_utc_id(occ[4])}",
        "moved_original_start": occ[4].isoformat(),
        "moved_new_start": datetime.combine(
            occ[4].date() + timedelta(days=1), time(14, 0), tzinfo=BERLIN
        ).isoformat(),
        "cancelled_instance_id": f"{SERIES_ID}_{_utc_id(occ[5])}",
        "cancelled_original_start": occ[5].isoformat(),
        "series_instance_count": 10,
        "instance_ids": [f"{SERIES_ID}_{_utc_id(o)}" for i, o in enumerate(occ) if i not in (2, 5)],
        "generated_count": GENERATED_COUNT,
        "calendar_ids": [PRIMARY_ID, WRITER_ID, READER_ID, FREEBUSY_ID, HIDDEN_ID, DELETED_ID],
        "visible_calendar_ids": [PRIMARY_ID, WRITER_ID, READER_ID, FREEBUSY_ID],
    }


def _people(n: int) -> List[Dict[str, Any]]:
    first = [
        "Grace",
        "Alan",
        "Edsger",
        "Barbara",
        "Donald",
        "Frances",
        "John",
        "Margaret",
        "Ken",
        "Radia",
    ]
    last = [
        "Hopper",
        "Turing",
        "Dijkstra",
        "Liskov",
        "Knuth",
        "Allen",
        "Backus",
        "Hamilton",
        "Thompson",
        "Perlman",
    ]
    out = []
    for i in range(n):
        f, la = first[i % 10], last[(i * 3 + i // 10) % 10]
        out.append(
            {
                "email": f"{f.lower()}.{la.lower()}{i}@example.com",
                "displayName": f"{f} {la}",
                "responseStatus": ("accepted", "declined", "tentative", "needsAction")[i % 4],
            }
        )
    return out


def _me(status: str = "accepted", organizer: bool = False) -> Dict[str, Any]:
    a: Dict[str, Any] = {
        "email": USER_EMAIL,
        "displayName": "Ada Lovelace",
        "self": True,
        "responseStatus": status,
    }
    if organizer:
        a["organizer"] = True
    return a


_ORG_SELF = {"email": USER_EMAIL, "displayName": "Ada Lovelace", "self": True}


def _primary_events(anchor: date) -> List[Dict[str, Any]]:
    f = demo_facts(anchor)
    occ = [datetime.fromisoformat(s) for s in f["series_occurrences"]]
    ev: List[Dict[str, Any]] = []

    def add(eid: str, body: Dict[str, Any], age: int = 30) -> None:
        base = {
            "id": eid,
            "created": _stamp(anchor, age + 10),
            "updated": _stamp(anchor, age),
            "creator": dict(_ORG_SELF),
            "organizer": dict(_ORG_SELF),
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
            **_timed(occ[0], 30, "Europe/Berlin"),
            "recurrence": [
                "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=12",
                f"EXDATE;TZID=Europe/Berlin:{exdate}",
            ],
            "attendees": [_me(organizer=True), *_people(4)],
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
            **_timed(moved_new, 30, "Europe/Berlin"),
            "recurringEventId": SERIES_ID,
            "originalStartTime": {"dateTime": occ[4].isoformat(), "timeZone": "Europe/Berlin"},
            "iCalUID": f"{SERIES_ID}@google.com",
            "sequence": 1,
            "attendees": [_me(organizer=True), *_people(4)],
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
            **_timed(occ[5], 30, "Europe/Berlin"),
        },
        age=4,
    )
    until = datetime.combine(anchor + timedelta(days=28), time(23, 59, 59), tzinfo=UTC)
    add(
        "dailystandup",
        {
            "summary": "Daily standup",
            **_timed(_dt(anchor, -14, 9, 30), 15, "Europe/Berlin"),
            "recurrence": [f"RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL={until:%Y%m%dT%H%M%SZ}"],
        },
        age=60,
    )
    add(
        "recycling",
        {
            "summary": "Recycling pickup",
            **_allday(anchor - timedelta(days=10)),
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
            **_timed(_dt(anchor, 3, 16), 60, "Europe/Berlin"),
            "organizer": {"email": "ceo@example.com", "displayName": "Charlotte Ceo"},
            "creator": {"email": "ceo@example.com", "displayName": "Charlotte Ceo"},
            "attendees": [*_people(14), _me("tentative"), *_people(29)[14:]],
            "guestsCanInviteOthers": False,
        },
    )
    add(
        "budgetreview",
        {
            "summary": "Budget review",
            **_timed(_dt(anchor, 2, 11), 60, "Europe/Berlin"),
            "extendedProperties": {
                "private": {"project": "apollo", "priority": "high"},
                "shared": {"room": "Lovelace", "project": "apollo"},
            },
        },
    )
    add(
        "offsite",
        {"summary": "Team offsite", "location": "Potsdam", **_allday(anchor + timedelta(days=4))},
    )
    add(
        "conference",
        {
            "summary": "PyCon DE",
            "location": "Darmstadt",
            **_allday(anchor + timedelta(days=14), 3),
            "transparency": "transparent",
        },
    )
    add(
        "vacation",
        {
            "summary": "Out of office",
            "eventType": "outOfOffice",
            **_timed(_dt(anchor, 21, 0), 5 * 24 * 60, "Europe/Berlin"),
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
            **_timed(_dt(anchor, 3, 13), 120, "Europe/Berlin"),
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
            **_allday(anchor),
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
            **_allday(anchor + timedelta(days=1)),
            "workingLocationProperties": {"type": "homeOffice", "homeOffice": {}},
        },
    )
    add(
        "wl-custom",
        {
            "summary": "Café Einstein",
            **wl,
            **_allday(anchor + timedelta(days=2)),
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
            **_allday(date(anchor.year - 1, 12, 9)),
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
            **_timed(_dt(anchor, 12, 21, 45), 11 * 60 + 45, "Europe/Berlin"),
            "end": {
                "dateTime": _iso(_dt(anchor, 13, 17, 30, ZoneInfo("Asia/Tokyo"))),
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
            **_timed(_dt(anchor, 1, 12), 60, "Europe/Berlin"),
        },
    )
    add("meeting-ar", {"summary": "اجتماع الفريق", **_timed(_dt(anchor, 2, 15), 45)})
    add("meeting-el", {"summary": "Συνάντηση ομάδας", **_timed(_dt(anchor, 3, 10), 45)})
    add(
        "csvtricky",
        {
            "summary": CSV_TRICKY_SUMMARY,
            "location": "Rue de l'Église 3, Paris",
            **_timed(_dt(anchor, 4, 19), 150),
        },
    )
    add("notitle", {**_timed(_dt(anchor, 1, 17), 30)})
    add(
        "vendordemo",
        {
            "summary": "Vendor demo",
            "location": "Room Hopper",
            **_timed(_dt(anchor, -4, 14, 30), 60, "Europe/Berlin"),
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=8"],
            "organizer": {"email": "sales@vendor.example", "displayName": "Vendor Sales"},
            "creator": {"email": "sales@vendor.example", "displayName": "Vendor Sales"},
            "attendees": [
                {"email": "sales@vendor.example", "organizer": True, "responseStatus": "accepted"},
                _me("declined"),
            ],
        },
    )
    add("dentist", {"summary": "Dentist", "visibility": "private", **_timed(_dt(anchor, 4, 8), 60)})
    add(
        "nycall",
        {
            "summary": "Call with New York",
            **_timed(
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
        {"summary": "Cancelled meeting", "status": "cancelled", **_timed(_dt(anchor, 2, 9), 30)},
        age=3,
    )
    add(
        "hiddeninvite",
        {
            "summary": "Hidden invitation",
            "_hiddenInvitation": True,
            **_timed(_dt(anchor, 2, 18), 30),
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
                **_timed(_dt(anchor, day, hours[slot]), 45),
            },
            age=max(1, 40 - i // 10),
        )
    return ev


def _calendar(cid: str, summary: str, zone: str, role: str, **extra: Any) -> Dict[str, Any]:
    cal = {
        "id": cid,
        "summary": summary,
        "timeZone": zone,
        "accessRole": role,
        "backgroundColor": "#9fe1e7",
        "foregroundColor": "#000000",
        "selected": True,
        "defaultReminders": [],
        "events": [],
    }
    cal.update(extra)
    return cal


def _now_events(now: datetime, anchor: date) -> Dict[str, List[Dict[str, Any]]]:
    """Events placed around `now` (the emulator's clock), by calendar: something to be
    reminded of, to join and to answer whenever the demo runs (`gcal --demo remind --print`,
    `gcal --demo join`, `gcal --demo invites`). Five-minute steps, so runs a little apart see
    the same times."""
    base = now.astimezone(UTC).replace(second=0, microsecond=0)
    base -= timedelta(minutes=base.minute % 5)
    stamp = _stamp(anchor, 2)

    def event(eid: str, summary: str, start: datetime, minutes: int, **extra: Any) -> Any:
        body = {
            "id": eid,
            "summary": summary,
            **_timed(start, minutes, "Europe/Berlin"),
            "created": stamp,
            "updated": stamp,
        }
        body.update(extra)
        return body

    meet = "https://meet.google.com/dmo-rvew-now"
    colleague = {"email": "grace@example.com", "displayName": "Grace Hopper"}
    primary = [
        event(
            "designreviewsoon",
            "Design review",
            base + timedelta(minutes=10),
            30,
            location="Room Lovelace",
            hangoutLink=meet,
            conferenceData={
                "conferenceId": "dmo-rvew-now",
                "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"},
                "entryPoints": [
                    {"entryPointType": "video", "uri": meet, "label": meet[8:]},
                    {"entryPointType": "phone", "uri": "tel:+49-30-555-0100", "pin": "4711"},
                ],
            },
            reminders={
                "useDefault": False,
                "overrides": [
                    {"method": "popup", "minutes": 10},
                    {"method": "email", "minutes": 60},
                ],
            },
            attendees=[_me(organizer=True), {**colleague, "responseStatus": "accepted"}],
        ),
        event(
            "zoomcallnow",
            "Customer call (Zoom)",
            base - timedelta(minutes=10),
            45,
            location="Zoom: https://zoom.us/j/5550100123?pwd=demo",
            reminders={"useDefault": True},
        ),
        event(
            "teamsinterview",
            "Interview: backend engineer",
            base + timedelta(hours=2),
            60,
            description="Join: https://teams.microsoft.com/l/meetup-join/demo-interview",
            conferenceData={
                "conferenceId": "demo-interview",
                "conferenceSolution": {"key": {"type": "addOn"}, "name": "Microsoft Teams"},
                "entryPoints": [
                    {
                        "entryPointType": "video",
                        "uri": "https://teams.microsoft.com/l/meetup-join/demo-interview",
                    }
                ],
            },
            reminders={
                "useDefault": False,
                "overrides": [
                    {"method": "popup", "minutes": 30},
                    {"method": "popup", "minutes": 5},
                ],
            },
        ),
        event(
            "inviteroadmap",
            "Roadmap planning",
            base + timedelta(days=1, hours=1),
            60,
            location="https://zoom.us/j/5550100456",
            organizer={**colleague},
            creator={**colleague},
            attendees=[
                {**colleague, "organizer": True, "responseStatus": "accepted"},
                _me("needsAction"),
            ],
        ),
        event(
            "invitedinner",
            "Team dinner",
            base + timedelta(days=3, hours=4),
            120,
            location="Café Einstein",
            organizer={"email": "alan@example.com", "displayName": "Alan Turing"},
            creator={"email": "alan@example.com", "displayName": "Alan Turing"},
            attendees=[
                {"email": "alan@example.com", "organizer": True, "responseStatus": "accepted"},
                _me("needsAction"),
            ],
        ),
    ]
    writer = [
        event(
            "inviteretro",
            "Sprint retro",
            base + timedelta(days=2, hours=3),
            45,
            organizer={"email": WRITER_ID, "displayName": "Engineering"},
            attendees=[
                {"email": "grace@example.com", "responseStatus": "accepted"},
                _me("needsAction"),
            ],
        ),
    ]
    return {PRIMARY_ID: primary, WRITER_ID: writer}


def build_demo_data(
    anchor: Optional[date] = None, now: Optional[datetime] = None
) -> Dict[str, Any]:
    """The demo account in the emulator's JSON data format. A few events are placed around
    `now`: by default the real clock; with an `anchor`, or the emulator's clock pinned
    (`GCAL_EMULATOR_NOW`), 12:00 UTC on the anchor's Monday, so that the data stays a function
    of the week (a store synced at one pinned instant answers as the API at another)."""
    if anchor is None and now is None and clock.pinned() is None:
        now = clock.now()
    anchor = anchor or default_anchor()
    if now is None:
        now = datetime.combine(anchor, time(12), UTC)
    around_now = _now_events(now, anchor)
    la, tokyo, london = (
        ZoneInfo(z) for z in ("America/Los_Angeles", "Asia/Tokyo", "Europe/London")
    )
    primary = _calendar(
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
    primary["events"] = _primary_events(anchor) + around_now[PRIMARY_ID]
    writer = _calendar(
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
            **_timed(_dt(anchor, -14, 9, 0, la), 90, "America/Los_Angeles"),
            "recurrence": ["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=8"],
            "created": _stamp(anchor, 60),
            "updated": _stamp(anchor, 60),
        },
        {
            "id": "releaseparty",
            "summary": "Release party 🎉",
            "location": "Mission St",
            **_timed(_dt(anchor, 4, 17, 0, la), 120),
            "created": _stamp(anchor, 20),
            "updated": _stamp(anchor, 20),
        },
        {
            "id": "perfreviews",
            "summary": "Performance reviews",
            "visibility": "private",
            **_timed(_dt(anchor, 2, 10, 0, la), 60),
            "created": _stamp(anchor, 20),
            "updated": _stamp(anchor, 19),
        },
        {
            "id": "engsync",
            "summary": "Eng sync",
            "location": "Zoom",
            **_timed(_dt(anchor, -13, 9, 0, la), 30, "America/Los_Angeles"),
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=16"],
            "created": _stamp(anchor, 40),
            "updated": _stamp(anchor, 40),
        },
        *around_now[WRITER_ID],
    ]
    reader = _calendar(READER_ID, "東京オフィス", "Asia/Tokyo", "reader", backgroundColor="#f691b2")
    reader["events"] = [
        {
            "id": "tokyo-standup",
            "summary": "東京チーム朝会",
            **_timed(_dt(anchor, 0, 9, 0, tokyo), 30, "Asia/Tokyo"),
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10"],
            "created": _stamp(anchor, 30),
            "updated": _stamp(anchor, 30),
        },
        {
            "id": "tokyo-private",
            "summary": "健康診断",
            "description": "private details",
            "visibility": "private",
            **_timed(_dt(anchor, 1, 14, 0, tokyo), 60),
            "created": _stamp(anchor, 10),
            "updated": _stamp(anchor, 10),
        },
        {
            "id": "tokyo-party",
            "summary": "忘年会",
            "location": "新宿",
            **_timed(_dt(anchor, 4, 19, 0, tokyo), 180),
            "created": _stamp(anchor, 10),
            "updated": _stamp(anchor, 9),
        },
        {
            "id": "tokyo-sync",
            "summary": "東京との定例",
            **_timed(_dt(anchor, -12, 17, 0, tokyo), 45, "Asia/Tokyo"),
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=WE,FR;COUNT=16"],
            "created": _stamp(anchor, 30),
            "updated": _stamp(anchor, 30),
        },
        {
            "id": "oncall",
            "summary": "オンコール当番",
            **_allday(anchor - timedelta(days=10), 3),
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=8"],
            "transparency": "transparent",
            "created": _stamp(anchor, 40),
            "updated": _stamp(anchor, 40),
        },
        {
            "id": "tokyo-holiday",
            "summary": "文化の日",
            **_allday(anchor + timedelta(days=3)),
            "created": _stamp(anchor, 100),
            "updated": _stamp(anchor, 100),
        },
    ]
    freebusy = _calendar(
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
            **_timed(_dt(anchor, 1, 11, 0, london), 60),
            "created": _stamp(anchor, 7),
            "updated": _stamp(anchor, 7),
        },
        {
            "id": "charles-lunch",
            "summary": "Lunch with Ada",
            **_timed(_dt(anchor, 3, 12, 30, london), 90),
            "created": _stamp(anchor, 7),
            "updated": _stamp(anchor, 6),
        },
    ]
    # Busy every other day around the anchor week, so any week of the demo shows Charles too
    # (single events: a free/busy reader sees no series, only busy times).
    freebusy["events"].extend(
        {
            "id": f"charles-b{k + 10:02d}",
            "summary": "Analytical engine",
            **_timed(_dt(anchor, k, 15, 0, london), 60),
            "created": _stamp(anchor, 30),
            "updated": _stamp(anchor, 30),
        }
        for k in range(-7, 15, 2)
    )
    hidden = _calendar(
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
            **_allday(d),
            "transparency": "transparent",
            "visibility": "public",
            "created": _stamp(anchor, 200),
            "updated": _stamp(anchor, 200),
        }
        for name, title, d in (
            ("neujahr", "Neujahr", date(y, 1, 1)),
            ("einheit", "Tag der Deutschen Einheit", date(y, 10, 3)),
            ("weihnachten", "1. Weihnachtstag", date(y, 12, 25)),
        )
    ]
    deleted = _calendar(DELETED_ID, "Old project", "UTC", "owner", deleted=True)
    deleted["events"] = [
        {
            "id": "oldkickoff",
            "summary": "Kick-off",
            **_timed(_dt(anchor, -100, 10), 60),
            "created": _stamp(anchor, 120),
            "updated": _stamp(anchor, 120),
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
        cal = _calendar(cid, summary, zone, "freeBusyReader", _ownOrganization=True)
        cal["_inCalendarList"] = False
        return cal

    def event(eid: str, summary: str, times: Dict[str, Any], **extra: Any) -> Dict[str, Any]:
        made = {"created": _stamp(anchor, 14), "updated": _stamp(anchor, 14)}
        return {"id": eid, "summary": summary, **times, **made, **extra}

    alice = other(ALICE_ID, "Alice Hopper", "Europe/Berlin")
    alice["events"] = [
        event(
            "alice-focus",
            "Focus",
            _timed(_dt(anchor, -7, 10), 60, "Europe/Berlin"),
            recurrence=[weekdays],
        ),
        event("alice-workshop", "Workshop", _timed(_dt(anchor, 2, 14), 120)),
        event(
            "alice-expenses",
            "Expenses (show as available)",
            _timed(_dt(anchor, 1, 13), 240),
            transparency="transparent",
        ),
    ]
    bob = other(BOB_ID, "Bob Kahn", "America/New_York")
    bob["events"] = [
        event(
            "bob-standup",
            "NY standup",
            _timed(_dt(anchor, -7, 9, 0, ny), 30, "America/New_York"),
            recurrence=[weekdays],
        ),
        event("bob-call", "Vendor call", _timed(_dt(anchor, 1, 11, 0, ny), 60)),
    ]
    room = other(ROOM_ID, "Room Babbage", "Europe/Berlin")
    room["events"] = [
        event(
            "room-lunchtalk",
            "Lunch talk",
            _timed(_dt(anchor, -7, 13), 60, "Europe/Berlin"),
            recurrence=[weekdays],
        ),
        event("room-training", "Training", _timed(_dt(anchor, 3, 9), 180)),
    ]
    return [alice, bob, room]


def add_generated_events(store: Any, count: int, calendar_id: str = "primary") -> None:
    """Add `count` plain events (eight a day, going forward from 2020-01-06) for benchmarks.

    Built directly as stored records: loading 100,000 events through the general path would
    spend seconds parsing strings this generator already knows.
    """
    from gcal.emulator.links import html_link
    from gcal.emulator.store import StoredEvent, _etag

    cal = store.calendar(calendar_id)
    if cal is None:
        raise KeyError(calendar_id)
    zone = cal.zone
    base = datetime(2020, 1, 6, tzinfo=zone)
    titles = ["Sync", "Review", "Call", "Planning", "Lunch", "Workshop", "Retro", "Demo"]
    created = "2019-12-01T08:00:00.000Z"
    created_ts = datetime(2019, 12, 1, 8, tzinfo=UTC).timestamp()
    with store.lock:
        for i in range(count):
            day, slot = divmod(i, 8)
            start = datetime.combine(base.date() + timedelta(days=day), time(8 + slot), tzinfo=zone)
            end = start + timedelta(minutes=50)
            eid = f"bench{i:07d}"
            stamp = store.bump()
            res = {
                "kind": "calendar#event",
                "etag": _etag("ev", eid, stamp),
                "id": eid,
                "status": "confirmed",
                "htmlLink": html_link(eid, cal.id),
                "created": created,
                "updated": created,
                "summary": f"{titles[slot]} {i}",
                "creator": dict(_ORG_SELF),
                "organizer": dict(_ORG_SELF),
                "start": {"dateTime": start.isoformat(), "timeZone": zone.key},
                "end": {"dateTime": end.isoformat(), "timeZone": zone.key},
                "iCalUID": f"{eid}@google.com",
                "sequence": 0,
                "reminders": {"useDefault": True},
                "eventType": "default",
            }
            ev = StoredEvent(
                res, store._order, stamp, False, start.timestamp(), end.timestamp(), created_ts
            )
            store._order += 1
            cal.events[eid] = ev
