"""The layout of `gcal week` and `gcal month` (gcal.core.grid): pure, so tested without I/O.

Every case the views are known to get wrong elsewhere has a test: events crossing a week row's
or a month's edge, all-day events, midnight, DST days, Sunday weeks, odd month shapes, a day too
full for its cell. The properties at the end check the invariants on random calendars.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core.grid import (
    MONDAY,
    SUNDAY,
    Bar,
    Entry,
    grid_days,
    layout_month,
    layout_week,
    locale_week_start,
    month_days,
    parse_month,
    place,
    span_bounds,
    week_days,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
D = datetime.date


def allday(eid: str, first: str, stop: str, **extra: Any) -> Dict[str, Any]:
    return {"id": eid, "summary": eid, "start": {"date": first}, "end": {"date": stop}, **extra}


def timed(eid: str, start: str, end: str, **extra: Any) -> Dict[str, Any]:
    return {
        "id": eid,
        "summary": eid,
        "start": {"dateTime": start},
        "end": {"dateTime": end},
        **extra,
    }


def ids(entries: List[Entry]) -> List[str]:
    return [e.item.event["id"] for e in entries]


def bars_by_id(row) -> Dict[str, Bar]:
    return {bar.item.event["id"]: bar for bar in row.bars}


# --------------------------------------------------------------------------------------------
# Spans


def test_week_days_monday_and_sunday_starts():
    wednesday = D(2024, 6, 5)
    assert week_days(wednesday, MONDAY) == [D(2024, 6, 3) + datetime.timedelta(k) for k in range(7)]
    assert week_days(wednesday, SUNDAY)[0] == D(2024, 6, 2)
    assert week_days(wednesday, SUNDAY)[-1] == D(2024, 6, 8)
    assert week_days(D(2024, 6, 2), SUNDAY)[0] == D(2024, 6, 2)  # a Sunday starts its own week
    assert week_days(D(2024, 6, 2), MONDAY)[0] == D(2024, 5, 27)  # and ends a Monday week
    assert week_days(wednesday, MONDAY, 5)[-1] == D(2024, 6, 7)  # a work week


def test_month_starting_on_sunday_and_ending_on_monday():
    # September 2024: Sunday the 1st .. Monday the 30th.
    monday_rows = month_days(2024, 9, MONDAY)
    assert len(monday_rows) == 6
    assert monday_rows[0][0] == D(2024, 8, 26) and monday_rows[0][-1] == D(2024, 9, 1)
    assert monday_rows[-1][0] == D(2024, 9, 30) and monday_rows[-1][-1] == D(2024, 10, 6)
    sunday_rows = month_days(2024, 9, SUNDAY)
    assert len(sunday_rows) == 5
    assert sunday_rows[0][0] == D(2024, 9, 1)
    assert sunday_rows[-1] == [D(2024, 9, 29) + datetime.timedelta(k) for k in range(7)]

    grid = layout_month([], 2024, 9, BERLIN, week_start=MONDAY)
    flags = [(day.date, day.in_span) for row in grid.rows for day in row.days]
    assert [d for d, inside in flags if inside] == [
        D(2024, 9, 1) + datetime.timedelta(k) for k in range(30)
    ]
    assert sum(not inside for _, inside in flags) == 12


def test_february_of_four_rows():
    assert len(month_days(2021, 2, MONDAY)) == 4  # Feb 2021: Monday 1st, 28 days


def test_span_bounds_of_a_dst_day_are_23_hours():
    start, end = span_bounds(D(2024, 3, 31), D(2024, 3, 31), BERLIN)
    assert start.isoformat() == "2024-03-31T00:00:00+01:00"
    assert end.isoformat() == "2024-04-01T00:00:00+02:00"
    assert end.astimezone(datetime.timezone.utc) - start == datetime.timedelta(hours=23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-06", (2024, 6)),
        ("2024-6", (2024, 6)),
        ("2024-06-15", (2024, 6)),
        ("june", (2025, 6)),
        ("Jun", (2025, 6)),
        ("sept", (2025, 9)),
        ("june 2024", (2024, 6)),
        (None, (2025, 1)),
        ("this", (2025, 1)),
        ("next", (2025, 2)),
        ("last", (2024, 12)),
    ],
)
def test_parse_month(text, expected):
    assert parse_month(text, D(2025, 1, 20)) == expected


@pytest.mark.parametrize("text", ["2024-13", "juin", "2024-02-30", "", "next year", "24-06"])
def test_parse_month_rejects(text):
    with pytest.raises(ValueError):
        parse_month(text, D(2025, 1, 20))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "en_US.UTF-8"}, SUNDAY),
        ({"LANG": "de_DE.UTF-8"}, MONDAY),
        ({"LANG": "en_US.UTF-8", "LC_TIME": "en_GB.UTF-8"}, MONDAY),
        ({"LC_ALL": "ja_JP.UTF-8", "LC_TIME": "de_DE"}, SUNDAY),
        ({"LANG": "C.UTF-8"}, MONDAY),
        ({}, MONDAY),
    ],
)
def test_locale_week_start(env, expected):
    assert locale_week_start(env) == expected


# --------------------------------------------------------------------------------------------
# Week


def test_all_day_and_multi_day_bars_across_a_week_boundary():
    events = [
        allday("trip", "2024-06-07", "2024-06-12"),  # Fri .. Tue (end exclusive)
        allday("holiday", "2024-06-10", "2024-06-11"),  # Monday only
    ]
    first = layout_week(events, week_days(D(2024, 6, 5)), BERLIN)
    (trip,) = first.rows[0].bars
    assert (trip.first, trip.last) == (4, 6)
    assert not trip.continues_before and trip.continues_after

    second = layout_week(events, week_days(D(2024, 6, 10)), BERLIN).rows[0]
    bars = bars_by_id(second)
    assert (bars["trip"].first, bars["trip"].last) == (0, 1)
    assert bars["trip"].continues_before and not bars["trip"].continues_after
    assert (bars["holiday"].first, bars["holiday"].last) == (0, 0)
    assert bars["trip"].lane == 0 and bars["holiday"].lane == 1  # longer first, own lanes
    assert all(not day.entries for day in second.days)


def test_bars_share_a_lane_when_they_do_not_overlap():
    events = [
        allday("a", "2024-06-03", "2024-06-05"),
        allday("b", "2024-06-05", "2024-06-06"),
        allday("c", "2024-06-04", "2024-06-06"),
    ]
    bars = bars_by_id(layout_week(events, week_days(D(2024, 6, 3)), BERLIN).rows[0])
    assert bars["a"].lane == 0 and bars["b"].lane == 0 and bars["c"].lane == 1


def test_a_timed_event_of_a_day_or_more_is_a_bar_in_the_display_zone():
    event = timed("conf", "2024-06-04T16:00:00Z", "2024-06-06T09:00:00Z")
    row = layout_week([event], week_days(D(2024, 6, 3)), BERLIN).rows[0]
    (bar,) = row.bars
    assert (bar.first, bar.last) == (1, 3)  # Tue 18:00 .. Thu 11:00 Berlin


def test_an_event_crossing_midnight_is_on_both_days():
    event = timed("party", "2024-06-07T22:00:00+02:00", "2024-06-08T02:00:00+02:00")
    row = layout_week([event], week_days(D(2024, 6, 3)), BERLIN).rows[0]
    assert not row.bars
    friday, saturday = row.days[4], row.days[5]
    assert ids(friday.entries) == ["party"] and ids(saturday.entries) == ["party"]
    assert friday.entries[0].continues and not friday.entries[0].continued
    assert saturday.entries[0].continued and not saturday.entries[0].continues
    # The same instant read in New York is Friday afternoon: one day only.
    row_ny = layout_week([event], week_days(D(2024, 6, 3)), NEW_YORK).rows[0]
    assert [len(day.entries) for day in row_ny.days] == [0, 0, 0, 0, 1, 0, 0]


def test_an_event_ending_at_midnight_stays_on_its_day():
    event = timed("late", "2024-06-07T23:00:00+02:00", "2024-06-08T00:00:00+02:00")
    row = layout_week([event], week_days(D(2024, 6, 3)), BERLIN).rows[0]
    assert [len(day.entries) for day in row.days] == [0, 0, 0, 0, 1, 0, 0]
    assert not row.days[4].entries[0].continues


def test_a_continued_entry_comes_first_then_start_order_across_calendars():
    events = [
        timed("b", "2024-06-08T09:00:00+02:00", "2024-06-08T10:00:00+02:00", calendarId="x"),
        timed("a", "2024-06-08T07:00:00Z", "2024-06-08T08:00:00Z", calendarId="y"),  # 09:00
        timed("night", "2024-06-07T23:00:00+02:00", "2024-06-08T01:00:00+02:00"),
        timed("early", "2024-06-08T06:00:00+02:00", "2024-06-08T06:30:00+02:00"),
    ]
    row = layout_week(events, week_days(D(2024, 6, 3)), BERLIN).rows[0]
    assert ids(row.days[5].entries) == ["night", "early", "b", "a"]  # ties keep merged order


def test_dst_days_in_the_display_zone():
    events = [
        # Spring forward in Berlin (02:00 -> 03:00): 01:30 CET to 03:30 CEST is one hour.
        timed("spring", "2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00"),
        # A whole local day of 23 hours is not a bar, and does not touch April 1.
        timed("day23", "2024-03-31T00:00:00+01:00", "2024-04-01T00:00:00+02:00"),
        # Fall back (03:00 -> 02:00): the two 02:30s, ordered by instant.
        timed("second", "2024-10-27T02:30:00+01:00", "2024-10-27T02:45:00+01:00"),
        timed("first", "2024-10-27T02:30:00+02:00", "2024-10-27T02:45:00+02:00"),
    ]
    spring = layout_week(events, week_days(D(2024, 3, 31)), BERLIN).rows[0]
    assert not spring.bars
    assert ids(spring.days[6].entries) == ["day23", "spring"]
    assert [len(day.entries) for day in spring.days] == [0, 0, 0, 0, 0, 0, 2]
    autumn = layout_week(events, week_days(D(2024, 10, 27)), BERLIN).rows[0]
    assert ids(autumn.days[6].entries) == ["first", "second"]
    assert [e.item.start.strftime("%H:%M") for e in autumn.days[6].entries] == ["02:30"] * 2


def test_week_starting_sunday_puts_sunday_events_first():
    events = [allday("sun", "2024-06-02", "2024-06-03"), allday("sat", "2024-06-08", "2024-06-09")]
    row = layout_week(events, week_days(D(2024, 6, 5), SUNDAY), BERLIN).rows[0]
    bars = bars_by_id(row)
    assert bars["sun"].first == 0 and bars["sat"].first == 6


def test_today_cancelled_declined_and_unreadable_events():
    me_declined = {"attendees": [{"email": "a@x", "self": True, "responseStatus": "declined"}]}
    other_declined = {"attendees": [{"email": "b@x", "responseStatus": "declined"}]}
    events = [
        timed("no", "2024-06-04T09:00:00Z", "2024-06-04T10:00:00Z", **me_declined),
        timed("yes", "2024-06-04T11:00:00Z", "2024-06-04T12:00:00Z", **other_declined),
        timed("gone", "2024-06-04T13:00:00Z", "2024-06-04T14:00:00Z", status="cancelled"),
        {"id": "broken", "start": {"dateTime": "soon"}, "end": {}},
        {"id": "bare", "start": {"date": "2024-06-05"}},  # no end: one day
    ]
    days = week_days(D(2024, 6, 3))
    row = layout_week(events, days, BERLIN, today=D(2024, 6, 4)).rows[0]
    assert [day.today for day in row.days] == [False, True, False, False, False, False, False]
    assert ids(row.days[1].entries) == ["no", "yes"]
    assert [e.item.declined for e in row.days[1].entries] == [True, False]
    assert [(b.item.event["id"], b.first, b.last) for b in row.bars] == [("bare", 2, 2)]
    dropped = layout_week(events, days, BERLIN, no_declined=True).rows[0]
    assert ids(dropped.days[1].entries) == ["yes"]


def test_events_outside_the_span_are_ignored():
    events = [timed("before", "2024-06-02T09:00:00Z", "2024-06-02T10:00:00Z")]
    row = layout_week(events, week_days(D(2024, 6, 3)), BERLIN).rows[0]
    assert not row.bars and all(not day.entries for day in row.days)


# --------------------------------------------------------------------------------------------
# Month


def test_a_bar_continues_across_week_rows_and_the_month_boundary():
    events = [allday("trip", "2024-06-28", "2024-07-03")]  # Fri Jun 28 .. Tue Jul 2
    june = layout_month(events, 2024, 6, BERLIN)
    last_row = june.rows[-1]
    assert last_row.days[0].date == D(2024, 6, 24)
    (bar,) = last_row.bars
    assert (bar.first, bar.last, bar.continues_after) == (4, 6, True)
    july = layout_month(events, 2024, 7, BERLIN)
    (bar,) = july.rows[0].bars
    assert july.rows[0].days[0].date == D(2024, 7, 1)
    assert (bar.first, bar.last, bar.continues_before, bar.continues_after) == (0, 1, True, False)

    across = [allday("span", "2024-06-06", "2024-06-12")]  # Thu .. Tue: two week rows
    rows = [r for r in layout_month(across, 2024, 6, BERLIN).rows if r.bars]
    assert [(r.bars[0].first, r.bars[0].last) for r in rows] == [(3, 6), (0, 1)]
    assert rows[0].bars[0].continues_after and rows[1].bars[0].continues_before
    cells = grid_days(layout_month(across, 2024, 6, BERLIN))
    assert all(cells[D(2024, 6, d)].lines[0] is not None for d in range(6, 12))


def test_days_outside_the_month_are_flagged_but_keep_their_events():
    events = [timed("may", "2024-05-31T09:00:00Z", "2024-05-31T10:00:00Z")]
    cells = grid_days(layout_month(events, 2024, 6, BERLIN))
    may31 = cells[D(2024, 5, 31)]
    assert not may31.in_span and ids(may31.entries) == ["may"]
    assert cells[D(2024, 6, 1)].in_span


def test_thirty_events_on_one_day_give_more():
    events = [
        timed(
            f"e{k:02}", f"2024-06-12T{8 + k // 4:02}:{(k % 4) * 15:02}:00Z", "2024-06-12T23:00:00Z"
        )
        for k in range(30)
    ]
    cells = grid_days(layout_month(events, 2024, 6, BERLIN, lines=3))
    day = cells[D(2024, 6, 12)]
    assert [line.item.event["id"] for line in day.lines] == ["e00", "e01", "e02"]
    assert day.more == 27
    week = layout_week(events, week_days(D(2024, 6, 12)), BERLIN).rows[0]
    assert len(week.days[2].entries) == 30  # the week shows them all


def test_month_lines_keep_bar_lanes_and_fill_the_gaps():
    events = [
        allday("long", "2024-06-03", "2024-06-06"),  # Mon..Wed, lane 0
        allday("short", "2024-06-04", "2024-06-05"),  # Tue, lane 1
        timed("t1", "2024-06-03T09:00:00Z", "2024-06-03T10:00:00Z"),
        timed("t2", "2024-06-03T11:00:00Z", "2024-06-03T12:00:00Z"),
        timed("t3", "2024-06-04T09:00:00Z", "2024-06-04T10:00:00Z"),
    ]
    cells = grid_days(layout_month(events, 2024, 6, BERLIN, lines=2))
    monday, tuesday = cells[D(2024, 6, 3)], cells[D(2024, 6, 4)]
    assert [line.item.event["id"] for line in monday.lines] == ["long", "t1"]
    assert monday.more == 1
    assert [line.item.event["id"] for line in tuesday.lines] == ["long", "short"]
    assert tuesday.more == 1
    assert isinstance(tuesday.lines[1], Bar)
    empty = cells[D(2024, 6, 20)]
    assert empty.lines == [None, None] and empty.more == 0


def test_zero_lines_counts_everything_as_more():
    events = [allday("a", "2024-06-03", "2024-06-04"), timed("b", "2024-06-03T09:00:00Z", "")]
    day = grid_days(layout_month(events, 2024, 6, BERLIN, lines=0))[D(2024, 6, 3)]
    assert day.lines == [] and day.more == 2


# --------------------------------------------------------------------------------------------
# Properties

ZONES = [BERLIN, NEW_YORK, ZoneInfo("Asia/Tokyo"), ZoneInfo("Australia/Lord_Howe")]
BASE = datetime.datetime(2024, 3, 20, tzinfo=datetime.timezone.utc)


@st.composite
def events_strategy(draw) -> List[Dict[str, Any]]:
    count = draw(st.integers(0, 25))
    events = []
    for k in range(count):
        if draw(st.booleans()):
            first = BASE.date() + datetime.timedelta(days=draw(st.integers(-3, 50)))
            length = draw(st.integers(1, 12))
            events.append(
                allday(f"a{k}", first.isoformat(), (first + datetime.timedelta(length)).isoformat())
            )
        else:
            start = BASE + datetime.timedelta(minutes=15 * draw(st.integers(-300, 4800)))
            end = start + datetime.timedelta(minutes=15 * draw(st.integers(0, 300)))
            events.append(timed(f"t{k}", start.isoformat(), end.isoformat()))
    return events


def _covers(item, day: datetime.date) -> bool:
    return item.first_day <= day <= item.last_day


@settings(max_examples=150, deadline=None)
@given(
    events_strategy(),
    st.sampled_from(ZONES),
    st.integers(0, 40),
    st.sampled_from([MONDAY, SUNDAY]),
    st.integers(1, 7),
)
def test_week_shows_every_event_once_on_each_day_it_covers(events, zone, offset, start, n):
    days = week_days(BASE.date() + datetime.timedelta(days=offset), start, n)
    row = layout_week(events, days, zone).rows[0]
    for item in place(events, zone):
        for column, day in enumerate(days):
            as_bar = [
                b for b in row.bars if b.item.index == item.index and b.first <= column <= b.last
            ]
            as_entry = [e for e in row.days[column].entries if e.item.index == item.index]
            expected = 1 if _covers(item, day) else 0
            assert len(as_bar) + len(as_entry) == expected
            assert not (as_bar and not item.is_bar) and not (as_entry and item.is_bar)
    lanes: Dict[int, List[Bar]] = {}
    for bar in row.bars:
        for other in lanes.get(bar.lane, []):
            assert bar.last < other.first or other.last < bar.first
        lanes.setdefault(bar.lane, []).append(bar)
        assert bar.continues_before == (bar.item.first_day < days[0])
        assert bar.continues_after == (bar.item.last_day > days[-1])
    assert sorted(lanes) == list(range(len(lanes)))  # no empty lane


@settings(max_examples=100, deadline=None)
@given(
    events_strategy(),
    st.sampled_from(ZONES),
    st.sampled_from([(2024, 3), (2024, 4), (2024, 2)]),
    st.sampled_from([MONDAY, SUNDAY]),
    st.integers(0, 5),
)
def test_month_cells_account_for_every_event(events, zone, month, start, lines):
    grid = layout_month(events, *month, zone, week_start=start, lines=lines)
    items = place(events, zone)
    all_days = [day.date for row in grid.rows for day in row.days]
    assert all_days == sorted(all_days)
    assert len(set(all_days)) == len(all_days) and len(all_days) % 7 == 0
    assert all_days[0].weekday() == start
    for row in grid.rows:
        for day in row.days:
            covering = {item.index for item in items if _covers(item, day.date)}
            shown = [line.item.index for line in day.lines if line is not None]
            assert len(day.lines) == lines
            assert len(set(shown)) == len(shown)
            assert set(shown) <= covering
            assert len(shown) + day.more == len(covering)
            assert day.in_span == (day.date.month == month[1])
