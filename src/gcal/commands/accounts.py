"""Which account a login belongs to, for `gcal auth status` and `gcal auth list`."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from gcal import logs
from gcal.core.sanitize import one_line
from gcal.errors import GcalError
from gcal.settings import Settings


def primary_calendar_id(settings: Settings, creds: Any) -> Optional[str]:
    """The id of the account's primary calendar (its email address): one cheap API call.

    Only owned calendars are asked for, which is where the primary is.
    """
    from gcal.google import api

    client = api.build_client(settings, creds)
    request: Dict[str, Any] = {
        "minAccessRole": "owner",
        "fields": "items(id,primary),nextPageToken",
    }
    while True:
        page = api.execute(client, "calendars", request)
        for item in page.get("items") or []:
            if isinstance(item, dict) and item.get("primary"):
                return str(item.get("id"))
        token = page.get("nextPageToken")
        if not token:
            return None
        request = dict(request, pageToken=token)


def login(settings: Settings, *, write: bool = False) -> None:
    """A new login (`gcal auth login`, with `write` the permission to change events too), then
    the account noted in the credentials file.

    Naming the account costs one API call; if it fails, the login still stands.
    """
    from gcal.google import auth

    # a client file that cannot be used is the one line to show, before any note on the flow
    auth.load_client_secrets(  # its warnings are the login's own, said there once
        auth.find_client_secrets(settings.client_secrets),
        warn=False,
        google=auth.is_google_api(settings.api_endpoint),
    )
    creds = auth.login(headless_if_needed(settings), write=write)
    try:
        account = primary_calendar_id(settings, creds)
    except GcalError as exc:
        logs.warn(f"logged in, but cannot tell the account yet: {one_line(exc.message)}")
        return
    if account:
        auth.note_account(settings, account)
        logs.info(f"logged in as {account}" + _profile_note(settings))


def headless_if_needed(settings: Settings) -> Settings:
    """`settings` with the paste flow when no browser can come back to this machine (an SSH
    session, no display), saying why; `--no-browser` keeps the local server (for `ssh -L`)."""
    import os
    import sys

    from gcal.google.loginflows import wants_headless

    if settings.demo or settings.noauth_local_webserver or not settings.open_browser:
        return settings
    reason = wants_headless(os.environ, sys.platform)
    if not reason:
        return settings
    logs.info(
        f"{reason}: log in by pasting the URL your browser ends on (with `ssh -L`, use "
        "--no-browser to keep the local server)"
    )
    return settings.replace(noauth_local_webserver=True)


def _profile_note(settings: Settings) -> str:
    return "" if settings.profile == "default" else f" (profile {settings.profile})"


def list_profiles(state_build: Any, names: List[str]) -> List[Dict[str, Any]]:
    """One row per profile: its account and token state from its credentials file, never a
    token; no request is made. `state_build(name)` gives a profile's Settings."""
    from gcal.google import auth
    from gcal.google.credrecord import format_expiry, utcnow
    from gcal.google.credstore import CredentialsStore
    from gcal.paths import credentials_path

    rows = []
    for name in names:
        row: Dict[str, Any] = {"profile": name, "account": None}
        try:
            settings = state_build(name)
            path = credentials_path(settings.credentials)
            row["credentials_file"] = str(path.absolute())
            store = CredentialsStore(path)
            record = store.read()
        except GcalError as exc:
            row.update(state="error", detail=exc.message)
            rows.append(row)
            continue
        if record is None:
            row.update(state="not logged in", detail=None)
        else:
            row["account"] = auth.stored_account(record)
            if record.token and record.expiry and record.expiry > utcnow():
                state = "valid"
            elif record.refresh_token:
                state = "refreshable"
            else:
                state = "expired"
            expiry = format_expiry(record.expiry)
            row.update(state=state, detail=f"access token until {expiry}" if expiry else None)
        rows.append(row)
    return rows


def status_with_account(settings: Settings) -> Dict[str, Any]:
    """`gcal.google.auth.status`, with the account filled in from the API when the login did
    not store an email. A failed lookup leaves the account unknown and says why on stderr:
    the rest of the status is still worth showing."""
    from gcal.google import auth

    info = auth.status(settings)
    if info.get("logged_in") and not info.get("account"):
        try:
            creds = auth.get_credentials(settings.replace(interactive=False))
            info["account"] = primary_calendar_id(settings, creds)
            if info["account"]:
                auth.note_account(settings, info["account"])
        except GcalError as exc:
            logs.warn(f"cannot tell the account: {one_line(exc.message)}")
    return info
