"""Auth edges a new user met: a token endpoint that is not one, retries counted truly, the
status of a missing login, lock files left behind, and empty option values."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Iterator

import pytest

from browser.support import write_oauth2client_file
from gcal.google.credrecord import CredentialsRecord
from gcal.google.credstore import CredentialsStore
from runner import run
from scripted_server import ScriptedServer, not_http_server, write_account

EVENTS = "/calendar/v3/calendars/primary/events"
NO_WAIT = {"GCAL_BACKOFF_BASE": "0"}
EMPTY_PAGE = (200, {}, {"kind": "calendar#events", "items": [], "nextSyncToken": "s-1"})


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer().start()
    scripted.reply(EVENTS, EMPTY_PAGE)
    yield scripted
    scripted.stop()


def _stored(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "calendar.dat").read_text())


# -- a token endpoint that is not one ----------------------------------------------------------


def test_captive_portal_page_with_200_at_the_token_endpoint_is_a_network_error(server, tmp_path):
    portal = b"<!DOCTYPE html><html><body>Welcome to Hotel WiFi: log in</body></html>"
    server.reply("/token", (200, {"Content-Type": "text/html; charset=utf-8"}, portal))
    args = write_account(tmp_path, server, expired=True)
    result = run([*args, "events", "primary"], env=NO_WAIT)
    assert result.code == 5, result
    assert len(result.err_lines) == 1, result
    assert "was not Google's token endpoint" in result.err
    assert "text/html" in result.err and "<!DOCTYPE html>" in result.err
    assert "unexpected" not in result.err and "auth login" not in result.err
    assert _stored(tmp_path)["refresh_token"] == "rt-1"  # nothing lost


def test_json_that_is_not_an_object_at_the_token_endpoint_is_a_network_error(server, tmp_path):
    server.reply("/token", (200, {"Content-Type": "application/json"}, b'"ok"'))
    result = run([*write_account(tmp_path, server, expired=True), "events", "primary"])
    assert result.code == 5, result
    assert "was not Google's token endpoint" in result.err


@pytest.fixture
def ssh_server():
    """A TCP server that speaks SSH, not HTTP, on the token endpoint's port."""
    with not_http_server(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n", speaks_first=True) as url:
        yield url


def test_token_endpoint_speaking_another_protocol_says_so_and_exits_5(ssh_server, tmp_path):
    import datetime as dt

    path = tmp_path / "calendar.dat"
    CredentialsStore(path).write(
        CredentialsRecord(
            client_id="cid",
            client_secret="ssh-test-secret-value",
            token_uri=ssh_server,
            token="expired-access-token",
            refresh_token="the-refresh-token",
            expiry=dt.datetime(2000, 1, 1),
        )
    )
    before = path.read_bytes()
    result = run(
        ["--credentials", str(path), "--api-endpoint", "http://127.0.0.1:9/", "calendars"],
        env=NO_WAIT,
    )
    assert result.code == 5, result
    assert len(result.err_lines) == 1, result
    assert "was not Google's token endpoint" in result.err and "SSH-2.0" in result.err
    assert "unexpected" not in result.err
    assert path.read_bytes() == before


# -- --retries at the token endpoint -----------------------------------------------------------


@pytest.mark.parametrize(
    ("retries", "posts", "said"), [(0, 1, "1 attempt)"), (2, 3, "3 attempts)")]
)
def test_retries_at_the_token_endpoint_follow_the_option_and_are_counted_truly(
    server, tmp_path, retries, posts, said
):
    server.reply("/token", (503, {"Content-Type": "text/html"}, b"<html>503</html>"))
    args = write_account(tmp_path, server, expired=True)
    result = run([*args, "--retries", str(retries), "events", "primary"], env=NO_WAIT)
    assert result.code == 5, result
    assert len(server.requests("/token")) == posts
    assert f"gave up after {said}" in result.err


# -- auth status -------------------------------------------------------------------------------


def test_status_without_a_login_exits_3(tmp_path):
    missing = tmp_path / "calendar.dat"
    result = run(["--credentials", str(missing), "auth", "status"])
    assert result.code == 3, result
    assert "logged_in: False" in result.out
    assert result.err_lines == [  # and no client file either: setup, not a login, comes next
        f"gcal: error: not logged in (no credentials at {missing}) and no OAuth client file; "
        "run `gcal auth setup`"
    ]
    as_json = run(["--credentials", str(missing), "auth", "status", "--format", "json"])
    assert as_json.code == 3 and json.loads(as_json.out)["logged_in"] is False


def test_status_names_the_account_by_its_primary_calendar(emulator, tmp_path):
    path = tmp_path / "calendar.dat"
    tokens = write_oauth2client_file(emulator, path, expired=True)
    args = ["--credentials", str(path), "--api-endpoint", emulator.api_endpoint]
    result = run([*args, "auth", "status", "--format", "json"])
    assert result.code == 0, result
    info = json.loads(result.out)
    assert info["account"] == "ada@example.com"
    assert info["access_token_valid"] is False  # as found: expired (refreshed to ask)
    for secret in (tokens["access_token"], tokens["refresh_token"], emulator.client_secret):
        assert secret not in result.out + result.err


def test_status_names_the_account_from_the_id_token_without_a_request(emulator, tmp_path):
    path = tmp_path / "calendar.dat"
    write_oauth2client_file(emulator, path, expired=False)
    data = json.loads(path.read_text())
    data["id_token"] = {"email": "someone@example.org", "sub": "1"}
    path.write_text(json.dumps(data))
    emulator.clear_requests()
    result = run(["--credentials", str(path), "--api-endpoint", emulator.api_endpoint,
                  "auth", "status"])  # fmt: skip
    assert result.code == 0, result
    assert "account: someone@example.org" in result.out
    assert not emulator.api_requests()


# -- no lock files left ------------------------------------------------------------------------


def test_no_lock_file_is_left_after_a_refresh_or_a_logout(emulator, tmp_path):
    path = tmp_path / "calendar.dat"
    write_oauth2client_file(emulator, path, expired=True)
    args = ["--credentials", str(path), "--api-endpoint", emulator.api_endpoint]
    assert run([*args, "calendars", "-f", "tsv"]).code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calendar.dat"]
    assert run([*args, "auth", "logout"]).code == 0
    assert list(tmp_path.iterdir()) == []


def test_the_lock_still_excludes_after_its_file_is_removed(tmp_path):
    """A waiter that wins the lock on a removed lock file must not run beside a newcomer."""
    store = CredentialsStore(tmp_path / "calendar.dat")
    inside = []
    overlap = []
    gate = threading.Lock()

    def worker() -> None:
        for _ in range(30):
            with store.__class__(store.path).lock():
                with gate:
                    inside.append(1)
                    if len(inside) > 1:
                        overlap.append(1)
                with gate:
                    inside.pop()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not overlap
    assert not (tmp_path / "calendar.dat.lock").exists()


# -- empty values ------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--client-secrets", "--credentials", "--auth-host-name"])
@pytest.mark.parametrize("where", ["before", "after"])
def test_an_empty_path_or_host_is_a_usage_error(tmp_path, option, where):
    args = ["auth", "login", option, ""] if where == "after" else [option, "", "auth", "login"]
    result = run(args, env={"GCAL_CONFIG_DIR": str(tmp_path)})
    assert result.code == 2, result
    assert "Invalid value for" in result.err and "must not be empty" in result.err
    assert len(result.err_lines) == 1


def test_a_wrong_state_paste_says_how_many_tries_are_left(emulator, tmp_path):
    secrets = emulator.write_client_secrets(tmp_path / "client_secrets.json")
    stale = "http://localhost:8080/?state=not-this-login&code=4/0Abcdefghijkl&scope=x\n"
    result = run(
        ["--client-secrets", str(secrets), "--credentials", str(tmp_path / "calendar.dat"),
         "auth", "login", "--noauth-local-webserver"],
        input=stale * 3,
    )  # fmt: skip
    assert result.code == 3, result
    assert "(2 attempts left)." in result.err and "(1 attempt left)." in result.err
    assert "attempt(s)" not in result.err
    assert result.err_lines[-1].startswith("gcal: error: no URL of this login after 3 attempts")
    assert not emulator.token_requests
