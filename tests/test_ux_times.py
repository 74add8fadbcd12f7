"""The time grammar as documented in the README and in `gcal events --help`."""

from __future__ import annotations

import datetime
import json
import zoneinfo

import pytest

from gcal.emulator.demo import default_anchor
from runner import run


def test_a_date_as_time_max_is_the_start_of_that_day() -> None:
    """`--time-min D --time-max D+1` is exactly day D (time-max is exclusive)."""
    args = ["--demo", "-f", "ndjson", "events", "primary", "--single-events"]
    day = default_anchor() + datetime.timedelta(days=4)  # the demo week's Friday: busy
    after = day + datetime.timedelta(days=1)
    window = ["--time-min", day.isoformat(), "--time-max", after.isoformat()]
    window += ["--time-zone", "Europe/Berlin"]
    result = run([*args, *window])
    assert result.code == 0, result.err
    events = [json.loads(line) for line in result.out.splitlines()]
    assert events
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    lo = datetime.datetime.combine(day, datetime.time(), berlin)
    hi = datetime.datetime.combine(after, datetime.time(), berlin)

    def instant(point: dict) -> datetime.datetime:
        if "date" in point:
            return datetime.datetime.combine(
                datetime.date.fromisoformat(point["date"]), datetime.time(), berlin
            )
        return datetime.datetime.fromisoformat(point["dateTime"])

    # every event overlaps day D (one that began the evening before and runs past midnight
    # is in it, as the API says); none begins on D+1
    assert all(instant(e["start"]) < hi and instant(e["end"]) > lo for e in events)
    assert any(lo <= instant(e["start"]) for e in events)


def test_time_zone_applies_to_parsing_and_day_words_mean_midnight() -> None:
    """The error for an empty window quotes what gcal would send: midnight in --time-zone."""
    for word in ("2026-11-20", "tomorrow", "friday"):
        zone = ["--time-zone", "asia/tokyo"]
        window = ["--time-min", word, "--time-max", word]
        result = run(["--demo", "events", "primary", *zone, *window])
        assert result.code == 2
        assert "T00:00:00+09:00) must be before --time-max" in result.err, result.err


def test_help_documents_time_max_semantics() -> None:
    text = " ".join(run(["events", "--help"]).out.split())
    assert "also for --time-max, which is exclusive" in text
    assert "never today" in text


def test_api_shaped_times_parse_as_the_general_grammar_does() -> None:
    """The fast path for the API's own shape agrees with the strict general parser."""
    from gcal.core.timespec import parse_rfc3339

    dt = parse_rfc3339("2024-06-01T09:00:00+02:00")
    assert dt is not None and dt.isoformat() == "2024-06-01T09:00:00+02:00"
    zulu = parse_rfc3339("2024-06-01T07:00:00Z")
    assert zulu is not None and zulu == dt and zulu.utcoffset().total_seconds() == 0
    for bad in ("2024-02-30T00:00:00Z", "2024-06-01T24:00:00Z", "2024-06-01T09:00:00+24:00"):
        assert parse_rfc3339(bad) is None
    assert parse_rfc3339("9999-12-31T23:00:00-05:00") is None  # not expressible in UTC
    assert parse_rfc3339("2024-06-01t09:00:00.5+02:00") is not None  # general path still


# ---------------------------------------------------------------------------------------------
# START naming a day is that whole day; --days N is N whole days (the demo at 14:40 in Berlin)

DEMO_MONDAY = default_anchor()
AT_1440 = {
    "GCAL_EMULATOR_NOW": f"{DEMO_MONDAY.isoformat()}T13:40:00Z",
    "TZ": "Europe/Berlin",
    "COLUMNS": "120",
}


def _agenda_days(*args: str) -> list:
    result = run(["--demo", "-f", "ndjson", "agenda", *args], env=AT_1440)
    assert result.code == 0, result.err
    items = [json.loads(line) for line in result.out.splitlines()]
    return [
        (item["start"].get("date") or item["start"]["dateTime"][:10], item["start"])
        for item in items
        if item["calendarId"] == "ada@example.com"  # Berlin's days
    ]


def _starts_on(day: datetime.date, found: list) -> list:
    return sorted(
        s["dateTime"][11:16] for d, s in found if d == day.isoformat() and "dateTime" in s
    )


@pytest.mark.parametrize("start", ["+1d", "tomorrow", "in 1 day", "tue"])
def test_a_start_naming_a_day_is_that_whole_day(start: str) -> None:
    tomorrow = DEMO_MONDAY + datetime.timedelta(days=1)
    found = _agenda_days(start, "--days", "2")
    days = {d for d, _ in found}
    assert days == {tomorrow.isoformat(), (tomorrow + datetime.timedelta(days=1)).isoformat()}
    assert _starts_on(tomorrow, found)[0] < "14:40"  # the morning is there


@pytest.mark.parametrize(("start", "back"), [("-1d", 1), ("-1w", 7), ("-- -1w", 7), ("−1d", 1)])
def test_a_negative_offset_is_an_argument_and_a_whole_day(start: str, back: int) -> None:
    found = _agenda_days("--days", "1", *start.split())
    day = DEMO_MONDAY - datetime.timedelta(days=back)
    assert {d for d, _ in found} == {day.isoformat()}
    assert _starts_on(day, found)[0] < "14:40"


def test_a_time_of_day_starts_mid_day_and_the_heading_says_from_when() -> None:
    tomorrow = DEMO_MONDAY + datetime.timedelta(days=1)
    found = _agenda_days("tomorrow 14:00", "--days", "2")
    assert min(_starts_on(tomorrow, found)) >= "14:00"
    assert {d for d, _ in found} == {
        tomorrow.isoformat(),
        (tomorrow + datetime.timedelta(1)).isoformat(),
    }
    table = run(["--demo", "-f", "table", "agenda", "tomorrow 14:00", "--days", "2"], env=AT_1440)
    headings = [line for line in table.out.splitlines() if line and not line.startswith(" ")]
    assert headings[1].startswith("Tomorrow, ") and headings[1].endswith(" from 14:00")
    assert not headings[2].endswith("from 14:00")
    assert len(headings) == 3  # the zone line and two days
    whole = run(["--demo", "-f", "table", "agenda", "+1d", "--days", "1"], env=AT_1440)
    assert "from" not in whole.out.splitlines()[1]


def test_an_unknown_phrase_is_a_usage_error_listing_examples() -> None:
    result = run(["--demo", "agenda", "-1x"], env=AT_1440)
    assert result.code == 2
    assert "invalid time '-1x'" in result.err and "fri 9am" in result.err
    ambiguous = run(["--demo", "agenda", "12/05"], env=AT_1440)
    assert ambiguous.code == 2 and "ambiguous" in ambiguous.err


def test_an_option_value_may_still_start_with_a_minus() -> None:
    result = run(["--demo", "agenda", "--days", "-1"], env=AT_1440)
    assert result.code == 2 and "--days" in result.err
