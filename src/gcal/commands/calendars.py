"""One way to turn what a user typed for a calendar into its id, for every command.

`primary` and ids (`x@group.calendar.google.com`) go as they are, at no cost. A name ("Ada
Lovelace"), or the start of one (`ada`), is looked up in the calendar list: the store's when it
holds one that knows the name, else the API's (one request). `gcal.core.calendars.pick_calendar`
does the matching; an ambiguous or unknown name is a usage error listing the candidates (exit 2).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from gcal.errors import GcalError, UsageError
from gcal.settings import Settings

__all__ = ["resolve_calendar"]


def resolve_calendar(
    settings: Settings,
    text: str,
    *,
    what: str = "CALENDAR_ID",
    offline: bool = False,
    entries: Optional[List[Dict[str, Any]]] = None,
) -> str:
    """The calendar id `text` names. `what` names the argument in errors; `offline` looks only
    in the store; `entries` is a calendar list the caller already has."""
    from gcal.core.calendars import needs_calendar_list, pick_calendar

    key = text.strip()
    if not key:
        raise UsageError(f"{what} must not be empty")
    if not needs_calendar_list(text):
        return key
    if entries is None:
        entries = _stored_list(settings)
        if not offline and not _knows(entries, text):
            entries = _live_list(settings)
    if offline and not entries:
        raise UsageError(f"{what} {text!r}: the store holds no calendar list; run 'gcal sync'")
    return str(pick_calendar(entries, text, what=what)["id"])


def _knows(entries: List[Dict[str, Any]], text: str) -> bool:
    """Whether the stored list settles `text` (names it, or alone starts with it)."""
    from gcal.core.calendars import pick_calendar

    if not entries:
        return False
    try:
        pick_calendar(entries, text)
    except UsageError:
        return False
    return True


def _stored_list(settings: Settings) -> List[Dict[str, Any]]:
    from gcal.commands.stored import open_reader
    from gcal.commands.sync import stored_calendar_list

    try:
        store = open_reader(settings)
    except GcalError:
        return []
    if store is None:
        return []
    with store:
        try:
            return stored_calendar_list(store)
        except Exception:  # an unreadable store: the API has the list
            return []


def _live_list(settings: Settings) -> List[Dict[str, Any]]:
    from gcal.commands.sync import fetch_calendar_list
    from gcal.google import rest

    return fetch_calendar_list(rest.connect(settings))
