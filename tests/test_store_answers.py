"""Answers from the store: `gcal events CALENDAR_ID --offline/--cached` against the API's own."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from gcal.emulator import Emulator, clock
from store_support import PRIMARY, WRITER, Account

# around the emulator's "now" (GCAL_EMULATOR_NOW may pin it), where the demo data is
_NOW = clock.now().replace(microsecond=0)
WINDOW = ["--time-min", (_NOW - timedelta(days=14)).isoformat()]
WINDOW += ["--time-max", (_NOW + timedelta(days=21)).isoformat()]


@pytest.fixture
def account(emulator: Emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path)


@pytest.fixture
def synced(account: Account) -> Account:
    assert account.gcal("sync").code == 0
    account.emu.clear_requests()
    return account


@pytest.mark.parametrize(
    "extra",
    [
        ["--single-events", "--order-by", "startTime"],
        ["--single-events", "--order-by", "startTime", "--q", "sync"],
        ["--single-events", "--order-by", "startTime", "--event-type", "workingLocation"],
        ["--single-events", "--order-by", "startTime", "--time-zone", "Asia/Tokyo"],
    ],
)
def test_offline_events_equal_the_live_listing(synced: Account, extra: list) -> None:
    live = synced.ndjson("events", PRIMARY, *WINDOW, *extra)
    synced.emu.clear_requests()
    offline = synced.ndjson("events", PRIMARY, *WINDOW, *extra, "--offline")
    assert synced.emu.api_requests() == []
    assert offline == live
    assert offline


def test_offline_order_by_updated(synced: Account) -> None:
    live = synced.ndjson("events", PRIMARY, *WINDOW, "--order-by", "updated")
    offline = synced.ndjson("events", PRIMARY, *WINDOW, "--order-by", "updated", "--offline")
    assert sorted(map(json.dumps, offline)) == sorted(map(json.dumps, live))
    # a cancelled instance carries no `updated`: only the others have an order to keep
    assert [e for e in offline if "updated" in e] == [e for e in live if "updated" in e]


def test_offline_primary_alias_and_limit(synced: Account) -> None:
    args = ["--single-events", "--order-by", "startTime", *WINDOW, "--limit", "5"]
    assert synced.ndjson("events", "primary", *args, "--offline") == synced.ndjson(
        "events", PRIMARY, *args
    )


def test_a_filter_the_store_cannot_answer_is_a_usage_error(synced: Account) -> None:
    result = synced.gcal("events", PRIMARY, "--offline", "--private-extended-property", "a=b")
    assert result.code == 2
    assert result.err_lines == [
        "gcal: error: --private-extended-property cannot be answered from the store; "
        "drop it or leave out --offline"
    ]
    assert synced.gcal("events", PRIMARY, "--offline", "--cached").code == 2


def test_a_never_synced_calendar_names_itself_and_gcal_sync(account: Account) -> None:
    result = account.gcal("events", WRITER, "--offline")
    assert result.code == 4
    assert len(result.err_lines) == 1
    assert WRITER in result.err and "gcal sync" in result.err
    assert account.emu.api_requests() == []


def test_cached_syncs_only_what_is_older_than_max_age(account: Account) -> None:
    args = ["events", WRITER, "--single-events", "--order-by", "startTime", *WINDOW]
    first = account.ndjson(*args, "--cached")
    assert first == account.ndjson(*args)
    account.emu.clear_requests()
    assert account.ndjson(*args, "--cached") == first
    assert account.emu.api_requests() == []  # synced moments ago: within the 5 minutes
    account.emu.update_event(WRITER, first[0]["recurringEventId"] or first[0]["id"], summary="X")
    account.emu.clear_requests()
    fresh = account.ndjson(*args, "--cached", "--max-age", "0s")
    events_requests = account.events_requests()
    assert len(events_requests) == 1 and "syncToken" in events_requests[0].query
    assert fresh == account.ndjson(*args)


def test_cached_answers_from_the_store_when_the_network_fails(synced: Account) -> None:
    args = ["events", PRIMARY, "--single-events", "--order-by", "startTime", *WINDOW]
    expected = synced.ndjson(*args, "--offline")
    time.sleep(1.1)
    synced.emu.inject_fault("reset", count=50)
    result = synced.gcal("--format", "ndjson", *args, "--cached", "--max-age", "1s")
    assert result.code == 0, result
    assert [json.loads(x) for x in result.out.splitlines()] == expected
    assert len(result.err_lines) == 1
    assert result.err_lines[0].startswith("gcal: warning: the Calendar API could not be reached")
    assert " s ago" in result.err_lines[0]


@pytest.mark.parametrize(
    "command",
    [
        ["events", PRIMARY, "--offline", "--single-events", *WINDOW],
        ["agenda", "--days", "35", "--offline"],
        ["next", "--offline", "--within", "30d"],
    ],
    ids=["events", "agenda", "next"],
)
def test_offline_imports_no_google_library_and_no_rich(synced: Account, command: list) -> None:
    """Nor the sync with its search index."""
    code = (
        "import sys, atexit\n"
        "def report():\n"
        "    heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('google', 'googleapiclient', 'httplib2', 'google_auth_httplib2', 'rich', "
        "'oauthlib', 'requests', 'dateutil_never') "
        # the sync and its search index (costly regexes) are not an offline answer's business
        "or m in ('gcal.store.sync', 'gcal.core.textsearch')"
        # nor writing files atomically, nor logging (nothing on the path logs)
        " or m in ('tempfile', 'logging'))\n"
        "    sys.stderr.write('HEAVY:' + ','.join(heavy) + '\\n')\n"
        # the log scrubber's regexes are compiled on first use: a quiet answer never uses them
        "    logs = sys.modules.get('gcal.logs')\n"
        "    compiled = [p.pattern for p, _ in getattr(logs, '_PATTERNS', ()) if p._compiled]\n"
        "    sys.stderr.write('COMPILED:' + repr(compiled) + '\\n')\n"
        "atexit.register(report)\n"
        "from gcal.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            *synced.args,
            "--format",
            "tsv",
            *command,
        ],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, **synced.env},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    # `next` counts from gcal's own clock, which GCAL_EMULATOR_NOW pins only in --demo: with the
    # emulator's data pinned to another week there may rightly be nothing ahead.
    if command[0] != "next" or clock.pinned() is None:
        assert proc.stdout.strip()
    heavy = [x for x in proc.stderr.splitlines() if x.startswith("HEAVY:")]
    assert heavy == ["HEAVY:"]
    assert [x for x in proc.stderr.splitlines() if x.startswith("COMPILED:")] == ["COMPILED:[]"]


@pytest.mark.parametrize("view", ["month", "week"])
def test_an_offline_grid_into_a_pipe_imports_no_rich_nor_logging(synced: Account, view: str):
    """Drawn without colour, a grid of Latin text measures its cells itself: rich's width
    tables (and its text machinery) stay unloaded, as do logging and tempfile."""
    day = _NOW.date().isoformat()
    code = (
        "import sys, atexit\n"
        "def report():\n"
        "    heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('rich', 'google', 'googleapiclient', 'logging', 'tempfile', 'csv', 'pathlib'))\n"
        "    sys.stderr.write('HEAVY:' + ','.join(heavy) + '\\n')\n"
        "atexit.register(report)\n"
        "from gcal.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    when = day[:7] if view == "month" else day
    proc = subprocess.run(
        [sys.executable, "-c", code, *synced.args, view, when, "--offline"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, **synced.env},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "┌" in proc.stdout  # the grid itself
    from gcal.render.cells import _NARROW

    line = [x for x in proc.stderr.splitlines() if x.startswith("HEAVY:")]
    heavy = line[0][len("HEAVY:") :].split(",") if line and line[0] != "HEAVY:" else []
    # rich's width tables only for text they must measure (the demo has wide titles); never
    # its text machinery
    narrow = all(_NARROW.fullmatch(x) for x in proc.stdout.splitlines())
    allowed = () if narrow else ("rich", "rich._extension", "rich.cells")
    assert [m for m in heavy if m not in allowed and not m.startswith("rich._unicode_data")] == []
    assert line


def test_the_offline_agenda_table_imports_no_csv_writer_nor_rule_reader(synced: Account):
    """The table into a pipe writes no csv row, reads no recurrence rule and compiles no
    pattern of a search or a terminal's links; the config file
    and the store are found and opened by their paths as strings (no pathlib: it imports
    urllib.parse and ipaddress, which only an event's link needs)."""
    code = (
        "import sys, atexit\n"
        "def report():\n"
        "    heavy = sorted(m for m in sys.modules if m in "
        "('csv', 'gcal.core.rrule', 'logging', 'tempfile', 'pathlib'))\n"
        # a search's words and a terminal's links: patterns compiled on first use, not here
        "    lazy = [('gcal.store.query', '_TERMS'), ('gcal.render.terminal', '_URL_SAFE')]\n"
        "    heavy += [n for m, n in lazy if getattr(sys.modules[m], n)._compiled is not None]\n"
        "    sys.stderr.write('HEAVY:' + ','.join(heavy) + '\\n')\n"
        "atexit.register(report)\n"
        "from gcal.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    args = ["--format", "table", "agenda", "--days", "35", "--offline"]
    proc = subprocess.run(
        [sys.executable, "-c", code, *synced.args, *args],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, **synced.env},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()
    assert [x for x in proc.stderr.splitlines() if x.startswith("HEAVY:")] == ["HEAVY:"]
