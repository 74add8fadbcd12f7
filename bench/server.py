"""The benchmark's emulator: one process serving a calendar per size, until stdin closes.

Run by `bench.measure` in a separate process (so that the emulator's memory and CPU never count
against the client being measured)::

    python -m bench.server --sizes 1000,10000,100000 --client-secrets-out secrets.json

It prints one line, ``READY <base_url>``, once every calendar is generated and the server
listens. Calendar ``events-N`` holds exactly N generated events (eight a day, an hour apart),
so a listing of it has a known length; the primary calendar is empty. Calendars
``agenda-1`` .. ``agenda-8`` (the only ones `selected`) hold 40 events each in the week of
`AGENDA_WEEK`, for the agenda row.
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Any, Dict, List, Optional, Sequence

USER = "bench@example.com"
ZONE = "Europe/Berlin"
AGENDA_CALENDARS = 8
AGENDA_EVENTS = 40  # per calendar, in one week
AGENDA_WEEK = "2030-01-07"  # a Monday; the agenda row reads this week


def agenda_calendars() -> List[Dict[str, Any]]:
    """Eight selected calendars with 40 events each (timed, some all-day) in `AGENDA_WEEK`."""
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    monday = date.fromisoformat(AGENDA_WEEK)
    zone = ZoneInfo(ZONE)
    calendars = []
    for c in range(1, AGENDA_CALENDARS + 1):
        events = []
        for k in range(AGENDA_EVENTS):
            day = monday + timedelta(days=k % 7)
            if k % 10 == 9:
                events.append(
                    {
                        "id": f"a{c}e{k}",
                        "summary": f"All-day {c}.{k}",
                        "start": {"date": day.isoformat()},
                        "end": {"date": (day + timedelta(days=1)).isoformat()},
                    }
                )
                continue
            start = datetime.combine(day, time(7 + (k * 3 + c) % 12, 15 * (k % 4)), tzinfo=zone)
            events.append(
                {
                    "id": f"a{c}e{k}",
                    "summary": f"Meeting {c}.{k}",
                    "location": f"Room {k % 5}",
                    "start": {"dateTime": start.isoformat(), "timeZone": ZONE},
                    "end": {"dateTime": (start + timedelta(minutes=45)).isoformat()},
                    "attendees": [
                        {"email": USER, "self": True, "responseStatus": "accepted"},
                        {"email": f"p{k}@example.com", "responseStatus": "needsAction"},
                    ],
                }
            )
        calendars.append(
            {
                "id": f"agenda-{c}@group.calendar.google.com",
                "summary": f"Agenda {c}",
                "timeZone": ZONE,
                "accessRole": "owner",
                "selected": True,
                "backgroundColor": "#9fe1e7",
                "events": events,
            }
        )
    return calendars


def calendar_id(size: int) -> str:
    """The id of the calendar holding `size` events."""
    return f"events-{size}"


def bench_data(sizes: Sequence[int]) -> Dict[str, Any]:
    """An account with an empty primary calendar, one empty calendar per size (filled later)
    and the agenda's eight calendars."""
    calendars: List[Dict[str, Any]] = [
        {"id": USER, "summary": "Bench", "timeZone": ZONE, "accessRole": "owner", "primary": True}
    ]
    for size in sizes:
        calendars.append(
            {
                "id": calendar_id(size),
                "summary": f"{size} events",
                "timeZone": ZONE,
                "accessRole": "owner",
            }
        )
    calendars.extend(agenda_calendars())
    return {"user": {"email": USER, "displayName": "Bench"}, "calendars": calendars}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client-secrets-out", required=True)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]

    from gcal.emulator import Emulator
    from gcal.emulator.benchevents import add_generated_events

    emu = Emulator(bench_data(sizes), port=args.port)
    for size in sizes:
        add_generated_events(emu.store, size, calendar_id(size))
    # The events live as long as the process: keep the cyclic GC from rescanning them.
    gc.collect()
    gc.freeze()
    emu.start()
    emu.write_client_secrets(args.client_secrets_out)
    print(f"READY {emu.base_url}", flush=True)
    try:
        sys.stdin.read()  # the parent closes our stdin (or dies) to stop us
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
