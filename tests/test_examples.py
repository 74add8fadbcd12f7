"""Every example in `gcal --help`, in each command's --help and in README.md, run as written.

Each runs against the demo account (`--demo`) in a scratch folder, through the real entry point,
and must exit 0. Shell syntax in the README (`> file`, `"$(cat file)"`, `# comments`) is
honoured. The few that need a person or a long-running server are run by the tests named in
COVERED_ELSEWHERE; here they must at least parse.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import click
import pytest

from gcal.cli.app import cli
from gcal.emulator.demo import demo_facts
from runner import run

README = Path(__file__).resolve().parent.parent / "README.md"
PLACEHOLDERS = {"SERIES_ID": "weeklysync", "CALENDAR_ID": "primary", "EVENT_ID": "weeklysync"}
# calendar names the examples use that the demo account spells otherwise
DEMO_NAMES = {"Work": "Engineering", "Family": "Ada Lovelace", "family": "ada lovelace"}
# realistic ids in the examples, mapped onto the demo account's (whose instance ids follow the
# current week)
DEMO_IDS = [
    (re.compile(r"\Awork@example\.com\Z"), lambda m: "primary"),
    (re.compile(r"\A[0-9a-z]{26}\Z"), lambda m: "dentist"),
    # an instance id in an example run on the demo's own clock (GCAL_EMULATOR_NOW=...) is
    # checked as written
    (re.compile(r"\Aweeklysync_\d{8}T\d{6}Z\Z"), lambda m: demo_facts()["instance_ids"][0]),
]
# `NAME=value gcal ...`: an example run with that environment (e.g. the demo's clock pinned)
_ENV = re.compile(r"^\s*((?:[A-Z][A-Z0-9_]*=\S+\s+)+)(gcal\s.*)$")
# examples that wait for a person's paste, serve until Ctrl-C or need several accounts: run end
# to end by the tests named
COVERED_ELSEWHERE = {
    "auth login --noauth-local-webserver": "test_auth_cli.py::test_cli_headless_login_through_"
    "stdin",
    "emulator": "test_emulator_cli.py::test_the_readme_emulator_workflow",
    # the file a person downloads: run with the emulator's client files
    "auth setup --client-secrets-file": "test_auth_setup.py::test_setup_installs_a_desktop_"
    "file_0600_where_login_finds_it_and_logs_in",
    "--client-secrets emu": "test_emulator_cli.py::test_the_readme_emulator_workflow",
    # several logged-in accounts: the demo is one (the more specific first)
    "agenda --profile work --profile personal --offline": "test_profiles_store.py::test_offline_"
    "agenda_of_two_profiles_equals_the_live_one",
    "agenda --profile work --profile personal": "test_profiles.py::test_agenda_of_two_profiles_"
    "shows_a_shared_meeting_once",
    "next --profile work --profile personal": "test_profiles_store.py::test_next_is_the_next_"
    "event_of_every_profile",
    "week --profile work --profile personal": "test_profiles_store.py::test_week_and_month_of_"
    "two_profiles_from_the_stores_equal_the_live_ones",
    "month --all-profiles": "test_profiles_store.py::test_week_and_month_of_two_profiles_from_"
    "the_stores_equal_the_live_ones",
    "agenda --all-profiles": "test_profiles.py::test_agenda_of_two_profiles_shows_a_shared_"
    "meeting_once",
    "conflicts --all-profiles": "test_conflicts.py::test_the_same_meeting_in_two_profiles_is_no_"
    "conflict",
    "conflicts --offline": "test_conflicts.py::test_offline_answers_the_same_from_the_store",
    "search review --all --format json --offline": "test_search.py::test_words_prefixes_"
    "phrases_fields",
    "sync --profile work --profile personal": "test_sync_profiles.py::test_two_profiles_sync_"
    "each_into_its_own_store",
    "sync --all-profiles": "test_sync_profiles.py::test_two_profiles_sync_each_into_its_own_store",
    # runs until stopped; runs a program of the user's
    "remind --watch": "test_remind.py::test_watch_sleeps_until_each_reminder_and_keeps_going_"
    "with_the_api_down",
    # what is on now: the demo's meetings around the clock, on a pinned clock in that test
    "join --print": "test_join_invites.py::test_join_in_the_demo",
    "join --within": "test_join_invites.py::test_join_in_the_demo",
    "remind --command": "test_remind.py::test_command_gets_the_event_as_json_and_the_"
    "environment_as_data",
    # an MCP server talks JSON-RPC on stdin until its client goes: driven by the SDK's client
    "mcp": "test_mcp.py::test_demo_server_answers_like_the_cli_and_survives_bad_input",
    "--demo mcp": "test_mcp.py::test_demo_server_answers_like_the_cli_and_survives_bad_input",
    # undo takes back the previous command, which each example's own --demo world never saw
    "undo": "test_writes.py::test_undo_reverts_an_edit_field_by_field_and_deletes_an_added_event",
}
_LINE = re.compile(r"^\s*(?:[A-Za-z][\w ()]*:\s+)?(gcal\s.*)$")


def _subcommands(group: click.Group) -> Dict[str, click.Command]:
    all_commands = getattr(group, "all_commands", None)
    return all_commands() if all_commands else dict(group.commands)


def _commands(group: click.Group, path: Tuple[str, ...] = ()) -> Iterator[Tuple[str, ...]]:
    yield path
    for name, command in sorted(_subcommands(group).items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


def _examples_in(text: str) -> List[str]:
    found, pending = [], ""
    for raw in text.splitlines():
        line = pending + raw.strip() if pending else raw
        pending = ""
        if "&& gcal " in line:  # pip install . && gcal --demo ...
            line = line[line.index("&& gcal ") + 3 :]
        env = _ENV.match(line)
        if env:  # kept in front of the example: run_example sets it
            found.append(re.sub(r"\s{2,}#.*$", "", env.group(1) + env.group(2)).strip())
            continue
        match = _LINE.match(line) if not line.startswith("gcal ") else re.match(r"(gcal\s.*)", line)
        if not match or line.lstrip().startswith("Usage:"):
            continue
        example = match.group(1).strip()
        if example.endswith("\\"):
            pending = example[:-1].strip() + " "
            continue
        example = re.sub(r"\s{2,}\S.*$", "", example)  # a remark after two spaces
        found += ["gcal " + e for e in example[len("gcal ") :].split(", gcal ")]  # a, gcal b
    return found


def help_examples() -> List[str]:
    examples = []
    for path in _commands(cli):
        result = run([*path, "--help"])
        assert result.code == 0, (path, result.err)
        examples += [e for e in _examples_in(result.out) if e not in examples]
    return examples


def readme_examples() -> List[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    examples: List[str] = []
    for block in blocks:
        for example in _examples_in(block):
            if (_ENV.match(example) or example.startswith("gcal ")) and example not in examples:
                examples.append(example)
    return examples


# answers from a store a `gcal sync` filled: the store tests sync first, then ask
OFFLINE = "test_store_agenda.py::test_offline_agenda_equals_the_live_agenda_across_dst"


def _covering_test(example: str):
    rest = example[len("gcal ") :]
    elsewhere = next((v for k, v in COVERED_ELSEWHERE.items() if rest.startswith(k)), None)
    if elsewhere is None and " --offline" in f" {rest}":
        return OFFLINE
    return elsewhere


def _elsewhere(example: str) -> bool:
    return _covering_test(example) is not None


def run_example(example: str, folder: Path):
    """Run one example line as a shell would, with gcal in --demo; return the Result."""
    env: Dict[str, str] = {}
    words = shlex.split(example, comments=True)
    while words and re.match(r"[A-Z][A-Z0-9_]*=", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    words = words[1:]
    if "|" in words:  # a pipe into another program: gcal's part is what is checked
        words = words[: words.index("|")]
    out_file = None
    if ">" in words:
        at = words.index(">")
        out_file, words = words[at + 1], words[:at]
    args: List[str] = []
    for word in words:
        if args and args[-1] in ("-c", "--calendar"):
            word = DEMO_NAMES.get(word, word)
        if word.endswith("/") and not word.startswith(("http:", "https:", "-")):
            (folder / word).mkdir(parents=True, exist_ok=True)  # an output folder
        for name, value in PLACEHOLDERS.items():
            word = word.replace(name, value)
        for pattern, replace in DEMO_IDS if not env else ():
            word = pattern.sub(replace, word)
        word = re.sub(r"\$\(cat (\S+)\)", lambda m: (folder / m.group(1)).read_text().strip(), word)
        if word in ("sync.txt", "calendars.json", "all.ndjson") or word.endswith(".txt"):
            word = str(folder / word)
        args.append(word)
    after = args[args.index("import") + 1 :] if "import" in args else []
    for name in [a for a in after if a.endswith(".ics")]:  # made by an export example before
        source = folder / name
        if not source.exists():
            source.write_text(run(["--demo", "export", "primary"]).out, encoding="utf-8")
    result = run(["--demo", *args], env=env)
    if out_file:
        (folder / out_file).write_text(result.out)
    return result


def _ids(examples: List[str]) -> List[str]:
    return [e[:60] for e in examples]


HELP = help_examples()
READMES = readme_examples()


def test_examples_are_found() -> None:
    assert "gcal calendars" in HELP and "gcal calendars" in READMES
    assert len(HELP) >= 10 and len(READMES) >= 10


@pytest.mark.parametrize("example", HELP, ids=_ids(HELP))
def test_help_example_runs(example: str, tmp_path, monkeypatch) -> None:
    _check(example, tmp_path, monkeypatch)


@pytest.mark.parametrize("example", READMES, ids=_ids(READMES))
def test_readme_example_runs(example: str, tmp_path, monkeypatch) -> None:
    _check(example, tmp_path, monkeypatch)


def _check(example: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    if _elsewhere(example):
        module, name = _covering_test(example).split("::")
        assert f"def {name}(" in (Path(__file__).parent / module).read_text(encoding="utf-8")
        return
    if "sync-token" in example and "$(cat sync.txt)" in example:
        first = run_example(
            "gcal events primary --format ndjson --sync-token-file sync.txt", tmp_path
        )
        assert first.code == 0, first.err
    result = run_example(example, tmp_path)
    assert result.code == 0, f"{example}\n{result.err}"
    assert "error" not in result.err, result.err


def test_upcoming_events_example_is_in_start_order(tmp_path, monkeypatch) -> None:
    (example,) = [e for e in HELP if "--time-min now" in e]
    assert "--order-by startTime" in example
    result = run_example(example + " --format ndjson --limit 40", tmp_path)
    assert result.code == 0, result.err
    starts = [json.loads(line)["start"] for line in result.out.splitlines()]
    keys = [s.get("dateTime") or s["date"] for s in starts]
    from gcal.core.timespec import parse_time

    instants = [parse_time(k if "T" in k else k + "T00:00:00+00:00") for k in keys]
    assert len(instants) >= 5
    assert instants == sorted(instants)


def test_the_readme_completion_line_gives_a_script() -> None:
    assert 'eval "$(_GCAL_COMPLETE=bash_source gcal)"' in README.read_text(encoding="utf-8")
    result = run([], env={"_GCAL_COMPLETE": "bash_source"})
    assert result.code == 0
    assert "_GCAL_COMPLETE=bash_complete" in result.out
