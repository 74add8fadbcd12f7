"""`gcal conflicts`: overlapping busy events (the core's rules, then end to end against the
emulator, one account and two)."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core import conflicts as core
from store_support import Account

ME = "me@example.org"
OTHER = "other@example.org"


# -- the core ------------------------------------------------------------------------------


def _groups(spans: List[tuple]) -> List[List[int]]:
    found = core.groups(list(enumerate(spans)), lambda item: item[1])
    return [[n for n, _ in g.items] for g in found]


def test_back_to_back_is_no_conflict_nested_and_chains_are() -> None:
    assert _groups([(0, 10), (10, 20)]) == []
    assert _groups([(0, 30), (10, 20)]) == [[0, 1]]
    assert _groups([(0, 10), (5, 15), (12, 20)]) == [[0, 1, 2]]  # a chain of three
    assert _groups([(0, 10), (5, 15), (15, 20), (30, 40)]) == [[0, 1]]
    (group,) = core.groups([(0, 10), (5, 15), (12, 20)], lambda s: s)
    assert (group.start, group.end) == (5, 15)  # where two or more overlap


def test_the_same_meeting_twice_is_one_event() -> None:
    items = [("uid1", (0, 10)), ("uid1", (0, 10)), ("uid2", (20, 30))]
    assert core.groups(items, lambda i: i[1], lambda i: i[0]) == []
    items.append(("uid3", (5, 8)))
    (group,) = core.groups(items, lambda i: i[1], lambda i: i[0])
    assert [i[0] for i in group.items] == ["uid1", "uid3"]


spans = st.lists(
    st.tuples(st.integers(0, 200), st.integers(1, 60)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(spans)
def test_groups_are_exactly_the_connected_overlaps(items: List[tuple]) -> None:
    found = core.groups(list(enumerate(items)), lambda item: item[1])
    grouped = [n for g in found for n, _ in g.items]
    assert len(grouped) == len(set(grouped))  # an event is in one group at most

    def meet(a: tuple, b: tuple) -> bool:
        return a[0] < b[1] and b[0] < a[1]

    for group in found:
        members = [s for _, s in group.items]
        assert len(members) >= 2
        # connected: every event reaches every other through overlaps
        reached, todo = {0}, [0]
        while todo:
            i = todo.pop()
            for j in range(len(members)):
                if j not in reached and meet(members[i], members[j]):
                    reached.add(j)
                    todo.append(j)
        assert reached == set(range(len(members)))
        assert group.start < group.end
        assert min(s for s, _ in members) <= group.start and group.end <= max(e for _, e in members)
    # maximal: an event that overlaps another is in a group, and with it
    where = {n: k for k, g in enumerate(found) for n, _ in g.items}
    for i, a in enumerate(items):
        for j, b in enumerate(items):
            if i < j and meet(a, b):
                assert i in where and where.get(i) == where.get(j)


def test_what_is_busy() -> None:
    timed = {"start": {"dateTime": "2026-03-01T10:00:00Z"}, "end": {"dateTime": "x"}}
    assert core.is_busy(timed)
    assert not core.is_busy({**timed, "transparency": "transparent"})
    assert not core.is_busy({**timed, "status": "cancelled"})
    declined = {**timed, "attendees": [{"email": ME, "self": True, "responseStatus": "declined"}]}
    assert not core.is_busy(declined)
    day = {"start": {"date": "2026-03-01"}, "end": {"date": "2026-03-02"}}
    assert not core.is_busy(day) and core.is_busy(day, all_day=True)
    assert not core.is_busy({**timed, "eventType": "workingLocation"})


# -- end to end ----------------------------------------------------------------------------


def _event(eid: str, start: str, end: str, **extra: Any) -> Dict[str, Any]:
    return {
        "id": eid,
        "summary": eid,
        "start": {"dateTime": start},
        "end": {"dateTime": end},
        **extra,
    }


def _data() -> Dict[str, Any]:
    berlin = "Europe/Berlin"
    events = [
        # Monday 2026-03-02
        _event("a1", "2026-03-02T09:00:00+01:00", "2026-03-02T10:00:00+01:00"),
        _event("a2", "2026-03-02T10:00:00+01:00", "2026-03-02T11:00:00+01:00"),  # back to back
        _event("n1", "2026-03-02T12:00:00+01:00", "2026-03-02T15:00:00+01:00"),
        _event("n2", "2026-03-02T13:00:00+01:00", "2026-03-02T13:30:00+01:00"),  # nested
        _event("c1", "2026-03-02T16:00:00+01:00", "2026-03-02T17:00:00+01:00"),
        _event("c2", "2026-03-02T16:30:00+01:00", "2026-03-02T17:30:00+01:00"),
        _event("c3", "2026-03-02T17:15:00+01:00", "2026-03-02T18:00:00+01:00"),  # chain of 3
        # Tuesday: a declined and a transparent event over a busy one
        _event("busy", "2026-03-03T09:00:00+01:00", "2026-03-03T12:00:00+01:00"),
        _event(
            "declined",
            "2026-03-03T10:00:00+01:00",
            "2026-03-03T11:00:00+01:00",
            attendees=[{"email": ME, "self": True, "responseStatus": "declined"}],
        ),
        _event(
            "free",
            "2026-03-03T10:00:00+01:00",
            "2026-03-03T11:00:00+01:00",
            transparency="transparent",
        ),
        # Sunday 2026-03-29, clocks go forward in Berlin at 02:00: 01:30-03:30 lasts one hour
        # (00:30Z-01:30Z), so a meeting at 01:45Z does not meet it; on the wall clock it would
        {
            "id": "dst",
            "summary": "dst",
            "start": {"dateTime": "2026-03-29T01:30:00+01:00", "timeZone": berlin},
            "end": {"dateTime": "2026-03-29T03:30:00+02:00", "timeZone": berlin},
        },
        _event("afterdst", "2026-03-29T01:45:00Z", "2026-03-29T02:15:00Z"),
        _event("duringdst", "2026-03-29T01:15:00Z", "2026-03-29T01:45:00Z"),
    ]
    return {
        "calendars": [
            {
                "id": ME,
                "summary": "Me",
                "timeZone": berlin,
                "accessRole": "owner",
                "primary": True,
                "selected": True,
                "events": events,
            },
            {
                "id": OTHER,
                "summary": "Someone else",
                "timeZone": berlin,
                "accessRole": "reader",
                "selected": True,
                "events": [
                    _event("theirs", "2026-03-02T09:00:00+01:00", "2026-03-02T10:00:00+01:00")
                ],
            },
        ]
    }


@pytest.fixture
def account(emulator_factory, tmp_path) -> Account:
    return Account(emulator_factory(_data()), tmp_path)


def groups_of(account: Account, *args: str) -> List[List[str]]:
    result = account.gcal("conflicts", *args, "--time-zone", "Europe/Berlin", "-f", "json")
    assert result.code == 0, result
    return [[e["id"] for e in g["events"]] for g in json.loads(result.out)]


def test_conflicts_of_a_week(account: Account) -> None:
    assert groups_of(account, "2026-03-02", "2026-03-08") == [
        ["n1", "n2"],
        ["c1", "c2", "c3"],
    ]
    # a calendar that is not mine counts when asked for
    assert ["a1", "theirs"] in [
        sorted(g) for g in groups_of(account, "2026-03-02", "2026-03-02", "--all-calendars")
    ]
    result = account.gcal(
        "conflicts", "2026-03-02", "2026-03-02", "-f", "json", "--time-zone", "Europe/Berlin"
    )
    nested = json.loads(result.out)[0]
    assert (nested["start"], nested["end"]) == (
        "2026-03-02T13:00:00+01:00",
        "2026-03-02T13:30:00+01:00",
    )


def test_declined_and_transparent_are_no_conflict(account: Account) -> None:
    assert groups_of(account, "2026-03-03", "2026-03-03") == []


def test_across_a_dst_change(account: Account) -> None:
    assert groups_of(account, "2026-03-28", "2026-03-30") == [["dst", "duringdst"]]


def test_fail_exits_1_only_when_there_is_a_conflict(account: Account) -> None:
    # days in Berlin, as groups_of reads them (not the TZ the suite runs under)
    berlin = ("--time-zone", "Europe/Berlin")
    assert account.gcal("conflicts", "2026-03-03", "2026-03-03", "--fail", *berlin).code == 0
    result = account.gcal("conflicts", "2026-03-02", "2026-03-02", "--fail", "-f", "table", *berlin)
    assert result.code == 1
    assert "3 events overlap" in result.out and "c1" in result.out


def test_offline_answers_the_same_from_the_store(account: Account) -> None:
    assert account.gcal("sync").code == 0
    live = groups_of(account, "2026-03-01", "2026-03-31")
    assert groups_of(account, "2026-03-01", "2026-03-31", "--offline") == live


def test_the_same_meeting_in_two_profiles_is_no_conflict(tmp_path) -> None:
    from accounts import SHARED_UID, TwoAccounts, shared_meeting

    two = TwoAccounts.logged_in(tmp_path)
    try:
        meeting = shared_meeting(two.demo)
        start, end = meeting["start"]["dateTime"], meeting["end"]["dateTime"]
        result = two.gcal(
            "conflicts", start, end, "--all-profiles", "--all-calendars", "-f", "json"
        )
        assert result.code == 0, result.err
        found = json.loads(result.out)
        for group in found:
            uids = [e["id"] for e in group["events"]]
            assert len(uids) == len(set(uids))
        # Grace's own slot, at the same time, conflicts with the meeting: seen once
        (group,) = [g for g in found if any(e["id"] == "graceonly1" for e in g["events"])]
        copies = [e for e in group["events"] if e["id"].endswith(meeting["id"][:20])]
        assert len(copies) == 1, group
        assert SHARED_UID  # the meeting's copies share it (see accounts.py)
    finally:
        two.stop()
