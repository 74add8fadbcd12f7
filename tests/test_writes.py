"""The write commands against the emulator, through the code path a user's command takes.

Each safety rule has its test: a retried insert after a dropped answer leaves one event; a 412
changes nothing and exits 6; an RSVP leaves every other attendee byte-identical; --dry-run sends
no change; undo brings back a deleted series with its exceptions; after each write the store
answers --offline with the change, without a full resync.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import stat
import threading
from typing import Any, Callable, Dict, List, Optional

import pytest

from gcal.emulator.demo import demo_facts
from store_support import PRIMARY, WRITER, Account

SERIES = "weeklysync"


@pytest.fixture
def acct(emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path, write=True)


def live(acct: Account, calendar: str, event_id: str) -> Optional[Dict[str, Any]]:
    from urllib.parse import quote

    from emulator_http import api_get

    path = f"calendars/{quote(calendar, safe='')}/events/{quote(event_id, safe='')}"
    return api_get(acct.emu, path, acct.token)


def writes_sent(acct: Account) -> List[Any]:
    return [r for r in acct.emu.api_requests() if r.method != "GET"]


# --------------------------------------------------------------------------------------------
# A proxy that loses answers: the request reaches the emulator, its answer never comes back.


class DroppingProxy:
    """Forwards every request to the emulator; the first `drop` requests whose method is in
    `methods` are served by the emulator but their answer is dropped (the connection closes
    unanswered), as when a network fails after Google did the work. `before` runs before a
    matching request is forwarded (a change made in the browser meanwhile).

    `how` says how the answer is lost: "drop" closes the connection before any answer, "cut"
    sends the status, the headers and half the body (a Content-Length promising all of it) and
    then closes, "deep" answers instead with a body of JSON nested far deeper than any answer
    of the API's (with the answer's own status)."""

    def __init__(
        self,
        emu: Any,
        *,
        methods: tuple = ("POST",),
        drop: int = 1,
        before: Optional[Callable[[], None]] = None,
        how: str = "drop",
    ) -> None:
        self.emu = emu
        self.how = how
        self.methods = methods
        self.drop = drop
        self.before = before
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "accept-encoding")
                }
                matches = self.command in proxy.methods
                if matches and proxy.before is not None:
                    proxy.before()
                    proxy.before = None
                conn = http.client.HTTPConnection("127.0.0.1", proxy.emu.port, timeout=10)
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                if matches and proxy.drop > 0:
                    proxy.drop -= 1
                    self.close_connection = True
                    if proxy.how == "cut":
                        self.send_response(answer.status)
                        self.send_header("Content-Type", "application/json; charset=UTF-8")
                        self.send_header("Content-Length", str(len(data) + 100))
                        self.end_headers()
                        self.wfile.write(data[: len(data) // 2])
                        self.wfile.flush()
                        return  # the body is cut mid-transfer
                    if proxy.how in ("deep", "deep_error", "deep_403"):
                        data = b"[" * 100_000 + b"]" * 100_000
                        status = {"deep_error": 400, "deep_403": 403}.get(proxy.how)
                        self.send_response(status or answer.status)
                        self.send_header("Content-Type", "application/json; charset=UTF-8")
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                        return
                    return  # the work is done; the answer is lost
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/calendar/v3/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def through(acct: Account, proxy: DroppingProxy, *args: str):
    from runner import run

    argv = list(acct.args)
    argv[argv.index("--api-endpoint") + 1] = proxy.endpoint
    return run([*argv, *args], env=acct.env)


# --------------------------------------------------------------------------------------------
# Losing nothing


def test_a_retried_insert_after_a_dropped_answer_leaves_exactly_one_event(acct):
    proxy = DroppingProxy(acct.emu, methods=("POST",), drop=1)
    try:
        result = through(acct, proxy, "add", "Dentist unique", "--start", "+1d", "--format", "json")
    finally:
        proxy.close()
    assert result.code == 0, result
    event = json.loads(result.out)
    posts = [r for r in acct.emu.api_requests() if r.method == "POST"]
    assert len(posts) == 2  # the first answer was lost; the retry met its own event (409)
    items = acct.ndjson("events", "primary", "--q", "Dentist unique")
    assert [e["id"] for e in items] == [event["id"]]
    assert event["calendarId"] == "primary"


@pytest.mark.parametrize("how", ["drop", "cut"])
@pytest.mark.parametrize("times", [1, 2])
def test_an_insert_whose_answer_is_lost_or_cut_is_retried_and_leaves_one_event(acct, how, times):
    proxy = DroppingProxy(acct.emu, methods=("POST",), drop=times, how=how)
    try:
        result = through(acct, proxy, "add", "Cut answer", "--start", "+1d", "--format", "json")
    finally:
        proxy.close()
    assert result.code == 0, result
    event = json.loads(result.out)
    items = acct.ndjson("events", "primary", "--q", "Cut answer")
    assert [e["id"] for e in items] == [event["id"]]


@pytest.mark.parametrize("how", ["drop", "cut"])
@pytest.mark.parametrize(
    "method, args, check",
    [
        (
            "PATCH",
            ("edit", "primary", "dentist", "--location", "Room 9"),
            lambda e: e["location"] == "Room 9",
        ),
        ("DELETE", ("delete", "primary", "dentist", "--yes"), lambda e: e["status"] == "cancelled"),
    ],
)
def test_a_change_whose_answer_is_cut_is_retried_and_done_once(acct, how, method, args, check):
    proxy = DroppingProxy(acct.emu, methods=(method,), drop=2, how=how)
    try:
        result = through(acct, proxy, *args)
    finally:
        proxy.close()
    assert result.code == 0, result
    assert check(live(acct, PRIMARY, "dentist"))
    assert "Traceback" not in result.err


@pytest.mark.parametrize("how", ["drop", "cut"])
def test_quick_add_whose_answer_is_cut_is_not_sent_again(acct, how):
    proxy = DroppingProxy(acct.emu, methods=("POST",), drop=1, how=how)
    try:
        result = through(acct, proxy, "quick", "Cut lunch tomorrow 12:00")
    finally:
        proxy.close()
    assert result.code == 5, result
    assert "may have been created" in result.err
    assert len([r for r in acct.emu.api_requests() if r.method == "POST"]) == 1


@pytest.mark.parametrize(
    "method, args",
    [
        ("POST", ("add", "Deep answer", "--start", "+1d")),
        ("PATCH", ("edit", "primary", "dentist", "--location", "Room 7")),
        ("POST", ("quick", "Deep lunch tomorrow 12:00")),
    ],
)
@pytest.mark.parametrize("how", ["deep", "deep_error", "deep_403"])
def test_a_write_answer_nested_too_deeply_is_one_line(acct, method, args, how):
    proxy = DroppingProxy(acct.emu, methods=(method,), drop=1, how=how)
    try:
        result = through(acct, proxy, *args)
    finally:
        proxy.close()
    assert len(result.err_lines) == 1, result.err
    if how == "deep":
        assert result.code == 5, result
        assert "nested too deeply" in result.err
    else:  # told by its status alone (googleapiclient parses a 403's body itself)
        assert result.code == 1, result
        assert ("HTTP 400" if how == "deep_error" else "HTTP 403") in result.err
    assert "Traceback" not in result.err


def test_a_dropped_answer_to_an_edit_is_a_success_once_the_event_shows_it(acct):
    proxy = DroppingProxy(acct.emu, methods=("PATCH",), drop=1)
    try:
        result = through(acct, proxy, "edit", "primary", "dentist", "--location", "Room 5")
    finally:
        proxy.close()
    assert result.code == 0, result
    assert live(acct, PRIMARY, "dentist")["location"] == "Room 5"


def test_a_change_made_elsewhere_since_gcal_read_it_is_exit_6_and_nothing_is_overwritten(acct):
    def browser() -> None:
        acct.emu.update_event(PRIMARY, "dentist", summary="Changed in the browser")

    proxy = DroppingProxy(acct.emu, methods=("PATCH", "DELETE"), drop=0, before=browser)
    try:
        result = through(acct, proxy, "edit", "primary", "dentist", "--title", "Mine")
    finally:
        proxy.close()
    assert result.code == 6, result
    assert len(result.err_lines) == 1 and "changed since gcal read it" in result.err
    assert live(acct, PRIMARY, "dentist")["summary"] == "Changed in the browser"
    (patch,) = [r for r in acct.emu.api_requests() if r.method == "PATCH"]
    assert patch.headers.get("If-Match")


def test_every_change_of_an_existing_event_is_sent_with_if_match(acct):
    etag = live(acct, PRIMARY, "budgetreview")["etag"]
    assert acct.gcal("edit", "primary", "budgetreview", "--location", "Room 7").code == 0
    (patch,) = [r for r in writes_sent(acct)]
    assert patch.headers.get("If-Match") == etag


def test_an_rsvp_leaves_every_other_attendee_byte_identical(acct):
    before = live(acct, PRIMARY, "allhands")
    others = [json.dumps(a, sort_keys=True) for a in before["attendees"] if not a.get("self")]
    result = acct.gcal("rsvp", "primary", "allhands", "no", "--comment", "On holiday")
    assert result.code == 0, result
    assert "declined" in result.out and "allhands" in result.out
    after = live(acct, PRIMARY, "allhands")
    assert [
        json.dumps(a, sort_keys=True) for a in after["attendees"] if not a.get("self")
    ] == others
    mine = [a for a in after["attendees"] if a.get("self")]
    assert mine[0]["responseStatus"] == "declined" and mine[0]["comment"] == "On holiday"
    (patch,) = writes_sent(acct)
    sent = json.loads(patch.body)
    assert sent["attendeesOmitted"] is True and len(sent["attendees"]) == 1


def test_rsvp_to_an_event_i_am_not_invited_to_is_exit_2(acct):
    result = acct.gcal("rsvp", "primary", "dentist", "yes")
    assert result.code == 2 and "not a guest" in result.err
    assert writes_sent(acct) == []


@pytest.mark.parametrize(
    "command",
    [
        ["add", "Dentist", "--start", "tomorrow 09:00", "--attendee", "bob@example.com"],
        ["quick", "Lunch tomorrow noon"],
        ["edit", "primary", "dentist", "--location", "Room 5"],
        ["delete", "primary", "dentist"],
        ["delete", "primary", SERIES, "dentist"],
        ["rsvp", "primary", "allhands", "yes"],
        ["move", "primary", "dentist", WRITER],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_dry_run_prints_the_request_and_sends_no_change(acct, command):
    result = acct.gcal(*command, "--dry-run")
    assert result.code == 0, result
    assert result.out.split()[0] in ("POST", "PATCH", "DELETE", "PUT")
    assert writes_sent(acct) == []
    if command[0] in ("add", "quick"):
        assert acct.emu.api_requests() == []  # not even a read


def test_deleting_a_series_without_a_terminal_needs_yes(acct):
    result = acct.gcal("delete", "primary", SERIES)
    assert result.code == 2 and "--yes" in result.err and "Weekly sync" in result.err
    # what goes is what the agenda shows: the EXDATE and the cancelled occurrence left out
    count = demo_facts()["series_instance_count"]
    assert f"(a series of {count} occurrences)" in result.err, result.err
    assert writes_sent(acct) == []
    done = acct.gcal("delete", "primary", SERIES, "--yes")
    assert done.code == 0 and f"(a series of {count} occurrences)" in done.out, done


def test_undo_brings_back_a_deleted_series_with_its_exceptions(acct):
    def instances() -> List[Any]:
        items = acct.ndjson("instances", "primary", SERIES, "--show-deleted")
        return [(i["id"], i.get("status"), i.get("start"), i.get("summary")) for i in items]

    before = instances()
    facts = demo_facts()
    assert any(i[0] == facts["moved_instance_id"] for i in before)
    assert acct.gcal("delete", "primary", SERIES, "--yes").code == 0
    assert live(acct, PRIMARY, SERIES)["status"] == "cancelled"
    undone = acct.gcal("undo")
    assert undone.code == 0, undone
    assert "restored" in undone.out
    # one line for the series and one for its moved occurrence; the cancelled occurrence
    # stays cancelled, with nothing to say about it
    assert len(undone.out.splitlines()) == 2 and "(no title)" not in undone.out, undone.out
    assert instances() == before
    assert live(acct, PRIMARY, SERIES)["status"] == "confirmed"


def test_undo_reverts_an_edit_field_by_field_and_deletes_an_added_event(acct):
    before = live(acct, PRIMARY, "dentist")
    assert acct.gcal("edit", "primary", "dentist", "--title", "X", "--location", "Y").code == 0
    assert acct.gcal("undo").code == 0
    after = live(acct, PRIMARY, "dentist")
    for key in ("summary", "location", "start", "end", "description"):
        assert after.get(key) == before.get(key), key
    added = acct.gcal("add", "Temp", "--start", "+2d", "--format", "json")
    event_id = json.loads(added.out)["id"]
    assert acct.gcal("undo").code == 0
    assert live(acct, PRIMARY, event_id)["status"] == "cancelled"


def test_undo_restores_an_rsvp_and_moves_back(acct):
    before = live(acct, PRIMARY, "allhands")
    assert acct.gcal("rsvp", "primary", "allhands", "yes").code == 0
    assert acct.gcal("undo").code == 0
    mine = next(a for a in live(acct, PRIMARY, "allhands")["attendees"] if a.get("self"))
    assert (
        mine["responseStatus"]
        == next(a for a in before["attendees"] if a.get("self"))["responseStatus"]
    )
    assert acct.gcal("move", "primary", "dentist", WRITER).code == 0
    assert live(acct, WRITER, "dentist")["status"] != "cancelled"
    assert acct.gcal("undo").code == 0
    assert live(acct, PRIMARY, "dentist")["status"] != "cancelled"


def test_undo_refuses_when_the_event_changed_since_and_changes_nothing(acct):
    assert acct.gcal("edit", "primary", "dentist", "--title", "Mine").code == 0
    acct.emu.update_event(PRIMARY, "dentist", summary="Browser")
    result = acct.gcal("undo")
    assert result.code == 6, result
    assert live(acct, PRIMARY, "dentist")["summary"] == "Browser"


def test_the_journal_is_private_and_survives_a_store_rebuild(acct):
    assert acct.gcal("sync").code == 0
    assert acct.gcal("delete", "primary", "dentist").code == 0
    journal = acct.cache / "store" / "default.journal.sqlite3"
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.parent.stat().st_mode) == 0o700
    assert acct.gcal("sync", "--rebuild").code == 0
    assert acct.gcal("undo").code == 0
    assert live(acct, PRIMARY, "dentist")["status"] == "confirmed"
    listing = acct.gcal("undo", "--list")
    assert "delete" in listing.out and "(undone)" in listing.out


def test_a_write_shows_at_once_offline_without_a_full_resync(acct):
    assert acct.gcal("sync").code == 0
    acct.emu.clear_requests()
    added = acct.gcal("add", "Offline check", "--start", "+1d", "--format", "json")
    assert added.code == 0, added
    event_id = json.loads(added.out)["id"]
    listings = [
        r for r in acct.emu.api_requests() if r.method == "GET" and r.path.endswith("/events")
    ]
    assert listings and all("syncToken" in r.query for r in listings)
    offline = acct.ndjson("agenda", "--offline", "--days", "3")
    assert event_id in {e["id"] for e in offline}
    assert acct.gcal("delete", "primary", event_id).code == 0
    assert event_id not in {e["id"] for e in acct.ndjson("agenda", "--offline", "--days", "3")}


def test_edit_following_ends_the_series_and_starts_a_new_one(acct):
    facts = demo_facts()
    instance = facts["instance_ids"][-1]
    rules = live(acct, PRIMARY, SERIES)["recurrence"]
    result = acct.gcal(
        "edit", "primary", instance, "--following", "--title", "Weekly sync v2", "--format", "json"
    )
    assert result.code == 0, result
    new = json.loads(result.out)
    assert new["summary"] == "Weekly sync v2" and new["recurrence"]
    old = live(acct, PRIMARY, SERIES)
    assert any("UNTIL=" in line for line in old["recurrence"])
    assert acct.gcal("undo").code == 0
    assert live(acct, PRIMARY, SERIES)["recurrence"] == rules
    assert live(acct, PRIMARY, new["id"])["status"] == "cancelled"


def _series_view(acct: Account) -> List[tuple]:
    """Every occurrence of the demo series and of series split from it, as a person sees
    them: (start, title, location), in order; cancelled ones left out."""
    from emulator_http import list_events

    items, _ = list_events(acct.emu, PRIMARY, acct.token, singleEvents=True)
    rows = [
        (e["start"].get("dateTime") or e["start"].get("date"), e.get("summary"), e.get("location"))
        for e in items
        if e.get("status") != "cancelled" and (e.get("summary") or "").startswith("Weekly sync")
    ]
    return sorted(rows)


def _series_state(acct: Account) -> Dict[str, Any]:
    """The stored state of the demo series and its exceptions, byte for byte (but etags)."""
    from emulator_http import list_events

    items, _ = list_events(acct.emu, PRIMARY, acct.token, showDeleted=True)
    keep = {}
    for e in items:
        if e["id"] == SERIES or e.get("recurringEventId") == SERIES:
            keep[e["id"]] = {k: v for k, v in e.items() if k not in ("etag", "updated", "sequence")}
    return keep


def test_edit_following_moves_later_exceptions_to_the_new_series_and_undo_restores(acct):
    facts = demo_facts()
    split = facts["instance_ids"][2]  # the anchor week; next week's is moved, then cancelled
    acct.gcal("edit", "primary", facts["moved_instance_id"], "--location", "Room 4")
    assert live(acct, PRIMARY, facts["moved_instance_id"])["location"] == "Room 4"
    state = _series_state(acct)
    seen = _series_view(acct)
    moved_start = live(acct, PRIMARY, facts["moved_instance_id"])["start"]["dateTime"]
    split_start = live(acct, PRIMARY, split)["start"]["dateTime"]
    result = acct.gcal(
        "edit", "primary", split, "--following", "--title", "Weekly sync v2", "--format", "json"
    )
    assert result.code == 0, result
    new = json.loads(result.out)
    after = _series_view(acct)
    # the same occurrences at the same times: the moved one still moved and in its room, the
    # cancelled one still gone; from the split on, all under the new title
    assert [row[0] for row in after] == [row[0] for row in seen]
    for (start, title, location), (_, old_title, old_location) in zip(after, seen):
        later = expand_instant(start) >= expand_instant(split_start)
        assert title == ("Weekly sync v2" if later else old_title), (start, title)
        assert location == old_location, (start, location)
    assert (moved_start, "Weekly sync v2", "Room 4") in after
    # the exceptions now belong to the new series
    from emulator_http import list_events

    items, _ = list_events(acct.emu, PRIMARY, acct.token, showDeleted=True)
    mine = [e for e in items if e.get("recurringEventId") == new["id"]]
    assert {e.get("status") for e in mine} == {"confirmed", "cancelled"}
    old_later = [
        e
        for e in items
        if e.get("recurringEventId") == SERIES
        and e.get("status") != "cancelled"
        and e["originalStartTime"]["dateTime"] >= split_start
    ]
    assert old_later == []
    assert acct.gcal("undo").code == 0
    assert _series_state(acct) == state
    assert _series_view(acct) == seen


def test_edit_following_from_a_moved_occurrence_keeps_the_series_slot(acct):
    facts = demo_facts()
    state, seen = _series_state(acct), _series_view(acct)
    result = acct.gcal(
        "edit",
        "primary",
        facts["moved_instance_id"],
        "--following",
        "--location",
        "Room 2",
        "--format",
        "json",
    )
    assert result.code == 0, result
    new = json.loads(result.out)
    # the new series repeats when the old one did (Tuesdays 10:00), not at the moved time
    assert new["start"]["dateTime"] == facts["moved_original_start"]
    after = _series_view(acct)
    assert [row[0] for row in after] == [row[0] for row in seen]
    assert (facts["moved_new_start"], "Weekly sync (moved)", "Room 2") in after
    assert acct.gcal("undo").code == 0
    assert _series_state(acct) == state


def expand_instant(text: str) -> float:
    import datetime as _dt

    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_calendars_by_name_and_the_configured_default(acct, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('default_calendar = "Engineering"\n', encoding="utf-8")
    from runner import run

    result = run(
        [*acct.args, "add", "Team thing", "--start", "+1d", "--format", "json"],
        env={**acct.env, "GCAL_CONFIG": str(config)},
    )
    assert result.code == 0, result
    event = json.loads(result.out)
    assert event["calendarId"] == WRITER
    assert live(acct, WRITER, event["id"])["summary"] == "Team thing"


def test_add_sends_the_zone_and_the_rule(acct):
    result = acct.gcal(
        "add",
        "Yoga",
        "--start",
        "2027-03-22 09:00",
        "--time-zone",
        "Europe/Berlin",
        "--repeat",
        "weekly",
        "--count",
        "4",
        "--color-id",
        "5",
        "--format",
        "json",
    )
    assert result.code == 0, result
    event = json.loads(result.out)
    assert event["start"]["timeZone"] == "Europe/Berlin"
    assert event["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=4"]
    assert event["colorId"] == "5"
    items = acct.ndjson("instances", "primary", event["id"], "--time-zone", "Europe/Berlin")
    assert [i["start"]["dateTime"][11:16] for i in items] == ["09:00"] * 4  # across DST


def test_human_output_is_one_line_with_the_id_and_sanitized(acct):
    result = acct.gcal("add", "Evil\x1b[31m title", "--start", "+1d")
    assert result.code == 0, result
    assert len(result.out.splitlines()) == 1
    assert "\x1b" not in result.out and "(id " in result.out
    # sanitized once: the escape is shown as \x1b, not \\x1b
    assert result.out.startswith("added 'Evil\\x1b[31m title' "), result.out


def test_hostile_text_in_the_confirmation_and_the_journal_list_is_sanitized_once(acct):
    from runner import run

    bad = "Series \x1b]0;pwned\x07\u202eevil\nsecond"
    added = acct.gcal("add", bad, "--start", "+1d 10:00", "--repeat", "daily", "--count", "3")
    assert added.code == 0, added
    event_id = added.out.rsplit("(id ", 1)[1].split(",")[0]
    refused = acct.gcal("delete", "primary", event_id)  # no terminal: the list, and exit 2
    assert refused.code == 2 and len(refused.err_lines) == 1, refused
    shown = "'Series \\x1b]0;pwned\\x07\\u202eevil second'"
    assert shown in refused.err, refused.err
    code, asked = _on_terminal(acct, ["delete", "primary", event_id], "n")
    assert code == 0 and shown in asked and "[y/N]" in asked, asked
    assert "\x1b]0;pwned" not in asked and "\u202e" not in asked
    listing = run([*acct.args, "undo", "--list"], env=acct.env)
    assert shown in listing.out and "\x1b" not in listing.out, listing.out


def test_send_updates_is_none_by_default_and_passed_when_given(acct):
    assert acct.gcal("edit", "primary", "dentist", "--location", "A").code == 0
    assert (
        acct.gcal(
            "edit", "primary", "dentist", "--location", "B", "--send-updates", "external"
        ).code
        == 0
    )
    first, second = writes_sent(acct)
    assert first.query["sendUpdates"] == ["none"]
    assert second.query["sendUpdates"] == ["externalOnly"]


def test_pending_entries_are_resolved_from_the_event(acct):
    """A write interrupted between the request and the journal's second line is pending; the
    next undo looks at the event and records which state it is in."""
    from gcal.store.journal import DONE, Journal

    path = acct.cache / "store" / "default.journal.sqlite3"
    acct.emu.update_event(PRIMARY, "dentist", location="Somewhere")  # the write did arrive
    with Journal(path) as journal:
        before = dict(live(acct, PRIMARY, "dentist"), etag='"old"')
        journal.begin(
            journal.new_batch(),
            "edit",
            "patch",
            "primary",
            "dentist",
            before=before,
            request={"location": "Somewhere"},
        )
    listing = acct.gcal("undo", "--list")
    assert listing.code == 0
    with Journal(path) as journal:
        assert journal.entries()[0]["state"] == DONE
    assert os.path.exists(path)


def test_deleting_one_occurrence_and_several_events_can_be_undone(acct):
    instance = demo_facts()["instance_ids"][1]
    assert acct.gcal("sync").code == 0
    before = acct.ndjson("agenda", "--days", "30")
    assert acct.gcal("delete", "primary", instance).code == 0
    assert live(acct, PRIMARY, SERIES)["status"] == "confirmed"  # the series stays
    assert live(acct, PRIMARY, instance)["status"] == "cancelled"
    assert acct.gcal("undo").code == 0
    assert live(acct, PRIMARY, instance)["status"] == "confirmed"
    result = acct.gcal("delete", "primary", "dentist", "budgetreview", "--yes")
    assert result.code == 0 and len(result.out.splitlines()) == 2
    assert acct.gcal("undo").code == 0

    def content(rows: List[Dict[str, Any]]) -> List[Any]:  # what the user wrote, not stamps
        ignored = ("etag", "updated", "sequence")
        return [{k: v for k, v in row.items() if k not in ignored} for row in rows]

    assert content(acct.ndjson("agenda", "--days", "30")) == content(before)
    assert content(acct.ndjson("agenda", "--days", "30", "--offline")) == content(before)


def _on_terminal(acct: Account, args: List[str], answer: str, enter: bool = True):
    """`python -m gcal ARGS` with stdin and stderr on a terminal, typing `answer` (then Enter,
    unless not `enter`) at the prompt; (exit code, what the terminal showed)."""
    import pty
    import select
    import subprocess
    import sys
    import time

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gcal", *acct.args, *args],
        stdin=slave,
        stderr=slave,
        stdout=subprocess.PIPE,
        env={**os.environ, **acct.env},
    )
    os.close(slave)
    shown = b""
    deadline = time.monotonic() + 60
    answered = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            shown += data
            if not answered and b"[y/N]" in shown:
                os.write(master, answer.encode() + (b"\r" if enter else b""))
                answered = True
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=30)
    os.close(master)
    return code, shown.decode("utf-8", "replace")


@pytest.mark.parametrize("answer, deleted", [("n", False), ("", False), ("y", True)])
def test_deleting_a_series_on_a_terminal_shows_what_goes_and_asks(acct, answer, deleted):
    code, shown = _on_terminal(acct, ["delete", "primary", SERIES], answer)
    assert "Weekly sync" in shown and "occurrences" in shown and "[y/N]" in shown
    assert code == 0, shown  # declining is an answer, not an error (as `rm -i`)
    assert ("Nothing deleted." in shown) is not deleted, shown
    status = live(acct, PRIMARY, SERIES)["status"]
    assert (status == "cancelled") is deleted


def test_stopping_at_the_confirmation_ends_the_prompts_line_first(acct):
    # Ctrl-D at the question (a Ctrl-C takes the same way: click's Abort)
    code, shown = _on_terminal(acct, ["delete", "primary", SERIES], "\x04", enter=False)
    assert code == 130, shown
    lines = [line.strip() for line in shown.replace("\r", "").split("\n")]
    assert "gcal: error: interrupted" in lines, shown  # a line of its own, not after the prompt
    assert live(acct, PRIMARY, SERIES)["status"] != "cancelled"


def test_ctrl_c_during_a_write_leaves_a_pending_entry_that_undo_resolves(acct):
    import signal
    import time

    from gcal.store.journal import DONE, PENDING, Journal

    # the GET of the event passes, the PATCH is held long enough to interrupt gcal
    acct.emu.inject_delay(3.0, path="calendars/primary/events/dentist", after=1)
    proc = acct.spawn("edit", "primary", "dentist", "--location", "Interrupted")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not [r for r in acct.emu.requests if r.method == "PATCH"]:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert [line for line in err.splitlines() if line.strip()] == [
        "gcal: error: interrupted while the change was being sent: it may or may not have "
        "been made; 'gcal undo --list' looks at the event and says which"
    ]
    path = acct.cache / "store" / "default.journal.sqlite3"
    with Journal(path) as journal:
        assert [e["state"] for e in journal.entries()] == [PENDING]
    while time.monotonic() < deadline and live(acct, PRIMARY, "dentist").get("location") != (
        "Interrupted"
    ):
        time.sleep(0.1)  # the held request still reaches the server
    listing = acct.gcal("undo", "--list")
    assert listing.code == 0 and "done" in listing.out
    with Journal(path) as journal:
        assert [e["state"] for e in journal.entries()] == [DONE]
    assert acct.gcal("undo").code == 0
    assert live(acct, PRIMARY, "dentist").get("location") != "Interrupted"


def test_quick_add_is_never_sent_twice_after_a_lost_answer(acct):
    proxy = DroppingProxy(acct.emu, methods=("POST",), drop=1)
    try:
        result = through(acct, proxy, "quick", "Piano lesson tomorrow 17:00")
    finally:
        proxy.close()
    assert result.code == 5, result
    assert "may have been created" in result.err and len(result.err_lines) == 1
    assert len([r for r in acct.emu.api_requests() if r.method == "POST"]) == 1
    assert len(acct.ndjson("events", "primary", "--q", "Piano lesson")) == 1


def test_the_demo_journal_is_each_runs_own(tmp_path):
    """Each --demo command starts from the sample account afresh: a later --demo undo has
    nothing of an earlier run's to replay (it would replay it in a world that never saw it)."""
    from runner import run

    env = {"GCAL_CACHE_DIR": str(tmp_path / "cache"), "GCAL_CONFIG_DIR": str(tmp_path / "cfg")}
    assert run(["--demo", "delete", "primary", "dentist"], env=env).code == 0
    undo = run(["--demo", "undo"], env=env)
    assert undo.code == 2, undo
    assert undo.err_lines == [
        "gcal: error: nothing to undo: each --demo command starts from the sample account "
        "afresh, so no earlier change is there to take back"
    ]
    listing = run(["--demo", "undo", "--list"], env=env)
    assert listing.code == 0 and "journal is empty" in listing.out


@pytest.mark.parametrize(
    "args, words",
    [
        (("--repeat", "FREQ=WEEKLY;BYDAY=XX"), "invalid 'BYDAY'"),
        (("--repeat", "FREQ=WEEKY"), "invalid 'FREQ'"),
        (("--repeat", "FREQ=DAILY;INTERVL=2"), "unknown parameter 'INTERVL'"),
        (("--all-day",), "--all-day takes a day"),
        (("--reminder", "10x"), "--reminder '10x'"),
        (("--attendee", "bob"), "'bob' is not an email"),
        (("--attendee", "Bob <bob>"), "'bob' is not an email"),
        (("--attendee", "Smith, Bob <bob@example.com>"), "goes in double quotes"),
        (("--attendee", "a@example.com, b@example.com"), "one guest per option"),
        (("--attendee", "Bob <bob@example.com> x"), "write 'Name <name@example.com>'"),
        (("--attendee", '"Bob\nEvil" <bob@example.com>'), "control character"),
        (("--repeat", "weekly", "--count", "3", "--until", "2027-01-01"), "cannot be combined"),
        (("--end", "+1d 09:00"), "the end must be after the start"),
    ],
)
def test_a_bad_option_of_add_is_one_line_exit_2_and_sends_nothing(acct, args, words):
    result = acct.gcal("add", "Bad", "--start", "+1d 10:00", *args)
    assert result.code == 2, result
    assert len(result.err_lines) == 1 and words in result.err, result.err
    assert writes_sent(acct) == []


@pytest.mark.parametrize(
    "args, words",
    [
        (
            ("add", "X", "--start", "+1d 10:00", "-c", "tokyo.office@group.calendar.google.com"),
            "you may not add events to calendar 'tokyo.office@group.calendar.google.com'",
        ),
        (
            ("quick", "Lunch tomorrow noon", "-c", "tokyo.office@group.calendar.google.com"),
            "you may not add events to calendar 'tokyo.office@group.calendar.google.com'",
        ),
        (
            ("move", "primary", "dentist", "tokyo.office@group.calendar.google.com"),
            "you may not move event 'dentist' in calendar 'primary' to calendar "
            "'tokyo.office@group.calendar.google.com'",
        ),
    ],
)
def test_a_calendar_i_may_only_read_is_named_as_the_one_refused(acct, args, words):
    result = acct.gcal(*args)
    assert result.code == 1 and len(result.err_lines) == 1, result
    assert words in result.err, result.err


@pytest.mark.parametrize(
    "args",
    [
        ("add", "X", "--start", "+1d 10:00", "--repeat", "weekly", "--until", "2020-01-01"),
        ("edit", "primary", SERIES, "--until", "2020-01-01"),
        ("edit", "primary", SERIES, "--repeat", "daily", "--until", "2020-01-01"),
    ],
)
def test_until_before_the_first_day_is_exit_2_and_sends_nothing(acct, args):
    result = acct.gcal(*args)
    assert result.code == 2 and "would have no occurrence" in result.err, result
    assert writes_sent(acct) == []


@pytest.mark.parametrize(
    "start, end, want",
    [
        # a time of day alone is on the start's day (the next one when earlier: past midnight)
        ("2026-12-11 09:00", "10am", ("2026-12-11T10:00:00", "2026-12-11T09:00:00")),
        ("2026-12-11 23:00", "1am", ("2026-12-12T01:00:00", "2026-12-11T23:00:00")),
        ("2026-12-11 09:00", "noon", ("2026-12-11T12:00:00", "2026-12-11T09:00:00")),
        # two days: all day, --end being the last day
        ("dec 25 2026", "dec 26 2026", ({"date": "2026-12-27"}, {"date": "2026-12-25"})),
    ],
)
def test_add_end_phrases_as_a_person_means_them(acct, start, end, want):
    result = acct.gcal(
        "add", "Ends", "--start", start, "--end", end, "--time-zone", "UTC", "--format", "json"
    )
    assert result.code == 0, result
    event = json.loads(result.out)
    if isinstance(want[0], dict):
        assert (event["end"], event["start"]) == want
    else:

        def utc(value: Dict[str, Any]) -> str:
            import datetime as _dt

            moment = _dt.datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00"))
            return moment.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")

        assert (utc(event["end"]), utc(event["start"])) == want


def test_edit_says_only_what_changed(acct):
    result = acct.gcal("edit", "primary", "budgetreview", "--duration", "2h")
    assert result.code == 0 and "(end) (id budgetreview" in result.out, result


def test_edit_end_as_a_time_of_day_is_on_the_events_day(acct):
    start = live(acct, PRIMARY, "budgetreview")["start"]["dateTime"]
    result = acct.gcal(
        "edit",
        "primary",
        "budgetreview",
        "--end",
        "23:00",
        "--time-zone",
        "Europe/Berlin",
        "--format",
        "json",
    )
    assert result.code == 0, result
    assert json.loads(result.out)["end"]["dateTime"].startswith(start[:10] + "T23:00:00")


def test_undo_steps_back_through_writes_already_undone(acct):
    """add, edit, undo (the edit), undo (the add): the second undo finds the event exactly as
    the add left it, with a new etag, and takes it back; a change from elsewhere still stops
    it."""
    added = acct.gcal("add", "Chain", "--start", "+2d 10:00", "--format", "json")
    event_id = json.loads(added.out)["id"]
    assert acct.gcal("edit", "primary", event_id, "--title", "Chain 2").code == 0
    assert acct.gcal("undo").code == 0
    assert live(acct, PRIMARY, event_id)["summary"] == "Chain"
    result = acct.gcal("undo")
    assert result.code == 0, result
    assert live(acct, PRIMARY, event_id)["status"] == "cancelled"

    again = json.loads(acct.gcal("add", "Chain", "--start", "+3d 10:00", "-f", "json").out)["id"]
    assert acct.gcal("edit", "primary", again, "--title", "Chain 2").code == 0
    assert acct.gcal("undo").code == 0
    acct.emu.update_event(PRIMARY, again, summary="Browser")
    assert acct.gcal("undo").code == 6
    assert live(acct, PRIMARY, again)["summary"] == "Browser"


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_json_output_of_text_no_encoder_takes_is_escaped_not_a_crash(acct, fmt):
    # a lone surrogate can come back from the API (a JSON escape); UTF-8 cannot write it
    result = acct.gcal("add", "Odd \ud800 title", "--start", "+1d 10:00", "--format", fmt)
    assert result.code == 0, result
    assert "\\ud800" in result.out and json.loads(result.out)["summary"] == "Odd \ud800 title"


def test_a_lone_surrogate_in_the_title_is_no_crash_in_any_output(acct):
    result = acct.gcal("add", "Odd \ud800 title", "--start", "+1d 10:00")
    assert result.code == 0, result
    assert "Odd " in result.out and "\ud800" not in result.out
    listing = acct.gcal("undo", "--list")
    assert listing.code == 0 and "Odd" in listing.out, listing
    assert acct.gcal("undo").code == 0


@pytest.mark.parametrize(
    "args, words",
    [
        (
            ("add", "X", "--start", "+1d 10:00", "-c", "nobody@example.com"),
            "calendar 'nobody@example.com' not found",
        ),
        (("quick", "X tomorrow", "-c", "nobody@example.com"), "calendar 'nobody@example.com' not"),
        (
            ("move", "primary", "dentist", "nobody@example.com"),
            "event 'dentist' in calendar 'primary' could not be moved to calendar "
            "'nobody@example.com': not found",
        ),
    ],
)
def test_a_calendar_id_that_does_not_exist_is_named_exit_4(acct, args, words):
    result = acct.gcal(*args)
    assert result.code == 4 and len(result.err_lines) == 1, result
    assert result.err.startswith("gcal: error: " + words), result.err  # not a made-up event id


def test_guests_by_name_and_address_on_add_and_edit(acct):
    """RFC 5322's name-addr: the name becomes the guest's displayName; on edit a guest named
    anew keeps the rest of the entry (their answer)."""
    result = acct.gcal(
        "add", "Review", "--start", "+1d 10:00", "--attendee", "Bob Smith <bob@example.com>",
        "--attendee", '"Hopper, Grace" <grace@example.com>', "--attendee", "dan@example.com",
        "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result
    event_id = json.loads(result.out)["id"]
    guests = live(acct, PRIMARY, event_id)["attendees"]
    assert [(g["email"], g.get("displayName")) for g in guests] == [
        ("bob@example.com", "Bob Smith"),
        ("grace@example.com", "Hopper, Grace"),
        ("dan@example.com", None),
    ]
    before = next(a for a in live(acct, PRIMARY, "allhands")["attendees"] if "alan" in a["email"])
    edit = acct.gcal(
        "edit", "primary", "allhands", "--add-attendee", "Ada <ada.new@example.com>",
        "--add-attendee", f"Alan L. <{before['email']}>",
    )  # fmt: skip
    assert edit.code == 0, edit
    after = {a["email"]: a for a in live(acct, PRIMARY, "allhands")["attendees"]}
    assert after["ada.new@example.com"]["displayName"] == "Ada"
    assert after[before["email"]] == dict(before, displayName="Alan L.")  # the answer kept
    removed = acct.gcal(
        "edit", "primary", "allhands", "--remove-attendee", "Ada <ada.new@example.com>"
    )
    assert removed.code == 0, removed
    left = live(acct, PRIMARY, "allhands")["attendees"]
    assert "ada.new@example.com" not in {a["email"] for a in left}
