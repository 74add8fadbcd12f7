"""--sync-token-file never destroys what is at the path, and is checked before any request."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from runner import run
from test_read_commands import Account

LISTING = ["--format", "ndjson", "calendars"]


@pytest.fixture
def account(emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path)


def _listed(out: str) -> list:
    return [json.loads(line)["id"] for line in out.splitlines() if line.startswith("{")]


def test_dash_means_stdout_and_creates_no_file(account, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = account.gcal(*LISTING, "--sync-token-file", "-")
    assert result.code == 0, result.err
    *rows, token = result.out.splitlines()
    assert rows and all(row.startswith("{") for row in rows)
    assert token and not token.startswith("{")
    assert not (tmp_path / "-").exists()
    assert "next sync token" not in result.err


def test_a_symlink_stays_and_its_target_is_replaced(account, tmp_path) -> None:
    target = tmp_path / "real-token.txt"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "token-link"
    link.symlink_to(target)
    result = account.gcal(*LISTING, "--sync-token-file", str(link))
    assert result.code == 0, result.err
    assert link.is_symlink() and os.readlink(link) == str(target)
    token = target.read_text().strip()
    assert token and token != "old"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # replaced, mode kept
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".gcal-sync-")] == []


def test_a_fifo_is_written_through_not_replaced(account, tmp_path) -> None:
    fifo = tmp_path / "token.fifo"
    os.mkfifo(fifo)
    got: list = []

    def read() -> None:
        with open(fifo, encoding="utf-8") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = account.gcal(*LISTING, "--sync-token-file", str(fifo))
    reader.join(10)
    assert result.code == 0, result.err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and got[0].strip()


def test_dev_null_stays_a_device() -> None:
    result = run(["--demo", *LISTING, "--sync-token-file", "/dev/null"])
    assert result.code == 0, result.err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert "next sync token" not in result.err


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("folder", "it is a directory"),
        ("missing/token.txt", "does not exist"),
    ],
)
def test_a_path_that_cannot_be_written_fails_before_any_request(
    account, tmp_path, name: str, why: str
) -> None:
    (tmp_path / "folder").mkdir()
    path = str(tmp_path / name)
    result = account.gcal(*LISTING, "--sync-token-file", path)
    assert result.code == 2
    assert result.out == ""
    assert result.err_lines == [f"gcal: error: cannot write the sync token to {path}: " + why] or (
        len(result.err_lines) == 1 and why in result.err
    )
    assert account.api_requests() == []


def test_an_unwritable_folder_fails_before_any_request(account, tmp_path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = account.gcal(*LISTING, "--sync-token-file", str(folder / "t.txt"))
    finally:
        folder.chmod(0o700)
    assert (result.code, result.out) == (2, "")
    assert "is not writable" in result.err
    assert account.api_requests() == []


def test_empty_path_is_a_usage_error() -> None:
    result = run(["--demo", *LISTING, "--sync-token-file", ""])
    assert (result.code, result.err_lines) == (
        2,
        ["gcal: error: --sync-token-file must not be empty"],
    )
