"""The link to join an event's call: `gcal join`, `gcal remind` and the status-bar formats.

In this order: the event's `hangoutLink` (Google Meet), else the first `conferenceData`
entry point of type `video` (Meet, or a third-party conference added through an add-on),
else the first Meet, Zoom, Teams or Webex address written in the location or the
description. Only `https:`/`http:` links count: event text is written by whoever sent the
invitation, and a `file:` or `javascript:` "link" must never reach a browser.

Pure; events are the API's dicts.
"""

from __future__ import annotations

import re
from typing import Any, List, Optional
from urllib.parse import urlsplit

__all__ = ["KNOWN_HOSTS", "candidates", "meeting_link", "safe_url"]

#: hosts (and their subdomains) of the meeting services found in free text
KNOWN_HOSTS = (
    "meet.google.com",
    "zoom.us",
    "zoomgov.com",
    "teams.microsoft.com",
    "teams.live.com",
    "webex.com",
)
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>"


def safe_url(value: Any) -> Optional[str]:
    """`value` when it is an http(s) URL with a host and no whitespace or controls, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or any(ch.isspace() or not ch.isprintable() for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("https", "http") or not parts.hostname:
        return None
    return text


def _known(url: str) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return any(host == known or host.endswith("." + known) for known in KNOWN_HOSTS)


def _in_text(text: Any) -> List[str]:
    if not isinstance(text, str):
        return []
    found = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(_TRAILING)
        if _known(url) and safe_url(url):
            found.append(url)
    return found


def candidates(event: Any) -> List[str]:
    """Every joinable link of the event, best first, without repeats."""
    if not isinstance(event, dict):
        return []
    found: List[str] = []
    hangout = safe_url(event.get("hangoutLink"))
    if hangout:
        found.append(hangout)
    data = event.get("conferenceData")
    points = data.get("entryPoints") if isinstance(data, dict) else None
    if isinstance(points, list):
        for point in points:
            if isinstance(point, dict) and point.get("entryPointType") == "video":
                uri = safe_url(point.get("uri"))
                if uri:
                    found.append(uri)
    found += _in_text(event.get("location"))
    found += _in_text(event.get("description"))
    unique: List[str] = []
    for url in found:
        if url not in unique:
            unique.append(url)
    return unique


def meeting_link(event: Any) -> Optional[str]:
    """The link to join the event's call, or None."""
    links = candidates(event)
    return links[0] if links else None
