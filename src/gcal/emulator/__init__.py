"""A Google Calendar v3 API and OAuth 2.0 emulator on loopback, for gcal's tests and `--demo`.

Usage::

    from gcal.emulator import Emulator
    with Emulator() as emu:              # the built-in demo account (see gcal.emulator.demo)
        tokens = emu.issue_tokens()
        ...  # talk to emu.api_endpoint with "Authorization: Bearer <access_token>"

Data format (a dict, or a JSON file with the same content)::

    {
      "user": {"email": "ada@example.com", "displayName": "Ada Lovelace"},
      "calendars": [
        {
          "id": "ada@example.com", "summary": "Ada", "description": "...",
          "timeZone": "Europe/Berlin", "accessRole": "owner",
          "primary": true, "hidden": false, "deleted": false, "selected": true,
          "backgroundColor": "#16a765", "foregroundColor": "#000000",
          "defaultReminders": [{"method": "popup", "minutes": 10}],
          "_ownOrganization": true,            # for showOwnOrganizationOnly (default true)
          "events": [
            {"id": "weeklysync", "summary": "Weekly sync",
             "start": {"dateTime": "2024-06-04T10:00:00+02:00", "timeZone": "Europe/Berlin"},
             "end": {"dateTime": "2024-06-04T10:30:00+02:00", "timeZone": "Europe/Berlin"},
             "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=5",
                            "EXDATE;TZID=Europe/Berlin:20240611T100000"]},
            {"id": "weeklysync_20240618T080000Z", "recurringEventId": "weeklysync",
             "originalStartTime": {"dateTime": "2024-06-18T10:00:00+02:00"},
             "start": {...}, "end": {...}, "summary": "Moved"},
            {"id": "weeklysync_20240625T080000Z", "recurringEventId": "weeklysync",
             "originalStartTime": {"dateTime": "2024-06-25T10:00:00+02:00"}, "status": "cancelled"},
            {"id": "secret", "_hiddenInvitation": true, ...}
          ]
        },
        {"id": "alice@example.com", "accessRole": "freeBusyReader",
         "_inCalendarList": false,             # only freeBusy sees it; events.list is a 404
         "events": [...]}
      ],
      "groups": [                              # expanded by freeBusy (groupExpansionMax)
        {"id": "team@example.com", "members": ["ada@example.com", "alice@example.com"]}
      ]
    }

Events are Google Event resources; `kind`, `etag`, `status`, `created`, `updated`, `htmlLink`,
`iCalUID`, `sequence`, `eventType` and `reminders` are filled in when missing. Series are
events with `recurrence` lines; exceptions are separate events carrying `recurringEventId` and
`originalStartTime` (modified ones replace the generated instance; `status: cancelled` ones
remove it). Keys starting with `_` are the emulator's own and never sent to clients.

Writes: events.insert, patch, update, delete, quickAdd, import and move follow Google's rules
(see `gcal.emulator.writes`); they need a token with the `calendar.events` or `calendar` scope
(`Emulator.issue_write_tokens()`; `issue_tokens()` is read-only) and writer access to the
calendar. Changes live in the emulator's memory only.

Importing this package does not import googleapiclient or rich.
"""

from __future__ import annotations

from gcal.emulator.emulator import CLIENT_ID, CLIENT_SECRET, Emulator
from gcal.emulator.server import LoggedRequest

__all__ = ["CLIENT_ID", "CLIENT_SECRET", "Emulator", "LoggedRequest"]
