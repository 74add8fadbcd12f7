"""gcal.core.reminders, pure: which reminders an event has, and a run of passes at any
moments delivers each reminder once, never before its moment nor after its event ended;
--watch's next moment skips none."""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Set

from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.core import reminders as core

UTC = datetime.timezone.utc
BASE = datetime.datetime(2030, 3, 4, 8, 0, tzinfo=UTC)
CALENDAR = {"id": "cal", "defaultReminders": [{"method": "popup", "minutes": 10}]}


def event(eid: str, start: int, length: int, **extra: Any) -> Dict[str, Any]:
    first = BASE + datetime.timedelta(minutes=start)
    return {
        "id": eid,
        "start": {"dateTime": first.isoformat()},
        "end": {"dateTime": (first + datetime.timedelta(minutes=length)).isoformat()},
        **extra,
    }


def test_which_reminders_an_event_has():
    popup = [{"method": "popup", "minutes": 5}, {"method": "email", "minutes": 30}]
    assert core.popup_minutes({"reminders": {"useDefault": True}}, CALENDAR) == [10]
    assert core.popup_minutes({}, CALENDAR) == [10]  # nothing said: the defaults
    assert core.popup_minutes(
        {"reminders": {"useDefault": False, "overrides": popup}}, CALENDAR
    ) == [5]
    assert core.popup_minutes({"reminders": {"useDefault": False}}, CALENDAR) == []
    assert core.popup_minutes({}, CALENDAR, before=[1, 60, 1]) == [1, 60]
    weird = [{"method": "popup", "minutes": m} for m in (-1, True, "5", 40321, 2.0)]
    assert core.popup_minutes({"reminders": {"overrides": weird}}, CALENDAR) == [2]
    me = {"email": "a@example.com", "self": True, "responseStatus": "declined"}
    rows = [
        (CALENDAR, event("declined", 60, 30, attendees=[me]), None),
        (CALENDAR, event("cancelled", 60, 30, status="cancelled"), None),
        ({**CALENDAR, "accessRole": "freeBusyReader"}, event("busy", 60, 30), None),
        (
            CALENDAR,
            {"id": "day", "start": {"date": "2030-03-05"}, "end": {"date": "2030-03-06"}},
            None,
        ),
        (CALENDAR, event("kept", 60, 30), None),
    ]
    assert [r.event["id"] for r in core.reminders_of(rows, UTC)] == ["kept"]
    with_day = core.reminders_of(rows, UTC, all_day=True)
    assert [r.event["id"] for r in with_day] == ["kept", "day"]
    assert with_day[1].at == datetime.datetime(2030, 3, 4, 23, 50, tzinfo=UTC).timestamp()


events_strategy = st.lists(
    st.tuples(
        st.integers(-120, 600),  # start, minutes after BASE
        st.integers(0, 180),  # length
        st.one_of(st.none(), st.lists(st.integers(0, 300), max_size=3)),  # overrides
    ),
    max_size=6,
)


@settings(max_examples=80, deadline=None)
@given(specs=events_strategy, gaps=st.lists(st.integers(1, 240), min_size=1, max_size=12))
def test_passes_at_any_moments_deliver_each_reminder_once(specs, gaps):
    rows = []
    for n, (start, length, overrides) in enumerate(specs):
        extra: Dict[str, Any] = {}
        if overrides is not None:
            popups = [{"method": "popup", "minutes": m} for m in overrides]
            extra["reminders"] = {"useDefault": False, "overrides": popups}
        rows.append((CALENDAR, event(f"e{n}", start, length, **extra), None))
    found = core.reminders_of(rows, UTC)
    delivered: Set[Any] = set()
    log: List[Any] = []
    now = BASE.timestamp() - 3 * 3600
    times = []
    for gap in gaps:
        now += gap * 60
        times.append(now)
        for reminder in core.due(found, now, delivered):
            assert reminder.at <= now  # never early
            assert reminder.end > now or reminder.end == reminder.start >= now  # not over
            delivered.add(reminder.key)
            log.append(reminder.key)
        moment = core.next_moment(found, now, delivered)
        pending = [r.at for r in found if r.key not in delivered and r.at > now]
        assert moment == (min(pending) if pending else None)
    assert len(log) == len(set(log))  # once
    for reminder in found:  # missed only when no pass came between its moment and its end
        ran = any(
            reminder.at <= t and (reminder.end > t or reminder.end == reminder.start >= t)
            for t in times
        )
        assert (reminder.key in delivered) == ran
