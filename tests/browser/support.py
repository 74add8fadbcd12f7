"""Helpers for the authentication tests: scripted browsers, settings, credentials files."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from gcal.settings import Settings

HERE = Path(__file__).resolve().parent
FOLLOW = HERE / "follow.py"
CHROMIUM_SH = HERE / "chromium.sh"
SCOPE = "https://www.googleapis.com/auth/calendar.readonly"


def consent(url: str) -> str:
    """Play a browser that the user clicks "Allow" in: open the authorization URL and return
    the URL it is redirected to (the one a headless user pastes back)."""

    class NoFollow(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoFollow())
    try:
        opener.open(url, timeout=10)
    except urllib.error.HTTPError as exc:
        return exc.headers["Location"]
    raise AssertionError("the authorization endpoint did not redirect")


def http_get(url: str) -> Tuple[int, str]:
    """GET `url` without a proxy; (status, body) whatever the status."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def assert_no_secrets(text: str, emu: Any) -> int:
    """Fail if any secret of `emu`'s OAuth exchanges appears in `text`; returns how many were
    searched for, so a test can check that its session really produced them."""
    secrets = emu.issued_secrets()
    leaked = sorted(f"{s[:6]}..." for s in secrets if s in text)
    assert not leaked, f"secrets leaked: {leaked}"
    return len(secrets)


def chromium_path() -> Optional[str]:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def use_browser(monkeypatch: Any, command: str) -> None:
    """Make `webbrowser` use `command` (a single executable, as $BROWSER wants) from now on."""
    monkeypatch.setenv("BROWSER", command)
    monkeypatch.setattr(webbrowser, "_tryorder", None, raising=False)
    monkeypatch.setattr(webbrowser, "_browsers", {}, raising=False)


def fake_browser(monkeypatch: Any, tmp_path: Path, rewrite: Optional[str] = None) -> Path:
    """Install follow.py as $BROWSER; returns the file it writes its final page to."""
    out = tmp_path / "browser-result.json"
    script = executable(
        tmp_path / "browser.sh", f'#!/bin/sh\nexec "{sys.executable}" "{FOLLOW}" "$@"\n'
    )
    monkeypatch.setenv("FAKE_BROWSER_OUT", str(out))
    if rewrite:
        monkeypatch.setenv("FAKE_BROWSER_REWRITE", rewrite)
    else:
        monkeypatch.delenv("FAKE_BROWSER_REWRITE", raising=False)
    use_browser(monkeypatch, str(script))
    return out


def wait_for_file(path: Path, timeout: float = 20.0) -> Path:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear within {timeout} s")
        time.sleep(0.05)
    return path


def browser_result(path: Path) -> Dict[str, Any]:
    return json.loads(wait_for_file(path).read_text())


def settings_for(emu: Any, tmp_path: Path, **changes: Any) -> Settings:
    secrets = tmp_path / "client_secrets.json"
    if not secrets.exists():
        emu.write_client_secrets(secrets)
    base = Settings(
        client_secrets=str(secrets),
        credentials=str(tmp_path / "calendar.dat"),
        auth_host_ports=(0,),
        auth_timeout=30,
        timeout=10,
        interactive=False,
        api_endpoint=emu.api_endpoint,  # the emulator's host may receive codes and tokens
    )
    return base.replace(**changes)


def past() -> dt.datetime:
    return dt.datetime(2000, 1, 1)


def write_oauth2client_file(
    emu: Any, path: Path, *, expired: bool = True, tokens: Optional[Dict[str, Any]] = None
) -> Dict[str, Any]:
    """A calendar.dat written by the real oauth2client library, as the old sample did."""
    from oauth2client.client import OAuth2Credentials
    from oauth2client.file import Storage

    tokens = tokens or emu.issue_tokens()
    expiry = past() if expired else dt.datetime.utcnow() + dt.timedelta(hours=1)
    creds = OAuth2Credentials(
        tokens["access_token"],
        emu.client_id,
        emu.client_secret,
        tokens["refresh_token"],
        expiry,
        emu.base_url + "token",
        "calendar_sample/1.0",
        revoke_uri="https://oauth2.googleapis.com/revoke",
        scopes=[SCOPE],
    )
    Storage(str(path)).put(creds)
    return tokens


def write_google_auth_file(emu: Any, path: Path, *, expired: bool = True) -> Dict[str, Any]:
    """A google-auth authorized-user file (`Credentials.to_json()`)."""
    import google.oauth2.credentials

    tokens = emu.issue_tokens()
    expiry = past() if expired else dt.datetime.utcnow() + dt.timedelta(hours=1)
    creds = google.oauth2.credentials.Credentials(
        tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        token_uri=emu.base_url + "token",
        client_id=emu.client_id,
        client_secret=emu.client_secret,
        scopes=[SCOPE],
        expiry=expiry,
    )
    path.write_text(creds.to_json())
    os.chmod(path, 0o600)
    return tokens


def api_works(emu: Any, token: str) -> bool:
    """Whether `token` is accepted by the emulator's Calendar API."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        emu.api_endpoint + "users/me/calendarList", headers={"Authorization": f"Bearer {token}"}
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


def refresh_works(emu: Any, refresh_token: str) -> bool:
    """Whether the emulator still honours `refresh_token` (without rotating it)."""
    import urllib.error
    import urllib.parse
    import urllib.request

    rotate = emu.rotate_refresh_tokens
    emu.rotate_refresh_tokens = False
    try:
        body = urllib.parse.urlencode(
            {
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": emu.client_id,
                "client_secret": emu.client_secret,
            }
        ).encode()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(emu.base_url + "token", data=body, timeout=10) as response:
                return response.status == 200
        except urllib.error.HTTPError:
            return False
    finally:
        emu.rotate_refresh_tokens = rotate
