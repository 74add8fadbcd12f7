"""The time grammar: table-driven examples on a fixed clock, and properties over arbitrary text."""

from __future__ import annotations

import datetime
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core.timespec import (
    GRAMMAR_HELP,
    local_zone,
    parse_rfc3339,
    parse_time,
    parse_when,
    resolve_zone,
    to_rfc3339,
)
from gcal.errors import TimeSpecError, UsageError

BERLIN = ZoneInfo("Europe/Berlin")
# Friday 2024-03-29 12:00 CET; Berlin springs forward on Sunday 2024-03-31 at 02:00.
NOW = datetime.datetime(2024, 3, 29, 12, 0, tzinfo=BERLIN)

EXAMPLES = [
    # RFC 3339: the given offset is kept
    ("2024-06-01T09:00:00+02:00", "2024-06-01T09:00:00+02:00"),
    ("2024-06-01T09:00:00Z", "2024-06-01T09:00:00Z"),
    ("2024-06-01t09:00:00z", "2024-06-01T09:00:00Z"),
    ("2024-06-01T09:00:00.250+05:30", "2024-06-01T09:00:00.250000+05:30"),
    ("2024-06-01T09:00:00.123456789Z", "2024-06-01T09:00:00.123456Z"),
    ("2024-06-01 09:00:00-07:00", "2024-06-01T09:00:00-07:00"),
    ("2024-06-01T09:00:00-00:00", "2024-06-01T09:00:00Z"),
    ("2024-06-01T09:00+0200", "2024-06-01T09:00:00+02:00"),
    # dates and local date-times: wall time in tz, DST-correct far from `now`
    ("2024-06-01", "2024-06-01T00:00:00+02:00"),
    ("2024-01-15", "2024-01-15T00:00:00+01:00"),
    ("2024-06-01 09:00", "2024-06-01T09:00:00+02:00"),
    ("2024-06-01T09:00", "2024-06-01T09:00:00+02:00"),
    ("2024-06-01 09:00:30", "2024-06-01T09:00:30+02:00"),
    ("  2024-06-01   09:00  ", "2024-06-01T09:00:00+02:00"),
    # DST gap moves forward, ambiguous hour takes the first occurrence
    ("2024-03-31 02:30", "2024-03-31T03:30:00+02:00"),
    ("2024-10-27 02:30", "2024-10-27T02:30:00+02:00"),
    # day words
    ("now", "2024-03-29T12:00:00+01:00"),
    ("NOW", "2024-03-29T12:00:00+01:00"),
    ("today", "2024-03-29T00:00:00+01:00"),
    ("Tomorrow", "2024-03-30T00:00:00+01:00"),
    ("yesterday", "2024-03-28T00:00:00+01:00"),
    ("tomorrow 09:30", "2024-03-30T09:30:00+01:00"),
    ("today 9:05:07", "2024-03-29T09:05:07+01:00"),
    # weekdays: strictly after today (today is a Friday)
    ("saturday", "2024-03-30T00:00:00+01:00"),
    ("sun", "2024-03-31T00:00:00+01:00"),
    ("monday", "2024-04-01T00:00:00+02:00"),
    ("Mon", "2024-04-01T00:00:00+02:00"),
    ("thu", "2024-04-04T00:00:00+02:00"),
    ("thurs", "2024-04-04T00:00:00+02:00"),
    ("friday", "2024-04-05T00:00:00+02:00"),
    ("next friday", "2024-04-05T00:00:00+02:00"),
    ("fri 14:00", "2024-04-05T14:00:00+02:00"),
    # offsets: days/weeks keep the wall clock across DST, h/m/s are elapsed time
    ("+3d", "2024-04-01T12:00:00+02:00"),
    ("-2w", "2024-03-15T12:00:00+01:00"),
    ("+4h", "2024-03-29T16:00:00+01:00"),
    ("+30m", "2024-03-29T12:30:00+01:00"),
    ("+90s", "2024-03-29T12:01:30+01:00"),
    ("-0d", "2024-03-29T12:00:00+01:00"),
    ("+48h", "2024-03-31T13:00:00+02:00"),
    ("+2d", "2024-03-31T12:00:00+02:00"),
    ("+1d12h", "2024-03-31T00:00:00+01:00"),
    ("- 1w 2d", "2024-03-20T12:00:00+01:00"),
    ("+3 days", "2024-04-01T12:00:00+02:00"),
    ("in 3 days", "2024-04-01T12:00:00+02:00"),
    ("in 2 hours", "2024-03-29T14:00:00+01:00"),
    ("3 days ago", "2024-03-26T12:00:00+01:00"),
    ("1 week ago", "2024-03-22T12:00:00+01:00"),
    ("90 minutes ago", "2024-03-29T10:30:00+01:00"),
]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_examples(text: str, expected: str) -> None:
    result = parse_time(text, tz=BERLIN, now=NOW)
    assert result.tzinfo is not None and result.utcoffset() is not None
    assert to_rfc3339(result) == expected


END_OF_DAY = [
    ("2024-06-01", "2024-06-02T00:00:00+02:00"),
    ("today", "2024-03-30T00:00:00+01:00"),
    ("tomorrow", "2024-03-31T00:00:00+01:00"),
    ("saturday", "2024-03-31T00:00:00+01:00"),
    # forms naming an instant are not moved
    ("2024-06-01 09:00", "2024-06-01T09:00:00+02:00"),
    ("2024-06-01T09:00:00Z", "2024-06-01T09:00:00Z"),
    ("now", "2024-03-29T12:00:00+01:00"),
    ("+1d", "2024-03-30T12:00:00+01:00"),
    ("tomorrow 08:00", "2024-03-30T08:00:00+01:00"),
]


@pytest.mark.parametrize(("text", "expected"), END_OF_DAY)
def test_end_of_day(text: str, expected: str) -> None:
    assert to_rfc3339(parse_time(text, tz=BERLIN, now=NOW, end_of_day=True)) == expected


def test_other_zone_and_naive_now() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    # 12:00 in Berlin is 20:00 in Tokyo: "today" is Tokyo's today
    assert to_rfc3339(parse_time("today", tz=tokyo, now=NOW)) == "2024-03-29T00:00:00+09:00"
    naive = datetime.datetime(2024, 3, 29, 23, 30)
    assert to_rfc3339(parse_time("tomorrow", tz=tokyo, now=naive)) == "2024-03-30T00:00:00+09:00"


def test_weekday_on_that_weekday_means_next_week() -> None:
    monday = datetime.datetime(2024, 6, 3, 8, 0, tzinfo=BERLIN)
    assert parse_time("monday", tz=BERLIN, now=monday).date() == datetime.date(2024, 6, 10)
    assert parse_time("tue", tz=BERLIN, now=monday).date() == datetime.date(2024, 6, 4)


def test_default_zone_and_clock_are_the_systems() -> None:
    before = datetime.datetime.now(datetime.timezone.utc)
    result = parse_time("now")
    after = datetime.datetime.now(datetime.timezone.utc)
    assert before <= result <= after
    assert parse_time("2024-06-01").utcoffset() == (
        datetime.datetime(2024, 6, 1, tzinfo=local_zone()).utcoffset()
    )


BAD = [
    "",
    "   ",
    "tomorow",
    "2024-13-01",
    "2024-02-30",
    "2024-06-01T25:00",
    "2024-06-01T09:00:00+24:00",
    "2024-06-01T09:60",
    "2024-6-1",
    "3d",
    "+3mo",
    "+3y",
    "+d",
    "in days",
    "ago",
    "next",
    "next tomorrow 09:00 x",
    "tomorrow 25:00",
    "tomorrow noonish",
    "12/05",
    "1.6.",
    "13pm",
    "0am",
    "feb 30",
    "dec",
    "next",
    "last",
    "this",
    "next fortnight",
    "dec 25 2027 2028",
    "+99999999999d",
    "+" + "9" * 5000 + "d",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+01:00",
    "\x00",
    "now\x00",
    "\ud800",
    "２０２４-０６-０１",  # fullwidth digits
    "٢٠٢٤-٠٦-٠١",  # Arabic-Indic digits
]


@pytest.mark.parametrize("text", BAD)
def test_bad_input_raises_timespec_error(text: str) -> None:
    with pytest.raises(TimeSpecError) as info:
        parse_time(text, tz=BERLIN, now=NOW)
    message = str(info.value)
    assert message.startswith("invalid time ")
    assert info.value.exit_code == 2
    assert isinstance(info.value, UsageError)
    message.encode("utf-8")  # printable, even for lone surrogates


def test_error_message_quotes_text_and_names_forms() -> None:
    with pytest.raises(TimeSpecError) as info:
        parse_time("tomorow", tz=BERLIN, now=NOW)
    message = str(info.value)
    assert "'tomorow'" in message
    for hint in ("RFC 3339", "2024-06-01", "tomorrow", "weekday", "+3d"):
        assert hint in message


def test_out_of_range_message_is_specific() -> None:
    with pytest.raises(TimeSpecError, match=r"month must be in 1\.\.12"):
        parse_time("2024-13-01", tz=BERLIN, now=NOW)
    with pytest.raises(TimeSpecError, match="out of range"):
        parse_time("+99999999999d", tz=BERLIN, now=NOW)


def test_last_day_end_of_day_overflows_cleanly() -> None:
    assert parse_time("9999-12-31", tz=BERLIN, now=NOW).year == 9999
    with pytest.raises(TimeSpecError, match="out of range"):
        parse_time("9999-12-31", tz=BERLIN, now=NOW, end_of_day=True)


def test_long_input_is_shortened_in_message() -> None:
    with pytest.raises(TimeSpecError) as info:
        parse_time("x" * 10_000, tz=BERLIN, now=NOW)
    assert len(str(info.value)) < 400


def test_non_string_raises_timespec_error() -> None:
    with pytest.raises(TimeSpecError):
        parse_time(None, tz=BERLIN, now=NOW)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# to_rfc3339 / parse_rfc3339


def test_to_rfc3339_forms() -> None:
    utc = datetime.timezone.utc
    assert to_rfc3339(datetime.datetime(2024, 6, 1, 9, tzinfo=utc)) == "2024-06-01T09:00:00Z"
    assert (
        to_rfc3339(datetime.datetime(2024, 6, 1, 9, 0, 0, 5, tzinfo=BERLIN))
        == "2024-06-01T09:00:00.000005+02:00"
    )
    minus = datetime.timezone(-datetime.timedelta(hours=3, minutes=30))
    assert to_rfc3339(datetime.datetime(5, 1, 2, tzinfo=minus)) == "0005-01-02T00:00:00-03:30"
    # Berlin's local mean time (+00:53:28) cannot be written in RFC 3339: given in UTC
    assert to_rfc3339(datetime.datetime(1850, 1, 1, tzinfo=BERLIN)) == "1849-12-31T23:06:32Z"
    with pytest.raises(ValueError):
        to_rfc3339(datetime.datetime(2024, 6, 1))


def test_parse_rfc3339_is_strict() -> None:
    assert parse_rfc3339("2024-06-01T09:00:00+02:00") == datetime.datetime(
        2024, 6, 1, 7, tzinfo=datetime.timezone.utc
    )
    assert parse_rfc3339("2024-06-01T09:00:00") is None
    assert parse_rfc3339("2024-06-01") is None
    assert parse_rfc3339("tomorrow") is None
    assert parse_rfc3339("9999-12-31T23:59:59-14:00") is None
    assert parse_rfc3339(None) is None  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# zones


def test_resolve_zone() -> None:
    assert resolve_zone("Europe/Berlin") == BERLIN
    assert resolve_zone("europe/berlin") == BERLIN
    assert resolve_zone(" UTC ") == ZoneInfo("UTC")
    assert resolve_zone(None) is not None
    for bad in ("Mars/Olympus", "", "Europe", "../etc/passwd", "/etc/localtime", "a\x00b"):
        with pytest.raises(UsageError) as info:
            resolve_zone(bad)
        assert info.value.exit_code == 2
    with pytest.raises(UsageError, match="'Mars/Olympus'"):
        resolve_zone("Mars/Olympus")


def test_local_zone_follows_tz_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    zone = local_zone()
    # a real zone, not a fixed offset: DST is right on both sides of the year
    assert datetime.datetime(2024, 1, 1, tzinfo=zone).utcoffset() == datetime.timedelta(hours=-5)
    assert datetime.datetime(2024, 7, 1, tzinfo=zone).utcoffset() == datetime.timedelta(hours=-4)
    monkeypatch.setenv("TZ", ":Asia/Tokyo")
    assert datetime.datetime(2024, 1, 1, tzinfo=local_zone()).utcoffset() == datetime.timedelta(
        hours=9
    )
    monkeypatch.setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
    zone = local_zone()
    assert datetime.datetime(2024, 7, 1, tzinfo=zone).utcoffset() == datetime.timedelta(hours=2)


def test_grammar_help_mentions_every_form() -> None:
    for form in ("RFC 3339", "2024-06-01", "now", "today", "tomorrow", "yesterday", "weekday"):
        assert form in GRAMMAR_HELP
    for form in ("+3d", "-2w", "+4h", "+30m"):
        assert form in GRAMMAR_HELP
    assert len(GRAMMAR_HELP) < 600


def test_import_is_light() -> None:
    code = "import sys, gcal.core.timespec; print('rich' in sys.modules, 'dateutil' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ---------------------------------------------------------------------------------------------
# properties


@settings(max_examples=500)
@given(st.text())
def test_any_text_parses_or_raises_timespec_error(text: str) -> None:
    try:
        result = parse_time(text, tz=BERLIN, now=NOW)
    except TimeSpecError:
        return
    assert result.utcoffset() is not None
    result.astimezone(datetime.timezone.utc)
    to_rfc3339(result)


GRAMMARISH = st.one_of(
    st.from_regex(
        r"\A[+-] ?[0-9]{1,22} ?(s|m|h|d|w|days?|weeks?)\Z",
    ),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}([ t][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\Z"),
    st.from_regex(
        r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{2}:[0-9]{2}|Z)\Z"
    ),
    st.from_regex(r"\A(today|tomorrow|yesterday|mon|fri|sunday) [0-9]{1,2}:[0-9]{2}\Z"),
)


@settings(max_examples=250)
@given(GRAMMARISH, st.sampled_from([BERLIN, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("UTC")]))
def test_grammar_like_text_parses_or_raises_timespec_error(text: str, tz) -> None:
    try:
        result = parse_time(text, tz=tz, now=NOW, end_of_day=True)
    except TimeSpecError:
        return
    assert result.utcoffset() is not None
    to_rfc3339(result)


@given(
    st.datetimes(
        min_value=datetime.datetime(1, 1, 2),
        max_value=datetime.datetime(9999, 12, 30),
        timezones=st.one_of(
            st.timezones(),
            st.builds(
                datetime.timezone,
                st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
                    lambda m: datetime.timedelta(minutes=m)
                ),
            ),
        ),
    )
)
def test_rfc3339_round_trip(dt: datetime.datetime) -> None:
    # Compared in UTC: hypothesis also makes wall times inside DST gaps and folds, which
    # Python's inter-zone == never calls equal to anything (PEP 495).
    text = to_rfc3339(dt)
    instant = dt.astimezone(datetime.timezone.utc)
    assert parse_time(text, tz=BERLIN, now=NOW).astimezone(datetime.timezone.utc) == instant
    assert parse_rfc3339(text).astimezone(datetime.timezone.utc) == instant  # type: ignore[union-attr]
    assert to_rfc3339(parse_time(text)) == text


def test_a_date_alone_is_read_without_compiling_the_grammar() -> None:
    """`2024-06-01` (the commonest argument) means what the full grammar says, and costs no
    pattern compilation at start-up; an impossible date is still the grammar's error."""
    code = (
        "import datetime, zoneinfo\n"
        "from gcal.core import rfc3339, timespec\n"
        "z = zoneinfo.ZoneInfo('Europe/Berlin')\n"
        "w = timespec.parse_when(' 2024-06-01 ', tz=z)\n"
        "e = timespec.parse_when('2024-06-01', tz=z, end_of_day=True)\n"
        "print(w.moment.isoformat(), w.day, e.moment.isoformat(), "
        "rfc3339.DATETIME_RE._compiled is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        "2024-06-01T00:00:00+02:00",
        "2024-06-01",
        "2024-06-02T00:00:00+02:00",
        "True",
    ]
    zone = ZoneInfo("Europe/Berlin")
    for text in ("2024-06-01", "2023-12-31", "2024-02-29"):
        fast = parse_when(text, tz=zone)
        full = parse_when(text + " 00:00", tz=zone)  # the same day through the grammar
        assert fast.moment == full.moment and fast.day == full.moment.date()
    with pytest.raises(TimeSpecError, match="out of range"):
        parse_when("2023-02-29", tz=zone)
