"""Ctrl-C during a sync: the fetch and the read-ahead stop at once, the calendar being synced
keeps what the store held (its transaction never commits), calendars already committed stay
committed, and gcal exits 130. The same for `gcal agenda --cached` syncing an empty store."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from store_support import PRIMARY, WRITER, Account

pytestmark = pytest.mark.skipif(os.name != "posix", reason="sends POSIX signals")

BIG = 20_000  # eight pages of 2,500: the listing is held on its fourth page
CHANGED = "bench0000000"


def stored(store: Path, calendar_id: str, event_id: str) -> str:
    with sqlite3.connect(store) as conn:
        row = conn.execute(
            "SELECT json_extract(resource, '$.summary') FROM events "
            "WHERE calendar_id = ? AND id = ?",
            (calendar_id, event_id),
        ).fetchone()
    return row[0] if row else ""


def sync_state(store: Path, calendar_id: str):
    with sqlite3.connect(store) as conn:
        return conn.execute(
            "SELECT sync_token, synced_at, (SELECT count(*) FROM events WHERE calendar_id = ?) "
            "FROM calendars WHERE id = ?",
            (calendar_id, calendar_id),
        ).fetchone()


def wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def interrupt(proc):
    """Ctrl-C; how long until the process ended, its exit code and stderr."""
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    return time.monotonic() - started, proc.returncode, err


@pytest.fixture
def big(emulator_factory, tmp_path) -> Account:
    return Account(emulator_factory(extra_events=BIG), tmp_path)


def test_ctrl_c_during_a_sync_keeps_the_previous_state_and_stops_at_once(big):
    assert big.gcal("sync", "--quiet").code == 0
    store = big.store_file
    before = sync_state(store, PRIMARY)
    assert before[2] >= BIG
    writer_event = next(e for e in big.ndjson("events", WRITER) if e.get("summary"))
    # something changed in both calendars, and every token expired: each lists in full
    big.emu.update_event("primary", CHANGED, summary="Renamed")
    big.emu.update_event(WRITER, writer_event["id"], summary="Renamed too")
    big.emu.invalidate_sync_tokens()
    big.emu.clear_requests()
    # the big calendar's fourth page is held (after the 410 answer and pages one to three)
    big.emu.inject_delay(60, path=f"calendars/{PRIMARY}/events", after=3 + 1)
    proc = big.spawn("sync")
    wait_for(lambda: stored(store, WRITER, writer_event["id"]) == "Renamed too", "the writer")
    wait_for(lambda: big.emu.faults.pending() == 0, "the held page of the big calendar")
    time.sleep(0.2)  # the three pages are staged; the fourth is awaited
    took, code, err = interrupt(proc)
    assert code == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "gcal: error: interrupted"
    assert f"gcal: sync: {WRITER}:" in err  # what was committed is named
    assert took < 0.5, f"{took:.2f} s after Ctrl-C"
    # the big calendar's transaction never committed: its old events, token and time
    assert sync_state(store, PRIMARY) == before
    assert stored(store, PRIMARY, CHANGED) != "Renamed"
    # the calendar committed before Ctrl-C stays so
    assert stored(store, WRITER, writer_event["id"]) == "Renamed too"


def test_ctrl_c_during_agenda_cached_on_an_empty_store(big):
    big.emu.inject_delay(60, path=f"calendars/{PRIMARY}/events", after=3)
    proc = big.spawn("agenda", "--cached")
    wait_for(lambda: big.emu.faults.pending() == 0, "the held page of the big calendar")
    time.sleep(0.2)
    took, code, err = interrupt(proc)
    assert code == 130, err
    assert err.strip().splitlines() == ["gcal: error: interrupted"]
    assert took < 0.5, f"{took:.2f} s after Ctrl-C"
    token, synced, count = sync_state(big.store_file, PRIMARY)
    assert (token, synced, count) == (None, None, 0)  # nothing of the big calendar applied


def test_agenda_cached_shows_its_first_sync_going_on_a_terminal(big):
    from ttyrunner import run_on_terminal

    big.emu.inject_delay(1.0, path=f"calendars/{PRIMARY}/events", after=1)
    shown = run_on_terminal(
        [*big.args, "agenda", "--cached"], env=big.env, columns=120, stderr_too=True
    )
    assert shown.code == 0, shown
    assert "2,500 events, 1 page" in shown.out  # the progress, while the second page is held
    # later, with the store current, no progress is drawn
    again = run_on_terminal([*big.args, "agenda", "--cached"], env=big.env, stderr_too=True)
    assert again.code == 0 and "page" not in again.out


def test_a_sync_cancelled_before_its_commit_applies_nothing(tmp_path):
    import threading

    from gcal.errors import Cancelled
    from gcal.store import db
    from gcal.store.sync import sync_calendar

    cancel = threading.Event()

    def pages(request):
        yield {"items": [{"id": "a", "status": "confirmed"}], "nextSyncToken": "t1"}
        cancel.set()  # Ctrl-C after the last page arrived, before the transaction

    store = db.open_store(tmp_path / "store.sqlite3")
    assert store is not None
    with store:
        with pytest.raises(Cancelled):
            sync_calendar(store, "cal", pages, cancel=cancel)
        assert store.event_count("cal") == 0 and store.calendar_row("cal") is None


def test_ctrl_c_during_a_token_refresh_on_the_read_ahead_thread_leaves_no_lock(big):
    """A 401 mid-listing renews the token on the thread that reads ahead, under the lock on
    the credentials file; Ctrl-C while the token endpoint is slow leaves no lock file."""
    lock = big.credentials.with_name(big.credentials.name + ".lock")
    big.emu.inject_fault(401, path=f"calendars/{PRIMARY}/events", after=2)
    big.emu.inject_delay(60, path="/token")
    proc = big.spawn("sync", "--calendar", PRIMARY)
    wait_for(lambda: big.emu.faults.pending() == 0, "the refresh held at the token endpoint")
    wait_for(lock.exists, "the lock on the credentials file")
    time.sleep(0.2)
    took, code, err = interrupt(proc)
    assert code == 130, err
    assert "Traceback" not in err
    assert took < 0.5, f"{took:.2f} s after Ctrl-C"
    assert not lock.exists()
    # and the next command refreshes and syncs as usual
    assert big.gcal("sync", "--calendar", PRIMARY, "--quiet").code == 0
    assert not lock.exists()
