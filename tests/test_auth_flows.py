"""Login flows, refresh, status and logout against the emulator over real HTTP."""

from __future__ import annotations

import io
import json
import socket
import stat
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from browser.support import (
    api_works,
    assert_no_secrets,
    browser_result,
    consent,
    fake_browser,
    http_get,
    refresh_works,
    settings_for,
    use_browser,
    write_google_auth_file,
    write_oauth2client_file,
)
from gcal import logs
from gcal.errors import AuthError, CredentialsFileError, GcalError, NetworkError
from gcal.google import auth
from gcal.google.credrecord import parse_credentials
from gcal.google.loopback import SUCCESS_TEXT

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def stored(path: Path) -> dict:
    return json.loads(path.read_text())


def assert_saved_and_working(emu, path: Path) -> dict:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = stored(path)
    assert data["token_uri"] == emu.base_url + "token"
    assert api_works(emu, data["access_token"])
    assert data["access_token"] == data["token"]
    assert refresh_works(emu, data["refresh_token"])
    return data


# --------------------------------------------------------------------------------------------
# Local-server login with a scripted browser


def test_local_server_login_with_browser_script(emulator, tmp_path, monkeypatch, capsys):
    out = fake_browser(monkeypatch, tmp_path)
    settings = settings_for(emulator, tmp_path, auth_host_ports=(0,))
    creds = auth.login(settings)
    assert creds.valid
    page = browser_result(out)
    assert page["status"] == 200 and SUCCESS_TEXT in page["body"] and "<title>gcal" in page["body"]
    assert_saved_and_working(emulator, tmp_path / "calendar.dat")
    err = capsys.readouterr().err
    assert emulator.base_url + "o/oauth2/auth?" in err  # the URL is always printed
    assert "saved to" in err and str(tmp_path / "calendar.dat") in err
    # PKCE S256 and state were used.
    auth_request = next(r for r in emulator.requests if r.path.endswith("/o/oauth2/auth"))
    query = auth_request.query
    assert query.get("code_challenge_method") == ["S256"]
    assert query.get("state")
    exchange = [r for r in emulator.token_requests if r.get("grant_type") == "authorization_code"]
    assert exchange and exchange[0].get("code_verifier")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_first_port_in_use_falls_through_to_the_second(emulator, tmp_path, monkeypatch, capsys):
    out = fake_browser(monkeypatch, tmp_path)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    second = _free_port()
    try:
        settings = settings_for(emulator, tmp_path, auth_host_ports=(busy.getsockname()[1], second))
        auth.login(settings)
    finally:
        busy.close()
    assert browser_result(out)["url"].startswith(f"http://localhost:{second}/")
    assert_saved_and_working(emulator, tmp_path / "calendar.dat")


def test_all_ports_in_use_names_them(emulator, tmp_path, monkeypatch):
    fake_browser(monkeypatch, tmp_path)
    busy = [socket.socket(), socket.socket()]
    for sock in busy:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
    ports = tuple(s.getsockname()[1] for s in busy)
    try:
        with pytest.raises(AuthError) as info:
            auth.login(settings_for(emulator, tmp_path, auth_host_ports=ports))
    finally:
        for sock in busy:
            sock.close()
    message = str(info.value)
    assert all(str(p) in message for p in ports) and "in use" in message
    assert "--noauth-local-webserver" in message and info.value.exit_code == 3


def test_server_binds_loopback_only(emulator, tmp_path):
    from gcal.google.loopback import LoopbackServer

    with LoopbackServer("localhost", [0], "s", lambda q: None) as server:
        assert server._server.server_address[0] == "127.0.0.1"
        assert server.redirect_uri == f"http://localhost:{server.port}/"


def _run_login_in_thread(settings):
    result = {}

    def run():
        try:
            result["creds"] = auth.login(settings)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def _wait_for_redirect_uri(capsys_like: io.StringIO, timeout=10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = capsys_like.getvalue()
        for line in text.splitlines():
            if "o/oauth2/auth?" in line:
                return line.strip()
        time.sleep(0.05)
    raise AssertionError("no auth URL printed")


def test_stray_requests_do_not_end_the_flow(emulator, tmp_path, monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    settings = settings_for(emulator, tmp_path, open_browser=False, auth_timeout=20)
    thread, result = _run_login_in_thread(settings)
    url = _wait_for_redirect_uri(err)
    query = parse_qs(urlsplit(url).query)
    redirect = query["redirect_uri"][0]
    assert http_get(redirect + "favicon.ico")[0] == 404
    assert http_get(redirect)[0] == 400  # no code, no state
    assert http_get(redirect + "?code=forged&state=not-the-state")[0] == 400
    assert thread.is_alive()
    # Now the real consent, as a browser would do it.
    status, body = http_get(url)
    assert status == 200 and SUCCESS_TEXT in body
    thread.join(20)
    assert "creds" in result, result
    assert_saved_and_working(emulator, tmp_path / "calendar.dat")


def test_consent_denied(emulator, tmp_path, monkeypatch):
    out = fake_browser(monkeypatch, tmp_path)
    emulator.deny_consent = True
    with pytest.raises(AuthError, match="access_denied") as info:
        auth.login(settings_for(emulator, tmp_path))
    assert info.value.exit_code == 3
    assert "authentication failed" in browser_result(out)["body"]
    assert not (tmp_path / "calendar.dat").exists()


def test_timeout_is_a_clear_auth_error(emulator, tmp_path, monkeypatch):
    use_browser(monkeypatch, "/bin/true")
    settings = settings_for(emulator, tmp_path, auth_timeout=1)
    started = time.monotonic()
    with pytest.raises(AuthError, match="timed out after 1 s") as info:
        auth.login(settings)
    assert time.monotonic() - started < 10
    assert info.value.exit_code == 3


def test_non_loopback_host_name_warns_about_googles_redirect_rules(
    emulator, tmp_path, monkeypatch, capsys
):
    use_browser(monkeypatch, "/bin/true")
    settings = settings_for(
        emulator, tmp_path, auth_host_name="0.0.0.0", auth_host_ports=(0,), auth_timeout=1
    )
    with pytest.raises(AuthError):
        auth.login(settings)
    err = capsys.readouterr().err
    assert "gcal: warning: --auth-host-name 0.0.0.0 is not a loopback address" in err
    assert "redirect_uri_mismatch" in err


def test_loopback_host_names_do_not_warn(emulator, tmp_path, monkeypatch, capsys):
    use_browser(monkeypatch, "/bin/true")
    settings = settings_for(emulator, tmp_path, auth_host_ports=(0,), auth_timeout=1)
    with pytest.raises(AuthError):
        auth.login(settings)
    assert "warning" not in capsys.readouterr().err


def test_forged_state_from_the_browser_is_ignored(emulator, tmp_path, monkeypatch):
    # A browser ending on a redirect with a wrong state gets a failure page; gcal keeps waiting.
    out = fake_browser(monkeypatch, tmp_path, rewrite="?state=?state=x")
    with pytest.raises(AuthError, match="timed out"):
        auth.login(settings_for(emulator, tmp_path, auth_timeout=3))
    page = browser_result(out)
    assert page["status"] == 400 and "state mismatch" in page["body"]
    assert not (tmp_path / "calendar.dat").exists()


def test_missing_client_secrets_says_where_and_how(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GCAL_CONFIG_DIR", str(tmp_path / "cfg"))
    from gcal.settings import Settings

    with pytest.raises(AuthError) as info:
        auth.login(Settings(credentials=str(tmp_path / "c.dat")))
    message = str(info.value)
    assert "client_secrets.json" in message and str(tmp_path / "cfg") in message
    assert "gcal auth setup" in message and "--client-secrets PATH" in message
    assert "\n" not in message and info.value.exit_code == 3


@pytest.mark.parametrize(
    "content, words",
    [
        ("{not json", "not valid JSON"),
        ('{"other": {}}', "Desktop app"),
        ('{"installed": {"client_id": "x"}}', "client_secret"),
        (
            '{"installed": {"client_id": "x", "client_secret": "y", '
            '"token_uri": "http://example.com/token"}}',
            "plain-http",
        ),
    ],
)
def test_bad_client_secrets(tmp_path, content, words):
    from gcal.google.client_secrets import load_client_secrets

    path = tmp_path / "cs.json"
    path.write_text(content)
    with pytest.raises(AuthError, match=words) as info:
        load_client_secrets(path)
    assert "\n" not in str(info.value)


def test_web_client_is_accepted_with_a_warning(emulator, tmp_path, capsys):
    from gcal.google.client_secrets import load_client_secrets

    data = emulator.client_secrets_dict()
    path = tmp_path / "web.json"
    path.write_text(json.dumps({"web": data["installed"]}))
    config = load_client_secrets(path)
    assert config.kind == "web" and config.token_uri == emulator.base_url + "token"
    assert "redirect URI" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Headless login


def _headless(emulator, tmp_path, monkeypatch, answer):
    """Run a headless login; `answer(url)` returns what the user pastes (lines)."""
    settings = settings_for(emulator, tmp_path, noauth_local_webserver=True)
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    lines = []

    class Stdin(io.StringIO):
        def readline(self, *args):
            if not lines:
                url = _wait_for_redirect_uri(err)
                lines.extend(answer(url))
            return lines.pop(0) if lines else ""

    monkeypatch.setattr("sys.stdin", Stdin())
    try:
        return auth.login(settings), err.getvalue()
    except GcalError as exc:
        exc.stderr = err.getvalue()  # type: ignore[attr-defined]
        raise


def test_headless_with_redirected_url(emulator, tmp_path, monkeypatch):
    creds, err = _headless(emulator, tmp_path, monkeypatch, lambda url: [consent(url) + "\n"])
    assert creds.valid
    assert "redirect_uri=http%3A%2F%2Flocalhost%3A8080%2F" in err
    assert "copy the full URL" in err and "ssh -L 8080:localhost:8080" in err
    assert_saved_and_working(emulator, tmp_path / "calendar.dat")


def test_headless_with_bare_code_after_a_wrong_paste(emulator, tmp_path, monkeypatch):
    def answer(url):
        code = parse_qs(urlsplit(consent(url)).query)["code"][0]
        return ["what?? no\n", f"  {code}  \n"]

    creds, err = _headless(emulator, tmp_path, monkeypatch, answer)
    assert creds.valid
    assert "Expected the full URL" in err and "2 attempts left." in err
    assert_saved_and_working(emulator, tmp_path / "calendar.dat")


def test_headless_tampered_state_is_refused(emulator, tmp_path, monkeypatch):
    def answer(url):
        location = consent(url)
        state = parse_qs(urlsplit(location).query)["state"][0]
        return [location.replace(state, "tampered" + state[8:]) + "\n"] * 3

    with pytest.raises(AuthError) as info:
        _headless(emulator, tmp_path, monkeypatch, answer)
    assert info.value.exit_code == 3
    assert "state does not match" in info.value.stderr  # type: ignore[attr-defined]
    assert not [r for r in emulator.token_requests if r.get("grant_type") == "authorization_code"]
    assert not (tmp_path / "calendar.dat").exists()


def test_headless_end_of_input(emulator, tmp_path, monkeypatch):
    with pytest.raises(AuthError, match="end of input") as info:
        _headless(emulator, tmp_path, monkeypatch, lambda url: [])
    assert info.value.exit_code == 3


def test_headless_denial(emulator, tmp_path, monkeypatch):
    emulator.deny_consent = True
    with pytest.raises(AuthError, match="access_denied"):
        _headless(emulator, tmp_path, monkeypatch, lambda url: [consent(url) + "\n"])


def test_parse_pasted_forms(emulator, tmp_path):
    from gcal.google.auth import AuthRequest
    from gcal.google.client_secrets import parse_client_secrets
    from gcal.google.loginflows import parse_pasted

    client = parse_client_secrets(emulator.client_secrets_dict())
    request = AuthRequest(client, "http://localhost:8080/", ["s"])
    state = request.state
    assert parse_pasted(f"http://localhost:8080/?state={state}&code=4/abc&scope=s", request) == (
        "4/abc"
    )
    assert parse_pasted(f"localhost:8080/?code=4%2Fabc&state={state}", request) == "4/abc"
    assert parse_pasted("'4/0AbcDef'\n", request) == "4/0AbcDef"
    for bad in ("", "hello world", "http://localhost:8080/?state=x"):
        with pytest.raises(ValueError):
            parse_pasted(bad, request)
    with pytest.raises(AuthError, match="state"):
        parse_pasted("http://localhost:8080/?state=other&code=4/abc", request)


# --------------------------------------------------------------------------------------------
# Stored credentials: reuse, refresh, revoked tokens


@pytest.mark.parametrize("writer", [write_oauth2client_file, write_google_auth_file])
def test_stored_file_is_used_without_login_and_refreshed(emulator, tmp_path, writer):
    import google.oauth2.credentials
    from oauth2client.file import Storage

    path = tmp_path / "calendar.dat"
    tokens = writer(emulator, path, expired=True)
    creds = auth.get_credentials(settings_for(emulator, tmp_path))
    assert creds.valid and creds.token != tokens["access_token"]
    assert creds.token_uri == emulator.base_url + "token"
    assert not [r for r in emulator.requests if r.path.endswith("/o/oauth2/auth")]
    data = assert_saved_and_working(emulator, path)
    assert data["access_token"] == creds.token
    # Still loadable by both libraries.
    old = Storage(str(path)).get()
    assert old.access_token == creds.token and old.token_uri == emulator.base_url + "token"
    new = google.oauth2.credentials.Credentials.from_authorized_user_file(str(path))
    assert new.token == creds.token and new.refresh_token == tokens["refresh_token"]


def test_valid_stored_token_makes_no_request(emulator, tmp_path):
    path = tmp_path / "calendar.dat"
    tokens = write_oauth2client_file(emulator, path, expired=False)
    before = path.read_bytes()
    creds = auth.get_credentials(settings_for(emulator, tmp_path))
    assert creds.token == tokens["access_token"]
    assert emulator.token_requests == []
    assert path.read_bytes() == before


def test_rotated_refresh_token_is_saved(emulator, tmp_path):
    emulator.rotate_refresh_tokens = True
    path = tmp_path / "calendar.dat"
    tokens = write_oauth2client_file(emulator, path)
    auth.get_credentials(settings_for(emulator, tmp_path))
    data = stored(path)
    assert data["refresh_token"] != tokens["refresh_token"]
    assert refresh_works(emulator, data["refresh_token"])


def test_authorized_http_refresh_on_401_is_saved(emulator, tmp_path):
    import google_auth_httplib2
    import httplib2

    path = tmp_path / "calendar.dat"
    write_oauth2client_file(emulator, path, expired=False)
    creds = auth.get_credentials(settings_for(emulator, tmp_path))
    emulator.expire_access_tokens()  # the server says 401; AuthorizedHttp refreshes by itself
    http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=10))
    response, _ = http.request(emulator.api_endpoint + "users/me/calendarList")
    assert response.status == 200
    assert stored(path)["access_token"] == creds.token
    assert api_works(emulator, creds.token)


def test_revoked_refresh_token_leaves_file_untouched(emulator, tmp_path):
    path = tmp_path / "calendar.dat"
    tokens = write_oauth2client_file(emulator, path)
    emulator.revoked.add(tokens["refresh_token"])
    before = path.read_bytes()
    with pytest.raises(AuthError) as info:
        auth.get_credentials(settings_for(emulator, tmp_path))
    message = str(info.value)
    assert info.value.exit_code == 3 and "\n" not in message
    assert "revoked or has expired" in message and "7 days" in message
    assert "gcal auth login" in message
    assert path.read_bytes() == before


def test_unreachable_token_endpoint_is_a_network_error(emulator, tmp_path):
    path = tmp_path / "calendar.dat"
    write_oauth2client_file(emulator, path)
    data = stored(path)
    dead = f"http://127.0.0.1:{_free_port()}/token"
    data["token_uri"] = dead
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    with pytest.raises(NetworkError, match=dead) as info:
        auth.get_credentials(settings_for(emulator, tmp_path, timeout=2))
    assert info.value.exit_code == 5
    assert path.read_bytes() == before


def test_no_credentials_non_interactive(emulator, tmp_path):
    with pytest.raises(AuthError, match="gcal auth login") as info:
        auth.get_credentials(settings_for(emulator, tmp_path, interactive=False))
    assert "not logged in" in str(info.value) and info.value.exit_code == 3


def test_no_credentials_interactive_logs_in(emulator, tmp_path, monkeypatch):
    out = fake_browser(monkeypatch, tmp_path)
    creds = auth.get_credentials(settings_for(emulator, tmp_path, interactive=True))
    assert creds.valid and SUCCESS_TEXT in browser_result(out)["body"]


def test_malformed_file_is_not_replaced_by_a_login(emulator, tmp_path, monkeypatch):
    path = tmp_path / "calendar.dat"
    path.write_text('{"access_token": ')
    with pytest.raises(CredentialsFileError, match=str(path)):
        auth.get_credentials(settings_for(emulator, tmp_path, interactive=True))
    assert path.read_text() == '{"access_token": '


# --------------------------------------------------------------------------------------------
# status, logout, demo login


def test_status_never_shows_tokens(emulator, tmp_path):
    settings = settings_for(emulator, tmp_path)
    assert auth.status(settings)["logged_in"] is False
    path = tmp_path / "calendar.dat"
    tokens = write_oauth2client_file(emulator, path)
    info = auth.status(settings)
    assert info["format"] == "oauth2client"
    assert info["client_id"] == emulator.client_id
    assert info["token_uri"] == emulator.base_url + "token"
    assert info["access_token_valid"] is False and info["has_refresh_token"] is True
    assert info["access_token_expiry"] == "2000-01-01T00:00:00Z"
    text = json.dumps(info)
    for secret in (tokens["access_token"], tokens["refresh_token"], emulator.client_secret):
        assert secret not in text


def test_logout_revokes_and_deletes(emulator, tmp_path, capsys):
    path = tmp_path / "calendar.dat"
    tokens = write_google_auth_file(emulator, path)
    auth.logout(settings_for(emulator, tmp_path))
    assert tokens["refresh_token"] in emulator.revoked
    assert not path.exists()
    assert "logged out" in capsys.readouterr().err
    auth.logout(settings_for(emulator, tmp_path))  # nothing to do, no error
    assert "nothing to do" in capsys.readouterr().err


def test_logout_with_unreachable_revoke_still_deletes(emulator, tmp_path, capsys):
    path = tmp_path / "calendar.dat"
    write_google_auth_file(emulator, path)
    data = stored(path)
    data["token_uri"] = f"http://127.0.0.1:{_free_port()}/token"
    path.write_text(json.dumps(data))
    auth.logout(settings_for(emulator, tmp_path, timeout=2))
    assert not path.exists()
    assert "could not revoke" in capsys.readouterr().err


def test_revoke_url_rules():
    from gcal.google.auth import revoke_url
    from gcal.google.credrecord import CredentialsRecord

    def url(token_uri, revoke_uri=None):
        record = CredentialsRecord("c", "s", token_uri=token_uri, revoke_uri=revoke_uri)
        return revoke_url(record)

    assert url("https://oauth2.googleapis.com/token") == "https://oauth2.googleapis.com/revoke"
    assert (
        url(
            "https://accounts.google.com/o/oauth2/token",
            "https://accounts.google.com/o/oauth2/revoke",
        )
        == "https://accounts.google.com/o/oauth2/revoke"
    )
    # A Google revoke_uri next to an emulator token_uri is not where these tokens live.
    assert url("http://127.0.0.1:5/token", "https://oauth2.googleapis.com/revoke") == (
        "http://127.0.0.1:5/revoke"
    )


def test_demo_login(emulator, tmp_path):
    secrets = emulator.write_client_secrets(tmp_path / "cs.json")
    creds = auth.demo_login(secrets, tmp_path / "demo.dat", settings_for(emulator, tmp_path))
    assert creds.valid
    assert_saved_and_working(emulator, tmp_path / "demo.dat")
    assert parse_credentials((tmp_path / "demo.dat").read_bytes()).format == "gcal"


# --------------------------------------------------------------------------------------------
# No secret in DEBUG output


def test_no_secret_in_debug_output(emulator, tmp_path, monkeypatch, capfd):
    import google_auth_httplib2
    import httplib2

    out = fake_browser(monkeypatch, tmp_path)
    emulator.rotate_refresh_tokens = True
    logs.configure_logging("DEBUG")
    try:
        settings = settings_for(emulator, tmp_path)
        creds = auth.login(settings)
        browser_result(out)
        first = stored(tmp_path / "calendar.dat")
        emulator.expire_access_tokens()
        http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=10))
        response, _ = http.request(emulator.api_endpoint + "users/me/calendarList")
        assert response.status == 200
        data = stored(tmp_path / "calendar.dat")
        creds.expiry = None
        auth.status(settings)
        auth.logout(settings)
    finally:
        logs.configure_logging("ERROR")
    captured = capfd.readouterr()
    text = captured.out + captured.err
    assert "DEBUG" in text
    assert data["refresh_token"] and data["access_token"] != first["access_token"]
    assert assert_no_secrets(text, emulator) >= 7
