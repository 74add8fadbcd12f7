"""gcal against a hostile Calendar API (tests/hostile_server.py): every command that talks to the
API, against every network attack, ends within its deadline and a memory cap, with a documented
exit code and one-line errors, never an "unexpected" one.

The commands of one mode run one after another in one child process (tests/hostile_run.py), whose
peak RSS is measured; the modes run side by side. Requests get `--timeout 0.5`: the trickling
server sends a byte every 0.1 s, so a time-out per read alone would never fire.
"""

from __future__ import annotations

import concurrent.futures
import time
from pathlib import Path
from typing import Dict, List

import pytest

from gcal.errors import NetworkError
from gcal.google.retry import Retryable, call_with_retries
from gcal.settings import Settings
from hostile_run import Run, run_commands
from hostile_server import (
    API_COMMANDS,
    NETWORK_MODES,
    OTHER,
    HostileServer,
    write_account,
)
from runner import run

TIMEOUT = 0.5  # --timeout: each request's deadline, all of it
RETRIES = 2
RETRY_MAX_TIME = 1.0
OPTIONS = ["--timeout", str(TIMEOUT), "--retries", str(RETRIES)]
OPTIONS += ["--retry-max-time", str(RETRY_MAX_TIME)]
#: what one command may take: its retries' bound, a last attempt per request, start-up, and
#: slack for a loaded machine (a hang is what this catches: before, trickle never ended)
DEADLINE = 12.0
#: peak RSS of the child that runs a mode's commands: gcal's own (~100 MB with Google's
#: libraries) plus at most one answer at the 64 MB limit; a gzip bomb once took 2.7 GB
MEMORY_CAP_MB = 320
PAGE_CAP = 20  # GCAL_MAX_PAGES for the endless page tokens (the default is 10,000)

#: the documented exit codes each attack may end in (0: the command did not meet it, e.g.
#: freebusy, which is not paged, against endless page tokens)
EXPECTED: Dict[str, set] = {
    "trickle": {5},
    "trickle_body": {5},
    "gzip_bomb": {5},
    "endless": {5},
    "cut": {5},
    "deep_json": {5},
    "deep_json_error": {1},
    "wide_json": {5},
    "endless_pages": {0, 1},
    "gone": {1, 4},
    "retry_after": {5},
}


def _env(folder: Path) -> Dict[str, str]:
    return {
        "GCAL_CONFIG_DIR": str(folder / "config"),
        "GCAL_CACHE_DIR": str(folder / "cache"),
        "GCAL_BACKOFF_BASE": "0.01",
        "GCAL_MAX_PAGES": str(PAGE_CAP),
    }


def _run_mode(mode: str, folder: Path) -> Run:
    folder.mkdir()
    with HostileServer(mode, trickle_every=0.1) as server:
        account = write_account(folder, server)
        commands = [(name, [*account, *OPTIONS, *args]) for name, args in API_COMMANDS.items()]
        return run_commands(commands, _env(folder), hard_deadline=DEADLINE * len(commands) + 30)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Run]:
    """Every network mode's run, six at a time (most of their time is waiting)."""
    base = tmp_path_factory.mktemp("hostile")
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        futures = {mode: pool.submit(_run_mode, mode, base / mode) for mode in NETWORK_MODES}
        return {mode: future.result() for mode, future in futures.items()}


def _problems(mode: str, result: Run) -> List[str]:
    problems = []
    if result.killed:
        problems.append(f"killed at the hard deadline while running {result.unfinished}")
    if result.peak_rss_mb > MEMORY_CAP_MB:
        problems.append(f"peak RSS {result.peak_rss_mb:.0f} MB > {MEMORY_CAP_MB} MB")
    outcomes = result.by_name()
    for name in API_COMMANDS:
        outcome = outcomes.get(name)
        if outcome is None:
            problems.append(f"{name}: never ended")
            continue
        said = outcome.err.strip().splitlines()
        if outcome.seconds > DEADLINE:
            problems.append(f"{name}: took {outcome.seconds:.1f} s > {DEADLINE} s")
        if outcome.code not in EXPECTED[mode]:
            problems.append(f"{name}: exit {outcome.code}, expected {EXPECTED[mode]}: {said}")
        if "unexpected" in outcome.err or "Traceback" in outcome.err:
            problems.append(f"{name}: {said}")
        if outcome.code and not any(line.startswith("gcal: error: ") for line in said):
            problems.append(f"{name}: exit {outcome.code} without an error line: {said}")
        if any(not line.startswith("gcal: ") for line in said):
            problems.append(f"{name}: a line of stderr is not gcal's one-line message: {said}")
    return problems


@pytest.mark.parametrize("mode", NETWORK_MODES)
def test_every_command_survives_the_attack(runs: Dict[str, Run], mode: str) -> None:
    assert _problems(mode, runs[mode]) == []


def test_the_limits_say_what_they_stopped(runs: Dict[str, Run]) -> None:
    for mode in ("gzip_bomb",):
        for name, outcome in runs[mode].by_name().items():
            assert "larger than 64 MB (decoded)" in outcome.err, (mode, name, outcome.err)
    for name in ("trickle", "trickle_body"):
        outcome = runs[name].by_name()["events"]
        assert "timed out" in outcome.err
    endless = runs["endless_pages"].by_name()
    assert f"at most {PAGE_CAP} pages" in endless["events"].err
    assert "run again without --sync-token" not in runs["gone"].by_name()["sync"].err
    assert "HTTP 410" in runs["gone"].by_name()["sync"].err


# -- the token endpoint attacks -----------------------------------------------------------------

TOKEN_MODES = ("trickle", "gzip_bomb", "endless", "cut", "deep_json")


def _run_token_mode(mode: str, folder: Path) -> Run:
    """An expired token, so each command first asks the token endpoint, which attacks."""
    folder.mkdir()
    with HostileServer(mode, on={"token"}, trickle_every=0.1) as server:
        account = [*write_account(folder, server, expired=True), *OPTIONS]
        commands = [(name, [*account, *API_COMMANDS[name]]) for name in ("calendars", "sync")]
        return run_commands(commands, _env(folder), hard_deadline=DEADLINE * 2 + 30)


@pytest.fixture(scope="module")
def token_runs(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Run]:
    base = tmp_path_factory.mktemp("hostile-token")
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        futures = {mode: pool.submit(_run_token_mode, mode, base / mode) for mode in TOKEN_MODES}
        return {mode: future.result() for mode, future in futures.items()}


@pytest.mark.parametrize("mode", TOKEN_MODES)
def test_a_hostile_token_endpoint_is_a_network_error(token_runs: Dict[str, Run], mode) -> None:
    result = token_runs[mode]
    assert not result.killed, result.unfinished
    assert result.peak_rss_mb < MEMORY_CAP_MB
    for name, outcome in result.by_name().items():
        assert outcome.seconds < DEADLINE, (name, outcome)
        assert outcome.code == 5, (name, outcome.err)
        assert "unexpected" not in outcome.err, (name, outcome.err)
        assert len(outcome.err.strip().splitlines()) == 1, (name, outcome.err)
    assert len(result.outcomes) == 2


@pytest.mark.parametrize("mode", ["trickle", "trickle_body", "endless", "gzip_bomb", "deep_json"])
def test_the_logins_code_exchange_has_a_deadline_and_a_size_limit(tmp_path, mode) -> None:
    """The headless login's code exchange (requests, whose time-out is per read) ends in time."""
    with HostileServer(mode, on={"token"}, trickle_every=0.1) as server:
        account = write_account(tmp_path, server)
        (tmp_path / "calendar.dat").unlink()
        started = time.monotonic()
        result = run(
            [*account, *OPTIONS, "auth", "login", "--noauth-local-webserver"],
            input="4/0Abcdefghijkl\n",
            env=_env(tmp_path),
        )
    assert time.monotonic() - started < DEADLINE
    assert result.code == 5, result.err
    assert "unexpected" not in result.err
    assert result.err_lines[-1].startswith("gcal: error: ")


# -- one calendar misbehaves ---------------------------------------------------------------


def test_one_calendars_pathological_answer_is_that_calendars_error_line(tmp_path) -> None:
    """100,000 levels of nested JSON from one calendar: its usual error line, the others shown."""
    with HostileServer("deep_json", calendar=OTHER, on={"events"}) as server:
        account = [*write_account(tmp_path, server), *OPTIONS]
        for command in (["agenda"], ["next"], ["sync"]):
            result = run([*account, *command], env=_env(tmp_path))
            assert "unexpected" not in result.err, (command, result.err)
            assert result.code == 5, (command, result.err)
            lines = [line for line in result.err_lines if OTHER in line]
            assert lines and "nested too deeply" in lines[0], (command, result.err)
            if command == ["agenda"]:
                assert "Meeting event1" in result.out  # the primary calendar's event
            if command == ["sync"]:
                assert "me@example.com: 3 added" in result.err
        # the status bar's command: the store answers for what it has, the other is named
        result = run([*account, "next", "--cached"], env=_env(tmp_path))
        assert result.code in (4, 5) and "unexpected" not in result.err, result.err
        assert OTHER in result.err


# -- a body cut mid-transfer is retried ------------------------------------------------------


@pytest.mark.parametrize("command", [["events", "primary"], ["sync"], ["next", "--cached"]])
def test_a_body_cut_mid_transfer_is_retried(tmp_path, command) -> None:
    """IncompleteRead, on httplib2's path (events) and http.client's (sync), is retried."""
    with HostileServer("cut", cut_times=1) as server:
        result = run([*write_account(tmp_path, server), *OPTIONS, *command], env=_env(tmp_path))
        assert result.code == 0, result.err
        assert len(server.requests()) >= 2


# -- the token endpoint trickles ---------------------------------------------------------------


def test_a_trickling_token_endpoint_holds_neither_the_command_nor_the_lock(tmp_path) -> None:
    """Two gcal at once with an expired token and a token endpoint that trickles: each ends in
    its deadline; the second never waits for the first's calendar.dat.lock for long."""
    with HostileServer("trickle", on={"token"}, trickle_every=0.1) as server:
        account = [*write_account(tmp_path, server, expired=True), *OPTIONS]
        commands = [("calendars", [*account, "calendars"])]
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            futures = [
                pool.submit(run_commands, commands, _env(tmp_path), hard_deadline=60)
                for _ in range(2)
            ]
            results = [f.result() for f in futures]
    for result in results:
        assert not result.killed
        outcome = result.by_name()["calendars"]
        assert outcome.seconds < DEADLINE, outcome
        assert outcome.code == 5, outcome.err
        assert "unexpected" not in outcome.err
        assert "held" not in outcome.err  # not "another gcal process has held the lock"


# -- --retry-max-time bounds the whole command ---------------------------------------------------


def test_retry_max_time_bounds_the_whole_commands_waiting(monkeypatch) -> None:
    """Failed attempts and waits count against one budget shared by the command's requests:
    a second request, once it is spent, is not retried."""
    monkeypatch.setenv("GCAL_BACKOFF_BASE", "0")
    settings = Settings(max_retries=50, retry_max_time=0.6)
    attempts: List[float] = []

    def failing() -> None:
        attempts.append(time.monotonic())
        time.sleep(0.15)
        raise Retryable("timed out", lambda n: NetworkError(f"gave up after {n}"))

    started = time.monotonic()
    with pytest.raises(NetworkError):
        call_with_retries(settings, failing, sleep=lambda s: None)
    assert time.monotonic() - started < 1.5
    first = len(attempts)
    assert 3 <= first <= 5
    copy = settings.replace(timeout=1.0)  # the same command: the same budget
    with pytest.raises(NetworkError):
        call_with_retries(copy, failing, sleep=lambda s: None)
    assert len(attempts) == first + 1


def test_a_huge_retry_after_is_not_waited_for(tmp_path) -> None:
    with HostileServer("retry_after") as server:
        started = time.monotonic()
        result = run(
            [*write_account(tmp_path, server), "--retry-max-time", "5", "calendars"],
            env=_env(tmp_path),
        )
    assert result.code == 5, result.err
    assert time.monotonic() - started < DEADLINE


# -- option, environment and config values -----------------------------------------------------

NESTED = "a = " + "[" * 5000 + "]" * 5000


@pytest.mark.parametrize(
    "args, env, config, named",
    [
        (["--timeout", "inf"], {}, None, "inf"),
        (["--timeout", "1e300"], {}, None, "1e+300"),
        (["--timeout", "nan"], {}, None, "nan"),
        (["--retry-max-time", "nan"], {}, None, "nan"),
        (["--retry-max-time", "1e9"], {}, None, "1000000000"),
        (["--retries", "1e23"], {}, None, "1e23"),
        (["--retries", "51"], {}, None, "51"),
        (["--auth-timeout", "inf"], {}, None, "inf"),
        ([], {"GCAL_TIMEOUT": "nan"}, None, "nan"),
        ([], {"GCAL_RETRY_MAX_TIME": "inf"}, None, "inf"),
        ([], {"GCAL_RETRIES": "100000000000000000000000"}, None, "100000000000000000000000"),
        ([], {}, "timeout = 1e400", "inf"),
        ([], {}, "timeout = nan", "nan"),
        ([], {}, "retries = 100000000000000000000000", "100000000000000000000000"),
        ([], {}, "retry_max_time = inf", "inf"),
        ([], {}, "auth_timeout = -inf", "-inf"),
        ([], {}, NESTED, "nested too deeply"),
    ],
)
def test_out_of_range_values_are_usage_errors(tmp_path, args, env, config, named) -> None:
    env = dict(env)
    if config is not None:
        path = tmp_path / "config.toml"
        path.write_text(config + "\n", encoding="utf-8")
        env["GCAL_CONFIG"] = str(path)
    # --demo ignores the config file: a file's value is checked on a plain run (read first)
    demo = ["--demo"] if config is None else []
    result = run([*args, *demo, "calendars"], env=env)
    assert result.code == 2, result.err
    assert len(result.err_lines) == 1, result.err
    assert named in result.err, result.err
    assert "unexpected" not in result.err


@pytest.mark.parametrize(
    "args, env, config",
    [
        (["--timeout", "3600", "--retries", "50", "--retry-max-time", "86400"], {}, None),
        ([], {"GCAL_TIMEOUT": "0.1"}, None),
        ([], {}, "timeout = 3600\nretries = 0\nretry_max_time = 0"),
    ],
)
def test_the_ends_of_the_ranges_are_accepted(tmp_path, args, env, config) -> None:
    env = dict(env)
    if config is not None:
        path = tmp_path / "config.toml"
        path.write_text(config + "\n", encoding="utf-8")
        env["GCAL_CONFIG"] = str(path)
    result = run([*args, "--demo", "calendars"], env=env)
    assert result.code == 0, result.err


def test_the_server_modes_are_all_tried() -> None:
    assert set(EXPECTED) == set(NETWORK_MODES)
