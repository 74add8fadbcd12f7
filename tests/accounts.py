"""Two accounts for profile tests: two emulators, each its own Google account, and a config
file whose `[profiles.NAME]` tables point each profile at its account's OAuth client and API.

The `work` account is the demo account (Ada); the `personal` account (Grace) owns a small
calendar holding a copy of one of Ada's meetings (same iCalUID and start), as Google shows one
meeting to each of its attendees.
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

from browser.support import FOLLOW, executable
from gcal.emulator import Emulator
from gcal.emulator.demodata import build_demo_data
from runner import run, run_subprocess

PERSONAL_ID = "grace@example.org"
SHARED_UID = "shared-meeting-0001@example.com"


def shared_meeting(demo: Dict[str, Any]) -> Dict[str, Any]:
    """A timed, single (not recurring) event of Ada's primary calendar, given SHARED_UID."""
    primary = next(c for c in demo["calendars"] if c.get("primary"))
    for event in primary["events"]:
        start = event.get("start") or {}
        if (
            "dateTime" in start
            and not event.get("recurrence")
            and not event.get("recurringEventId")
            and event.get("status", "confirmed") == "confirmed"
            and event.get("summary")
            and not event["id"].startswith("gen")
        ):
            event["iCalUID"] = SHARED_UID  # as Google gives one meeting in every attendee's copy
            return event
    raise AssertionError("the demo data has no single timed event")


def personal_data(demo: Dict[str, Any]) -> Dict[str, Any]:
    meeting = copy.deepcopy(shared_meeting(demo))
    meeting["id"] = "gracecopy" + meeting["id"][:20]
    own = copy.deepcopy(meeting)
    own.update(id="graceonly1", iCalUID="graceonly1@example.org", summary="Grace's own slot")
    return {
        "calendars": [
            {
                "id": PERSONAL_ID,
                "summary": "Grace Hopper",
                "timeZone": "America/New_York",
                "accessRole": "owner",
                "primary": True,
                "selected": True,
                "events": [meeting, own],
            }
        ]
    }


class TwoAccounts:
    """Two running emulators and a config folder with a profile for each."""

    def __init__(
        self,
        folder: Path,
        work: Optional[Dict[str, Any]] = None,
        personal: Optional[Dict[str, Any]] = None,
    ) -> None:
        """By default the demo account and Grace's; `work` and `personal` replace them."""
        demo = build_demo_data()
        self.demo = demo
        own = personal_data(demo)  # gives the shared meeting its iCalUID in both
        self.work = Emulator(work or demo).start()
        self.personal = Emulator(personal or own).start()
        self.folder = folder
        self.config_dir = folder / "config"
        self.config_dir.mkdir(parents=True, exist_ok=True)
        lines: List[str] = []
        for name, emu in (("work", self.work), ("personal", self.personal)):
            secrets = emu.write_client_secrets(folder / f"{name}_client_secrets.json")
            lines += [
                f"[profiles.{name}]",
                f'client_secrets = "{secrets}"',
                f'api_endpoint = "{emu.api_endpoint}"',
                "",
            ]
        (self.config_dir / "config.toml").write_text("\n".join(lines), encoding="utf-8")
        browser = executable(
            folder / "browser.sh", f'#!/bin/sh\nexec "{sys.executable}" "{FOLLOW}" "$@"\n'
        )
        self.env = {
            "GCAL_CONFIG_DIR": str(self.config_dir),
            "BROWSER": str(browser),
            "FAKE_BROWSER_OUT": str(folder / "browser-result.json"),
            "GCAL_BACKOFF_BASE": "0.001",
        }

    @classmethod
    def logged_in(cls, folder: Path, **data: Any) -> TwoAccounts:
        """Both accounts running, each profile logged in to its own."""
        two = cls(folder, **data)
        two.login("work")
        two.login("personal")
        return two

    def token_file(self, profile: str) -> Path:
        return self.config_dir / "profiles" / profile / "calendar.dat"

    def gcal(self, *args: str) -> Any:
        """Run gcal in-process (as a user's console script would, through gcal.cli.main)."""
        return run(list(args), env=self.env)

    def login(self, profile: str) -> None:
        """A real login in its own process: the browser ($BROWSER, read once per process by
        `webbrowser`) follows the consent page to gcal's loopback server."""
        argv = ["auth", "login", "--profile", profile, "--auth-host-port", "0"]
        result = run_subprocess(argv, env=self.env)
        assert result.code == 0, result.err

    def stop(self) -> None:
        self.work.stop()
        self.personal.stop()


def env_without_gcal() -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GCAL_")}
