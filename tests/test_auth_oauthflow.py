"""The login on google-auth-oauthlib's `Flow`: what the library does and what gcal adds around it
(insecure transport only for loopback, --timeout and --retries at the exchange, oauthlib's
errors as gcal's, no token in any DEBUG line)."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from browser.support import assert_no_secrets, consent
from gcal.google import auth, oauthflow

DEBUG = ["--logging-level", "DEBUG"]


def _base(emu, tmp_path: Path) -> list:
    secrets = emu.write_client_secrets(tmp_path / "client_secrets.json")
    return [
        "--client-secrets",
        str(secrets),
        "--credentials",
        str(tmp_path / "calendar.dat"),
        "--api-endpoint",
        emu.api_endpoint,
    ]


def headless(args: list, answer=None, env=None):
    """`gcal ARGS auth login --noauth-local-webserver` in a real process; `answer(url)` is what
    is pasted (default: the URL the emulator's consent redirects to)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "gcal", *args, "auth", "login", "--noauth-local-webserver"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, GCAL_BACKOFF_BASE="0.001", **(env or {})),
    )
    seen = ""
    while "Redirected URL or code:" not in seen:
        chunk = os.read(proc.stderr.fileno(), 65536).decode()
        assert chunk, seen
        seen += chunk
    url = next(w for w in seen.split() if "/o/oauth2/auth?" in w)
    pasted = (answer or consent)(url)
    _out, err = proc.communicate(pasted + "\n", timeout=60)
    return proc.returncode, url, seen + err


def test_the_exchange_goes_through_flow_and_no_token_reaches_a_debug_line(emulator, tmp_path):
    code, url, err = headless([*_base(emulator, tmp_path), *DEBUG])
    assert code == 0, err
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"]
    assert query["access_type"] == ["offline"] and query["prompt"] == ["consent"]
    assert "DEBUG requests_oauthlib" in err  # the library made the exchange
    (exchange,) = [
        r for r in emulator.token_requests if r.get("grant_type") == "authorization_code"
    ]
    assert exchange["code_verifier"] and len(exchange["code_verifier"]) >= 43
    assert exchange["client_id"] == emulator.client_id  # in the body, as Google documents
    assert assert_no_secrets(err, emulator) >= 3
    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ


def test_no_hand_built_token_request_is_left():
    for module in (auth, oauthflow):
        source = inspect.getsource(module)
        assert "grant_type" not in source
        assert "authorization_code" not in source
    assert "fetch_token" in inspect.getsource(oauthflow)


@pytest.mark.parametrize(
    ("url", "insecure"),
    [
        ("http://127.0.0.1:8085/token", "1"),
        ("http://localhost/token", "1"),
        ("http://[::1]:9/token", "1"),
        ("https://oauth2.googleapis.com/token", None),
        ("http://127.attacker.example/token", None),
        ("http://oauth2.googleapis.com/token", None),
    ],
)
def test_insecure_transport_is_allowed_only_for_loopback_http(monkeypatch, url, insecure):
    monkeypatch.setenv(oauthflow.INSECURE_TRANSPORT_ENV, "1")  # even a user's setting is lifted
    with oauthflow.oauthlib_environment(url):
        assert os.environ.get(oauthflow.INSECURE_TRANSPORT_ENV) == insecure
        assert os.environ.get(oauthflow.RELAX_SCOPE_ENV) == "1"
    assert os.environ.get(oauthflow.INSECURE_TRANSPORT_ENV) == "1"  # restored
    monkeypatch.delenv(oauthflow.INSECURE_TRANSPORT_ENV)
    monkeypatch.delenv(oauthflow.RELAX_SCOPE_ENV, raising=False)
    with oauthflow.oauthlib_environment(url):
        pass
    assert oauthflow.INSECURE_TRANSPORT_ENV not in os.environ
    assert oauthflow.RELAX_SCOPE_ENV not in os.environ


def test_timeout_applies_to_the_exchange(emulator, tmp_path):
    emulator.inject_delay(5, path="/token", count=5)
    args = [*_base(emulator, tmp_path), "--timeout", "0.5", "--retries", "0"]
    code, _, err = headless(args)
    assert code == 5, err
    assert "token endpoint" in err and "timed out" in err
    assert not (tmp_path / "calendar.dat").exists()


def test_a_transient_failure_of_the_exchange_is_retried(emulator, tmp_path):
    emulator.inject_fault(503, path="/token", count=1)
    code, _, err = headless(_base(emulator, tmp_path))
    assert code == 0, err
    assert json.loads((tmp_path / "calendar.dat").read_text())["refresh_token"]


def test_retries_zero_gives_up_at_once_on_the_exchange(emulator, tmp_path):
    emulator.inject_fault(503, path="/token", count=5)
    code, _, err = headless([*_base(emulator, tmp_path), "--retries", "0"])
    assert code == 5, err
    assert "gave up after 1 attempt)" in err
    assert sum(1 for r in emulator.requests if r.path == "/token") == 1


def test_a_refused_code_is_invalid_grant_exit_3(emulator, tmp_path):
    code, _, err = headless(_base(emulator, tmp_path), answer=lambda url: "4/0AbogusCode12345")
    assert code == 3, err
    last = err.strip().splitlines()[-1]
    assert "refused the authorization code: invalid_grant" in last
    assert "start the login again" in last


def test_a_captive_portal_at_the_exchange_is_exit_5(tmp_path):
    from scripted_server import ScriptedServer

    server = ScriptedServer().start()
    try:
        server.reply("/token", (200, {"Content-Type": "text/html"}, b"<html>Hotel WiFi</html>"))
        secrets = tmp_path / "client_secrets.json"
        secrets.write_text(
            json.dumps(
                {
                    "installed": {
                        "client_id": "cid.apps.googleusercontent.com",
                        "client_secret": "portal-client-secret",
                        "auth_uri": server.base + "/o/oauth2/auth",
                        "token_uri": server.token_uri,
                    }
                }
            )
        )
        args = ["--client-secrets", str(secrets), "--credentials", str(tmp_path / "c.dat")]
        args += ["--api-endpoint", server.base + "/calendar/v3/"]  # a host the user names
        code, _, err = headless(args, answer=lambda url: "4/0AsomeCodeValue123")
    finally:
        server.stop()
    assert code == 5, err
    assert "was not Google's token endpoint" in err.strip().splitlines()[-1]


def test_access_denied_in_the_pasted_url_is_exit_3(emulator, tmp_path):
    emulator.deny_consent = True
    code, _, err = headless(_base(emulator, tmp_path))
    assert code == 3, err
    assert "access was denied" in err


def test_oauthlib_errors_become_gcal_errors():
    from oauthlib.oauth2.rfc6749 import errors as oauth_errors

    from gcal.errors import AuthError

    url = "https://oauth2.googleapis.com/token"
    cases = [
        (oauth_errors.InvalidGrantError(description="Bad Request"), "invalid_grant (Bad Request)"),
        (oauth_errors.InvalidClientError(), "invalid_client"),
        (oauth_errors.AccessDeniedError(), "access was denied"),
        (oauth_errors.MissingTokenError(), "malformed token response"),
        (oauth_errors.MissingCodeError(), "no authorization code"),
    ]
    for exc, said in cases:
        error = oauthflow.oauthlib_error(exc, url)
        assert isinstance(error, AuthError) and error.exit_code == 3, exc
        assert said in error.message, (exc, error.message)
