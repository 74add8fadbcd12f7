"""Every field the emulator sends is a property of the matching schema in the discovery doc.

The document is the one bundled with google-api-python-client, walked recursively through
`$ref`, arrays and `additionalProperties` maps; this keeps the emulator from inventing fields
that a client would then wrongly rely on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List

import googleapiclient
import pytest

from gcal.emulator import demo

DOC = json.loads(
    (
        Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "calendar.v3.json"
    ).read_text(encoding="utf-8")
)
SCHEMAS = DOC["schemas"]


def violations(value: Any, schema: dict, where: str) -> List[str]:
    if "$ref" in schema:
        return violations(value, SCHEMAS[schema["$ref"]], where)
    kind = schema.get("type")
    if kind == "array":
        assert isinstance(value, list), where
        out = []
        for i, item in enumerate(value):
            out += violations(item, schema["items"], f"{where}[{i}]")
        return out
    if kind == "object" or "properties" in schema or "additionalProperties" in schema:
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        out = []
        for key, sub in value.items():
            if key in props:
                out += violations(sub, props[key], f"{where}.{key}")
            elif extra is not None:
                out += violations(sub, extra, f"{where}.{key}")
            else:
                out.append(f"{where}.{key}: not in the schema")
        return out
    expected = {"string": str, "boolean": bool, "integer": int, "number": (int, float)}.get(kind)
    if expected is not None and not isinstance(value, expected):
        return [f"{where}: expected {kind}, got {value!r}"]
    return []


def test_checker_catches_unknown_fields() -> None:
    bad = {"kind": "calendar#event", "bogus": 1, "start": {"dateTime": "x", "nope": 2}}
    assert violations(bad, SCHEMAS["Event"], "Event") == [
        "Event.bogus: not in the schema",
        "Event.start.nope: not in the schema",
    ]


@pytest.mark.parametrize("calendar_id", demo.demo_facts()["calendar_ids"][:5])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"singleEvents": True, "showDeleted": True},
        {"showDeleted": True, "showHiddenInvitations": True, "maxAttendees": 2, "timeZone": "UTC"},
    ],
)
def test_event_lists_follow_the_schema(service, calendar_id, params) -> None:
    token = None
    while True:
        body = (
            service.events()
            .list(calendarId=calendar_id, pageToken=token, maxResults=2500, **params)
            .execute()
        )
        assert violations(body, SCHEMAS["Events"], "Events") == []
        token = body.get("nextPageToken")
        if not token:
            break


def test_instances_follow_the_schema(service) -> None:
    for event_id in ("weeklysync", "recycling", "birthday-grace", "dailystandup"):
        body = (
            service.events()
            .instances(calendarId="primary", eventId=event_id, showDeleted=True)
            .execute()
        )
        assert body["items"]
        assert violations(body, SCHEMAS["Events"], "Events") == []


def test_calendar_list_follows_the_schema(service) -> None:
    body = service.calendarList().list(showDeleted=True, showHidden=True).execute()
    assert len(body["items"]) == 6
    assert violations(body, SCHEMAS["CalendarList"], "CalendarList") == []
