"""The tools of `gcal mcp` without the SDK: their schemas, what a model may send them, and
that no answer carries a token or a path of the user's (runs on every Python gcal supports)."""

from __future__ import annotations

import datetime
import json
import os
from typing import Any, Dict

import pytest

from gcal.commands import mcpanswers, mcpinput, mcptools
from gcal.settings import Settings


def context(writes: bool = False) -> mcptools.ToolContext:
    return mcptools.ToolContext(
        settings=Settings(),
        zone=datetime.timezone.utc,
        zone_name="UTC",
        clock=lambda: datetime.datetime(2026, 12, 7, 10, tzinfo=datetime.timezone.utc),
        offline=True,
        writes=writes,
    )


def test_write_tools_exist_only_when_allowed() -> None:
    reads = [t.name for t in mcptools.tools(False)]
    both = [t.name for t in mcptools.tools(True)]
    assert not {"add_event", "update_event", "delete_event", "rsvp"} & set(reads)
    assert both == [*reads, "add_event", "update_event", "delete_event", "rsvp"]
    for tool in mcptools.tools(True):
        assert tool.schema["type"] == "object"
        assert tool.schema["additionalProperties"] is False
        assert set(tool.schema.get("required", ())) <= set(tool.schema["properties"])
        assert ("dry_run" in tool.schema["properties"]) == tool.writes
        assert "limit" in tool.schema["properties"] or tool.writes
    with pytest.raises(mcptools.ToolError, match="no tool named 'add_event'"):
        mcptools.call(context(), "add_event", {"title": "x", "start": "tomorrow"})


@pytest.mark.parametrize(
    "name, args, message",
    [
        ("agenda", {"limit": 0}, "between 1 and"),
        ("agenda", {"limit": 10**12}, "between 1 and"),
        ("agenda", {"limit": True}, "whole number"),
        ("agenda", {"limit": "5"}, "whole number"),
        ("agenda", {"start": 5}, "must be a string"),
        ("agenda", {"calendars": "x" * 9000}, "longer than"),
        ("agenda", {"calendars": [1]}, "list of strings"),
        ("agenda", {"start": "2026-02-30"}, "2026-02-30"),
        ("agenda", {"start": "2016-01-01", "end": "2026-01-01"}, "366 days"),
        ("agenda", {"whatever": 1}, "no input named 'whatever'"),
        ("free_slots", {"duration": "forever"}, "forever"),
        ("get_event", {"calendar": "primary"}, "'event_id' is required"),
        ("next_event", {"within_hours": -1}, "between 1 and"),
        ("invites", {"days": 100000}, "between 1 and"),
    ],
)
def test_bad_input_is_a_plain_tool_error(name: str, args: Dict[str, Any], message: str) -> None:
    with pytest.raises(mcptools.ToolError) as caught:
        mcptools.call(context(), name, args)
    assert message in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_write_input_is_checked_before_anything_is_sent() -> None:
    ctx = context(writes=True)
    with pytest.raises(mcptools.ToolError, match="'start' is required"):
        mcptools.call(ctx, "add_event", {"title": "Dentist"})
    with pytest.raises(mcptools.ToolError, match="send_updates"):
        mcptools.call(
            ctx,
            "rsvp",
            {"calendar": "primary", "event_id": "x", "answer": "yes", "send_updates": "everyone"},
        )
    with pytest.raises(mcptools.ToolError, match="nothing to change"):
        mcptools.call(ctx, "update_event", {"calendar": "primary", "event_id": "x"})


def test_messages_carry_no_token_and_no_path_of_the_user(monkeypatch: Any) -> None:
    home = os.environ["HOME"]
    text = mcpinput.scrub(
        f"cannot open {home}/.cache/gcal/store/default.sqlite3: Permission denied; "
        "token ya29.a0AfH6SMBx3-secret-token-value Bearer ya29.abcdef0123456789; see "
        "/etc/secret/file and https://example.com/a/b"
    )
    assert home not in text
    assert "secret-token-value" not in text
    assert "abcdef0123456789" not in text
    assert "/etc/secret" not in text
    assert "https://example.com/a/b" in text  # an address is not a path
    assert "\n" not in mcpinput.scrub("two\nlines")
    assert "cannot open … Permission denied" in text  # one mark for the path, not two


def test_problems_reported_beside_rows_are_scrubbed_too() -> None:
    home = os.environ["HOME"]
    data = mcpanswers.result(
        context(),
        [],
        limit=5,
        truncated=False,
        what="events",
        summary="0 events",
        problems=[f"the store {home}/.cache/gcal/store/default.sqlite3 is read-only"],
    )
    assert home not in json.dumps(data)
    assert data["problems"] and "read-only" in data["summary"]
