"""Ctrl-C: a real `python -m gcal` process interrupted with SIGINT at awkward moments.

Each case exits 130 with one `gcal: error: interrupted` line (and, after some output, the
incomplete note), no traceback, and leaves no half-written file behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from gcal.emulator import Emulator
from test_read_commands import Account

pytestmark = pytest.mark.skipif(os.name != "posix", reason="sends POSIX signals")


def start(account: Account, *args: str, stdin=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gcal", *account.args, *args],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, GCAL_BACKOFF_BASE="0.001"),
    )


def wait_for(condition, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def interrupt(proc: subprocess.Popen):
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    return proc.returncode, out, err


def assert_clean_interrupt(code: int, err: str) -> list:
    assert code == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[-1] == "gcal: error: interrupted", err
    return lines


def test_interrupt_while_waiting_for_the_first_page(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    emulator.inject_delay(10)
    sync_file = tmp_path / "sync.txt"
    proc = start(account, "--format", "json", "calendars", "--sync-token-file", str(sync_file))
    wait_for(lambda: emulator.api_requests("calendarList"), "the request")
    code, out, err = interrupt(proc)
    assert assert_clean_interrupt(code, err) == ["gcal: error: interrupted"]
    assert json.loads(out) == []
    assert not sync_file.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".gcal-sync-")]


def test_interrupt_on_a_middle_page_closes_the_output(emulator_factory, tmp_path):
    emu: Emulator = emulator_factory(extra_events=150)
    account = Account(emu, tmp_path)
    before = account.credentials.read_bytes()
    proc = start(account, "--format", "json", "events", "primary", "--max-results", "50")
    # page one is answered at once; page two is held until the interrupt
    emu.inject_delay(0.3)
    wait_for(lambda: emu.faults.pending() == 0, "the first page")
    emu.inject_delay(30)
    wait_for(lambda: len(emu.api_requests("/events")) >= 2, "the second page")
    code, out, err = interrupt(proc)
    lines = assert_clean_interrupt(code, err)
    assert lines == ["gcal: output is incomplete: 50 items were written before this", lines[-1]]
    assert len(json.loads(out)) == 50  # the array was closed
    assert account.credentials.read_bytes() == before


def test_interrupt_during_the_token_refresh_keeps_the_credentials(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    emulator.expire_access_tokens()
    before = account.credentials.read_bytes()
    emulator.inject_delay(10, path="/token")
    proc = start(account, "--format", "ndjson", "calendars")
    wait_for(lambda: [r for r in emulator.requests if r.path == "/token"], "the refresh")
    code, _, err = interrupt(proc)
    assert assert_clean_interrupt(code, err) == ["gcal: error: interrupted"]
    assert account.credentials.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["client_secrets.json", "calendar.dat"]
    )


def test_interrupt_at_the_headless_login_prompt_writes_nothing(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    account.credentials.unlink()
    proc = start(account, "auth", "login", "--noauth-local-webserver", stdin=subprocess.PIPE)
    # the prompt is written without a newline; wait until gcal has printed the URL and more
    seen = ""
    while "Redirected URL or code:" not in seen:
        chunk = os.read(proc.stderr.fileno(), 4096).decode()
        assert chunk, seen
        seen += chunk
    code, _, err = interrupt(proc)
    assert_clean_interrupt(code, seen + err)
    assert not account.credentials.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
