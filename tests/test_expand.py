"""Local expansion of recurring events (gcal.core.expand): unit tests of the rules, and
property tests that it says exactly what the emulator's events.list says with singleEvents."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator_http import api_get, list_events
from gcal.core import expand
from gcal.emulator import Emulator
from gcal.emulator.demo import default_anchor

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def ts(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def weekly(**extra: Any) -> Dict[str, Any]:
    event = {
        "id": "sync",
        "status": "confirmed",
        "summary": "Sync",
        "start": {"dateTime": "2024-03-19T09:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2024-03-19T09:30:00+01:00", "timeZone": "Europe/Berlin"},
        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"],
    }
    event.update(extra)
    return event


def starts(events: List[Dict[str, Any]]) -> List[str]:
    return [e["start"].get("dateTime") or e["start"]["date"] for e in events]


def test_a_series_keeps_its_wall_clock_across_dst_and_gets_google_ids() -> None:
    got = expand.single_events([weekly()], BERLIN, (None, None))
    assert starts(got) == [  # Berlin moves to summer time on 31 March
        "2024-03-19T09:00:00+01:00",
        "2024-03-26T09:00:00+01:00",
        "2024-04-02T09:00:00+02:00",
        "2024-04-09T09:00:00+02:00",
    ]
    assert [e["id"] for e in got] == [
        "sync_20240319T080000Z",
        "sync_20240326T080000Z",
        "sync_20240402T070000Z",
        "sync_20240409T070000Z",
    ]
    first = got[0]
    assert first["recurringEventId"] == "sync"
    assert first["originalStartTime"] == first["start"]
    assert first["end"]["dateTime"] == "2024-03-19T09:30:00+01:00"
    assert "recurrence" not in first and first["summary"] == "Sync"


def test_times_are_written_in_the_calendar_zone_with_the_series_zone_named() -> None:
    got = expand.single_events([weekly()], NEW_YORK, (None, None))
    assert got[0]["start"] == {
        "dateTime": "2024-03-19T04:00:00-04:00",
        "timeZone": "Europe/Berlin",
    }
    # New York changed on 10 March, Berlin on 31 March: 09:00 Berlin is 03:00 there then 04:00
    assert got[2]["start"]["dateTime"] == "2024-04-02T03:00:00-04:00"


def test_exdate_rdate_and_until_in_utc() -> None:
    series = weekly(
        recurrence=[
            "RRULE:FREQ=WEEKLY;UNTIL=20240409T070000Z",
            "EXDATE;TZID=Europe/Berlin:20240326T090000",
            "RDATE:20240328T120000Z",
        ]
    )
    got = expand.single_events([series], BERLIN, (None, None))
    assert starts(got) == [
        "2024-03-19T09:00:00+01:00",
        "2024-03-28T13:00:00+01:00",
        "2024-04-02T09:00:00+02:00",
        "2024-04-09T09:00:00+02:00",
    ]


def test_moved_and_cancelled_exceptions_replace_their_instances() -> None:
    moved = {
        "id": "sync_20240326T080000Z",
        "status": "confirmed",
        "summary": "Sync (moved)",
        "recurringEventId": "sync",
        "originalStartTime": {"dateTime": "2024-03-26T09:00:00+01:00"},
        "start": {"dateTime": "2024-03-27T14:00:00+01:00"},
        "end": {"dateTime": "2024-03-27T14:30:00+01:00"},
    }
    cancelled = {
        "id": "sync_20240402T070000Z",
        "status": "cancelled",
        "recurringEventId": "sync",
        "originalStartTime": {"dateTime": "2024-04-02T09:00:00+02:00"},
    }
    got = expand.single_events([weekly(), moved, cancelled], BERLIN, (None, None))
    assert [e["id"] for e in got] == [
        "sync_20240319T080000Z",
        "sync_20240326T080000Z",
        "sync_20240409T070000Z",
    ]
    assert got[1] is moved
    shown = expand.single_events(
        [weekly(), moved, cancelled], BERLIN, (None, None), show_deleted=True
    )
    assert cancelled in shown


def test_all_day_series_ids_and_dates() -> None:
    series = {
        "id": "bins",
        "status": "confirmed",
        "start": {"date": "2024-10-25"},
        "end": {"date": "2024-10-26"},
        "recurrence": ["RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3", "EXDATE;VALUE=DATE:20241108"],
    }
    got = expand.single_events([series], BERLIN, (None, None))
    assert [e["id"] for e in got] == ["bins_20241025", "bins_20241122"]
    assert got[1]["start"] == {"date": "2024-11-22"} and got[1]["end"] == {"date": "2024-11-23"}
    assert got[1]["originalStartTime"] == {"date": "2024-11-22"}


def test_window_is_exclusive_at_both_ends() -> None:
    series = weekly()
    end_first = ts("2024-03-19T09:30:00+01:00")
    start_last = ts("2024-04-09T09:00:00+02:00")
    got = expand.single_events([series], BERLIN, (end_first, start_last))
    assert [e["id"] for e in got] == ["sync_20240326T080000Z", "sync_20240402T070000Z"]
    # an instance still going at timeMin is included
    got = expand.single_events([series], BERLIN, (end_first - 1, end_first))
    assert [e["id"] for e in got] == ["sync_20240319T080000Z"]


def test_a_wall_time_in_the_dst_gap_is_the_local_time_after_it() -> None:
    series = weekly(
        start={"dateTime": "2024-03-24T02:30:00+01:00", "timeZone": "Europe/Berlin"},
        end={"dateTime": "2024-03-24T03:00:00+01:00", "timeZone": "Europe/Berlin"},
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=2"],
    )
    got = expand.single_events([series], BERLIN, (None, None))
    assert starts(got) == ["2024-03-24T02:30:00+01:00", "2024-03-31T03:30:00+02:00"]
    assert got[1]["id"] == "sync_20240331T013000Z"


def test_unbounded_series_stop_at_the_horizon_and_series_end() -> None:
    daily = weekly(recurrence=["RRULE:FREQ=DAILY"])
    now = datetime(2024, 3, 19, tzinfo=UTC)
    got = expand.single_events([daily], BERLIN, (None, None), now=now)
    assert 730 <= len(got) <= 735
    assert expand.series_end(daily, BERLIN) == float("inf")
    assert expand.series_end(weekly(), BERLIN) == ts("2024-04-09T09:30:00+02:00")


def test_a_deleted_series_lists_nothing_or_cancelled_instances() -> None:
    series = weekly(status="cancelled")
    assert expand.single_events([series], BERLIN, (None, None)) == []
    shown = expand.single_events([series], BERLIN, (None, None), show_deleted=True)
    assert len(shown) == 4
    assert set(shown[0]) <= set(expand.CANCELLED_KEYS) and shown[0]["status"] == "cancelled"


# --------------------------------------------------------------------------------------------
# Against the emulator's own singleEvents answers, over HTTP


def test_every_demo_calendar_matches_the_emulator_over_dst_windows() -> None:
    anchor = default_anchor()
    with Emulator() as emu:
        token = emu.issue_tokens()["access_token"]
        listed = api_get(emu, "users/me/calendarList", token, showHidden=True)
        calendars = [c["id"] for c in listed["items"]]
        # windows around the anchor and across the next spring and autumn changes
        windows = [(anchor - timedelta(days=35), anchor + timedelta(days=42))]
        for month in (3, 10):
            year = anchor.year + (1 if (anchor.month, anchor.day) > (month, 20) else 0)
            windows.append((date(year, month, 20), date(year, month + 1, 5)))
        for cal in calendars:
            raw, last = list_events(emu, cal, token)
            zone = ZoneInfo(last["timeZone"])
            for lo, hi in windows:
                tmin = datetime(lo.year, lo.month, lo.day, tzinfo=UTC)
                tmax = datetime(hi.year, hi.month, hi.day, tzinfo=UTC)
                live, _ = list_events(
                    emu,
                    cal,
                    token,
                    singleEvents=True,
                    orderBy="startTime",
                    timeMin=tmin.isoformat(),
                    timeMax=tmax.isoformat(),
                )
                mine = expand.single_events(raw, zone, (tmin.timestamp(), tmax.timestamp()))
                assert mine == live, (cal, lo, hi)


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "UTC"]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def series_case(draw: Any) -> Dict[str, Any]:
    zone_name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(zone_name)
    all_day = draw(st.booleans())
    day = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]))
    interval = draw(st.integers(1, 3))
    rule = f"RRULE:FREQ={freq};INTERVAL={interval}"
    if freq == "WEEKLY" and draw(st.booleans()):
        days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True))
        rule += ";BYDAY=" + ",".join(days)
    count = draw(st.integers(1, 25))
    if draw(st.booleans()):
        rule += f";COUNT={count}"
    elif draw(st.booleans()):
        until = day + timedelta(days=draw(st.integers(0, 200)))
        rule += ";UNTIL=" + (
            until.strftime("%Y%m%d") if all_day else until.strftime("%Y%m%dT235959Z")
        )
    if all_day:
        length = draw(st.integers(1, 3))
        start = {"date": day.isoformat()}
        end = {"date": (day + timedelta(days=length)).isoformat()}
        first = datetime(day.year, day.month, day.day)
    else:
        hour = draw(st.integers(0, 23))
        minute = draw(st.sampled_from([0, 15, 30]))
        first = datetime(day.year, day.month, day.day, hour, minute)
        length_min = draw(st.sampled_from([0, 30, 60, 90, 24 * 60 + 30]))
        aware = first.replace(tzinfo=zone)
        start = {"dateTime": aware.isoformat(), "timeZone": zone_name}
        end = {
            "dateTime": (aware + timedelta(minutes=length_min)).isoformat(),
            "timeZone": zone_name,
        }
    recurrence = [rule]
    offsets = draw(st.lists(st.integers(0, 60), max_size=3, unique=True))
    fmt = "%Y%m%d" if all_day else "%Y%m%dT%H%M%S"
    for n, offset in enumerate(offsets):
        wall = first + timedelta(days=offset)
        kind = "EXDATE" if n % 2 == 0 else "RDATE"
        if all_day:
            recurrence.append(f"{kind};VALUE=DATE:{wall.strftime(fmt)}")
        else:
            recurrence.append(f"{kind};TZID={zone_name}:{wall.strftime(fmt)}")
    master = {"id": "s", "summary": "Series", "start": start, "end": end}
    master["recurrence"] = recurrence
    return {
        "master": master,
        "cal_zone": draw(st.sampled_from(ZONES)),
        "exceptions": draw(st.lists(st.tuples(st.integers(0, 8), st.booleans()), max_size=3)),
        "window": (draw(st.integers(-30, 400)), draw(st.integers(1, 120))),
        "day": day,
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(series_case())
def test_expansion_agrees_with_the_emulator(case: Dict[str, Any]) -> None:
    master = case["master"]
    data = {
        "calendars": [
            {"id": "c@example.com", "timeZone": case["cal_zone"], "events": [master]},
        ]
    }
    with Emulator(data) as emu:
        token = emu.issue_tokens()["access_token"]
        instances, _ = list_events(emu, "c@example.com", token, singleEvents=True)
        # make exceptions of some instances the API listed: moved an hour later, or cancelled
        for index, cancel in case["exceptions"]:
            if index >= len(instances) or instances[index].get("status") == "cancelled":
                continue
            inst = instances[index]
            change: Dict[str, Any] = {
                "id": inst["id"],
                "recurringEventId": "s",
                "originalStartTime": inst["originalStartTime"],
            }
            if cancel:
                change["status"] = "cancelled"
            else:
                change.update(summary="Moved", start=_later(inst["start"]), end=_later(inst["end"]))
            emu.insert_event("c@example.com", change)
        raw, last = list_events(emu, "c@example.com", token)
        offset, days = case["window"]
        lo = datetime.combine(case["day"], datetime.min.time(), UTC) + timedelta(days=offset)
        hi = lo + timedelta(days=days, hours=7)
        live, _ = list_events(
            emu,
            "c@example.com",
            token,
            singleEvents=True,
            orderBy="startTime",
            timeMin=lo.isoformat(),
            timeMax=hi.isoformat(),
        )
    mine = expand.single_events(raw, ZoneInfo(last["timeZone"]), (lo.timestamp(), hi.timestamp()))
    assert mine == live


def _later(when: Dict[str, Any]) -> Dict[str, Any]:
    if "date" in when:
        return {"date": (date.fromisoformat(when["date"]) + timedelta(days=1)).isoformat()}
    dt = datetime.fromisoformat(when["dateTime"]) + timedelta(hours=1)
    return dict(when, dateTime=dt.isoformat())


@pytest.mark.parametrize("bad", [{"id": "x"}, {"id": "x", "start": {"dateTime": "nonsense"}}])
def test_events_without_readable_times_are_left_out_not_fatal(bad: Optional[dict]) -> None:
    assert expand.single_events([bad], BERLIN, (None, None)) == []
