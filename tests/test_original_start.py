"""--original-start DATE names the instance of an all-day series starting that day."""

from __future__ import annotations

import datetime
import json

import pytest

from gcal.emulator.demo import default_anchor, demo_facts
from runner import run

FRIDAY = default_anchor() + datetime.timedelta(days=4)  # a "recycling" day (every other Friday)
ARGS = ["--demo", "-f", "ndjson", "instances", "primary"]


def _items(out: str) -> list:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.mark.parametrize("zone", [None, "Asia/Tokyo", "America/Los_Angeles", "UTC"])
def test_a_date_matches_the_all_day_instance(zone) -> None:
    extra = ["--time-zone", zone] if zone else []
    result = run([*ARGS, "recycling", "--original-start", FRIDAY.isoformat(), *extra])
    assert result.code == 0, result.err
    (item,) = _items(result.out)
    assert item["originalStartTime"] == {"date": FRIDAY.isoformat()}
    assert item["id"] == f"recycling_{FRIDAY:%Y%m%d}"


def test_a_date_without_an_instance_lists_nothing() -> None:
    thursday = FRIDAY - datetime.timedelta(days=1)
    result = run([*ARGS, "recycling", "--original-start", thursday.isoformat()])
    assert (result.code, result.out) == (0, "")


def test_a_timed_series_still_takes_an_instant() -> None:
    facts = demo_facts()
    moved = facts["moved_original_start"]
    result = run([*ARGS, "weeklysync", "--original-start", moved])
    assert result.code == 0, result.err
    assert [i["id"] for i in _items(result.out)] == [facts["moved_instance_id"]]
