"""Google's token endpoint, as documented, against gcal's refresh and login.

A refresh response may carry extra fields (`id_token`, `refresh_token_expires_in`, `scope` as a
space-separated string), may rotate the refresh token or omit it (keep the old one), may omit
`expires_in`; failures come as OAuth JSON (`invalid_grant`, `invalid_client`) or, from a front
end, as an HTML page with a 5xx status.
"""

from __future__ import annotations

import json
from typing import Iterator

import pytest

from runner import run
from scripted_server import CLIENT_ID, CLIENT_SECRET, SCOPE, ScriptedServer, write_account

EVENTS = "/calendar/v3/calendars/primary/events"
NO_WAIT = {"GCAL_BACKOFF_BASE": "0"}
EMPTY_PAGE = (200, {}, {"kind": "calendar#events", "items": [], "nextSyncToken": "s-1"})


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer().start()
    scripted.reply(EVENTS, EMPTY_PAGE)
    yield scripted
    scripted.stop()


def _stored(tmp_path) -> dict:
    return json.loads((tmp_path / "calendar.dat").read_text())


def test_refresh_sends_googles_documented_form(server, tmp_path) -> None:
    server.reply("/token", (200, {}, {"access_token": "at-2", "expires_in": 3599}))
    result = run([*write_account(tmp_path, server, expired=True), "events", "primary"])
    assert result.code == 0, result
    (refresh,) = server.requests("/token")
    assert refresh.headers["content-type"] == "application/x-www-form-urlencoded"
    form = refresh.form
    assert form["grant_type"] == "refresh_token"
    assert form["refresh_token"] == "rt-1"
    assert (form["client_id"], form["client_secret"]) == (CLIENT_ID, CLIENT_SECRET)
    assert server.requests(EVENTS)[0].headers["authorization"] == "Bearer at-2"


def test_refresh_with_extra_fields_and_a_rotated_refresh_token(server, tmp_path) -> None:
    server.reply(
        "/token",
        (
            200,
            {},
            {
                "access_token": "at-2",
                "expires_in": 3599,
                "refresh_token": "rt-2",
                "refresh_token_expires_in": 604799,
                "scope": f"{SCOPE} openid",
                "token_type": "Bearer",
                "id_token": "header.payload.signature",
            },
        ),
    )
    result = run([*write_account(tmp_path, server, expired=True), "events", "primary"])
    assert result.code == 0, result
    stored = _stored(tmp_path)
    assert stored["refresh_token"] == "rt-2"
    assert stored["token"] == "at-2"
    assert stored["expiry"]


def test_refresh_without_refresh_token_or_expires_in_keeps_the_old_one(server, tmp_path) -> None:
    server.reply("/token", (200, {}, {"access_token": "at-2", "token_type": "Bearer"}))
    result = run([*write_account(tmp_path, server, expired=True), "events", "primary"])
    assert result.code == 0, result
    stored = _stored(tmp_path)
    assert stored["refresh_token"] == "rt-1"
    assert stored["token"] == "at-2"


@pytest.mark.parametrize("description", ["Token has been expired or revoked.", "Bad Request", None])
def test_invalid_grant_asks_for_a_new_login(server, tmp_path, description) -> None:
    body = {"error": "invalid_grant"}
    if description:
        body["error_description"] = description
    server.reply("/token", (400, {}, body))
    result = run([*write_account(tmp_path, server, expired=True), "events", "primary"])
    assert result.code == 3, result
    assert len(result.err_lines) == 1, result
    assert "gcal auth login" in result.err
    assert _stored(tmp_path)["refresh_token"] == "rt-1"  # never deleted on a failure


@pytest.mark.parametrize("status", [400, 401])
def test_invalid_client_names_the_client(server, tmp_path, status) -> None:
    body = {"error": "invalid_client", "error_description": "The OAuth client was not found."}
    server.reply("/token", (status, {}, body))
    result = run([*write_account(tmp_path, server, expired=True), "events", "primary"])
    assert result.code == 3, result
    assert "invalid_client" in result.err
    assert len(result.err_lines) == 1, result


def test_token_endpoint_html_502_is_a_service_failure_not_a_login_problem(server, tmp_path) -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    server.reply("/token", (502, {"Content-Type": "text/html"}, page))
    args = write_account(tmp_path, server, expired=True)
    result = run([*args, "--format", "tsv", "events", "primary"], env=NO_WAIT)
    assert result.code == 5, result
    assert "unavailable: HTTP 502" in result.err
    assert "auth login" not in result.err
    assert "<html>" not in result.err
    assert len(server.requests("/token")) > 1  # retried like any transient failure
    assert _stored(tmp_path)["refresh_token"] == "rt-1"


def test_token_endpoint_recovers_after_a_transient_html_error(server, tmp_path) -> None:
    server.reply(
        "/token",
        (502, {"Content-Type": "text/html"}, b"<html>502</html>"),
        (200, {}, {"access_token": "at-2", "expires_in": 3599}),
    )
    args = write_account(tmp_path, server, expired=True)
    result = run([*args, "events", "primary"], env=NO_WAIT)
    assert result.code == 0, result
    assert _stored(tmp_path)["token"] == "at-2"
