"""`gcal join` picks the meeting link (hangoutLink, a video entry point, a URL in the text,
none) and `gcal invites` lists what awaits an answer, merged across calendars; and
`gcal --demo remind --print` has something to say."""

from __future__ import annotations

import datetime
import json
import sys
from typing import Any

import pytest

from gcal.core import links
from gcal.emulator.demo import default_anchor, demo_facts
from runner import run, run_subprocess

UTC = datetime.timezone.utc
MEET = "https://meet.google.com/abc-defg-hij"
VIDEO = {"entryPointType": "video", "uri": "https://meet.google.com/xyz-wxyz-xyz"}
PHONE = {"entryPointType": "phone", "uri": "tel:+1-555-0100"}


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        # 1. hangoutLink first, whatever else the event has
        (
            {
                "hangoutLink": MEET,
                "conferenceData": {"entryPoints": [VIDEO]},
                "location": "https://zoom.us/j/1",
            },
            MEET,
        ),
        # 2. the video entry point (not the phone one)
        ({"conferenceData": {"entryPoints": [PHONE, VIDEO]}}, VIDEO["uri"]),
        # 3. a meeting URL in the location, then the description; punctuation around it is not
        (
            {"location": "Room 4 (https://acme.zoom.us/j/98765?pwd=x).", "description": "x"},
            "https://acme.zoom.us/j/98765?pwd=x",
        ),
        (
            {"description": "Agenda: https://example.com/doc\nJoin: https://acme.webex.com/m/1,"},
            "https://acme.webex.com/m/1",
        ),
        (
            {"description": '<a href="https://teams.microsoft.com/l/meetup-join/19%3a">x</a>'},
            "https://teams.microsoft.com/l/meetup-join/19%3a",
        ),
        # 4. none: no link, only other sites, or schemes that must never reach a browser
        ({"location": "Room 4", "description": "https://example.com/agenda"}, None),
        (
            {
                "hangoutLink": "javascript:alert(1)",
                "conferenceData": {
                    "entryPoints": [{"entryPointType": "video", "uri": "file:///etc/passwd"}]
                },
            },
            None,
        ),
        ({"hangoutLink": "https://meet.google.com/a b"}, None),
    ],
    ids=[
        "hangout",
        "entry-point",
        "location",
        "description",
        "teams-html",
        "none",
        "schemes",
        "space",
    ],
)
def test_the_link_is_picked_in_order(event: Any, expected: Any) -> None:
    assert links.meeting_link(event) == expected


def _monday(hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(default_anchor(), datetime.time(hour, minute), tzinfo=UTC)


def _demo(tmp_path, at: datetime.datetime, *args: str, subprocess: bool = False, env=None):
    environment = {
        "GCAL_CACHE_DIR": str(tmp_path / "cache"),
        "GCAL_CONFIG_DIR": str(tmp_path / "config"),
        "GCAL_EMULATOR_NOW": at.isoformat(),
        "TZ": "UTC",
        **(env or {}),
    }
    if subprocess:
        return run_subprocess(["--demo", *args], env=environment)
    return run(["--demo", *args], env=environment)


def test_join_in_the_demo(tmp_path) -> None:
    # Monday of the demo week: a Zoom call 11:50-12:35 UTC, a Meet review 12:10-12:40
    both = _demo(tmp_path, _monday(12, 5), "join", "--print")
    assert both.code == 2 and both.out == ""
    assert "zoomcallnow" in both.err and "designreviewsoon" in both.err
    assert both.err_lines[-1].startswith("gcal: error: 2 meetings")
    one = _demo(tmp_path, _monday(12, 36), "join", "--print")
    assert (one.code, one.out) == (0, "https://meet.google.com/dmo-rvew-now\n"), one
    none = _demo(tmp_path, _monday(12, 41), "join", "--print", "--within", "1m")
    assert none.code == 4 and none.out == ""
    assert len(none.err_lines) == 1 and "no meeting link" in none.err
    named = _demo(tmp_path, _monday(12, 5), "join", "primary", "zoomcallnow", "--print")
    assert (named.code, named.out) == (0, "https://zoom.us/j/5550100123?pwd=demo\n")
    offline = _demo(tmp_path, _monday(12, 36), "join", "--print", "--cached")
    assert offline.out == one.out
    assert _demo(tmp_path, _monday(12, 5), "join", "primary").code == 2


def test_join_opens_the_browser(tmp_path) -> None:
    seen = tmp_path / "seen"
    script = tmp_path / "browser.py"
    script.write_text(f"import sys\nopen({str(seen)!r}, 'w').write(sys.argv[1])\n")
    result = _demo(
        tmp_path,
        _monday(12, 36),
        "join",
        subprocess=True,
        env={"BROWSER": f"{sys.executable} {script} %s", "DISPLAY": ""},
    )
    assert result.code == 0, result
    assert seen.read_text() == "https://meet.google.com/dmo-rvew-now"


def test_invites_in_the_demo(tmp_path) -> None:
    from gcal.cli.app import COMMANDS

    result = _demo(tmp_path, _monday(12, 5), "invites", "--format", "ndjson")
    assert result.code == 0, result
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert [r["id"] for r in rows] == ["inviteroadmap", "inviteretro", "invitedinner"]
    assert {r["calendarId"] for r in rows} == {
        "ada@example.com",
        "team.engineering@group.calendar.google.com",
    }
    table = _demo(tmp_path, _monday(12, 5), "invites", "--format", "table", "--days", "3")
    assert table.code == 0, table
    lines = table.out.splitlines()
    assert "Roadmap planning" in lines[0] and "from Grace Hopper <grace@example.com>" in lines[0]
    if "rsvp" in COMMANDS:
        assert lines[1].strip() == "gcal rsvp ada@example.com inviteroadmap yes|no|maybe"
    else:
        assert lines[1].strip().startswith("https://www.google.com/calendar/event?eid=")
    assert len(lines) == 4  # the dinner is more than three days ahead
    cached = _demo(tmp_path, _monday(12, 5), "invites", "--format", "ndjson", "--cached")
    assert cached.out == result.out
    offline = _demo(tmp_path, _monday(12, 5), "invites", "--format", "ndjson", "--offline")
    assert offline.out == result.out


# the demo's week, and one long ago: what the demo's clock delivered is remembered by that
# clock (the real one had forgotten, at once, reminders for more than 60 days ago)
@pytest.mark.parametrize("monday", [None, datetime.date(2024, 6, 3)])
def test_demo_remind_prints_something(tmp_path, monday) -> None:
    day = monday or default_anchor()
    at = datetime.datetime.combine(day, datetime.time(12, 5), tzinfo=UTC)
    first = _demo(tmp_path, at, "remind", "--print")
    assert first.code == 0, first
    lines = first.out.splitlines()
    assert any("Design review (in 5 min)" in line for line in lines), lines
    assert any("Customer call (Zoom)" in line and line.endswith("(late)") for line in lines)
    again = _demo(tmp_path, at + datetime.timedelta(minutes=1), "remind", "--print")
    assert (again.code, again.out) == (0, "")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal")
def test_join_on_a_terminal_offers_a_numbered_choice(tmp_path) -> None:
    import os
    import pty
    import select
    import subprocess
    import time

    env = dict(
        os.environ,
        GCAL_CACHE_DIR=str(tmp_path / "cache"),
        GCAL_CONFIG_DIR=str(tmp_path / "config"),
        GCAL_EMULATOR_NOW=_monday(12, 5).isoformat(),
        TZ="UTC",
        TERM="dumb",
    )
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gcal", "--demo", "join", "--print"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    seen = b""
    answered = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        seen += data
        if not answered and b"Join which" in seen:
            os.write(master, b"2\n")
            answered = True
    os.close(master)
    assert proc.wait(timeout=30) == 0, seen
    text = seen.decode("utf-8", "replace").replace("\r\n", "\n")
    assert "1) 11:50 Customer call (Zoom)" in text and "2) 12:10 Design review" in text
    assert text.rstrip().endswith("https://meet.google.com/dmo-rvew-now")


def test_join_names_the_window_and_the_day_of_a_later_meeting(tmp_path) -> None:
    # the demo's Monday 10:00 UTC: two calls after noon, the Weekly sync on Tuesday
    many = _demo(tmp_path, _monday(10, 0), "join", "--print", "--within", "30h")
    assert many.code == 2 and many.out == "", many
    assert "1) 11:50 Customer call (Zoom)" in many.err  # today's: the time alone
    # the Weekly sync is at 10:00 in Berlin: 09:00 UTC in winter, 08:00 in summer
    tuesday = (_monday(10, 0) + datetime.timedelta(days=1)).date()
    sync = next(
        start.astimezone(UTC)
        for start in map(datetime.datetime.fromisoformat, demo_facts()["series_occurrences"])
        if start.date() == tuesday
    )
    assert f"{sync:%a %d %b %H:%M} Weekly sync" in many.err, many.err
    assert "meetings are in progress or starting within 1d6h: name one" in many.err_lines[-1]
    assert "on now" not in many.err
    none = _demo(tmp_path, _monday(10, 0), "join", "--print", "--within", "2d", "-c", "Holidays")
    assert none.code == 4 and none.err_lines == [
        "gcal: error: no meeting link in an event in progress or starting within 2d"
    ], none


def test_join_without_a_browser_prints_the_link_and_exits_0(tmp_path, monkeypatch) -> None:
    import webbrowser

    tried = []

    def no_browser(url: str, *args: Any, **kwargs: Any) -> bool:
        tried.append(url)
        return False

    monkeypatch.setattr(webbrowser, "open", no_browser)
    result = _demo(tmp_path, _monday(12, 36), "join")
    assert tried == ["https://meet.google.com/dmo-rvew-now"]
    assert (result.code, result.out) == (0, "https://meet.google.com/dmo-rvew-now\n"), result
    assert result.err_lines == [
        "gcal: note: no browser could be started; open the link printed above"
    ]


def test_join_and_remind_show_times_in_the_zone_asked_for(tmp_path) -> None:
    many = _demo(
        tmp_path, _monday(10, 0), "join", "--print", "--within", "30h", "--time-zone", "Asia/Tokyo"
    )
    assert many.code == 2 and "1) 20:50 Customer call (Zoom)" in many.err, many  # 11:50 UTC
    bad = _demo(tmp_path, _monday(10, 0), "join", "--print", "--time-zone", "Mars/Olympus")
    assert bad.code == 2 and len(bad.err_lines) == 1 and "Mars/Olympus" in bad.err
    lines = _demo(tmp_path, _monday(12, 5), "remind", "--print", "--time-zone", "Asia/Tokyo")
    assert lines.code == 0, lines
    assert any(line.startswith("21:10–21:40 Design review") for line in lines.out.splitlines())
    assert _demo(tmp_path, _monday(10, 0), "remind", "--time-zone", "Nowhere/Else").code == 2
