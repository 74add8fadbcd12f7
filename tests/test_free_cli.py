"""`gcal freebusy` and `gcal free` through the entry point, against the emulator.

Checks what gcal printed, what reached the emulator (the request bodies it logged), and that
`gcal free` agrees with the emulator's own freeBusy answer for the same data.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Dict, List

import pytest

from conftest import build_service
from gcal.emulator import demo
from runner import run
from test_read_commands import Account

ME = "me@example.com"


def ev(eid: str, start: str, end: str, **extra: Any) -> Dict[str, Any]:
    return {"id": eid, "start": {"dateTime": start}, "end": {"dateTime": end}, **extra}


def data() -> Dict[str, Any]:
    """Hand-made busy patterns around Monday 2024-06-03 (Berlin) and the DST change of
    2024-03-31, plus calendars that are not selected, hidden, or free/busy only."""
    return {
        "user": {"email": ME},
        "calendars": [
            {
                "id": ME,
                "primary": True,
                "accessRole": "owner",
                "timeZone": "Europe/Berlin",
                "selected": True,
                "events": [
                    # back to back 09:00-12:00
                    ev("b1", "2024-06-03T09:00:00+02:00", "2024-06-03T10:00:00+02:00"),
                    ev("b2", "2024-06-03T10:00:00+02:00", "2024-06-03T11:00:00+02:00"),
                    ev("b3", "2024-06-03T11:00:00+02:00", "2024-06-03T12:00:00+02:00"),
                    # shown as available: never blocks
                    ev(
                        "avail",
                        "2024-06-03T13:00:00+02:00",
                        "2024-06-03T15:00:00+02:00",
                        transparency="transparent",
                    ),
                    ev("late", "2024-06-03T16:00:00+02:00", "2024-06-03T16:30:00+02:00"),
                    # an all-day event on Tuesday
                    {
                        "id": "allday",
                        "start": {"date": "2024-06-04"},
                        "end": {"date": "2024-06-05"},
                    },
                    # the DST day: Sunday 2024-03-31, 10:00-11:00 CEST
                    ev("dst", "2024-03-31T10:00:00+02:00", "2024-03-31T11:00:00+02:00"),
                ],
            },
            {
                "id": "team@example.com",
                "summary": "Team",
                "accessRole": "reader",
                "timeZone": "America/New_York",
                "selected": True,
                "events": [
                    ev("t1", "2024-06-03T10:30:00-04:00", "2024-06-03T11:00:00-04:00"),
                ],
            },
            {"id": "unselected@example.com", "accessRole": "reader", "selected": False},
            {"id": "hidden@example.com", "accessRole": "reader", "selected": True, "hidden": True},
            {
                "id": "colleague@example.com",
                "accessRole": "freeBusyReader",
                "timeZone": "Europe/Berlin",
                "_inCalendarList": False,
                "events": [ev("c1", "2024-06-05T09:00:00+02:00", "2024-06-05T12:00:00+02:00")],
            },
        ],
        "groups": [
            {"id": "pair@example.com", "members": [ME, "colleague@example.com"]},
            {"id": "crowd@example.com", "members": [f"p{i}@example.com" for i in range(30)]},
        ],
    }


@pytest.fixture
def account(emulator_factory, tmp_path) -> Account:
    return Account(emulator_factory(data()), tmp_path)


def bodies(account: Account) -> List[Dict[str, Any]]:
    return [json.loads(r.body) for r in account.api_requests("/freeBusy")]


def rows(text: str, dialect: str = "excel-tab") -> List[Dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))


def _discovery_request_fields() -> List[str]:
    from pathlib import Path

    import googleapiclient

    path = Path(googleapiclient.__file__).parent / "discovery_cache/documents/calendar.v3.json"
    return list(json.loads(path.read_text())["schemas"]["FreeBusyRequest"]["properties"])


MONDAY = ["--time-min", "2024-06-03", "--time-max", "2024-06-04", "--time-zone", "Europe/Berlin"]


# -- gcal freebusy ---------------------------------------------------------------------------


def test_every_request_field_reaches_the_body(account) -> None:
    result = account.gcal(
        "freebusy",
        ME,
        "pair@example.com",
        *MONDAY,
        "--group-expansion-max",
        "7",
        "--calendar-expansion-max",
        "9",
        "--format",
        "json",
    )
    assert result.code == 0, result
    (body,) = bodies(account)
    assert body == {
        "timeMin": "2024-06-03T00:00:00+02:00",
        "timeMax": "2024-06-04T00:00:00+02:00",
        "timeZone": "Europe/Berlin",
        "groupExpansionMax": 7,
        "calendarExpansionMax": 9,
        "items": [{"id": ME}, {"id": "pair@example.com"}],
    }
    assert account.api_requests("/freeBusy")[0].method == "POST"
    assert set(body) == set(_discovery_request_fields())
    # json is the API's answer as received
    direct = build_service(account.emu).freebusy().query(body=body).execute()
    assert json.loads(result.out) == direct
    assert direct["groups"]["pair@example.com"]["calendars"] == [ME, "colleague@example.com"]


def test_defaults_are_the_agenda_calendars_today_and_a_week(account) -> None:
    result = account.gcal("freebusy", "--format", "json")
    assert result.code == 0, result
    (body,) = bodies(account)
    assert body["items"] == [{"id": ME}, {"id": "team@example.com"}]
    assert "timeZone" not in body and "groupExpansionMax" not in body
    from gcal.core.timespec import parse_rfc3339

    span = parse_rfc3339(body["timeMax"]) - parse_rfc3339(body["timeMin"])
    assert 7 * 86400 <= span.total_seconds() <= 8 * 86400


def test_calendars_by_address_by_name_and_all(account) -> None:
    result = account.gcal("freebusy", ME, "pair@example.com", *MONDAY, "--format", "json")
    assert result.code == 0, result
    assert account.api_requests("calendarList") == []  # addresses are sent as they are
    account.emu.clear_requests()
    result = account.gcal("freebusy", ME, "-c", "team", *MONDAY, "--format", "json")
    assert result.code == 0, result
    assert bodies(account)[0]["items"] == [{"id": ME}, {"id": "team@example.com"}]
    account.emu.clear_requests()
    result = account.gcal("free", "--all-calendars", *MONDAY, "--format", "json")
    assert result.code == 0, result
    assert [i["id"] for i in bodies(account)[0]["items"]] == [
        ME,
        "team@example.com",
        "unselected@example.com",
        "hidden@example.com",
    ]
    result = account.gcal("freebusy", "-c", "No such calendar", *MONDAY)
    assert result.code == 2 and "No such calendar" in result.err


def test_config_defaults_and_no_ics(account, tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('time_zone = "Asia/Tokyo"\ncalendars = ["Team"]\n', encoding="utf-8")
    env = {"GCAL_CONFIG": str(config)}
    window = ["--time-min", "2024-06-03", "--time-max", "2024-06-04", "--format", "json"]
    result = run([*account.args, "freebusy", *window], env=env)
    assert result.code == 0, result
    body = bodies(account)[0]
    assert body["items"] == [{"id": "team@example.com"}]
    assert body["timeZone"] == "Asia/Tokyo" and body["timeMin"] == "2024-06-03T00:00:00+09:00"
    account.emu.clear_requests()
    for command in ("free", "freebusy"):
        result = account.gcal(command, ME, "--format", "ics")
        assert result.code == 2 and "ics" in result.err, result
    assert account.emu.api_requests() == []


@pytest.mark.parametrize(
    "args",
    [
        ["--time-min", "2024-06-04", "--time-max", "2024-06-03"],
        ["--time-min", "2024-06-04", "--time-max", "2024-06-04"],
        ["--time-min", "2024-06-04", "--time-max", "2024-09-03"],
        ["--group-expansion-max", "0"],
        ["--group-expansion-max", "101"],
        ["--calendar-expansion-max", "0"],
        ["--calendar-expansion-max", "51"],
        ["--calendar-expansion-max", "x"],
        ["--time-zone", "Mars/Olympus"],
        ["--time-min", "someday"],
        [""],
    ],
)
def test_freebusy_prechecks_exit_2_without_a_request(account, args) -> None:
    result = account.gcal("freebusy", ME, *args)
    assert result.code == 2, result
    assert len(result.err_lines) == 1 and result.err.startswith("gcal: error: ")
    assert account.emu.api_requests() == []


def test_formats_parse_back(account) -> None:
    expected = [
        [ME, "2024-06-03T09:00:00+02:00", "2024-06-03T12:00:00+02:00"],
        [ME, "2024-06-03T16:00:00+02:00", "2024-06-03T16:30:00+02:00"],
        ["team@example.com", "2024-06-03T16:30:00+02:00", "2024-06-03T17:00:00+02:00"],
    ]
    args = ["freebusy", ME, "team@example.com", *MONDAY]
    for fmt, dialect in (("csv", "excel"), ("tsv", "excel-tab")):
        result = account.gcal(*args, "--format", fmt)
        assert result.code == 0, result
        got = rows(result.out, dialect)
        assert [[r["calendar_id"], r["start"], r["end"]] for r in got] == expected
    result = account.gcal(*args, "--format", "ndjson")
    got = [json.loads(line) for line in result.out.splitlines()]
    assert [[r["calendar_id"], r["start"], r["end"]] for r in got] == expected
    result = account.gcal(*args, "--format", "json")
    answer = json.loads(result.out)
    assert answer["kind"] == "calendar#freeBusy" and list(answer["calendars"]) == [
        ME,
        "team@example.com",
    ]
    result = account.gcal(*args, "--format", "table")
    assert result.code == 0
    assert "Europe/Berlin" in result.out
    assert "09:00–12:00" in result.out and "3h" in result.out and "16:30–17:00" in result.out


def test_split_at_120_calendars_sent_at_once_and_merged(emulator_factory, tmp_path) -> None:
    cals = [{"id": f"c{i:03d}@example.com", "accessRole": "reader"} for i in range(120)]
    for i, cal in enumerate(cals):
        cal["events"] = [
            ev("m", f"2024-06-03T{8 + i % 8:02d}:00:00Z", f"2024-06-03T{8 + i % 8:02d}:30:00Z")
        ]
    emu = emulator_factory({"user": {"email": "c000@example.com"}, "calendars": cals})
    account = Account(emu, tmp_path)
    ids = [c["id"] for c in cals]
    emu.inject_delay(0.5, count=3, path="/calendar/v3/freeBusy")
    result = account.gcal("freebusy", *ids, *MONDAY, "--format", "json")
    assert result.code == 0, result
    sent = account.api_requests("/freeBusy")
    assert [len(json.loads(r.body)["items"]) for r in sent] == [50, 50, 20] or sorted(
        len(json.loads(r.body)["items"]) for r in sent
    ) == [20, 50, 50]
    asked = [i["id"] for r in sent for i in json.loads(r.body)["items"]]
    assert sorted(asked) == ids
    # sent at once: all three arrived before the first (delayed) answer could have come back
    times = sorted(r.time for r in sent)
    assert times[-1] - times[0] < 0.45
    answer = json.loads(result.out)
    assert list(answer["calendars"]) == ids  # one response object, in the order asked
    assert all(answer["calendars"][c]["busy"] for c in ids)
    tsv = account.gcal("freebusy", *ids, *MONDAY, "--format", "tsv")
    assert len(rows(tsv.out)) == 120


def test_a_split_query_retries_and_fails_as_a_whole(emulator_factory, tmp_path) -> None:
    cals = [{"id": f"c{i:03d}@example.com", "accessRole": "reader"} for i in range(60)]
    emu = emulator_factory({"user": {"email": "c000@example.com"}, "calendars": cals})
    account = Account(emu, tmp_path)
    ids = [c["id"] for c in cals]
    env_args = ["freebusy", *ids, *MONDAY, "--format", "json"]
    emu.inject_fault(503, count=1, path="/calendar/v3/freeBusy")
    result = run([*account.args, "--retries", "2", *env_args], env={"GCAL_BACKOFF_BASE": "0"})
    assert result.code == 0, result
    assert len(json.loads(result.out)["calendars"]) == 60
    assert len(account.api_requests("/freeBusy")) == 3  # two queries, one retried
    emu.inject_fault(400, reason="badRequest", count=1, path="/calendar/v3/freeBusy")
    result = account.gcal(*env_args)
    assert result.code == 1 and result.out == ""  # no half answer that looks like free time
    assert len(result.err_lines) == 1 and "400" in result.err


def test_not_found_is_named_and_the_others_still_print(account) -> None:
    result = account.gcal("freebusy", ME, "nobody@example.com", *MONDAY, "--format", "tsv")
    assert result.code == 4
    assert len(result.err_lines) == 1
    assert "nobody@example.com" in result.err and "notFound" in result.err
    assert {r["calendar_id"] for r in rows(result.out)} == {ME}


def test_group_too_big_is_named_and_exits_1(account) -> None:
    result = account.gcal(
        "freebusy",
        "crowd@example.com",
        "pair@example.com",
        *MONDAY,
        "--group-expansion-max",
        "20",
        "--format",
        "table",
    )
    assert result.code == 1, result
    assert "crowd@example.com" in result.err and "groupTooBig" in result.err
    assert "colleague@example.com" in result.out  # the other group's calendars print
    assert "error: groupTooBig" in result.out


# -- gcal free -------------------------------------------------------------------------------


def slots_of(result) -> List[List[str]]:
    assert result.code == 0, result
    return [[r["start"], r["end"], r["minutes"]] for r in rows(result.out)]


def free(account: Account, *args: str):
    return account.gcal("free", *args, "--time-zone", "Europe/Berlin", "--format", "tsv")


def test_free_back_to_back_transparent_and_all_day(account) -> None:
    result = free(
        account,
        ME,
        "team@example.com",
        "--time-min",
        "2024-06-03",
        "--time-max",
        "2024-06-05",
        "--duration",
        "30m",
    )
    assert slots_of(result) == [
        # 09-12 back to back; 13-15 is transparent so free; 16:00-17:00 busy (me, then team)
        ["2024-06-03T12:00:00+02:00", "2024-06-03T16:00:00+02:00", "240"],
        # Tuesday: an all-day event
    ]


def test_free_window_starting_mid_meeting_buffer_step_limit(account) -> None:
    args = [ME, "--time-min", "2024-06-03T09:30:00+02:00", "--time-max", "2024-06-04"]
    assert slots_of(free(account, *args, "--hours", "09:00-12:30", "--duration", "10m")) == [
        ["2024-06-03T12:00:00+02:00", "2024-06-03T12:30:00+02:00", "30"]
    ]
    got = slots_of(free(account, *args, "--buffer", "10m", "--step", "15m", "--duration", "1h"))
    assert got == [
        ["2024-06-03T12:15:00+02:00", "2024-06-03T15:50:00+02:00", "215"],
    ]
    got = slots_of(free(account, *args, "--hours", "all", "--weekdays", "all", "--limit", "2"))
    assert [g[0] for g in got] == ["2024-06-03T12:00:00+02:00", "2024-06-03T16:30:00+02:00"]


def test_free_on_a_dst_change_day(account) -> None:
    result = free(
        account,
        ME,
        "--time-min",
        "2024-03-30",
        "--time-max",
        "2024-04-02",
        "--weekdays",
        "all",
        "--duration",
        "1h",
    )
    assert slots_of(result) == [
        ["2024-03-30T09:00:00+01:00", "2024-03-30T17:00:00+01:00", "480"],
        ["2024-03-31T09:00:00+02:00", "2024-03-31T10:00:00+02:00", "60"],
        ["2024-03-31T11:00:00+02:00", "2024-03-31T17:00:00+02:00", "360"],
        ["2024-04-01T09:00:00+02:00", "2024-04-01T17:00:00+02:00", "480"],
    ]


def test_free_agrees_with_the_api(account) -> None:
    """With the whole day as working hours, no step and no minimum, the slots are exactly the
    complement of the union of the busy blocks the emulator answers for the same window."""
    from gcal.core.timespec import parse_rfc3339

    window = ["--time-min", "2024-06-03", "--time-max", "2024-06-06"]
    ids = [ME, "team@example.com", "pair@example.com"]
    result = free(
        account,
        *ids,
        *window,
        "--hours",
        "all",
        "--weekdays",
        "all",
        "--step",
        "0",
        "--duration",
        "1m",
    )
    got = [(parse_rfc3339(s), parse_rfc3339(e)) for s, e, _ in slots_of(result)]
    body = bodies(account)[0]
    answer = build_service(account.emu).freebusy().query(body=body).execute()
    busy = sorted(
        (parse_rfc3339(p["start"]), parse_rfc3339(p["end"]))
        for entry in answer["calendars"].values()
        for p in entry["busy"]
    )
    edges = [parse_rfc3339(body["timeMin"])]
    for start, end in busy:
        if start > edges[-1]:
            edges += [start, end]
        else:
            edges[-1] = max(edges[-1], end)
    edges.append(parse_rfc3339(body["timeMax"]))
    complement = [
        (edges[k], edges[k + 1]) for k in range(0, len(edges), 2) if edges[k] < edges[k + 1]
    ]
    assert got == complement
    assert any(s <= parse_rfc3339("2024-06-03T14:00:00+02:00") < e for s, e in got)  # transparent
    for start, end in got:  # and each slot is free by the API's own answer
        for b_start, b_end in busy:
            assert end <= b_start or start >= b_end


@pytest.mark.parametrize(
    "args",
    [
        ["--duration", "0"],
        ["--duration", "soon"],
        ["--hours", "9am-5pm"],
        ["--hours", "25:00-26:00"],
        ["--weekdays", "funday"],
        ["--days", "funday"],
        ["--buffer", "x"],
        ["--step", "-5m"],
        ["--limit", "0"],
        ["--time-min", "2024-06-04", "--time-max", "2024-06-03"],
        ["--time-zone", "Nowhere/Town"],
    ],
)
def test_free_prechecks_exit_2_without_a_request(account, args) -> None:
    result = account.gcal("free", ME, *args)
    assert result.code == 2, result
    assert len(result.err_lines) == 1 and result.err.startswith("gcal: error: ")
    assert account.emu.api_requests() == []


def test_free_formats_parse_back(account) -> None:
    args = ["free", ME, *MONDAY, "--duration", "1h"]
    expected = [["2024-06-03T12:00:00+02:00", "2024-06-03T16:00:00+02:00", "240"]]
    result = account.gcal(*args, "--format", "csv")
    assert [[r["start"], r["end"], r["minutes"]] for r in rows(result.out, "excel")] == expected
    result = account.gcal(*args, "--format", "json")
    assert json.loads(result.out) == [
        {"start": expected[0][0], "end": expected[0][1], "minutes": 240}
    ]
    result = account.gcal(*args, "--format", "ndjson")
    assert [json.loads(line)["minutes"] for line in result.out.splitlines()] == [240]
    result = account.gcal(*args, "--format", "table")
    assert "12:00–16:00" in result.out and "4h" in result.out and "Europe/Berlin" in result.out


def test_free_names_an_unknown_calendar_and_still_prints(account) -> None:
    result = account.gcal("free", ME, "nobody@example.com", *MONDAY, "--format", "tsv")
    assert result.code == 4
    assert "nobody@example.com" in result.err
    assert [r["start"] for r in rows(result.out)] == [
        "2024-06-03T12:00:00+02:00",
        "2024-06-03T16:30:00+02:00",
    ]


# -- the demo --------------------------------------------------------------------------------


def test_demo_free_and_freebusy_print_the_demo_week() -> None:
    result = run(["--demo", "free", "--duration", "1h", "--format", "tsv"])
    assert result.code == 0, result
    found = rows(result.out)
    assert found and all(int(r["minutes"]) >= 60 for r in found)
    result = run(["--demo", "freebusy", "--format", "tsv"])
    assert result.code == 0, result
    calendars = {r["calendar_id"] for r in rows(result.out)}
    assert demo.PRIMARY_ID in calendars
    result = run(
        [
            "--demo",
            "free",
            demo.ALICE_ID,
            demo.BOB_ID,
            demo.PRIMARY_ID,
            "--duration",
            "1h",
            "--time-zone",
            "Europe/Berlin",
            "--format",
            "table",
        ]
    )
    assert result.code == 0, result
    assert "Europe/Berlin" in result.out and "–" in result.out
