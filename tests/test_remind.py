"""`gcal remind`: which reminders are due at each moment of a scripted day, delivered once
whatever runs when (twice, in parallel, after a restart), moved events announced again, the
--watch loop's sleeps, --command's JSON and environment with hostile text, and --print.

The account is the emulator's, with its clock pinned; the store is a real SQLite file; the
commands' functions are called with the moment they run at, as the CLI calls them with the
clock's.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from gcal.commands import remind
from gcal.core import reminders as core
from gcal.emulator import Emulator
from gcal.settings import Settings
from runner import run

UTC = datetime.timezone.utc
BASE = datetime.datetime(2030, 3, 4, 7, 0, tzinfo=UTC)  # a Monday, 08:00 in Berlin
PRIMARY = "ada@example.com"
TEAM = "team@group.calendar.google.com"
HOSTILE = "Deploy $(touch /tmp/pwned) `id` 'single' \"double\"\nsecond line; rm -rf ~"


def at(minutes: float) -> datetime.datetime:
    return BASE + datetime.timedelta(minutes=minutes)


def timed(minutes: float, length: float = 30) -> Dict[str, Any]:
    return {
        "start": {"dateTime": at(minutes).isoformat(), "timeZone": "Europe/Berlin"},
        "end": {"dateTime": at(minutes + length).isoformat(), "timeZone": "Europe/Berlin"},
    }


def popup(*minutes: int, email: int = 0) -> Dict[str, Any]:
    overrides = [{"method": "popup", "minutes": m} for m in minutes]
    if email:
        overrides.append({"method": "email", "minutes": email})
    return {"useDefault": False, "overrides": overrides}


ME_DECLINED = [{"email": PRIMARY, "self": True, "responseStatus": "declined"}]


def account_data() -> Dict[str, Any]:
    stamp = (BASE - datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def event(eid: str, summary: str, times: Dict[str, Any], **extra: Any) -> Dict[str, Any]:
        return {"id": eid, "summary": summary, **times, "created": stamp, "updated": stamp, **extra}

    primary_events = [
        event("standup", "Standup", timed(60, 15), reminders={"useDefault": True}),
        event("review", "Review", timed(120, 60), reminders=popup(5, 30, email=60)),
        event(
            "declined", "Declined", timed(90), reminders={"useDefault": True}, attendees=ME_DECLINED
        ),
        event("silent", "Silent", timed(150), reminders=popup()),
        event("noreminders", "No field", timed(200)),  # no `reminders`: the defaults
        event("gone", "Gone", timed(100), reminders=popup(10), status="cancelled"),
        event(
            "hostile",
            HOSTILE,
            timed(45),
            reminders=popup(10),
            location="https://zoom.us/j/123 Room 1",
        ),
        event(
            "daily",
            "Daily",
            timed(300, 15),
            reminders=popup(15),
            recurrence=["RRULE:FREQ=DAILY;COUNT=3"],
        ),
        event(
            "holiday",
            "Holiday",
            {"start": {"date": "2030-03-05"}, "end": {"date": "2030-03-06"}},
            reminders={"useDefault": True},
        ),
    ]
    calendars = [
        {
            "id": PRIMARY,
            "summary": "Ada",
            "timeZone": "Europe/Berlin",
            "accessRole": "owner",
            "primary": True,
            "selected": True,
            "defaultReminders": [
                {"method": "popup", "minutes": 10},
                {"method": "email", "minutes": 30},
            ],
            "events": primary_events,
        },
        {
            "id": TEAM,
            "summary": "Team",
            "timeZone": "Europe/Berlin",
            "accessRole": "writer",
            "selected": True,
            "defaultReminders": [{"method": "popup", "minutes": 20}],
            "events": [event("teamlunch", "Team lunch", timed(240, 60))],
        },
    ]
    return {"user": {"email": PRIMARY}, "calendars": calendars}


# The reference: every reminder of the data above, by hand (event id, start in minutes after
# BASE, end, minutes before), for the events' own reminders.
OWN = [
    ("hostile", 45, 75, 10),
    ("standup", 60, 75, 10),
    ("review", 120, 180, 5),
    ("review", 120, 180, 30),
    ("noreminders", 200, 230, 10),
    ("teamlunch", 240, 300, 20),
    ("daily_20300304T120000Z", 300, 315, 15),
    ("daily_20300305T120000Z", 1740, 1755, 15),
    ("daily_20300306T120000Z", 3180, 3195, 15),
]
TIMED = sorted({(e, s, end) for e, s, end, _ in OWN} | {("silent", 150, 180)})
# the all-day event's day begins at midnight in the zone asked for (UTC here)
HOLIDAY = ("holiday", (24 - 7) * 60, (48 - 7) * 60)


def reference(rows: List[Tuple[str, int, int, int]], prev: Optional[float], now: float) -> List:
    """What a run at `now` delivers after one at `prev` (None: the first run)."""
    due = []
    for eid, start, end, minutes in rows:
        moment = start - minutes
        if moment <= now < end and (prev is None or moment > prev or prev >= end):
            due.append((eid, minutes))
    return sorted(due)


class Collect:
    def __init__(self) -> None:
        self.got: List[Tuple[str, int, bool]] = []
        self.lock = threading.Lock()

    def deliver(self, reminder: core.Reminder, now: float) -> None:
        with self.lock:
            self.got.append((str(reminder.event["id"]), reminder.minutes, reminder.late(now)))


@pytest.fixture
def account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from gcal.google.auth import demo_login

    monkeypatch.setenv("GCAL_EMULATOR_NOW", BASE.isoformat())
    monkeypatch.setenv("GCAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GCAL_BACKOFF_BASE", "0.01")
    monkeypatch.setenv("TZ", "UTC")
    emu = Emulator(account_data()).start()
    secrets, credentials = tmp_path / "secrets.json", tmp_path / "calendar.dat"
    emu.write_client_secrets(secrets)
    settings = Settings(
        client_secrets=str(secrets),
        credentials=str(credentials),
        api_endpoint=emu.api_endpoint,
        interactive=False,
    )
    demo_login(secrets, credentials, settings)
    yield emu, settings
    emu.stop()


def choice(**kw: Any) -> remind.Choice:
    return remind.Choice(zone=UTC, **kw)


def one_pass(settings: Settings, now: float, got: Collect, **kw: Any) -> int:
    err = io.StringIO()
    try:
        return remind.run_once([settings], choice(**kw), got, now, err)
    finally:
        err.close()


def minutes_rows(before: Optional[List[int]] = None, all_day: bool = False) -> List:
    if before is None:
        rows = list(OWN)
        if all_day:
            rows.append((*HOLIDAY, 10))
        return rows
    spans = TIMED + ([HOLIDAY] if all_day else [])
    return [(e, s, end, m) for e, s, end in spans for m in before]


@pytest.mark.parametrize(
    "options",
    [{}, {"before": [5, 60]}, {"all_day": True}, {"before": [1], "all_day": True}],
    ids=["own", "before", "all-day", "before-all-day"],
)
def test_a_scripted_day_delivers_what_the_reference_computes(account, options):
    _emu, settings = account
    rows = minutes_rows(options.get("before"), options.get("all_day", False))
    got = Collect()
    prev: Optional[float] = None
    # a run every 7 minutes from before the first reminder to the next afternoon
    for step in range(-2, 2 * 24 * 60 // 7):
        minute = step * 7
        got.got.clear()
        now = at(minute).timestamp()
        assert one_pass(settings, now, got, **options) == 0
        expected = reference(rows, prev, minute)
        assert sorted((e, m) for e, m, _ in got.got) == expected, f"at +{minute} min"
        prev = minute


def test_late_when_the_machine_slept_and_dropped_once_the_event_ended(account):
    _emu, settings = account
    got = Collect()
    one_pass(settings, at(0).timestamp(), got)
    assert got.got == []
    one_pass(settings, at(70).timestamp(), got)  # slept from 08:00 to 09:10
    # hostile (35..75) and standup (50..75) are late but not over; nothing else due yet
    assert sorted(got.got) == [("hostile", 10, True), ("standup", 10, True)]
    got.got.clear()
    one_pass(settings, at(76).timestamp(), got)
    assert got.got == []


def test_twice_in_parallel_and_after_a_restart_each_is_delivered_once(account):
    _emu, settings = account
    now = at(55).timestamp()  # hostile (moment 35) and standup (moment 50) are due
    got = Collect()
    one_pass(settings, at(-1).timestamp(), got)  # synced, nothing due
    threads = [
        threading.Thread(target=one_pass, args=(settings, now, got), kwargs={"max_age": 3600})
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted((e, m) for e, m, _ in got.got) == [("hostile", 10), ("standup", 10)]
    # again, and as a new process would (a fresh store connection, the same file)
    one_pass(settings, now, got)
    result = run(
        [
            "--credentials",
            settings.credentials,
            "--client-secrets",
            settings.client_secrets,
            "--api-endpoint",
            settings.api_endpoint,
            "remind",
            "--print",
            "--offline",
        ]
    )
    assert result.code == 0, result
    assert result.out == ""  # the real clock is years before these events: nothing due
    assert len(got.got) == 2


def test_parallel_processes_deliver_each_once(account, tmp_path):
    """Four real processes at once, each a one-pass `gcal remind --command` at the same
    moment: every reminder reaches the command exactly once."""
    import subprocess

    _emu, settings = account
    one_pass(settings, at(-1).timestamp(), Collect())
    log = tmp_path / "log"
    script = tmp_path / "log.py"
    script.write_text(
        "import json, sys\n"
        f"e = json.load(sys.stdin)\nopen({str(log)!r}, 'a').write(e['id'] + '\\n')\n"
    )
    code = (
        "import sys; from gcal.commands import remind; from gcal.settings import Settings;"
        f"s = Settings(client_secrets={settings.client_secrets!r},"
        f" credentials={settings.credentials!r}, api_endpoint={settings.api_endpoint!r});"
        "c = remind.Choice(zone=remind.datetime.timezone.utc, max_age=3600);"
        f"d = remind.CommandDelivery([sys.executable, {str(script)!r}]);"
        f"sys.exit(remind.run_once([s], c, d, {at(55).timestamp()}, sys.stderr))"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ)) for _ in range(4)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0, 0]
    assert sorted(log.read_text().split()) == ["hostile", "standup"]


def test_a_moved_event_is_announced_again(account):
    emu, settings = account
    got = Collect()
    one_pass(settings, at(52).timestamp(), got)
    assert ("standup", 10, False) in got.got
    got.got.clear()
    emu.update_event(PRIMARY, "standup", **timed(65, 15))  # five minutes later
    one_pass(settings, at(55).timestamp(), got, max_age=0)
    assert got.got == [("standup", 10, False)]
    got.got.clear()
    one_pass(settings, at(56).timestamp(), got, max_age=0)
    assert got.got == []


class FakeClock:
    """A clock whose sleeps pass at once; stops the loop after `limit` wake-ups."""

    def __init__(self, start: float, limit: int, on_sleep: Any = None) -> None:
        self.t = start
        self.limit = limit
        self.sleeps: List[float] = []
        self.on_sleep = on_sleep

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if len(self.sleeps) >= self.limit:
            raise StopIteration
        if self.on_sleep is not None:
            self.on_sleep(self)
        self.t += seconds


def test_watch_sleeps_until_each_reminder_and_keeps_going_with_the_api_down(account):
    import io

    emu, settings = account
    got = Collect()
    wakes: List[float] = []

    def api_down_after_first_sync(clock: FakeClock) -> None:
        if len(clock.sleeps) == 1:
            emu.stop()

    clock = FakeClock(at(0).timestamp(), limit=40, on_sleep=api_down_after_first_sync)
    err = io.StringIO()
    with pytest.raises(StopIteration):
        remind.watch(
            [settings],
            choice(),
            got,
            clock,
            err,
            sync_every=3600,
            on_wake=wakes.append,
        )
    moments = sorted({(s - m) * 60 for _, s, _, m in OWN})
    syncs = [h * 3600 for h in range(0, 60)]
    expected: List[float] = []
    for t in sorted(set(moments) | set(syncs)):
        expected.append(at(0).timestamp() + t)
    assert wakes == expected[: len(wakes)]  # each wake-up is a reminder's moment or a sync
    assert len(wakes) == 40
    # every reminder up to the last wake-up delivered once, on time, API down or not
    last = (wakes[-1] - at(0).timestamp()) / 60
    delivered = sorted((e, m) for e, m, late in got.got if not late)
    assert delivered == sorted((e, m) for e, s, _, m in OWN if s - m <= last)
    warnings = [line for line in err.getvalue().splitlines() if "warning" in line]
    assert len(warnings) == 1, err.getvalue()


def test_command_gets_the_event_as_json_and_the_environment_as_data(account, tmp_path):
    _emu, settings = account
    one_pass(settings, at(-1).timestamp(), Collect())
    out = tmp_path / "seen.json"
    script = tmp_path / "seen.py"
    script.write_text(
        "import json, os, sys\n"
        "env = {k: v for k, v in os.environ.items() if k.startswith('GCAL_')}\n"
        "seen = {'stdin': sys.stdin.read(), 'env': env, 'argv': sys.argv}\n"
        f"json.dump(seen, open({str(out)!r}, 'w'))\n"
    )
    delivery = remind.CommandDelivery([sys.executable, str(script), "$GCAL_SUMMARY"])
    err = io.StringIO()
    try:
        code = remind.run_once([settings], choice(), delivery, at(40).timestamp(), err)
    finally:
        err.close()
    assert code == 0
    seen = json.loads(out.read_text())
    event = json.loads(seen["stdin"])
    assert event["summary"] == HOSTILE  # exactly, as data
    assert event["id"] == "hostile" and event["calendarId"] == PRIMARY
    assert event["gcalReminder"]["minutes"] == 10
    assert seen["argv"][1:] == ["$GCAL_SUMMARY"]  # nothing is interpolated
    env = seen["env"]
    assert env["GCAL_SUMMARY"] == HOSTILE.replace("\n", " ")
    assert env["GCAL_MINUTES"] == "10"
    assert env["GCAL_CONFERENCE_URI"] == "https://zoom.us/j/123"
    assert env["GCAL_LOCATION"] == "https://zoom.us/j/123 Room 1"
    assert datetime.datetime.fromisoformat(env["GCAL_START"]) == at(45)
    assert not Path("/tmp/pwned").exists()


def test_a_failed_command_is_tried_again_by_the_next_run(account, tmp_path):
    _emu, settings = account
    one_pass(settings, at(-1).timestamp(), Collect())
    err = io.StringIO()
    try:
        failing = remind.CommandDelivery([sys.executable, "-c", "raise SystemExit(3)"])
        assert remind.run_once([settings], choice(), failing, at(36).timestamp(), err) == 1
    finally:
        err.close()
    got = Collect()
    one_pass(settings, at(37).timestamp(), got)
    assert got.got == [("hostile", 10, False)]


def test_print_line_is_one_sanitised_line(account):
    _emu, settings = account
    import io

    out = io.StringIO()
    printer = remind.PrintDelivery(out, UTC)
    one_pass(settings, at(-1).timestamp(), Collect())
    err = io.StringIO()
    try:
        remind.run_once([settings], choice(), printer, at(36).timestamp(), err)
    finally:
        err.close()
    lines = out.getvalue().splitlines()
    assert lines == [
        "07:45–08:15 Deploy $(touch /tmp/pwned) `id` 'single' \"double\" second line; rm -rf ~"
        " (in 9 min) · https://zoom.us/j/123 Room 1"
    ]  # the link is in the place already: not said twice


def test_cli_usage_errors(tmp_path):
    for args, needle in [
        (["remind", "--print", "--command", "true"], "exclude"),
        (["remind", "--command", ""], "empty"),
        (["remind", "--command", "'unclosed"], "cannot be read"),
        (["remind", "--command", "no-such-program-gcal"], "not a program"),
        (["remind", "--before", "29d"], "4 weeks"),
    ]:
        result = run(args, env={"GCAL_CACHE_DIR": str(tmp_path)})
        assert result.code == 2, (args, result)
        assert needle in result.err


def test_no_notification_service_says_so_once_and_prints(account, monkeypatch):
    import io

    _emu, settings = account
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent")
    out, err = io.StringIO(), io.StringIO()
    delivery = remind.NotifyDelivery(remind.PrintDelivery(out, UTC), err, UTC)
    one_pass(settings, at(-1).timestamp(), Collect())
    remind.run_once([settings], choice(), delivery, at(55).timestamp(), err)
    if sys.platform.startswith("linux"):
        assert len(out.getvalue().splitlines()) == 2
        assert err.getvalue().count("gcal: note:") == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for CPU time")
def test_watch_exits_0_on_sigterm_and_sleeps_meanwhile(account, tmp_path):
    """A real `gcal remind --watch` process: idle between wake-ups (little CPU), and SIGTERM
    ends it with exit code 0."""
    import signal
    import subprocess
    import time

    _emu, settings = account
    one_pass(settings, at(-1).timestamp(), Collect())  # the store is filled
    args = [
        "--credentials",
        settings.credentials,
        "--client-secrets",
        settings.client_secrets,
        "--api-endpoint",
        settings.api_endpoint,
        "remind",
        "--watch",
        "--print",
        "--offline",
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "gcal", *args],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(3)
        assert proc.poll() is None, proc.communicate()
        with open(f"/proc/{proc.pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert out == "" and err == ""
    assert ticks < os.sysconf("SC_CLK_TCK") * 2.5  # start-up only: no busy loop


def test_two_profiles_a_shared_meeting_reminds_once_and_both_stores_know(account, tmp_path):
    """Two accounts that both see the same meetings (same iCalUID and start): each reminder
    once, recorded in both profiles' stores, so neither alone repeats it later."""
    from gcal.google.auth import demo_login

    _emu, work = account
    work = work.replace(profile="work")
    other = Emulator(account_data()).start()
    try:
        secrets, credentials = tmp_path / "s2.json", tmp_path / "c2.dat"
        other.write_client_secrets(secrets)
        personal = Settings(
            client_secrets=str(secrets),
            credentials=str(credentials),
            api_endpoint=other.api_endpoint,
            interactive=False,
            profile="personal",
        )
        demo_login(secrets, credentials, personal)
        got = Collect()
        err = io.StringIO()
        remind.run_once([work, personal], choice(), got, at(-1).timestamp(), err)
        assert remind.run_once([work, personal], choice(), got, at(55).timestamp(), err) == 0
        assert sorted((e, m) for e, m, _ in got.got) == [("hostile", 10), ("standup", 10)]
        for alone in (work, personal):
            again = Collect()
            remind.run_once([alone], choice(), again, at(56).timestamp(), err)
            assert again.got == [], alone.profile
        assert err.getvalue() == ""
    finally:
        other.stop()


def test_only_things_to_attend_remind(tmp_path):
    """Working-location entries and out-of-office blocks never remind, even with --before
    or --all-day; focus time does; a birthday (all day) only with --all-day."""
    env = {"GCAL_CACHE_DIR": str(tmp_path), "GCAL_EMULATOR_NOW": "2026-12-07T06:00:00Z"}
    args = ["--demo", "remind", "--print", "--before", "40000m", "--time-zone", "Europe/Berlin"]
    result = run([*args, "--all-day"], env=env)
    assert result.code == 0, result

    def reminded(title: str, out: str) -> bool:
        return f" {title} (in " in out or f" {title} (now" in out

    for title in ("Focus time", "Grace Hopper", "PyCon DE", "Team offsite"):
        assert reminded(title, result.out), (title, result.out)
    for title in ("Office", "Home", "Café Einstein", "Out of office"):
        assert not reminded(title, result.out), (title, result.out)
    timed = run(args, env={**env, "GCAL_CACHE_DIR": str(tmp_path / "timed")})
    assert timed.code == 0 and reminded("Focus time", timed.out)
    assert not reminded("Grace Hopper", timed.out) and not reminded("PyCon DE", timed.out)


def test_core_skips_what_is_nothing_to_attend():
    start = {"dateTime": "2030-03-04T10:00:00Z"}
    end = {"dateTime": "2030-03-04T11:00:00Z"}
    calendar = {"id": "c", "defaultReminders": [{"method": "popup", "minutes": 10}]}
    rows = [
        (calendar, {"id": kind, "eventType": kind, "start": start, "end": end}, None)
        for kind in ("default", "focusTime", "fromGmail", "workingLocation", "outOfOffice")
    ]
    found = core.reminders_of(rows, UTC, before=[5], all_day=True)
    assert [r.event["id"] for r in found] == ["default", "focusTime", "fromGmail"]
