"""`gcal auth setup` as a person runs it, against the emulator and the client files it hands out:
a good Desktop file installed 0600 where login finds it, each bad file refused with one line,
the Downloads offer on a real terminal, a profile; the first contact with nothing set up; the
doctor on the example file and on a 7-day-old login; logout of a corrupt token file."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import select
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from browser.support import FOLLOW, executable, write_oauth2client_file
from gcal.google.auth import LOGIN_TIME_KEY
from gcal.google.loginflows import wants_headless
from runner import run, run_subprocess

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="shell-script browser, pty"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]
EXAMPLE = Path(__file__).resolve().parent.parent / "client_secrets.example.json"
NO_SSH = {"SSH_CONNECTION": "", "SSH_CLIENT": "", "SSH_TTY": ""}


def home_env(tmp_path: Path) -> Dict[str, str]:
    """A new user's environment: an empty config folder, a browser that clicks Allow."""
    script = executable(
        tmp_path / "browser.sh", f'#!/bin/sh\nexec "{sys.executable}" "{FOLLOW}" "$@"\n'
    )
    return {
        **NO_SSH,
        "GCAL_CONFIG_DIR": str(tmp_path / "config"),
        "GCAL_CACHE_DIR": str(tmp_path / "cache"),
        "BROWSER": str(script),
        "FAKE_BROWSER_OUT": str(tmp_path / "browser-result.json"),
        "XDG_DOWNLOAD_DIR": str(tmp_path / "Downloads"),
    }


def installed_files(tmp_path: Path) -> List[str]:
    config = tmp_path / "config"
    return sorted(str(p.relative_to(config)) for p in config.rglob("*")) if config.exists() else []


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_setup_installs_a_desktop_file_0600_where_login_finds_it_and_logs_in(
    emulator, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    download = emulator.write_client_secrets(tmp_path / "client_secret_1071.json")
    env = home_env(tmp_path)
    api = ["--api-endpoint", emulator.api_endpoint, "--auth-host-port", "0"]
    result = run_subprocess(
        ["auth", "setup", "--client-secrets-file", str(download), *api], env=env
    )
    assert result.code == 0, result.err
    target = tmp_path / "config" / "client_secrets.json"
    assert target.read_bytes() == download.read_bytes() and mode(target) == 0o600
    assert f"installed the OAuth client file as {target} (mode 600)" in result.err
    assert "logged in as ada@example.com" in result.err
    assert "7 days" in result.err and "Publish app" in result.err
    token = tmp_path / "config" / "calendar.dat"
    assert mode(token) == 0o600
    # the login time is kept beside the token; the old sample's library still reads the file
    data = json.loads(token.read_text())
    login_at = dt.datetime.strptime(data[LOGIN_TIME_KEY], "%Y-%m-%dT%H:%M:%SZ")
    assert abs((dt.datetime.utcnow() - login_at).total_seconds()) < 120
    from oauth2client.file import Storage

    assert Storage(str(token)).get().refresh_token == data["refresh_token"]
    # login found the installed file by itself: no --client-secrets from now on
    calendars = run_subprocess(["calendars", "-f", "json", *api], env=env)
    assert calendars.code == 0, calendars.err
    assert json.loads(calendars.out)


def test_setup_with_no_login_installs_only(emulator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    download = emulator.write_client_secrets(tmp_path / "client_secret_1071.json")
    env = home_env(tmp_path)
    result = run(
        [
            "auth",
            "setup",
            "--client-secrets-file",
            str(download),
            "--no-login",
            "--api-endpoint",
            emulator.api_endpoint,
        ],
        env=env,
    )
    assert result.code == 0, result.err
    assert installed_files(tmp_path) == ["client_secrets.json"]
    assert "gcal auth login" in result.err
    assert not [r for r in emulator.requests if "oauth2" in r.path or r.path.endswith("token")]


def _bad(emulator, tmp_path: Path, change) -> Path:
    data = emulator.client_secrets_dict()
    path = tmp_path / "client_secret_bad.json"
    content = change(data)
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def _without(key: str):
    def change(data):
        del data["installed"][key]
        return data

    return change


def _web(data):
    return {"web": data["installed"]}


def _example(data):
    return EXAMPLE.read_text()


def _other_id(data):
    data["installed"]["client_id"] = "1071-not-google"
    return data


BAD = [
    ("not JSON", lambda data: "{not json", "not valid JSON", True),
    ("no section", lambda data: {"type": "service_account"}, "no 'installed' section", True),
    ("the example", _example, "unedited example file", True),
    ("a web client", _web, "http://localhost:8080/ and http://localhost:8090/", True),
    ("no client_id", _without("client_id"), "'installed.client_id' is missing", True),
    ("no client_secret", _without("client_secret"), "'installed.client_secret' is missing", True),
    ("no auth_uri", _without("auth_uri"), "'installed.auth_uri' is missing", True),
    ("no token_uri", _without("token_uri"), "'installed.token_uri' is missing", True),
    ("not a Google id", _other_id, "not a Google OAuth client id", False),
]


@pytest.mark.parametrize("name, change, words, emulated", BAD, ids=[b[0] for b in BAD])
def test_each_bad_file_is_one_line_exit_2_and_nothing_installed(
    emulator, tmp_path, monkeypatch, name, change, words, emulated
):
    monkeypatch.chdir(tmp_path)
    path = _bad(emulator, tmp_path, change)
    api = ["--api-endpoint", emulator.api_endpoint] if emulated else []
    args = ["auth", "setup", "--client-secrets-file", str(path), *api]
    result = run(args, env=home_env(tmp_path))
    assert result.code == 2, result
    assert len(result.err_lines) == 1, result.err
    assert words in result.err
    assert installed_files(tmp_path) == []


def test_a_google_id_is_not_asked_of_the_emulator(emulator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _bad(emulator, tmp_path, _other_id)
    args = ["auth", "setup", "--client-secrets-file", str(path), "--no-login"]
    result = run([*args, "--api-endpoint", emulator.api_endpoint], env=home_env(tmp_path))
    assert result.code == 0, result.err


def test_setup_over_a_profile_keeps_it_apart(emulator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    download = emulator.write_client_secrets(tmp_path / "client_secret_1071.json")
    env = home_env(tmp_path)
    api = ["--api-endpoint", emulator.api_endpoint, "--auth-host-port", "0"]
    result = run_subprocess(
        ["auth", "setup", "--client-secrets-file", str(download), "--profile", "work", *api],
        env=env,
    )
    assert result.code == 0, result.err
    assert installed_files(tmp_path) == [
        "profiles",
        "profiles/work",
        "profiles/work/calendar.dat",
        "profiles/work/client_secrets.json",
    ]
    assert mode(tmp_path / "config" / "profiles" / "work" / "client_secrets.json") == 0o600
    assert "(profile work)" in result.err
    ok = run(["calendars", "--profile", "work", "-f", "json", *api], env=env)
    assert ok.code == 0, ok.err
    # login and doctor find the profile's own client file by themselves
    doctor = run(["auth", "doctor", "--profile", "work", *api], env=env)
    assert doctor.code == 0, doctor.out
    assert str(tmp_path / "config" / "profiles" / "work" / "client_secrets.json") in doctor.out
    # the default profile is untouched: still nothing set up
    default = run(["calendars", *api], env=env, input="")
    assert default.code == 3 and "gcal auth setup" in default.err


def test_setup_without_a_terminal_or_a_file_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(["auth", "setup"], env=home_env(tmp_path), input="")
    assert result.code == 2
    assert "--client-secrets-file PATH" in result.err and len(result.err_lines) == 1


def test_setup_in_the_demo_runs_the_whole_path():
    result = run(["--demo", "auth", "setup"])
    assert result.code == 0, result.err
    assert "installed the OAuth client file" in result.err
    assert "logged in as ada@example.com" in result.err


# --------------------------------------------------------------------------------------------
# On a terminal: the guided path and the Downloads offer


class Terminal:
    """gcal on a pseudo-terminal (stdin, stdout and stderr), answered like a person."""

    def __init__(self, args: List[str], env: Dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        full = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        full.update(env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gcal", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full,
            cwd=env.get("PWD"),
        )
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} never came; the terminal shows:\n{self.seen}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    data = b""
                if not data:
                    raise AssertionError(f"{text!r} never came; gcal ended:\n{self.seen}")
                self.seen += data.decode("utf-8", "replace").replace("\r\n", "\n")

    def answer(self, text: str) -> None:
        os.write(self.master, (text + "\n").encode())

    def finish(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    data = b""
                if not data:
                    break
                self.seen += data.decode("utf-8", "replace").replace("\r\n", "\n")
            elif self.proc.poll() is not None or time.monotonic() > deadline:
                break
        os.close(self.master)
        return self.proc.wait(timeout=timeout)


def _guided(emulator, tmp_path: Path, answer_offer: str, typed: Optional[Path]) -> Terminal:
    env = home_env(tmp_path)
    env["PWD"] = str(tmp_path)
    term = Terminal(
        ["auth", "setup", "--no-login", "--api-endpoint", emulator.api_endpoint], env=env
    )
    for step in range(1, 5):
        term.expect(f"Step {step} of 5")
        term.expect("Press Enter when done.")
        term.answer("")
    term.expect("Step 5 of 5: Download its JSON")
    term.expect("Use it? [Y/n]")
    term.answer(answer_offer)
    if typed is not None:
        term.expect("Path of the downloaded JSON file")
        term.answer(f"'{typed}'")  # as a file dropped onto a terminal arrives
    return term


def _downloads(emulator, tmp_path: Path) -> Path:
    folder = tmp_path / "Downloads"
    folder.mkdir()
    old = emulator.write_client_secrets(folder / "client_secret_old.json")
    os.utime(old, (time.time() - 86400, time.time() - 86400))
    data = emulator.client_secrets_dict()
    data["installed"]["project_id"] = "newest"
    newest = folder / "client_secret_1071-new.apps.googleusercontent.com.json"
    newest.write_text(json.dumps(data))
    return newest


def test_the_downloads_offer_accepted(emulator, tmp_path):
    newest = _downloads(emulator, tmp_path)
    term = _guided(emulator, tmp_path, "y", None)
    assert term.finish() == 0, term.seen
    assert f"Found {newest}" in term.seen
    assert "console.cloud.google.com/apis/library/calendar-json.googleapis.com" in term.seen
    assert "Desktop app" in term.seen
    target = tmp_path / "config" / "client_secrets.json"
    assert target.read_bytes() == newest.read_bytes() and mode(target) == 0o600


def test_the_downloads_offer_declined_then_a_path_typed(emulator, tmp_path):
    _downloads(emulator, tmp_path)
    other = tmp_path / "my files" / "client secret.json"
    other.parent.mkdir()
    bad = tmp_path / "example.json"
    bad.write_text(EXAMPLE.read_text())
    env = home_env(tmp_path)
    env["PWD"] = str(tmp_path)
    term = _guided(emulator, tmp_path, "n", bad)
    term.expect("unedited example file")  # said, then asked again
    term.expect("Path of the downloaded JSON file")
    emulator.write_client_secrets(other)
    term.answer(str(other).replace(" ", "\\ "))
    assert term.finish() == 0, term.seen
    target = tmp_path / "config" / "client_secrets.json"
    assert target.read_bytes() == other.read_bytes() and mode(target) == 0o600


def test_login_is_headless_over_ssh_or_without_a_display():
    assert wants_headless({"SSH_CONNECTION": "1 2 3 4", "DISPLAY": ":0"}, "linux")
    assert wants_headless({}, "linux") == "there is no display"
    assert wants_headless({"DISPLAY": ":0"}, "linux") is None
    assert wants_headless({"WAYLAND_DISPLAY": "w"}, "linux") is None
    assert wants_headless({}, "darwin") is None
    assert wants_headless({"SSH_TTY": "/dev/pts/1"}, "darwin")


# --------------------------------------------------------------------------------------------
# First contact, doctor, logout


@pytest.mark.parametrize(
    "args",
    [["agenda"], ["calendars"], ["add", "Lunch", "--start", "tomorrow 12:00"]],
    ids=["agenda", "calendars", "a write"],
)
def test_first_contact_is_one_short_block(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = run(args, env=home_env(tmp_path), input="")
    assert result.code == 3, result
    assert result.out == ""
    lines = result.err_lines
    assert len(lines) == 3, result.err
    assert "no Google account is set up yet" in lines[0]
    assert "gcal auth setup" in lines[1] and "gcal --demo agenda" in lines[2]
    assert "error" not in result.err


def test_first_contact_on_a_terminal_is_the_same_block(tmp_path):
    env = home_env(tmp_path)
    env["PWD"] = str(tmp_path)
    term = Terminal(["agenda", "--profile", "work"], env=env)
    assert term.finish() == 3
    assert "gcal auth setup --profile work" in term.seen
    assert "gcal --demo agenda" in term.seen and "error" not in term.seen


def _doctor(
    emulator, tmp_path: Path, login_days_ago: Optional[float], revoked: bool = True, testing=False
):
    secrets = emulator.write_client_secrets(tmp_path / "client_secrets.json")
    token = tmp_path / "calendar.dat"
    tokens = write_oauth2client_file(emulator, token)
    if login_days_ago is not None:
        data = json.loads(token.read_text())
        when = dt.datetime.utcnow() - dt.timedelta(days=login_days_ago)
        data[LOGIN_TIME_KEY] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        token.write_text(json.dumps(data))
    if testing:  # the emulator lets the refresh token die as Google does, after 7 days
        emulator.leave_in_testing(days_ago=login_days_ago or 0)
    elif revoked:
        emulator.revoked.add(tokens["refresh_token"])
    args = ["--client-secrets", str(secrets), "--credentials", str(token)]
    args += ["--api-endpoint", emulator.api_endpoint, "--retries", "0"]
    return run([*args, "auth", "doctor"])


def _line(result, name: str) -> str:
    return next(line for line in result.out.splitlines() if f"  {name}:" in line)


def test_doctor_names_the_testing_mode_on_a_7_day_old_login(emulator, tmp_path):
    result = _doctor(emulator, tmp_path, 7.01, testing=True)
    assert result.code == 3
    line = _line(result, "token refresh")
    assert line.startswith("fail") and "invalid_grant" in line
    assert "7 days after the login" in line and "7-day limit of an app in Testing" in line
    assert "Publish app" in line


def test_the_emulator_in_testing_keeps_a_6_day_old_login(emulator, tmp_path):
    result = _doctor(emulator, tmp_path, 6.5, testing=True)
    assert result.code == 0, result.out


def test_doctor_on_a_young_login_says_revoked_not_testing(emulator, tmp_path):
    line = _line(_doctor(emulator, tmp_path, 2), "token refresh")
    assert "2 days after the login" in line and "before the 7-day limit" in line
    assert "revoked" in line and "Publish app" not in line


def test_doctor_keeps_the_login_time_through_a_refresh(emulator, tmp_path):
    result = _doctor(emulator, tmp_path, 3, revoked=False)
    assert result.code == 0, result.out
    assert LOGIN_TIME_KEY in json.loads((tmp_path / "calendar.dat").read_text())


def test_with_nothing_set_up_status_and_doctor_point_to_setup(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status = run(["auth", "status"], env=home_env(tmp_path))
    assert status.code == 3 and "run `gcal auth setup`" in status.err
    doctor = run(["auth", "doctor"], env=home_env(tmp_path))
    assert doctor.code == 3
    assert "gcal auth setup" in _line(doctor, "client secrets")
    assert "run `gcal auth setup`" in _line(doctor, "token file")


def test_doctor_fails_on_the_unedited_example_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(["--client-secrets", str(EXAMPLE), "auth", "doctor"], env=home_env(tmp_path))
    assert result.code == 3
    line = _line(result, "client secrets")
    assert line.startswith("fail") and "unedited example file" in line


def test_logout_removes_a_corrupt_token_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    token = tmp_path / "calendar.dat"
    token.write_text('{"_module": "oauth2client.client", "access_tok')
    result = run(["--credentials", str(token), "auth", "logout"], env=home_env(tmp_path))
    assert result.code == 0, result.err
    assert not token.exists()
    assert "not valid JSON" in result.err and "removed" in result.err


def test_logout_never_removes_a_file_that_is_no_token(tmp_path, monkeypatch):
    """A mistyped --credentials naming a text file, a folder or a big file: nothing deleted."""
    monkeypatch.chdir(tmp_path)
    text = tmp_path / "bashrc"
    text.write_text("export PATH=/usr/bin\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    big = tmp_path / "disk.img"
    big.write_bytes(b"\0" * (2 << 20))
    for path, why in [(text, "holds other text"), (folder, "is not a regular file"),
                      (big, "is larger than a token file can be")]:  # fmt: skip
        result = run(["--credentials", str(path), "auth", "logout"], env=home_env(tmp_path))
        assert result.code == 3, result.err
        assert result.err_lines == [
            f"gcal: error: {path} {why}, not a damaged token file: not removing it "
            "(check --credentials or GCAL_CREDENTIALS)"
        ]
        assert path.exists()


def test_a_huge_token_client_or_config_file_is_one_line_not_read_whole(tmp_path, monkeypatch):
    """/dev/zero (or a disk image) named as a small file: read at most 1 MB of it, not until
    the memory runs out."""
    monkeypatch.chdir(tmp_path)
    big = tmp_path / "big"
    with open(big, "wb") as handle:
        handle.truncate(64 << 20)  # sparse: 64 MB of NULs read whole would still pass
    env = home_env(tmp_path)
    token = run(["--credentials", str(big), "auth", "status"], env=env)
    assert token.code == 3
    assert token.err_lines == [f"gcal: error: cannot read credentials file {big}: larger than 1 MB"]
    client = run(["auth", "setup", "--client-secrets-file", str(big), "--no-login"], env=env)
    assert client.code == 2
    assert f"cannot read OAuth client file {big}: larger than 1 MB" in client.err
    config = run(["calendars"], env={**env, "GCAL_CONFIG": str(big)})
    assert config.code == 2
    assert config.err_lines == [f"gcal: error: cannot read config file {big}: larger than 1 MB"]


def test_setup_over_ssh_with_the_emulators_own_client_file_logs_in_by_paste(tmp_path):
    """`gcal emulator --client-secrets-out FILE`, then `gcal auth setup --client-secrets-file
    FILE` in an SSH session: the login is the headless one, its URL pasted back."""
    import signal

    from browser.support import consent

    secrets = tmp_path / "Downloads" / "client_secret_emu.json"
    secrets.parent.mkdir()
    env = {**os.environ, **home_env(tmp_path), "PYTHONUNBUFFERED": "1"}
    env["SSH_CONNECTION"] = "10.0.0.2 50000 10.0.0.1 22"
    server = subprocess.Popen(
        [sys.executable, "-m", "gcal", "emulator", "--port", "0", "--client-secrets-out",
         str(secrets)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert server.stdout.readline().startswith("gcal emulator listening on")
        endpoint = server.stdout.readline().split()[-1]
        setup = subprocess.Popen(
            [sys.executable, "-m", "gcal", "auth", "setup", "--client-secrets-file",
             str(secrets), "--api-endpoint", endpoint],
            stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env=env, cwd=tmp_path,
        )  # fmt: skip
        url, said, deadline = None, [], time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = setup.stderr.readline()
            said.append(line)
            if "/o/oauth2/auth?" in line:
                url = line.strip()
        assert url, "".join(said)
        assert any("this is an SSH session" in line for line in said)
        _, err = setup.communicate(consent(url) + "\n", timeout=30)
        assert setup.returncode == 0, err
        assert "logged in as ada@example.com" in err
        assert mode(tmp_path / "config" / "client_secrets.json") == 0o600
        result = run_subprocess(["--api-endpoint", endpoint, "-f", "json", "calendars"], env=env)
        assert result.code == 0, result.err
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=10)


def test_a_hostile_file_name_in_downloads_reaches_the_terminal_inert(emulator, tmp_path):
    folder = tmp_path / "Downloads"
    folder.mkdir()
    emulator.write_client_secrets(folder / "client_secret_\x1b]0;owned\x07\x1b[31mred.json")
    term = _guided(emulator, tmp_path, "y", None)
    assert term.finish() == 0, term.seen
    assert "\x1b" not in term.seen and "\x07" not in term.seen
    assert (tmp_path / "config" / "client_secrets.json").exists()


def test_login_refuses_the_example_file_before_any_browser(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = home_env(tmp_path)
    result = run(["--client-secrets", str(EXAMPLE), "auth", "login"], env=env)
    assert result.code == 3 and len(result.err_lines) == 1, result.err
    assert "unedited example file" in result.err
    assert not (tmp_path / "browser-result.json").exists()


@pytest.mark.parametrize("where", ["missing.json", "."], ids=["missing", "a folder"])
def test_setup_with_a_path_that_is_no_file(tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    result = run(["auth", "setup", "--client-secrets-file", where], env=home_env(tmp_path))
    assert result.code == 2 and len(result.err_lines) == 1, result.err
    assert installed_files(tmp_path) == []


def test_a_failed_login_leaves_the_file_installed_and_says_how_to_retry(
    emulator, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    download = emulator.write_client_secrets(tmp_path / "client_secret_1071.json")
    env = {**home_env(tmp_path), "BROWSER": "true"}  # a browser nobody clicks in
    args = ["auth", "setup", "--client-secrets-file", str(download), "--auth-timeout", "1"]
    args += ["--api-endpoint", emulator.api_endpoint, "--auth-host-port", "0"]
    result = run_subprocess(args, env=env)
    assert result.code == 3, result.err
    assert "`gcal auth login` tries again" in result.err_lines[-1]
    assert installed_files(tmp_path) == ["client_secrets.json"]


@pytest.mark.parametrize("why", ["SSH", "no display"])
def test_login_pastes_over_ssh_or_without_a_display(emulator, tmp_path, why):
    from browser.support import consent

    secrets = emulator.write_client_secrets(tmp_path / "client_secrets.json")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(home_env(tmp_path))
    if why == "SSH":
        env["SSH_CONNECTION"] = "10.0.0.2 50000 10.0.0.1 22"
    else:
        del env["BROWSER"]
    login = subprocess.Popen(
        [sys.executable, "-m", "gcal", "auth", "login", "--client-secrets", str(secrets),
         "--api-endpoint", emulator.api_endpoint],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=env, cwd=tmp_path,
    )  # fmt: skip
    said, url, deadline = [], None, time.monotonic() + 30
    while url is None and time.monotonic() < deadline:
        said.append(login.stderr.readline())
        if "/o/oauth2/auth?" in said[-1]:
            url = said[-1].strip()
    assert url, "".join(said)
    reason = "this is an SSH session" if why == "SSH" else "there is no display"
    assert any(reason in line for line in said)
    _, err = login.communicate(consent(url) + "\n", timeout=30)
    assert login.returncode == 0, err
    assert (tmp_path / "config" / "calendar.dat").exists()


def test_a_path_typed_or_dropped_onto_a_terminal(tmp_path, monkeypatch):
    from gcal.commands.setup import typed_path

    monkeypatch.setenv("HOME", str(tmp_path))
    assert typed_path("'/a b/client secret.json' ") == Path("/a b/client secret.json")
    assert typed_path('"/a b/x.json"') == Path("/a b/x.json")
    assert typed_path("/a\\ b/x.json") == Path("/a b/x.json")
    assert typed_path("file:///a%20b/x.json") == Path("/a b/x.json")
    assert typed_path("~/Downloads/x.json") == tmp_path / "Downloads" / "x.json"
