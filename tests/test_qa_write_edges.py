"""Write commands at the edges a new user reaches first: far past and far future times, odd
zones. Each runs the real command against the emulator over HTTP, with a real store."""

from __future__ import annotations

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest

from store_support import Account

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture
def acct(emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path, write=True)


def writes_sent(acct: Account) -> list:
    return [r for r in acct.emu.api_requests() if r.method != "GET"]


@pytest.mark.parametrize(
    "start, zone",
    [
        ("1800-01-01 10:00", "Europe/Berlin"),  # local mean time: +00:53:28
        ("0001-01-01 10:00", "UTC"),  # the calendar's zone (Berlin) is local mean time then
        ("1850-06-01 09:30", "America/New_York"),  # -04:56:02
    ],
)
def test_a_time_in_a_zones_local_mean_time_is_added_and_reads_back(acct, start, zone):
    """Before standard time a zone's offset has seconds, which RFC 3339 cannot write: the
    request carries the instant in UTC with the zone's name, and nothing answers 500."""
    dry = acct.gcal("add", "Old", "--start", start, "--time-zone", zone, "--dry-run")
    assert dry.code == 0, dry
    body = json.loads(dry.out[dry.out.index("{") :])
    assert RFC3339.match(body["start"]["dateTime"]), body
    assert RFC3339.match(body["end"]["dateTime"]), body
    added = acct.gcal("add", "Old", "--start", start, "--time-zone", zone, "-f", "json")
    assert added.code == 0 and "Traceback" not in added.err, added
    event = json.loads(added.out)
    assert RFC3339.match(event["start"]["dateTime"]), event
    shown = acct.gcal("show", "primary", event["id"], "-f", "json")
    assert shown.code == 0, shown
    stored = json.loads(shown.out)["start"]
    at = datetime.datetime.fromisoformat(stored["dateTime"].replace("Z", "+00:00"))
    assert at.astimezone(ZoneInfo(zone)).isoformat(" ")[:16] == start, stored


@pytest.mark.parametrize(
    "args",
    [
        ("--start", "9999-12-31 23:30", "--time-zone", "Pacific/Kiritimati"),
        ("--start", "9999-12-31 23:30", "--time-zone", "UTC", "--duration", "10d"),
        ("--start", "9999-12-31", "--all-day"),
    ],
)
def test_an_end_past_the_year_9999_is_exit_2_and_sends_nothing(acct, args):
    result = acct.gcal("add", "Late", *args)
    assert result.code == 2, result
    assert len(result.err_lines) == 1 and "outside the years 1 to 9999" in result.err, result
    assert writes_sent(acct) == []


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize(
    "command",
    [
        ["search", "Evil", "--offline"],
        ["conflicts", "2026-12-09", "2026-12-10", "--offline"],
        ["changes", "--offline"],
    ],
    ids=" ".join,
)
def test_the_store_commands_csv_and_tsv_on_a_terminal_are_escaped(acct, command, fmt):
    """search, conflicts and changes write csv/tsv through the listings' one row writer: on a
    terminal every cell is sanitised, and a tsv row is one line without csv quoting."""
    from test_hostile_text import clean, on_terminal

    assert acct.gcal("sync", "--quiet").code == 0
    evil = "Evil \x1b]0;PWNED\x07\x1b[2J\u202e\ttab"
    for hour in ("10:00", "10:30"):  # two that overlap: a conflict
        added = acct.gcal("add", evil, "--start", f"2026-12-09 {hour}", "--time-zone", "UTC")
        assert added.code == 0, added
    result = on_terminal([*acct.args, "-f", fmt, *command], acct.env)
    clean(result, f"{' '.join(command)} -f {fmt}")
    assert result.code == 0 and "Evil \\x1b]0;PWNED\\x07" in result.out, result
    if fmt == "tsv":
        header, *rows = result.out.splitlines()
        assert rows and all(r.count("\t") == header.count("\t") for r in rows), result.out
        assert '"' not in result.out, result.out


@pytest.mark.parametrize(
    "args",
    [
        ("next", "--offline", "--within", "99999999d"),
        ("next", "--offline", "--within", "1e308"),
        ("next", "--offline", "--within", "inf"),
        ("join", "--print", "--offline", "--within", "99999999d"),
        ("agenda", "--cached", "--max-age", "99999999d"),
    ],
    ids=" ".join,
)
def test_a_length_of_time_past_ten_years_is_exit_2_not_an_overflow(args):
    """`next --within 99999999d` ran into the year 9999 and ended in 'unexpected
    OverflowError' (exit 1); every length option stops at 3660 days, as --days does."""
    from runner import run

    result = run(["--demo", *args])
    assert result.code == 2, result
    assert len(result.err_lines) == 1 and "is longer than 3660 days" in result.err, result


def test_the_longest_length_is_taken():
    from runner import run

    result = run(["--demo", "next", "--within", "3660d", "-f", "json"])
    assert result.code == 0, result


EDGE_ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//qa//EN\r\n"
    "BEGIN:VEVENT\r\nUID:edge-late@example.com\r\nDTSTAMP:20261201T000000Z\r\n"
    "DTSTART:99991231T230000Z\r\nDTEND:99991231T235959Z\r\nSUMMARY:Edge\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:edge-old@example.com\r\nDTSTAMP:20261201T000000Z\r\n"
    "DTSTART;TZID=Europe/Berlin:18000101T100000\r\n"
    "DTEND;TZID=Europe/Berlin:18000101T110000\r\nSUMMARY:Old\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_import_and_add_at_the_edges_of_the_calendar(acct, tmp_path):
    """An .ics event in Berlin's local mean time went out with a +00:53:28 offset (400), and
    an event ending on 9999-12-31 in UTC overflowed the emulator's calendar zone (500)."""
    path = tmp_path / "edge.ics"
    path.write_text(EDGE_ICS, encoding="utf-8")
    imported = acct.gcal("import", str(path))
    assert imported.code == 0, imported
    assert "2 imported" in imported.out, imported
    listed = acct.ndjson("events", "primary", "--time-min", "1799-12-01")
    found = {e.get("summary"): e for e in listed}
    old = found["Old"]["start"]
    at = datetime.datetime.fromisoformat(old["dateTime"].replace("Z", "+00:00"))
    assert at.astimezone(ZoneInfo("Europe/Berlin")).isoformat(" ")[:16] == "1800-01-01 10:00"
    assert found["Edge"]["end"]["dateTime"].startswith("9999-12-31T"), found["Edge"]
    late = acct.gcal("add", "Late", "--start", "9999-12-31 22:00", "--time-zone", "UTC")
    assert late.code == 0, late


def _ics(count: int, title: str) -> str:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{title}-{n}@example.com\r\nDTSTAMP:20261201T000000Z\r\n"
        f"DTSTART:20261221T{10 + n:02d}0000Z\r\nDTEND:20261221T{10 + n:02d}3000Z\r\n"
        f"SUMMARY:{title}\r\nEND:VEVENT\r\n"
        for n in range(count)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//qa//EN\r\n{events}END:VCALENDAR\r\n"


def test_ctrl_c_during_an_import_leaves_the_store_showing_what_was_imported(acct, tmp_path):
    """The events sent before a Ctrl-C stay in the calendar; the store used to learn of them
    only at the end of the import, so `--offline` answers missed them until the next sync."""
    import signal
    import time

    assert acct.gcal("sync", "--quiet").code == 0
    path = tmp_path / "five.ics"
    path.write_text(_ics(5, "Halfway"), encoding="utf-8")
    # two imports pass, the third is held long enough to interrupt gcal
    acct.emu.inject_delay(5.0, path="calendars/primary/events/import", after=2)
    proc = acct.spawn("import", str(path))
    deadline = time.monotonic() + 30
    imports = []
    while time.monotonic() < deadline and len(imports) < 3:
        imports = [r for r in acct.emu.requests if r.path.split("?")[0].endswith("/import")]
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "2 of the file's events were imported" in err and "gcal undo" in err, err
    live_titles = [e.get("summary") for e in acct.ndjson("events", "primary")]
    offline = acct.ndjson("search", "Halfway", "--offline", "--all")
    assert len(offline) == live_titles.count("Halfway") >= 2, (offline, live_titles)
    assert acct.gcal("undo").code == 0
    assert acct.ndjson("search", "Halfway", "--offline", "--all") == []


def test_a_delete_of_several_stopped_halfway_leaves_the_store_showing_the_first(acct):
    """`delete A B` where B is refused (412: changed since read) after A went: A is gone from
    Google, and the store must say so at once (it was refreshed only after the last one)."""
    assert acct.gcal("sync", "--quiet").code == 0
    before = [e["id"] for e in acct.ndjson("events", "primary", "--offline")]
    assert "dentist" in before and "budgetreview" in before
    # the read of budgetreview passes; its DELETE is refused
    acct.emu.inject_fault(
        412, reason="conditionNotMet", path="calendars/primary/events/budgetreview", after=1
    )
    result = acct.gcal("delete", "primary", "dentist", "budgetreview", "--yes")
    assert result.code == 6, result
    offline = [e["id"] for e in acct.ndjson("events", "primary", "--offline")]
    assert "dentist" not in offline and "budgetreview" in offline, result


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_auth_list_rows_come_from_the_listings_row_writer(fmt):
    """`auth list -f tsv` wrote excel-tab rows (CRLF line ends, csv quoting); every other
    listing's tsv is one unquoted line a row ending in \\n."""
    from runner import run

    result = run(["--demo", "auth", "list", "-f", fmt])
    assert result.code == 0, result
    header, *rows = result.out.splitlines()
    assert header.split("\t" if fmt == "tsv" else ",")[:2] == ["profile", "account"]
    assert rows and rows[0].startswith("default")
    if fmt == "tsv":
        assert "\r" not in result.out, result.out


def test_the_emulator_refuses_more_generated_events_than_memory_holds():
    """`gcal emulator --events 99999999999` generated events until the memory ran out (each
    run in its own process with a short deadline, so a regression cannot fill this one)."""
    import subprocess
    import sys

    for args, words in (
        (["-m", "gcal", "emulator"], "is not in the range 0<=x<=10000000"),
        (["-m", "gcal.emulator", "--port", "0"], "--events takes 0 to 10,000,000"),
    ):
        done = subprocess.run(
            [sys.executable, *args, "--events", "99999999999"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert done.returncode == 2 and words in done.stderr, done


@pytest.mark.parametrize("name", ["", " "])
def test_export_to_an_empty_file_name_is_a_usage_error(name):
    """`export --output ''` got as far as writing, then failed 'cannot write : Is a
    directory' with exit 7."""
    from runner import run

    result = run(["--demo", "export", "primary", "--output", name])
    assert result.code == 2 and "--output must not be empty" in result.err, result


def test_the_commands_named_as_taking_several_accounts_are_those_that_do(tmp_path):
    """The refusal of a second --profile named only agenda, next, week, month and sync, while
    search, conflicts, changes, invites, remind and join take several too."""
    from gcal.cli.app import COMMANDS
    from gcal.cli.runsettings import SEVERAL_ACCOUNTS
    from runner import run

    named = set(SEVERAL_ACCOUNTS.replace(" and ", ", ").split(", "))
    assert named <= set(COMMANDS)
    extra = {
        "remind": ["--print"],
        "join": ["--print"],
        "free": ["--duration", "30m"],
        "add": ["X", "--start", "+1d"],
        "delete": ["primary", "x", "--yes"],
        "edit": ["primary", "x", "--title", "y"],
        "events": ["primary"],
        "export": ["primary"],
        "freebusy": ["primary"],
        "import": ["-"],
        "instances": ["primary", "x"],
        "move": ["primary", "x", "y"],
        "quick": ["x"],
        "rsvp": ["primary", "x", "yes"],
        "show": ["primary", "x"],
        "search": ["x"],
    }
    for name in sorted(set(COMMANDS) - {"emulator", "mcp", "auth", "config", "help"}):
        args = ["--profile", "a", "--profile", "b", name, *extra.get(name, [])]
        if name in ("agenda", "next", "week", "month", "search", "conflicts", "invites"):
            args.append("--offline")
        result = run(args, env={"GCAL_CONFIG_DIR": str(tmp_path), "GCAL_CACHE_DIR": str(tmp_path)})
        refused = "several profiles given" in result.err
        assert refused == (name not in named), (name, result)
