"""Files planted for gcal: ./client_secrets.json and ./calendar.dat in a shared folder, and a
token_uri that would send the login's code or the refresh token to someone else's server.

Files owned by another user need root to make (CI runs as root); those tests skip otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from runner import run

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
OTHER_UID = 65534  # nobody


def token_file(path: Path, token_uri: str, *, expired: bool) -> None:
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=-2 if expired else 1)
    expiry = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    path.write_text(
        json.dumps(
            {
                "access_token": "ya29.planted",
                "token": "ya29.planted",
                "refresh_token": "1//victim-refresh-token",
                "client_id": "123-x.apps.googleusercontent.com",
                "client_secret": "GOCSPX-victim",
                "token_uri": token_uri,
                "expiry": expiry,
                "token_expiry": expiry,
                "scopes": ["https://www.googleapis.com/auth/calendar.readonly"],
                "type": "authorized_user",
            }
        )
    )
    path.chmod(0o600)


def secrets_file(path: Path, token_uri: str) -> None:
    path.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": "123-x.apps.googleusercontent.com",
                    "client_secret": "GOCSPX-victim",
                    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                    "token_uri": token_uri,
                    "redirect_uris": ["http://localhost"],
                }
            }
        )
    )
    path.chmod(0o600)


@pytest.fixture
def shared(tmp_path, monkeypatch) -> Path:
    """A shared folder as the current directory, gcal's own config folder elsewhere."""
    folder = tmp_path / "shared"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def env(tmp_path: Path) -> dict:
    return {"GCAL_CONFIG_DIR": str(tmp_path / "config"), "GCAL_CACHE_DIR": str(tmp_path / "c")}


def refused(result, name: str) -> None:
    assert result.code == 3, result
    assert len(result.err_lines) == 1, result
    assert name in result.err and "current directory" in result.err, result


@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602])
def test_a_client_file_others_can_write_is_not_read(shared: Path, tmp_path, mode) -> None:
    secrets_file(shared / "client_secrets.json", "https://oauth2.googleapis.com/token")
    (shared / "client_secrets.json").chmod(mode)
    result = run(["auth", "login", "--noauth-local-webserver"], env=env(tmp_path), input="x\n")
    refused(result, str(shared / "client_secrets.json"))


@pytest.mark.parametrize("mode", [0o666, 0o660, 0o606])
def test_a_token_file_others_can_write_is_not_read(shared: Path, tmp_path, mode) -> None:
    token_file(shared / "calendar.dat", "https://oauth2.googleapis.com/token", expired=False)
    (shared / "calendar.dat").chmod(mode)
    before = (shared / "calendar.dat").read_bytes()
    result = run(["calendars"], env=env(tmp_path))
    refused(result, str(shared / "calendar.dat"))
    assert (shared / "calendar.dat").read_bytes() == before


@pytest.mark.skipif(not ROOT, reason="a file of another user needs root to make")
@pytest.mark.parametrize("name", ["client_secrets.json", "calendar.dat"])
def test_a_file_of_another_user_is_not_read(shared: Path, tmp_path, name) -> None:
    if name == "calendar.dat":
        token_file(shared / name, "https://oauth2.googleapis.com/token", expired=False)
        command = ["calendars"]
    else:
        secrets_file(shared / name, "https://oauth2.googleapis.com/token")
        command = ["auth", "login", "--noauth-local-webserver"]
    os.chown(shared / name, OTHER_UID, OTHER_UID)
    before = (shared / name).read_bytes()
    result = run(command, env=env(tmp_path), input="x\n")
    refused(result, str(shared / name))
    assert "another user" in result.err
    assert (shared / name).read_bytes() == before


@pytest.mark.skipif(not ROOT, reason="a link of another user needs root to make")
def test_a_link_planted_by_another_user_is_not_followed(shared: Path, tmp_path) -> None:
    mine = tmp_path / "mine.dat"
    token_file(mine, "https://oauth2.googleapis.com/token", expired=False)
    (shared / "calendar.dat").symlink_to(mine)
    os.lchown(shared / "calendar.dat", OTHER_UID, OTHER_UID)
    refused(run(["calendars"], env=env(tmp_path)), "calendar.dat")


def test_own_private_files_in_the_current_directory_are_used(
    shared: Path, tmp_path, emulator
) -> None:
    emulator.write_client_secrets(shared / "client_secrets.json")
    (shared / "client_secrets.json").chmod(0o600)
    token = emulator.issue_tokens()
    record = {**token, "token_uri": emulator.base_url + "token"}
    token_file(shared / "calendar.dat", record["token_uri"], expired=False)
    data = json.loads((shared / "calendar.dat").read_text())
    data.update(access_token=token["access_token"], token=token["access_token"])
    (shared / "calendar.dat").write_text(json.dumps(data))
    result = run(["--api-endpoint", emulator.api_endpoint, "calendars"], env=env(tmp_path))
    assert result.code == 0, result


# -- token_uri --------------------------------------------------------------------------------


def test_a_refresh_token_never_goes_to_a_token_uri_not_named(tmp_path, emulator, server) -> None:
    """The emulator serves the API on 127.0.0.1; the token file sends refreshes to another
    host (localhost, another server): refused before anything is sent there."""
    credentials = tmp_path / "calendar.dat"
    token_file(
        credentials, f"http://localhost:{server.server.server_address[1]}/token", expired=True
    )
    args = ["--credentials", str(credentials), "--api-endpoint", emulator.api_endpoint]
    result = run([*args, "calendars"], env=env(tmp_path))
    assert result.code == 3, result
    assert "not Google's" in result.err and len(result.err_lines) == 1
    assert not server.seen, "the refresh token was sent"
    # naming that host makes it trusted (the emulator and tests do)
    named = [
        "--credentials",
        str(credentials),
        "--api-endpoint",
        f"http://localhost:{server.server.server_address[1]}/",
    ]
    result = run([*named, "calendars"], env=env(tmp_path))
    assert server.seen, "a named host is trusted"


def test_a_login_code_never_goes_to_a_token_uri_not_named(tmp_path, emulator, server) -> None:
    secrets = tmp_path / "client_secrets.json"
    secrets_file(secrets, f"http://localhost:{server.server.server_address[1]}/token")
    args = [
        "--client-secrets",
        str(secrets),
        "--credentials",
        str(tmp_path / "calendar.dat"),
        "--api-endpoint",
        emulator.api_endpoint,
    ]
    result = run(
        [*args, "auth", "login", "--noauth-local-webserver"],
        env=env(tmp_path),
        input="4/0AsomeCodeValue123\n",
    )
    assert result.code == 3, result
    assert "not Google's" in result.err
    assert not server.seen, "the code was sent"
