"""`gcal auth login|status|logout` and token use, as a user runs them (real subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from browser.support import (
    FOLLOW,
    api_works,
    assert_no_secrets,
    browser_result,
    consent,
    executable,
    refresh_works,
    write_oauth2client_file,
)
from gcal.google.loopback import SUCCESS_TEXT
from runner import run_subprocess

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="shell-script browser"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


def common(emu, tmp_path: Path) -> list:
    secrets = tmp_path / "client_secrets.json"
    if not secrets.exists():
        emu.write_client_secrets(secrets)
    return [
        "--client-secrets",
        str(secrets),
        "--credentials",
        str(tmp_path / "calendar.dat"),
        "--api-endpoint",  # the emulator's host may receive the code and the refresh token
        emu.api_endpoint,
    ]


def browser_env(tmp_path: Path) -> dict:
    script = executable(
        tmp_path / "browser.sh", f'#!/bin/sh\nexec "{sys.executable}" "{FOLLOW}" "$@"\n'
    )
    return {
        "BROWSER": str(script),
        "FAKE_BROWSER_OUT": str(tmp_path / "browser-result.json"),
        "GCAL_CONFIG_DIR": str(tmp_path / "config"),
    }


@pytest.mark.parametrize("port_option", ["--auth-host-port", "--auth_host_port"])
def test_cli_login_status_logout(emulator, tmp_path, port_option):
    env = browser_env(tmp_path)
    args = common(emulator, tmp_path)
    result = run_subprocess(["auth", "login", *args, port_option, "0"], env=env)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert SUCCESS_TEXT in browser_result(tmp_path / "browser-result.json")["body"]
    data = json.loads((tmp_path / "calendar.dat").read_text())
    assert api_works(emulator, data["access_token"])

    status = run_subprocess(["auth", "status", *args, "--format", "json"], env=env)
    assert status.code == 0, status.err
    info = json.loads(status.out)
    assert info["client_id"] == emulator.client_id and info["has_refresh_token"] is True
    for secret in (data["access_token"], data["refresh_token"], emulator.client_secret):
        assert secret not in status.out + status.err

    logout = run_subprocess(["auth", "logout", *args], env=env)
    assert logout.code == 0, logout.err
    assert data["refresh_token"] in emulator.revoked
    assert not (tmp_path / "calendar.dat").exists()


def test_cli_headless_login_through_stdin(emulator, tmp_path):

    env = dict(os.environ, **browser_env(tmp_path))
    command = [sys.executable, "-m", "gcal", "auth", "login", "--noauth_local_webserver"]
    proc = subprocess.Popen(
        [*command, *common(emulator, tmp_path)],
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

    location = consent(url)
    assert parse_qs(urlsplit(location).query)["state"]
    _, err = proc.communicate(location + "\n", timeout=30)
    assert proc.returncode == 0, err
    data = json.loads((tmp_path / "calendar.dat").read_text())
    assert refresh_works(emulator, data["refresh_token"])


def test_cli_without_credentials_is_exit_3_with_hint(emulator, tmp_path):
    result = run_subprocess(
        ["calendars", *common(emulator, tmp_path), "--api-endpoint", emulator.api_endpoint],
        env={"GCAL_CONFIG_DIR": str(tmp_path / "config")},
        input="",
    )
    assert result.code == 3, result.err
    assert "gcal auth login" in result.err and len(result.err_lines) == 1


def test_cli_uses_old_calendar_dat_and_revoked_token_is_exit_3(emulator, tmp_path):
    path = tmp_path / "calendar.dat"
    tokens = write_oauth2client_file(emulator, path, expired=True)
    args = [*common(emulator, tmp_path), "--api-endpoint", emulator.api_endpoint]
    args += ["--format", "json"]
    ok = run_subprocess(["calendars", *args], input="")
    assert ok.code == 0, ok.err
    assert json.loads(ok.out)
    assert not [r for r in emulator.requests if r.path.endswith("/o/oauth2/auth")]

    emulator.revoked.add(tokens["refresh_token"])
    emulator.expire_access_tokens()
    data = json.loads(path.read_text())
    data["token_expiry"] = data["expiry"] = "2000-01-01T00:00:00Z"
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    bad = run_subprocess(["calendars", *args], input="")
    assert bad.code == 3, bad.err
    assert "revoked or has expired" in bad.err and len(bad.err_lines) == 1
    assert path.read_bytes() == before


def test_cli_debug_output_has_no_secrets(emulator, tmp_path):
    env = browser_env(tmp_path)
    args = common(emulator, tmp_path)
    login = run_subprocess(
        ["auth", "login", *args, "--auth-host-port", "0", "--logging-level", "DEBUG"], env=env
    )
    assert login.code == 0, login.err
    first = json.loads((tmp_path / "calendar.dat").read_text())
    emulator.expire_access_tokens()
    listing = run_subprocess(
        ["calendars", *args, "--api-endpoint", emulator.api_endpoint, "--logging_level", "DEBUG"],
        env=env,
        input="",
    )
    assert listing.code == 0, listing.err
    second = json.loads((tmp_path / "calendar.dat").read_text())
    assert second["access_token"] != first["access_token"]  # refreshed on the 401 and saved
    text = login.out + login.err + listing.out + listing.err
    assert "DEBUG" in text
    assert assert_no_secrets(text, emulator) >= 6


def test_demo_login_follows_the_local_server_flow_without_a_person(tmp_path):
    # --demo's browser is scripted: the emulator consents and its redirect comes back to
    # gcal's local server on a free port, so the whole flow runs and nothing waits for a click.
    result = run_subprocess(["--demo", "auth", "login", "--auth-host-port", "0"], timeout=60)
    assert result.code == 0, result.err
    assert "authentication complete" in result.err


def test_status_and_list_print_the_files_account_without_escapes(emulator, tmp_path):
    """The account kept in the token file is text like an event's: auth status and auth list
    show an escape in it as `\\x1b`, never the byte a terminal would act on."""
    from runner import run

    path = tmp_path / "calendar.dat"
    write_oauth2client_file(emulator, path)
    data = json.loads(path.read_text())
    data["account"] = "\x1b]0;pwned\x07ada@example.com\x9b2J"
    path.write_text(json.dumps(data))
    args = [*common(emulator, tmp_path), "--api-endpoint", emulator.api_endpoint]
    env = {"GCAL_CONFIG_DIR": str(tmp_path / "config")}
    status = run(["auth", "status", *args], env=env)
    listed = run(["auth", "list", *args], env=env)
    assert status.code == listed.code == 0, status.err + listed.err
    assert "account: \\x1b]0;pwned\\x07ada@example.com\\x9b2J" in status.out.splitlines()
    assert "\\x1b]0;pwned\\x07ada@example.com\\x9b2J" in listed.out
    for out in (status.out, listed.out):
        assert not {"\x1b", "\x07", "\x9b"} & set(out)
