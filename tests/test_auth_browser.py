"""The local-server login driven by a real browser: headless Chromium as `$BROWSER`."""

from __future__ import annotations

import json
import os
import stat

import pytest

from browser.support import (
    CHROMIUM_SH,
    api_works,
    chromium_path,
    settings_for,
    use_browser,
    wait_for_file,
)
from gcal.google import auth
from gcal.google.loopback import SUCCESS_TEXT

CHROMIUM = chromium_path()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # Skipped only on a developer's machine without Chromium; in CI (.ci/run installs it) a
    # missing browser must fail the run rather than pass it silently.
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"),
        reason="chromium is not installed (apt-get install chromium)",
    ),
]


def test_login_with_headless_chromium(emulator, tmp_path, monkeypatch):
    assert CHROMIUM, "CI must have chromium: .ci/run installs Debian's package"
    dom = tmp_path / "dom.html"
    monkeypatch.setenv("CHROMIUM_DOM_OUT", str(dom))
    monkeypatch.setenv("CHROMIUM", CHROMIUM)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    use_browser(monkeypatch, str(CHROMIUM_SH))
    settings = settings_for(emulator, tmp_path, auth_host_ports=(0,), auth_timeout=90)
    creds = auth.login(settings)
    assert creds.valid
    page = wait_for_file(dom, timeout=60).read_text()
    assert SUCCESS_TEXT in page and "<title>gcal</title>" in page
    path = tmp_path / "calendar.dat"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert api_works(emulator, json.loads(path.read_text())["access_token"])
