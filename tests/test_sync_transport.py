"""`gcal sync` over plain HTTP (gcal.google.rest): the same requests googleapiclient would send,
the same token handling, retries and errors, and no Google library unless a token is renewed."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
import zlib
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from gcal.emulator import Emulator
from gcal.errors import NetworkError
from gcal.google import rest
from gcal.google.retry import Retryable
from gcal.settings import Settings
from store_support import PRIMARY, SELECTED, WRITER, Account, stored_events

HEAVY = ("google", "googleapiclient", "httplib2", "google_auth_httplib2", "oauthlib", "rich")
REPORT_HEAVY = (
    "import sys, atexit\n"
    "def report():\n"
    f"    heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
    "    sys.stderr.write('HEAVY:' + ','.join(heavy) + '\\n')\n"
    "atexit.register(report)\n"
    "from gcal.cli import main\n"
    "main(sys.argv[1:])\n"
)


@pytest.fixture
def account(emulator: Emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path)


def _heavy_modules(account: Account, *args: str) -> list:
    proc = subprocess.run(
        [sys.executable, "-c", REPORT_HEAVY, *account.args, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **account.env},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    line = [x for x in proc.stderr.splitlines() if x.startswith("HEAVY:")]
    return line[0][len("HEAVY:") :].split(",") if line and line[0] != "HEAVY:" else []


def _set_expiry(account: Account, when: datetime) -> None:
    data = json.loads(account.credentials.read_text())
    data["token_expiry"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    data.pop("expiry", None)
    data.pop("token", None)
    account.credentials.write_text(json.dumps(data))
    os.chmod(account.credentials, 0o600)


def test_a_sync_with_a_fresh_token_imports_no_google_library(account: Account) -> None:
    assert _heavy_modules(account, "sync", "--quiet") == []  # the first, full sync
    assert _heavy_modules(account, "sync", "--quiet") == []  # and one with nothing new
    assert stored_events(account.store_file, PRIMARY)
    # a status bar's `--cached` answer whose store is due for a sync syncs the same way
    time.sleep(1.1)
    account.emu.clear_requests()
    assert _heavy_modules(account, "next", "--cached", "--max-age", "1s", "--within", "30d") == []
    assert account.events_requests()  # it did sync


def test_an_expired_token_is_refreshed_saved_and_used(account: Account) -> None:
    before = json.loads(account.credentials.read_text())["access_token"]
    _set_expiry(account, datetime.utcnow() - timedelta(minutes=5))
    result = account.gcal_subprocess("sync", "--quiet")
    assert result.code == 0, result
    saved = json.loads(account.credentials.read_text())
    assert saved["access_token"] != before
    assert [r for r in account.emu.token_requests if r.get("grant_type") == "refresh_token"]
    sent = {r.headers.get("Authorization") for r in account.emu.api_requests()}
    assert sent == {f"Bearer {saved['access_token']}"}
    assert stat_mode(account.credentials) == 0o600


def test_a_token_the_api_refuses_is_refreshed_once_and_the_sync_completes(
    account: Account,
) -> None:
    account.emu.expire_access_tokens()  # the file still says the token is good for an hour
    result = account.gcal("sync")
    assert result.code == 0, result
    refreshes = [r for r in account.emu.token_requests if r.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1  # the threads share the renewed token
    for cid in SELECTED:
        assert stored_events(account.store_file, cid) is not None
    assert stored_events(account.store_file, PRIMARY)


def test_not_logged_in_is_an_auth_error(account: Account) -> None:
    account.credentials.unlink()
    result = account.gcal("sync")
    assert result.code == 3, result
    assert result.err_lines[-1].startswith("gcal: error: not logged in")


def test_a_transient_failure_is_retried(account: Account) -> None:
    account.emu.inject_fault(503, path="/calendar/v3/calendars/" + WRITER.replace("@", "%40"))
    result = account.gcal("sync")
    assert result.code == 0, result
    writer = [r for r in account.events_requests() if WRITER.replace("@", "%40") in r.path]
    assert len(writer) == 2
    assert stored_events(account.store_file, WRITER)


def test_an_unreachable_endpoint_fails_fast_naming_it(account: Account) -> None:
    args = [a for a in account.args]
    args[args.index("--api-endpoint") + 1] = "http://127.0.0.1:9/calendar/v3/"
    from runner import run

    result = run([*args, "sync"], env=account.env)
    assert result.code == 5, result
    assert "cannot reach the Calendar API at http://127.0.0.1:9/calendar/v3/" in result.err


def test_debug_log_shows_requests_without_the_token(account: Account) -> None:
    token = json.loads(account.credentials.read_text())["access_token"]
    result = account.gcal_subprocess("--logging-level", "DEBUG", "sync", "--quiet")
    assert result.code == 0, result
    assert "request: GET " + account.emu.api_endpoint in result.err
    assert "response: 200" in result.err
    assert token not in result.err
    assert "Bearer [REDACTED]" in result.err or "'[REDACTED]'" in result.err


@pytest.mark.parametrize(
    "command, request_",
    [
        ("events", {"calendarId": "primary", "maxResults": 2500}),
        ("events", {"calendarId": "en.german#holiday@group.v.calendar.google.com"}),
        ("events", {"calendarId": "a b/c?d@x", "syncToken": "tok/+=", "pageToken": "p&q"}),
        ("events", {"calendarId": PRIMARY, "showDeleted": True, "singleEvents": False}),
        ("events", {"calendarId": PRIMARY, "eventTypes": ["default", "focusTime"]}),
        ("calendars", {"showHidden": True, "maxResults": 250, "pageToken": "x y"}),
    ],
)
def test_requests_are_the_ones_googleapiclient_builds(command: str, request_: dict) -> None:
    from gcal.google import api
    from gcal.google.params import METHODS

    endpoint = "https://calendar.example.test/calendar/v3/"
    build = api._import_build()
    service = build(
        "calendar",
        "v3",
        developerKey="unused",
        client_options={"api_endpoint": endpoint},
        static_discovery=True,
        cache_discovery=False,
    )
    resource, name = METHODS[command]
    theirs = urlsplit(getattr(getattr(service, resource)(), name)(**request_).uri)
    ours = urlsplit(rest.Session(Settings(api_endpoint=endpoint)).url(command, request_))
    assert (ours.scheme, ours.netloc, ours.path) == (theirs.scheme, theirs.netloc, theirs.path)
    their_query = parse_qs(theirs.query, keep_blank_values=True)
    their_query.pop("key", None)  # the developer key stands in for credentials here
    assert parse_qs(ours.query, keep_blank_values=True) == their_query


def test_compressed_answers_are_decoded_and_a_corrupt_one_is_retryable() -> None:
    body = b'{"items": []}'
    assert rest._decoded(gzip.compress(body), "gzip") == body
    assert rest._decoded(zlib.compress(body), "deflate") == body
    assert rest._decoded(body, "") == body
    with pytest.raises(Retryable):
        rest._decoded(gzip.compress(body)[:-6], "gzip")


def test_proxies_come_from_the_environment_but_never_for_loopback(monkeypatch) -> None:
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    monkeypatch.setenv("no_proxy", "internal.example")
    assert rest._proxy_for("https", "www.googleapis.com") == "http://proxy.example:3128"
    assert rest._proxy_for("https", "127.0.0.1") is None
    assert rest._proxy_for("https", "localhost") is None
    assert rest._proxy_for("https", "internal.example") is None


def stat_mode(path) -> int:
    import stat

    return stat.S_IMODE(os.stat(path).st_mode)


class _RawPage(dict):
    def __init__(self, parsed: dict, raw: bytes) -> None:
        super().__init__(parsed)
        self.raw = raw


@pytest.mark.parametrize("with_raw", [True, False], ids=["body text", "encoded"])
def test_stored_events_are_the_answers_events_with_or_without_the_body(
    tmp_path, with_raw: bool
) -> None:
    """A page that keeps its body has its events stored as the body's text; one that does not
    (or whose body SQLite cannot read) has them encoded: the store holds the same either way."""
    from gcal.store import db
    from gcal.store.sync import sync_calendar

    events = [
        {
            "id": "a1",
            "summary": 'Caf\u00e9 \u2615 "quoted"',
            "start": {"date": "2026-01-05"},
            "end": {"date": "2026-01-06"},
            "status": "confirmed",
        },
        {"id": "b2", "status": "cancelled"},
        {
            "id": "c3",
            "start": {"dateTime": "2026-01-05T09:00:00+01:00"},
            "end": {"dateTime": "2026-01-05T10:00:00+01:00"},
            "extendedProperties": {"private": {}},
        },
    ]
    answer = {
        "kind": "calendar#events",
        "timeZone": "Europe/Berlin",
        "items": events,
        "nextSyncToken": "t1",
    }
    body = json.dumps(answer, ensure_ascii=True, indent=2).encode()
    page = _RawPage(answer, body) if with_raw else dict(answer)
    store = db.open_store(tmp_path / "store.sqlite3")
    assert store is not None
    with store:
        result = sync_calendar(store, "cal", lambda request: iter([page]))
        rows = store.conn.execute(
            "SELECT id, resource FROM events WHERE calendar_id = 'cal' ORDER BY position"
        ).fetchall()
    assert result.added == 2 and result.kind == "full"
    assert [json.loads(r["resource"]) for r in rows] == events
    assert [r["id"] for r in rows] == ["a1", "b2", "c3"]


def test_a_body_that_cannot_be_read_falls_back_to_encoding(tmp_path) -> None:
    from gcal.store import db
    from gcal.store.sync import sync_calendar

    answer = {"items": [{"id": "x", "summary": "x"}], "nextSyncToken": "t"}
    page = _RawPage(answer, b'{"items": [{"id": "x", "summary": "\xff"}]}')  # not UTF-8
    store = db.open_store(tmp_path / "store.sqlite3")
    assert store is not None
    with store:
        sync_calendar(store, "cal", lambda request: iter([page]))
        (resource,) = store.conn.execute("SELECT resource FROM events").fetchone()
    assert json.loads(resource) == {"id": "x", "summary": "x"}


def test_tls_trusts_what_gcals_other_api_requests_trust(monkeypatch, tmp_path) -> None:
    """httplib2 (every other API request) picks $HTTPLIB2_CA_CERTS, else certifi's bundle:
    the sync's connections trust the same certificates, so the two never disagree."""
    import httplib2.certs

    monkeypatch.delenv("HTTPLIB2_CA_CERTS", raising=False)
    assert rest.ca_file() == httplib2.certs.where()
    bundle = tmp_path / "corporate.pem"
    bundle.write_text("")
    monkeypatch.setenv("HTTPLIB2_CA_CERTS", str(bundle))
    assert rest.ca_file() == httplib2.certs.where() == str(bundle)
    monkeypatch.setenv("HTTPLIB2_CA_CERTS", str(tmp_path / "missing.pem"))
    with pytest.raises(NetworkError):
        rest.ca_file()


def test_the_network_down_is_one_line_and_the_store_keeps_its_sync(account: Account) -> None:
    assert account.gcal("sync").code == 0
    before = stored_events(account.store_file, PRIMARY)
    args = list(account.args)
    args[args.index("--api-endpoint") + 1] = "http://127.0.0.1:9/calendar/v3/"
    from runner import run

    result = run([*args, "sync"], env=account.env)
    assert result.code == 5, result
    assert len(result.err_lines) == 1, result.err_lines
    assert result.err_lines[0].startswith("gcal: error: cannot reach the Calendar API at ")
    assert result.err_lines[0].endswith("; the store keeps its last sync")
    assert stored_events(account.store_file, PRIMARY) == before


def test_calendars_that_fail_are_named_in_calendar_order(account: Account) -> None:
    for cid in reversed(SELECTED[1:3]):
        account.emu.inject_fault(404, path="/calendar/v3/calendars/" + cid.replace("@", "%40"))
    result = account.gcal("sync")
    assert result.code == 4, result
    named = [line.split(": ")[2] for line in result.err_lines if line.startswith("gcal: error: ")]
    assert named[:2] == SELECTED[1:3]
    assert stored_events(account.store_file, PRIMARY)
