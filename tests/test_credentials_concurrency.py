"""Several gcal processes sharing one credentials file: refresh races and crashes mid-write."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from browser.support import api_works, refresh_works, write_oauth2client_file
from gcal.google.credrecord import parse_credentials

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="uses POSIX signals and flock"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

WORKER = r"""
import json, os, sys, time
go = sys.argv[2]
open(os.path.join(sys.argv[3], str(os.getpid())), "w").close()  # at the line
while not os.path.exists(go):
    time.sleep(0.005)
from gcal.google import auth
from gcal.errors import GcalError
from gcal.settings import Settings
try:
    endpoint = json.load(open(sys.argv[1]))["token_uri"]  # the emulator, named as --api-endpoint
    settings = Settings(
        credentials=sys.argv[1], timeout=20, interactive=False, api_endpoint=endpoint
    )
    creds = auth.get_credentials(settings)
except GcalError as exc:
    print(json.dumps({"error": str(exc), "code": exc.exit_code}))
    sys.exit(exc.exit_code)
print(json.dumps({"token": creds.token}))
"""


def start_workers(path: Path, n: int, tmp_path: Path, env=None):
    go = tmp_path / "go"
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    ready = Path(tempfile.mkdtemp(dir=tmp_path, prefix="ready-"))
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(path), str(go), str(ready)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, **(env or {})),
        )
        for _ in range(n)
    ]
    deadline = time.monotonic() + 60
    while len(os.listdir(ready)) < n:  # all of them started and waiting at the line
        for proc in procs:
            assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.005)
    go.touch()
    return procs


def finish(procs):
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, (out, err)
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.slow
@pytest.mark.parametrize("n, rotate", [(2, False), (8, True)])
def test_concurrent_refreshes_all_succeed(emulator, tmp_path, n, rotate):
    emulator.rotate_refresh_tokens = rotate
    emulator.inject_delay(0.3, count=n, path="/token")  # widen the race window
    path = tmp_path / "calendar.dat"
    write_oauth2client_file(emulator, path, expired=True)
    results = finish(start_workers(path, n, tmp_path))
    refreshes = [r for r in emulator.token_requests if r.get("grant_type") == "refresh_token"]
    # Under the lock, later processes adopt the token the first one stored.
    assert len(refreshes) == 1
    for result in results:
        assert api_works(emulator, result["token"])
    data = json.loads(path.read_text())  # valid JSON, readable by gcal
    parse_credentials(path.read_bytes(), path)
    assert refresh_works(emulator, data["refresh_token"])
    assert api_works(emulator, data["access_token"])
    assert not list(tmp_path.glob(".calendar.dat.*.tmp"))


@pytest.mark.slow
def test_kill_during_slowed_write_leaves_old_content(emulator, tmp_path):
    path = tmp_path / "calendar.dat"
    write_oauth2client_file(emulator, path, expired=True)
    before = path.read_bytes()
    procs = start_workers(path, 1, tmp_path, env={"GCAL_TEST_WRITE_DELAY": "30"})
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".calendar.dat.*.tmp")):
        assert time.monotonic() < deadline, procs[0].communicate(timeout=1)
        time.sleep(0.02)
    procs[0].send_signal(signal.SIGKILL)
    procs[0].wait(10)
    assert path.read_bytes() == before
    parse_credentials(path.read_bytes(), path)
    # The next gcal is not hindered by the leftover temporary file or the lock.
    assert api_works(emulator, finish(start_workers(path, 1, tmp_path))[0]["token"])


@pytest.mark.slow
def test_kill_at_random_moments_leaves_old_or_new_content(emulator, tmp_path):
    path = tmp_path / "calendar.dat"
    rng = random.Random(1234)
    for _ in range(4):
        write_oauth2client_file(emulator, path, expired=True)
        before = path.read_bytes()
        go = tmp_path / "go"
        if go.exists():
            go.unlink()
        procs = start_workers(path, 1, tmp_path, env={"GCAL_TEST_WRITE_DELAY": "0.2"})
        time.sleep(rng.uniform(0.0, 0.6))
        procs[0].send_signal(signal.SIGKILL)
        procs[0].wait(10)
        after = path.read_bytes()
        record = parse_credentials(after, path)  # never partial
        assert after == before or record.format == "gcal"
