"""An empty answer in a table says so in one line, rather than printing nothing: search,
conflicts, changes and invites (the machine formats stay empty)."""

from __future__ import annotations

import pytest

from runner import run

PINNED = {"GCAL_EMULATOR_NOW": "2026-12-07T10:00:00Z"}
HOLIDAYS = ["-c", "Holidays in Germany"]


@pytest.fixture
def env(tmp_path):
    return {**PINNED, "GCAL_CACHE_DIR": str(tmp_path / "cache")}


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["search", "zzzzzz"], "No event matches 'zzzzzz'."),
        (["conflicts", *HOLIDAYS], "No conflicts from Mon 2026-12-07 to Sun 2026-12-20."),
        (["invites", *HOLIDAYS], "No invitation awaits your answer in the next 30 days."),
        (["invites", "--days", "1", *HOLIDAYS], "in the next 1 day."),
    ],
)
def test_an_empty_table_says_what_was_not_found(env, args, line):
    result = run(["--demo", *args, "--format", "table", "--time-zone", "UTC"], env=env)
    assert result.code == 0, result
    assert line in result.out and len(result.out.splitlines()) == 1, result
    piped = run(["--demo", *args, "--format", "ndjson"], env=env)
    assert piped.code == 0 and piped.out == "", piped


def test_changes_with_a_store_and_no_history_says_since_when(env):
    before = run(["--demo", "changes", "--format", "table"], env=env)
    assert before.out == "" and "no store yet" in before.err, before  # the stderr line only
    assert run(["--demo", "sync", "--quiet"], env=env).code == 0
    result = run(
        ["--demo", "changes", "--since", "2026-12-01", "-f", "table", "--time-zone", "UTC"],
        env=env,
    )
    assert result.code == 0, result
    assert result.out == "No changes since Tue 2026-12-01 00:00.\n", result
