"""Output formats: every format is fed realistic pages and its output read back."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import subprocess
import sys
from typing import Any, Dict, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.errors import UsageError
from gcal.render.formats import (
    COLUMNS,
    FORMATS,
    default_format,
    make_writer,
    partial_fields,
)

ANSI = re.compile("\x1b\\[")

ALL_DAY = {
    "kind": "calendar#event",
    "etag": '"3400000000000000"',
    "id": "allday0000000000000000000a",
    "status": "confirmed",
    "htmlLink": "https://www.google.com/calendar/event?eid=abc",
    "summary": "Conference",
    "start": {"date": "2024-06-01"},
    "end": {"date": "2024-06-04"},
    "eventType": "default",
    "reminders": {"useDefault": False},
}
TOKYO = {
    "id": "tokyo00000000000000000000a",
    "status": "confirmed",
    "summary": "Call 日本語",
    "location": "العربية, Ελληνικά",
    "start": {"dateTime": "2024-06-03T09:00:00+09:00", "timeZone": "Asia/Tokyo"},
    "end": {"dateTime": "2024-06-03T10:30:00+09:00", "timeZone": "Asia/Tokyo"},
    "eventType": "default",
}
PRIVATE = {
    "id": "private000000000000000000a",
    "status": "confirmed",
    "start": {"dateTime": "2024-06-03T12:00:00+02:00"},
    "end": {"dateTime": "2024-06-03T13:00:00+02:00"},
    "visibility": "private",
}
MASTER = {
    "id": "master00000000000000000000",
    "status": "confirmed",
    "summary": "Standup",
    "recurrence": [
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20240701T000000Z",
        "EXDATE;TZID=Europe/Berlin:20240610T090000,20240612T090000",
    ],
    "start": {"dateTime": "2024-06-03T09:00:00+02:00", "timeZone": "Europe/Berlin"},
    "end": {"dateTime": "2024-06-03T09:15:00+02:00", "timeZone": "Europe/Berlin"},
    "eventType": "default",
}
CANCELLED = {
    "id": "master00000000000000000000_20240605T070000Z",
    "status": "cancelled",
    "recurringEventId": "master00000000000000000000",
    "originalStartTime": {"dateTime": "2024-06-05T09:00:00+02:00", "timeZone": "Europe/Berlin"},
}
MOVED = {
    "id": "master00000000000000000000_20240617T070000Z",
    "status": "confirmed",
    "summary": "Standup",
    "recurringEventId": "master00000000000000000000",
    "originalStartTime": {"dateTime": "2024-06-17T09:00:00+02:00", "timeZone": "Europe/Berlin"},
    "start": {"dateTime": "2024-06-17T11:00:00+02:00", "timeZone": "Europe/Berlin"},
    "end": {"dateTime": "2024-06-17T11:15:00+02:00", "timeZone": "Europe/Berlin"},
}
UNMOVED = {
    "id": "master00000000000000000000_20240619T070000Z",
    "status": "confirmed",
    "summary": "Standup",
    "recurringEventId": "master00000000000000000000",
    "originalStartTime": {"dateTime": "2024-06-19T07:00:00Z"},
    "start": {"dateTime": "2024-06-19T09:00:00+02:00"},
    "end": {"dateTime": "2024-06-19T09:15:00+02:00"},
}
TRICKY = {
    "id": "tricky00000000000000000000",
    "status": "tentative",
    "summary": 'a, "quoted"\tand\nnewline [bold]x[/bold] :smile:',
    "location": "Straße 1;\r\nBerlin",
    "start": {"dateTime": "2024-06-20T23:30:00Z"},
    "end": {"dateTime": "2024-06-21T01:00:00Z"},
}
FREEBUSY = {
    "id": "busy0000000000000000000000",
    "status": "confirmed",
    "start": {"dateTime": "2024-06-21T10:00:00+02:00"},
    "end": {"dateTime": "2024-06-21T11:00:00+02:00"},
}
EMPTY: Dict[str, Any] = {}

PAGES: List[Dict[str, Any]] = [
    {
        "kind": "calendar#events",
        "summary": "me@example.com",
        "timeZone": "Europe/Berlin",
        "nextPageToken": "page2",
        "items": [ALL_DAY, TOKYO, PRIVATE, MASTER],
    },
    {"kind": "calendar#events", "timeZone": "Europe/Berlin", "nextPageToken": "p3", "items": []},
    {
        "kind": "calendar#events",
        "timeZone": "Europe/Berlin",
        "nextSyncToken": "sync",
        "items": [CANCELLED, MOVED, UNMOVED, TRICKY, FREEBUSY, EMPTY],
    },
]
ITEMS = [item for page in PAGES for item in page["items"]]

CALENDARS = [
    {
        "kind": "calendar#calendarList",
        "nextPageToken": "x",
        "items": [
            {
                "kind": "calendar#calendarListEntry",
                "id": "me@example.com",
                "summary": "Me",
                "timeZone": "Europe/Berlin",
                "accessRole": "owner",
                "primary": True,
                "selected": True,
                "defaultReminders": [{"method": "popup", "minutes": 10}],
            },
            {
                "id": "en.usa#holiday@group.v.calendar.google.com",
                "summary": 'Holidays, "US"\tétats',
                "summaryOverride": "US holidays",
                "accessRole": "reader",
                "timeZone": "America/New_York",
                "hidden": True,
            },
        ],
    },
    {
        "items": [
            {"id": "busy@example.com", "accessRole": "freeBusyReader"},
            {"id": "gone@example.com", "summary": "日本語", "deleted": True},
        ]
    },
]


def run(kind: str, fmt: str, pages: List[Dict[str, Any]], **kwargs: Any) -> str:
    out = io.StringIO()
    writer = make_writer(kind, fmt, out, **kwargs)
    total = sum(writer.write_page(page) for page in pages)
    writer.close()
    assert total == sum(len(p.get("items", [])) for p in pages)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# public API


def test_formats_and_default() -> None:
    assert FORMATS == ("table", "json", "ndjson", "csv", "tsv", "ics")
    assert default_format(True) == "table"
    assert default_format(False) == "tsv"


def test_partial_fields() -> None:
    assert partial_fields("events", "json") is None
    assert partial_fields("calendars", "ndjson") is None
    for kind in ("calendars", "events", "instances"):
        for fmt in ("table", "csv", "tsv"):
            fields = partial_fields(kind, fmt)
            assert fields is not None
            assert fields.startswith("nextPageToken,nextSyncToken,")
            assert fields.endswith(")") and "items(" in fields
            if kind != "calendars":
                assert ",timeZone," in fields
    assert partial_fields("events", "csv") == (
        "nextPageToken,nextSyncToken,timeZone,items(id,status,start,end,summary,location,"
        "recurringEventId,originalStartTime,recurrence,eventType)"
    )
    assert partial_fields("events", "csv") == partial_fields("events", "tsv")
    assert "summaryOverride" in (partial_fields("calendars", "table") or "")
    assert "selected" in (partial_fields("calendars", "csv") or "")
    assert "originalStartTime" in (partial_fields("instances", "table") or "")


def test_unknown_format_and_kind() -> None:
    with pytest.raises(UsageError, match="'xml'"):
        make_writer("events", "xml", io.StringIO())
    with pytest.raises(UsageError):
        partial_fields("events", "yaml")
    with pytest.raises(ValueError):
        make_writer("acl", "json", io.StringIO())


def test_format_name_is_case_insensitive() -> None:
    assert json.loads(run("events", "JSON", PAGES)) == ITEMS


def test_columns() -> None:
    assert COLUMNS["calendars"] == (
        "id",
        "summary",
        "accessRole",
        "timeZone",
        "primary",
        "hidden",
        "selected",
        "deleted",
    )
    assert COLUMNS["events"] == (
        "id",
        "status",
        "start",
        "end",
        "all_day",
        "summary",
        "location",
        "recurring_event_id",
        "original_start",
        "recurrence",
        "event_type",
    )
    assert COLUMNS["instances"] == (*COLUMNS["events"], "state")


# ---------------------------------------------------------------------------------------------
# json / ndjson


@pytest.mark.parametrize("kind", ["events", "instances"])
def test_json_is_one_array_of_resources_as_received(kind: str) -> None:
    pages = copy.deepcopy(PAGES)
    text = run(kind, "json", pages)
    assert json.loads(text) == ITEMS
    assert pages == PAGES  # not mutated
    assert "日本語" in text  # not \\u-escaped
    assert text.startswith("[\n") and text.endswith("\n]\n")


def test_json_calendars() -> None:
    items = [i for p in CALENDARS for i in p["items"]]
    assert json.loads(run("calendars", "json", CALENDARS)) == items


def test_json_empty_listing_is_empty_array() -> None:
    assert json.loads(run("events", "json", [])) == []
    assert json.loads(run("events", "json", [{"items": []}, {}])) == []


@pytest.mark.parametrize("pages_before_failure", [0, 1, 2])
def test_json_closed_after_failure_still_parses(pages_before_failure: int) -> None:
    out = io.StringIO()
    writer = make_writer("events", "json", out)
    for page in PAGES[:pages_before_failure]:
        writer.write_page(page)
    writer.close(complete=False)
    expected = [i for p in PAGES[:pages_before_failure] for i in p["items"]]
    assert json.loads(out.getvalue()) == expected


def test_json_streams_page_by_page() -> None:
    out = io.StringIO()
    writer = make_writer("events", "json", out)
    writer.write_page(PAGES[0])
    partial = out.getvalue()
    assert json.loads(partial + "\n]") == PAGES[0]["items"]
    writer.close()


def test_ndjson_one_compact_resource_per_line() -> None:
    text = run("events", "ndjson", PAGES)
    lines = text.split("\n")
    assert lines[-1] == ""
    assert [json.loads(line) for line in lines[:-1]] == ITEMS
    assert '": ' not in text and '", "' not in text  # compact separators
    assert "العربية" in text


def test_ndjson_empty_and_failed_write_nothing() -> None:
    assert run("events", "ndjson", []) == ""
    out = io.StringIO()
    writer = make_writer("events", "ndjson", out)
    writer.close(complete=False)
    assert out.getvalue() == ""


class _Ascii(io.TextIOWrapper):
    pass


def test_json_survives_unencodable_output() -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii", errors="strict", newline="")
    pages = [{"items": [TOKYO, {"id": "s", "summary": "\ud800 lone surrogate"}]}]
    writer = make_writer("events", "json", out)
    writer.write_page(pages[0])
    writer.close()
    out.flush()
    # machine formats are UTF-8 whatever the stream's encoding; a lone surrogate is escaped
    assert json.loads(raw.getvalue().decode("utf-8")) == pages[0]["items"]


def test_csv_survives_unencodable_output() -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="latin-1", newline="")
    writer = make_writer("events", "tsv", out)
    writer.write_page({"items": [TOKYO]})
    writer.close()
    out.flush()
    assert "Call " in raw.getvalue().decode("latin-1")


# ---------------------------------------------------------------------------------------------
# csv / tsv


_TSV_UNESCAPE = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r", "\\0": "\0"}


def tsv_rows(text: str) -> List[List[str]]:
    """gcal's TSV read back: one row a line, fields split at tabs, escapes undone."""
    import re

    assert "\r" not in text
    lines = text.split("\n")
    assert lines[-1] == ""
    return [
        [re.sub(r"\\[\\tnr0]", lambda m: _TSV_UNESCAPE[m.group()], f) for f in line.split("\t")]
        for line in lines[:-1]
    ]


def read_rows(text: str, fmt: str) -> List[Dict[str, str]]:
    if fmt == "tsv":
        rows = tsv_rows(text)
        assert all(len(row) == len(rows[0]) for row in rows)
    else:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect="excel"))
    return [dict(zip(rows[0], row)) for row in rows[1:]] if rows else []


def csv_cell(text: str) -> str:
    """What gcal's csv makes of a cell: formula-like starts get a ', NUL is U+FFFD."""
    text = text.replace("\0", "\ufffd")
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_events(fmt: str) -> None:
    text = run("events", fmt, PAGES)
    header = list(read_rows(text, fmt)[0])
    assert tuple(header) == COLUMNS["events"]
    rows = read_rows(text, fmt)
    assert [r["id"] for r in rows] == [i.get("id", "") for i in ITEMS]
    by_id = {r["id"]: r for r in rows}

    r = by_id[ALL_DAY["id"]]
    assert (r["start"], r["end"], r["all_day"]) == ("2024-06-01", "2024-06-04", "true")
    assert r["event_type"] == "default"

    r = by_id[TOKYO["id"]]  # converted to the response's zone
    assert (r["start"], r["end"]) == ("2024-06-03T02:00:00+02:00", "2024-06-03T03:30:00+02:00")
    assert r["all_day"] == "false"
    assert (r["summary"], r["location"]) == (TOKYO["summary"], TOKYO["location"])

    r = by_id[PRIVATE["id"]]
    assert r["summary"] == "" and r["status"] == "confirmed"

    r = by_id[MASTER["id"]]
    assert r["recurrence"].split("\n") == MASTER["recurrence"]

    r = by_id[CANCELLED["id"]]
    assert (r["status"], r["start"], r["end"]) == ("cancelled", "", "")
    assert r["original_start"] == "2024-06-05T09:00:00+02:00"
    assert r["recurring_event_id"] == MASTER["id"]
    assert r["all_day"] == "false"

    r = by_id[TRICKY["id"]]
    assert r["summary"] == TRICKY["summary"]
    assert r["location"] == TRICKY["location"]
    assert r["start"] == "2024-06-21T01:30:00+02:00"

    r = by_id[""]  # an item with no fields at all
    assert set(r.values()) == {""}
    assert "state" not in r


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_instances_state(fmt: str) -> None:
    rows = read_rows(run("instances", fmt, PAGES), fmt)
    state = {r["id"]: r["state"] for r in rows}
    assert state[CANCELLED["id"]] == "cancelled"
    assert state[MOVED["id"]] == "moved"
    assert state[UNMOVED["id"]] == ""  # same instant written differently
    assert state[MASTER["id"]] == ""
    assert list(rows[0]) == list(COLUMNS["instances"])


def test_csv_display_zone_option_wins() -> None:
    rows = read_rows(run("events", "csv", PAGES, time_zone="America/New_York"), "csv")
    r = {row["id"]: row for row in rows}[TOKYO["id"]]
    assert r["start"] == "2024-06-02T20:00:00-04:00"
    rows = read_rows(run("events", "csv", PAGES, time_zone="UTC"), "csv")
    assert {row["id"]: row for row in rows}[TOKYO["id"]]["start"] == "2024-06-03T00:00:00Z"


def test_csv_without_zone_keeps_times_as_given() -> None:
    pages = [{"items": [TOKYO, {"id": "bad", "start": {"dateTime": "garbage"}}]}]
    rows = read_rows(run("events", "csv", pages), "csv")
    assert rows[0]["start"] == "2024-06-03T09:00:00+09:00"
    assert rows[1]["start"] == "garbage"


def test_csv_line_endings() -> None:
    assert run("events", "csv", PAGES[:1]).count("\r\n") >= 5
    tsv = run("events", "tsv", PAGES[:1])
    assert "\r" not in tsv and tsv.endswith("\n")


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_calendars(fmt: str) -> None:
    rows = read_rows(run("calendars", fmt, CALENDARS), fmt)
    assert list(rows[0]) == list(COLUMNS["calendars"])
    assert rows[0] == {
        "id": "me@example.com",
        "summary": "Me",
        "accessRole": "owner",
        "timeZone": "Europe/Berlin",
        "primary": "true",
        "hidden": "false",
        "selected": "true",
        "deleted": "false",
    }
    assert rows[1]["summary"] == 'Holidays, "US"\tétats'
    assert rows[1]["hidden"] == "true"
    assert rows[2]["summary"] == "" and rows[2]["accessRole"] == "freeBusyReader"
    assert rows[3]["deleted"] == "true" and rows[3]["summary"] == "日本語"


def test_csv_empty_listing_has_header_only() -> None:
    assert run("events", "csv", []) == ",".join(COLUMNS["events"]) + "\r\n"
    assert run("instances", "tsv", [{}]) == "\t".join(COLUMNS["instances"]) + "\n"
    out = io.StringIO()
    make_writer("events", "csv", out).close(complete=False)
    assert out.getvalue() == ""


def test_csv_first_page_is_written_before_the_next_arrives() -> None:
    out = io.StringIO()
    writer = make_writer("events", "tsv", out)
    writer.write_page(PAGES[0])
    assert len(read_rows(out.getvalue(), "tsv")) == 4
    writer.close()


@settings(max_examples=200)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"id": st.text(), "summary": st.text(), "location": st.text()},
        ),
        max_size=5,
    ),
    st.sampled_from(["csv", "tsv"]),
)
def test_csv_round_trips_any_text(items: List[Dict[str, str]], fmt: str) -> None:
    # tsv carries everything (escaped); csv carries everything but NUL (U+FFFD) and a cell
    # starting like a formula, which gets a ' in front.
    out = io.StringIO(newline="")
    writer = make_writer("events", fmt, out)
    writer.write_page({"items": items})
    writer.close()
    rows = read_rows(out.getvalue(), fmt)
    cell = csv_cell if fmt == "csv" else (lambda text: text)
    assert [(r["id"], r["summary"], r["location"]) for r in rows] == [
        (cell(i["id"]), cell(i["summary"]), cell(i["location"])) for i in items
    ]


# ---------------------------------------------------------------------------------------------
# table


def table(kind: str, pages: List[Dict[str, Any]], **kwargs: Any) -> str:
    kwargs.setdefault("width", 140)
    kwargs.setdefault("time_zone", "Europe/Berlin")
    return run(kind, "table", pages, **kwargs)


def test_table_events() -> None:
    text = table("events", PAGES)
    assert not ANSI.search(text)
    assert "(no title)" in text
    assert "start" in text and "end" in text and "summary" in text and "location" in text
    assert "Europe/Berlin" in text
    for item in (ALL_DAY, TOKYO, PRIVATE, MASTER, TRICKY):
        assert item["id"] in text  # never folded at this width
    assert "Sat 2024-06-01" in text and "Mon 2024-06-03" in text  # inclusive last day
    assert "Mon 2024-06-03 02:00" in text and "03:30" in text  # Tokyo call in Berlin time
    assert "日本語" in text and "العربية" in text and "Ελληνικά" in text
    assert "↻ Standup" in text
    wide = table("events", PAGES, width=220)
    # the rule in words, its UTC end in the table's zone
    assert "weekly on Mon, Wed until 2024-07-01 02:00" in wide
    assert "except 2024-06-10 09:00, 2024-06-12 09:00" in wide
    assert "Wed 2024-06-05 09:00" in text  # cancelled instance rendered at its original start
    assert "(cancelled)" in text
    assert "[bold]x[/bold]" in text  # markup printed literally
    assert ":smile:" in text  # no emoji substitution
    assert text.count("summary") == 1  # header once, not per page


def test_table_pages_line_up() -> None:
    text = table("events", PAGES)
    id_columns = {
        line.index(item["id"])
        for line in text.splitlines()
        if line.isascii()  # wide CJK cells make character offsets differ from columns
        for item in ITEMS
        if item.get("id") and item["id"] in line and item["id"] + "_" not in line
    }
    assert len(id_columns) == 1


def test_table_instances_states() -> None:
    text = table("instances", PAGES)
    for item in (ALL_DAY, TOKYO, MASTER, CANCELLED, MOVED, TRICKY):
        assert item["id"] in text  # instance ids fit whole at this width
    assert "state" in text
    lines = text.splitlines()
    assert any("moved" in line and "2024-06-17 11:00" in line for line in lines)
    assert any("cancelled" in line and "2024-06-05 09:00" in line for line in lines)


def test_table_escapes_control_characters() -> None:
    page = {"items": [{"id": "x", "summary": "evil \x1b[31mred\x07 \x9b1m"}]}
    text = table("events", [page])
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "\\x1b[31mred" in text


def test_table_color_only_when_asked() -> None:
    assert not ANSI.search(table("events", PAGES, color=False))
    assert ANSI.search(table("events", PAGES, color=True))


@pytest.mark.parametrize("width", [40, 60, 80, 99, 100, 200])
def test_table_any_width(width: int) -> None:
    text = table("instances", PAGES, width=width)
    assert "(no title)" in text
    assert max(len(line) for line in text.splitlines()) <= width


def test_table_narrow_moves_end_and_location() -> None:
    text = table("events", PAGES, width=80)
    assert "→ 03:30" in text
    assert "@ العربية" in text


def test_table_without_zone_shows_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    text = table("events", [{"timeZone": "Asia/Tokyo", "items": [TOKYO]}], time_zone=None)
    assert "times in America/New_York" in text
    assert "2024-06-02 20:00" in text and "+09:00" not in text


def test_table_zone_option() -> None:
    text = table("events", PAGES, time_zone="Asia/Tokyo")
    assert "Mon 2024-06-03 09:00" in text and "Asia/Tokyo" in text


def test_table_calendars() -> None:
    text = table("calendars", CALENDARS)
    assert not ANSI.search(text)
    assert "US holidays" in text  # summaryOverride wins
    assert "Holidays," not in text
    assert "primary" in text and "hidden" in text and "deleted" in text
    assert "freeBusyReader" in text and "(no title)" in text
    assert "en.usa#holiday@group.v.calendar.google.com" in text


def test_table_empty() -> None:
    assert "No events." in table("events", [{"items": []}])
    out = io.StringIO()
    make_writer("events", "table", out, width=80).close(complete=False)
    assert out.getvalue() == ""


def test_close_after_broken_stream_on_failure_is_quiet() -> None:
    class Broken(io.StringIO):
        def write(self, s: str) -> int:
            raise BrokenPipeError

    for fmt in FORMATS:
        make_writer("events", fmt, Broken()).close(complete=False)
        with pytest.raises(BrokenPipeError):
            w = make_writer("events", fmt, Broken())
            w.write_page(PAGES[0])


def test_close_is_idempotent() -> None:
    out = io.StringIO()
    writer = make_writer("events", "json", out)
    writer.close()
    writer.close(complete=False)
    assert out.getvalue() == "[]\n"


# ---------------------------------------------------------------------------------------------
# robustness and import cost


GARBAGE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=10,
)
KEYS = ["id", "status", "summary", "start", "end", "originalStartTime", "recurrence", "location"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.dictionaries(st.sampled_from(KEYS), GARBAGE), max_size=4),
    st.sampled_from(FORMATS),
    st.sampled_from(["events", "instances", "calendars"]),
    st.sampled_from([None, "Europe/Berlin", "Nowhere/Zone"]),
)
def test_never_crashes_on_odd_resources(items: list, fmt: str, kind: str, zone: Any) -> None:
    if fmt == "ics" and kind == "calendars":
        with pytest.raises(UsageError):
            make_writer(kind, fmt, io.StringIO())
        return
    out = io.StringIO()
    writer = make_writer(kind, fmt, out, time_zone=zone, width=100)
    writer.write_page({"items": items, "timeZone": zone})
    writer.write_page({"items": items[:1], "timeZone": ["odd"], "nextPageToken": {}})
    writer.write_page({"items": "not a list"})
    writer.close()
    if fmt == "json":
        assert json.loads(out.getvalue()) == items + items[:1]


def test_import_does_not_load_rich() -> None:
    code = (
        "import sys, gcal.render.formats, gcal.core.eventtime, gcal.core.timespec; "
        "w = gcal.render.formats.make_writer('events', 'tsv', sys.stdout); w.close(); "
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
