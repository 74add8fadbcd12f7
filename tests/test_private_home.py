"""The test run never touches the developer's home: HOME, the XDG folders and gcal's own folders
point into one temporary folder for the whole run (tests/conftest.py's `private_home`)."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import snapshot
from runner import run, run_subprocess


def test_home_and_xdg_folders_are_private(private_home: Path) -> None:
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
                 "GCAL_CONFIG_DIR"):  # fmt: skip
        assert Path(os.environ[name]).is_relative_to(private_home), name
    assert Path(os.path.expanduser("~")) == private_home
    assert "GCAL_CACHE_DIR" not in os.environ and "GCAL_PROFILE" not in os.environ


def test_the_demo_writes_into_the_private_home_only(private_home: Path) -> None:
    real_home = Path(os.environ["REAL_HOME_FOR_TESTS"])
    assert real_home != private_home
    before = snapshot(real_home)
    assert run(["--demo", "agenda", "--cached"]).code == 0
    assert run_subprocess(["--demo", "calendars"]).code == 0
    assert (private_home / ".cache" / "gcal" / "store" / "_demo.sqlite3").is_file()
    assert snapshot(real_home) == before
