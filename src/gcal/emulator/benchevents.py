"""Plain generated events added to a running emulator's store for the benchmarks
(`add_generated_events`): up to 100,000 events built directly as stored records.

Separate from the demo account because it is no part of it: it fills a store the benchmarks
size, and it reaches into the store's records where the account goes through the JSON format.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from gcal.emulator.demo import UTC
from gcal.emulator.demoshapes import ORG_SELF


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
                "creator": dict(ORG_SELF),
                "organizer": dict(ORG_SELF),
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
