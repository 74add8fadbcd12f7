"""The time grammar for people typing times: 9am, noon, dec 25, next week, fri 9am, ... and
which phrases name a whole day (a window starting there begins at midnight)."""

from __future__ import annotations

import datetime
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core.timespec import parse_start, parse_time, parse_when, to_rfc3339
from gcal.errors import TimeSpecError

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 2026-12-07 14:40 in Berlin
NOW = datetime.datetime(2026, 12, 7, 14, 40, tzinfo=BERLIN)

PHRASES = [
    # times of day alone: today's
    ("9am", "2026-12-07T09:00:00+01:00", None),
    ("9:30pm", "2026-12-07T21:30:00+01:00", None),
    ("9 a.m.", "2026-12-07T09:00:00+01:00", None),
    ("12am", "2026-12-07T00:00:00+01:00", None),
    ("12pm", "2026-12-07T12:00:00+01:00", None),
    ("noon", "2026-12-07T12:00:00+01:00", None),
    ("midnight", "2026-12-07T00:00:00+01:00", None),
    ("14:00", "2026-12-07T14:00:00+01:00", None),
    # month-name dates: without a year the next one from today on
    ("dec 25", "2026-12-25T00:00:00+01:00", "2026-12-25"),
    ("25 dec", "2026-12-25T00:00:00+01:00", "2026-12-25"),
    ("25th December", "2026-12-25T00:00:00+01:00", "2026-12-25"),
    ("december 25 2027", "2027-12-25T00:00:00+01:00", "2027-12-25"),
    ("Dec 25, 2027", "2027-12-25T00:00:00+01:00", "2027-12-25"),
    ("dec 7", "2026-12-07T00:00:00+01:00", "2026-12-07"),
    ("dec 6", "2027-12-06T00:00:00+01:00", "2027-12-06"),
    ("jan 5", "2027-01-05T00:00:00+01:00", "2027-01-05"),
    ("feb 29", "2028-02-29T00:00:00+01:00", "2028-02-29"),
    ("sept 1", "2027-09-01T00:00:00+02:00", "2027-09-01"),
    # weeks and months: their first day (Monday here)
    ("next week", "2026-12-14T00:00:00+01:00", "2026-12-14"),
    ("this week", "2026-12-07T00:00:00+01:00", "2026-12-07"),
    ("last week", "2026-11-30T00:00:00+01:00", "2026-11-30"),
    ("next month", "2027-01-01T00:00:00+01:00", "2027-01-01"),
    ("last month", "2026-11-01T00:00:00+01:00", "2026-11-01"),
    ("next year", "2027-01-01T00:00:00+01:00", "2027-01-01"),
    # weekdays: this (today or later), next (after today), last (before today); today is Monday
    ("this friday", "2026-12-11T00:00:00+01:00", "2026-12-11"),
    ("this monday", "2026-12-07T00:00:00+01:00", "2026-12-07"),
    ("next monday", "2026-12-14T00:00:00+01:00", "2026-12-14"),
    ("last monday", "2026-11-30T00:00:00+01:00", "2026-11-30"),
    ("last sunday", "2026-12-06T00:00:00+01:00", "2026-12-06"),
    # a day and a time
    ("tomorrow 14:00", "2026-12-08T14:00:00+01:00", None),
    ("fri 9am", "2026-12-11T09:00:00+01:00", None),
    ("9am fri", "2026-12-11T09:00:00+01:00", None),
    ("tomorrow at noon", "2026-12-08T12:00:00+01:00", None),
    ("dec 25 9:30pm", "2026-12-25T21:30:00+01:00", None),
    ("next week 9am", "2026-12-14T09:00:00+01:00", None),
    ("2027-01-04 9am", "2027-01-04T09:00:00+01:00", None),
    ("+2d 9am", "2026-12-09T09:00:00+01:00", None),
    # offsets in days and weeks name a day (the instant stays the same time of day)
    ("+1d", "2026-12-08T14:40:00+01:00", "2026-12-08"),
    ("-1w", "2026-11-30T14:40:00+01:00", "2026-11-30"),
    ("in 2 weeks", "2026-12-21T14:40:00+01:00", "2026-12-21"),
    ("3 days ago", "2026-12-04T14:40:00+01:00", "2026-12-04"),
    # ... those with hours or minutes do not
    ("+3h", "2026-12-07T17:40:00+01:00", None),
    ("+1d12h", "2026-12-09T02:40:00+01:00", None),
    ("now", "2026-12-07T14:40:00+01:00", None),
    ("2026-12-07T09:00:00Z", "2026-12-07T09:00:00Z", None),
]


@pytest.mark.parametrize(("text", "moment", "day"), PHRASES)
def test_phrases(text: str, moment: str, day: str | None) -> None:
    when = parse_when(text, tz=BERLIN, now=NOW)
    assert to_rfc3339(when.moment) == moment
    assert to_rfc3339(parse_time(text, tz=BERLIN, now=NOW)) == moment
    assert (when.day.isoformat() if when.day else None) == day
    assert when.timed is (day is None)
    start = parse_start(text, tz=BERLIN, now=NOW)
    if day is None:
        assert start == when.moment
    else:
        assert to_rfc3339(start) == f"{day}T00:00:00+01:00" or start.time() == datetime.time(0)


def test_start_of_a_day_offset_is_midnight() -> None:
    """`gcal agenda +1d` at 14:40 is all of tomorrow, not tomorrow from 14:40."""
    assert to_rfc3339(parse_start("+1d", tz=BERLIN, now=NOW)) == "2026-12-08T00:00:00+01:00"
    assert to_rfc3339(parse_start("-1w", tz=BERLIN, now=NOW)) == "2026-11-30T00:00:00+01:00"
    assert to_rfc3339(parse_start("+3h", tz=BERLIN, now=NOW)) == "2026-12-07T17:40:00+01:00"


def test_week_start_moves_this_next_last_week() -> None:
    sunday = 6
    when = parse_when("next week", tz=BERLIN, now=NOW, week_start=sunday)
    assert when.day == datetime.date(2026, 12, 13)
    assert parse_when("this week", tz=BERLIN, now=NOW, week_start=sunday).day == datetime.date(
        2026, 12, 6
    )


def test_end_of_day_for_day_phrases() -> None:
    def end(text: str) -> str:
        return to_rfc3339(parse_time(text, tz=BERLIN, now=NOW, end_of_day=True))

    assert end("dec 25") == "2026-12-26T00:00:00+01:00"
    assert end("this friday") == "2026-12-12T00:00:00+01:00"
    assert end("fri 9am") == "2026-12-11T09:00:00+01:00"  # a time stays a time
    assert end("+1d") == "2026-12-08T14:40:00+01:00"  # an offset stays an instant


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12/05", "ambiguous"),
        ("1.6.", "ambiguous"),
        ("5/6/2027", "ambiguous"),
        ("13pm", "hour must be in 1..12"),
        ("feb 30", "no day 30 in February"),
        ("february 29 2027", "day is out of range"),
        ("tomorrow 24:00", "hour must be in 0..23"),
        ("the day after tomorrow", "9am"),
        ("next fortnight", "next week"),
        ("dec", "dec 25"),
    ],
)
def test_unknown_or_ambiguous_phrase_is_a_usage_error_with_examples(text, reason) -> None:
    with pytest.raises(TimeSpecError) as info:
        parse_when(text, tz=BERLIN, now=NOW)
    assert info.value.exit_code == 2
    assert reason in str(info.value)
    assert str(info.value).startswith(f"invalid time {text!r}")


def test_unknown_phrase_lists_examples() -> None:
    with pytest.raises(TimeSpecError) as info:
        parse_when("whenever", tz=BERLIN, now=NOW)
    for example in ("2024-06-01", "dec 25", "tomorrow", "fri 9am", "next week", "+3d", "noon"):
        assert example in str(info.value)


def test_parse_stays_cheap() -> None:
    """No natural-language package: the import pulls in nothing beyond the standard library's
    basics, and a thousand phrases parse in well under a second."""
    code = (
        "import sys, time; t = time.perf_counter(); import gcal.core.timespec as ts; "
        "import datetime, zoneinfo; z = zoneinfo.ZoneInfo('UTC'); "
        "n = datetime.datetime(2026, 12, 7, tzinfo=z); "
        "[ts.parse_when(p, tz=z, now=n) for p in ['fri 9am', 'dec 25', 'next week'] * 300]; "
        "print(time.perf_counter() - t); "
        "print(sorted(m for m in ('dateutil', 'parsedatetime', 'dateparser', 'rich') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, modules = out.stdout.splitlines()
    assert modules == "[]"
    assert float(seconds) < 1.0


# ---------------------------------------------------------------------------------------------
# properties

ZONES = st.sampled_from([BERLIN, ZoneInfo("America/Sao_Paulo"), ZoneInfo("Pacific/Kiritimati")])
CLOCKS = st.datetimes(
    min_value=datetime.datetime(1990, 1, 1), max_value=datetime.datetime(2090, 12, 31)
)
MONTH = st.sampled_from(["jan", "february", "mar", "sept", "dec", "May"])
DAY_PHRASE = st.one_of(
    st.sampled_from(["today", "tomorrow", "yesterday", "fri", "Monday", "sun"]),
    st.builds(
        "{} {}".format,
        st.sampled_from(["next", "this", "last"]),
        st.sampled_from(["week", "month", "year", "tuesday", "sat"]),
    ),
    st.builds("{} {}".format, MONTH, st.integers(1, 28)),
    st.builds("{} {} {}".format, st.integers(1, 28), MONTH, st.integers(1900, 2100)),
    st.builds("{}{}{}".format, st.sampled_from(["+", "-"]), st.integers(0, 500), st.just("d")),
    st.builds("in {} weeks".format, st.integers(0, 100)),
    st.builds(
        lambda d: d.isoformat(),
        st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)),
    ),
)
TIME_PHRASE = st.one_of(
    st.builds("{}{}".format, st.integers(1, 12), st.sampled_from(["am", "pm", " a.m."])),
    st.builds("{}:{:02d}".format, st.integers(0, 23), st.integers(0, 59)),
    st.sampled_from(["noon", "midnight", "9:30pm"]),
)


@settings(max_examples=300, deadline=None)
@given(DAY_PHRASE, ZONES, CLOCKS)
def test_every_day_phrase_starts_at_midnight(text: str, zone, clock) -> None:
    when = parse_when(text, tz=zone, now=clock)
    assert when.day is not None
    start = parse_start(text, tz=zone, now=clock)
    local = start.astimezone(zone)
    assert local.date() == when.day
    # midnight, or the first wall time of a day whose clocks skip midnight (Sao Paulo 1990s)
    assert local.time() < datetime.time(1, 1)


@settings(max_examples=300, deadline=None)
@given(DAY_PHRASE, TIME_PHRASE, st.booleans(), ZONES, CLOCKS)
def test_a_day_and_a_time_is_timed_on_that_day(day, time, time_first, zone, clock) -> None:
    text = f"{time} {day}" if time_first else f"{day} {time}"
    named = parse_when(day, tz=zone, now=clock).day
    when = parse_when(text, tz=zone, now=clock)
    assert when.timed
    assert when.moment.astimezone(zone).date() == named or (
        # a wall time in a DST gap moves forward, possibly past midnight
        when.moment.astimezone(zone).date() == named + datetime.timedelta(days=1)
    )


WORDS = st.sampled_from(
    [
        "next", "this", "last", "at", "week", "month", "dec", "25", "25th", "2027", "9am",
        "9:30pm", "noon", "midnight", "fri", "tomorrow", "+1d", "in", "2", "weeks", "ago", "12/05",
        "0am", "13pm", "feb", "30", "99:99", "9999", "0001", "-", "+", "d", "a.m.", ",",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(WORDS, max_size=5), st.text(max_size=4), ZONES, CLOCKS, st.booleans())
def test_parse_raises_nothing_but_timespec_error(words, noise, zone, clock, end) -> None:
    for text in (" ".join(words), " ".join(words) + noise):
        try:
            when = parse_when(text, tz=zone, now=clock, end_of_day=end)
        except TimeSpecError:
            continue
        to_rfc3339(when.moment)
        to_rfc3339(when.start)


# ---------------------------------------------------------------------------------------------
# the agenda's window (gcal.core.span) on these phrases


def _day_exists(day: datetime.date, zone) -> bool:
    """Whether any wall time of DAY exists in ZONE (noon of it survives a round trip)."""
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=zone)
    return noon.astimezone(datetime.timezone.utc).astimezone(zone).date() == day


@settings(max_examples=200, deadline=None)
@given(DAY_PHRASE, st.integers(1, 40), ZONES, CLOCKS)
def test_a_window_from_a_day_phrase_is_whole_days(text: str, days: int, zone, clock) -> None:
    from gcal.core.span import resolve_span

    span = resolve_span(text, None, days, zone, now=clock)
    day = parse_when(text, tz=zone, now=clock).day
    assert span.start.date() == day and span.start.time() < datetime.time(1, 1)
    last = day + datetime.timedelta(days=days)
    # A zone can skip a whole day (Pacific/Kiritimati skipped 31 December 1994): the window
    # then ends at the first midnight that exists, the next day's.
    assert span.end.date() == last or (
        not _day_exists(last, zone) and span.end.date() == last + datetime.timedelta(days=1)
    )
    assert span.end.time() < datetime.time(1, 1)
    assert span.from_time is None or span.start.time() != datetime.time(0)


@settings(max_examples=200, deadline=None)
@given(DAY_PHRASE, TIME_PHRASE, st.integers(1, 40), ZONES, CLOCKS)
def test_a_window_from_a_time_ends_at_a_midnight(day, time, days, zone, clock) -> None:
    from gcal.core.span import resolve_span

    text = f"{day} {time}"
    when = parse_when(text, tz=zone, now=clock)
    span = resolve_span(text, None, days, zone, now=clock)
    assert span.start == when.moment
    assert span.end.date() == span.start.date() + datetime.timedelta(days=days)
    assert span.end.time() < datetime.time(1, 1)  # midnight (or a DST-shifted first hour)


def test_a_window_ending_on_a_skipped_day_ends_at_the_next_midnight() -> None:
    """Kiritimati skipped 31 December 1994: 30 days from 1 December end at 1 January's start."""
    from gcal.core.span import resolve_span

    zone = ZoneInfo("Pacific/Kiritimati")
    clock = datetime.datetime(1994, 11, 20, 12, tzinfo=datetime.timezone.utc)
    span = resolve_span("1 dec 1994", None, 30, zone, now=clock)
    assert span.start.isoformat() == "1994-12-01T00:00:00-10:00"
    assert span.end.isoformat() == "1995-01-01T00:00:00+14:00"
    utc = datetime.timezone.utc
    assert span.end.astimezone(utc) - span.start.astimezone(utc) == datetime.timedelta(days=30)
