"""Shared fixtures: a fresh emulator per test and a googleapiclient service bound to it."""

from __future__ import annotations

from typing import Any, Callable, Iterator, List

import pytest

from gcal.emulator import Emulator
from scripted_server import ScriptedServer


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
