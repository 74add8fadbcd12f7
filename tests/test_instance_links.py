"""Each occurrence of a series has its own `htmlLink`, live and answered from the store.

Google names the event in the link's `eid`: the unpadded base64url of "<eventId> <calendarId>".
An occurrence's link names the occurrence, so it opens that day in Google Calendar.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from gcal.emulator import Emulator
from gcal.emulator.demo import SERIES_ID, default_anchor
from store_support import PRIMARY, Account


def _named(link: str) -> str:
    eid = parse_qs(urlsplit(link).query)["eid"][0]
    assert "=" not in eid
    return base64.urlsafe_b64decode(eid + "=" * (-len(eid) % 4)).decode()


def _window() -> list:
    anchor = default_anchor()
    return [
        "--time-min",
        anchor.isoformat(),
        "--time-max",
        (anchor + timedelta(days=14)).isoformat(),
    ]


def test_instances_carry_their_own_link(emulator: Emulator, tmp_path) -> None:
    account = Account(emulator, tmp_path)
    instances = account.ndjson("instances", "primary", SERIES_ID, *_window())
    live = [event for event in instances if event.get("status") != "cancelled"]
    assert len(live) >= 2
    for event in live:
        assert _named(event["htmlLink"]) == f"{event['id']} {PRIMARY}"
    assert len({event["htmlLink"] for event in live}) == len(live)
    single = account.ndjson("events", "primary", "--single-events", *_window())
    series = [event for event in single if event.get("recurringEventId") == SERIES_ID]
    assert series and all(_named(e["htmlLink"]) == f"{e['id']} {PRIMARY}" for e in series)


def test_offline_instances_have_the_links_the_api_gives(emulator: Emulator, tmp_path) -> None:
    account = Account(emulator, tmp_path)
    assert account.gcal("sync", "--quiet", "--calendar", "primary").code == 0
    args = ["events", "primary", "--single-events", *_window()]
    live = {e["id"]: e.get("htmlLink") for e in account.ndjson(*args)}
    offline = {e["id"]: e.get("htmlLink") for e in account.ndjson(*args, "--offline")}
    assert any("_" in event_id for event_id in live)
    assert offline == live


def _link(named: str) -> str:
    eid = base64.urlsafe_b64encode(named.encode()).decode().rstrip("=")
    return f"https://www.google.com/calendar/event?eid={eid}"


def test_instance_link_keeps_the_series_calendar_part_and_foreign_links() -> None:
    from gcal.core.expand import instance_link

    iid = "abc_20240604T080000Z"
    assert instance_link(_link("abc ada@m"), "abc", iid) == _link(f"{iid} ada@m")
    other = "https://example.com/event?id=abc"
    assert instance_link(other, "abc", iid) == other
    assert instance_link(_link("xyz ada@m"), "abc", iid) == _link("xyz ada@m")
    assert instance_link("https://www.google.com/calendar/event?eid=%%%", "abc", iid)
