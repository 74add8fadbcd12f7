"""A listing written as it arrives reads the next page while it writes this one, and holds
that page as the bytes it came in until it is wanted (parsed, a page of 2,500 events is
several times larger): the peak memory of a long listing is one parsed page and one page's
text, not two parsed pages."""

from __future__ import annotations

import time
from typing import Any, Dict, List

import pytest

from gcal.errors import ApiError
from gcal.google import api
from gcal.google.fetch import read_next_page
from gcal.settings import Settings


@pytest.fixture
def client(emulator_factory, tmp_path) -> Any:
    from gcal.google.auth import demo_login

    emu = emulator_factory(extra_events=6000)
    secrets, credentials = tmp_path / "secrets.json", tmp_path / "calendar.dat"
    emu.write_client_secrets(secrets)
    settings = Settings(
        api_endpoint=emu.api_endpoint, client_secrets=str(secrets), credentials=str(credentials)
    )
    demo_login(secrets, credentials, settings)
    return api.connect(settings), emu


def test_the_next_page_is_read_while_the_caller_has_this_one_and_parsed_when_wanted(client):
    client, emu = client
    emu.clear_requests()
    ahead = read_next_page(client, "events")
    started: List[Any] = []

    def watched(request: Dict[str, Any]) -> Any:
        started.append(ahead(request))
        return started[-1]

    pages = api.iter_pages(client, "events", {"calendarId": "primary"}, ahead=watched)
    first = next(pages)
    assert len(first["items"]) == 2500 and len(started) == 1  # page 2 asked for already
    deadline = time.monotonic() + 10
    while started[0]._answer.empty() and time.monotonic() < deadline:
        time.sleep(0.01)
    _, held = started[0]._answer.queue[0]
    assert isinstance(held, api.Unparsed) and held.content.startswith(b"{")  # bytes, not objects
    assert len(emu.api_requests("/events")) == 2
    rest = list(pages)
    assert len(rest[0]["items"]) == 2500
    total = len(first["items"]) + sum(len(page["items"]) for page in rest)
    assert total >= 6000
    assert len(emu.api_requests("/events")) == 1 + len(rest)  # no request beyond the last page


def test_pages_and_errors_come_in_order_with_a_page_read_ahead(client, monkeypatch):
    client, _ = client
    monkeypatch.setenv("GCAL_MAX_PAGES", "2")
    got = []
    with pytest.raises(ApiError, match="pages for one listing"):
        for page in api.iter_pages(
            client, "events", {"calendarId": "primary"}, ahead=read_next_page(client, "events")
        ):
            got.append(len(page["items"]))
    assert got == [2500, 2500]  # the cap is told after the pages before it, never a third


def test_a_caller_that_stops_early_leaves_no_request_running(client):
    import threading

    client, _ = client
    pages = api.iter_pages(
        client, "events", {"calendarId": "primary"}, ahead=read_next_page(client, "events")
    )
    next(pages)
    pages.close()
    assert not [t for t in threading.enumerate() if t.name == "gcal-next-page"]
