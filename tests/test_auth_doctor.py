"""`gcal auth doctor` against the emulator: all checks passing, then each failing on its own."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List

import pytest

from browser.support import write_google_auth_file, write_oauth2client_file
from runner import run

NAMES = ["client secrets", "token file", "token refresh", "scopes", "clock", "Calendar API"]


def setup(emulator, tmp_path: Path, **kwargs) -> List[str]:
    secrets = emulator.write_client_secrets(tmp_path / "client_secrets.json")
    credentials = tmp_path / "calendar.dat"
    write_oauth2client_file(emulator, credentials, **kwargs)
    return [
        "--client-secrets",
        str(secrets),
        "--credentials",
        str(credentials),
        "--api-endpoint",
        emulator.api_endpoint,
        "--retries",
        "0",
    ]


def doctor(args: List[str]):
    result = run([*args, "auth", "doctor"], env={"GCAL_BACKOFF_BASE": "0"})
    lines = result.out.splitlines()
    assert [line.split(":", 1)[0].split(None, 1)[1] for line in lines] == NAMES, result
    statuses = {line.split(":", 1)[0].split(None, 1)[1]: line.split()[0] for line in lines}
    return result, statuses, {n: line for n, line in zip(NAMES, lines)}


def only(statuses: Dict[str, str], failing: str, then_skipped=()) -> None:
    for name, status in statuses.items():
        expected = "fail" if name == failing else "skip" if name in then_skipped else "ok"
        assert status == expected, (name, statuses)


def test_all_checks_pass(emulator, tmp_path):
    result, statuses, lines = doctor(setup(emulator, tmp_path))
    assert result.code == 0, result
    assert set(statuses.values()) == {"ok"}, result.out
    assert "ada@example.com" in lines["Calendar API"]
    assert "calendar.readonly" in lines["scopes"]
    assert result.err == ""
    for secret in emulator.issued_secrets():
        assert secret not in result.out


def test_json_output(emulator, tmp_path):
    result = run([*setup(emulator, tmp_path), "auth", "doctor", "-f", "json"])
    assert result.code == 0, result
    document = json.loads(result.out)
    assert [c["name"] for c in document["checks"]] == NAMES
    assert document["exit_code"] == 0


def test_web_client_secrets_fail(emulator, tmp_path):
    args = setup(emulator, tmp_path)
    path = tmp_path / "client_secrets.json"
    data = json.loads(path.read_text())
    path.write_text(json.dumps({"web": data["installed"]}))
    result, statuses, lines = doctor(args)
    only(statuses, "client secrets")
    assert (
        "'web' OAuth client" in lines["client secrets"] and "Desktop app" in lines["client secrets"]
    )
    assert result.code == 3
    assert result.err_lines == ["gcal: error: auth doctor: client secrets failed"]


def test_loose_token_file_mode_fails(emulator, tmp_path):
    args = setup(emulator, tmp_path)
    os.chmod(tmp_path / "calendar.dat", 0o644)
    result, statuses, lines = doctor(args)
    only(statuses, "token file")
    assert "mode 644" in lines["token file"] and "chmod 600" in lines["token file"]
    assert result.code == 3


def test_google_auth_format_is_read_too(emulator, tmp_path):
    args = setup(emulator, tmp_path)
    write_google_auth_file(emulator, tmp_path / "calendar.dat")
    result, _, lines = doctor(args)
    assert result.code == 0, result.out
    assert "google-auth file" in lines["token file"]


def test_revoked_token_fails_with_the_testing_hint(emulator, tmp_path):
    args = setup(emulator, tmp_path)
    refresh = json.loads((tmp_path / "calendar.dat").read_text())["refresh_token"]
    emulator.oauth.revoke(refresh)
    result, statuses, lines = doctor(args)
    only(statuses, "token refresh", then_skipped=("scopes", "Calendar API"))
    assert "invalid_grant" in lines["token refresh"] and "Testing" in lines["token refresh"]
    assert "publish" in lines["token refresh"] and "gcal auth login" in lines["token refresh"]
    assert result.code == 3


def test_missing_scope_fails(emulator, tmp_path):
    tokens = emulator.issue_tokens(scopes=["https://www.googleapis.com/auth/userinfo.email"])
    args = setup(emulator, tmp_path, tokens=tokens)
    result, statuses, lines = doctor(args)
    only(statuses, "scopes", then_skipped=("Calendar API",))
    assert "userinfo.email" in lines["scopes"] and "calendar.readonly" in lines["scopes"]
    assert result.code == 3


@pytest.mark.parametrize(("offset", "status"), [(-900, "fail"), (900, "fail"), (120, "warn")])
def test_skewed_date_header(emulator, tmp_path, offset, status):
    args = setup(emulator, tmp_path)
    emulator.date_offset = offset
    result, statuses, lines = doctor(args)
    assert statuses["clock"] == status, result.out
    assert all(s == "ok" for n, s in statuses.items() if n != "clock"), result.out
    direction = "ahead of" if offset < 0 else "behind"
    assert (
        f"{abs(offset)} s {direction}" in lines["clock"]
        or f"{abs(offset) - 1} s" in lines["clock"]
        or f"{abs(offset) + 1} s" in lines["clock"]
    )
    assert result.code == (3 if status == "fail" else 0)


def test_api_down_fails_as_a_network_problem(emulator, tmp_path):
    args = setup(emulator, tmp_path)
    emulator.inject_fault(503, count=10)
    result, statuses, lines = doctor(args)
    only(statuses, "Calendar API")
    assert "503" in lines["Calendar API"]
    assert result.code == 5


def test_token_endpoint_down_is_a_network_problem(emulator, tmp_path):
    args = setup(emulator, tmp_path)
    emulator.inject_fault(503, path="/token", count=10)
    result, statuses, lines = doctor(args)
    assert "503" in lines["token refresh"]
    only(statuses, "token refresh", then_skipped=("scopes", "Calendar API"))
    assert result.code == 5


def test_no_token_file(emulator, tmp_path):
    args = setup(emulator, tmp_path)
    (tmp_path / "calendar.dat").unlink()
    result, statuses, lines = doctor(args)
    only(statuses, "token file", then_skipped=("token refresh", "scopes", "clock", "Calendar API"))
    assert "gcal auth login" in lines["token file"]
    assert result.code == 3
