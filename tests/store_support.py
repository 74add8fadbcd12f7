"""A logged-in gcal with its own store folder, pointed at one emulator (store and sync tests)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

from gcal.emulator import Emulator
from gcal.settings import Settings
from runner import Result, run, run_subprocess

PRIMARY = "ada@example.com"
WRITER = "team.engineering@group.calendar.google.com"
READER = "tokyo.office@group.calendar.google.com"
FREEBUSY = "charles@example.com"
HIDDEN = "en.german#holiday@group.v.calendar.google.com"
SELECTED = [PRIMARY, WRITER, READER, FREEBUSY]


class Account:
    """`gcal(...)` runs a command in-process; `spawn(...)` starts a real `python -m gcal`."""

    def __init__(self, emu: Emulator, folder: Path, *, write: bool = False) -> None:
        """`write`: a login that may change events too (else read-only, gcal's default)."""
        from gcal.google.auth import demo_login

        self.emu = emu
        self.folder = folder
        self.cache = folder / "cache"
        self.secrets = folder / "client_secrets.json"
        self.credentials = folder / "calendar.dat"
        emu.write_client_secrets(self.secrets)
        settings = Settings(client_secrets=str(self.secrets), api_endpoint=emu.api_endpoint)
        demo_login(self.secrets, self.credentials, settings, write=write)
        self.token = emu.issue_tokens()["access_token"]
        emu.clear_requests()

    @property
    def args(self) -> List[str]:
        return [
            "--client-secrets",
            str(self.secrets),
            "--credentials",
            str(self.credentials),
            "--api-endpoint",
            self.emu.api_endpoint,
        ]

    @property
    def env(self) -> Dict[str, str]:
        return {"GCAL_CACHE_DIR": str(self.cache), "GCAL_BACKOFF_BASE": "0.01"}

    @property
    def store_file(self) -> Path:
        return self.cache / "store" / "default.sqlite3"

    def gcal(self, *args: str) -> Result:
        return run([*self.args, *args], env=self.env)

    def gcal_subprocess(self, *args: str, timeout: float = 120) -> Result:
        return run_subprocess([*self.args, *args], env=self.env, timeout=timeout)

    def spawn(self, *args: str) -> subprocess.Popen:
        env = dict(os.environ, **self.env)
        return subprocess.Popen(
            [sys.executable, "-m", "gcal", *self.args, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def ndjson(self, *args: str) -> List[Dict[str, Any]]:
        result = self.gcal("--format", "ndjson", *args)
        assert result.code == 0, result
        return [json.loads(line) for line in result.out.splitlines()]

    def events_requests(self) -> List[Any]:
        return [r for r in self.emu.api_requests() if r.path.endswith("/events")]


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)


def stored_events(path: Path, calendar_id: str) -> Dict[str, Any]:
    """id -> resource of what the store holds for a calendar (read with plain sqlite3)."""
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        rows = conn.execute(
            "SELECT id, resource FROM events WHERE calendar_id = ?", (calendar_id,)
        ).fetchall()
    finally:
        conn.close()
    return {i: json.loads(r) for i, r in rows}


def emulator_listing(account: Account, calendar_id: str, **params: Any) -> List[Dict[str, Any]]:
    from emulator_http import list_events

    items, _ = list_events(account.emu, calendar_id, account.token, **params)
    return items


def first_events_path(calendar_id: str) -> str:
    from urllib.parse import quote

    return "calendars/" + quote(calendar_id, safe="") + "/events"
