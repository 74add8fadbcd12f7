"""The `htmlLink` Google gives an event: one per event, instances of a series included.

Google's link names the event by `eid`, the unpadded base64url of "<eventId> <calendarId>";
an occurrence of a series has its own id (`<seriesId>_<start>`), hence its own link, and opens
that one occurrence in Google Calendar rather than the series.
"""

from __future__ import annotations

import base64


def html_link(event_id: str, calendar_id: str) -> str:
    """The link of event `event_id` on calendar `calendar_id`, as Google forms it."""
    eid = base64.urlsafe_b64encode(f"{event_id} {calendar_id}".encode()).decode().rstrip("=")
    return f"https://www.google.com/calendar/event?eid={eid}"
