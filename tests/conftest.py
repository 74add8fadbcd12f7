"""Shared fixtures: a private home for the whole run, a fresh emulator per test and a
googleapiclient service bound to it."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
from hypothesis import settings

from gcal.emulator import Emulator
from scripted_server import ScriptedServer

# Property tests draw the same examples on every run by default, so a run on a clean checkout
# passes or fails the same way each time; HYPOTHESIS_PROFILE=explore draws fresh random examples
# to look for new failures.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# Where gcal (and the libraries it uses) may write below a home folder.
GCAL_FOLDERS = (".cache/gcal", ".config/gcal", ".local/share/gcal", ".local/state/gcal")
# The developer's environment must not steer the tests: these are cleared for the run.
_CLEARED = (
    "GCAL_API_ENDPOINT", "GCAL_CACHE_DIR", "GCAL_CLIENT_SECRETS", "GCAL_CONFIG", "GCAL_CREDENTIALS",
    "GCAL_DEMO", "GCAL_FORMAT", "GCAL_PROFILE", "GCAL_RETRIES",
    "GCAL_RETRY_MAX_TIME", "GCAL_TIMEOUT", "XDG_RUNTIME_DIR", "XDG_CONFIG_DIRS", "XDG_DATA_DIRS",
    # a login in an SSH session pastes its URL: the tests' own session must not decide that
    "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "XDG_DOWNLOAD_DIR",
)  # fmt: skip


# -- where the tests' files live -----------------------------------------------------------------

#: a RAM file system with room to spare, where the temporary folders go (see pytest_configure)
_SHM = Path("/dev/shm")
_SHM_FREE_NEEDED = 4 << 30
_shm_basetemp: Optional[str] = None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Put the run's temporary folders (tmp_path, the private home) on /dev/shm where Linux has
    a roomy one. gcal syncs what it must not lose (the write journal, the store, the token
    file) to disk; on a busy disk each sync costs milliseconds, and thousands of them were
    much of some modules' time. Nothing tested depends on the disk: the tests that need a
    file system of their own (full, read-only) mount one. `--basetemp` chooses otherwise."""
    global _shm_basetemp
    if config.option.basetemp or not sys.platform.startswith("linux"):
        return
    try:
        info = os.statvfs(_SHM)
        if info.f_bavail * info.f_frsize < _SHM_FREE_NEEDED or not os.access(_SHM, os.W_OK):
            return
        _shm_basetemp = tempfile.mkdtemp(prefix="gcal-tests-", dir=_SHM)
    except OSError:
        return
    config.option.basetemp = _shm_basetemp


@pytest.hookimpl(trylast=True)  # after the session-scoped fixtures are torn down
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The RAM folder goes at the end of a run that passed; a failed run's stays to look at."""
    if _shm_basetemp is None:
        return
    if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        shutil.rmtree(_shm_basetemp, ignore_errors=True)
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"the tests' temporary folders are kept in {_shm_basetemp}")


def snapshot(home: Path) -> Dict[str, Tuple[int, int]]:
    """(size, mtime) of each file in gcal's folders under `home`: did a run write there?"""
    seen: Dict[str, Tuple[int, int]] = {}
    for folder in GCAL_FOLDERS:
        root = home / folder
        if root.exists():
            seen[folder] = (0, 0)
        for path in root.rglob("*") if root.is_dir() else ():
            try:
                info = path.lstat()
            except OSError:
                continue
            seen[str(path.relative_to(home))] = (info.st_size, info.st_mtime_ns)
    return seen


@pytest.fixture(scope="session", autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test runs with HOME, the XDG folders and gcal's own folders in one temporary folder,
    so no test reads the developer's configuration or writes to their cache (checked at the end)."""
    real_home = Path(os.path.expanduser("~"))
    before = snapshot(real_home)
    home = tmp_path_factory.mktemp("home")
    folders = {
        "HOME": home,
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_STATE_HOME": home / ".local" / "state",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name in _CLEARED:
            patch.delenv(name, raising=False)
        for name, folder in folders.items():
            folder.mkdir(parents=True, exist_ok=True)
            patch.setenv(name, str(folder))
        patch.setenv("GCAL_CONFIG_DIR", str(home / ".config" / "gcal"))
        patch.setenv("REAL_HOME_FOR_TESTS", str(real_home))
        # temporary files too (a --demo command's world and write journal, the processes tests
        # start): in the run's folder, on /dev/shm where pytest_configure put it
        scratch = tmp_path_factory.mktemp("tmp")
        patch.setenv("TMPDIR", str(scratch))
        patch.setattr(tempfile, "tempdir", str(scratch))
        yield home
    created = sorted(set(snapshot(real_home)) - set(before))
    assert not created, f"the test run wrote to the real home {real_home}: {created[:5]}"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A started emulator serving the built-in demo account."""
    with Emulator() as emu:
        yield emu


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A started ScriptedServer: canned answers the way a Google front end may give them."""
    scripted = ScriptedServer().start()
    yield scripted
    scripted.stop()


@pytest.fixture
def emulator_factory() -> Iterator[Callable[..., Emulator]]:
    """Start emulators with custom arguments; all are stopped at teardown."""
    started: List[Emulator] = []

    def make(*args: Any, **kwargs: Any) -> Emulator:
        emu = Emulator(*args, **kwargs).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()


def build_service(emu: Emulator, token: str | None = None) -> Any:
    """A Calendar v3 Resource talking to `emu` with a freshly issued (or given) token."""
    import google.oauth2.credentials
    from googleapiclient.discovery import build

    token = token or emu.issue_tokens()["access_token"]
    creds = google.oauth2.credentials.Credentials(token=token)
    return build(
        "calendar",
        "v3",
        credentials=creds,
        client_options={"api_endpoint": emu.api_endpoint},
        static_discovery=True,
        cache_discovery=False,
    )


@pytest.fixture
def service(emulator: Emulator) -> Any:
    """googleapiclient Resource for the `emulator` fixture's demo account."""
    return build_service(emulator)
