"""One meeting seen from several accounts, shown once.

When the agendas of several accounts are merged, a meeting both accounts attend arrives twice:
the same event (same `iCalUID`, same start) in each account's calendar. `collapse_shared` keeps
the first and hands the others to `combine`, which names every calendar on the kept row.
Events of one account are never collapsed: two copies in one account's calendars are two
entries of that account, as its own agenda shows them.

Pure and lazy: rows arrive in merged order (by start), so copies of one meeting are adjacent
among the rows starting at the same instant; only those rows are held back.
"""

from __future__ import annotations

import datetime
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from gcal.core.merge import event_key

__all__ = ["collapse_shared", "shared_key"]


def shared_key(event: Any, zone: datetime.tzinfo) -> Optional[Tuple[str, float]]:
    """(iCalUID, start instant) of an event, or None when it has no iCalUID or start."""
    if not isinstance(event, dict):
        return None
    uid = event.get("iCalUID")
    key = event_key(event, zone)
    if not isinstance(uid, str) or not uid or key is None:
        return None
    return uid, key[0]


def collapse_shared(
    rows: Iterable[Any],
    zone: datetime.tzinfo,
    *,
    account: Callable[[Any], str],
    event: Callable[[Any], Any],
    combine: Callable[[Any, List[Any]], Any],
) -> Iterator[Any]:
    """`rows` in their order, each meeting that several accounts see given once.

    `account(row)` names a row's account, `event(row)` is its event; `combine(first, others)`
    builds the row shown for a meeting also seen by the `others`.
    """
    held: List[Any] = []
    held_start: Optional[float] = None
    for row in rows:
        key = event_key(event(row), zone)
        start = key[0] if key is not None else None
        if held and start != held_start:
            yield from _flush(held, zone, account, event, combine)
            held = []
        held_start = start
        held.append(row)
    yield from _flush(held, zone, account, event, combine)


def _flush(
    rows: List[Any],
    zone: datetime.tzinfo,
    account: Callable[[Any], str],
    event: Callable[[Any], Any],
    combine: Callable[[Any, List[Any]], Any],
) -> Iterator[Any]:
    if len(rows) < 2:
        yield from rows
        return
    copies: Dict[Tuple[str, float], List[Any]] = {}
    order: List[Any] = []
    for row in rows:
        key = shared_key(event(row), zone)
        group = copies.get(key) if key is not None else None
        if group is not None and account(row) not in {account(r) for r in group}:
            group.append(row)
            continue
        if key is not None and group is None:
            copies[key] = [row]
            order.append(copies[key])
        else:
            order.append([row])
    for group in order:
        yield group[0] if len(group) == 1 else combine(group[0], group[1:])
