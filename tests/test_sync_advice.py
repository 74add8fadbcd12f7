"""`--offline` on a calendar never synced names the exact command that syncs it, and that
command works: a plain `gcal sync` skips hidden calendars, so advising it would loop."""

from __future__ import annotations

import re
import shlex

from runner import run


def _advice(err: str) -> list:
    return re.findall(r"'(gcal [^']*)'", err)


def _follow(command: str, env: dict) -> None:
    words = shlex.split(command)
    assert words[0] == "gcal"
    result = run([*words[1:], "--quiet"], env=env)
    assert result.code == 0, (command, result.err)


def test_following_the_first_advice_reaches_an_answer(tmp_path) -> None:
    env = {"GCAL_CACHE_DIR": str(tmp_path)}
    assert run(["--demo", "sync", "--quiet"], env=env).code == 0  # the shown calendars only
    seen = []
    for _ in range(10):
        result = run(["--demo", "agenda", "--all-calendars", "--offline"], env=env)
        if result.code == 0:
            break
        assert result.code == 4 and len(result.err_lines) == 1, result.err
        command = _advice(result.err)[0]
        assert "--calendar" in command and command not in seen, (command, seen)  # no loop
        seen.append(command)
        _follow(command, env)
    else:
        raise AssertionError(f"still not synced after {seen}")
    assert seen and any("#holiday" in c for c in seen)  # a hidden calendar was named, quoted


def test_the_second_advice_syncs_every_calendar_at_once(tmp_path) -> None:
    env = {"GCAL_CACHE_DIR": str(tmp_path)}
    assert run(["--demo", "sync", "--quiet"], env=env).code == 0
    result = run(["--demo", "agenda", "--all-calendars", "--offline"], env=env)
    assert result.code == 4
    command = _advice(result.err)[1]
    assert command == "gcal --demo sync --all-calendars"
    _follow(command, env)
    assert run(["--demo", "agenda", "--all-calendars", "--offline"], env=env).code == 0


def test_a_calendar_id_is_one_shell_word() -> None:
    from gcal.commands.stored import shell_word

    for text in ("primary", "en.german#holiday@group.v.calendar.google.com", "a b", "x'$y"):
        assert shlex.split(shell_word(text)) == [text]
    assert shell_word("ada@example.com") == "ada@example.com"
