"""`read_ahead`: the next page is produced while the caller works on this one, nothing lost."""

from __future__ import annotations

import threading
import time
from typing import Iterator, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gcal.errors import ApiError
from gcal.google.fetch import first_then_ahead, read_ahead


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=4))
def test_yields_everything_in_order(items: List[int], depth: int) -> None:
    assert list(read_ahead(iter(items), depth)) == items


def test_an_error_comes_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise ApiError("gone", status=410)

    got = []
    with pytest.raises(ApiError) as caught:
        for item in read_ahead(source()):
            got.append(item)
    assert got == [1, 2]
    assert caught.value.status == 410


def test_the_next_item_is_produced_while_the_caller_works() -> None:
    started: List[float] = []

    def source() -> Iterator[int]:
        for n in range(3):
            started.append(time.monotonic())
            yield n

    pages = read_ahead(source())
    assert next(pages) == 0
    deadline = time.monotonic() + 5
    while len(started) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(started) == 2  # item 1 was asked for while the caller held item 0
    assert list(pages) == [1, 2]


def test_stopping_early_waits_for_the_producer_and_stops_it() -> None:
    produced: List[int] = []
    threads_before = threading.active_count()

    def source() -> Iterator[int]:
        for n in range(1000):
            produced.append(n)
            yield n

    pages = read_ahead(source())
    assert next(pages) == 0
    pages.close()  # what a `break` or an error in the caller does
    assert threading.active_count() == threads_before
    assert len(produced) <= 3  # the item in hand and at most one queued, not the rest


def test_a_sync_that_fails_midway_stops_its_read_ahead_before_raising(tmp_path) -> None:
    """The caller may hand the listing's connection to its next job as soon as the error
    reaches it: by then the thread fetching ahead must be done with it."""
    from gcal.store import db
    from gcal.store.sync import sync_calendar

    fetching = threading.Event()

    def source() -> Iterator[dict]:
        for n in range(50):
            fetching.set()
            yield {"items": [{"id": f"e{n}", "status": "confirmed"}]}

    def progress(calendar_id: str, events: int, pages: int) -> None:
        raise RuntimeError("the disk is full")

    threads_before = threading.active_count()
    store = db.open_store(tmp_path / "store.sqlite3")
    assert store is not None
    with store:
        try:
            sync_calendar(store, "cal", lambda request: read_ahead(source()), progress=progress)
        except RuntimeError:
            # the traceback (and with it the failed frames) is still alive here
            assert threading.active_count() == threads_before
        else:
            raise AssertionError("the failure was not raised")
        assert store.event_count("cal") == 0  # nothing applied


@given(st.lists(st.integers(), max_size=6))
def test_first_then_ahead_yields_everything_in_order(items: List[int]) -> None:
    assert list(first_then_ahead(iter(items))) == items


def test_first_then_ahead_makes_the_first_item_here_and_asks_for_the_second_at_once() -> None:
    """A listing's first page (and a login's refresh with it) on the calling thread; the
    second requested on the producer thread while the caller writes the first."""
    threads: List[str] = []

    def source() -> Iterator[int]:
        for n in range(3):
            threads.append(threading.current_thread().name)
            yield n

    pages = first_then_ahead(source())
    assert next(pages) == 0
    deadline = time.monotonic() + 5
    while len(threads) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threads[0] == threading.current_thread().name
    assert threads[1] == "gcal-read-ahead"
    threads_before = threading.active_count()
    pages.close()  # the caller failed while writing the first page: the producer stops
    assert threading.active_count() == threads_before - 1


def test_no_more_than_one_item_is_produced_ahead_of_the_callers() -> None:
    """A listing holds the page it writes and the one read ahead: the producer does not ask
    for a third (which would wait, decoded, for room) until the caller takes the second."""
    produced: List[int] = []

    def source() -> Iterator[int]:
        for n in range(10):
            produced.append(n)
            yield n

    pages = read_ahead(source())
    assert next(pages) == 0
    time.sleep(0.3)  # the producer has had every chance to run ahead
    assert produced == [0, 1]
    assert next(pages) == 1
    deadline = time.monotonic() + 5
    while len(produced) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    assert produced == [0, 1, 2]
    assert list(pages) == list(range(2, 10))
