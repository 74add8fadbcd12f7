"""calendarList.list filters, paging and sync tokens."""

from __future__ import annotations

import json

import pytest
from googleapiclient.errors import HttpError

from gcal.emulator import demo


def listed(service, **params) -> list:
    out, token = [], None
    while True:
        body = service.calendarList().list(pageToken=token, **params).execute()
        assert body["kind"] == "calendar#calendarList"
        out += [c["id"] for c in body["items"]]
        token = body.get("nextPageToken")
        if not token:
            assert "nextSyncToken" in body
            return out
        assert "nextSyncToken" not in body


def test_filters(service) -> None:
    visible = [demo.PRIMARY_ID, demo.WRITER_ID, demo.READER_ID, demo.FREEBUSY_ID]
    assert listed(service) == visible
    assert listed(service, showHidden=True) == [*visible, demo.HIDDEN_ID]
    assert listed(service, showDeleted=True) == [*visible, demo.DELETED_ID]
    assert set(listed(service, showDeleted=True, showHidden=True)) == set(
        demo.demo_facts()["calendar_ids"]
    )
    assert listed(service, minAccessRole="owner") == [demo.PRIMARY_ID]
    assert listed(service, minAccessRole="writer") == [demo.PRIMARY_ID, demo.WRITER_ID]
    assert listed(service, minAccessRole="reader") == visible[:3]
    assert listed(service, minAccessRole="freeBusyReader") == visible
    assert listed(service, showOwnOrganizationOnly=True) == visible[:3]


def test_deleted_and_hidden_flags(service) -> None:
    body = service.calendarList().list(showDeleted=True, showHidden=True).execute()
    by_id = {c["id"]: c for c in body["items"]}
    assert by_id[demo.DELETED_ID]["deleted"] is True
    assert by_id[demo.HIDDEN_ID]["hidden"] is True
    assert "deleted" not in by_id[demo.PRIMARY_ID]
    assert by_id[demo.PRIMARY_ID]["timeZone"] == "Europe/Berlin"
    assert by_id[demo.READER_ID]["timeZone"] == "Asia/Tokyo"


def test_paging_one_per_page(service) -> None:
    assert listed(service, maxResults=1, showHidden=True) == listed(service, showHidden=True)


def test_sync_token(service) -> None:
    token = service.calendarList().list().execute()["nextSyncToken"]
    assert service.calendarList().list(syncToken=token).execute()["items"] == []
    with pytest.raises(HttpError) as exc:
        service.calendarList().list(syncToken=token, minAccessRole="reader").execute()
    assert exc.value.resp.status == 400
    with pytest.raises(HttpError) as exc:
        service.calendarList().list(syncToken="garbage").execute()
    assert exc.value.resp.status == 410
    assert json.loads(exc.value.content)["error"]["errors"][0]["reason"] == "fullSyncRequired"


def test_max_results_bounds(service) -> None:
    assert len(service.calendarList().list(maxResults=1000).execute()["items"]) == 4
    with pytest.raises(HttpError) as exc:
        service.calendarList().list(maxResults=0).execute()
    assert exc.value.resp.status == 400
