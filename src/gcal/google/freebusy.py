"""freebusy.query: the request body, the split above 50 calendars, and the merged answer.

The API answers at most 50 calendars a query (`calendarExpansionMax` tops out at 50), so a
longer list is cut into queries of 50 items that are sent at once, each from its own thread
with its own HTTP connection (httplib2 is not thread-safe), and their answers are merged into
one FreeBusyResponse as if the API had answered them together: `calendars` and `groups` keep
the order of the items asked for. Each query has the API layer's retries; the first query that
fails for good fails the whole command (a partial answer would look like free time).
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Dict, List, Optional, Sequence

from gcal import waits
from gcal.google import api

#: items per query: the most the API answers at once
MAX_ITEMS = 50
#: the API's bounds for the two maxima of the request
GROUP_EXPANSION_MAX = 100
CALENDAR_EXPANSION_MAX = 50
#: the longest window the API answers (longer ones are a 400 timeRangeTooLong)
MAX_SPAN_DAYS = 90


def build_body(
    time_min: str,
    time_max: str,
    ids: Sequence[str],
    *,
    time_zone: Optional[str] = None,
    group_expansion_max: Optional[int] = None,
    calendar_expansion_max: Optional[int] = None,
) -> Dict[str, Any]:
    """A FreeBusyRequest; fields left None are not sent (the API's defaults apply)."""
    body: Dict[str, Any] = {"timeMin": time_min, "timeMax": time_max}
    if time_zone:
        body["timeZone"] = time_zone
    if group_expansion_max is not None:
        body["groupExpansionMax"] = group_expansion_max
    if calendar_expansion_max is not None:
        body["calendarExpansionMax"] = calendar_expansion_max
    body["items"] = [{"id": i} for i in ids]
    return body


def split(body: Dict[str, Any], size: int = MAX_ITEMS) -> List[Dict[str, Any]]:
    """The request cut into requests of at most `size` items (duplicates asked once)."""
    items, seen = [], set()
    for item in body.get("items", []):
        if item["id"] not in seen:
            seen.add(item["id"])
            items.append(item)
    chunks = [items[k : k + size] for k in range(0, len(items), size)] or [[]]
    return [dict(body, items=chunk) for chunk in chunks]


def merge(answers: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """One FreeBusyResponse from the answers to split requests (in request order)."""
    if len(answers) == 1:
        return answers[0]
    merged: Dict[str, Any] = {}
    calendars: Dict[str, Any] = {}
    groups: Dict[str, Any] = {}
    for answer in answers:
        for key, value in answer.items():
            if key not in ("calendars", "groups"):
                merged.setdefault(key, value)
        groups.update(answer.get("groups") or {})
        for cid, entry in (answer.get("calendars") or {}).items():
            # a calendar asked in two chunks (a group member and an item, say): keep the answer
            # with busy times over one that failed
            if cid not in calendars or (calendars[cid].get("errors") and not entry.get("errors")):
                calendars[cid] = entry
    if groups:
        merged["groups"] = groups
    merged["calendars"] = calendars
    return merged


def query(client: api.Client, body: Dict[str, Any], *, workers: int = 8) -> Dict[str, Any]:
    """The merged answer to `body`, split into concurrent queries when it has > 50 items.

    The queries run on daemon threads (at most `workers`), so Ctrl-C in the main thread ends
    the command at once instead of waiting for answers nobody will read.
    """
    requests = split(body)
    if len(requests) == 1:
        return api.execute(client, "freebusy", {"body": requests[0]})
    answers: List[Any] = [None] * len(requests)
    jobs: queue.Queue[int] = queue.Queue()
    for index in range(len(requests)):
        jobs.put(index)

    def work() -> None:
        own: Optional[api.Client] = None
        while True:
            try:
                index = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                own = own or api.worker_client(client)
                answers[index] = api.execute(own, "freebusy", {"body": requests[index]})
            except BaseException as exc:  # handed to the main thread, never lost
                answers[index] = exc

    threads = [
        threading.Thread(target=work, name=f"gcal-freebusy-{n}", daemon=True)
        for n in range(min(workers, len(requests)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        waits.join(thread)
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
    return merge(answers)
