"""Fault injection and the control endpoint: what clients' retry logic is tested against."""

from __future__ import annotations

import http.client
import json
import time
import urllib.request

import httplib2
import pytest
from googleapiclient.errors import HttpError


def test_injected_status_in_google_shape(emulator, service) -> None:
    emulator.inject_fault(503, count=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(HttpError) as exc:
            service.calendarList().list().execute()
        assert exc.value.resp.status == 503
        assert exc.value.resp["retry-after"] == "7"
        err = json.loads(exc.value.content)["error"]
        assert err["code"] == 503 and err["errors"][0]["reason"] == "backendError"
    assert service.calendarList().list().execute()["items"]


def test_rate_limit_fault_with_reason_and_path(emulator, service) -> None:
    emulator.inject_fault(
        403, reason="rateLimitExceeded", message="Rate Limit Exceeded", path="calendars/"
    )
    assert service.calendarList().list().execute()["items"]  # other path: not affected
    with pytest.raises(HttpError) as exc:
        service.events().list(calendarId="primary").execute()
    err = json.loads(exc.value.content)["error"]
    assert (err["code"], err["errors"][0]["reason"], err["message"]) == (
        403,
        "rateLimitExceeded",
        "Rate Limit Exceeded",
    )
    assert service.events().list(calendarId="primary").execute()["items"]


def test_connection_reset(emulator) -> None:
    token = emulator.issue_tokens()["access_token"]
    emulator.inject_fault("reset")
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        conn.request(
            "GET",
            "/calendar/v3/users/me/calendarList",
            headers={"Authorization": f"Bearer {token}"},
        )
        conn.getresponse().read()
    conn.close()
    http_ = httplib2.Http()
    resp, _ = http_.request(
        emulator.api_endpoint + "users/me/calendarList",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status == 200


def test_delay(emulator, service) -> None:
    emulator.inject_delay(2.0)
    start = time.monotonic()
    service.calendarList().list().execute()
    assert time.monotonic() - start >= 2.0
    start = time.monotonic()
    service.calendarList().list().execute()
    assert time.monotonic() - start < 2.0  # only the next request was delayed


def test_request_log(emulator, service) -> None:
    emulator.clear_requests()
    service.events().list(
        calendarId="primary", eventTypes=["default", "focusTime"], maxResults=5
    ).execute()
    (req,) = emulator.api_requests("events")
    assert req.method == "GET" and req.path == "/calendar/v3/calendars/primary/events"
    assert req.query["eventTypes"] == ["default", "focusTime"]
    assert req.headers["Authorization"].startswith("Bearer ")
    assert emulator.api_requests("calendarList") == []


def test_control_endpoint(emulator, service) -> None:
    def post(path, payload=None):
        data = json.dumps(payload or {}).encode()
        req = urllib.request.Request(
            emulator.base_url + path,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req) as resp:
            return json.loads(resp.read())

    post("_emulator/faults", {"status": 500, "count": 1})
    with pytest.raises(HttpError) as exc:
        service.calendarList().list().execute()
    assert exc.value.resp.status == 500
    service.calendarList().list().execute()
    with urllib.request.urlopen(emulator.base_url + "_emulator/requests") as resp:
        log = json.loads(resp.read())
    assert [r["path"] for r in log][-2:] == ["/calendar/v3/users/me/calendarList"] * 2
    post("_emulator/faults", {"status": 429, "count": 5})
    post("_emulator/reset")
    assert service.calendarList().list().execute()["items"]
    assert [r.path for r in emulator.requests] == ["/calendar/v3/users/me/calendarList"]


def test_a_fault_after_some_requests_hits_a_later_page(emulator, service) -> None:
    emulator.inject_fault(500, after=2, path="users/me/calendarList")
    service.events().list(calendarId="primary").execute()  # another path: not counted
    for _ in range(2):
        assert service.calendarList().list().execute()["items"]
    with pytest.raises(HttpError) as exc:
        service.calendarList().list().execute()
    assert exc.value.resp.status == 500
    assert service.calendarList().list().execute()["items"]
    assert emulator.faults.pending() == 0
