"""Round trips and partial responses: the fewest requests, and only the fields that are printed."""

from __future__ import annotations

import math

import pytest

from conftest import build_service
from gcal.render.formats import partial_fields
from gcal.settings import Settings
from runner import run


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_the_emulator_serves_each_partial_response_gcal_asks_for(emulator, fmt) -> None:
    service = build_service(emulator)
    selectors = {kind: partial_fields(kind, fmt) for kind in ("calendars", "events", "instances")}
    allowed = {
        kind: set(spec.split("items(", 1)[1].rstrip(")").split(","))
        for kind, spec in selectors.items()
        if spec
    }
    page = service.calendarList().list(fields=selectors["calendars"]).execute()
    assert page["items"] and all(set(item) <= allowed["calendars"] for item in page["items"])
    page = (
        service.events()
        .list(calendarId="primary", fields=selectors["events"], maxResults=3)
        .execute()
    )
    page_keys = {"nextPageToken", "nextSyncToken", "timeZone", "items"}
    if fmt == "table":
        page_keys.add("accessRole")  # free/busy-only calendars read "busy"
    assert set(page) <= page_keys
    assert "nextPageToken" in page and "timeZone" in page
    assert all(item and set(item) <= allowed["events"] for item in page["items"])
    master = next(
        e
        for e in service.events().list(calendarId="primary").execute()["items"]
        if e.get("recurrence")
    )
    page = (
        service.events()
        .instances(calendarId="primary", eventId=master["id"], fields=selectors["instances"])
        .execute()
    )
    assert page["items"] and all(set(item) <= allowed["instances"] for item in page["items"])


def test_listing_makes_ceil_n_over_2500_requests(emulator_factory, tmp_path) -> None:
    from gcal.google.auth import demo_login

    emu = emulator_factory(extra_events=6000)
    secrets, credentials = tmp_path / "secrets.json", tmp_path / "calendar.dat"
    emu.write_client_secrets(secrets)
    demo_login(secrets, credentials, Settings(api_endpoint=emu.api_endpoint))
    args = ["--client-secrets", str(secrets), "--credentials", str(credentials)]
    args += ["--api-endpoint", emu.api_endpoint]

    total = None
    for fmt in ("ndjson", "tsv", "table"):
        emu.clear_requests()
        result = run([*args, "--format", fmt, "events", "primary"])
        assert result.code == 0, result
        requests = emu.api_requests("/events")
        if fmt == "ndjson":
            total = len(result.out.splitlines())
            assert total >= 6000
        assert len(requests) == math.ceil(total / 2500)
        assert all(r.query["maxResults"] == ["2500"] for r in requests)
        assert ("fields" in requests[0].query) == (fmt != "ndjson")

    emu.clear_requests()
    assert run([*args, "calendars"]).code == 0
    (request,) = emu.api_requests("/calendarList")
    assert request.query["maxResults"] == ["250"]
