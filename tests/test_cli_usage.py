"""Bad command lines: one line on stderr, exit 2, nothing sent, and start-up stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

from runner import run, run_subprocess

USAGE_CASES = [
    (
        ["events", "primary", "--order-by", "startTime"],
        "--order-by startTime needs --single-events",
    ),
    (["events", "primary", "--sync-token", "abc", "--q", "x"], "--sync-token cannot be combined"),
    (
        ["events", "primary", "--sync-token", "abc", "--time-min", "2024-01-01"],
        "--sync-token cannot be combined with --time-min",
    ),
    (["calendars", "--sync-token", "abc", "--min-access-role", "owner"], "--min-access-role"),
    (
        ["events", "primary", "--time-min", "2024-06-02", "--time-max", "2024-06-01"],
        "must be before --time-max",
    ),
    (
        ["events", "primary", "--time-min", "2024-06-01", "--time-max", "2024-06-01"],
        "must be before --time-max",
    ),
    (["events", "primary", "--max-results", "0"], "--max-results: 0"),
    (["events", "primary", "--max-results", "2501"], "--max-results: 2501"),
    (["calendars", "--max-results", "251"], "--max-results: 251"),
    (["instances", "primary", "x", "--max-results", "9999"], "--max-results: 9999"),
    (["events", "primary", "--max-results", "ten"], "'ten' is not a valid integer"),
    (["events", "primary", "--time-min", "tomorow"], "'tomorow'"),
    (["events", "primary", "--time-max", "2024-13-01"], "'2024-13-01'"),
    (["instances", "primary", "x", "--original-start", "yesterdayish"], "'yesterdayish'"),
    (["events", "primary", "--updated-min", "+3x"], "'+3x'"),
    (["events", "primary", "--order-by", "start"], "'start' is not one of"),
    (["events", "primary", "--event-type", "meeting"], "'meeting' is not one of"),
    (["calendars", "--min-access-role", "admin"], "'admin' is not one of"),
    (["events", "primary", "--private-extended-property", "novalue"], "NAME=VALUE"),
    (["events", "primary", "--time-zone", "Mars/Olympus"], "Mars/Olympus"),
    (["events", "primary", "--limit", "0"], "--limit"),
    (["events"], "Missing argument 'CALENDAR_ID'"),
    (["instances", "primary"], "Missing argument 'EVENT_ID'"),
    (["events", "primary", "--bogus"], "No such option"),
    (["nosuchcommand"], "No such command"),
    (["--format", "xml", "calendars"], "'xml' is not one of"),
    (["calendars", "--format", "yaml"], "'yaml' is not one of"),
    (["--logging-level", "LOUD", "calendars"], "'LOUD' is not one of"),
    (["--auth-host-port", "70000", "calendars"], "70000"),
    (["--timeout", "0", "calendars"], "--timeout"),
    (["events", " "], "must not be empty"),
]


@pytest.mark.parametrize(
    ("args", "message"), USAGE_CASES, ids=[" ".join(c[0]) for c in USAGE_CASES]
)
def test_bad_command_lines_exit_2_with_one_line_and_send_nothing(emulator, tmp_path, args, message):
    emulator.write_client_secrets(tmp_path / "secrets.json")
    common = [
        "--api-endpoint",
        emulator.api_endpoint,
        "--client-secrets",
        str(tmp_path / "secrets.json"),
        "--credentials",
        str(tmp_path / "calendar.dat"),
    ]
    result = run([*common, *args])
    assert result.code == 2, result
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith("gcal: error: ")
    assert message in result.err_lines[0]
    assert "Traceback" not in result.err
    assert result.out == ""
    assert list(emulator.requests) == []
    assert not (tmp_path / "calendar.dat").exists()


def test_global_options_are_accepted_after_the_command(emulator, tmp_path):
    result = run(["events", "primary", "--format", "xml"])
    assert result.code == 2
    assert "'xml' is not one of" in result.err


def test_help_and_version():
    result = run(["--help"])
    assert result.code == 0
    assert "gcal --demo events primary" in result.out
    for command in (["calendars"], ["events"], ["instances"], ["auth", "login"], ["emulator"]):
        result = run([*command, "--help"])
        assert result.code == 0, command
        assert "Usage: gcal" in result.out
    result = run(["--version"])
    assert result.code == 0
    assert result.out.startswith("gcal ")


LIGHT_CHECK = """
import sys
from gcal.cli import main
try:
    main({args!r})
except SystemExit:
    pass
heavy = sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("googleapiclient", "rich", "httplib2", "google_auth_httplib2")
    or m.startswith("gcal.emulator")
)
sys.stderr.write("HEAVY=" + repr(heavy) + "\\n")
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        ["events", "--help"],
        ["events", "primary", "--bogus"],
        ["events", "primary", "--order-by", "startTime"],
        ["events", "primary", "--time-min", "not-a-time"],
        ["calendars", "--max-results", "999"],
    ],
)
def test_start_up_and_argument_errors_import_nothing_heavy(args):
    proc = subprocess.run(
        [sys.executable, "-c", LIGHT_CHECK.format(args=args)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = [x for x in proc.stderr.splitlines() if x.startswith("HEAVY=")]
    assert line, proc.stderr
    assert line[0] == "HEAVY=[]", line[0]


def test_legacy_underscore_flags_still_parse(emulator, tmp_path):
    result = run(
        [
            "--noauth_local_webserver",
            "--auth_host_name",
            "127.0.0.1",
            "--auth_host_port",
            "8080",
            "8090",
            "--logging_level",
            "DEBUG",
            "events",
            "primary",
            "--order-by",
            "startTime",
        ]
    )
    # The legacy flags parse; the run stops at the (deliberate) usage error after them.
    assert result.code == 2
    assert "needs --single-events" in result.err


def test_no_command_shows_the_help():
    for args in ([], ["auth"]):
        result = run(args)
        assert result.code == 0
        assert result.out.startswith("Usage: gcal")
        assert result.err == ""


def test_shell_completion_completes_commands_and_options():
    env = {"COMP_WORDS": "gcal events primary --order", "COMP_CWORD": "3"}
    result = run_subprocess([], env={**env, "_GCAL_COMPLETE": "bash_complete"})
    assert result.code == 0
    assert "--order-by" in result.out
    env = {"COMP_WORDS": "gcal inst", "COMP_CWORD": "1"}
    result = run_subprocess([], env={**env, "_GCAL_COMPLETE": "bash_complete"})
    assert "instances" in result.out


def test_only_the_console_scripts_own_process_freezes_its_objects_at_the_end() -> None:
    """The console script's run (main() without arguments) moves its objects out of the
    collector's sight before exiting, so the shutdown's collections do not walk them; a caller
    running main(args) in its own process (these tests, an embedding) keeps its collector as
    it was."""
    import gc

    before = gc.get_freeze_count()
    assert run(["--version"]).code == 0
    assert gc.get_freeze_count() == before
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: sys.stderr.write(f'FROZEN {gc.get_freeze_count() > 0}\\n'))\n"
        "from gcal.cli import main\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout.startswith("gcal ")
    assert "FROZEN True" in proc.stderr
