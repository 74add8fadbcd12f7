"""Which account a login belongs to, for `gcal auth status` and `gcal auth list`."""

from __future__ import annotations

from typing import Any, Dict, Optional

from gcal import logs
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
        except GcalError as exc:
            logs.warn(f"cannot tell the account: {exc.message}")
    return info
