"""`gcal emulator` as README shows it: serve, log in against it, list, stop with Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from browser.support import consent
from runner import run, run_subprocess

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGINT")


def test_the_readme_emulator_workflow(tmp_path):
    secrets, creds = tmp_path / "emu-secrets.json", tmp_path / "emu.dat"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gcal", "emulator", "--port", "0", "--client-secrets-out",
         str(secrets)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert server.stdout.readline().startswith("gcal emulator listening on http://127.0.0.1:")
        endpoint = server.stdout.readline().split()[-1]
        assert endpoint.endswith("/calendar/v3/")
        files = ["--client-secrets", str(secrets), "--credentials", str(creds)]

        login = subprocess.Popen(
            [sys.executable, "-m", "gcal", *files, "--api-endpoint", endpoint, "auth", "login",
             "--noauth-local-webserver"],
            stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env=env,
        )  # fmt: skip
        url, deadline = None, time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = login.stderr.readline()
            if "/o/oauth2/auth?" in line:
                url = line.strip()
        assert url, "the login printed no URL"
        _, err = login.communicate(consent(url) + "\n", timeout=30)
        assert login.returncode == 0, err

        result = run_subprocess(
            [*files, "--api-endpoint", endpoint, "--format", "json", "calendars"]
        )
        assert result.code == 0, result.err
        assert "ada@example.com" in [c["id"] for c in json.loads(result.out)]
    finally:
        server.send_signal(signal.SIGINT)
        _, server_err = server.communicate(timeout=10)
    assert server.returncode == 0
    assert "Traceback" not in server_err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("not json", "invalid emulator data"),
        ("[]", "must be a JSON object"),
        ('{"calendars": 5}', "'calendars' must be a list"),
        (
            '{"calendars": [{"summary": "no id"}]}',
            "calendars[0] must be an object with a string 'id'",
        ),
        ('{"calendars": [{"id": "a", "events": [1]}]}', "calendars[0].events must be a list"),
        (
            '{"calendars": [{"id": "a", "events": [{"id": "x", "start": 5}]}]}',
            "invalid emulator data",
        ),
    ],
)
def test_bad_emulator_data_is_one_line_and_exit_2(tmp_path, content, words):
    data = tmp_path / "data.json"
    data.write_text(content)
    result = run(["emulator", "--port", "0", "--data", str(data)])
    assert result.code == 2
    assert len(result.err_lines) == 1 and words in result.err
    assert "Traceback" not in result.err


def test_a_port_in_use_is_one_line_and_exit_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(["emulator", "--port", str(port)])
    assert result.code == 2
    assert result.err_lines == [
        f"gcal: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
