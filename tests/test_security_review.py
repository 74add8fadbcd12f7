"""Security review: the credentials file, the OAuth flows, the loopback server and redaction."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest

from browser.support import http_get, settings_for, write_google_auth_file
from gcal.errors import AuthError, NetworkError
from gcal.google import auth, loginflows
from gcal.google.credentials import credentials_from_record, load_credentials
from gcal.google.credrecord import CredentialsRecord
from gcal.google.credstore import CredentialsStore
from gcal.google.loopback import LoopbackServer
from runner import run
from scripted_server import not_http_server

# -- the loopback server ---------------------------------------------------------------------


def test_forged_error_redirect_without_state_does_not_end_login():
    """Any web page can make the browser request http://localhost:PORT/?error=access_denied;
    without the login's state that request must not end (deny) the running login."""
    server = LoopbackServer("127.0.0.1", [0], state="the-state", on_redirect=lambda q: q["code"])
    with server:
        status, _ = http_get(server.redirect_uri + "?error=access_denied")
        assert status == 400
        status, _ = http_get(server.redirect_uri + "?state=the-state&code=4/good")
        assert status == 200
        assert server.wait(5) == "4/good"


def test_loopback_server_ignores_redirects_before_the_state_is_known():
    """Between binding and the authorization request the server's state is empty: a request
    with an empty `state` must not be taken for the redirect."""
    calls = []
    server = LoopbackServer("127.0.0.1", [0], state="", on_redirect=calls.append)
    with server:
        status, _ = http_get(server.redirect_uri + "?state=&code=4/forged")
        assert status == 400
        assert not calls


def test_state_is_compared_in_constant_time(monkeypatch, emulator, tmp_path):
    import hmac

    from gcal.google import loopback
    from gcal.google.client_secrets import load_client_secrets

    compared = []
    real = hmac.compare_digest

    def recording(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    server = LoopbackServer("127.0.0.1", [0], state="s" * 32, on_redirect=lambda q: None)
    server.handle("/?state=" + "t" * 32 + "&code=x")
    assert (b"t" * 32, b"s" * 32) in compared
    assert loopback.hmac is hmac

    compared.clear()
    emulator.write_client_secrets(tmp_path / "cs.json")
    request = auth.AuthRequest(load_client_secrets(tmp_path / "cs.json"), "http://x/", ["s"])
    with pytest.raises(AuthError, match="state does not match"):
        request.check_redirect({"state": "forged", "code": "4/x"})
    assert compared


# -- endpoints -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://127.attacker.example/token", "http://127.0.0.1.nip.io/token", "http://127./t"]
)
def test_plain_http_only_to_real_loopback_addresses(url):
    from gcal.google.client_secrets import check_endpoint

    with pytest.raises(AuthError, match="plain-http"):
        check_endpoint(url, "token_uri", "client_secrets.json")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8085/token", "http://127.1.2.3/t", "http://[::1]:9/t", "http://localhost/t"],
)
def test_plain_http_to_loopback_still_allowed(url):
    from gcal.google.client_secrets import check_endpoint

    assert check_endpoint(url, "token_uri", "client_secrets.json") == url


def test_deeply_nested_client_secrets_is_a_one_line_auth_error(tmp_path):
    path = tmp_path / "client_secrets.json"
    path.write_text("[" * 100000 + "]" * 100000)
    result = run(
        ["--client-secrets", str(path), "--credentials", str(tmp_path / "c.dat"), "auth", "login"]
    )
    assert result.code == 3, result.err
    assert len(result.err_lines) == 1
    assert "not valid JSON" in result.err


# -- the headless paste ----------------------------------------------------------------------


def test_pasted_url_encoded_bare_code_is_decoded(emulator, tmp_path):
    from gcal.google.client_secrets import load_client_secrets

    emulator.write_client_secrets(tmp_path / "cs.json")
    request = auth.AuthRequest(load_client_secrets(tmp_path / "cs.json"), "http://x/", ["s"])
    assert loginflows.parse_pasted("4%2F0AbcDefGhij\n", request) == "4/0AbcDefGhij"
    assert loginflows.parse_pasted(" '4%2f0AbcDefGhij' ", request) == "4/0AbcDefGhij"
    assert loginflows.parse_pasted("4/0AbcDefGhij", request) == "4/0AbcDefGhij"


def test_headless_login_with_url_encoded_code(emulator, tmp_path, monkeypatch):
    """End to end: the code copied out of the address bar still URL-encoded logs in."""
    import io
    import sys
    from urllib.parse import parse_qs, quote, urlsplit

    from browser.support import consent

    settings = settings_for(emulator, tmp_path, noauth_local_webserver=True)
    seen: Dict[str, str] = {}
    real_stderr = sys.stderr

    class Tee(io.StringIO):
        def write(self, text: str) -> int:
            if "code_challenge=" in text and "url" not in seen:
                seen["url"] = text.strip()
                location = consent(seen["url"])
                code = parse_qs(urlsplit(location).query)["code"][0]
                seen["paste"] = quote(code, safe="") + "\n"
                monkeypatch.setattr(sys, "stdin", io.StringIO(seen["paste"]))
            return super().write(text)

    monkeypatch.setattr(sys, "stderr", Tee())
    try:
        creds = auth.login(settings)
    finally:
        monkeypatch.setattr(sys, "stderr", real_stderr)
    assert "%2F" in seen["paste"]
    assert creds.token


# -- the credentials file --------------------------------------------------------------------


def _expired_store(emulator, tmp_path: Path) -> Tuple[CredentialsStore, Any]:
    path = tmp_path / "calendar.dat"
    write_google_auth_file(emulator, path, expired=True)
    creds = load_credentials(path)
    return creds.store, creds


def test_refresh_does_not_overwrite_a_newer_login_with_another_client(emulator, tmp_path):
    """A long-running gcal whose token expires after `gcal auth login` stored another OAuth
    client's credentials must not put its own (older) credentials back over them."""
    store, creds = _expired_store(emulator, tmp_path)
    newer = CredentialsRecord(
        client_id="another-client.apps.googleusercontent.com",
        client_secret="another-secret",
        token_uri=emulator.base_url + "token",
        token="newer-access-token",
        refresh_token="newer-refresh-token",
        expiry=dt.datetime(2000, 1, 1),
    )
    store.write(newer)
    before = store.path.read_bytes()
    creds.refresh(auth.make_request(10))
    assert creds.valid
    assert store.path.read_bytes() == before


def test_refresh_does_not_recreate_a_file_removed_by_logout(emulator, tmp_path):
    store, creds = _expired_store(emulator, tmp_path)
    store.delete()
    creds.refresh(auth.make_request(10))
    assert creds.valid
    assert not store.path.exists()


def test_stale_temp_cleanup_matches_only_this_files_temp_files(emulator, tmp_path):
    """The credentials file name is not a glob pattern: `cal[1].dat` must not match
    `.cal1.dat.*.tmp`, which belongs to another file."""
    store = CredentialsStore(tmp_path / "cal[1].dat")
    other = tmp_path / ".cal1.dat.keep.tmp"
    other.write_text("not ours")
    old = time.time() - 7200
    os.utime(other, (old, old))
    store.write(
        CredentialsRecord(client_id="cid", client_secret="secret", refresh_token="refresh-token")
    )
    assert other.exists()


# -- a token endpoint that does not speak HTTP -----------------------------------------------


@pytest.fixture
def garbage_server():
    """A TCP server answering every request with a line that is not HTTP."""
    with not_http_server(b"garbage\r\n\r\n") as url:
        yield url


def _expired_record(token_uri: str) -> CredentialsRecord:
    return CredentialsRecord(
        client_id="cid",
        client_secret="client-secret",
        token_uri=token_uri,
        token="expired-access-token",
        refresh_token="the-refresh-token",
        expiry=dt.datetime(2000, 1, 1),
    )


def test_refresh_against_a_non_http_answer_is_a_network_error(garbage_server, tmp_path):
    store = CredentialsStore(tmp_path / "calendar.dat")
    store.write(_expired_record(garbage_server))
    before = store.path.read_bytes()
    creds = credentials_from_record(store.read(), store, ("127.0.0.1",))  # a host the user named
    with pytest.raises(NetworkError):
        creds.refresh(auth.make_request(5))
    assert store.path.read_bytes() == before


def test_cli_refresh_against_a_non_http_answer_exits_5(garbage_server, tmp_path):
    path = tmp_path / "calendar.dat"
    CredentialsStore(path).write(_expired_record(garbage_server))
    before = path.read_bytes()
    result = run(
        ["--credentials", str(path), "--api-endpoint", "http://127.0.0.1:9/", "calendars"],
        env={"GCAL_BACKOFF_BASE": "0"},
    )
    assert result.code == 5, result.err
    assert len(result.err_lines) == 1
    assert "unexpected" not in result.err
    assert path.read_bytes() == before
    assert json.loads(before)["refresh_token"] == "the-refresh-token"
