"""Tables keep ids, addresses and links whole, so they can be copied; colour as asked.

pty runs (`ttyrunner`) of the demo at the widths people use: the calendars table at 80 and 120
columns, instances at 100; `gcal show`'s link at 50; `--color`, `FORCE_COLOR` and `NO_COLOR`.
"""

from __future__ import annotations

import json
import re

import pytest

from gcal.render.terminal import color_enabled, hyperlink, hyperlinks_enabled
from runner import run
from ttyrunner import run_on_terminal

ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
OSC8 = re.compile(r"\x1b\]8;;([^\x1b]*)\x1b\\")
PRIMARY = "ada@example.com"


def _ids(kind_args):
    return [item["id"] for item in json.loads(run(["--demo", "-f", "json", *kind_args]).out)]


@pytest.mark.parametrize("columns", [80, 120])
def test_calendar_ids_are_whole_on_a_terminal(columns):
    result = run_on_terminal(["--demo", "calendars", "--show-hidden"], columns=columns)
    assert result.code == 0, result
    text = ESCAPE.sub("", result.out)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= columns
    ids = _ids(["calendars", "--show-hidden"])
    assert "en.german#holiday@group.v.calendar.google.com" in ids
    for cid in ids:
        assert any(re.search(rf"(^|\s){re.escape(cid)}(\s|$)", line) for line in lines), (
            cid,
            text,
        )
    for word in ("Holidays in Germany", "freeBusyReader", "America/Los_Angeles"):
        assert word in text


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_instance_ids_are_whole_and_times_not_padded(columns):
    args = ["instances", PRIMARY, "weeklysync", "--show-deleted"]
    result = run_on_terminal(["--demo", *args], columns=columns, env={"NO_COLOR": "1"})
    assert result.code == 0, result
    for iid in _ids(args):
        assert iid in result.out, (iid, result.out)


def test_a_table_into_a_pipe_has_no_trailing_spaces():
    for args in (["calendars", "--show-hidden"], ["agenda"], ["freebusy"], ["events", PRIMARY]):
        result = run(["--demo", "-f", "table", *args], env={"COLUMNS": "120"})
        assert result.code == 0, result
        assert result.out.strip()
        assert not [line for line in result.out.splitlines() if line.endswith(" ")], args


def test_show_prints_its_link_whole_and_as_a_hyperlink_on_a_terminal():
    args = ["--demo", "show", PRIMARY, "weeklysync"]
    event = json.loads(run([*args[:1], "-f", "json", *args[1:]]).out)
    link = event["htmlLink"]
    narrow = run([*args, "-f", "table"], env={"COLUMNS": "40"})
    assert any(line.endswith(link) for line in narrow.out.splitlines()), narrow.out
    assert "\x1b" not in narrow.out
    shown = run_on_terminal(args, columns=50)
    assert shown.code == 0, shown
    assert link in OSC8.findall(shown.out)
    plain = run_on_terminal(args, columns=50, env={"GCAL_HYPERLINKS": "0"})
    assert not OSC8.search(plain.out) and link in ESCAPE.sub("", plain.out)


def test_hyperlinks_never_carry_escaped_event_text():
    assert hyperlink("x", "https://e.x/a", True) == "\x1b]8;;https://e.x/a\x1b\\x\x1b]8;;\x1b\\"
    assert hyperlink("x", "https://e.x/\\x1b]0;pwned", True) == "x"
    assert hyperlink("x", "javascript:alert(1)", True) == "x"
    assert hyperlink("x", "https://e.x/a b", True) == "x"
    assert hyperlink("x", "https://e.x/a", False) == "x"


class _Tty:
    def isatty(self):
        return True


class _Pipe:
    def isatty(self):
        return False


def test_colour_choice():
    assert color_enabled(_Tty(), {}) and not color_enabled(_Pipe(), {})
    assert color_enabled(_Pipe(), {"FORCE_COLOR": "1"})
    assert not color_enabled(_Pipe(), {"FORCE_COLOR": "0"})
    assert not color_enabled(_Tty(), {"FORCE_COLOR": "1", "NO_COLOR": "1"})  # NO_COLOR wins
    assert not color_enabled(_Tty(), {"TERM": "dumb"})
    assert color_enabled(_Pipe(), {"NO_COLOR": "1"}, mode="always")
    assert not color_enabled(_Tty(), {"FORCE_COLOR": "1"}, mode="never")
    assert hyperlinks_enabled(_Pipe(), {"GCAL_HYPERLINKS": "1"})
    assert not hyperlinks_enabled(_Tty(), {"TERM": "linux"})


def test_color_option_into_a_pipe_and_on_a_terminal():
    piped = run(["--demo", "--color", "always", "week"], env={"COLUMNS": "100"})
    assert piped.code == 0 and "\x1b[" in piped.out
    # the calendars' own colours, as the agenda uses them (24-bit), not a 16-colour guess
    assert re.search(r"\x1b\[[0-9;]*(38|48);2;", piped.out)
    forced = run(["--demo", "-f", "table", "calendars"], env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.out
    both = run(["--demo", "-f", "table", "calendars"], env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in both.out
    never = run_on_terminal(["--demo", "week", "--color", "never"], columns=100)
    assert never.code == 0 and "\x1b[" not in never.out
    bad = run(["--demo", "--color", "sometimes", "week"])
    assert bad.code == 2 and "sometimes" in bad.err


@pytest.mark.parametrize("columns", [80, 120])
def test_sync_status_on_a_terminal_is_a_table(columns):
    assert run(["--demo", "sync"]).code == 0
    result = run_on_terminal(["--demo", "sync", "--status"], columns=columns)
    assert result.code == 0, result
    text = ESCAPE.sub("", result.out)
    assert "\t" not in text
    lines = text.splitlines()
    assert lines[0].startswith("store: ") and lines[0].endswith(")")
    assert lines[1].split()[:3] == ["calendar", "events", "ago"] or lines[1].split()[:3] == [
        "calendar",
        "events",
        "synced",
    ]
    assert max(len(line) for line in lines[1:]) <= columns
    for cid in _ids(["calendars"]):
        assert any(line.strip() == cid for line in lines), (cid, text)
    piped = run(["--demo", "sync", "--status"])
    assert "\t" in piped.out  # into a pipe: the tab-separated lines scripts read
