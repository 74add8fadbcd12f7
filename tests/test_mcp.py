"""`gcal mcp` driven by the MCP SDK's own stdio client, as an assistant drives it: a real
`python -m gcal ... mcp` process, JSON-RPC on its stdin/stdout.

Every reading tool's rows are compared with the CLI's `--format ndjson` rows for the same
question; bad inputs are tool errors after which the server still answers; the write tools
exist only with --allow-writes and go through the journal (`gcal undo` takes them back).
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

pytest.importorskip("mcp", reason="the MCP SDK (gcal[mcp]) needs Python 3.10 or newer")

from runner import run
from store_support import PRIMARY, Account

PINNED = {"GCAL_EMULATOR_NOW": "2026-12-07T10:00:00Z", "TZ": "Europe/Berlin"}
READ_TOOLS = [
    "list_calendars",
    "agenda",
    "get_event",
    "search",
    "free_slots",
    "next_event",
    "conflicts",
    "invites",
]
WRITE_TOOLS = ["add_event", "update_event", "delete_event", "rsvp"]

Call = Tuple[str, Dict[str, Any]]


def drive(
    args: Sequence[str], calls: Sequence[Call], env: Optional[Dict[str, str]] = None
) -> Tuple[List[str], List[Any]]:
    """Start `python -m gcal ARGS`, initialize, list the tools, make `calls` in order; the
    tool names and each CallToolResult."""
    import anyio
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "gcal", *args], env={**os.environ, **(env or {})}
    )

    async def session() -> Tuple[List[str], List[Any]]:
        with open(os.devnull, "w") as errlog:
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write) as client,
            ):
                await client.initialize()
                listed = await client.list_tools()
                names = [tool.name for tool in listed.tools]
                for tool in listed.tools:
                    assert tool.input_schema["type"] == "object"
                results = []
                for name, arguments in calls:
                    with anyio.fail_after(120):
                        results.append(await client.call_tool(name, arguments))
                return names, results

    return anyio.run(session)


def rows(result: Any) -> List[Any]:
    assert not result.is_error, result.content[0].text
    data = result.structured_content
    assert data == json.loads(result.content[1].text)
    assert data["timeZone"]
    return data["rows"]


def ndjson(*args: str, env: Optional[Dict[str, str]] = None) -> List[Any]:
    result = run([*args, "--format", "ndjson"], env=env)
    assert result.code == 0, result
    return [json.loads(line) for line in result.out.splitlines() if line.strip()]


def error_text(result: Any) -> str:
    assert result.is_error
    text = result.content[0].text
    assert "Traceback" not in text
    assert os.environ.get("HOME", "/nonexistent") not in text
    return text


def test_demo_server_answers_like_the_cli_and_survives_bad_input() -> None:
    calls: List[Call] = [
        ("agenda", {}),
        ("agenda", {"start": "2026-12-08", "end": "2026-12-10", "query": "sync"}),
        ("agenda", {"limit": 3}),
        ("agenda", {"calendars": ["no such calendar"]}),
        ("agenda", {"start": "2026-02-30"}),
        ("agenda", {"start": "2020-01-01", "end": "2030-01-01"}),
        ("agenda", {"limit": 10**9}),
        ("agenda", {"bogus": 1}),
        ("list_calendars", {}),
        ("next_event", {"limit": 3}),
        ("invites", {}),
        ("get_event", {"calendar": "primary", "event_id": "weeklysync"}),
        ("get_event", {"calendar": "primary", "event_id": "no-such-event"}),
        ("free_slots", {"start": "2026-12-08", "end": "2026-12-10", "duration": "1h"}),
        ("no_such_tool", {}),
        ("agenda", {"start": "2026-12-08", "end": "2026-12-08"}),
        ("search", {"text": "sync"}),
        ("search", {"text": "review", "start": "2026-12-01", "end": "2026-12-31", "limit": 2}),
        ("search", {"text": "   "}),
        ("conflicts", {}),
        ("conflicts", {"start": "2026-12-07", "end": "2026-12-20", "all_day": True}),
    ]
    names, results = drive(["--demo", "mcp"], calls, PINNED)
    assert names == READ_TOOLS  # read-only by default: no write tool listed
    week, query, cut, unknown, impossible, decade, huge, bogus = results[:8]
    cal_list, upcoming, waiting, event, missing, slots, no_tool, after = results[8:16]
    found, found_cut, bad_query, clashes, clashes_all_day = results[16:]

    assert rows(week) == ndjson("--demo", "agenda", "--cached", env=PINNED)
    assert week.structured_content["timeZone"] == "Europe/Berlin"
    assert week.structured_content["truncated"] is False
    assert rows(query) == ndjson(
        "--demo", "agenda", "2026-12-08", "2026-12-10", "--query", "sync", "--cached", env=PINNED
    )
    assert rows(cut) == ndjson("--demo", "agenda", "--cached", "--limit", "3", env=PINNED)
    assert cut.structured_content["truncated"] is True
    assert "limit 3" in cut.content[0].text

    assert "no such calendar" in error_text(unknown)
    assert "2026-02-30" in error_text(impossible)
    assert "366 days" in error_text(decade)
    assert "between 1 and" in error_text(huge)
    assert "bogus" in error_text(bogus)
    assert "no_such_tool" in error_text(no_tool)

    assert rows(cal_list) == ndjson("--demo", "calendars", "--show-hidden", env=PINNED)
    assert rows(upcoming) == ndjson("--demo", "next", "--limit", "3", "--cached", env=PINNED)
    assert rows(waiting) == ndjson("--demo", "invites", "--cached", env=PINNED)
    assert rows(waiting), "the demo has invitations waiting"
    assert rows(event) == ndjson("--demo", "show", "primary", "weeklysync", env=PINNED)
    assert "not found" in error_text(missing)
    assert rows(slots) == ndjson(
        "--demo",
        "free",
        "--time-min",
        "2026-12-08",
        "--time-max",
        "2026-12-10",
        "--duration",
        "1h",
        env=PINNED,
    )
    # after all these errors the server still answers
    one_day = ndjson("--demo", "agenda", "2026-12-08", "--days", "1", "--cached", env=PINNED)
    assert rows(after) == one_day

    assert rows(found) == ndjson("--demo", "search", "sync", "--cached", env=PINNED)
    assert rows(found), "the demo has a weekly sync"
    assert rows(found_cut) == ndjson(
        "--demo",
        "search",
        "review",
        "2026-12-01",
        "2026-12-31",
        "--limit",
        "2",
        "--cached",
        env=PINNED,
    )
    assert "--limit" not in found_cut.content[0].text  # the cut said once, in the tool's words
    assert "cut at limit 2" in found_cut.content[0].text
    assert error_text(bad_query)
    assert rows(clashes) == ndjson("--demo", "conflicts", "--cached", env=PINNED)
    assert rows(clashes_all_day) == ndjson(
        "--demo", "conflicts", "2026-12-07", "2026-12-20", "--all-day", "--cached", env=PINNED
    )


def test_writes_are_listed_only_when_allowed_and_undo_takes_them_back(
    emulator: Any, tmp_path: Any
) -> None:
    acct = Account(emulator, tmp_path, write=True)
    assert acct.gcal("sync").code == 0
    day = "2026-12-09"
    add = {"title": "MCP dentist", "start": f"{day}T09:00:00", "duration": "45m"}
    calls: List[Call] = [
        ("add_event", {**add, "attendees": ["Bob Smith <bob@example.com>"], "dry_run": True}),
        ("add_event", add),
        ("agenda", {"start": day, "end": day}),
        ("add_event", {"title": "x", "start": "2026-13-01"}),
        ("agenda", {"start": day, "end": day, "query": "dentist"}),
    ]
    names, results = drive([*acct.args, "mcp", "--allow-writes"], calls, acct.env)
    assert names == READ_TOOLS + WRITE_TOOLS
    dry, added, agenda, bad, after = results
    assert dry.structured_content["dryRun"] is True
    assert "POST" in dry.structured_content["request"]
    assert "Bob Smith" in json.dumps(dry.structured_content)  # a guest's name, as --attendee
    [event] = rows(added)
    assert event["summary"] == "MCP dentist"
    assert event["id"] in {e["id"] for e in rows(agenda)}
    assert rows(agenda) == acct.ndjson("agenda", day, day, "--cached")
    assert error_text(bad)
    assert [e["id"] for e in rows(after)] == [event["id"]]

    undone = acct.gcal("undo")
    assert undone.code == 0, undone
    listed = acct.ndjson("agenda", day, day, "--cached", "--max-age", "0s")
    assert event["id"] not in {e["id"] for e in listed}

    # a second server: add one more and change it; only try a delete and an answer
    [invite, *_] = acct.ndjson("invites", "--cached")
    answer = {"calendar": invite["calendarId"], "event_id": invite["id"], "answer": "yes"}
    [second] = rows(
        drive([*acct.args, "mcp", "--allow-writes"], [("add_event", add)], acct.env)[1][0]
    )
    target = {"calendar": "primary", "event_id": second["id"]}
    calls = [
        ("update_event", {**target, "title": "MCP dentist (moved)", "start": f"{day}T10:00:00Z"}),
        ("get_event", target),
        ("delete_event", {**target, "dry_run": True}),
        ("rsvp", {**answer, "dry_run": True}),
        ("update_event", {**target, "event_id": "no-such-event", "title": "x"}),
    ]
    _, (changed, shown, delete_dry, rsvp_dry, missing) = drive(
        [*acct.args, "mcp", "--allow-writes"], calls, acct.env
    )
    assert [e["summary"] for e in rows(changed)] == ["MCP dentist (moved)"]
    assert rows(shown) == acct.ndjson("show", "primary", second["id"])
    moved = datetime.datetime.fromisoformat(rows(shown)[0]["start"]["dateTime"])
    assert moved == datetime.datetime(2026, 12, 9, 10, tzinfo=datetime.timezone.utc)
    for dry_run, method in ((delete_dry, "DELETE"), (rsvp_dry, "PATCH")):
        assert dry_run.structured_content["dryRun"] is True
        assert method in dry_run.structured_content["request"]
        assert "If-Match" in dry_run.structured_content["request"]
    assert "not found" in error_text(missing)
    assert acct.ndjson("show", "primary", second["id"])[0]["status"] != "cancelled"
    assert acct.ndjson("invites", "--cached")[0] == invite  # the answer was not sent
    # gcal undo takes back the edit
    undone = acct.gcal("undo")
    assert undone.code == 0, undone
    assert acct.ndjson("show", "primary", second["id"])[0]["summary"] == "MCP dentist"


def test_read_only_server_lists_no_write_tool_and_refuses_one(emulator: Any, tmp_path: Any) -> None:
    acct = Account(emulator, tmp_path)
    names, results = drive(
        [*acct.args, "mcp"], [("add_event", {"title": "x", "start": "tomorrow 09:00"})], acct.env
    )
    assert names == READ_TOOLS
    assert "add_event" in error_text(results[0])
    # config.toml's mcp_writes = true offers them without the flag
    config = tmp_path / "config.toml"
    config.write_text("mcp_writes = true\n", encoding="utf-8")
    names, _ = drive([*acct.args, "mcp"], [], {**acct.env, "GCAL_CONFIG": str(config)})
    assert names == READ_TOOLS + WRITE_TOOLS
    assert PRIMARY  # the account is the demo's


def test_without_the_sdk_one_line_says_how_to_install_it(tmp_path: Any) -> None:
    from runner import run_subprocess

    fake = tmp_path / "mcp"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('not installed')\n", encoding="utf-8")
    result = run_subprocess(["--demo", "mcp"], env={"PYTHONPATH": str(tmp_path)}, input="")
    assert result.code == 2, result
    assert result.err_lines == [
        "gcal: error: gcal mcp needs the MCP SDK: pip install 'gcal[mcp]' (Python 3.10 or newer)"
    ]
    assert result.out == ""


def test_a_named_zone_answers_as_the_cli_with_that_zone() -> None:
    zone = "America/New_York"
    calls: List[Call] = [("agenda", {"start": "2026-12-08", "end": "2026-12-09"})]
    _, [week] = drive(["--demo", "mcp", "--time-zone", zone], calls, PINNED)
    assert week.structured_content["timeZone"] == zone
    cli = ndjson(
        "--demo", "agenda", "2026-12-08", "2026-12-09", "--time-zone", zone, "--cached", env=PINNED
    )
    assert rows(week) == cli
    assert any(e["start"].get("dateTime", "").endswith("-05:00") for e in cli)
