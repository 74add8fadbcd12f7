"""`gcal remind`'s memory: which reminders have been delivered, in the account's store.

A reminder is (calendar, event, the occurrence's start, minutes before it). Delivering one is
claimed first, in one write transaction (`claim`): of several processes (a cron run and a
`--watch`, two cron runs at once, a restart) exactly one gets each reminder. A delivery that
failed gives its claim back (`release`), so the next run tries again. An event moved to
another time is another reminder: it is announced again.
"""

from __future__ import annotations

import time
from typing import Iterable, Optional, Set, Tuple

from gcal.store.db import REMINDERS_TABLE, Store

#: (calendar id, event id, occurrence start as a Unix time, minutes before)
Key = Tuple[str, str, float, int]

#: reminders of occurrences that began this long ago are forgotten
KEEP_SECONDS = 60 * 86400.0


def _ensure(store: Store) -> None:
    store.conn.execute(REMINDERS_TABLE)


def delivered(store: Store, since: float) -> Set[Key]:
    """The reminders delivered for occurrences starting at or after `since`."""
    with store.write() as conn:  # a store made before the table existed gets it here
        _ensure(store)
        rows = conn.execute(
            "SELECT calendar_id, event_id, start_ts, minutes FROM reminders_sent "
            "WHERE start_ts >= ?",
            (since,),
        ).fetchall()
    return {(r[0], r[1], float(r[2]), int(r[3])) for r in rows}


def claim(store: Store, key: Key, *, late: bool = False, now: Optional[float] = None) -> bool:
    """Record `key` as delivered; False when it already was (by this or another process)."""
    now = time.time() if now is None else now
    with store.write() as conn:
        _ensure(store)
        cursor = conn.execute(
            "INSERT OR IGNORE INTO reminders_sent "
            "(calendar_id, event_id, start_ts, minutes, sent_at, late) VALUES (?, ?, ?, ?, ?, ?)",
            (key[0], key[1], float(key[2]), int(key[3]), now, int(late)),
        )
        won = cursor.rowcount == 1
        if won:
            conn.execute("DELETE FROM reminders_sent WHERE start_ts < ?", (now - KEEP_SECONDS,))
    return won


def release(store: Store, keys: Iterable[Key]) -> None:
    """Forget claims whose delivery failed, so that a later run delivers them."""
    with store.write() as conn:
        _ensure(store)
        for key in keys:
            conn.execute(
                "DELETE FROM reminders_sent "
                "WHERE calendar_id = ? AND event_id = ? AND start_ts = ? AND minutes = ?",
                (key[0], key[1], float(key[2]), int(key[3])),
            )
