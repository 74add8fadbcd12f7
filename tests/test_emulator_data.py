"""Custom data files, recurrence corner cases, the standalone server and page timing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from conftest import build_service

DATA = {
    "user": {"email": "bob@example.org", "displayName": "Bob"},
    "calendars": [
        {
            "id": "bob@example.org",
            "summary": "Bob",
            "timeZone": "America/New_York",
            "accessRole": "owner",
            "primary": True,
            "events": [
                {
                    "id": "dst",
                    "summary": "Across DST",
                    "start": {
                        "dateTime": "2024-03-05T09:00:00-05:00",
                        "timeZone": "America/New_York",
                    },
                    "end": {
                        "dateTime": "2024-03-05T10:00:00-05:00",
                        "timeZone": "America/New_York",
                    },
                    "recurrence": [
                        "RRULE:FREQ=WEEKLY;UNTIL=20240326T130000Z",
                        "EXDATE:20240319T130000Z",
                        "RDATE;TZID=America/New_York:20240330T090000",
                    ],
                },
                {
                    "id": "allday",
                    "summary": "All day",
                    "start": {"date": "2024-03-01"},
                    "end": {"date": "2024-03-02"},
                    "recurrence": ["RRULE:FREQ=DAILY;COUNT=5", "EXDATE;VALUE=DATE:20240303"],
                },
                {
                    "id": "forever",
                    "summary": "Forever",
                    "start": {"dateTime": "2024-01-01T12:00:00Z"},
                    "end": {"dateTime": "2024-01-01T12:30:00Z"},
                    "recurrence": ["RRULE:FREQ=DAILY"],
                },
            ],
        }
    ],
}


def test_data_file_and_recurrence_corner_cases(emulator_factory, tmp_path) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(DATA))
    emu = emulator_factory(str(path))
    svc = build_service(emu)
    dst = svc.events().instances(calendarId="primary", eventId="dst").execute()["items"]
    assert [e["start"]["dateTime"] for e in dst] == [
        "2024-03-05T09:00:00-05:00",
        "2024-03-12T09:00:00-04:00",  # wall clock kept after the DST change on March 10
        "2024-03-26T09:00:00-04:00",
        "2024-03-30T09:00:00-04:00",  # RDATE
    ]
    assert dst[1]["id"] == "dst_20240312T130000Z"
    allday = svc.events().instances(calendarId="primary", eventId="allday").execute()["items"]
    assert [e["id"] for e in allday] == [
        "allday_20240301",
        "allday_20240302",
        "allday_20240304",
        "allday_20240305",
    ]
    assert allday[0]["end"] == {"date": "2024-03-02"}
    bounded = (
        svc.events()
        .list(
            calendarId="primary",
            singleEvents=True,
            q="forever",
            timeMin="2024-02-01T00:00:00Z",
            timeMax="2024-02-08T00:00:00Z",
            orderBy="startTime",
        )
        .execute()["items"]
    )
    assert len(bounded) == 7 and bounded[0]["id"] == "forever_20240201T120000Z"
    assert bounded[0]["start"]["dateTime"] == "2024-02-01T07:00:00-05:00"  # calendar's zone
    listed = svc.events().list(calendarId="primary", timeMin="2030-01-01T00:00:00Z").execute()
    assert [e["id"] for e in listed["items"]] == ["forever"]  # unbounded series reaches 2030


def test_filled_in_fields(emulator_factory) -> None:
    emu = emulator_factory(DATA)
    item = build_service(emu).events().list(calendarId="bob@example.org").execute()["items"][0]
    for key in ("kind", "etag", "created", "updated", "htmlLink", "iCalUID", "sequence", "status"):
        assert key in item
    assert item["iCalUID"] == "dst@google.com"


def test_a_later_page_of_2500_events_continues_the_first(emulator_factory) -> None:
    # How fast the emulator serves such pages is measured by `python -m bench`, not here.
    emu = emulator_factory(extra_events=20000)
    svc = build_service(emu)
    first = svc.events().list(calendarId="primary", maxResults=2500).execute()
    second = (
        svc.events()
        .list(calendarId="primary", maxResults=2500, pageToken=first["nextPageToken"])
        .execute()
    )
    assert len(first["items"]) == len(second["items"]) == 2500
    assert not {e["id"] for e in first["items"]} & {e["id"] for e in second["items"]}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery differs on Windows")
def test_standalone_server_prints_urls_and_stops_quietly(tmp_path) -> None:
    secrets = tmp_path / "cs.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gcal.emulator",
            "--port",
            "0",
            "--client-secrets-out",
            str(secrets),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = proc.stdout.readline()
        second = proc.stdout.readline()
        assert first.startswith("gcal emulator listening on http://127.0.0.1:")
        assert second.startswith("API endpoint: http://127.0.0.1:")
        assert second.rstrip().endswith("/calendar/v3/")
        proc.stdout.readline()
        assert json.loads(secrets.read_text())["installed"]["token_uri"].endswith("/token")
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "Traceback" not in err


def _contents(store) -> object:
    """Everything a store answers from, comparable with ==."""
    calendars = {
        cid: (
            cal.entry,
            (cal.stamp, cal.order, cal.own_org, cal.listed, cal.updated),
            {
                eid: (ev.resource, ev.order, ev.stamp, ev.hidden, ev.start_ts, ev.end_ts)
                for eid, ev in cal.events.items()
            },
            {rid: {k: ev.id for k, ev in by.items()} for rid, by in cal.exceptions.items()},
        )
        for cid, cal in store.calendars.items()
    }
    rest = {k: v for k, v in vars(store).items() if k not in ("lock", "calendars")}
    return calendars, rest


def test_each_demo_emulator_starts_from_the_demo_data_whatever_one_before_changed() -> None:
    # emulators of the demo account are copies of one loaded store: a change in one must not
    # reach the loaded store, nor the next emulator
    from gcal.emulator import Emulator
    from gcal.emulator.demo import PRIMARY_ID
    from gcal.emulator.demodata import build_demo_data, demo_moment
    from gcal.emulator.store import Store

    first = Emulator()
    fresh = _contents(Store(build_demo_data(*demo_moment())))
    assert _contents(first.store) == fresh
    event_id = next(iter(first.store.calendars[PRIMARY_ID].events))
    first.update_event(PRIMARY_ID, event_id, summary="Changed", location="Elsewhere")
    first.store.calendars[PRIMARY_ID].entry["summary"] = "Renamed"
    for ev in first.store.calendars[PRIMARY_ID].events.values():  # in place, to the depth
        for person in ev.resource.get("attendees", []):
            person["comment"] = "changed"
        ev.resource.setdefault("attendees", []).append({"email": "x@example.com"})
        ev.resource.get("start", {})["timeZone"] = "Asia/Tokyo"
    first.insert_event(PRIMARY_ID, {"id": "newevent1", "summary": "New", **_hour()})
    first.invalidate_sync_tokens()
    series = next(c for c in first.store.calendars.values() if c.exceptions)
    for by_start in series.exceptions.values():
        by_start.clear()
    assert _contents(first.store) != fresh
    assert _contents(Emulator().store) == fresh


def _hour() -> dict:
    return {
        "start": {"dateTime": "2030-01-07T09:00:00Z"},
        "end": {"dateTime": "2030-01-07T10:00:00Z"},
    }
