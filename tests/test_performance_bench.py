"""`python -m bench` runs end to end in its smallest mode and prints its table (no timings)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_bench_smallest_mode_prints_the_table() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "200", "--repeat", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = {
        line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
        for line in result.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| command")
    }
    mcp = (
        ["gcal agenda --offline ndjson 200", "gcal mcp: start + one agenda call 200"]
        if importlib.util.find_spec("mcp") is not None
        else []
    )
    assert list(rows) == [
        "python -c pass",
        "python -c 'import click'",
        "gcal --version",
        "gcal --help",
        "time grammar, import + 900 phrases",
        "gcal calendars",
        "agenda ideal (urllib, threads)",
        "gcal agenda ndjson 8x40",
        "one request (urllib)",
        "gcal sync 8 calendars, nothing new",
        "baseline ndjson 200",
        "gcal ndjson 200",
        "gcal table 200",
        "gcal sync first 200",
        "gcal sync --rebuild 200",
        "gcal sync nothing new 200",
        "gcal agenda --offline tsv 200",
        "gcal next --offline 200",
        "gcal events --offline json 200",
        "gcal events --offline json startTime 200",
        "gcal agenda --offline table 200",
        "gcal month --offline 200",
        *mcp,
        "gcal next --format waybar --cached 200",
        "gcal sync first, no index 200",
        "gcal search common word 200",
        "gcal search rare word 200",
        "gcal conflicts a month 200",
        "gcal changes after an incremental sync of 1,000 changes 200",
        "gcal export 200",
    ]
    # columns: runs, wall ms, x ref, peak RSS MB, x ref, requests, items
    for name in (
        "python -c pass",
        "gcal --version",
        "gcal --help",
        "time grammar, import + 900 phrases",
    ):
        assert rows[name][5] == "0"  # start-up makes no request
    assert rows["gcal calendars"][5] == "1"
    for name in ("baseline ndjson 200", "gcal ndjson 200", "gcal table 200", "gcal export 200"):
        assert rows[name][5] == "1"  # one page of 200 events
    assert rows["baseline ndjson 200"][6] == rows["gcal ndjson 200"][6] == "200"
    # the agenda: one calendar list and one listing per calendar, 8 x 40 events, both ways
    ideal, agenda = rows["agenda ideal (urllib, threads)"], rows["gcal agenda ndjson 8x40"]
    assert ideal[5] == agenda[5] == "9"
    assert ideal[6] == agenda[6] == "320"
    assert all(float(cells[3]) > 0 for cells in rows.values())  # a peak RSS was measured
    assert "gcal --version / import click" in result.stdout
    assert "agenda 8 calendars x 40 events, 250 ms a request / ideal" in result.stdout
    # the store: a full sync is the listing's one page; nothing new is one request per
    # calendar and the calendar list; answers from the store make none
    assert rows["gcal sync first 200"][5] == "2"  # the calendar list, then the one page
    assert rows["gcal sync --rebuild 200"][5] == "2"
    assert rows["gcal sync nothing new 200"][5] == "2"
    assert rows["gcal sync 8 calendars, nothing new"][5] == "9"
    assert rows["gcal agenda --offline tsv 200"][5] == rows["gcal next --offline 200"][5] == "0"
    # the people's views from the store ask nothing either, and are measured against click
    assert rows["gcal agenda --offline table 200"][5] == rows["gcal month --offline 200"][5] == "0"
    for line in (
        "gcal export 200 events / ndjson listing",
        "gcal table 200 events to a pipe / ndjson listing",
        "gcal month --offline over 200 events / import click",
        "gcal agenda --offline table over 200 events / import click",
    ):
        assert line in result.stdout
    assert "sync of 8 calendars with nothing new / one request" in result.stdout
    assert "gcal next --offline over 200 events / import click" in result.stdout
    # a status bar's --cached answer from a store just synced asks nothing either
    assert rows["gcal next --format waybar --cached 200"][5] == "0"
    assert rows["gcal events --offline json 200"][5] == "0"  # no request: the store answers
    assert "gcal events --offline json startTime over 200 events peak RSS" in result.stdout
    assert "gcal next --format waybar --cached over 200 events / import click" in result.stdout
    if mcp:  # an assistant's agenda: the same rows as the command line's, and no request
        cli, server = rows[mcp[0]], rows[mcp[1]]
        assert cli[5] == server[5] == "0"
        assert cli[6] == server[6]
        assert "gcal mcp start + one agenda over 200 events" in result.stdout
    # search, conflicts and changes answer from the store; the changes row lists what the
    # incremental sync before it brought (200 events changed here: every one)
    for name in ("search common word", "search rare word", "conflicts a month"):
        assert rows[f"gcal {name} 200"][5] == "0"
        assert f"gcal {name} over 200 events / import click" in result.stdout
    changes = rows["gcal changes after an incremental sync of 1,000 changes 200"]
    assert changes[5] == "0" and changes[6] == "201"  # a header and 200 changes
    assert rows["gcal search rare word 200"][6] == "1"  # the header only: 77777 is not there
    assert "first sync of 200 events with the search index / without" in result.stdout
    assert "store of 200 events with the search index / without" in result.stdout
