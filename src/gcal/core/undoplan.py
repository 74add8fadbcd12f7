"""`gcal undo`, planned: the requests that take back one journal entry (`undo_steps`): an
insert deleted, a patch reverted field by field, a deletion restored as it was, an answer put
back, a move moved back.

Separate from the bodies the write commands send (`gcal.core.writes`) because it reads what
the journal kept of a write (the event before, the request, the answer), not options.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, Dict, List, Optional

Event = Dict[str, Any]


def revert_patch(before: Event, patch: Event) -> Event:
    """The patch that puts back, field by field, what `patch` changed in `before` (a field the
    event did not have is cleared with null, as events.patch reads it)."""
    revert: Event = {}
    for key in patch:
        if key in ("conferenceData",) and key not in before:
            revert[key] = None
            continue
        revert[key] = copy.deepcopy(before[key]) if key in before else None
    return revert


def restore_rsvp_body(old_entry: Event) -> Event:
    entry = {"email": old_entry.get("email"), "responseStatus": old_entry.get("responseStatus")}
    entry["comment"] = old_entry.get("comment", "")
    return {"attendeesOmitted": True, "attendees": [entry]}


def restore_body(before: Event) -> Event:
    """The body of events.update that brings a deleted event back as it was (the event as
    gcal read it before deleting it: a live event, or a series' cancelled occurrence)."""
    body = {
        k: copy.deepcopy(v)
        for k, v in before.items()
        if k not in ("etag", "kind", "updated", "created", "htmlLink")
    }
    # a cancelled occurrence of a series stays cancelled; everything else comes back
    body["status"] = before.get("status") or "confirmed"
    return body


@dataclasses.dataclass
class Step:
    """One request of an undo: `method` is patch, delete, move or restore (a patch that brings
    a deleted event back)."""

    method: str
    calendar_id: str
    event_id: str
    body: Optional[Event] = None
    etag: Optional[str] = None  # If-Match: the event must still be as gcal's write left it
    destination: Optional[str] = None
    before: Optional[Event] = None  # the event as it is expected now (for the journal)


def undo_steps(entry: Dict[str, Any]) -> List[Step]:
    """The requests that undo one journal entry (see `gcal.store.journal`): an insert is
    deleted, a patch reverted field by field, a deletion restored as it was, an answer put
    back, a move moved back."""
    kind = entry["kind"]
    cal = entry["calendar_id"]
    eid = entry["event_id"]
    before = entry.get("before")
    after = entry.get("after") or {}
    etag = after.get("etag") if isinstance(after, dict) else None
    if kind == "insert":
        return [Step("delete", cal, eid, etag=etag, before=after)]
    if kind == "patch":
        request = entry.get("request") or {}
        return [
            Step("patch", cal, eid, revert_patch(before or {}, request), etag=etag, before=after)
        ]
    if kind == "rsvp":
        from gcal.core.attendance import my_attendee

        mine = my_attendee(before or {}) or {}
        return [Step("patch", cal, eid, restore_rsvp_body(mine), etag=etag, before=after)]
    if kind == "delete":
        # a deleted event comes back by a patch to status confirmed (as on Google), carrying
        # everything it held; a series' exceptions after it, as they were
        steps = [Step("restore", cal, eid, restore_body(before or {}), before=before)]
        for exception in entry.get("related") or []:
            steps.append(
                Step(
                    "restore", cal, str(exception["id"]), restore_body(exception), before=exception
                )
            )
        return steps
    if kind == "move":
        return [Step("move", entry["destination"], eid, destination=cal, etag=etag, before=after)]
    raise ValueError(f"no undo for a {kind!r} entry")
