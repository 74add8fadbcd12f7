"""The demo account's events placed around the emulator's clock rather than the anchor week: a
meeting about to begin, one under way, an interview later today and invitations awaiting an
answer, so that `remind`, `join` and `invites` show something whenever the demo runs.

Separate from the anchor-relative calendars because these move with the clock (in five-minute
steps) while the rest of the data is a function of the week.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Dict, List

from gcal.emulator.demo import PRIMARY_ID, UTC, WRITER_ID
from gcal.emulator.demoshapes import me, stamp_before, timed


def five_minute_step(now: datetime) -> datetime:
    """`now` in UTC, down to its five-minute step: all these events know of the time."""
    base = now.astimezone(UTC).replace(second=0, microsecond=0)
    return base - timedelta(minutes=base.minute % 5)


def now_events(now: datetime, anchor: date) -> Dict[str, List[Dict[str, Any]]]:
    """Events placed around `now` (the emulator's clock), by calendar: something to be
    reminded of, to join and to answer whenever the demo runs (`gcal --demo remind --print`,
    `gcal --demo join`, `gcal --demo invites`). Five-minute steps, so runs a little apart see
    the same times."""
    base = five_minute_step(now)
    stamp = stamp_before(anchor, 2)

    def event(eid: str, summary: str, start: datetime, minutes: int, **extra: Any) -> Any:
        body = {
            "id": eid,
            "summary": summary,
            **timed(start, minutes, "Europe/Berlin"),
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
            attendees=[me(organizer=True), {**colleague, "responseStatus": "accepted"}],
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
                me("needsAction"),
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
                me("needsAction"),
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
                me("needsAction"),
            ],
        ),
    ]
    return {PRIMARY_ID: primary, WRITER_ID: writer}
