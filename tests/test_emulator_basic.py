"""The emulator answers googleapiclient like Google: calendar list, events, paging."""

from __future__ import annotations

import sys

from gcal.emulator import demo


def test_import_does_not_pull_in_heavy_libraries() -> None:
    import subprocess

    code = (
        "import sys, gcal.emulator; print('googleapiclient' in sys.modules, 'rich' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_calendar_list_default_hides_hidden_and_deleted(service) -> None:
    body = service.calendarList().list().execute()
    assert [c["id"] for c in body["items"]] == demo.demo_facts()["visible_calendar_ids"]
    assert "nextSyncToken" in body and "nextPageToken" not in body
    primary = body["items"][0]
    assert primary["primary"] is True and primary["accessRole"] == "owner"
    assert primary["kind"] == "calendar#calendarListEntry"


def test_events_list_pages_through_everything_once(service) -> None:
    seen = []
    token = None
    pages = 0
    while True:
        body = service.events().list(calendarId="primary", pageToken=token).execute()
        pages += 1
        seen += [e["id"] for e in body["items"]]
        token = body.get("nextPageToken")
        if not token:
            assert "nextSyncToken" in body
            break
        assert "nextSyncToken" not in body
        assert len(body["items"]) == 250
    assert pages == 2
    assert len(seen) == len(set(seen))
    assert "weeklysync" in seen and "gen0319" in seen
    assert "cancelledmeeting" not in seen and "hiddeninvite" not in seen
