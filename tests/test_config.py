"""config.toml: precedence, profile tables, every bad key and type, `gcal config path|show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner import run
from store_support import Account


@pytest.fixture
def acct(emulator, tmp_path) -> Account:
    """A logged-in account on the demo data (--demo itself ignores the config file)."""
    folder = tmp_path / "account"
    folder.mkdir()
    return Account(emulator, folder)


def live(acct: Account, args: list, env: dict):
    """`gcal ARGS` as that account, with the config folder of `env`."""
    return run([*acct.args, *args], env={**acct.env, **env})


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def show(env: dict, *args: str) -> dict:
    result = run(["config", "show", "--format", "json", *args], env=env)
    assert result.code == 0, result
    document = json.loads(result.out)
    return {row["key"]: (row["value"], row["source"]) for row in document["settings"]}


CONFIG = """\
timeout = 11
retries = 1
retry_max_time = 50

[profiles.work]
timeout = 22
retries = 2
"""


def test_each_level_overrides_the_next(tmp_path):
    path = write(tmp_path, CONFIG)
    env = {"GCAL_CONFIG_DIR": str(tmp_path)}
    top = show(env)
    assert top["timeout"] == (11.0, f"{path}, line 1")
    assert top["retries"] == (1, f"{path}, line 2")
    work = show(env, "--profile", "work")  # the profile's table over the top level
    assert work["timeout"] == (22.0, f"{path}, line 6 [profiles.work]")
    assert work["retry_max_time"] == (50.0, f"{path}, line 3")  # not in the table: top level
    env_over = show({**env, "GCAL_TIMEOUT": "33"}, "--profile", "work")  # environment over both
    assert env_over["timeout"] == (33.0, "environment (GCAL_TIMEOUT)")
    assert env_over["retries"] == (2, f"{path}, line 7 [profiles.work]")
    cli = show({**env, "GCAL_TIMEOUT": "33"}, "--profile", "work", "--timeout", "44")
    assert cli["timeout"] == (44.0, "command line")  # the command line over everything
    before = run(["--timeout", "55", "config", "show", "-f", "json"], env=env)
    assert {r["key"]: r["value"] for r in json.loads(before.out)["settings"]}["timeout"] == 55.0
    assert show({"GCAL_CONFIG_DIR": str(tmp_path / "none")})["timeout"] == (30.0, "default")


def test_the_profile_comes_from_gcal_profile_too(tmp_path):
    write(tmp_path, CONFIG)
    result = run(["config", "show", "-f", "json"],
                 env={"GCAL_CONFIG_DIR": str(tmp_path), "GCAL_PROFILE": "work"})  # fmt: skip
    document = json.loads(result.out)
    assert document["profile"] == "work"
    values = {r["key"]: r for r in document["settings"]}
    assert values["timeout"]["value"] == 22.0
    assert values["credentials"] == {
        "key": "credentials",
        "value": str(tmp_path / "profiles" / "work" / "calendar.dat"),
        "source": "profile work",
    }


def test_config_values_reach_the_commands(tmp_path, acct):
    write(tmp_path, 'format = "json"\n[profiles.csv]\nformat = "csv"\n')
    env = {"GCAL_CONFIG_DIR": str(tmp_path)}
    as_json = live(acct, ["calendars", "--limit", "2"], env)
    assert as_json.code == 0, as_json
    assert json.loads(as_json.out)[0]["id"] == "ada@example.com"
    as_csv = live(acct, ["--profile", "csv", "calendars", "--limit", "2"], env)
    assert as_csv.out.splitlines()[0].startswith("id,summary,")
    forced = live(acct, ["--profile", "csv", "calendars", "--limit", "2", "-f", "tsv"], env)
    assert forced.out.splitlines()[0].startswith("id\tsummary\t")


def test_show_in_text_names_file_line_and_table(tmp_path):
    path = write(tmp_path, CONFIG)
    result = run(["config", "show", "-f", "table", "--profile", "work"],
                 env={"GCAL_CONFIG_DIR": str(tmp_path)})  # fmt: skip
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == "# profile: work"
    assert f"# config file: {path}" in lines
    assert any(
        line.startswith("timeout") and line.endswith(f"= 22.0  # {path}, line 6 [profiles.work]")
        for line in lines
    ), lines
    assert any(line.startswith("format") and "# command line" in line for line in lines)


def test_show_of_a_profile_that_does_not_exist_yet_says_so(tmp_path):
    write(tmp_path, CONFIG)  # has [profiles.work]
    env = {"GCAL_CONFIG_DIR": str(tmp_path)}
    new = run(["config", "show", "-f", "table", "--profile", "nope"], env=env)
    assert new.code == 0, new
    assert new.out.splitlines()[1].startswith("# (no profile nope yet: no folder and no ")
    known = run(["config", "show", "-f", "table", "--profile", "work"], env=env)
    assert "no profile" not in known.out
    as_json = run(["config", "show", "-f", "json", "--profile", "nope"], env=env)
    assert json.loads(as_json.out)["profile_exists"] is False
    as_json = run(["config", "show", "-f", "json", "--profile", "work"], env=env)
    assert json.loads(as_json.out)["profile_exists"] is True


def test_config_path_follows_gcal_config(tmp_path):
    target = tmp_path / "elsewhere.toml"
    result = run(["config", "path"], env={"GCAL_CONFIG": str(target)})
    assert result.code == 0 and result.out.strip() == str(target)
    default = run(["config", "path"], env={"GCAL_CONFIG_DIR": str(tmp_path)})
    assert default.out.strip() == str(tmp_path / "config.toml")


def test_gcal_config_names_the_file_to_read(tmp_path):
    other = tmp_path / "other.toml"
    other.write_text("retries = 4\n")
    values = show({"GCAL_CONFIG": str(other), "GCAL_CONFIG_DIR": str(tmp_path / "x")})
    assert values["retries"] == (4, f"{other}, line 1")
    missing = run(["config", "show"], env={"GCAL_CONFIG": str(tmp_path / "missing.toml")})
    assert missing.code == 2 and "does not exist" in missing.err


BAD = [
    # (file text, line, key, what the message says)
    ('formt = "json"\n', 1, "formt", "unknown key 'formt' (did you mean 'format'?)"),
    ("timeout = 3\n\n[profiles.work]\nbogus = 1\n", 4, "profiles.work.bogus", "unknown key"),
    (
        'format = "xml"\n',
        1,
        "format",
        "must be one of table, json, ndjson, csv, tsv, ics, not 'xml'",
    ),
    ("format = 1\n", 1, "format", "must be one of table, json, ndjson, csv, tsv, ics, not 1"),
    ('timeout = "30"\n', 1, "timeout", "must be a number, not '30'"),
    ("timeout = 0\n", 1, "timeout", "must be a number from 0.1 to 3600, not 0"),
    ("retries = 1.5\n", 1, "retries", "must be an integer, not 1.5"),
    ("retries = true\n", 1, "retries", "must be an integer, not a boolean"),
    ('no_declined = "yes"\n', 1, "no_declined", "must be true or false, not 'yes'"),
    ('calendars = "primary"\n', 1, "calendars", "must be a list of strings, not 'primary'"),
    ("calendars = [1, 2]\n", 1, "calendars", "must be a list of strings, not a list"),
    ("auth_host_port = [8080, 70000]\n", 1, "auth_host_port", "list of port numbers"),
    ('client_secrets = ""\n', 1, "client_secrets", "must be a string, not an empty string"),
    ('week_start = "someday"\n', 1, "week_start", "must be one of monday"),
    ("\n\n[profiles.work]\ndays = 0\n", 4, "profiles.work.days", "of at least 1"),
    ('\n[profiles.work]\ndays = "5"\n', 3, "profiles.work.days", "must be an integer"),
    ('profiles = "work"\n', 1, "profiles", "must be a table of profiles"),
    ("[profiles]\nwork = 1\n", 2, "profiles.work", "must be a table, not an integer"),
    ("time_zone = 2024-01-01\n", 1, "time_zone", "not a date or time"),
    ('time_zone = "Mars/Olympus"\n', 1, "time_zone", "IANA time zone name"),
    ('\n[profiles.work]\ntime_zone = "Berlin"\n', 3, "profiles.work.time_zone", "not 'Berlin'"),
]


@pytest.mark.parametrize(("text", "line", "key", "said"), BAD)
def test_every_bad_key_and_type_is_one_line_with_file_line_and_key(tmp_path, text, line, key, said):
    path = write(tmp_path, text)
    result = run(["calendars"], env={"GCAL_CONFIG_DIR": str(tmp_path)})
    assert result.code == 2, result
    assert len(result.err_lines) == 1, result
    assert result.err.startswith(f"gcal: error: {path}, line {line}: ")
    assert f"'{key}'" in result.err
    assert said in result.err
    assert result.out == ""


def test_invalid_toml_names_the_line(tmp_path):
    path = write(tmp_path, 'format = "json"\nretries = = 2\n')
    result = run(["calendars"], env={"GCAL_CONFIG_DIR": str(tmp_path)})
    assert result.code == 2, result
    assert result.err.startswith(f"gcal: error: {path}, line 2: invalid TOML")
    assert len(result.err_lines) == 1


def test_a_bad_profile_name_is_a_usage_error(tmp_path):
    result = run(["--profile", "../etc", "auth", "status"], env={"GCAL_CONFIG_DIR": str(tmp_path)})
    assert result.code == 2 and "invalid profile name" in result.err
    table = write(tmp_path, '[profiles."a b"]\ndays = 1\n')
    result = run(["auth", "status"], env={"GCAL_CONFIG_DIR": str(tmp_path)})
    assert result.code == 2 and f"{table}, line 1: invalid profile name 'a b'" in result.err


def test_only_the_agenda_takes_several_profiles(tmp_path):
    result = run(["--profile", "a", "--profile", "b", "calendars"],
                 env={"GCAL_CONFIG_DIR": str(tmp_path)})  # fmt: skip
    assert result.code == 2
    from gcal.cli.runsettings import SEVERAL_ACCOUNTS

    assert f"only {SEVERAL_ACCOUNTS} take several accounts" in result.err


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        ("gcal.configkeys", {"gcal.record"}),
        ("gcal.profiles", {"gcal.errors", "gcal.paths"}),
        (
            "gcal.config",
            {"gcal.errors", "gcal.files", "gcal.paths", "gcal.record", "gcal.configkeys"}
            | {"gcal.profiles"},
        ),
    ],
)
def test_config_layer_imports_nothing_above_it(module, allowed):
    import ast
    import importlib
    import inspect

    tree = ast.parse(inspect.getsource(importlib.import_module(module)))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    gcal_modules = {name for name in imported if name and name.startswith("gcal")}
    assert gcal_modules <= allowed, gcal_modules


def test_agenda_and_views_take_their_defaults_from_the_file(tmp_path, acct):
    write(
        tmp_path,
        'time_zone = "Asia/Tokyo"\nweek_start = "sunday"\n'
        '[profiles.eng]\ncalendars = ["Engineering"]\ndays = 14\n',
    )
    env = {"GCAL_CONFIG_DIR": str(tmp_path), "COLUMNS": "120"}
    week = live(acct, ["week", "-f", "table"], env)
    assert week.code == 0, week
    assert "Asia/Tokyo" in week.out.splitlines()[0]
    assert "│Sun " in week.out
    monday = live(acct, ["week", "-f", "table", "--week-start", "monday"], env)
    assert "│Mon " in monday.out.splitlines()[2]  # the command line wins
    agenda = live(acct, ["--profile", "eng", "agenda", "-f", "json"], env)
    assert agenda.code == 0, agenda
    events = json.loads(agenda.out)
    assert events and {e["calendarId"] for e in events} == {
        "team.engineering@group.calendar.google.com"
    }
    starts = sorted(e["start"].get("dateTime", e["start"].get("date")) for e in events)
    assert starts[-1][:10] > starts[0][:10]  # more than a week's worth is asked for
    other = live(acct, ["--profile", "eng", "agenda", "-f", "json", "-c", "primary"], env)
    assert {e["calendarId"] for e in json.loads(other.out)} == {"ada@example.com"}


def test_configured_calendars_are_a_default_that_all_calendars_overrides(tmp_path, acct):
    """`calendars` in the file stands in for -c; --all-calendars asks for every calendar, so it
    must win over the file rather than clash with it as if -c had been typed; `gcal sync`
    syncs the agenda's calendars, so the file's choice too."""
    write(tmp_path, 'calendars = ["primary"]\n')
    env = {"GCAL_CONFIG_DIR": str(tmp_path), "GCAL_CACHE_DIR": str(tmp_path / "cache")}
    mine = live(acct, ["agenda", "--days", "7", "-f", "json"], env)
    assert mine.code == 0, mine
    assert {e["calendarId"] for e in json.loads(mine.out)} == {"ada@example.com"}
    every = live(acct, ["agenda", "--days", "7", "-f", "json", "--all-calendars"], env)
    assert every.code == 0, every
    assert len({e["calendarId"] for e in json.loads(every.out)}) > 1
    for command in (["week"], ["month"], ["next", "--within", "7d"]):
        result = live(acct, [*command, "--all-calendars", "-f", "json"], env)
        assert result.code == 0, (command, result)
    synced = live(acct, ["sync"], env)
    assert synced.code == 0, synced
    assert [line.split(": ")[2] for line in synced.err_lines] == ["ada@example.com"]
    offline = live(acct, ["agenda", "--days", "7", "-f", "json", "--offline"], env)
    assert offline.code == 0, offline
    assert json.loads(offline.out) == json.loads(mine.out)


def test_the_file_knows_every_output_format_and_global_option():
    from gcal import configkeys
    from gcal.cli import formats, options

    assert configkeys.FORMATS == formats.FORMATS
    fields = {g.field for g in options.GLOBALS} - {"demo", "profile"}
    keys = {k.field or k.name for k in configkeys.KEYS if k.field} | {"no_browser"}
    assert fields <= keys, fields - keys
