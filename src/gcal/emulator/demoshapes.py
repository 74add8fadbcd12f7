"""The pieces the demo account's bodies are made of: a timed or all-day event's times, the
`created`/`updated` stamps, attendees (`people`, the user as `me`), the user as organizer and a
calendar's resource.

Separate from the events themselves (`gcal.emulator.demoprimary`, `demonow`, `demodata`) so that
those modules read as the calendar they describe, and share one way to write a time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Dict, List, Optional

from gcal.emulator.demo import USER_EMAIL, UTC


def iso(value: datetime) -> str:
    return value.isoformat()


def timed(start: datetime, minutes: int, zone_name: Optional[str] = None) -> Dict[str, Any]:
    end = start + timedelta(minutes=minutes)
    s: Dict[str, Any] = {"dateTime": iso(start)}
    e: Dict[str, Any] = {"dateTime": iso(end)}
    if zone_name:
        s["timeZone"] = e["timeZone"] = zone_name
    return {"start": s, "end": e}


def allday(day: date, days: int = 1) -> Dict[str, Any]:
    return {
        "start": {"date": day.isoformat()},
        "end": {"date": (day + timedelta(days=days)).isoformat()},
    }


def stamp_before(anchor: date, days_before: int, seconds: int = 0) -> str:
    base = datetime.combine(anchor, time(8, 0), tzinfo=UTC) - timedelta(days=days_before)
    base += timedelta(seconds=seconds)
    return base.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def people(n: int) -> List[Dict[str, Any]]:
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


def me(status: str = "accepted", organizer: bool = False) -> Dict[str, Any]:
    a: Dict[str, Any] = {
        "email": USER_EMAIL,
        "displayName": "Ada Lovelace",
        "self": True,
        "responseStatus": status,
    }
    if organizer:
        a["organizer"] = True
    return a


ORG_SELF = {"email": USER_EMAIL, "displayName": "Ada Lovelace", "self": True}


def calendar(cid: str, summary: str, zone: str, role: str, **extra: Any) -> Dict[str, Any]:
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
