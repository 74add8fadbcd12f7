"""Redaction of secrets in logs and `configure_logging`."""

from __future__ import annotations

import logging

import pytest

from gcal import logs
from gcal.errors import UsageError


@pytest.mark.parametrize(
    "text, secret",
    [
        ("Authorization: Bearer ya29.a0AfH6SMBx-secret", "a0AfH6SMBx-secret"),
        ("{'authorization': 'Bearer abc.def-ghi'}", "abc.def-ghi"),
        ('{"access_token": "tok-123456", "expires_in": 3599}', "tok-123456"),
        ('{"refresh_token":"1//0gsecretrefresh"}', "0gsecretrefresh"),
        ("{'client_secret': 'GOCSPX-abcdef'}", "abcdef"),
        ("grant_type=authorization_code&code=4%2F0AX4Xf&code_verifier=vvvvvvvv", "vvvvvvvv"),
        ("grant_type=authorization_code&code=4%2F0AX4Xf&code_verifier=vvvvvvvv", "4%2F0AX4Xf"),
        ("b'refresh_token=1%2F%2Fzzzz&client_secret=shh-shh'", "shh-shh"),
        ("GET /?state=s&code=4/0AbCdEfGhIjK&scope=x HTTP/1.1", "AbCdEfGhIjK"),
        ('{"token": "plain-token-value"}', "plain-token-value"),
        ("a stray ya29.c.Kp6B9wabc token", "Kp6B9wabc"),
        ("see 1//03abcDEF_ghi", "03abcDEF_ghi"),
        ('"id_token": "eyJhbGciOi.eyJzdWIi.sig"', "eyJzdWIi"),
    ],
)
def test_redact_patterns(text: str, secret: str) -> None:
    cleaned = logs.redact(text)
    assert secret not in cleaned
    assert logs.REDACTED in cleaned


def test_redact_keeps_harmless_text() -> None:
    text = "GET http://127.0.0.1:8080/calendar/v3/users/me/calendarList?maxResults=250 200"
    assert logs.redact(text) == text
    url = "response_type=code&code_challenge=abc&code_challenge_method=S256&state=xyz"
    assert logs.redact(url) == url


def test_registered_secret_is_scrubbed_everywhere() -> None:
    logs.register_secret("an-opaque-value-42")
    assert logs.redact("value an-opaque-value-42 here") == f"value {logs.REDACTED} here"
    assert "an-opaque" not in logs.redact("q=an-opaque-value-42")
    logs.register_secret("abc")  # too short to be scrubbed blindly
    assert logs.redact("abc") == "abc"


def test_redact_headers() -> None:
    headers = {"Authorization": "Bearer x", "accept": "application/json"}
    assert logs.redact_headers(headers) == {
        "Authorization": logs.REDACTED,
        "accept": "application/json",
    }


def test_configure_logging_levels_and_filter(capsys: pytest.CaptureFixture) -> None:
    handler = logs.configure_logging("debug")
    try:
        logging.getLogger("requests_oauthlib").debug(
            "Token response: %r", {"access_token": "ya29.zzz", "refresh_token": "1//yyy"}
        )
        try:
            raise ValueError("refresh_token=1//inside-traceback")
        except ValueError:
            logging.getLogger("x").exception("boom with Bearer qqqqqqqq")
        err = capsys.readouterr().err
        assert "DEBUG requests_oauthlib" in err
        for secret in ("ya29.zzz", "1//yyy", "inside-traceback", "qqqqqqqq"):
            assert secret not in err
        # Calling again replaces the handler instead of adding one.
        logs.configure_logging("WARNING")
        assert handler not in logging.getLogger().handlers
        logging.getLogger("y").info("hidden")
        assert capsys.readouterr().err == ""
    finally:
        logs.configure_logging("ERROR")


def test_configure_logging_rejects_unknown_level() -> None:
    with pytest.raises(UsageError) as info:
        logs.configure_logging("LOUD")
    assert info.value.exit_code == 2
    assert "DEBUG" in str(info.value)
