"""What a listing says on stderr beside its rows: the sync token, --limit, empty instances."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

from gcal.emulator.demo import SERIES_ID, demo_facts
from runner import run

EVENTS = ["--demo", "-f", "ndjson", "events", "primary", "--single-events"]
EVENTS += ["--order-by", "startTime"]


def _ids(out: str) -> list:
    return [json.loads(line)["id"] for line in out.splitlines() if line.strip()]


def _stderr_on_a_terminal(args: list) -> str:
    """Run gcal with stdout piped and stderr on a pseudo-terminal; return what stderr got."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gcal", *args],
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
    )
    os.close(follower)
    proc.stdout.read()
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(60)
    os.close(leader)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_the_sync_token_line_only_when_asked() -> None:
    piped = run(["--demo", "-f", "ndjson", "calendars"])
    assert "next sync token" not in piped.err  # a cron job's mail does not carry it
    asked = run(["--demo", "-f", "ndjson", "calendars", "--print-sync-token"])
    assert "gcal: next sync token: " in asked.err
    assert "next sync token" not in _stderr_on_a_terminal(["--demo", "-f", "tsv", "calendars"])


def test_limit_says_how_to_continue() -> None:
    whole = run([*EVENTS, "--limit", "6"])
    first = run([*EVENTS, "--limit", "3"])
    assert first.code == 0, first.err
    (hint,) = [line for line in first.err_lines if "--page-token" in line]
    assert "stopped after --limit 3" in hint
    token = hint.split("--page-token ", 1)[1].split()[0]
    rest = run([*EVENTS, "--limit", "3", "--page-token", token])
    assert rest.code == 0, rest.err
    assert _ids(first.out) + _ids(rest.out) == _ids(whole.out)
    assert "next sync token" not in first.err  # no sync token before the last page


def test_no_hint_when_the_listing_ends_within_the_limit() -> None:
    result = run(["--demo", "-f", "ndjson", "calendars", "--limit", "100"])
    assert result.code == 0
    assert "--page-token" not in result.err


def test_instances_refuse_a_sync_token_file(tmp_path) -> None:
    path = tmp_path / "t.txt"
    result = run(["--demo", "instances", "primary", SERIES_ID, "--sync-token-file", str(path)])
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "events.instances returns no sync token" in result.err
    assert not path.exists()
    assert "--sync-token-file" not in run(["instances", "--help"]).out


def test_instances_of_a_single_event_say_why_there_are_none() -> None:
    result = run(["--demo", "-f", "ndjson", "instances", "primary", "dentist"])
    assert (result.code, result.out) == (0, "")
    assert result.err_lines == ["gcal: dentist is not a recurring event, so it has no instances"]


def test_instances_of_an_instance_name_the_series() -> None:
    moved = demo_facts()["moved_instance_id"]
    result = run(["--demo", "-f", "ndjson", "instances", "primary", moved])
    assert (result.code, result.out) == (0, "")
    assert result.err_lines == [
        f"gcal: {moved} is one instance of the series {SERIES_ID}: "
        f"list the series with 'gcal instances primary {SERIES_ID}'"
    ]


def test_an_empty_window_of_a_series_says_nothing_more() -> None:
    args = ["--demo", "-f", "ndjson", "instances", "primary", SERIES_ID]
    result = run([*args, "--time-min", "2001-01-01", "--time-max", "2001-01-02"])
    assert (result.code, result.out) == (0, "")
    assert not [line for line in result.err_lines if "recurring" in line]
