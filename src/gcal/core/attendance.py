"""The user's own part in an event: their response, read from the attendee marked `self`.

Used by the agenda (`--no-declined`, the declined mark) and the event detail (mine first).
Pure; events are the API's dicts, which may omit attendees altogether (then there is no answer).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

__all__ = ["is_declined", "my_attendee", "my_response", "sorted_attendees"]

RESPONSES = ("accepted", "tentative", "needsAction", "declined")


def my_attendee(event: Any) -> Optional[Dict[str, Any]]:
    """The attendee entry with `self: true`, or None (no attendees, or not invited)."""
    attendees = event.get("attendees") if isinstance(event, dict) else None
    if not isinstance(attendees, list):
        return None
    for attendee in attendees:
        if isinstance(attendee, dict) and attendee.get("self") in (True, "true"):
            return attendee
    return None


def my_response(event: Any) -> Optional[str]:
    """The user's responseStatus (accepted, tentative, needsAction, declined), or None."""
    attendee = my_attendee(event)
    status = attendee.get("responseStatus") if attendee else None
    return status if isinstance(status, str) else None


def is_declined(event: Any) -> bool:
    """Whether the user declined this event (their attendee entry says `declined`)."""
    return my_response(event) == "declined"


def sorted_attendees(event: Any) -> List[Dict[str, Any]]:
    """Attendees for display: the user first, then the organizer, then by response
    (accepted, tentative, awaiting, declined), keeping the API's order within each group."""
    attendees = event.get("attendees") if isinstance(event, dict) else None
    if not isinstance(attendees, list):
        return []
    people = [a for a in attendees if isinstance(a, dict)]

    def rank(item: Any) -> tuple:
        position, attendee = item
        if attendee.get("self") in (True, "true"):
            group = 0
        elif attendee.get("organizer") in (True, "true"):
            group = 1
        else:
            status = attendee.get("responseStatus")
            group = 2 + (RESPONSES.index(status) if status in RESPONSES else 2)
        return (group, position)

    return [a for _, a in sorted(enumerate(people), key=rank)]
