"""The pure merge of per-calendar event streams (gcal.core.merge) and the day slots of events
(gcal.core.days): examples and properties."""

from __future__ import annotations

import datetime
from typing import Any, Dict, Iterator, List
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core.days import covered_days, day_slots
from gcal.core.merge import event_key, event_span, merge_streams

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
UTC = datetime.timezone.utc


def timed(eid: str, start: datetime.datetime, minutes: int = 30) -> Dict[str, Any]:
    end = start + datetime.timedelta(minutes=minutes)
    return {
        "id": eid,
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": end.isoformat()},
    }


def allday(eid: str, day: datetime.date, days: int = 1) -> Dict[str, Any]:
    end = day + datetime.timedelta(days=days)
    return {"id": eid, "start": {"date": day.isoformat()}, "end": {"date": end.isoformat()}}


def ids(merged) -> List[tuple]:
    return [(i, e["id"]) for i, e in merged]


# -- examples ---------------------------------------------------------------------------------


def test_orders_by_start_then_end_then_calendar():
    t = datetime.datetime(2024, 6, 3, 9, 0, tzinfo=BERLIN)
    a = [timed("a1", t, 60), timed("a2", t + datetime.timedelta(hours=2))]
    b = [timed("b1", t, 30), timed("b2", t, 60)]
    assert ids(merge_streams([a, b], BERLIN)) == [(1, "b1"), (0, "a1"), (1, "b2"), (0, "a2")]


def test_all_day_events_start_at_midnight_of_the_display_zone():
    day = datetime.date(2024, 6, 4)
    # 23:30 on the 3rd in Berlin is 06:30 on the 4th in Tokyo.
    late = timed("late", datetime.datetime(2024, 6, 3, 23, 30, tzinfo=BERLIN))
    holiday = allday("holiday", day)
    assert ids(merge_streams([[late], [holiday]], BERLIN)) == [(0, "late"), (1, "holiday")]
    assert ids(merge_streams([[late], [holiday]], TOKYO)) == [(1, "holiday"), (0, "late")]


def test_a_stream_ordered_in_another_zone_is_put_in_display_order():
    # A New York calendar's API order: the all-day event at New York midnight (06:00 Berlin)
    # comes after a timed event at 03:00 Berlin; in Berlin, the all-day event starts first.
    stream = [
        timed("night", datetime.datetime(2024, 6, 4, 3, 0, tzinfo=BERLIN)),
        allday("day", datetime.date(2024, 6, 4)),
        timed("later", datetime.datetime(2024, 6, 9, 3, 0, tzinfo=BERLIN)),
    ]
    assert [e["id"] for _, e in merge_streams([stream], BERLIN)] == ["day", "night", "later"]


def test_cancelled_instances_and_unreadable_times_do_not_stop_the_merge():
    t = datetime.datetime(2024, 6, 3, 9, 0, tzinfo=UTC)
    cancelled = {
        "id": "c",
        "status": "cancelled",
        "originalStartTime": {"dateTime": "2024-06-03T08:00:00Z"},
    }
    odd = {"id": "odd", "start": {"dateTime": "garbage"}}
    merged = ids(merge_streams([[cancelled, timed("x", t)], [odd]], UTC))
    assert sorted(merged) == [(0, "c"), (0, "x"), (1, "odd")]
    assert merged.index((0, "c")) < merged.index((0, "x"))


def test_the_merge_is_lazy():
    """The first row comes out while later pages of every stream are still to come."""
    t = datetime.datetime(2024, 6, 3, 9, 0, tzinfo=UTC)
    pulled: List[str] = []

    def stream(name: str, hours: int) -> Iterator[dict]:
        for k in range(hours):
            pulled.append(f"{name}{k}")
            yield timed(f"{name}{k}", t + datetime.timedelta(days=3 * k))

    merged = merge_streams([stream("a", 100), stream("b", 100)], UTC)
    first = next(merged)
    assert first[1]["id"] == "a0"
    assert len(pulled) < 10


def test_event_span_of_all_day_and_timed():
    day = datetime.date(2024, 3, 31)  # DST starts in Berlin: the day has 23 hours
    start, end = event_span(allday("x", day), BERLIN)
    assert end - start == 23 * 3600
    assert event_key({"start": {}}, BERLIN) is None


def test_day_slots_of_multi_day_events():
    start = datetime.datetime(2024, 6, 3, 22, 0, tzinfo=BERLIN)
    night = timed("night", start, minutes=9 * 60 + 10)
    slots = day_slots(night, BERLIN)
    assert [(s.day.day, s.index, s.total) for s in slots] == [(3, 1, 2), (4, 2, 2)]
    assert slots[0].starts == start and slots[0].ends is None
    assert slots[1].starts is None and slots[1].ends.hour == 7
    conference = allday("conf", datetime.date(2024, 6, 5), 3)
    assert [s.day.day for s in day_slots(conference, BERLIN)] == [5, 6, 7]
    window = day_slots(conference, BERLIN, datetime.date(2024, 6, 6), datetime.date(2024, 6, 6))
    assert [(s.index, s.total) for s in window] == [(2, 3)]
    to_midnight = timed("m", datetime.datetime(2024, 6, 3, 23, 0, tzinfo=BERLIN), 60)
    assert covered_days(to_midnight, BERLIN) == [datetime.date(2024, 6, 3)]


# -- properties -------------------------------------------------------------------------------

_BASE = datetime.datetime(2024, 1, 1, tzinfo=UTC)
_ZONES = [UTC, BERLIN, TOKYO, NEW_YORK]


@st.composite
def events(draw) -> Dict[str, Any]:
    if draw(st.booleans()):
        day = _BASE.date() + datetime.timedelta(days=draw(st.integers(0, 20)))
        return allday("x", day, draw(st.integers(1, 3)))
    start = _BASE + datetime.timedelta(minutes=15 * draw(st.integers(0, 20 * 96)))
    zone = draw(st.sampled_from(_ZONES))
    return timed("x", start.astimezone(zone), 15 * draw(st.integers(0, 200)))


def api_order(items: List[dict], zone: datetime.tzinfo) -> List[dict]:
    """How the API orders one calendar's listing: by start in the calendar's own zone."""
    return sorted(items, key=lambda e: event_key(e, zone)[0])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_ZONES), st.lists(events(), max_size=15)), min_size=1, max_size=5
    ),
    st.sampled_from(_ZONES),
)
def test_merge_is_a_sorted_permutation(calendars, display):
    streams = []
    for c, (zone, items) in enumerate(calendars):
        for k, item in enumerate(items):
            item["id"] = f"{c}-{k}"
        streams.append(api_order(items, zone))
    merged = list(merge_streams(streams, display))
    # every event exactly once, tagged with its own stream
    assert sorted((i, e["id"]) for i, e in merged) == sorted(
        (c, e["id"]) for c, s in enumerate(streams) for e in s
    )
    assert all(e["id"].startswith(f"{i}-") for i, e in merged)
    keys = [(event_key(e, display), i) for i, e in merged]
    assert keys == sorted(keys)


@settings(max_examples=200, deadline=None)
@given(events(), st.sampled_from(_ZONES))
def test_day_slots_cover_the_event_without_gaps(event, zone):
    slots = day_slots(event, zone)
    assert slots, event
    days = [s.day for s in slots]
    assert days == [days[0] + datetime.timedelta(days=k) for k in range(len(days))]
    assert [s.index for s in slots] == list(range(1, len(slots) + 1))
    assert all(s.total == len(slots) for s in slots)
