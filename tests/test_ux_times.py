"""The time grammar as documented in the README and in `gcal events --help`."""

from __future__ import annotations

import datetime
import json

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
    starts = [json.loads(line)["start"] for line in result.out.splitlines()]
    assert starts
    days = {s.get("date") or s["dateTime"][:10] for s in starts}
    assert days == {day.isoformat()}


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
