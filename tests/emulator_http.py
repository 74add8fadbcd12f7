"""Reading the emulator over HTTP the way Google is read, for tests that compare gcal's own
answers (local expansion, the store) with what the API itself says."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Tuple

from gcal.emulator import Emulator


def api_get(emu: Emulator, path: str, token: str, **params: Any) -> Dict[str, Any]:
    """GET one API path (relative to the endpoint) with a Bearer token, without any proxy."""
    query = urllib.parse.urlencode(
        {k: ("true" if v is True else v) for k, v in params.items()}, doseq=True
    )
    request = urllib.request.Request(
        emu.api_endpoint + path + ("?" + query if query else ""),
        headers={"Authorization": "Bearer " + token},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        return json.load(response)


def list_events(
    emu: Emulator, calendar_id: str, token: str, **params: Any
) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """Every event of an events.list query, pages followed; (items, last page)."""
    path = "calendars/" + urllib.parse.quote(calendar_id, safe="") + "/events"
    items: List[Dict[str, Any]] = []
    page_token = None
    while True:
        query = dict(params, maxResults=2500)
        if page_token:
            query["pageToken"] = page_token
        page = api_get(emu, path, token, **query)
        items.extend(page.get("items", []))
        page_token = page.get("nextPageToken")
        if not page_token:
            return items, page
