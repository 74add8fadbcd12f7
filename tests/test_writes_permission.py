"""Permission to change events: least first, asked for once, never assumed.

Reading keeps the read-only scope; `gcal auth login --write` (or the first write, on a terminal)
asks for the events scope by incremental authorization; a login without it makes every write
one line naming `gcal auth login --write` and exit 3, with nothing sent, while reads keep
working; `read_only = true` in a profile refuses every write (exit 2).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from browser.support import consent
from gcal.settings import SCOPES, WRITE_SCOPE
from store_support import Account

READ_SCOPE = SCOPES[0]

WRITE_COMMANDS = [
    ["add", "Dentist", "--start", "tomorrow 09:00"],
    ["quick", "Lunch tomorrow noon"],
    ["edit", "primary", "dentist", "--location", "Room 5"],
    ["delete", "primary", "dentist"],
    ["delete", "primary", "weeklysync", "--yes"],
    ["rsvp", "primary", "allhands", "yes"],
    ["move", "primary", "dentist", "team.engineering@group.calendar.google.com"],
    ["undo"],
]


def _headless_login(emulator, tmp_path: Path, *, write: bool, untick: bool = False) -> str:
    """`gcal auth login --noauth-local-webserver [--write]` with a pasted redirect; `untick`
    plays a user who unticks the write box (Google then grants the read scope only)."""
    secrets = tmp_path / "client_secrets.json"
    emulator.write_client_secrets(secrets)
    args = ["--client-secrets", str(secrets), "--credentials", str(tmp_path / "calendar.dat")]
    args += ["--api-endpoint", emulator.api_endpoint]  # the emulator may receive the code
    command = [sys.executable, "-m", "gcal", "auth", "login", "--noauth-local-webserver"]
    if write:
        command.append("--write")
    env = dict(os.environ, GCAL_CONFIG_DIR=str(tmp_path / "config"))
    proc = subprocess.Popen(
        [*command, *args],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    url = None
    deadline = time.monotonic() + 30
    while url is None and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if "o/oauth2/auth?" in line:
            url = line.strip()
    assert url, "no URL printed"
    if untick:
        parts = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        query["scope"] = READ_SCOPE
        url = urlunsplit(parts._replace(query=urlencode(query)))
    _, err = proc.communicate(consent(url) + "\n", timeout=30)
    assert proc.returncode == 0, err
    return url + "\n" + err


def test_login_write_asks_incrementally_for_the_events_scope(emulator, tmp_path):
    text = _headless_login(emulator, tmp_path, write=True)
    query = parse_qs(urlsplit(text.splitlines()[0]).query)
    assert query["include_granted_scopes"] == ["true"]
    assert set(query["scope"][0].split()) == {READ_SCOPE, WRITE_SCOPE}
    data = json.loads((tmp_path / "calendar.dat").read_text())
    assert WRITE_SCOPE in data["scopes"]


def test_a_plain_login_asks_to_read_only(emulator, tmp_path):
    text = _headless_login(emulator, tmp_path, write=False)
    query = parse_qs(urlsplit(text.splitlines()[0]).query)
    assert query["scope"] == [READ_SCOPE]
    assert query["include_granted_scopes"] == ["true"]


def test_an_unticked_write_box_keeps_reads_and_explains_writes(emulator, tmp_path):
    text = _headless_login(emulator, tmp_path, write=True, untick=True)
    assert "was not granted" in text
    from runner import run

    args = [
        "--client-secrets",
        str(tmp_path / "client_secrets.json"),
        "--credentials",
        str(tmp_path / "calendar.dat"),
        "--api-endpoint",
        emulator.api_endpoint,
    ]
    env = {"GCAL_CACHE_DIR": str(tmp_path / "cache"), "GCAL_CONFIG_DIR": str(tmp_path / "c")}
    status = run(["auth", "status", *args, "--format", "json"], env=env)
    assert json.loads(status.out)["access"] == "read"
    emulator.clear_requests()
    added = run(["add", "Dentist", "--start", "tomorrow 09:00", *args], env=env)
    assert added.code == 3 and len(added.err_lines) == 1
    assert "gcal auth login --write" in added.err
    assert emulator.api_requests() == []
    assert run(["agenda", *args], env=env).code == 0


@pytest.fixture
def reader(emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path)


@pytest.mark.parametrize("command", WRITE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_read_only_login_makes_every_write_exit_3_sending_nothing(reader, command):
    result = reader.gcal(*command)
    assert result.code == 3, result
    assert len(result.err_lines) == 1 and "gcal auth login --write" in result.err
    assert reader.emu.api_requests() == []


def test_reads_work_with_a_read_only_login_and_status_says_read(reader):
    assert reader.gcal("agenda").code == 0
    status = reader.gcal("auth", "status", "--format", "json")
    assert json.loads(status.out)["access"] == "read"


def test_status_says_read_write_after_a_write_login(emulator, tmp_path):
    writer = Account(emulator, tmp_path, write=True)
    status = writer.gcal("auth", "status")
    assert "access: read/write" in status.out


@pytest.mark.parametrize("command", WRITE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_read_only_profile_refuses_every_write(emulator, tmp_path, command):
    writer = Account(emulator, tmp_path, write=True)
    config = tmp_path / "config.toml"
    config.write_text("read_only = true\n", encoding="utf-8")
    result = run_with_config(writer, config, *command)
    assert result.code == 2, result
    assert "read-only" in result.err and len(result.err_lines) == 1
    assert [r for r in emulator.api_requests() if r.method != "GET"] == []


def run_with_config(account: Account, config: Path, *args: str):
    from runner import run

    return run([*account.args, *args], env={**account.env, "GCAL_CONFIG": str(config)})


def test_the_first_write_on_a_terminal_asks_for_the_permission_then_writes(emulator, tmp_path):
    """A read-only login, a person at the terminal: the write starts the login asking for the
    events scope (incrementally), then goes through; reads never needed it."""
    import pty

    from browser.support import FOLLOW, executable

    reader = Account(emulator, tmp_path)
    script = executable(
        tmp_path / "browser.sh", f'#!/bin/sh\nexec "{sys.executable}" "{FOLLOW}" "$@"\n'
    )
    env = {
        **os.environ,
        **reader.env,
        "BROWSER": str(script),
        "FAKE_BROWSER_OUT": str(tmp_path / "browser-result.json"),
        "GCAL_CONFIG_DIR": str(tmp_path / "config"),
    }
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gcal",
            *reader.args,
            "--auth-host-port",
            "0",
            "add",
            "Dentist",
            "--start",
            "tomorrow 09:00",
            "--format",
            "json",
        ],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    os.close(slave)
    out, err = proc.communicate(timeout=60)
    os.close(master)
    assert proc.returncode == 0, err
    assert "permission" in err
    assert json.loads(out)["summary"] == "Dentist"
    data = json.loads(reader.credentials.read_text())
    assert WRITE_SCOPE in data["scopes"] and READ_SCOPE in data["scopes"]
