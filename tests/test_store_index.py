"""The store's search index and change history, written by the sync in the same transaction as
the events (real SQLite, real emulator)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from gcal.emulator import Emulator
from gcal.emulator.demo import default_anchor
from store_support import PRIMARY, Account

UTC = timezone.utc


@pytest.fixture
def account(emulator: Emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path)


def _db(account: Account) -> sqlite3.Connection:
    return sqlite3.connect(str(account.store_file))


def _matches(account: Account, match: str) -> set:
    conn = _db(account)
    try:
        rows = conn.execute(
            "SELECT e.id FROM search_index JOIN events e ON e.rowid = search_index.rowid "
            "WHERE search_index MATCH ?",
            (match,),
        ).fetchall()
    finally:
        conn.close()
    return {r[0] for r in rows}


def _index_agrees(account: Account) -> None:
    conn = _db(account)
    try:
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM search_index").fetchone()[0]
        orphans = conn.execute(
            "SELECT count(*) FROM search_index WHERE rowid NOT IN (SELECT rowid FROM events)"
        ).fetchone()[0]
    finally:
        conn.close()
    assert events == indexed and orphans == 0


def _history(account: Account) -> list:
    conn = _db(account)
    try:
        rows = conn.execute(
            "SELECT calendar_id, event_id, change, before, after, by_gcal FROM history ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()
    return [
        (c, i, k, json.loads(b or "null"), json.loads(a or "null"), g) for c, i, k, b, a, g in rows
    ]


def test_sync_indexes_every_event_and_keeps_it_right_after_edits_deletions_and_410(
    account: Account,
) -> None:
    emu = account.emu
    assert account.gcal("sync").code == 0
    _index_agrees(account)
    assert "allhands" in _matches(account, "hands")
    assert _history(account) == []  # a first listing changed nothing
    emu.update_event(PRIMARY, "allhands", summary="Quarterly kickoff")
    emu.delete_event(PRIMARY, "dailystandup")
    start = datetime.combine(default_anchor(), datetime.min.time(), UTC) + timedelta(days=2)
    emu.insert_event(
        PRIMARY,
        {
            "id": "newone",
            "summary": "Notary appointment",
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": (start + timedelta(hours=1)).isoformat()},
        },
    )
    assert account.gcal("sync").code == 0
    _index_agrees(account)
    assert "allhands" not in _matches(account, "title : hands")
    assert "allhands" in _matches(account, "kickoff")
    assert "newone" in _matches(account, "notary")
    changes = {(i, k) for _, i, k, _, _, _ in _history(account)}
    assert changes == {("allhands", "changed"), ("dailystandup", "removed"), ("newone", "added")}
    renamed = next(h for h in _history(account) if h[1] == "allhands")
    assert renamed[3]["summary"] == "All hands" and renamed[4]["summary"] == "Quarterly kickoff"
    # a 410: the full listing replaces the index as it replaces the events
    emu.update_event(PRIMARY, "newone", summary="Notary, second visit")
    emu.invalidate_sync_tokens()
    assert account.gcal("sync").code == 0
    _index_agrees(account)
    assert "newone" in _matches(account, "second")
    assert ("newone", "changed") in {(i, k) for _, i, k, _, _, _ in _history(account)[3:]}


def test_an_old_store_is_rebuilt_with_the_index(account: Account) -> None:
    assert account.gcal("sync").code == 0
    conn = _db(account)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("DROP TABLE search_index")
    conn.commit()
    conn.close()
    assert account.gcal("sync").code == 0
    _index_agrees(account)
    assert "allhands" in _matches(account, "hands")


def test_a_rebuild_empties_the_index_at_once_and_indexes_afresh(account: Account) -> None:
    assert account.gcal("sync").code == 0
    conn = _db(account)
    conn.execute("INSERT INTO meta (key, value) VALUES ('probe', '1')")
    conn.commit()
    conn.close()
    assert account.gcal("sync", "--rebuild").code == 0
    _index_agrees(account)
    assert "allhands" in _matches(account, "hands")
    conn = _db(account)
    try:
        assert conn.execute("SELECT count(*) FROM meta WHERE key = 'probe'").fetchone()[0] == 0
        triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        assert [t[0] for t in triggers] == ["events_unindexed"]
    finally:
        conn.close()
    # the trigger made anew still removes the index rows of deleted event rows (a full
    # listing deletes the calendar's rows before writing them anew: no orphan is left)
    account.emu.update_event(PRIMARY, "allhands", summary="Quarterly kickoff")
    account.emu.invalidate_sync_tokens()
    assert account.gcal("sync").code == 0
    _index_agrees(account)
    assert "allhands" not in _matches(account, "title : hands")
    assert "allhands" in _matches(account, "kickoff")


def test_a_rebuild_does_not_write_the_store_over_again(emulator_factory, tmp_path) -> None:
    """An SQLite built with SECURE_DELETE (Debian's) zeroes every freed page: emptying the
    store then wrote all of it to the write-ahead log (and back into the file) first."""
    from gcal.store import db

    account = Account(emulator_factory(extra_events=3000), tmp_path)
    assert account.gcal("sync", "--quiet").code == 0
    path = account.store_file
    conn = _db(account)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = path.stat().st_size
    assert size > 2_000_000
    store = db.open_store(path)
    assert store is not None
    with store:
        store.conn.execute("PRAGMA secure_delete = ON")  # as such a build has it
        db.clear(store)
        wal = Path(str(path) + "-wal")
        assert wal.stat().st_size < size / 10
        assert store.event_count(PRIMARY) == 0
