"""The free-slot arithmetic (gcal.core.slots) and the grammars of `gcal free` (freespec):
hand-made busy patterns, DST days, and hypothesis properties."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core import freespec, slots
from gcal.errors import UsageError

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.timezone.utc
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def at(day: int, hh: int, mm: int = 0, zone=BERLIN, month: int = 6) -> dt.datetime:
    return dt.datetime(2024, month, day, hh, mm, tzinfo=zone)


def week(zone=BERLIN):
    """Monday 2024-06-03 00:00 to the next Monday, in `zone`."""
    return at(3, 0, zone=zone), at(10, 0, zone=zone)


def clocks(intervals, zone=BERLIN):
    return [
        (s.astimezone(zone).strftime("%a %H:%M"), e.astimezone(zone).strftime("%a %H:%M"))
        for s, e in intervals
    ]


# -- hand-made patterns ----------------------------------------------------------------------


def test_merge_joins_overlapping_and_touching() -> None:
    merged = slots.merge(
        [(at(3, 10), at(3, 11)), (at(3, 9), at(3, 10)), (at(3, 10, 30), at(3, 12))]
    )
    assert merged == [(at(3, 9), at(3, 12))]
    assert slots.merge([(at(3, 9), at(3, 9))]) == []


def test_back_to_back_meetings_leave_no_gap() -> None:
    busy = [(at(3, 9), at(3, 10)), (at(3, 10), at(3, 11)), (at(3, 11), at(3, 12))]
    windows = [(at(3, 9), at(3, 17))]
    found = slots.free_slots(busy, windows, 30 * M, BERLIN)
    assert clocks(found) == [("Mon 12:00", "Mon 17:00")]


def test_working_hours_and_days() -> None:
    windows = slots.working_windows(*week(), BERLIN)
    assert clocks(windows) == [
        (f"{d} 09:00", f"{d} 17:00") for d in ["Mon", "Tue", "Wed", "Thu", "Fri"]
    ]
    weekend = slots.working_windows(*week(), BERLIN, days=freespec.parse_days("sat-sun"))
    assert clocks(weekend) == [("Sat 09:00", "Sat 17:00"), ("Sun 09:00", "Sun 17:00")]


def test_all_day_event_blocks_the_whole_day() -> None:
    busy = [(at(4, 0), at(5, 0))]  # Tuesday, as the API answers an all-day event
    found = slots.free_slots(busy, slots.working_windows(*week(), BERLIN), H, BERLIN)
    assert "Tue" not in {s for s, _ in clocks(found) for s in [s[:3]]}
    assert len(found) == 4


def test_window_starting_mid_meeting() -> None:
    start = at(3, 9, 30)
    busy = [(at(3, 9), at(3, 10))]
    windows = slots.working_windows(start, at(3, 18), BERLIN)
    found = slots.free_slots(busy, windows, 30 * M, BERLIN)
    assert clocks(found) == [("Mon 10:00", "Mon 17:00")]


def test_buffer_keeps_space_around_meetings() -> None:
    busy = [(at(3, 10), at(3, 11)), (at(3, 12), at(3, 13))]
    found = slots.free_slots(busy, [(at(3, 9), at(3, 17))], 30 * M, BERLIN, buffer=15 * M)
    assert clocks(found) == [
        ("Mon 09:00", "Mon 09:45"),
        ("Mon 11:15", "Mon 11:45"),
        ("Mon 13:15", "Mon 17:00"),
    ]


def test_step_aligns_starts_and_duration_drops_short_gaps() -> None:
    busy = [(at(3, 9), at(3, 10, 7)), (at(3, 10, 50), at(3, 11, 20))]
    found = slots.free_slots(busy, [(at(3, 9), at(3, 12))], 30 * M, BERLIN, step=15 * M)
    assert clocks(found) == [("Mon 10:15", "Mon 10:50"), ("Mon 11:30", "Mon 12:00")]
    found = slots.free_slots(busy, [(at(3, 9), at(3, 12))], 35 * M, BERLIN, step=15 * M)
    assert clocks(found) == [("Mon 10:15", "Mon 10:50")]  # 11:30-12:00 is only 30 minutes


def test_limit() -> None:
    found = slots.free_slots([], slots.working_windows(*week(), BERLIN), H, BERLIN, limit=2)
    assert clocks(found) == [("Mon 09:00", "Mon 17:00"), ("Tue 09:00", "Tue 17:00")]


def test_dst_spring_forward_day_keeps_local_hours() -> None:
    # 2024-03-31: Berlin clocks go 02:00 -> 03:00
    start, end = at(30, 0, month=3), at(2, 0, month=4)
    windows = slots.working_windows(start, end, BERLIN, days=slots.ALL_DAYS)
    assert clocks(windows) == [
        ("Sat 09:00", "Sat 17:00"),
        ("Sun 09:00", "Sun 17:00"),
        ("Mon 09:00", "Mon 17:00"),
    ]
    sunday = windows[1]
    assert sunday[0].astimezone(BERLIN).utcoffset() == 2 * H and sunday[1] - sunday[0] == 8 * H
    whole = slots.working_windows(
        start, end, BERLIN, hours=freespec.parse_hours("all"), days=slots.ALL_DAYS
    )
    assert whole == [(start, end)]
    assert whole[0][1] - whole[0][0] == 71 * H  # Sunday has 23 hours


def test_dst_fall_back_day_and_step() -> None:
    # 2024-11-03: New York clocks go 02:00 -> 01:00
    start, end = at(2, 0, zone=NEW_YORK, month=11), at(4, 0, zone=NEW_YORK, month=11)
    windows = slots.working_windows(
        start, end, NEW_YORK, hours=freespec.parse_hours("00:00-06:00"), days=slots.ALL_DAYS
    )
    sunday = windows[1]
    assert sunday[1] - sunday[0] == 7 * H  # 00:00-06:00 with an hour repeated
    busy = [
        (dt.datetime(2024, 11, 3, 5, 0, tzinfo=UTC), dt.datetime(2024, 11, 3, 5, 40, tzinfo=UTC))
    ]
    found = slots.free_slots(busy, [sunday], 30 * M, NEW_YORK, step=30 * M)
    # 05:40Z is 01:40 EDT; the next :00/:30 of the wall clock is the second 01:00 (EST, 06:00Z)
    assert found[1][0] == dt.datetime(2024, 11, 3, 6, 0, tzinfo=UTC)


def test_align_up_on_grid_and_in_offset_zone() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    when = dt.datetime(2024, 6, 3, 9, 7, tzinfo=kolkata)
    assert slots.align_up(when, 15 * M, kolkata) == dt.datetime(2024, 6, 3, 9, 15, tzinfo=kolkata)
    on = dt.datetime(2024, 6, 3, 9, 30, tzinfo=kolkata)
    assert slots.align_up(on, 15 * M, kolkata) == on


# -- grammars --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, minutes",
    [("30m", 30), ("1h", 60), ("1h30m", 90), ("90min", 90), ("2 hours", 120), ("45", 45)],
)
def test_parse_duration(text, minutes) -> None:
    assert freespec.parse_duration(text) == minutes * M


@pytest.mark.parametrize("text", ["", "abc", "1x", "h", "-5m", "1h 2"])
def test_parse_duration_rejects(text) -> None:
    with pytest.raises(UsageError):
        freespec.parse_duration(text)


def test_parse_hours_and_days() -> None:
    assert freespec.parse_hours("9-17") == (dt.time(9), dt.time(17))
    assert freespec.parse_hours("09:30-12:00") == (dt.time(9, 30), dt.time(12))
    assert freespec.parse_hours("22:00-06:00") == (dt.time(22), dt.time(6))
    assert freespec.parse_days("mon-fri") == slots.WORKDAYS
    assert freespec.parse_days("all") == slots.ALL_DAYS
    assert freespec.parse_days("fri-mon") == {4, 5, 6, 0}
    assert freespec.parse_days("Mon,Wednesday,fri") == {0, 2, 4}
    for bad in ("25:00-26:00", "9", "09:60-10:00"):
        with pytest.raises(UsageError):
            freespec.parse_hours(bad)
    for bad in ("", "mo", "funday", "mon-", "xyz-fri"):
        with pytest.raises(UsageError):
            freespec.parse_days(bad)


def test_format_duration() -> None:
    assert freespec.format_duration(90 * M) == "1h30m"
    assert freespec.format_duration(45 * M) == "45m"
    assert freespec.format_duration(26 * H) == "1d2h"


# -- properties ------------------------------------------------------------------------------

ZONES = [BERLIN, NEW_YORK, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Asia/Kolkata"), UTC]
# a span of the year that contains the DST changes of the northern and southern zones above
BASE = dt.datetime(2024, 3, 28, tzinfo=UTC)


@st.composite
def scenario(draw):
    zone = draw(st.sampled_from(ZONES))
    offset = draw(st.integers(0, 60 * 24 * 220))
    start = BASE + offset * M
    end = start + draw(st.integers(60, 60 * 24 * 9)) * M
    busy = []
    for _ in range(draw(st.integers(0, 25))):
        b_start = start + draw(st.integers(-600, int((end - start) / M))) * M
        busy.append((b_start, b_start + draw(st.integers(1, 600)) * M))
    h1 = draw(st.integers(0, 23))
    h2 = draw(st.integers(0, 23))
    hours = (dt.time(h1, draw(st.sampled_from([0, 30]))), dt.time(h2))
    days = frozenset(draw(st.sets(st.integers(0, 6), min_size=1)))
    duration = draw(st.integers(5, 240)) * M
    buffer = draw(st.sampled_from([0, 5, 10, 30])) * M
    step = draw(st.sampled_from([None, 5, 15, 30, 60]))
    return zone, start, end, busy, hours, days, duration, buffer, step and step * M


@settings(max_examples=150, deadline=None)
@given(scenario())
def test_slots_respect_busy_hours_days_buffer_duration_step(case) -> None:
    zone, start, end, busy, hours, days, duration, buffer, step = case
    windows = slots.working_windows(start, end, zone, hours, days)
    found = slots.free_slots(busy, windows, duration, zone, buffer=buffer, step=step)
    previous_end = None
    for s, e in found:
        assert e - s >= duration
        assert start <= s < e <= end
        if previous_end is not None:
            assert s >= previous_end  # ordered, never overlapping
        previous_end = e
        for b_s, b_e in busy:  # never within `buffer` of a busy block
            assert e + buffer <= b_s or s >= b_e + buffer
        assert any(w_s <= s and e <= w_e for w_s, w_e in windows)
        if step:
            local = s.astimezone(zone)
            since_midnight = dt.timedelta(hours=local.hour, minutes=local.minute)
            assert since_midnight % step == dt.timedelta(0) and local.second == 0
        if hours[0] < hours[1]:  # a day window: on an allowed day, within the hours
            ls, le = s.astimezone(zone), e.astimezone(zone)
            shifted = ls.utcoffset() != le.utcoffset()  # a DST change inside the slot
            assert ls.weekday() in days and ls.date() == le.date()
            assert ls.time() >= hours[0] or shifted
            assert le.time() <= hours[1] or shifted


@settings(max_examples=200, deadline=None)
@given(scenario())
def test_without_step_slots_are_exactly_the_free_parts(case) -> None:
    """With no step and no minimum worth mentioning, the slots and the widened busy blocks
    tile the windows: nothing free is lost."""
    zone, start, end, busy, hours, days, _, buffer, _ = case
    windows = slots.working_windows(start, end, zone, hours, days)
    found = slots.free_slots(busy, windows, dt.timedelta(seconds=1), zone, buffer=buffer)
    blocked = slots.widen(busy, buffer)
    total = sum((e - s for s, e in windows), dt.timedelta())
    overlaps = [
        min(e, w_e) - max(s, w_s)
        for w_s, w_e in windows
        for s, e in blocked
        if min(e, w_e) > max(s, w_s)
    ]
    covered = sum(overlaps, dt.timedelta())
    assert sum((e - s for s, e in found), dt.timedelta()) == total - covered
