"""OAuth endpoints: the authorization-code + PKCE exchange, refresh, revoke, Bearer checks."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import secrets
import urllib.parse
from typing import Dict, Optional, Tuple

import pytest

SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
REDIRECT = "http://localhost:8080/"


def http_request(
    emu,
    method: str,
    path: str,
    form: Optional[Dict[str, str]] = None,
    headers: Optional[Dict[str, str]] = None,
) -> Tuple[int, Dict[str, str], bytes]:
    """One request without following redirects."""
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    body = urllib.parse.urlencode(form).encode() if form is not None else None
    hdrs = dict(headers or {})
    if body is not None:
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=hdrs)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def pkce() -> Tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


def authorize(emu, challenge: Optional[str], redirect: str = REDIRECT, **extra) -> tuple:
    params = {
        "client_id": emu.client_id,
        "redirect_uri": redirect,
        "response_type": "code",
        "scope": SCOPE,
        "state": "xyz-state",
        "access_type": "offline",
    }
    if challenge is not None:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra)
    return http_request(emu, "GET", "/o/oauth2/auth?" + urllib.parse.urlencode(params))


def get_code(emu, challenge: str) -> str:
    status, headers, _ = authorize(emu, challenge)
    assert status == 302
    location = urllib.parse.urlsplit(headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = urllib.parse.parse_qs(location.query)
    assert query["state"] == ["xyz-state"]
    assert query["scope"] == [SCOPE]
    return query["code"][0]


def token(emu, **form) -> Tuple[int, dict]:
    status, _, data = http_request(emu, "POST", "/token", form)
    return status, json.loads(data)


def exchange(emu, code: str, verifier: str, **over) -> Tuple[int, dict]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": REDIRECT,
        "client_id": emu.client_id,
        "client_secret": emu.client_secret,
    }
    form.update(over)
    return token(emu, **form)


def api_status(emu, access_token: str) -> int:
    status, _, _ = http_request(
        emu,
        "GET",
        "/calendar/v3/users/me/calendarList",
        headers={"Authorization": f"Bearer {access_token}"},
    )
    return status


def test_code_exchange_with_pkce_then_refresh(emulator) -> None:
    verifier, challenge = pkce()
    code = get_code(emulator, challenge)
    status, body = exchange(emulator, code, verifier)
    assert status == 200
    assert set(body) == {"access_token", "expires_in", "refresh_token", "scope", "token_type"}
    assert body["token_type"] == "Bearer" and body["scope"] == SCOPE
    assert api_status(emulator, body["access_token"]) == 200
    emulator.expire_access_tokens()
    assert api_status(emulator, body["access_token"]) == 401
    status, fresh = token(
        emulator,
        grant_type="refresh_token",
        refresh_token=body["refresh_token"],
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
    )
    assert status == 200 and "refresh_token" not in fresh
    assert api_status(emulator, fresh["access_token"]) == 200
    grants = [r["grant_type"] for r in emulator.token_requests]
    assert grants == ["authorization_code", "refresh_token"]


def test_wrong_verifier_and_reused_code_are_invalid_grant(emulator) -> None:
    verifier, challenge = pkce()
    code = get_code(emulator, challenge)
    assert exchange(emulator, code, "not-the-verifier-" + "x" * 40) == (
        400,
        {"error": "invalid_grant", "error_description": "Bad Request"},
    )
    code = get_code(emulator, challenge)
    assert exchange(emulator, code, verifier)[0] == 200
    assert exchange(emulator, code, verifier) == (
        400,
        {"error": "invalid_grant", "error_description": "Bad Request"},
    )


def test_redirect_uri_must_match_the_authorization_request(emulator) -> None:
    verifier, challenge = pkce()
    code = get_code(emulator, challenge)
    status, body = exchange(emulator, code, verifier, redirect_uri="http://localhost:9999/")
    assert status == 400 and body["error"] == "redirect_uri_mismatch"


def test_client_authentication(emulator) -> None:
    verifier, challenge = pkce()
    code = get_code(emulator, challenge)
    assert exchange(emulator, code, verifier, client_id="someone-else") == (
        401,
        {"error": "invalid_client", "error_description": "The OAuth client was not found."},
    )
    code = get_code(emulator, challenge)
    basic = base64.b64encode(f"{emulator.client_id}:{emulator.client_secret}".encode()).decode()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": REDIRECT,
    }
    status, _, data = http_request(
        emulator, "POST", "/token", form, {"Authorization": f"Basic {basic}"}
    )
    assert status == 200 and "access_token" in json.loads(data)


def test_unsupported_grant_and_missing_code(emulator) -> None:
    status, body = token(
        emulator,
        grant_type="password",
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
    )
    assert status == 400 and body["error"] == "unsupported_grant_type"
    status, body = token(
        emulator,
        grant_type="authorization_code",
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
    )
    assert status == 400 and body["error"] == "invalid_request"


def test_authorization_endpoint_errors(emulator) -> None:
    _, challenge = pkce()
    status, _, page = authorize(emulator, challenge, client_id="unknown")
    assert status == 401 and b"invalid_client" in page
    status, _, page = authorize(emulator, challenge, redirect="https://evil.example/cb")
    assert status == 400 and b"redirect_uri_mismatch" in page
    status, _, page = authorize(emulator, None)
    assert status == 400
    status, headers, _ = authorize(emulator, challenge, redirect="http://127.0.0.1:5555/cb?x=1")
    assert status == 302 and headers["location"].startswith("http://127.0.0.1:5555/cb?x=1&")


def test_denied_consent_redirects_with_error(emulator) -> None:
    emulator.deny_consent = True
    _, challenge = pkce()
    status, headers, _ = authorize(emulator, challenge)
    assert status == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["location"]).query)
    assert query == {"error": ["access_denied"], "state": ["xyz-state"]}


def test_revoked_refresh_token_fails_and_takes_access_tokens_along(emulator) -> None:
    tokens = emulator.issue_tokens()
    status, _, data = http_request(emulator, "POST", "/revoke", {"token": tokens["refresh_token"]})
    assert (status, json.loads(data)) == (200, {})
    assert tokens["refresh_token"] in emulator.revoked
    assert api_status(emulator, tokens["access_token"]) == 401
    status, body = token(
        emulator,
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
    )
    assert (status, body) == (
        400,
        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
    )
    status, _, data = http_request(emulator, "POST", "/revoke?token=unknown-token")
    assert status == 400 and json.loads(data)["error"] == "invalid_token"


def test_rotating_refresh_tokens(emulator) -> None:
    emulator.rotate_refresh_tokens = True
    tokens = emulator.issue_tokens()
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
    }
    status, body = token(emulator, **form)
    assert status == 200 and body["refresh_token"] != tokens["refresh_token"]
    assert token(emulator, **form)[0] == 400


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc"])
def test_api_requires_a_valid_bearer_token(emulator, header) -> None:
    headers = {"Authorization": header} if header else {}
    status, hdrs, data = http_request(
        emulator, "GET", "/calendar/v3/calendars/primary/events", headers=headers
    )
    err = json.loads(data)["error"]
    assert status == 401 and err["status"] == "UNAUTHENTICATED"
    assert err["errors"][0]["reason"] == "authError"
    assert err["message"].startswith("Request had invalid authentication credentials.")
    assert hdrs["www-authenticate"].startswith("Bearer")


def test_token_lifetime(emulator_factory) -> None:
    emu = emulator_factory(token_lifetime=0)
    tokens = emu.issue_tokens()
    assert tokens["expires_in"] == 0
    assert api_status(emu, tokens["access_token"]) == 401


def test_google_auth_credentials_refresh_against_the_emulator(emulator) -> None:
    import google.auth.transport.requests
    import google.oauth2.credentials

    tokens = emulator.issue_tokens()
    creds = google.oauth2.credentials.Credentials(
        token=None,
        refresh_token=tokens["refresh_token"],
        token_uri=emulator.client_secrets_dict()["installed"]["token_uri"],
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
        scopes=[SCOPE],
    )
    creds.refresh(google.auth.transport.requests.Request())
    assert creds.token and api_status(emulator, creds.token) == 200


def test_client_secrets_file_shape(emulator, tmp_path) -> None:
    path = emulator.write_client_secrets(tmp_path / "client_secrets.json")
    data = json.loads(path.read_text())
    inst = data["installed"]
    assert inst["client_id"] == emulator.client_id
    assert inst["token_uri"] == emulator.base_url + "token"
    assert inst["auth_uri"] == emulator.base_url + "o/oauth2/auth"
    assert inst["redirect_uris"] == ["http://localhost"]
