"""`gcal sync`: full then incremental sync into a real SQLite store, against the emulator."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from gcal.core import expand
from gcal.emulator import Emulator
from gcal.emulator.demo import SERIES_ID, default_anchor, demo_facts
from store_support import (
    PRIMARY,
    SELECTED,
    WRITER,
    Account,
    emulator_listing,
    kill,
    stored_events,
)

UTC = timezone.utc


@pytest.fixture
def account(emulator: Emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path)


def _week() -> tuple:
    anchor = default_anchor()
    lo = datetime(anchor.year, anchor.month, anchor.day, tzinfo=UTC) - timedelta(days=21)
    return lo, lo + timedelta(days=63)


def assert_store_answers_like_the_api(account: Account, calendar_id: str) -> None:
    """The store's local expansion equals the API's singleEvents listing over six weeks."""
    from gcal.store import db, query

    lo, hi = _week()
    live = emulator_listing(
        account,
        calendar_id,
        singleEvents=True,
        orderBy="startTime",
        timeMin=lo.isoformat(),
        timeMax=hi.isoformat(),
    )
    store = db.open_store(account.store_file, create=False)
    assert store is not None
    with store:
        mine = query.expanded(store, calendar_id, (lo.timestamp(), hi.timestamp()))
    assert [e["id"] for e in mine] == [e["id"] for e in live]
    assert mine == live


def test_first_sync_is_full_stores_every_event_and_is_private(account: Account) -> None:
    result = account.gcal("sync")
    assert result.code == 0, result
    lines = result.err_lines
    assert len(lines) == len(SELECTED)
    for cid, line in zip(SELECTED, lines):
        assert line.startswith(f"gcal: sync: {cid}: ") and line.endswith("(full)")
    requests = account.events_requests()
    stored = stored_events(account.store_file, PRIMARY)
    listed = emulator_listing(account, PRIMARY, showDeleted=True)
    assert stored == {e["id"]: e for e in listed}
    assert "0 changed, 0 deleted" in lines[0]
    live = [e for e in listed if e.get("status") != "cancelled"]
    assert f"{len(live)} added" in lines[0]
    # one events request per calendar, each asking for the largest page
    firsts = [r.path.split("/")[-2] for r in requests if "pageToken" not in r.query]
    assert sorted(firsts) == sorted(quote(c, safe="") for c in SELECTED)
    assert all(r.query["maxResults"] == ["2500"] for r in requests)
    assert all("singleEvents" not in r.query for r in requests)
    # deleted events too, so that the store answers --show-deleted as the API does
    assert all(r.query["showDeleted"] == ["true"] for r in requests)
    mode = os.stat(account.store_file).st_mode
    assert stat.S_IMODE(mode) == 0o600
    assert stat.S_IMODE(os.stat(account.store_file.parent).st_mode) == 0o700
    for cid in SELECTED:
        assert_store_answers_like_the_api(account, cid)


def test_incremental_sync_brings_adds_changes_and_deletions_in_one_request(
    account: Account,
) -> None:
    assert account.gcal("sync").code == 0
    facts = demo_facts()
    emu = account.emu
    anchor = default_anchor()
    start = datetime(anchor.year, anchor.month, anchor.day, 15, tzinfo=UTC) + timedelta(days=2)
    emu.insert_event(
        PRIMARY,
        {
            "id": "newmeeting",
            "summary": "New meeting",
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": (start + timedelta(hours=1)).isoformat()},
        },
    )
    emu.update_event(PRIMARY, "allhands", summary="All hands (moved room)")
    # delete one instance of a series: Google keeps a cancelled exception
    occurrences = facts["series_occurrences"]
    last = occurrences[-1]
    last_id = f"{SERIES_ID}_" + datetime.fromisoformat(last).astimezone(UTC).strftime(
        "%Y%m%dT%H%M%SZ"
    )
    emu.insert_event(
        PRIMARY,
        {
            "id": last_id,
            "status": "cancelled",
            "recurringEventId": SERIES_ID,
            "originalStartTime": {"dateTime": last, "timeZone": "Europe/Berlin"},
        },
    )
    emu.delete_event(PRIMARY, "dailystandup")  # a whole series
    emu.clear_requests()

    result = account.gcal("sync")
    assert result.code == 0, result
    lines = result.err_lines
    assert lines[0] == f"gcal: sync: {PRIMARY}: 1 added, 1 changed, 2 deleted (incremental)"
    for cid, line in zip(SELECTED[1:], lines[1:]):
        assert line == f"gcal: sync: {cid}: 0 added, 0 changed, 0 deleted (incremental)"
    requests = account.events_requests()
    assert len(requests) == len(SELECTED)
    assert all("syncToken" in r.query for r in requests)
    stored = stored_events(account.store_file, PRIMARY)
    assert stored["allhands"]["summary"] == "All hands (moved room)"
    assert stored["dailystandup"]["status"] == "cancelled"
    assert_store_answers_like_the_api(account, PRIMARY)

    # nothing changed: one request per calendar again, nothing applied
    emu.clear_requests()
    result = account.gcal("sync")
    assert result.code == 0
    assert len(account.events_requests()) == len(SELECTED)
    assert all("0 added, 0 changed, 0 deleted (incremental)" in x for x in result.err_lines)


def test_an_expired_token_leads_to_a_full_resync(account: Account) -> None:
    assert account.gcal("sync", "--calendar", PRIMARY).code == 0
    account.emu.update_event(PRIMARY, "allhands", summary="Changed while the token expired")
    account.emu.invalidate_sync_tokens()
    account.emu.clear_requests()
    result = account.gcal("sync", "--calendar", PRIMARY)
    assert result.code == 0, result
    assert result.err_lines == [f"gcal: sync: {PRIMARY}: 0 added, 1 changed, 0 deleted (full)"]
    statuses = [("syncToken" in r.query) for r in account.events_requests()]
    assert statuses[0] is True and statuses[1:] and not any(statuses[1:])
    assert stored_events(account.store_file, PRIMARY) == {
        e["id"]: e for e in emulator_listing(account, PRIMARY, showDeleted=True)
    }


def test_quiet_status_and_rebuild(account: Account) -> None:
    result = account.gcal("sync", "--quiet", "--calendar", WRITER)
    assert result.code == 0 and result.err == ""
    status = account.gcal("sync", "--status")
    assert status.code == 0
    assert str(account.store_file) in status.out
    line = next(x for x in status.out.splitlines() if x.startswith(WRITER))
    count = len(emulator_listing(account, WRITER, showDeleted=True))
    assert f"\t{count} events\t" in line and "ago, full)" in line
    assert "never synced" in next(x for x in status.out.splitlines() if x.startswith(PRIMARY))
    account.emu.clear_requests()
    result = account.gcal("sync", "--rebuild", "--calendar", WRITER)
    assert result.code == 0
    assert result.err_lines[0].endswith("(full)")
    assert all("syncToken" not in r.query for r in account.events_requests())


def test_a_corrupt_store_is_moved_aside_with_one_warning(account: Account) -> None:
    account.store_file.parent.mkdir(parents=True)
    account.store_file.write_bytes(b"this is not a database" * 200)
    result = account.gcal("sync", "--calendar", WRITER)
    assert result.code == 0, result
    warnings = [x for x in result.err_lines if "warning" in x]
    assert len(warnings) == 1 and "moved it to" in warnings[0]
    assert any(p.name.startswith("default.sqlite3.broken-") for p in account.cache.rglob("*"))
    assert stored_events(account.store_file, WRITER)


def test_a_foreign_database_is_not_used(account: Account) -> None:
    account.store_file.parent.mkdir(parents=True)
    conn = sqlite3.connect(str(account.store_file))
    conn.execute("CREATE TABLE events (whatever TEXT)")
    conn.commit()
    conn.close()
    result = account.gcal("sync", "--calendar", WRITER)
    assert result.code == 0, result
    assert sum("warning" in x for x in result.err_lines) == 1
    assert stored_events(account.store_file, WRITER)


def test_a_sync_killed_halfway_leaves_the_previous_state(emulator_factory, tmp_path) -> None:
    emu = emulator_factory(extra_events=6000)
    account = Account(emu, tmp_path)
    assert account.gcal("sync", "--calendar", PRIMARY).code == 0
    before = stored_events(account.store_file, PRIMARY)
    emu.update_event(PRIMARY, "allhands", summary="Never seen")
    emu.invalidate_sync_tokens()  # the next sync is a full listing of three pages
    emu.clear_requests()
    events_path = "/calendar/v3/calendars/ada%40example.com/events"
    emu.inject_delay(60, path=events_path, after=2)  # the 410, page 1, then page 2 hangs
    proc = account.spawn("sync", "--calendar", PRIMARY)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sum("pageToken" in r.query for r in emu.api_requests(events_path)) >= 1:
            break
        time.sleep(0.05)
    else:
        kill(proc)
        raise AssertionError("the sync never asked for its second page")
    time.sleep(0.3)
    kill(proc)
    assert proc.returncode == -9
    assert stored_events(account.store_file, PRIMARY) == before
    emu.reset()
    result = account.gcal("sync", "--calendar", PRIMARY)
    assert result.code == 0, result
    assert stored_events(account.store_file, PRIMARY)["allhands"]["summary"] == "Never seen"


def test_two_syncs_at_once_both_succeed(account: Account) -> None:
    account.emu.inject_delay(0.5, count=4)
    first = account.spawn("sync")
    second = account.spawn("sync")
    _out1, err1 = first.communicate(timeout=120)
    _out2, err2 = second.communicate(timeout=120)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    for cid in SELECTED:
        assert stored_events(account.store_file, cid) == {
            e["id"]: e for e in emulator_listing(account, cid, showDeleted=True)
        }


def test_one_failing_calendar_does_not_stop_the_others(account: Account) -> None:
    account.emu.inject_fault(404, path="/calendar/v3/calendars/" + WRITER.replace("@", "%40"))
    result = account.gcal("sync")
    assert result.code == 4, result
    assert any(x.startswith(f"gcal: error: {WRITER}: ") for x in result.err_lines)
    assert stored_events(account.store_file, PRIMARY)
    assert not stored_events(account.store_file, WRITER)


def test_series_columns_span_every_occurrence(account: Account) -> None:
    assert account.gcal("sync", "--calendar", PRIMARY).code == 0
    conn = sqlite3.connect(str(account.store_file))
    start, end = conn.execute(
        "SELECT start_ts, end_ts FROM events WHERE id = ?", (SERIES_ID,)
    ).fetchone()
    conn.close()
    occurrences = demo_facts()["series_occurrences"]
    assert start == datetime.fromisoformat(occurrences[0]).timestamp()
    assert end == datetime.fromisoformat(occurrences[-1]).timestamp() + 30 * 60
    assert expand.HORIZON.days > 700


WINDOW = (  # the candidates of a window, as gcal.store.query selects them
    "SELECT id FROM events WHERE calendar_id = ? AND start_ts IS NOT NULL AND start_ts < ? "
    "AND end_ts > ?"
)


def _indexes(conn: sqlite3.Connection) -> set:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_window_is_read_from_the_index_and_an_older_store_is_upgraded_in_place(
    account: Account,
) -> None:
    # both ends of a window are in the index: the rows of earlier events are never read
    assert account.gcal("sync", "--calendar", PRIMARY).code == 0
    conn = sqlite3.connect(str(account.store_file))
    plan = " ".join(r[-1] for r in conn.execute("EXPLAIN QUERY PLAN " + WINDOW, (PRIMARY, 2, 1)))
    assert "events_by_span" in plan, plan
    # a store of schema 2 (its time index had the start only) is read as it is, and the next
    # sync upgrades it in place: the same rows and meta, the new index
    conn.execute("DROP INDEX events_by_span")
    conn.execute("CREATE INDEX events_by_time ON events (calendar_id, start_ts)")
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")  # gone if rebuilt
    conn.commit()
    before = conn.execute("SELECT rowid, id FROM events ORDER BY rowid").fetchall()
    conn.close()
    offline = account.gcal("--format", "ndjson", "events", PRIMARY, "--offline")
    assert offline.code == 0 and offline.out.count("\n") > 1, offline
    assert account.gcal("sync", "--calendar", PRIMARY).code == 0
    conn = sqlite3.connect(str(account.store_file))
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        assert "events_by_span" in _indexes(conn) and "events_by_time" not in _indexes(conn)
        assert conn.execute("SELECT rowid, id FROM events ORDER BY rowid").fetchall() == before
        assert conn.execute("SELECT value FROM meta WHERE key = 'kept'").fetchone() == ("yes",)
    finally:
        conn.close()


def test_a_reader_during_a_sync_sees_the_old_state_then_the_new(emulator_factory, tmp_path) -> None:
    emu = emulator_factory(extra_events=3000)
    account = Account(emu, tmp_path)
    assert account.gcal("sync", "--calendar", PRIMARY).code == 0
    args = ["events", PRIMARY, "--offline", "--q", "All hands"]
    assert [e["summary"] for e in account.ndjson(*args)] == ["All hands"]
    emu.update_event(PRIMARY, "allhands", summary="All hands, new room")
    emu.invalidate_sync_tokens()  # a full listing of two pages, the second held
    emu.clear_requests()
    events_path = "/calendar/v3/calendars/ada%40example.com/events"
    emu.inject_delay(3, path=events_path, after=2)
    proc = account.spawn("sync", "--calendar", PRIMARY)
    deadline = time.monotonic() + 30
    while not any("pageToken" in r.query for r in emu.api_requests(events_path)):
        assert time.monotonic() < deadline, "the sync never asked for its second page"
        time.sleep(0.05)
    assert [e["summary"] for e in account.ndjson(*args)] == ["All hands"]  # the old state
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert [e["summary"] for e in account.ndjson(*args)] == ["All hands, new room"]


def test_a_terminal_shows_a_progress_bar_per_calendar_then_the_summary(account: Account) -> None:
    from ttyrunner import run_on_terminal

    # each calendar's listing is held a moment, so that the bars are drawn while it waits
    account.emu.inject_delay(0.6, count=len(SELECTED), path="/events")
    result = run_on_terminal([*account.args, "sync"], env=account.env, stderr_too=True, columns=120)
    assert result.code == 0, result
    import re

    # what stays on the screen: escape sequences (cursor moves, erasing) left out
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.out).replace("\r", "\n")
    assert "0 events, 0 pages" in shown  # a bar while the first page is awaited
    assert any(
        PRIMARY in line and re.search(r"\d[\d,]* events, 1 page(?!s)", line)
        for line in shown.splitlines()
    )
    # the bars disappear into one summary line per calendar, in calendar order
    summaries = [line for line in shown.splitlines() if line.startswith("gcal: sync: ")]
    assert [line.split(": ")[2] for line in summaries] == SELECTED
    assert shown.rstrip().endswith("(full)")


def test_no_progress_bar_when_stderr_is_not_a_terminal(account: Account) -> None:
    account.emu.inject_delay(0.3, count=len(SELECTED), path="/events")
    result = account.gcal_subprocess("sync")
    assert result.code == 0, result
    assert all(line.startswith("gcal: sync: ") for line in result.err_lines)
    assert "\x1b" not in result.err


def test_status_as_data_for_scripts(account: Account) -> None:
    import json

    assert account.gcal("sync", "--calendar", PRIMARY).code == 0
    result = account.gcal("sync", "--status", "--format", "ndjson")
    assert result.code == 0, result
    lines = [json.loads(line) for line in result.out.splitlines()]
    by_id = {line["calendarId"]: line for line in lines}
    primary = by_id[PRIMARY]
    assert primary["store"] == str(account.store_file)
    assert primary["events"] == account_events(account, PRIMARY)
    assert primary["lastSync"] == "full" and 0 <= primary["ageSeconds"] < 60
    assert datetime.fromisoformat(primary["syncedAt"]).tzinfo is not None
    never = by_id[WRITER]  # on the calendar list, never synced
    assert never["events"] is None and never["syncedAt"] is None and never["ageSeconds"] is None
    whole = json.loads(account.gcal("sync", "--status", "--format", "json").out)
    assert whole["exists"] is True and whole["size"] > 0
    assert [c["calendarId"] for c in whole["calendars"]] == [line["calendarId"] for line in lines]


def test_status_as_data_before_any_sync(account: Account) -> None:
    import json

    whole = json.loads(account.gcal("sync", "--status", "--format", "json").out)
    assert whole == {"store": str(account.store_file), "exists": False, "size": 0, "calendars": []}


def account_events(account: Account, calendar_id: str) -> int:
    return len(stored_events(account.store_file, calendar_id))


_TIMES = [
    "2024-03-31T01:30:00+01:00",
    "2024-03-31T02:30:00Z",
    "2024-03-31T02:30:00.250Z",
    "2024-03-31T02:30:00",  # no offset: not an API dateTime
    "2024-13-01T00:00:00Z",  # not a date
    "",
    None,
    5,
]


@pytest.mark.parametrize("start", _TIMES)
@pytest.mark.parametrize("end", _TIMES[:3] + _TIMES[4:6] + [{"date": "2024-04-01"}])
@pytest.mark.parametrize("extra", [{}, {"recurrence": ["RRULE:FREQ=DAILY;COUNT=3"]}, {"x": 1}])
def test_the_quick_columns_are_those_of_derive(start, end, extra) -> None:
    from gcal.store.sync import _derive_quick, derive

    zone = expand.zone_named("Europe/Berlin")
    event = {
        "id": "e",
        "status": "confirmed",
        "updated": "2024-01-01T00:00:00.123Z",
        "start": {"dateTime": start, "timeZone": "Europe/Berlin"},
        "end": end if isinstance(end, dict) else {"dateTime": end},
        **extra,
    }
    assert _derive_quick(event, zone) == derive(event, zone)
    del event["start"]
    assert _derive_quick(event, zone) == derive(event, zone)
