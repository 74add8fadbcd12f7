"""Output on a terminal or pipe whose encoding is not UTF-8 (a C or Latin-1 locale), in real
processes, since the encoding of stdout and of the arguments is decided at start-up."""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import os
import subprocess
import sys
from typing import Dict, List, Sequence

import pytest

from gcal.emulator import clock
from gcal.emulator.demo import PRIMARY_ID, default_anchor

# The demo places a few events around now, in five-minute steps: with the clock pinned, runs
# compared byte for byte see the same data even across a step (a pin the run has is kept)
NOW = clock.now()
PIN = {} if clock.pinned() else {"GCAL_EMULATOR_NOW": NOW.isoformat()}
ANCHOR = default_anchor(NOW.date())
WEEK = [
    "--single-events",
    "--time-min",
    f"{ANCHOR - datetime.timedelta(days=1)}T00:00:00Z",
    "--time-max",
    f"{ANCHOR + datetime.timedelta(days=8)}T00:00:00Z",
]
LATIN1 = {"PYTHONIOENCODING": "latin-1"}
C_LOCALE = {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "", "LANG": "C"}


def gcal(args: Sequence[str], env: Dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    full.update(PIN)
    full.update(env, COLUMNS="120", TZ="UTC")
    return subprocess.run(
        [sys.executable, "-m", "gcal", "--demo", *args],
        capture_output=True,
        env=full,
        timeout=60,
    )


@functools.cache
def reference(*args: str) -> subprocess.CompletedProcess:
    """`gcal --demo ARGS` writing UTF-8, run once for the tests that compare with it."""
    result = gcal(args, {"PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("env", [LATIN1, C_LOCALE], ids=["latin-1", "C"])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_delimited_output_is_utf8_whatever_the_locale(env: Dict[str, str], fmt: str) -> None:
    utf8 = reference("-f", fmt, "events", PRIMARY_ID, *WEEK)
    other = gcal(["-f", fmt, "events", PRIMARY_ID, *WEEK], env)
    assert other.returncode == 0, other.stderr
    assert other.stdout == utf8.stdout
    text = other.stdout.decode("utf-8")
    dialect = "excel" if fmt == "csv" else "excel-tab"
    rows = list(csv.DictReader(io.StringIO(text, newline=""), dialect=dialect))
    assert "チームランチ" in {row["summary"] for row in rows}
    assert "\\u" not in text


@pytest.mark.parametrize("env", [LATIN1, C_LOCALE], ids=["latin-1", "C"])
@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_json_is_utf8_whatever_the_locale(env: Dict[str, str], fmt: str) -> None:
    result = gcal(["-f", fmt, "events", PRIMARY_ID, *WEEK], env)
    assert result.returncode == 0
    text = result.stdout.decode("utf-8")
    assert "チームランチ" in text  # not \\u escapes
    if fmt == "json":
        assert any(i.get("summary") == "チームランチ" for i in json.loads(text))


def _id_columns(lines: List[str], ids: List[str]) -> set:
    # the id is the last cell of its row
    return {
        len(line.rstrip()) - len(i)
        for line in lines
        for i in ids
        if line.rstrip().endswith(f" {i}")
    }


@pytest.mark.parametrize("env", [LATIN1, C_LOCALE], ids=["latin-1", "C"])
def test_tables_replace_what_the_terminal_cannot_show_and_stay_aligned(env: Dict[str, str]) -> None:
    items = json.loads(reference("-f", "json", "events", PRIMARY_ID, *WEEK).stdout)
    result = gcal(["-f", "table", "events", PRIMARY_ID, *WEEK], env)
    assert result.returncode == 0, result.stderr
    encoding = "latin-1" if env is LATIN1 else "ascii"
    text = result.stdout.decode(encoding)  # nothing the stream's encoding cannot hold
    assert "\\u" not in text and "\\x" not in text
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 120
    ids = [i["id"] for i in items if len(i["id"]) < 20 and "_" not in i["id"]]
    assert len(ids) > 5
    assert len(_id_columns(lines, ids)) == 1, text  # every row's id starts in one column


def test_non_ascii_arguments_under_the_c_locale() -> None:
    result = gcal(["-f", "tsv", "events", PRIMARY_ID, "--q", "チーム"], C_LOCALE)
    assert result.returncode == 0, result.stderr
    assert "チームランチ" in result.stdout.decode("utf-8")
    table = gcal(["-f", "table", "events", PRIMARY_ID, "--q", "チーム"], C_LOCALE)
    assert table.returncode == 0, table.stderr
    assert b"lunch-ja" in table.stdout


def test_arguments_that_are_not_utf8_are_a_usage_error() -> None:
    full = dict(os.environ, LC_ALL="C", PYTHONUTF8="0")
    result = subprocess.run(
        [
            sys.executable.encode(),
            b"-m",
            b"gcal",
            b"--demo",
            b"events",
            b"primary",
            b"--q",
            b"\xff",
        ],
        capture_output=True,
        env=full,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.decode("ascii", "replace").startswith("gcal: error: ")
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "ndjson"])
def test_the_agenda_is_utf8_too(fmt: str) -> None:
    args = ["-f", fmt, "agenda", str(ANCHOR), "--days", "7"]
    utf8 = gcal(args, {"PYTHONIOENCODING": "utf-8"})
    assert utf8.returncode == 0, utf8.stderr
    assert "チームランチ" in utf8.stdout.decode("utf-8")
    assert gcal(args, LATIN1).stdout == utf8.stdout


@pytest.mark.parametrize("env", [LATIN1, C_LOCALE], ids=["latin-1", "C"])
def test_the_agenda_table_replaces_what_the_terminal_cannot_show(env: Dict[str, str]) -> None:
    result = gcal(["-f", "table", "agenda", str(ANCHOR), "--days", "7"], env)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("latin-1" if env is LATIN1 else "ascii")
    assert "\\u" not in text
    rows = [line for line in text.splitlines() if line.rstrip().endswith("Ada Lovelace")]
    assert len(rows) > 5
    assert len({line.rindex("Ada Lovelace") for line in rows}) == 1  # the calendar column
