"""`gcal --demo`: run any command against the bundled emulator and its sample account.

The emulator starts in-process on a free loopback port; gcal logs in through the emulator's real
OAuth endpoints (a scripted browser consents, no prompt) into a throwaway credentials file in a
temporary folder. The command then runs through the normal code path. The user's own client
secrets and credentials are never read or written.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Iterator

from gcal.settings import Settings


@contextlib.contextmanager
def demo_settings(settings: Settings) -> Iterator[Settings]:
    """Settings that point at a running demo emulator; everything is torn down on exit."""
    from gcal.emulator import Emulator
    from gcal.google.auth import demo_login

    with tempfile.TemporaryDirectory(prefix="gcal-demo-") as folder, Emulator() as emu:
        client_secrets = Path(folder) / "client_secrets.json"
        credentials = Path(folder) / "calendar.dat"
        emu.write_client_secrets(client_secrets)
        demo = settings.replace(
            client_secrets=str(client_secrets),
            credentials=str(credentials),
            api_endpoint=emu.api_endpoint,
            interactive=False,
            open_browser=False,
        )
        demo_login(client_secrets, credentials, demo, write=True)  # the demo may be changed
        yield demo
