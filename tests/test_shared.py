"""gcal.core.shared: one meeting seen from several accounts is shown once."""

from __future__ import annotations

import datetime
from typing import Any, List, Tuple

from hypothesis import given
from hypothesis import strategies as st

from gcal.core.shared import collapse_shared, shared_key

UTC = datetime.timezone.utc
Row = Tuple[str, dict]  # (account, event)


def event(uid: str, hour: int) -> dict:
    start = f"2026-12-03T{hour:02d}:00:00Z"
    end = f"2026-12-03T{hour:02d}:30:00Z"
    return {"iCalUID": uid, "start": {"dateTime": start}, "end": {"dateTime": end}}


def collapse(rows: List[Row]) -> List[Any]:
    return list(
        collapse_shared(
            rows,
            UTC,
            account=lambda row: row[0],
            event=lambda row: row[1],
            combine=lambda first, others: ("+".join([first[0], *(o[0] for o in others)]), first[1]),
        )
    )


def test_the_same_meeting_from_two_accounts_is_shown_once():
    rows = [("work", event("m1", 9)), ("personal", event("m1", 9)), ("work", event("m2", 10))]
    assert collapse(rows) == [("work+personal", event("m1", 9)), ("work", event("m2", 10))]


def test_copies_within_one_account_stay():
    rows = [("work", event("m1", 9)), ("work", event("m1", 9))]
    assert collapse(rows) == rows


def test_another_start_is_another_occurrence():
    rows = [("work", event("m1", 9)), ("personal", event("m1", 10))]
    assert collapse(rows) == rows


def test_events_without_icaluid_or_start_are_never_collapsed():
    bare = {"start": {"dateTime": "2026-12-03T09:00:00Z"}}
    cancelled = {"iCalUID": "x", "status": "cancelled"}
    rows = [("work", bare), ("personal", dict(bare)), ("work", cancelled), ("p", cancelled)]
    assert collapse(rows) == rows
    assert shared_key(bare, UTC) is None and shared_key(cancelled, UTC) is None


def test_a_meeting_among_others_at_the_same_start():
    rows = [
        ("work", event("a", 9)),
        ("work", event("b", 9)),
        ("personal", event("c", 9)),
        ("personal", event("a", 9)),
    ]
    assert collapse(rows) == [
        ("work+personal", event("a", 9)),
        ("work", event("b", 9)),
        ("personal", event("c", 9)),
    ]


rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["work", "personal", "home"]), st.sampled_from("abc"), st.integers(8, 10)
    ),
    max_size=30,
).map(lambda items: sorted(items, key=lambda item: item[2]))


@given(rows_strategy)
def test_every_row_is_kept_or_named_on_the_row_it_joined(items):
    rows = [(account, event(uid, hour)) for account, uid, hour in items]
    out = collapse(rows)
    assert sum(len(account.split("+")) for account, _ in out) == len(rows)
    # the output keeps the input's order of starts, and no account appears twice in a row
    starts = [e["start"]["dateTime"] for _, e in out]
    assert starts == sorted(starts)
    for account, _ in out:
        names = account.split("+")
        assert len(names) == len(set(names))
    # one account alone: nothing changes
    single = [("work", e) for _, e in rows]
    assert collapse(single) == single
