"""events.list and events.instances rules, driven through google-api-python-client."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from googleapiclient.errors import HttpError

from gcal.emulator import clock, demo

FACTS = demo.demo_facts()
ANCHOR = FACTS["anchor"]
WIDE_MIN = (
    datetime(ANCHOR.year, ANCHOR.month, ANCHOR.day, tzinfo=timezone.utc) - timedelta(days=60)
).isoformat()
WIDE_MAX = (
    datetime(ANCHOR.year, ANCHOR.month, ANCHOR.day, tzinfo=timezone.utc) + timedelta(days=120)
).isoformat()


def error_of(excinfo: pytest.ExceptionInfo) -> dict:
    return json.loads(excinfo.value.content)["error"]


def all_items(request_factory, *, sync: bool = True, **params) -> list:
    """Follow nextPageToken to the end; check the token rules on every page."""
    items, token = [], None
    while True:
        body = request_factory(pageToken=token, **params).execute()
        items += body["items"]
        token = body.get("nextPageToken")
        if not token:
            assert ("nextSyncToken" in body) == sync
            return items
        assert "nextSyncToken" not in body


def ids(items) -> list:
    return [e["id"] for e in items]


def test_paging_small_pages_yields_every_item_once(service) -> None:
    full = service.events().list(calendarId="primary", singleEvents=True, maxResults=2500).execute()
    paged = all_items(service.events().list, calendarId="primary", singleEvents=True, maxResults=7)
    assert ids(paged) == ids(full["items"])
    assert len(set(ids(paged))) == len(paged) > 300


def test_page_token_of_another_query_is_rejected(service) -> None:
    body = service.events().list(calendarId="primary", maxResults=5).execute()
    with pytest.raises(HttpError) as exc:
        service.events().list(
            calendarId="primary", q="sync", pageToken=body["nextPageToken"]
        ).execute()
    assert exc.value.resp.status == 400


@pytest.mark.parametrize("value", [0, -1])
def test_max_results_below_one_is_400(service, value) -> None:
    with pytest.raises(HttpError) as exc:
        service.events().list(calendarId="primary", maxResults=value).execute()
    assert exc.value.resp.status == 400


def test_max_results_above_limit_is_clamped(emulator_factory) -> None:
    from conftest import build_service

    emu = emulator_factory(extra_events=3000)
    body = build_service(emu).events().list(calendarId="primary", maxResults=5000).execute()
    assert len(body["items"]) == 2500 and "nextPageToken" in body


def test_order_by_start_time_needs_single_events(service) -> None:
    with pytest.raises(HttpError) as exc:
        service.events().list(calendarId="primary", orderBy="startTime").execute()
    err = error_of(exc)
    assert err["code"] == 400
    assert err["errors"][0]["reason"] == "badRequest"
    assert err["message"] == "The requested ordering is not available for the particular query."


def test_order_by_start_time_is_sorted(service) -> None:
    items = all_items(
        service.events().list,
        calendarId="primary",
        singleEvents=True,
        orderBy="startTime",
        maxResults=100,
    )
    starts = [e["start"].get("dateTime") or e["start"]["date"] for e in items]
    keys = [
        datetime.fromisoformat(s).timestamp()
        if "T" in s
        else datetime.fromisoformat(s + "T00:00:00+00:00").timestamp() - 3600
        for s in starts
    ]
    assert keys == sorted(keys) or all(a <= b + 3600 for a, b in zip(keys, keys[1:]))
    timed = [datetime.fromisoformat(s) for s in starts if "T" in s]
    assert timed == sorted(timed)


def test_order_by_updated_is_ascending(service) -> None:
    items = all_items(service.events().list, calendarId="primary", orderBy="updated")
    updated = [e["updated"] for e in items if "updated" in e]
    assert len(updated) > 300
    assert updated == sorted(updated)


@pytest.mark.parametrize(
    "conflict",
    [
        {"q": "x"},
        {"orderBy": "updated"},
        {"iCalUID": "a@b"},
        {"timeMin": "2024-01-01T00:00:00Z"},
        {"timeMax": "2024-01-01T00:00:00Z"},
        {"updatedMin": "2024-01-01T00:00:00Z"},
        {"privateExtendedProperty": "a=b"},
        {"sharedExtendedProperty": "a=b"},
    ],
)
def test_sync_token_conflicts_are_400(service, conflict) -> None:
    token = all_items(service.events().list, calendarId="primary") and None
    body = service.events().list(calendarId="primary", maxResults=2500).execute()
    token = body["nextSyncToken"]
    with pytest.raises(HttpError) as exc:
        service.events().list(calendarId="primary", syncToken=token, **conflict).execute()
    assert exc.value.resp.status == 400


def test_unknown_sync_token_is_410(service) -> None:
    with pytest.raises(HttpError) as exc:
        service.events().list(calendarId="primary", syncToken="bogus").execute()
    err = error_of(exc)
    assert err["code"] == 410
    assert err["errors"][0]["reason"] == "fullSyncRequired"
    assert err["message"] == "Sync token is no longer valid, a full sync is required."


def test_incremental_sync_returns_changes_and_deletions(emulator, service) -> None:
    body = service.events().list(calendarId="primary", maxResults=2500).execute()
    token = body["nextSyncToken"]
    again = service.events().list(calendarId="primary", syncToken=token).execute()
    assert again["items"] == []
    emulator.update_event("primary", "budgetreview", summary="Budget review (v2)")
    emulator.delete_event("primary", "offsite")
    changed = service.events().list(calendarId="primary", syncToken=token).execute()
    got = {e["id"]: e for e in changed["items"]}
    assert set(got) == {"budgetreview", "offsite"}
    assert got["budgetreview"]["summary"] == "Budget review (v2)"
    assert got["offsite"]["status"] == "cancelled"
    later = changed["nextSyncToken"]
    assert service.events().list(calendarId="primary", syncToken=later).execute()["items"] == []
    emulator.invalidate_sync_tokens()
    with pytest.raises(HttpError) as exc:
        service.events().list(calendarId="primary", syncToken=later).execute()
    assert exc.value.resp.status == 410


def test_time_bounds_are_exclusive(service) -> None:
    event = service.events().list(calendarId="primary", iCalUID="budgetreview@google.com").execute()
    ev = event["items"][0]
    start, end = ev["start"]["dateTime"], ev["end"]["dateTime"]

    def in_window(**kw):
        return "budgetreview" in ids(
            all_items(service.events().list, calendarId="primary", maxResults=2500, **kw)
        )

    assert not in_window(timeMin=end)  # timeMin excludes an event ending exactly then
    assert in_window(timeMin=start)
    assert not in_window(timeMax=start)  # timeMax excludes an event starting exactly then
    assert in_window(timeMax=end)
    assert in_window(timeMin=start, timeMax=end)


@pytest.mark.parametrize(
    "params",
    [
        {"timeMin": "2024-01-02T00:00:00Z", "timeMax": "2024-01-01T00:00:00Z"},
        {"timeMin": "2024-01-01T00:00:00Z", "timeMax": "2024-01-01T00:00:00Z"},
        {"timeMin": "2024-01-01T00:00:00"},
        {"timeMax": "tomorrow"},
        {"updatedMin": "2024-01-01"},
    ],
)
def test_bad_time_parameters_are_400(service, params) -> None:
    with pytest.raises(HttpError) as exc:
        service.events().list(calendarId="primary", **params).execute()
    assert exc.value.resp.status == 400


def test_series_expansion_honours_exdate_moved_and_cancelled(service) -> None:
    items = all_items(
        service.events().list,
        calendarId="primary",
        singleEvents=True,
        timeMin=WIDE_MIN,
        timeMax=WIDE_MAX,
        iCalUID="weeklysync@google.com",
    )
    assert sorted(ids(items)) == sorted(FACTS["instance_ids"])
    assert FACTS["exdate_instance_id"] not in ids(items)
    assert FACTS["cancelled_instance_id"] not in ids(items)
    by_id = {e["id"]: e for e in items}
    moved = by_id[FACTS["moved_instance_id"]]
    assert datetime.fromisoformat(moved["start"]["dateTime"]) == datetime.fromisoformat(
        FACTS["moved_new_start"]
    )
    assert moved["summary"] == "Weekly sync (moved)"
    for e in items:
        assert e["recurringEventId"] == "weeklysync"
        assert "recurrence" not in e
        assert "originalStartTime" in e
        local = datetime.fromisoformat(e["originalStartTime"]["dateTime"])
        assert (local.hour, local.minute) == (10, 0)  # wall clock kept across DST changes
    plain = by_id[FACTS["instance_ids"][0]]
    assert plain["start"] == plain["originalStartTime"]


def test_show_deleted_adds_cancelled_instance_minimal(service) -> None:
    items = all_items(
        service.events().list,
        calendarId="primary",
        singleEvents=True,
        showDeleted=True,
        iCalUID="weeklysync@google.com",
    )
    cancelled = [e for e in items if e["status"] == "cancelled"]
    assert ids(cancelled) == [FACTS["cancelled_instance_id"]]
    assert set(cancelled[0]) <= {
        "kind",
        "etag",
        "id",
        "status",
        "recurringEventId",
        "originalStartTime",
    }


def test_without_single_events_master_and_exceptions_are_listed(service) -> None:
    items = all_items(service.events().list, calendarId="primary", iCalUID="weeklysync@google.com")
    got = {e["id"]: e for e in items}
    assert set(got) == {"weeklysync", FACTS["moved_instance_id"], FACTS["cancelled_instance_id"]}
    assert got["weeklysync"]["recurrence"][0].startswith("RRULE:FREQ=WEEKLY")
    assert got[FACTS["cancelled_instance_id"]]["status"] == "cancelled"


def test_all_day_series_ids(service) -> None:
    body = service.events().instances(calendarId="primary", eventId="recycling").execute()
    assert len(body["items"]) == 6
    first = body["items"][0]
    assert first["id"] == "recycling_" + first["start"]["date"].replace("-", "")
    assert "dateTime" not in first["start"]
    dates = [datetime.fromisoformat(e["start"]["date"]) for e in body["items"]]
    assert all((b - a).days == 14 for a, b in zip(dates, dates[1:]))


def test_q_searches_documented_fields(service) -> None:
    def q(text):
        return set(ids(all_items(service.events().list, calendarId="primary", q=text)))

    assert q("budget") == {"budgetreview"}
    assert q("WEEKLY SYNC") == {"weeklysync", FACTS["moved_instance_id"]}
    assert "allhands" in q("ceo@example.com")  # organizer email
    assert q("Berlin office") == {"wl-office"}  # working location label
    assert q("チームランチ") == {"lunch-ja"}
    assert q("apollo") == set()  # extended properties are not searched


def test_event_types_filter(service) -> None:
    def types(*values):
        return set(
            ids(all_items(service.events().list, calendarId="primary", eventTypes=list(values)))
        )

    assert types("focusTime") == {"focusblock"}
    assert types("outOfOffice", "workingLocation") == {
        "vacation",
        "wl-office",
        "wl-home",
        "wl-custom",
    }
    assert types("birthday") == {"birthday-grace"}
    assert types("fromGmail") == {"flight-lh716"}
    everything = set(ids(all_items(service.events().list, calendarId="primary")))
    assert {"focusblock", "vacation", "wl-home", "birthday-grace", "flight-lh716"} <= everything


def test_extended_property_constraints_all_must_match(service) -> None:
    def find(**kw):
        return ids(all_items(service.events().list, calendarId="primary", **kw))

    assert find(privateExtendedProperty=["project=apollo"]) == ["budgetreview"]
    assert find(
        privateExtendedProperty=["project=apollo", "priority=high"],
        sharedExtendedProperty=["room=Lovelace"],
    ) == ["budgetreview"]
    assert find(privateExtendedProperty=["room=Lovelace"]) == []
    assert find(privateExtendedProperty=["project=apollo", "priority=low"]) == []


def test_max_attendees_returns_only_the_participant(service) -> None:
    full = service.events().list(calendarId="primary", iCalUID="allhands@google.com").execute()
    assert len(full["items"][0]["attendees"]) == 30
    assert "attendeesOmitted" not in full["items"][0]
    cut = (
        service.events()
        .list(calendarId="primary", iCalUID="allhands@google.com", maxAttendees=5)
        .execute()["items"][0]
    )
    assert cut["attendeesOmitted"] is True
    assert [a["email"] for a in cut["attendees"]] == [demo.USER_EMAIL]


def test_time_zone_parameter_rewrites_times(service) -> None:
    body = (
        service.events()
        .list(calendarId="primary", iCalUID="budgetreview@google.com", timeZone="Asia/Tokyo")
        .execute()
    )
    assert body["timeZone"] == "Asia/Tokyo"
    start = body["items"][0]["start"]["dateTime"]
    assert start.endswith("+09:00")
    default = (
        service.events().list(calendarId="primary", iCalUID="budgetreview@google.com").execute()
    )
    assert default["timeZone"] == "Europe/Berlin"
    assert datetime.fromisoformat(
        default["items"][0]["start"]["dateTime"]
    ) == datetime.fromisoformat(start)
    with pytest.raises(HttpError):
        service.events().list(calendarId="primary", timeZone="Mars/Olympus").execute()


def test_updated_min_includes_deleted(emulator, service) -> None:
    cutoff = (clock.now() - timedelta(days=1)).isoformat()  # the emulator's (maybe pinned) now
    emulator.update_event("primary", "allhands", summary="All hands (moved room)")
    got = ids(all_items(service.events().list, calendarId="primary", updatedMin=cutoff))
    assert set(got) == {"allhands"}
    emulator.delete_event("primary", "dentist")
    got = all_items(service.events().list, calendarId="primary", updatedMin=cutoff)
    assert {e["id"]: e["status"] for e in got} == {"allhands": "confirmed", "dentist": "cancelled"}


def test_show_deleted_and_hidden_invitations(service) -> None:
    plain = set(ids(all_items(service.events().list, calendarId="primary")))
    deleted = set(ids(all_items(service.events().list, calendarId="primary", showDeleted=True)))
    hidden = set(
        ids(all_items(service.events().list, calendarId="primary", showHiddenInvitations=True))
    )
    assert deleted - plain == {"cancelledmeeting"}
    assert hidden - plain == {"hiddeninvite"}


def test_unknown_calendar_and_event_are_404(service) -> None:
    with pytest.raises(HttpError) as exc:
        service.events().list(calendarId="nobody@example.com").execute()
    err = error_of(exc)
    assert (err["code"], err["message"], err["errors"][0]["reason"]) == (
        404,
        "Not Found",
        "notFound",
    )
    with pytest.raises(HttpError) as exc:
        service.events().instances(calendarId="primary", eventId="nope").execute()
    assert exc.value.resp.status == 404


def test_reader_and_freebusy_views_hide_details(service) -> None:
    reader = service.events().list(calendarId=demo.READER_ID).execute()
    assert reader["accessRole"] == "reader" and reader["timeZone"] == "Asia/Tokyo"
    private = {e["id"]: e for e in reader["items"]}["tokyo-private"]
    assert "summary" not in private and "description" not in private
    assert private["visibility"] == "private" and "start" in private
    busy = service.events().list(calendarId=demo.FREEBUSY_ID).execute()
    assert busy["items"]
    for e in busy["items"]:
        assert set(e) <= {"kind", "etag", "id", "status", "start", "end"}
    writer = service.events().list(calendarId=demo.WRITER_ID).execute()
    assert {e["id"]: e for e in writer["items"]}["perfreviews"]["summary"] == "Performance reviews"


def test_instances_bounds_and_original_start(service) -> None:
    all_inst = service.events().instances(calendarId="primary", eventId="weeklysync").execute()
    assert (
        ids(all_inst["items"])
        == sorted(FACTS["instance_ids"], key=lambda i: (FACTS["moved_instance_id"] == i and 0, i))
        or len(all_inst["items"]) == 10
    )
    assert "nextSyncToken" not in all_inst
    one = (
        service.events()
        .instances(
            calendarId="primary", eventId="weeklysync", originalStart=FACTS["moved_original_start"]
        )
        .execute()
    )
    assert ids(one["items"]) == [FACTS["moved_instance_id"]]
    first = all_inst["items"][0]
    # timeMin is inclusive for instances: an instance ending exactly at timeMin is kept
    kept = (
        service.events()
        .instances(calendarId="primary", eventId="weeklysync", timeMin=first["end"]["dateTime"])
        .execute()
    )
    assert ids(kept["items"])[0] == first["id"]
    deleted = (
        service.events()
        .instances(calendarId="primary", eventId="weeklysync", showDeleted=True)
        .execute()
    )
    assert len(deleted["items"]) == 11
    paged = all_items(
        service.events().instances,
        calendarId="primary",
        eventId="weeklysync",
        maxResults=3,
        sync=False,
    )
    assert ids(paged) == ids(all_inst["items"])


def test_fields_partial_response(service) -> None:
    body = (
        service.events()
        .list(
            calendarId="primary",
            maxResults=3,
            fields="nextPageToken,timeZone,items(id,start/dateTime,attendees(email))",
        )
        .execute()
    )
    assert set(body) == {"nextPageToken", "timeZone", "items"}
    first = body["items"][0]
    assert set(first) <= {"id", "start", "attendees"}
    assert set(first["start"]) == {"dateTime"}
    assert all(set(a) == {"email"} for a in first.get("attendees", []))
    with pytest.raises(HttpError) as exc:
        service.events().list(calendarId="primary", fields="items(nope)").execute()
    err = error_of(exc)
    assert err["code"] == 400 and err["errors"][0]["reason"] == "invalidParameter"


def raw_get(emu, path: str, token: str | None = None) -> tuple:
    """GET without googleapiclient (which would refuse bad enum values itself)."""
    import urllib.error
    import urllib.request

    token = token or emu.issue_tokens()["access_token"]
    req = urllib.request.Request(
        emu.api_endpoint + path, headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize(
    "query",
    [
        "eventTypes=nope",
        "orderBy=random",
        "singleEvents=maybe",
        "maxResults=ten",
        "privateExtendedProperty=novalue",
    ],
)
def test_bad_parameter_values_are_400(emulator, query) -> None:
    status, body = raw_get(emulator, f"calendars/primary/events?{query}")
    assert status == 400
    assert body["error"]["errors"][0]["reason"] in ("invalid", "badRequest")
    assert body["error"]["status"] == "INVALID_ARGUMENT"


def test_repeated_parameters_and_pretty_print(emulator) -> None:
    status, body = raw_get(
        emulator,
        "calendars/primary/events?eventTypes=focusTime&eventTypes=birthday&prettyPrint=false"
        "&key=abc&quotaUser=me&alt=json",
    )
    assert status == 200
    assert sorted(e["id"] for e in body["items"]) == ["birthday-grace", "focusblock"]


def test_calendar_ids_are_url_decoded(emulator) -> None:
    from urllib.parse import quote

    status, body = raw_get(emulator, f"calendars/{quote(demo.HIDDEN_ID, safe='')}/events")
    assert status == 200 and body["summary"] == "Holidays in Germany"
    assert {e["id"] for e in body["items"]} == {
        "holiday-neujahr",
        "holiday-einheit",
        "holiday-weihnachten",
    }
