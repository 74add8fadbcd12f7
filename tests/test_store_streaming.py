"""Offline listings stream from the store: the answer is the same whether the store is read in
slices of 2 events or all at once, and equal to the live API's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from gcal.core.expand import HORIZON
from gcal.emulator import Emulator, clock
from gcal.emulator.demo import default_anchor
from gcal.store import query
from store_support import PRIMARY, Account


@pytest.fixture
def account(emulator: Emulator, tmp_path) -> Account:
    account = Account(emulator, tmp_path)
    assert account.gcal("sync", "--quiet", "--all-calendars").code == 0
    return account


def ids(items) -> list:
    return [(i["id"], i.get("start"), i.get("status")) for i in items]


def before_horizon(items) -> list:
    """Without timeMax a never-ending series stops HORIZON after "now": the emulator's (which
    GCAL_EMULATOR_NOW may pin) live, gcal's real clock offline. With the clock pinned, only
    instances before the earlier clock's horizon are on both sides."""
    if clock.pinned() is None:
        return items
    cut = min(clock.now(), datetime.now(timezone.utc)) + HORIZON - timedelta(days=1)
    kept = []
    for item in items:
        start = item.get("start") or {}
        when = start.get("dateTime") or (start.get("date", "") and start["date"] + "T00:00:00Z")
        if not when or datetime.fromisoformat(when.replace("Z", "+00:00")) < cut:
            kept.append(item)
    return kept


WINDOWS = [
    [],
    ["--time-min", "2020-01-01T00:00:00Z"],
    ["--time-max", "2030-01-01T00:00:00Z"],
]


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: " ".join(w) or "no window")
def test_expanded_and_ordered_streams_in_slices(account: Account, monkeypatch, window) -> None:
    args = ["events", PRIMARY, "--single-events", "--order-by", "startTime", *window]
    if not window:  # a series that never ends needs a bound, live as offline
        bound = default_anchor() + timedelta(days=180)  # the demo data moves with the clock
        args += ["--time-max", f"{bound.isoformat()}T00:00:00Z"]
    whole = account.ndjson(*args, "--offline")
    monkeypatch.setattr(query, "SLICE_ROWS", 2)
    sliced = account.ndjson(*args, "--offline")
    assert ids(sliced) == ids(whole)
    assert len(whole) > 10
    live = account.ndjson(*args)
    if "--time-max" not in args:
        whole, live = before_horizon(whole), before_horizon(live)
    assert ids(whole) == ids(live)


@pytest.mark.parametrize("extra", [[], ["--show-deleted"], ["--q", "sync"]])
def test_stored_listing_streams_as_the_api_lists(account: Account, extra) -> None:
    offline = account.ndjson("events", PRIMARY, *extra, "--offline")
    live = account.ndjson("events", PRIMARY, *extra)
    assert ids(offline) == ids(live)


def test_limit_still_says_more_remain(account: Account) -> None:
    result = account.gcal("-f", "ndjson", "events", PRIMARY, "--offline", "--limit", "3")
    assert result.code == 0, result
    assert len(result.out.splitlines()) == 3
    assert "more remain" in result.err


def test_order_by_updated_streams_in_order(account: Account) -> None:
    from gcal.core.timespec import parse_rfc3339

    items = account.ndjson("events", PRIMARY, "--order-by", "updated", "--offline")
    keys = [parse_rfc3339(i["updated"]).timestamp() if i.get("updated") else 0 for i in items]
    assert keys == sorted(keys) and len(items) > 10


def test_streaming_holds_a_fraction_of_the_listing(emulator_factory, tmp_path, monkeypatch) -> None:
    """Read through tracemalloc: the streamed listing's peak is a small part of the whole
    list's (which holds every event at once). Slices of 500 stored events stand for the real
    2,000 over 100,000 (the bench measures that)."""
    import tracemalloc

    from gcal.store import db

    monkeypatch.setattr(query, "SLICE_ROWS", 500)

    emu = emulator_factory(extra_events=3000)
    account = Account(emu, tmp_path)
    assert account.gcal("sync", "--quiet", "--calendar", PRIMARY).code == 0

    def peak(read) -> int:
        store = db.open_store(account.store_file, create=False)
        assert store is not None
        with store, store.snapshot():
            tracemalloc.start()
            try:
                count = read(store)
                return tracemalloc.get_traced_memory()[1], count
            finally:
                tracemalloc.stop()

    for options in ({}, {"single_events": True, "order_by": "startTime"}):
        window = (None, 2.0e9) if options else (None, None)
        whole, n = peak(
            lambda s, w=window, o=options: len(query.list_events(s, PRIMARY, window=w, **o))
        )
        streamed, m = peak(
            lambda s, w=window, o=options: sum(
                1 for _ in query.stream_events(s, PRIMARY, window=w, **o)
            )
        )
        assert n == m and n > 2500, (n, m)
        assert streamed * 3 < whole, (options, streamed, whole)
