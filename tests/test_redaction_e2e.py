"""No secret in anything gcal prints, at DEBUG, across a whole session of real processes.

A headless login, a refresh on a 401, a refresh before the first request, listings, API errors
whose messages echo the tokens, `auth status` and `auth logout` each run as `python -m gcal
--logging-level DEBUG`; stdout and stderr of all of them are searched for every access token,
refresh token, authorization code and PKCE verifier the emulator ever saw or issued, and for the
client secret.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from browser.support import assert_no_secrets, consent
from gcal.emulator import Emulator
from runner import run_subprocess

DEBUG = ["--logging-level", "DEBUG"]


def headless_login(base: list) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gcal", *base, *DEBUG, "auth", "login", "--noauth-local-webserver"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, GCAL_BACKOFF_BASE="0.001"),
    )
    seen = ""
    while "Redirected URL or code:" not in seen:
        chunk = os.read(proc.stderr.fileno(), 65536).decode()
        assert chunk, seen
        seen += chunk
    url = next(w for w in seen.split() if "/o/oauth2/auth?" in w)
    out, err = proc.communicate(consent(url) + "\n", timeout=30)
    assert proc.returncode == 0, seen + err
    return seen + out + err


def test_no_secret_in_any_output_at_debug(emulator: Emulator, tmp_path) -> None:
    secrets_path = emulator.write_client_secrets(tmp_path / "client_secrets.json")
    credentials = tmp_path / "calendar.dat"
    base = [
        "--client-secrets",
        str(secrets_path),
        "--credentials",
        str(credentials),
        "--api-endpoint",
        emulator.api_endpoint,
    ]
    env = {"GCAL_BACKOFF_BASE": "0.001"}
    outputs = [headless_login(base)]

    def gcal(*args: str, code: int = 0) -> None:
        result = run_subprocess([*base, *DEBUG, *args], env=env)
        assert result.code == code, result
        assert "Traceback" not in result.err
        outputs.append(result.out + result.err)

    gcal("--format", "json", "calendars")

    emulator.expire_access_tokens()  # the API answers 401; gcal refreshes and retries
    gcal("--format", "ndjson", "events", "primary", "--max-results", "5", "--limit", "12")

    data = json.loads(credentials.read_text())  # expired on disk: refreshed before any request
    data["token_expiry"] = data["expiry"] = "2000-01-01T00:00:00Z"
    credentials.write_text(json.dumps(data))
    gcal("--format", "tsv", "calendars")

    data = json.loads(credentials.read_text())
    echo = f"token {data['access_token']} refresh {data['refresh_token']} {emulator.client_secret}"
    emulator.inject_fault(400, reason="badRequest", message=echo)
    gcal("calendars", code=1)
    emulator.inject_fault(500, reason="backendError", message=echo, count=10)
    gcal("--retries", "1", "events", "primary", code=5)
    emulator.faults.clear()
    emulator.inject_fault(401, reason="authError", message=echo, count=10)
    gcal("calendars", code=3)
    emulator.faults.clear()

    gcal("auth", "status")
    gcal("--format", "json", "auth", "status")
    gcal("auth", "logout")

    everything = "\n".join(outputs)
    codes = [f["code"] for f in emulator.token_requests if f.get("code")]
    refreshes = [f for f in emulator.token_requests if f.get("grant_type") == "refresh_token"]
    assert codes and len(refreshes) >= 3  # the session did what it says
    assert "DEBUG" in everything and "[REDACTED]" in everything
    assert "HTTP 400" in everything and "HTTP 500" in everything
    assert assert_no_secrets(everything, emulator) >= 8
