"""The built-in demo account: a realistic, deterministic calendar set around "this week".

Everything is placed relative to an *anchor*, the Monday of the current week (UTC date), so
`gcal --demo events primary --single-events --order-by startTime --time-min today` always shows
something; given the same anchor the data is identical. Pass `anchor=` to `build_demo_data`
(`gcal.emulator.demodata`, which builds the data this module names) or `demo_facts` for fully
reproducible tests.

Calendars (id, access role, zone):

* ``ada@example.com`` - owner, primary, Europe/Berlin, "Ada Lovelace"
* ``team.engineering@group.calendar.google.com`` - writer, America/Los_Angeles, "Engineering"
* ``tokyo.office@group.calendar.google.com`` - reader, Asia/Tokyo, "東京オフィス"
* ``charles@example.com`` - freeBusyReader, Europe/London, other organisation
* ``en.german#holiday@group.v.calendar.google.com`` - reader, hidden
* ``old.project@group.calendar.google.com`` - owner, deleted

Not on the calendar list, readable only through freeBusy (events.list answers 404):

* ``alice@example.com`` (Europe/Berlin), ``bob@example.com`` (America/New_York): colleagues
* ``room.babbage@resource.calendar.google.com`` (Europe/Berlin): a meeting room
* the group ``engineering@example.com``: Ada, Alice and Bob

Stable event ids in the primary calendar (see `demo_facts` for the dependent values):

* ``weeklysync`` - "Weekly sync", Tuesdays 10:00-10:30 Europe/Berlin, 12 occurrences starting
  three weeks before the anchor week; occurrence 2 (the previous week) is an EXDATE, occurrence
  4 (next week) is *moved* to Wednesday 14:00 (a modified exception whose id is the instance id),
  occurrence 5 (in two weeks) is *cancelled*. With singleEvents it yields 10 instances.
  Instance ids are ``weeklysync_YYYYMMDDTHHMMSSZ`` (UTC start).
* ``dailystandup`` - weekdays 09:30-09:45 Berlin from two weeks before the anchor, UNTIL four
  weeks after it; ``recycling`` - all-day series, every other Friday, 6 times.
* ``allhands`` (30 attendees, the user among them with self=true), ``budgetreview`` (extended
  properties private project=apollo, priority=high; shared room=Lovelace, project=apollo),
  ``offsite`` (all-day), ``conference`` (three-day all-day), ``vacation`` (outOfOffice),
  ``focusblock`` (focusTime), ``wl-office``/``wl-home``/``wl-custom`` (workingLocation),
  ``birthday-grace`` (birthday, yearly), ``flight-lh716`` (fromGmail), ``lunch-ja``,
  ``meeting-ar``, ``meeting-el`` (Japanese, Arabic, Greek summaries), ``csvtricky`` (summary
  with a comma, quotes, a tab and a newline: `CSV_TRICKY_SUMMARY`), ``notitle`` (no summary),
  ``dentist`` (private), ``nycall`` (New York time zone), ``cancelledmeeting`` (deleted),
  ``hiddeninvite`` (hidden invitation), and ``gen0000`` .. ``gen0319`` (320 generated meetings,
  six a day from four weeks before the anchor), so the default page size of 250 is exceeded.

``vendordemo`` is a weekly series the user declined (Thursdays around the anchor week).

The reader calendar holds ``tokyo-private`` (visibility private: readers see no summary). So
that `gcal --demo agenda` shows a lively week on several calendars whatever day it runs, the
other calendars have series and events all around the anchor week: ``engsync`` (Tue and Thu)
on the writer calendar, ``tokyo-sync`` (Wed and Fri) and ``oncall`` (a weekly three-day
all-day event) on the reader calendar, and ``charles-b03`` .. ``charles-b23`` (every other day) on
the free/busy calendar. Each calendar has its own ``backgroundColor``. The primary calendar's
default reminder is a popup 10 minutes before, the writer calendar's 15 minutes.

Around the clock (`build_demo_data(now=...)`; with the clock pinned, around 12:00 UTC on the
Monday of the demo week), so that reminders, meeting links and invitations show whenever the
demo runs: ``designreviewsoon`` (in 5 to 10
minutes, Meet through ``hangoutLink`` and ``conferenceData``, a popup 10 minutes before),
``zoomcallnow`` (began 10 minutes ago, a Zoom link in its location, the calendar's default
reminder), ``teamsinterview`` (in two hours, a Teams ``conferenceData`` entry point, popups 30
and 5 minutes before), and invitations awaiting an answer (``needsAction``): ``inviteroadmap``
(tomorrow), ``invitedinner`` (in three days) and, on the writer calendar, ``inviteretro``.

This module names the account; the data is made in `gcal.emulator.demodata` (the calendars),
`demoprimary` (the primary calendar's events), `demonow` (the events around the clock) and
`demoshapes` (the pieces of a body). `gcal.emulator.benchevents` fills a store for benchmarks.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Dict, Optional
from zoneinfo import ZoneInfo

from gcal.emulator import clock

USER_EMAIL = "ada@example.com"
PRIMARY_ID = USER_EMAIL
WRITER_ID = "team.engineering@group.calendar.google.com"
READER_ID = "tokyo.office@group.calendar.google.com"
FREEBUSY_ID = "charles@example.com"
HIDDEN_ID = "en.german#holiday@group.v.calendar.google.com"
DELETED_ID = "old.project@group.calendar.google.com"
ALICE_ID = "alice@example.com"
BOB_ID = "bob@example.com"
ROOM_ID = "room.babbage@resource.calendar.google.com"
GROUP_ID = "engineering@example.com"
SERIES_ID = "weeklysync"
CSV_TRICKY_SUMMARY = 'Dinner, "Chez Marie"\tbring wine\nsecond line'
GENERATED_COUNT = 320

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc


def default_anchor(today: Optional[date] = None) -> date:
    """Monday of the current week (UTC), on the emulator's clock (`GCAL_EMULATOR_NOW`)."""
    today = today or clock.now().date()
    return today - timedelta(days=today.weekday())


def wall_time(anchor: date, days: int, hh: int, mm: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    """hh:mm in `zone` on the day `days` after the anchor (the demo's way to place a time)."""
    return datetime.combine(anchor + timedelta(days=days), time(hh, mm), tzinfo=zone)


def _utc_id(start: datetime) -> str:
    return start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def demo_facts(anchor: Optional[date] = None) -> Dict[str, Any]:
    """Values tests can assert on that depend on the anchor (the instance ids above all)."""
    anchor = anchor or default_anchor()
    first = wall_time(anchor, -21 + 1, 10)
    occ = [first + timedelta(weeks=k) for k in range(12)]
    occ = [datetime.combine(o.date(), time(10, 0), tzinfo=BERLIN) for o in occ]
    return {
        "anchor": anchor,
        "series_id": SERIES_ID,
        "series_occurrences": [o.isoformat() for o in occ],
        "exdate_start": occ[2].isoformat(),
        "exdate_instance_id": f"{SERIES_ID}_{_utc_id(occ[2])}",
        "moved_instance_id": f"{SERIES_ID}_{_utc_id(occ[4])}",
        "moved_original_start": occ[4].isoformat(),
        "moved_new_start": datetime.combine(
            occ[4].date() + timedelta(days=1), time(14, 0), tzinfo=BERLIN
        ).isoformat(),
        "cancelled_instance_id": f"{SERIES_ID}_{_utc_id(occ[5])}",
        "cancelled_original_start": occ[5].isoformat(),
        "series_instance_count": 10,
        "instance_ids": [f"{SERIES_ID}_{_utc_id(o)}" for i, o in enumerate(occ) if i not in (2, 5)],
        "generated_count": GENERATED_COUNT,
        "calendar_ids": [PRIMARY_ID, WRITER_ID, READER_ID, FREEBUSY_ID, HIDDEN_ID, DELETED_ID],
        "visible_calendar_ids": [PRIMARY_ID, WRITER_ID, READER_ID, FREEBUSY_ID],
    }
