"""The credentials file's safety rules, seen through the `gcal` command (see test_credentials.py
for the store itself): loose permissions are tightened with a warning, a symlink is never
written through, and only a successful refresh changes the file."""

from __future__ import annotations

import os
import stat

import pytest

from test_read_commands import Account

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and symlinks")


def test_group_readable_file_is_tightened_with_a_warning(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    account.credentials.chmod(0o644)
    before = account.credentials.read_bytes()
    result = account.gcal("--format", "ndjson", "calendars")
    assert result.code == 0, result
    assert stat.S_IMODE(account.credentials.stat().st_mode) == 0o600
    warnings = [line for line in result.err_lines if line.startswith("gcal: warning:")]
    assert len(warnings) == 1 and "mode 644" in warnings[0] and "600" in warnings[0]
    assert account.credentials.read_bytes() == before  # a valid token: nothing rewritten


def test_refresh_is_not_written_through_a_symlink(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    target = tmp_path / "real.dat"
    account.credentials.rename(target)
    account.credentials.symlink_to(target)
    before = target.read_bytes()
    emulator.expire_access_tokens()  # the next request needs a refresh, which must be saved
    result = account.gcal("--format", "ndjson", "calendars")
    assert result.code == 3, result
    assert len(result.err_lines) == 1 and "Traceback" not in result.err
    assert "refusing to write credentials through the symlink" in result.err
    assert str(target) in result.err  # the reason says which real file to pass instead
    assert account.credentials.is_symlink() and target.read_bytes() == before


def test_a_symlink_to_a_file_others_can_read_is_warned_of_not_changed(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    target = tmp_path / "dotfiles" / "calendar.dat"
    target.parent.mkdir()
    account.credentials.rename(target)
    account.credentials.symlink_to(target)
    target.chmod(0o644)
    result = account.gcal("--format", "ndjson", "calendars")
    assert result.code == 0, result
    assert result.err_lines == [
        f"gcal: warning: credentials file {account.credentials} is a symlink to {target}, "
        f"which is readable by others (mode 644); run `chmod 600 {target}`"
    ]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # the target is not gcal's to change
    doctor = account.gcal("auth", "doctor")
    assert doctor.code == 3
    (line,) = [line for line in doctor.out.splitlines() if "token file" in line]
    assert line.startswith("fail") and f"run `chmod 600 {target}`" in line


def test_successful_refresh_is_the_change(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    before = account.credentials.read_bytes()
    assert account.gcal("--format", "ndjson", "calendars").code == 0
    assert account.credentials.read_bytes() == before
    emulator.expire_access_tokens()
    assert account.gcal("--format", "ndjson", "calendars").code == 0
    after = account.credentials.read_bytes()
    assert after != before
    assert stat.S_IMODE(account.credentials.stat().st_mode) == 0o600
