"""Hostile or broken local places: a read-only or full file system, a locked, damaged or foreign
store, a symlink at the store's path, folders others can write to, a careless umask.

Each ends in one line naming the file and exit 7 (a local file problem), or is recovered (a
damaged store is a cache: moved aside and rebuilt). The file-system cases mount a small tmpfs,
which needs root (CI runs as root); elsewhere they are skipped.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from gcal.emulator import Emulator
from gcal.store import db
from store_support import PRIMARY, WRITER, Account

EXIT_LOCAL = 7
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def account(emulator: Emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path)


def one_error(result, *words: str) -> str:
    """The single `gcal: error:` line, which must contain `words` (and no 'unexpected')."""
    errors = [x for x in result.err_lines if x.startswith("gcal: error:")]
    assert len(errors) == 1, result
    assert "unexpected" not in result.err and "Traceback" not in result.err, result
    for word in words:
        assert word in errors[0], result
    return errors[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- tmpfs ------------------------------------------------------------------------------------


@pytest.fixture
def tmpfs(tmp_path):
    """A 2 MB tmpfs (root only), unmounted afterwards."""
    if not ROOT or sys.platform != "linux":
        pytest.skip("mounting a tmpfs needs root on Linux")
    mount = tmp_path / "mnt"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mount)])
    if done.returncode != 0:
        pytest.skip("tmpfs cannot be mounted here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def on(account: Account, mount: Path) -> Account:
    account.cache = mount / "cache"
    return account


def read_only(mount: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)


def test_a_read_only_file_system_still_answers_offline(account: Account, tmpfs: Path) -> None:
    on(account, tmpfs)
    assert account.gcal("sync", "--quiet").code == 0
    offline = account.ndjson("events", "primary", "--offline")
    read_only(tmpfs)
    assert account.ndjson("events", "primary", "--offline") == offline
    agenda = account.gcal("agenda", "--offline")
    assert agenda.code == 0 and "cannot create" not in agenda.err, agenda
    status = account.gcal("sync", "--status")
    assert status.code == 0, status

    synced = account.gcal("sync")
    line = one_error(synced, str(account.store_file), "read-only")
    assert synced.code == EXIT_LOCAL, synced
    assert "unexpected" not in line

    cached = account.gcal("--format", "ndjson", "events", "primary", "--cached", "--max-age", "0s")
    assert cached.code == 0, cached
    warnings = [x for x in cached.err_lines if "warning" in x]
    assert len(warnings) == 1 and "answering from the Calendar API" in warnings[0], cached
    assert cached.out.count("\n") == len(offline)

    agenda = account.gcal("agenda", "--cached", "--max-age", "0s")
    assert agenda.code == 0, agenda
    assert sum("warning" in x for x in agenda.err_lines) == 1, agenda


def test_a_read_only_file_system_before_any_sync(account: Account, tmpfs: Path) -> None:
    on(account, tmpfs)
    read_only(tmpfs)
    result = account.gcal("sync")
    assert result.code == EXIT_LOCAL
    one_error(result, "read-only")
    offline = account.gcal("agenda", "--offline")
    assert offline.code == 4, offline  # never synced, as before: nothing to read
    assert "cannot create" not in offline.err


def test_a_full_disk_is_one_line_and_the_journal_gives_its_space_back(
    emulator_factory, tmp_path, tmpfs: Path
) -> None:
    account = on(Account(emulator_factory(extra_events=300), tmp_path), tmpfs)
    assert account.gcal("sync", "--quiet", "--calendar", WRITER).code == 0
    filler = tmpfs / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:  # fill the disk to the last block
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    result = account.gcal("sync", "--quiet")  # the primary calendar needs room it has not
    assert result.code == EXIT_LOCAL, result
    one_error(result, str(account.store_file), "disk is full")
    wal = Path(str(account.store_file) + "-wal")
    assert not wal.exists() or wal.stat().st_size < 64 * 1024
    filler.unlink()
    again = account.gcal("sync", "--quiet")
    assert again.code == 0, again
    assert account.ndjson("events", "primary", "--offline")


def test_a_full_disk_simulated_with_max_page_count(account: Account, monkeypatch) -> None:
    """Where no tmpfs can be mounted: SQLite's own limit gives the same SQLITE_FULL."""
    assert account.gcal("sync", "--quiet", "--calendar", WRITER).code == 0
    real = db._connect

    def small(path, **kw):
        conn = real(path, **kw)
        if not kw.get("readonly"):
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        return conn

    monkeypatch.setattr(db, "_connect", small)
    result = account.gcal("sync", "--quiet", "--calendar", PRIMARY)
    assert result.code == EXIT_LOCAL, result
    one_error(result, str(account.store_file), "disk is full")


# -- locks, damage, foreign files --------------------------------------------------------------


def test_a_locked_store_is_the_stayed_locked_error(account: Account, monkeypatch) -> None:
    assert account.gcal("sync", "--quiet", "--calendar", WRITER).code == 0
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(str(account.store_file), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = account.gcal("sync", "--rebuild", "--calendar", WRITER)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.code == EXIT_LOCAL, result
    one_error(result, str(account.store_file), "stayed locked")


def corrupt_pages(path: Path) -> None:
    """Overwrite every page but the first (the header stays valid: only reading finds it)."""
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    for start in range(page, len(data), page):
        data[start : start + page] = bytes([0x5A]) * page
    path.write_bytes(bytes(data))


def test_a_store_with_corrupt_pages_is_moved_aside_and_rebuilt(account: Account) -> None:
    assert account.gcal("sync", "--quiet").code == 0
    before = account.ndjson("events", "primary", "--offline")
    corrupt_pages(account.store_file)
    offline = account.gcal("agenda", "--offline")
    assert offline.code == EXIT_LOCAL, offline
    one_error(offline, str(account.store_file), "damaged")
    assert any(
        p.name.startswith("default.sqlite3.broken-") for p in account.store_file.parent.iterdir()
    )

    synced = account.gcal("sync", "--quiet")
    assert synced.code == 0, synced
    assert account.ndjson("events", "primary", "--offline") == before

    corrupt_pages(account.store_file)
    synced = account.gcal("sync", "--quiet")  # found damaged while syncing: rebuilt at once
    assert synced.code == 0, synced
    assert account.ndjson("events", "primary", "--offline") == before

    corrupt_pages(account.store_file)
    rebuilt = account.gcal("sync", "--rebuild", "--quiet")
    assert rebuilt.code == 0, rebuilt
    assert account.ndjson("events", "primary", "--offline") == before

    corrupt_pages(account.store_file)
    upnext = account.gcal("next", "--cached", "--max-age", "0s")
    assert upnext.code == 0, upnext
    assert "unexpected" not in upnext.err


def foreign_database(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE places (name TEXT)")
    conn.execute("INSERT INTO places VALUES ('home')")
    conn.commit()
    conn.close()


def test_a_symlink_at_the_store_path_is_never_followed(account: Account, tmp_path) -> None:
    other = tmp_path / "other-program.db"
    foreign_database(other)
    before = digest(other)
    account.store_file.parent.mkdir(parents=True, mode=0o700)
    account.cache.chmod(0o700)
    account.store_file.symlink_to(other)
    for args in (["sync"], ["agenda", "--offline"], ["sync", "--rebuild"], ["sync", "--status"]):
        result = account.gcal(*args)
        assert result.code == EXIT_LOCAL, (args, result)
        one_error(result, str(account.store_file), "symbolic link")
    assert digest(other) == before
    assert not Path(str(other) + "-wal").exists()
    conn = sqlite3.connect(f"file:{other}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_a_foreign_database_is_looked_at_read_only_and_moved_aside_unchanged(
    account: Account,
) -> None:
    account.store_file.parent.mkdir(parents=True, mode=0o700)
    account.cache.chmod(0o700)
    foreign_database(account.store_file)
    before = digest(account.store_file)
    offline = account.gcal("agenda", "--offline")
    assert offline.code == EXIT_LOCAL, offline
    one_error(offline, "not a gcal store")
    assert digest(account.store_file) == before
    result = account.gcal("sync", "--quiet", "--calendar", WRITER)
    assert result.code == 0, result
    aside = [p for p in account.store_file.parent.iterdir() if ".broken-" in p.name]
    assert len(aside) == 1 and digest(aside[0]) == before
    conn = sqlite3.connect(f"file:{aside[0]}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    stored = sqlite3.connect(str(account.store_file))
    assert stored.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID
    stored.close()


def test_a_newer_gcals_store_is_named_so_and_moved_aside_by_a_sync(account: Account) -> None:
    account.store_file.parent.mkdir(parents=True, mode=0o700)
    account.cache.chmod(0o700)
    newer = sqlite3.connect(str(account.store_file))
    newer.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
    newer.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    newer.execute("CREATE TABLE events (id TEXT)")
    newer.commit()
    newer.close()
    before = digest(account.store_file)
    offline = account.gcal("agenda", "--offline")
    assert offline.code == EXIT_LOCAL, offline
    one_error(offline, "a newer gcal's")
    assert "not a gcal store" not in offline.err
    assert digest(account.store_file) == before
    result = account.gcal("sync", "--quiet", "--calendar", WRITER)
    assert result.code == 0, result
    aside = [p for p in account.store_file.parent.iterdir() if ".broken-" in p.name]
    assert len(aside) == 1 and digest(aside[0]) == before


# -- folders and the umask ---------------------------------------------------------------------


def test_under_umask_000_gcal_folders_are_created_0700(account: Account, tmp_path) -> None:
    account.cache = tmp_path / "home" / ".cache" / "gcal"

    def umask0() -> None:
        os.umask(0)

    env = dict(os.environ, **account.env)
    proc = subprocess.run(
        [sys.executable, "-m", "gcal", *account.args, "sync", "--quiet", "--calendar", WRITER],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=umask0,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    for folder in (tmp_path / "home" / ".cache", account.cache, account.cache / "store"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(account.store_file.stat().st_mode) == 0o600


def test_an_existing_parent_of_the_cache_folder_is_left_alone(account: Account, tmp_path) -> None:
    parent = tmp_path / "dot-cache"
    parent.mkdir()
    parent.chmod(0o755)
    account.cache = parent / "gcal"
    assert account.gcal("sync", "--quiet", "--calendar", WRITER).code == 0
    assert stat.S_IMODE(parent.stat().st_mode) == 0o755


@pytest.mark.parametrize("which", ["cache", "store"])
@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702])
def test_a_gcal_folder_others_can_write_to_is_refused(account: Account, which, mode) -> None:
    assert account.gcal("sync", "--quiet", "--calendar", WRITER).code == 0
    folder = account.cache if which == "cache" else account.store_file.parent
    folder.chmod(mode)
    try:
        for args in (["sync"], ["agenda", "--offline"], ["events", "primary", "--offline"]):
            result = account.gcal(*args)
            assert result.code == EXIT_LOCAL, (args, result)
            one_error(result, str(folder), "others can write")
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not ROOT, reason="chown to another user needs root")
def test_a_gcal_folder_of_another_user_is_refused(account: Account) -> None:
    assert account.gcal("sync", "--quiet", "--calendar", WRITER).code == 0
    os.chown(account.store_file.parent, 65534, -1)
    result = account.gcal("agenda", "--offline")
    assert result.code == EXIT_LOCAL, result
    one_error(result, str(account.store_file.parent), "another user")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_an_output_file_on_a_full_disk_is_exit_7(account: Account, tmp_path) -> None:
    export = account.gcal("export", WRITER, "--output", "/dev/full")
    assert export.code == EXIT_LOCAL, export
    one_error(export, "/dev/full")
    token = account.gcal("-f", "ndjson", "events", WRITER, "--sync-token-file", "/dev/full")
    assert token.code == EXIT_LOCAL, token
    one_error(token, "/dev/full")


def test_a_config_folder_others_can_write_to_is_refused(tmp_path) -> None:
    from runner import run

    config = tmp_path / "config"
    config.mkdir(mode=0o700)
    config.chmod(0o777)
    result = run(["auth", "status"], env={"GCAL_CONFIG_DIR": str(config)})
    assert result.code == EXIT_LOCAL, result
    one_error(result, str(config), "others can write")
    config.chmod(0o700)
    assert run(["auth", "status"], env={"GCAL_CONFIG_DIR": str(config)}).code in (0, 3)
