"""`gcal export` as a command: files written atomically, one per calendar with safe names,
usage errors before any request, and the documented exit codes when the API fails midway."""

from __future__ import annotations

import os
import re
import urllib.parse

import pytest

from gcal.emulator.demo import DELETED_ID, HIDDEN_ID, PRIMARY_ID, WRITER_ID, demo_facts
from test_read_commands import Account

icalendar = pytest.importorskip("icalendar")

OLD = "an older export\n"


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setenv("GCAL_BACKOFF_BASE", "0.001")


@pytest.fixture
def account(emulator, tmp_path) -> Account:
    return Account(emulator, tmp_path)


@pytest.fixture
def big(emulator_factory, tmp_path) -> Account:
    """The primary calendar then needs two pages of 2,500 events."""
    return Account(emulator_factory(extra_events=3000), tmp_path)


def _vevents(path) -> list:
    return icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")


#: an unfolded iCalendar content line: NAME, parameters (values quoted or plain), a colon, value
_VALUE = r'("[^"]*"|[^";:,]*)'
CONTENT_LINE = re.compile(rf"[A-Za-z0-9-]+(;[A-Za-z0-9-]+={_VALUE}(,{_VALUE})*)*:.*")


def _whole_vevents(text: str) -> int:
    """How many events a whole iCalendar text holds, checked line by line: one calendar,
    components that all end, nothing but content lines. (icalendar's full parse of thousands
    of events takes seconds; test_ics_roundtrip and test_ics_writer_oracle parse exports.)"""
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    lines = text[: -len("\r\n")].replace("\r\n ", "").split("\r\n")  # unfolded
    open_components: list = []
    events = 0
    for line in lines:
        assert CONTENT_LINE.fullmatch(line), line
        if line.startswith("BEGIN:"):
            open_components.append(line[6:])
        elif line.startswith("END:"):
            assert open_components.pop() == line[4:], line
            events += line == "END:VEVENT"
    assert open_components == []
    return events


def test_export_writes_the_file_and_replaces_an_older_one(big, tmp_path):
    target = tmp_path / "primary.ics"
    target.write_text(OLD)
    os.chmod(target, 0o640)
    result = big.gcal("export", "primary", "--output", str(target))
    assert result.code == 0, result
    assert result.out == "" and result.err == ""
    assert _whole_vevents(target.read_bytes().decode("utf-8")) > 3000
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)  # the replaced file's mode is kept
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".primary")) == []
    pages = [r for r in big.emu.api_requests("/events")]
    assert len(pages) == 2 and all(r.query["singleEvents"] == ["false"] for r in pages)


@pytest.mark.parametrize("existing", [True, False])
def test_a_failure_midway_leaves_no_partial_file_and_the_old_one_intact(big, tmp_path, existing):
    target = tmp_path / "primary.ics"
    if existing:
        target.write_text(OLD)
    big.emu.inject_fault(500, count=100, after=1, path="calendars/")  # the second page fails
    result = big.gcal("--retries", "1", "export", "primary", "--output", str(target))

    assert result.code == 5, result
    errors = [line for line in result.err_lines if line.startswith("gcal: error:")]
    assert len(errors) == 1 and "HTTP 500" in errors[0], result.err
    assert "Traceback" not in result.err
    assert len(big.emu.api_requests("/events")) == 3  # page one, page two and its retry
    if existing:
        assert target.read_text() == OLD
    else:
        assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_export_to_stdout_and_a_failure_there_still_closes_the_calendar(big):
    result = big.gcal("export", "primary")
    assert result.code == 0, result
    assert result.out.startswith("BEGIN:VCALENDAR\r\n")
    assert result.out.endswith("END:VCALENDAR\r\n")

    big.emu.inject_fault(500, count=100, after=1, path="calendars/")
    result = big.gcal("--retries", "0", "export", "primary")
    assert result.code == 5, result
    assert "output is incomplete" in result.err
    assert 2000 < _whole_vevents(result.out) <= 2500  # what was written is a whole calendar


def test_all_calendars_writes_one_safely_named_file_each(account, tmp_path):
    out = tmp_path / "backup"
    out.mkdir()
    result = account.gcal("export", "--all-calendars", "--output-dir", str(out))
    assert result.code == 0, result
    names = sorted(p.name for p in out.iterdir())
    facts = demo_facts()
    visible = [c for c in facts["calendar_ids"] if c != DELETED_ID]  # hidden ones too
    assert len(names) == len(visible)
    assert f"{PRIMARY_ID}.ics" in names and f"{WRITER_ID}.ics" in names
    hidden = [n for n in names if n.startswith("en.german_holiday@")]
    assert len(hidden) == 1 and "#" not in hidden[0]  # "#" replaced, a hash added
    for name in names:
        cal = icalendar.Calendar.from_ical((out / name).read_bytes())
        assert cal.walk("VEVENT"), name
    holidays = icalendar.Calendar.from_ical((out / hidden[0]).read_bytes())
    assert str(holidays["X-WR-CALNAME"]) == "Holidays in Germany"
    assert HIDDEN_ID not in names


def test_all_calendars_creates_the_output_folder_private(account, tmp_path):
    out = tmp_path / "backup" / "2026"  # neither exists yet: the README's example
    result = account.gcal("export", "--all-calendars", "--output-dir", str(out) + "/")
    assert result.code == 0, result
    assert (out.stat().st_mode & 0o777) == 0o700  # the calendars are private data
    assert f"{PRIMARY_ID}.ics" in {p.name for p in out.iterdir()}


def test_an_output_folder_that_cannot_be_made_is_exit_7(account, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = account.gcal("export", "--all-calendars", "--output-dir", str(blocker / "sub"))
    assert result.code == 7, result
    assert len(result.err_lines) == 1 and "cannot create the folder" in result.err
    assert account.emu.api_requests() == []


def test_all_calendars_goes_on_past_a_calendar_that_fails(account, tmp_path):
    encoded = urllib.parse.quote(WRITER_ID, safe="")
    account.emu.inject_fault(404, count=10, path=f"calendars/{encoded}/events")
    result = account.gcal("export", "--all-calendars", "--output-dir", str(tmp_path / "."))
    assert result.code == 4, result
    assert f"{WRITER_ID} was not exported" in result.err
    errors = [line for line in result.err_lines if line.startswith("gcal: error:")]
    assert len(errors) == 1 and "1 of 5 calendars" in errors[0]
    names = {p.name for p in tmp_path.iterdir() if p.suffix == ".ics"}
    assert f"{WRITER_ID}.ics" not in names and f"{PRIMARY_ID}.ics" in names
    assert len(names) == 4


def test_all_calendars_are_exported_at_once(account, tmp_path):
    account.emu.inject_delay(0.5, count=5, path="calendars/")  # every events listing
    result = account.gcal("export", "--all-calendars", "--output-dir", str(tmp_path))
    assert result.code == 0, result
    listings = sorted(account.emu.api_requests("/events"), key=lambda r: r.time)
    assert len(listings) == 5
    # the second listing was asked for while the first was still being answered
    assert listings[1].time < listings[0].finished


@pytest.mark.parametrize(
    "args, message",
    [
        (["export"], "give a CALENDAR_ID"),
        (["export", "primary", "--all-calendars", "--output-dir", "."], "not both"),
        (["export", "--all-calendars"], "needs --output-dir"),
        (["export", "--all-calendars", "--output", "x.ics"], "use --output-dir"),
        (["export", "primary", "--output-dir", "."], "goes with --all-calendars"),
        (["export", "primary", "--output", "/nonexistent/folder/x.ics"], "does not exist"),
        (["--format", "ics", "calendars"], "--format ics writes events"),
    ],
)
def test_usage_errors_come_before_any_request(account, args, message):
    result = account.gcal(*args)
    assert result.code == 2, result
    assert result.err.startswith("gcal: error:") and message in result.err, result.err
    assert len(result.err_lines) == 1
    assert account.emu.api_requests() == []


def test_a_symlink_stays_and_a_device_is_written_through(account, tmp_path):
    real = tmp_path / "real.ics"
    real.write_text(OLD)
    link = tmp_path / "link.ics"
    link.symlink_to(real)
    result = account.gcal("export", WRITER_ID, "--output", str(link))
    assert result.code == 0, result
    assert link.is_symlink() and _vevents(real)
    result = account.gcal("export", WRITER_ID, "--output", os.devnull)
    assert result.code == 0, result
    assert os.path.exists(os.devnull) and not os.path.isfile(os.devnull)
    result = account.gcal("export", WRITER_ID, "--output", str(tmp_path))
    assert result.code == 2 and "it is a folder" in result.err, result


def test_an_unknown_calendar_is_exit_4_and_writes_nothing(account, tmp_path):
    target = tmp_path / "x.ics"
    result = account.gcal("export", "nobody@example.com", "--output", str(target))
    assert result.code == 4, result
    assert "not found" in result.err
    assert list(tmp_path.glob("*.ics")) == [] and list(tmp_path.glob(".*.tmp")) == []


def test_export_help_has_examples():
    from runner import run

    result = run(["export", "--help"])
    assert result.code == 0
    assert "gcal export primary --output calendar.ics" in result.out
    assert "--all-calendars" in result.out and "--output-dir" in result.out
