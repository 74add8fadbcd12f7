"""Shell completion offers what the API accepts and files where a path is expected."""

from __future__ import annotations

import pytest

from runner import run


def _complete(*words: str) -> list:
    env = {"_GCAL_COMPLETE": "bash_complete", "COMP_WORDS": " ".join(["gcal", *words])}
    env["COMP_CWORD"] = str(len(words))
    result = run([], env=env)
    assert result.code == 0, result.err
    return result.out.splitlines()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["events", "primary", "--order-by", "startT"], "plain,startTime"),
        (["events", "primary", "--order-by", "st"], "plain,startTime"),
        (["events", "primary", "--event-type", "focus"], "plain,focusTime"),
        (["calendars", "--min-access-role", "writerW"], "plain,writerWithoutPrivateAccess"),
    ],
)
def test_choices_complete_in_the_apis_spelling(words: list, expected: str) -> None:
    assert _complete(*words) == [expected]


@pytest.mark.parametrize(
    "words",
    [
        ["--credentials", "cal"],
        ["--client-secrets", "cli"],
        ["events", "primary", "--sync-token-file", "sy"],
        ["events", "primary", "--credentials", "cal"],
    ],
)
def test_paths_complete_as_files(words: list) -> None:
    assert _complete(*words) == [f"file,{words[-1]}"]
