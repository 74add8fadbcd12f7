"""--fields: checked before sending, quoted as typed, and a warning when columns would be blank."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gcal.core import fields as selectors
from gcal.errors import UsageError
from runner import run
from scripted_server import ScriptedServer, google_error, write_account

EVENTS = ["--demo", "events", "primary", "--single-events", "--limit", "3"]


def test_fields_that_leave_table_columns_blank_warn_once() -> None:
    result = run([*EVENTS, "-f", "table", "--fields", "items(summary)"])
    assert result.code == 0, result.err
    warnings = [line for line in result.err_lines if "warning" in line]
    assert len(warnings) == 1
    assert "--fields leaves out id, status, start, end" in warnings[0]
    assert "-f table" in warnings[0]


@pytest.mark.parametrize(
    ("fmt", "selector"),
    [
        ("table", "items,nextPageToken"),
        ("tsv", "items(*)"),
        ("json", "items(summary)"),
        ("ndjson", "items(id)"),
        (
            "csv",
            "items(id,status,start,end,summary,location,recurringEventId,"
            "originalStartTime,recurrence,eventType)",
        ),
    ],
)
def test_no_warning_when_nothing_printed_is_left_out(fmt: str, selector: str) -> None:
    result = run([*EVENTS, "-f", fmt, "--fields", selector])
    assert result.code == 0, result.err
    assert "warning" not in result.err


@pytest.mark.parametrize(
    ("selector", "why"),
    [
        ("items(bogus", "a '(' without its ')'"),
        ("items)", "a ')' without its '('"),
        ("items(id,,summary)", "an empty field name"),
    ],
)
def test_a_malformed_selector_is_a_usage_error_quoting_what_was_typed(
    selector: str, why: str
) -> None:
    result = run([*EVENTS, "--fields", selector])
    assert result.code == 2
    assert result.err_lines == [
        f"gcal: error: --fields {selector!r} is not a valid selector: {why}"
    ]
    assert "nextPageToken" not in result.err


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_selector_is_refused_like_an_empty_q(value: str) -> None:
    result = run([*EVENTS, "--fields", value])
    assert (result.code, result.err_lines) == (2, ["gcal: error: --fields must not be empty"])


def test_an_api_error_quotes_the_selector_as_typed(tmp_path) -> None:
    server = ScriptedServer().start()
    try:
        sent = "items(bogus),nextPageToken,nextSyncToken"
        body = google_error(400, "invalidParameter", f"Invalid field selection {sent}")
        server.reply("/calendar/v3/calendars/primary/events", (400, {}, body))
        args = [*write_account(tmp_path, server), "events", "primary", "-f", "json"]
        result = run([*args, "--fields", "items(bogus)"])
    finally:
        server.stop()
    assert result.code == 1
    (line,) = result.err_lines
    assert line.endswith("Invalid field selection items(bogus)")
    assert json.loads(result.out or "[]") == []


def test_parse_reads_nested_selections() -> None:
    tree = selectors.parse("items(id,start/dateTime,attendees(email)),nextPageToken")
    assert tree == {
        "items": {"id": None, "start": {"dateTime": None}, "attendees": {"email": None}},
        "nextPageToken": None,
    }
    assert selectors.missing_item_fields("items(id)", ["id", "start"]) == ["start"]
    assert selectors.missing_item_fields("kind", ["id"]) == ["id"]
    assert selectors.missing_item_fields("*", ["id"]) == []


NAME = st.sampled_from(["id", "start", "end", "items", "dateTime", "summary", "email"])
TREES = st.recursive(
    st.none(),
    lambda sub: st.dictionaries(NAME, sub, min_size=1, max_size=3),
    max_leaves=8,
).filter(lambda tree: tree is not None)


def _render(tree: dict) -> str:
    return ",".join(name + (f"({_render(sub)})" if sub else "") for name, sub in tree.items())


@given(TREES)
def test_a_selector_written_from_a_tree_parses_back_to_it(tree: dict) -> None:
    assert selectors.parse(_render(tree)) == tree


@given(st.text(alphabet="ab(),/ ", max_size=12))
def test_any_text_parses_or_is_a_usage_error(text: str) -> None:
    try:
        selectors.parse(text)
    except UsageError as exc:
        assert exc.message.startswith("--fields ")
