"""The week grid on a real terminal: titles wrapped where a person would break them.

pty runs (`ttyrunner`) at 80, 120 and 200 columns, against the emulator with long words,
hyphenated words and CJK titles; every line of the grid is exactly the terminal's width.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List

import pytest

from gcal.core.wrap import cell_width
from test_read_commands import Account
from ttyrunner import run_on_terminal

ESCAPE = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")
WEEK = ["week", "2024-06-05", "--time-zone", "Europe/Berlin", "--week-start", "monday"]
TITLES = [
    "Performance reviews",
    "Internationalization workshop",
    "Code walkthrough",
    "チームランチ",
    "Design-review",
    "東京オフィスとの定例会議",
]
WORDS = ["Performance", "reviews", "walkthrough", "workshop", "Internationalization"]


def timed(eid: str, day: int, hour: int, summary: str, **extra: Any) -> Dict[str, Any]:
    return {
        "id": eid,
        "summary": summary,
        "start": {"dateTime": f"2024-06-{day:02}T{hour:02}:00:00+02:00"},
        "end": {"dateTime": f"2024-06-{day:02}T{hour:02}:45:00+02:00"},
        **extra,
    }


def account_data(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {
        "user": {"email": "ada@example.com", "displayName": "Ada Lovelace"},
        "calendars": [
            {
                "id": "ada@example.com",
                "summary": "Ada Lovelace",
                "timeZone": "Europe/Berlin",
                "accessRole": "owner",
                "primary": True,
                "selected": True,
                "backgroundColor": "#16a765",
                "foregroundColor": "#000000",
                "events": events,
            }
        ],
    }


EVENTS = [timed(f"e{k}", 3 + k % 7, 9 + k, title) for k, title in enumerate(TITLES)]


@pytest.fixture
def acct(emulator_factory, tmp_path) -> Account:
    path = tmp_path / "account.json"
    path.write_text(json.dumps(account_data(EVENTS)), encoding="utf-8")
    return Account(emulator_factory(str(path)), tmp_path)


def cells(line: str) -> List[str]:
    return line.strip("│").split("│")


@pytest.mark.parametrize("columns", [80, 120, 200])
def test_week_grid_wraps_at_word_boundaries_on_a_terminal(acct, columns):
    result = run_on_terminal([*acct.args, *WEEK], columns=columns)
    assert result.code == 0, result
    lines = [ESCAPE.sub("", line) for line in result.out.splitlines()]
    grid = [line for line in lines[1:] if line]
    assert all(cell_width(line) == columns for line in grid), columns
    # every title's words are whole on some line of its column
    column_text = {}
    for line in grid:
        if line.startswith("│"):
            for k, cell in enumerate(cells(line)):
                column_text.setdefault(k, []).append(cell.strip())
    found = " ".join(" ".join(parts) for parts in column_text.values())
    narrowest = min(cell_width(cell) for cell in cells(grid[1]))
    assert narrowest >= 10
    for word in WORDS:
        if cell_width(word) > narrowest:
            continue  # wider than the column: the one case a word is cut
        assert re.search(rf"(^|\s){re.escape(word)}(\s|$)", found), (word, columns)
    # "Design-review" whole, or broken after the hyphen, never inside "review"
    assert re.search(r"Design-(review| review)(\s|$)", found)
    # CJK: a line never starts with ー, and the title's characters are all there
    for parts in column_text.values():
        for part in parts:
            assert not part.startswith("ー")
    joined = "".join(found.split())
    assert "チームランチ" in joined
    assert "東京オフィスとの定例会議" in joined or columns < 120
    # continuation lines of one column share one indent; no line is only an ellipsis
    for parts in column_text.values():
        assert "…" not in parts


# ---------------------------------------------------------------------------------------------
# A 24-hour event, working locations and birthdays, as the agenda, week and show read them

MARKED = [
    {
        "id": "oncall24",
        "summary": "24h oncall",
        "start": {"dateTime": "2024-06-04T00:00:00+02:00"},
        "end": {"dateTime": "2024-06-05T00:00:00+02:00"},
    },
    {
        "id": "wloffice",
        "summary": "Office",
        "eventType": "workingLocation",
        "start": {"date": "2024-06-03"},
        "end": {"date": "2024-06-04"},
    },
    {
        "id": "bdgrace",
        "summary": "Grace Hopper",
        "eventType": "birthday",
        "start": {"date": "2024-06-06"},
        "end": {"date": "2024-06-07"},
    },
]


@pytest.fixture
def marked(emulator_factory, tmp_path) -> Account:
    path = tmp_path / "account.json"
    path.write_text(json.dumps(account_data(MARKED)), encoding="utf-8")
    return Account(emulator_factory(str(path)), tmp_path)


def test_a_24_hour_event_is_not_read_as_one_of_no_length(marked):
    from runner import run

    agenda = run(
        [*marked.args, "-f", "table", "agenda", "2024-06-03", "2024-06-09"],
        env={"COLUMNS": "100", "TZ": "Europe/Berlin"},
    )
    assert agenda.code == 0, agenda
    row = next(line for line in agenda.out.splitlines() if "24h oncall" in line)
    assert "00:00–24:00" in row and "00:00–00:00" not in agenda.out
    show = run(
        [*marked.args, "-f", "table", "show", "ada@example.com", "oncall24"],
        env={"COLUMNS": "100", "TZ": "Europe/Berlin"},
    )
    assert show.code == 0, show
    assert "Tue 4 Jun 2024, 00:00–24:00" in show.out


def test_working_locations_and_birthdays_are_marked_everywhere(marked):
    from runner import run

    env = {"COLUMNS": "140", "TZ": "Europe/Berlin"}
    agenda = run([*marked.args, "-f", "table", "agenda", "2024-06-03", "2024-06-09"], env=env)
    assert "⌂ Office" in agenda.out and "🎂 Grace Hopper" in agenda.out
    week = run([*marked.args, *WEEK], env=env)
    assert "[⌂ Office" in week.out and "[🎂 Grace" in week.out
    month = run([*marked.args, "month", "2024-06", "--time-zone", "Europe/Berlin"], env=env)
    assert "⌂ Office" in month.out and "🎂 Grace" in month.out


def test_a_short_terminal_keeps_what_is_still_to_come_today():
    # the demo world pinned to a Monday afternoon: the week grid on a 100x15 terminal
    env = {"GCAL_EMULATOR_NOW": "2026-12-07T15:10:00Z", "TZ": "UTC"}
    result = run_on_terminal(["--demo", "week", "--color", "never"], columns=100, rows=15, env=env)
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert len(lines) <= 15
    monday = [line.split("│")[1].strip() for line in lines if line.startswith("│")]
    assert monday[0].startswith("Mon 7 Dec")
    entries = monday[monday.index("") + 1 :] if "" in monday else monday[2:]
    assert any(cell.startswith("+") and cell.endswith("earlier") for cell in monday), monday
    assert any(cell.startswith("17:00 Sprint") for cell in monday), monday  # still to come
    assert not any(cell.startswith("07:00") for cell in entries), monday  # the morning, counted
