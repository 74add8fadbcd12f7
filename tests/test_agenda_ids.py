"""From the agenda, the week and the month to `gcal show`: `--ids` puts each event's id under
its title, and `gcal show` takes the calendar's name (or its start) shown beside it."""

from __future__ import annotations

import re

import pytest

from runner import run

PINNED = {"GCAL_EMULATOR_NOW": "2024-06-03", "COLUMNS": "100"}  # the demo's week of 3 June 2024


def _row_with(out: str, event_id: str):
    lines = out.splitlines()
    at = next(n for n, line in enumerate(lines) if line.strip() == event_id)
    return lines[at - 1], lines[at]


@pytest.mark.parametrize("command", [["agenda"], ["week"], ["month"]])
def test_ids_lead_to_gcal_show(command):
    listed = run(["--demo", "-f", "table", *command, "--ids"], env=PINNED)
    assert listed.code == 0, listed
    title, _ = _row_with(listed.out, "weeklysync_20240604T080000Z")  # whole, on its own line
    assert "Weekly sync" in title
    calendar = re.split(r"\s{2,}", title.strip())[-1]
    assert calendar == "Ada Lovelace"
    shown = run(["--demo", "show", calendar.split()[0], "weeklysync_20240604T080000Z"], env=PINNED)
    assert shown.code == 0, shown
    assert "Weekly sync" in shown.out


def test_without_ids_the_table_has_no_ids():
    listed = run(["--demo", "-f", "table", "agenda"], env=PINNED)
    assert listed.code == 0 and "weeklysync_" not in listed.out
