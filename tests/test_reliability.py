"""gcal over a flaky network: retries, backoff bounds, time-outs and unreachable endpoints.

Every test runs gcal's console entry point against the emulator with injected faults. The backoff
base is made tiny through GCAL_BACKOFF_BASE so that retries take milliseconds; only a server's
`Retry-After: 1` is waited for in full.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
from typing import Callable

import pytest

from gcal.emulator import Emulator
from runner import run, run_subprocess
from test_read_commands import Account

PAGE = 50  # --max-results: the demo account's primary calendar then spans several pages


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setenv("GCAL_BACKOFF_BASE", "0.001")


@pytest.fixture
def big(emulator_factory, tmp_path) -> Account:
    """An account whose primary calendar needs several pages of PAGE events."""
    return Account(emulator_factory(extra_events=150), tmp_path)


def after_first_page(emu: Emulator, *faults: Callable[[], None]) -> threading.Thread:
    """Queue `faults` only once the first page has been asked for, so they hit the second.

    The first page is held back briefly; the faults are queued while it is held (its own
    fault lookup has already happened), so the next request, for page two, meets them.
    """
    emu.inject_delay(0.5)

    def arm() -> None:
        deadline = time.monotonic() + 20
        while emu.faults.pending() and time.monotonic() < deadline:
            time.sleep(0.002)
        for fault in faults:
            fault()

    thread = threading.Thread(target=arm, daemon=True)
    thread.start()
    return thread


def events_args(fmt: str = "ndjson") -> list:
    return ["--format", fmt, "events", "primary", "--max-results", str(PAGE)]


def ids(result) -> list:
    return [json.loads(line)["id"] for line in result.out.splitlines()]


def page_tokens(emu: Emulator) -> list:
    return [(r.query.get("pageToken") or [None])[0] for r in emu.api_requests("/events")]


def in_subprocess(account: Account, *args: str):
    """Run gcal as its own process: a time-out leaves the emulator answering a closed
    connection, and what it prints about that must not mix with gcal's stderr."""
    return run_subprocess([*account.args, *args])


def one_error_line(result) -> str:
    lines = [line for line in result.err_lines if line.startswith("gcal: error:")]
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]


# ---------------------------------------------------------------------------------------------
# Retries


def test_fault_sequence_on_a_middle_page_gives_complete_duplicate_free_output(big):
    expected = ids(big.gcal(*events_args()))
    assert len(expected) > 2 * PAGE and len(set(expected)) == len(expected)
    big.emu.clear_requests()

    arming = after_first_page(
        big.emu,
        lambda: big.emu.inject_fault(503, count=2),
        lambda: big.emu.inject_fault(429, retry_after=1, reason="rateLimitExceeded"),
        lambda: big.emu.inject_fault(403, reason="rateLimitExceeded"),
    )
    started = time.monotonic()
    result = big.gcal(*events_args())
    arming.join()

    assert result.code == 0, result
    assert ids(result) == expected  # complete, in order, no page printed twice
    assert "Traceback" not in result.err and "error" not in result.err
    tokens = page_tokens(big.emu)
    # page one, then page two tried five times (four faults), then the remaining pages
    assert tokens[0] is None
    assert tokens[1] is not None and tokens[1:6] == [tokens[1]] * 5
    assert len(tokens) == len(set(tokens)) + 4
    assert time.monotonic() - started >= 1.0  # Retry-After: 1 was honoured


@pytest.mark.parametrize(
    "status, reason",
    [
        (429, None),
        (500, None),
        (502, None),
        (503, None),
        (504, None),
        (403, "rateLimitExceeded"),
        (403, "userRateLimitExceeded"),
        ("reset", None),
    ],
)
def test_each_transient_failure_is_retried(emulator, tmp_path, status, reason):
    account = Account(emulator, tmp_path)
    expected = account.gcal("--format", "ndjson", "calendars").out
    emulator.clear_requests()
    emulator.inject_fault(status, reason=reason, count=2)
    result = account.gcal("--format", "ndjson", "calendars")
    assert result.code == 0, result
    assert result.out == expected and expected
    assert len(emulator.api_requests("calendarList")) == 3


@pytest.mark.parametrize(
    "status, reason, code",
    [(400, "badRequest", 1), (403, "forbidden", 1), (404, "notFound", 4), (403, None, 1)],
)
def test_final_errors_are_not_retried(emulator, tmp_path, status, reason, code):
    account = Account(emulator, tmp_path)
    emulator.inject_fault(status, reason=reason, message="Nope, says Google", count=5)
    result = account.gcal("--format", "ndjson", "calendars")
    assert result.code == code, result
    line = one_error_line(result)
    assert str(status) in line and "Nope, says Google" in line
    assert len(emulator.api_requests("calendarList")) == 1


def test_persistent_500s_end_with_exit_5_after_the_retries(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    emulator.inject_fault(500, message="Backend Error", count=100)
    result = account.gcal("--retries", "3", "--format", "json", "calendars")
    assert result.code == 5, result
    line = one_error_line(result)
    assert "HTTP 500" in line and "Backend Error" in line
    assert len(emulator.api_requests("calendarList")) == 4  # the first try and three retries
    assert json.loads(result.out) == []  # nothing written, and still a JSON document


def test_retries_stop_at_the_total_time_bound(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    emulator.inject_fault(503, retry_after=60, count=100)
    started = time.monotonic()
    result = run(
        [*account.args, "--format", "ndjson", "calendars"], env={"GCAL_RETRY_MAX_TIME": "5"}
    )
    assert result.code == 5, result
    assert "HTTP 503" in one_error_line(result)
    assert time.monotonic() - started < 30  # a 60 s Retry-After is beyond the 5 s bound
    assert len(emulator.api_requests("calendarList")) == 1


def test_retry_after_within_the_bound_is_waited_for(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    emulator.inject_fault(429, retry_after=1)
    started = time.monotonic()
    result = account.gcal("--retry-max-time", "30", "--format", "ndjson", "calendars")
    assert result.code == 0, result
    assert time.monotonic() - started >= 1.0
    times = [r.time for r in emulator.api_requests("calendarList")]
    assert len(times) == 2 and times[1] - times[0] >= 0.9


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv"])
def test_failure_on_a_middle_page_says_output_is_incomplete(big, fmt):
    arming = after_first_page(big.emu, lambda: big.emu.inject_fault(500, count=100))
    result = big.gcal("--retries", "2", *events_args(fmt))
    arming.join()

    assert result.code == 5, result
    assert "HTTP 500" in one_error_line(result)
    assert f"output is incomplete: {PAGE} items" in result.err
    if fmt == "json":
        rows = json.loads(result.out)  # the array is closed: the output still parses
    elif fmt == "ndjson":
        rows = [json.loads(line) for line in result.out.splitlines()]
    else:
        dialect = "excel" if fmt == "csv" else "excel-tab"
        rows = list(csv.DictReader(io.StringIO(result.out), dialect=dialect))
    assert len(rows) == PAGE


# ---------------------------------------------------------------------------------------------
# Time-outs


def test_slow_api_times_out_is_retried_then_exit_5_naming_the_endpoint(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    emulator.inject_delay(1.5, count=3)
    started = time.monotonic()
    result = in_subprocess(
        account, "--timeout", "0.5", "--retries", "2", "--format", "ndjson", "calendars"
    )
    assert result.code == 5, result
    line = one_error_line(result)
    assert emulator.api_endpoint in line and "timed out" in line
    assert len(emulator.api_requests("calendarList")) == 3
    assert time.monotonic() - started < 30


def test_one_slow_answer_is_retried_and_succeeds(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    emulator.inject_delay(1.5)
    result = in_subprocess(account, "--timeout", "0.5", "--format", "ndjson", "calendars")
    assert result.code == 0, result
    assert len(emulator.api_requests("calendarList")) == 2


def _expire_locally(account: Account) -> bytes:
    """Mark the stored access token as expired, so gcal refreshes before its first request."""
    data = json.loads(account.credentials.read_text())
    data["token_expiry"] = data["expiry"] = "2000-01-01T00:00:00Z"
    account.credentials.write_text(json.dumps(data))
    return account.credentials.read_bytes()


@pytest.mark.parametrize("when", ["before the first request", "on a 401"])
def test_slow_token_endpoint_times_out_is_retried_then_exit_5(emulator, tmp_path, when):
    account = Account(emulator, tmp_path)
    if when == "on a 401":
        emulator.expire_access_tokens()
        before = account.credentials.read_bytes()
    else:
        before = _expire_locally(account)
    emulator.inject_delay(1.5, count=3, path="/token")
    result = in_subprocess(
        account, "--timeout", "0.5", "--retries", "2", "--format", "ndjson", "calendars"
    )
    assert result.code == 5, result
    line = one_error_line(result)
    assert f"token endpoint {emulator.base_url}token" in line and "timed out" in line
    assert len([r for r in emulator.requests if r.path == "/token"]) == 3
    assert account.credentials.read_bytes() == before  # a failed refresh changes nothing


def test_one_slow_token_answer_is_retried_and_the_refresh_saved(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    before = _expire_locally(account)
    emulator.inject_delay(1.5, path="/token")
    result = in_subprocess(account, "--timeout", "0.5", "--format", "ndjson", "calendars")
    assert result.code == 0, result
    assert account.credentials.read_bytes() != before


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "endpoint",
    [
        lambda: f"http://127.0.0.1:{_closed_port()}/calendar/v3/",
        lambda: "http://nonexistent.invalid/calendar/v3/",
    ],
    ids=["refused", "unresolvable"],
)
def test_unreachable_api_fails_fast_naming_the_endpoint(emulator, tmp_path, endpoint):
    account = Account(emulator, tmp_path)
    url = endpoint()
    started = time.monotonic()
    result = account.gcal("--api-endpoint", url, "--retries", "5", "calendars")
    assert result.code == 5, result
    assert url in one_error_line(result)
    assert time.monotonic() - started < 20


def test_refused_token_endpoint_fails_fast_naming_it(emulator, tmp_path):
    account = Account(emulator, tmp_path)
    data = json.loads(account.credentials.read_text())
    url = f"http://127.0.0.1:{_closed_port()}/token"
    data["token_uri"] = url
    account.credentials.write_text(json.dumps(data))
    _expire_locally(account)
    before = account.credentials.read_bytes()
    result = account.gcal("--retries", "5", "calendars")
    assert result.code == 5, result
    assert url in one_error_line(result)
    assert account.credentials.read_bytes() == before
