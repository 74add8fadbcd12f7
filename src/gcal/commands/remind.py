"""`gcal remind`: deliver the reminders that are due, from the local store.

One pass (`run_once`, for cron or a systemd timer) syncs the chosen calendars whose last sync
is older than --max-age, reads the agenda from the store (from now until the longest reminder
ahead), and delivers what `gcal.core.reminders` finds due and the store has not recorded as
delivered. `watch` does the same in a loop: it sleeps until the next reminder's moment or the
next sync (--sync-every), whichever comes first, and when the network is away it goes on
reminding from the store with one warning line.

Each reminder is claimed in the store of the profile its event came from
(`gcal.store.reminders.claim`) before it is delivered, so that of several processes exactly
one delivers it; a delivery that failed gives its claim back.

Delivery: a line on stdout (`PrintDelivery`), a command run with the event as JSON on stdin
and GCAL_* in its environment, never through a shell (`CommandDelivery`), or a desktop
notification through desktop-notifier (`NotifyDelivery`, the optional extra `gcal[notify]`),
which falls back to printing, with one note, where no notification service is reachable.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import os
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from gcal.commands.agenda_profiles import PROFILE_KEY, SHARED_KEY, open_agenda
from gcal.core import reminders as core
from gcal.core.links import meeting_link
from gcal.core.sanitize import for_terminal, one_line
from gcal.core.span import Span
from gcal.core.upcoming import describe
from gcal.errors import GcalError
from gcal.settings import Settings

#: how long a --command may run before it counts as failed
COMMAND_TIMEOUT = 60.0


@dataclasses.dataclass
class Choice:
    """What to remind of (the options shared by one pass and --watch)."""

    zone: datetime.tzinfo
    before: Optional[Sequence[int]] = None  # minutes; replaces the events' own reminders
    all_day: bool = False
    calendars: Sequence[str] = ()
    all_calendars: bool = False
    max_age: float = 300.0

    def horizon(self) -> float:
        """How far ahead an event may start and still remind now (seconds)."""
        minutes = max(self.before) if self.before else core.MAX_MINUTES
        return 60.0 * minutes + 60.0


# -- delivery ---------------------------------------------------------------------------------


def _when(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    return str(value.get("dateTime") or value.get("date") or "")


def reminder_line(reminder: core.Reminder, now: float, zone: datetime.tzinfo) -> str:
    """One line: '10:00–10:30 Weekly sync (in 10 min) · Room Babbage · https://meet...'."""
    moment = datetime.datetime.fromtimestamp(now, zone)
    text = describe((reminder.calendar, reminder.event, reminder.start, reminder.end), moment, zone)
    parts = [one_line(text)]
    location = reminder.event.get("location")
    if location:
        parts.append(one_line(location))
    link = meeting_link(reminder.event)
    if link and link not in (location or ""):  # "Zoom: <link>" says it already
        parts.append(one_line(link))
    line = " · ".join(parts)
    return line + " (late)" if reminder.late(now) else line


class PrintDelivery:
    """`--print`: one line per reminder on stdout."""

    def __init__(self, out: TextIO, zone: datetime.tzinfo) -> None:
        self.out = out
        self.zone = zone

    def deliver(self, reminder: core.Reminder, now: float) -> None:
        from gcal.core.sanitize import encodable

        line = reminder_line(reminder, now, self.zone)
        self.out.write(encodable(line, getattr(self.out, "encoding", None)) + "\n")
        self.out.flush()


def event_json(reminder: core.Reminder, now: float) -> Dict[str, Any]:
    """What a --command reads on stdin: the event as the API sent it, its calendar's id, and
    the reminder (`gcalReminder`: minutes, moment, late)."""
    return {
        **reminder.event,
        "calendarId": reminder.calendar.get("id"),
        "gcalReminder": {
            "minutes": reminder.minutes,
            "at": datetime.datetime.fromtimestamp(reminder.at, datetime.timezone.utc)
            .isoformat()
            .replace("+00:00", "Z"),
            "late": reminder.late(now),
            "minutesUntil": core.minutes_until(reminder.start, now),
        },
    }


def command_environment(reminder: core.Reminder, now: float) -> Dict[str, str]:
    """The GCAL_* variables of a --command: one line each, controls escaped."""
    event = reminder.event
    values = {
        "GCAL_SUMMARY": event.get("summary") or "(no title)",
        "GCAL_START": _when(event.get("start")),
        "GCAL_END": _when(event.get("end")),
        "GCAL_LOCATION": event.get("location") or "",
        "GCAL_CONFERENCE_URI": meeting_link(event) or "",
        "GCAL_MINUTES": str(reminder.minutes),
        "GCAL_MINUTES_UNTIL": str(core.minutes_until(reminder.start, now)),
        "GCAL_LATE": "1" if reminder.late(now) else "0",
        "GCAL_CALENDAR_ID": str(reminder.calendar.get("id") or ""),
        "GCAL_EVENT_ID": str(event.get("id") or ""),
        "GCAL_HTML_LINK": str(event.get("htmlLink") or ""),
    }
    return {name: one_line(value) for name, value in values.items()}


class CommandDelivery:
    """`--command 'CMD ARGS'`: run CMD (split like a shell would, but never run by one) with
    the event as JSON on stdin and GCAL_* in its environment."""

    def __init__(self, argv: Sequence[str], timeout: float = COMMAND_TIMEOUT) -> None:
        self.argv = list(argv)
        self.timeout = timeout

    def deliver(self, reminder: core.Reminder, now: float) -> None:
        import subprocess

        env = dict(os.environ)
        env.update(command_environment(reminder, now))
        data = json.dumps(event_json(reminder, now), ensure_ascii=True) + "\n"
        try:
            done = subprocess.run(
                self.argv,
                input=data.encode("ascii"),
                env=env,
                timeout=self.timeout,
                stdin=None,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise GcalError(f"--command did not finish within {self.timeout:g} s") from None
        except OSError as exc:
            raise GcalError(f"--command could not be run: {exc.strerror or exc}") from None
        if done.returncode != 0:
            raise GcalError(f"--command exited with status {done.returncode}")


class NotifyDelivery:
    """A desktop notification: the title, when and where, the meeting link, and a Join
    button where the desktop has buttons. Falls back to `fallback` (with one note on stderr)
    where desktop-notifier is missing or no notification service answers."""

    def __init__(self, fallback: PrintDelivery, err: TextIO, zone: datetime.tzinfo) -> None:
        self.fallback = fallback
        self.err = err
        self.zone = zone
        self.notifier: Any = None
        self.failed = False

    def _note(self, why: str) -> None:
        if not self.failed:
            self.err.write(f"gcal: note: {why}; printing reminders instead\n")
            self.err.flush()
        self.failed = True

    def _open(self) -> Any:
        if self.notifier is not None or self.failed:
            return self.notifier
        if sys.platform.startswith("linux") and not _session_bus():
            self._note("no desktop notification service (no D-Bus session bus)")
            return None
        try:
            from desktop_notifier import DesktopNotifierSync
        except ImportError:
            self._note(
                "desktop notifications need the desktop-notifier library "
                "(pip install 'gcal[notify]')"
            )
            return None
        self.notifier = DesktopNotifierSync(app_name="gcal")
        return self.notifier

    def deliver(self, reminder: core.Reminder, now: float) -> None:
        notifier = self._open()
        if notifier is None:
            self.fallback.deliver(reminder, now)
            return
        title, message, link = notification_text(reminder, now, self.zone)
        try:
            from desktop_notifier import Button

            buttons = []
            if link:
                import webbrowser

                buttons.append(Button(title="Join", on_pressed=lambda: webbrowser.open(link)))
            notifier.send(title=title, message=message, buttons=buttons)
        except Exception as exc:  # the service went away or refused: print instead
            self._note(f"the desktop notification failed ({type(exc).__name__})")
            self.fallback.deliver(reminder, now)


def notification_text(
    reminder: core.Reminder, now: float, zone: datetime.tzinfo
) -> Tuple[str, str, Optional[str]]:
    """(title, message, link) of a notification. The freedesktop body may be read as markup,
    so `&`, `<` and `>` are escaped there."""
    import html

    event = reminder.event
    title = one_line(event.get("summary") or "(no title)")
    first = datetime.datetime.fromtimestamp(reminder.start, zone)
    last = datetime.datetime.fromtimestamp(reminder.end, zone)
    until = core.minutes_until(reminder.start, now)
    when = f"{first:%H:%M}–{last:%H:%M}"
    if until > 0:
        when += f", in {until} min"
    else:
        when += ", now"
    if reminder.late(now):
        when += " (late)"
    lines = [when]
    if event.get("location"):
        lines.append(one_line(event["location"]))
    link = meeting_link(event)
    if link and link not in (event.get("location") or ""):
        lines.append(one_line(link))
    message = "\n".join(for_terminal(line) for line in lines)
    if sys.platform.startswith("linux"):
        message = html.escape(message, quote=False)
    return title, message, link


def _session_bus() -> bool:
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    return os.path.exists(os.path.join(runtime, "bus"))


# -- one pass ---------------------------------------------------------------------------------


class _Warnings:
    """stderr for --watch: each warning or error line once until `reset()` (the network came
    back), so that an outage is one line, not one per sync."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.seen: set = set()
        self.quiet_warnings = False
        self.warned = False

    def write(self, text: str) -> int:
        for line in text.splitlines(True):
            key = "warning" if line.startswith("gcal: warning:") else line
            if key == "warning":
                self.warned = True
            if key in self.seen:
                continue
            self.seen.add(key)
            self.err.write(line)
        return len(text)

    def flush(self) -> None:
        self.err.flush()

    def reset(self) -> None:
        self.seen.clear()


def collect(
    profiles: Sequence[Settings],
    choice: Choice,
    now: float,
    *,
    sync: bool,
    max_age: float,
    err: Any,
) -> Tuple[List[core.Reminder], int]:
    """Every reminder of the chosen calendars' events from `now` on (read from each profile's
    store, synced first when `sync` and older than `max_age`), tagged with its profile's
    Settings; and the exit code of the calendars that could not be read. A meeting several
    profiles see (given once, in the first one's calendar) is tagged with the others too, so
    that its reminders are recorded in each of their stores."""
    from gcal.commands.stored import StoreSource

    def source_for(settings: Settings) -> Any:
        label = f"profile {settings.profile}: " if len(profiles) > 1 else ""
        return StoreSource(settings, offline=not sync, max_age=max_age, err=err, label=label)

    zone = choice.zone
    start = datetime.datetime.fromtimestamp(math.floor(now), zone)
    span = Span(start, start + datetime.timedelta(seconds=choice.horizon()))
    agenda, close = open_agenda(
        profiles,
        span,
        zone,
        source_for=source_for,
        calendars=choice.calendars,
        all_calendars=choice.all_calendars,
        no_declined=True,
    )
    by_name = {settings.profile: settings for settings in profiles}

    def tag(calendar: Dict[str, Any], event: Dict[str, Any]) -> Tuple[Settings, List[Any]]:
        own = by_name.get(calendar.get(PROFILE_KEY), profiles[0])
        others = []
        for seen in event.get(SHARED_KEY) or ():
            settings = by_name.get(seen.get("profile"))
            if settings is not None and settings is not own:
                others.append((settings, str(seen.get("calendarId"))))
        return own, others

    try:
        rows = [(row.calendar, row.event, tag(row.calendar, row.event)) for row in agenda]
    finally:
        close()
    for failure in agenda.failures:
        err.write(f"gcal: error: {failure.line()}\n")
    err.flush()
    found = core.reminders_of(rows, zone, before=choice.before, all_day=choice.all_day)
    return found, agenda.exit_code()


def _store(settings: Settings) -> Any:
    from gcal.commands.stored import store_path
    from gcal.store import db

    try:
        return db.open_store(store_path(settings))
    except db.StoreError as exc:
        raise GcalError(str(exc)) from None


def deliver_due(
    found: Sequence[core.Reminder], now: float, delivery: Any, err: Any
) -> Tuple[int, int]:
    """Claim and deliver the due reminders; (delivered, failed)."""
    from gcal.store import reminders as state

    by_profile: Dict[str, List[core.Reminder]] = {}
    settings_of: Dict[str, Settings] = {}
    for reminder in found:
        settings = reminder.tag[0]
        by_profile.setdefault(settings.profile, []).append(reminder)
        settings_of[settings.profile] = settings
    sent = failed = 0
    also: List[Tuple[Settings, core.Key, bool]] = []  # shared meetings: the other profiles
    for name, items in by_profile.items():
        store = _store(settings_of[name])
        try:
            done = state.delivered(store, now - state.KEEP_SECONDS)
            for reminder in core.due(items, now, done):
                if not state.claim(store, reminder.key, late=reminder.late(now), now=now):
                    continue  # another process has it
                try:
                    delivery.deliver(reminder, now)
                    sent += 1
                    for other, calendar_id in reminder.tag[1]:
                        also.append((other, (calendar_id, *reminder.key[1:]), reminder.late(now)))
                except GcalError as exc:
                    state.release(store, [reminder.key])
                    err.write(f"gcal: error: {exc.message}\n")
                    err.flush()
                    failed += 1
        finally:
            store.close()
    for other, key, late in also:
        store = _store(other)
        try:
            state.claim(store, key, late=late, now=now)
        finally:
            store.close()
    return sent, failed


def run_once(
    profiles: Sequence[Settings], choice: Choice, delivery: Any, now: float, err: TextIO
) -> int:
    """`gcal remind`: deliver what is due now; the exit code (1 when a delivery failed)."""
    found, code = collect(profiles, choice, now, sync=True, max_age=choice.max_age, err=err)
    _sent, failed = deliver_due(found, now, delivery, err)
    return code or (1 if failed else 0)


# -- --watch ----------------------------------------------------------------------------------


class Clock:
    """The real clock (shifted by `offset` seconds: --demo's world runs on the emulator's)."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def now(self) -> float:
        return time.time() + self.offset

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def next_wake(
    found: Sequence[core.Reminder], now: float, next_sync: float, delivered: Any = ()
) -> float:
    moment = core.next_moment(found, now, delivered)
    return next_sync if moment is None else min(moment, next_sync)


def watch(
    profiles: Sequence[Settings],
    choice: Choice,
    delivery: Any,
    clock: Any,
    err: TextIO,
    *,
    sync_every: float = 300.0,
    offline: bool = False,
    on_wake: Optional[Callable[[float], None]] = None,
) -> int:
    """`gcal remind --watch`: run until interrupted (the caller turns SIGTERM and Ctrl-C into
    a clean exit). Each wake-up syncs when --sync-every has passed, delivers what is due and
    sleeps until the next reminder or sync; never in a busy loop."""
    warnings = _Warnings(err)
    next_sync = -math.inf
    found: List[core.Reminder] = []
    while True:
        now = clock.now()
        if on_wake is not None:
            on_wake(now)
        syncing = now >= next_sync and not offline
        warnings.warned = False
        try:
            found, _code = collect(profiles, choice, now, sync=syncing, max_age=0.0, err=warnings)
            if syncing and not warnings.warned:
                warnings.reset()  # the network is back: the next outage gets its line again
        except GcalError as exc:
            # the network (or the login) away with nothing to read yet, or a store problem:
            # say it once, keep the last reminders read, and try again at the next sync
            warnings.write(f"gcal: warning: {exc.message}; still trying\n")
        if now >= next_sync:
            next_sync = now + sync_every
        try:
            deliver_due(found, now, delivery, warnings)
        except GcalError as exc:
            warnings.write(f"gcal: warning: {exc.message}\n")
        wake = next_wake(found, now, next_sync)
        clock.sleep(max(0.0, wake - now))
