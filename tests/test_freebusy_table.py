"""`gcal freebusy` as a table keeps every calendar id, day, block and length whole at any width.

A Calendar column needs the longest id beside the widest block; when that does not fit, each
calendar's id is a line of its own above its blocks, and below 40 columns each block is a line.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from runner import run


def _blocks() -> list:
    result = run(["--demo", "freebusy", "--format", "tsv"])
    assert result.code == 0, result
    return list(csv.DictReader(io.StringIO(result.out), dialect="excel-tab"))


@pytest.mark.parametrize("width", [120, 80, 50, 40, 30])
def test_freebusy_table_cuts_nothing_at_any_width(width: int) -> None:
    blocks = _blocks()
    assert blocks
    result = run(["--demo", "freebusy", "--format", "table"], env={"COLUMNS": str(width)})
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert all(len(line) <= width for line in lines), result.out
    assert "…" not in result.out
    flat = "".join(line.strip() for line in lines)
    for calendar in {b["calendar_id"] for b in blocks}:
        assert calendar in flat
    lengths = re.findall(r"(?<![\w:])\d+[dhm](?:\d+[hm])*(?!\S)", result.out)
    assert len(lengths) == len(blocks), result.out


@pytest.mark.parametrize("width", [80, 40, 36, 30])
def test_free_table_cuts_nothing_at_any_width(width: int) -> None:
    slots = run(["--demo", "free", "--limit", "5", "--format", "tsv"])
    assert slots.code == 0, slots
    count = len(slots.out.splitlines()) - 1
    assert count > 0
    args = ["--demo", "free", "--limit", "5", "--format", "table"]
    result = run(args, env={"COLUMNS": str(width)})
    assert result.code == 0, result
    assert all(len(line) <= width for line in result.out.splitlines()), result.out
    assert "…" not in result.out
    lengths = re.findall(r"(?<![\w:])\d+[dhm](?:\d+[hm])*(?!\S)", result.out)
    assert len(lengths) == count, result.out
