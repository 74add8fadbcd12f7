"""Event text is hostile: every command, every format, fed calendars whose every text field
carries terminal escapes, spreadsheet formulas, forged lines or lone surrogates
(tests/hostile_server.py's `escapes`, `surrogates` and `error_escapes` modes).

What reaches a terminal holds no ESC, BEL or C1 control from the data; nothing crashes on text
no codec can encode; csv cells cannot start a formula; tsv rows cannot be forged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from pathlib import Path
from typing import Dict, List

import pytest

from hostile_server import EVENT_ID, PRIMARY, SERIES_ID, HostileServer
from runner import Result, run
from ttyrunner import run_on_terminal

#: bytes a terminal acts on: ESC, BEL, C1 controls (as characters once decoded)
FORBIDDEN = re.compile("[\x07\x1b\x80-\x9f]")


def write_login(folder: Path, server: HostileServer) -> List[str]:
    """A token file and client file for `server` (an access token valid for an hour)."""
    expiry = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    record = {
        "_class": "OAuth2Credentials",
        "_module": "oauth2client.client",
        "access_token": "ya29.hostile",
        "token": "ya29.hostile",
        "client_id": "123-hostile.apps.googleusercontent.com",
        "client_secret": "GOCSPX-hostile-secret",
        "refresh_token": "1//hostile-refresh",
        "token_uri": server.token_uri,
        "expiry": expiry,
        "token_expiry": expiry,
        "scopes": ["https://www.googleapis.com/auth/calendar.readonly"],
        "type": "authorized_user",
        "invalid": False,
    }
    credentials = folder / "calendar.dat"
    credentials.write_text(json.dumps(record))
    credentials.chmod(0o600)
    secrets = folder / "client_secrets.json"
    secrets.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": record["client_id"],
                    "client_secret": record["client_secret"],
                    "auth_uri": server.base + "/auth",
                    "token_uri": server.token_uri,
                    "redirect_uris": ["http://localhost"],
                }
            }
        )
    )
    return [
        "--client-secrets",
        str(secrets),
        "--credentials",
        str(credentials),
        "--api-endpoint",
        server.api_endpoint,
        "--retries",
        "0",
    ]


@pytest.fixture(scope="module")
def escapes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("escapes")
    with HostileServer("escapes") as server:
        args = write_login(folder, server)
        env = {"GCAL_CACHE_DIR": str(folder / "cache"), "GCAL_BACKOFF_BASE": "0.001"}
        assert run([*args, "sync", "--all-calendars", "--quiet"], env=env).code == 0
        yield args, env


def on_terminal(args: List[str], env: Dict[str, str], columns: int = 120) -> Result:
    """`gcal ARGS` in this process with stdout on a real pseudo-terminal (so gcal sees a
    terminal, its width and its encoding), stderr captured; faster than a subprocess."""
    import fcntl
    import pty
    import struct
    import sys
    import termios
    import threading

    from gcal.cli import main

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    chunks: List[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    out = io.TextIOWrapper(io.FileIO(slave, "wb", closefd=False), encoding="utf-8")
    err = io.StringIO()
    saved = (sys.stdout, sys.stderr, dict(os.environ))
    os.environ.update(env)
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
    sys.stdout, sys.stderr = out, err
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        os.environ.clear()
        os.environ.update(saved[2])
        out.flush()
        os.close(slave)
        reader.join(10)
        os.close(master)
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return Result(code, text, err.getvalue())


def clean(result: Result, what: str) -> None:
    for stream, text in (("stdout", result.out), ("stderr", result.err)):
        found = FORBIDDEN.search(text)
        assert found is None, f"{what}: {stream} carries {found.group()!r}: {text[:400]!r}"
    assert "unexpected" not in result.err and "Traceback" not in result.err, (what, result)


# Each command as a person runs it on a terminal (table or text), then each machine format.
COMMANDS = [
    ["calendars"],
    ["events", PRIMARY],
    ["instances", PRIMARY, SERIES_ID],
    ["show", PRIMARY, EVENT_ID],
    ["agenda", "--all-calendars"],
    ["week", "--all-calendars"],
    ["next", "--all-calendars", "--within", "7d"],
    ["free", "--duration", "30m"],
    ["sync", "--status"],
    ["agenda", "--offline", "--all-calendars"],
    ["next", "--offline", "--all-calendars", "--within", "7d"],
    ["month", "--all-calendars"],
    ["freebusy", PRIMARY],
    ["search", "Meeting"],
    ["changes"],
    ["conflicts"],
    ["invites"],
]
FORMATS = ["json", "ndjson", "csv", "tsv", "ics"]
FORMATTED = COMMANDS  # every command in every format it takes (2 for one it refuses)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_nothing_from_the_data_drives_the_terminal(escapes, command) -> None:
    args, env = escapes
    result = on_terminal([*args, *command], {**env, "NO_COLOR": "1"})
    clean(result, " ".join(command))
    assert result.code in (0, 2), result  # 2: a command refusing a format it has no use for


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", FORMATTED, ids=" ".join)
def test_machine_formats_on_a_terminal_are_escaped(escapes, command, fmt) -> None:
    args, env = escapes
    result = on_terminal([*args, "-f", fmt, *command], env)
    clean(result, f"{' '.join(command)} -f {fmt}")
    assert result.code in (0, 2), result
    if fmt == "json" and result.code == 0 and result.out.strip():
        json.loads(result.out)  # still valid JSON, only escaped


def test_sync_error_lines_and_the_api_message_are_sanitised(tmp_path) -> None:
    with HostileServer("error_escapes") as server:
        args = write_login(tmp_path, server)
        env = {"GCAL_CACHE_DIR": str(tmp_path / "cache")}
        for command in (["sync", "--all-calendars"], ["events", PRIMARY], ["agenda"]):
            result = on_terminal([*args, *command], env)
            clean(result, " ".join(command))
            assert result.code == 1, result
            assert "gcal: error:" in result.err


# -- what programs read (stdout a pipe) ---------------------------------------------------------


FORMULAS = ['=HYPERLINK("http://evil.example/","click")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_csv_cells_cannot_start_a_formula(emulator, tmp_path) -> None:
    from store_support import PRIMARY as ADA
    from store_support import Account

    for n, text in enumerate(FORMULAS):
        emulator.insert_event(
            ADA,
            {
                "id": f"formula{n}",
                "summary": text,
                "location": text + "\x00nul",
                "start": {"dateTime": "2024-06-03T09:00:00Z"},
                "end": {"dateTime": "2024-06-03T10:00:00Z"},
            },
        )
    account = Account(emulator, tmp_path)
    window = ["--time-min", "2024-06-03T00:00:00Z", "--time-max", "2024-06-04T00:00:00Z"]
    for command in (["events", ADA, *window], ["agenda", "2024-06-03", "--days", "1"]):
        result = account.gcal("-f", "csv", *command)
        assert result.code == 0, result
        assert "\x00" not in result.out
        rows = list(csv.DictReader(io.StringIO(result.out, newline="")))
        summaries = {row["summary"] for row in rows}
        assert {"'" + text for text in FORMULAS} <= summaries, summaries
        cells = [cell for row in rows for cell in row.values()]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        raw = account.gcal("-f", "csv", "--csv-raw", *command)
        assert raw.code == 0 and "\x00" not in raw.out
        summaries = {row["summary"] for row in csv.DictReader(io.StringIO(raw.out, newline=""))}
        assert set(FORMULAS) <= summaries


def test_tsv_rows_cannot_be_forged(escapes) -> None:
    args, env = escapes
    for command in (["events", PRIMARY], ["agenda", "--all-calendars"], ["calendars"]):
        result = run([*args, "-f", "tsv", *command], env=env)
        assert result.code == 0, result
        lines = result.out.split("\n")[:-1]
        assert "\r" not in result.out and "\x00" not in result.out
        width = len(lines[0].split("\t"))
        assert all(len(line.split("\t")) == width for line in lines), result.out
        assert "\\r\\nforged\\tline" in result.out


# -- text no codec can encode -------------------------------------------------------------------


@pytest.fixture(scope="module")
def surrogates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("surrogates")
    with HostileServer("surrogates") as server:
        args = write_login(folder, server)
        env = {"GCAL_CACHE_DIR": str(folder / "cache")}
        assert run([*args, "sync", "--all-calendars", "--quiet"], env=env).code == 0
        yield args, env


SURROGATE_RUNS: List[List[str]] = [
    *([*c] for c in COMMANDS),
    *(["-f", fmt, *c] for c in FORMATTED for fmt in FORMATS),
    ["-f", "table", "month", "--all-calendars"],
    ["export", PRIMARY],
]


@pytest.mark.parametrize("command", SURROGATE_RUNS, ids=" ".join)
def test_lone_surrogates_crash_no_writer(surrogates, command, tmp_path) -> None:
    args, env = surrogates
    if command[0] == "export":
        command = [*command, "--output", str(tmp_path / "out.ics")]
    result = run([*args, *command], env=env)
    assert result.code in (0, 2), result
    assert "unexpected" not in result.err, result


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_next_survives_surrogates_on_an_ascii_terminal(surrogates, fmt) -> None:
    """The status bar's command, under LANG=C: a locale that cannot even hold U+FFFD."""
    args, env = surrogates
    for where in ([], ["--offline"]):
        command = [*args, "-f", fmt, "next", "--all-calendars", "--within", "7d", *where]
        result = run_on_terminal(command, env={**env, "LANG": "C", "LC_ALL": "C"})
        assert result.code == 0 and "unexpected" not in result.err, result
        assert result.out.strip()


def test_the_emulator_serves_lone_surrogates(emulator, tmp_path) -> None:
    """The emulator stores what it is given and must answer it (JSON escapes the surrogate),
    and gcal must show it."""
    from emulator_http import list_events
    from store_support import PRIMARY as ADA
    from store_support import Account

    event = {
        "id": "surrogate1",
        "summary": "bad \ud800 title",
        "location": "\udfff",
        "start": {"dateTime": "2024-06-03T09:00:00Z"},
        "end": {"dateTime": "2024-06-03T10:00:00Z"},
    }
    emulator.insert_event(ADA, event)
    token = emulator.issue_tokens()["access_token"]
    items, _ = list_events(emulator, ADA, token)
    assert any(i.get("id") == "surrogate1" for i in items)
    account = Account(emulator, tmp_path)
    for fmt in ("table", "json", "csv", "tsv", "ics"):
        result = account.gcal("-f", fmt, "events", ADA)
        assert result.code == 0 and "unexpected" not in result.err, (fmt, result)
    assert account.gcal("sync", "--quiet").code == 0
    shown = account.gcal("-f", "json", "events", ADA, "--offline")
    assert shown.code == 0, shown
