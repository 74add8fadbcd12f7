"""API errors as a Google front end may send them, not only as our emulator does.

Google answers HTTP 410 for three different things (an expired sync token, an `updatedMin` too
far in the past, a deleted resource) and its front ends answer some failures with an HTML page
or an empty body. Whatever the shape, gcal must print one accurate line and exit with the
documented code.
"""

from __future__ import annotations

import pytest

from gcal.emulator import Emulator
from runner import run
from scripted_server import google_error, write_account
from test_read_commands import Account

EVENTS = "/calendar/v3/calendars/primary/events"
NO_WAIT = {"GCAL_BACKOFF_BASE": "0"}


def _deleted_series_data() -> dict:
    start = {"dateTime": "2024-06-04T10:00:00+02:00", "timeZone": "Europe/Berlin"}
    end = {"dateTime": "2024-06-04T10:30:00+02:00", "timeZone": "Europe/Berlin"}
    return {
        "user": {"email": "ada@example.com"},
        "calendars": [
            {
                "id": "ada@example.com",
                "summary": "Ada",
                "timeZone": "Europe/Berlin",
                "accessRole": "owner",
                "primary": True,
                "events": [
                    {
                        "id": "gone",
                        "status": "cancelled",
                        "summary": "Old series",
                        "start": start,
                        "end": end,
                        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
                    }
                ],
            }
        ],
    }


def test_instances_of_a_deleted_series_is_410_not_a_sync_token_problem(tmp_path) -> None:
    with Emulator(data=_deleted_series_data()) as emu:
        account = Account(emu, tmp_path)
        result = account.gcal("instances", "primary", "gone")
    assert result.code == 4, result
    assert len(result.err_lines) == 1, result
    assert "has been deleted (HTTP 410" in result.err
    assert "'gone'" in result.err
    assert "sync token" not in result.err


@pytest.mark.parametrize(
    "reason, args, expected, code",
    [
        ("fullSyncRequired", ["--sync-token", "abc"], "run again without --sync-token", 1),
        ("updatedMinTooLongAgo", ["--updated-min", "2001-01-01"], "--updated-min is too far", 1),
        ("deleted", [], "calendar 'primary' has been deleted", 4),
    ],
)
def test_410_says_what_google_meant(server, tmp_path, reason, args, expected, code) -> None:
    server.reply(EVENTS, (410, {}, google_error(410, reason, "Gone for a reason")))
    result = run([*write_account(tmp_path, server), "events", "primary", *args])
    assert result.code == code, result
    assert expected in result.err
    assert len(result.err_lines) == 1, result
    if reason != "fullSyncRequired":
        assert "sync" not in result.err


@pytest.mark.parametrize(
    "status, headers, body, code, expected",
    [
        (
            502,
            {"Content-Type": "text/html"},
            b"<html><h1>502 Bad Gateway</h1></html>",
            5,
            "HTTP 502: Bad Gateway",
        ),
        (500, {}, b"", 5, "HTTP 500: Internal Server Error"),
        (
            400,
            {},
            {"error": {"code": 400, "message": "Invalid Value"}},
            1,
            "HTTP 400: Invalid Value",
        ),
        (
            403,
            {},
            google_error(403, "forbidden", "Forbidden"),
            1,
            "HTTP 403 (forbidden): Forbidden",
        ),
        (
            401,
            {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
            b"",
            3,
            "HTTP 401: Unauthorized",
        ),
    ],
)
def test_error_bodies_that_are_not_google_json(
    server, tmp_path, status, headers, body, code, expected
) -> None:
    server.reply(EVENTS, (status, headers, body))
    server.reply(
        "/token", (200, {}, {"access_token": "at-2", "expires_in": 3599, "token_type": "Bearer"})
    )
    result = run(
        [*write_account(tmp_path, server), "--format", "tsv", "events", "primary"], env=NO_WAIT
    )
    assert result.code == code, result
    assert expected in result.err
    assert len(result.err_lines) == 1, result
    assert "<html>" not in result.err


INSUFFICIENT_SCOPES = {
    "error": {
        "code": 403,
        "message": "Request had insufficient authentication scopes.",
        "errors": [
            {
                "message": "Insufficient Permission",
                "domain": "global",
                "reason": "insufficientPermissions",
            }
        ],
        "status": "PERMISSION_DENIED",
    }
}
SCOPE_ERRORINFO_ONLY = {
    "error": {
        "code": 403,
        "message": "Request had insufficient authentication scopes.",
        "status": "PERMISSION_DENIED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                "domain": "googleapis.com",
            }
        ],
    }
}


@pytest.mark.parametrize("body", [INSUFFICIENT_SCOPES, SCOPE_ERRORINFO_ONLY])
def test_a_token_without_the_calendar_scope_asks_for_a_new_login(server, tmp_path, body) -> None:
    server.reply("/calendar/v3/users/me/calendarList", (403, {}, body))
    result = run([*write_account(tmp_path, server), "calendars"])
    assert result.code == 3, result
    assert "gcal auth login" in result.err
    assert "insufficient authentication scopes" in result.err
    assert len(result.err_lines) == 1, result


def test_quota_403_stays_an_api_error(server, tmp_path) -> None:
    body = google_error(403, "quotaExceeded", "Calendar usage limits exceeded.")
    server.reply("/calendar/v3/users/me/calendarList", (403, {}, body))
    result = run([*write_account(tmp_path, server), "calendars"])
    assert result.code == 1, result
    assert "(quotaExceeded): Calendar usage limits exceeded." in result.err
