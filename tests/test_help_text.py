"""One help text per command however it is asked for, and a command list that does not cut
descriptions mid-sentence."""

from __future__ import annotations

import re

import pytest

from runner import run


@pytest.mark.parametrize("command", [["export"], ["agenda"], ["auth", "login"], ["sync"]])
def test_help_cmd_is_cmd_help(command):
    direct = run([*command, "--help"])
    assert direct.code == 0, direct
    assert direct.out.startswith(f"Usage: gcal {' '.join(command)} ")
    assert run(["help", *command]).out == direct.out
    assert run(["--help", *command]).out == direct.out
    assert run(["--demo", "help", *command]).out == direct.out


def test_help_alone_is_the_top_level_help():
    top = run(["--help"])
    assert top.code == 0 and run(["help"]).out == top.out
    assert run(["help"]).code == 0


def test_the_command_list_keeps_whole_sentences():
    out = run(["--help"]).out
    listing = out[out.index("Commands:") :]
    entries = re.split(r"\n  (?=\S)", listing)[1:]
    assert len(entries) >= 20
    for entry in entries:
        text = " ".join(entry.split()[1:])
        assert not text.endswith("..."), entry
        assert text.endswith((".", ")", "?")), entry
