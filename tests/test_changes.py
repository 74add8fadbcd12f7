"""`gcal changes`: the history each sync records, read back (real store, real emulator), and
the words gcal.core.changes finds for a change."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from gcal.core import changes as core
from gcal.emulator import Emulator
from gcal.emulator.demo import SERIES_ID, default_anchor, demo_facts
from store_support import PRIMARY, Account

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")


# -- the words -----------------------------------------------------------------------------


def _brief(summary: str, start: str, end: str, **more: str) -> dict:
    return {"summary": summary, "start": {"dateTime": start}, "end": {"dateTime": end}, **more}


def test_describe_moved_renamed_cancelled_added() -> None:
    before = _brief("Weekly sync", "2026-12-08T10:00:00+01:00", "2026-12-08T10:30:00+01:00")
    moved = _brief("Weekly sync", "2026-12-09T14:00:00+01:00", "2026-12-09T14:30:00+01:00")
    assert core.describe("changed", before, moved, BERLIN) == (
        "moved",
        "Weekly sync: moved from Tue 10:00 to Wed 14:00",
    )
    renamed = dict(before, summary="Team sync")
    assert core.describe("changed", before, renamed, BERLIN) == (
        "renamed",
        "Team sync: renamed from 'Weekly sync'",
    )
    assert core.describe("removed", before, None, BERLIN)[0] == "cancelled"
    verb, text = core.describe("added", None, before, BERLIN)
    assert verb == "added" and text == "Weekly sync, Tue 2026-12-08 10:00–10:30"
    far = _brief("Weekly sync", "2027-01-12T10:00:00+01:00", "2027-01-12T10:30:00+01:00")
    assert (
        "from Tue 2026-12-08 10:00 to Tue 2027-01-12 10:00"
        in core.describe("changed", before, far, BERLIN)[1]
    )
    longer = dict(before, end={"dateTime": "2026-12-08T11:00:00+01:00"})
    assert (
        "now ends Tue 11:00 (was Tue 10:30)" in core.describe("changed", before, longer, BERLIN)[1]
    )
    assert core.describe("changed", before, dict(before), BERLIN)[0] == "changed"
    assert core.kinds("changed", before, dict(moved, summary="X")) == ["moved", "renamed"]


# -- --since ---------------------------------------------------------------------------------


def test_since_looks_back_only() -> None:
    from gcal.commands.changes import since_of
    from gcal.errors import UsageError

    now = datetime(2026, 12, 7, 18, 30, tzinfo=BERLIN)  # a Monday

    def at(text: str) -> datetime:
        return datetime.fromtimestamp(since_of(text, BERLIN, now), BERLIN)

    assert at("2h") == now - timedelta(hours=2)
    assert at("yesterday") == datetime(2026, 12, 6, tzinfo=BERLIN)
    # a bare weekday is the last one (today's once begun), not the grammar's next one
    assert at("monday") == datetime(2026, 12, 7, tzinfo=BERLIN)
    assert at("fri") == datetime(2026, 12, 4, tzinfo=BERLIN)
    assert at("fri 9am") == datetime(2026, 12, 4, 9, tzinfo=BERLIN)
    assert at("mon 9pm") == datetime(2026, 11, 30, 21, tzinfo=BERLIN)
    assert at("last monday") == datetime(2026, 11, 30, tzinfo=BERLIN)
    for future in ("tomorrow", "+3d", "+1h", "21:00", "next monday", "next week", "9999-12-31"):
        with pytest.raises(UsageError, match="in the future"):
            since_of(future, BERLIN, now)
    with pytest.raises(UsageError, match="before the year 1"):
        since_of("99999999d", BERLIN, now)
    # across a daylight-saving change a weekday keeps its wall-clock hour
    spring = datetime(2026, 3, 30, 12, tzinfo=BERLIN)  # the Monday after Europe's change
    assert datetime.fromtimestamp(since_of("sat 9am", BERLIN, spring), BERLIN) == datetime(
        2026, 3, 28, 9, tzinfo=BERLIN
    )


# -- end to end ----------------------------------------------------------------------------


@pytest.fixture
def account(emulator: Emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path, write=True)


def _changes(account: Account, *args: str) -> list:
    result = account.gcal("changes", "--format", "json", *args)
    assert result.code == 0, result
    return json.loads(result.out)


def test_changes_lists_exactly_the_edits_made_between_two_syncs(account: Account) -> None:
    emu = account.emu
    assert account.gcal("sync").code == 0
    assert _changes(account) == []  # a first sync is no change
    anchor = default_anchor()
    start = datetime.combine(anchor + timedelta(days=3), time(15), UTC)
    emu.insert_event(
        PRIMARY,
        {
            "id": "notary",
            "summary": "Notary",
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": (start + timedelta(hours=1)).isoformat()},
        },
    )
    emu.update_event(PRIMARY, "allhands", summary="Town hall")
    moved = datetime.combine(anchor + timedelta(days=4), time(9), UTC)
    emu.update_event(
        PRIMARY,
        "budgetreview",
        start={"dateTime": moved.isoformat()},
        end={"dateTime": (moved + timedelta(hours=1)).isoformat()},
    )
    emu.delete_event(PRIMARY, "dailystandup")
    # one occurrence of the weekly series cancelled
    last = demo_facts()["series_occurrences"][-1]
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
    assert account.gcal("sync").code == 0
    rows = _changes(account)
    got = sorted((r["id"], r["change"], tuple(r["kinds"])) for r in rows)
    assert got == sorted(
        [
            ("notary", "added", ("added",)),
            ("allhands", "changed", ("renamed",)),
            ("budgetreview", "changed", ("moved",)),
            ("dailystandup", "removed", ("cancelled",)),
            (last_id, "removed", ("cancelled",)),
        ]
    )
    assert all(r["calendarId"] == PRIMARY and not r["byGcal"] for r in rows)
    renamed = next(r for r in rows if r["id"] == "allhands")
    assert (
        renamed["before"]["summary"] == "All hands" and renamed["after"]["summary"] == "Town hall"
    )
    occurrence = next(r for r in rows if r["id"] == last_id)
    assert occurrence["before"]["summary"] == "Weekly sync" and occurrence["after"] is None
    table = account.gcal("changes", "-f", "table", "--time-zone", "UTC").out
    assert "Town hall: renamed from 'All hands'" in table
    assert "Budget review: moved from" in table and "to " + f"{moved:%a} 09:00" in table
    # a sync with nothing new records nothing
    assert account.gcal("sync").code == 0
    assert len(_changes(account)) == len(rows)


def test_gcal_own_changes_are_marked(account: Account) -> None:
    assert account.gcal("sync").code == 0
    account.emu.update_event(PRIMARY, "allhands", summary="Changed by someone else")
    result = account.gcal("edit", PRIMARY, "budgetreview", "--title", "Budget review (Q1)")
    assert result.code == 0, result
    rows = {r["id"]: r for r in _changes(account)}
    assert rows["budgetreview"]["byGcal"] is True
    assert rows["allhands"]["byGcal"] is False  # brought by the same refresh, not gcal's
    table = account.gcal("changes", "-f", "table").out
    assert "renamed from 'Budget review'" in table and "(by gcal)" in table


def test_since_and_keep(account: Account) -> None:
    assert account.gcal("sync").code == 0
    account.emu.update_event(PRIMARY, "allhands", summary="Renamed")
    assert account.gcal("sync").code == 0
    assert len(_changes(account, "--since", "1h")) == 1
    conn = sqlite3.connect(str(account.store_file))
    conn.execute("UPDATE history SET seen_at = seen_at - 3 * 86400")
    conn.commit()
    conn.close()
    assert _changes(account, "--since", "1d") == []
    assert len(_changes(account, "--since", "7d")) == 1
    assert account.gcal("sync", "--keep", "2d").code == 0  # the sync forgets what is older
    assert _changes(account, "--since", "7d") == []
    assert account.gcal("changes", "--since", "sometime").code == 2
    future = account.gcal("changes", "--since", "tomorrow")
    assert future.code == 2 and future.out == ""
    assert future.err_lines == [future.err_lines[0]] and "in the future" in future.err


def test_without_a_store_there_is_no_history_yet(account: Account) -> None:
    result = account.gcal("changes")
    assert result.code == 0 and "no store yet" in result.err


def test_config_history_keep_prunes_by_days(account: Account, tmp_path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text("history_keep = 2\n", encoding="utf-8")
    env = {**account.env, "GCAL_CONFIG_DIR": str(config)}
    from runner import run

    assert run([*account.args, "sync"], env=env).code == 0
    account.emu.update_event(PRIMARY, "allhands", summary="Renamed")
    assert run([*account.args, "sync"], env=env).code == 0
    conn = sqlite3.connect(str(account.store_file))
    conn.execute("UPDATE history SET seen_at = seen_at - 3 * 86400")
    conn.commit()
    conn.close()
    assert len(_changes(account, "--since", "7d")) == 1
    assert run([*account.args, "sync"], env=env).code == 0  # keeps 2 days: the change goes
    assert _changes(account, "--since", "7d") == []
