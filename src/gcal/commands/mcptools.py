"""The tools of `gcal mcp`: what each is called, what it does and takes (its JSON schema), and
calling one by name.

Each tool answers one question a model may ask, the way the command line answers it
(`gcal.commands.mcpanswers`), and returns JSON plus a short text summary; a model's
arguments are checked first (`gcal.commands.mcpinput`). The write tools are listed only when
writes are allowed. Nothing here imports the MCP SDK: `gcal.commands.mcpserver` wires `tools`
and `call` to it. Anything that goes wrong is a `ToolError` with a plain message, never a
traceback, a token or a path of the user's.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from gcal.commands import mcpanswers as answers
from gcal.commands import mcpinput as arg
from gcal.commands.mcpinput import DEFAULT_LIMIT, MAX_LIMIT, MAX_WINDOW_DAYS, ToolContext, ToolError
from gcal.errors import GcalError

__all__ = ["READ_TOOLS", "WRITE_TOOLS", "Tool", "ToolContext", "ToolError", "call", "tools"]

# --------------------------------------------------------------------------------------------
# The tools' names, descriptions and input schemas

_LIMIT = {
    "type": "integer",
    "minimum": 1,
    "maximum": MAX_LIMIT,
    "default": DEFAULT_LIMIT,
    "description": "At most this many rows; the answer says when it was cut.",
}
_TIME = (
    "RFC 3339 (2026-12-08T09:00:00+01:00), a date (2026-12-08), or gcal's time grammar "
    "(today, tomorrow, friday, +3d, 'fri 9am'); without an offset, the user's zone."
)
_CALENDARS = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Calendars by id or name (default: those shown in Google Calendar).",
}
_DRY_RUN = {
    "type": "boolean",
    "default": False,
    "description": "Only show the request that would be sent; change nothing.",
}
_SEND_UPDATES = {
    "type": "string",
    "enum": ["all", "external", "none"],
    "default": "none",
    "description": "Who gets an email about the change.",
}
_EVENT_FIELDS = {
    "title": {"type": "string", "description": "The event's title."},
    "start": {"type": "string", "description": "When it starts: " + _TIME},
    "end": {"type": "string", "description": "When it ends (all-day: its last day)."},
    "duration": {"type": "string", "description": "How long: 45m, 1h30m, 2h, 1d."},
    "all_day": {"type": "boolean", "description": "A whole-day event."},
    "location": {"type": "string"},
    "description": {"type": "string"},
    "attendees": {
        "type": "array",
        "items": {"type": "string"},
        "description": "Guests: name@example.com or 'Name <name@example.com>'.",
    },
}


def _schema(properties: Dict[str, Any], required: Sequence[str] = ()) -> Dict[str, Any]:
    schema: Dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


@dataclasses.dataclass(frozen=True)
class Tool:
    name: str
    description: str
    schema: Dict[str, Any]
    run: Callable[[ToolContext, Dict[str, Any]], Dict[str, Any]]
    writes: bool = False


READ_TOOLS: Tuple[Tool, ...] = (
    Tool(
        "list_calendars",
        "The user's calendars (id, name, access role, whether shown), from the local store.",
        _schema({"limit": _LIMIT}),
        answers.list_calendars,
    ),
    Tool(
        "agenda",
        "Events of a window across the shown calendars, merged by start time (as 'gcal "
        "agenda'). Default: today and the next 6 days. Rows are Calendar API events plus "
        "calendarId; times are RFC 3339.",
        _schema(
            {
                "start": {"type": "string", "description": "Start of the window: " + _TIME},
                "end": {"type": "string", "description": "Last day of the window (included)."},
                "calendars": _CALENDARS,
                "query": {"type": "string", "description": "Only events whose text matches."},
                "limit": _LIMIT,
            }
        ),
        answers.agenda,
    ),
    Tool(
        "get_event",
        "One event in full (as 'gcal show CALENDAR EVENT_ID --format json').",
        _schema(
            {
                "calendar": {"type": "string", "description": "Calendar id or name."},
                "event_id": {"type": "string", "description": "The event's id."},
                "limit": _LIMIT,
            },
            ["calendar", "event_id"],
        ),
        answers.get_event,
    ),
    Tool(
        "search",
        "Events found by their words in the local store's full-text index (as 'gcal "
        'search\'): words (all must occur), word*, "a phrase", title:, where:, who:, desc:, '
        "-word, OR. Default: all stored time, best match first.",
        _schema(
            {
                "text": {"type": "string", "description": "What to look for."},
                "start": {"type": "string", "description": "Only from this time: " + _TIME},
                "end": {"type": "string", "description": "Only up to this time (a day: whole)."},
                "calendars": _CALENDARS,
                "order": {"type": "string", "enum": ["rank", "start"], "default": "rank"},
                "limit": _LIMIT,
            },
            ["text"],
        ),
        answers.search,
    ),
    Tool(
        "free_slots",
        "Stretches of free time every given calendar shares, within working hours (as 'gcal "
        "free'). Rows: start, end, minutes.",
        _schema(
            {
                "calendars": _CALENDARS,
                "duration": {
                    "type": "string",
                    "description": "Shortest slot worth showing: 30m (default), 1h, 1h30m.",
                },
                "start": {"type": "string", "description": "Start (default: now). " + _TIME},
                "end": {"type": "string", "description": "End (default: +7d from start)."},
                "hours": {
                    "type": "string",
                    "description": "Working hours, 09:00-17:00 (default), or 'all'.",
                },
                "days": {
                    "type": "string",
                    "description": "Days of the week: mon-fri (default), all, mon,wed,fri.",
                },
                "limit": _LIMIT,
            }
        ),
        answers.free_slots,
    ),
    Tool(
        "next_event",
        "The event going on now or the next one (as 'gcal next'); with limit, the next "
        "limit events. Declined ones are left out.",
        _schema(
            {
                "within_hours": {
                    "type": "integer",
                    "minimum": 1,
                    "default": 24,
                    "description": "Look this many hours ahead (default 24).",
                },
                "all_day": {"type": "boolean", "description": "Count all-day events too."},
                "calendars": _CALENDARS,
                "limit": {**_LIMIT, "default": 1},
            }
        ),
        answers.next_event,
    ),
    Tool(
        "conflicts",
        "Groups of overlapping busy events, across calendars (as 'gcal conflicts'): each "
        "group's overlap (start, end) and its events. Default: today and the next 13 days.",
        _schema(
            {
                "start": {"type": "string", "description": "Start of the window: " + _TIME},
                "end": {"type": "string", "description": "Last day of the window (included)."},
                "all_day": {"type": "boolean", "description": "Count all-day events too."},
                "calendars": _CALENDARS,
                "limit": _LIMIT,
            }
        ),
        answers.conflicts,
    ),
    Tool(
        "invites",
        "Upcoming invitations still waiting for the user's answer (as 'gcal invites').",
        _schema(
            {
                "days": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_WINDOW_DAYS,
                    "default": 30,
                    "description": "How far ahead to look, in days.",
                },
                "calendars": _CALENDARS,
                "limit": _LIMIT,
            }
        ),
        answers.invites,
    ),
)

WRITE_TOOLS: Tuple[Tool, ...] = (
    Tool(
        "add_event",
        "Add an event (as 'gcal add'); 'gcal undo' takes it back.",
        _schema(
            {
                **_EVENT_FIELDS,
                "calendar": {"type": "string", "description": "Calendar (default: primary)."},
                "send_updates": _SEND_UPDATES,
                "dry_run": _DRY_RUN,
            },
            ["title", "start"],
        ),
        answers.add_event,
        True,
    ),
    Tool(
        "update_event",
        "Change only the given fields of an event (as 'gcal edit'); sent with If-Match, so "
        "an event changed meanwhile is not overwritten.",
        _schema(
            {
                "calendar": {"type": "string"},
                "event_id": {"type": "string"},
                **_EVENT_FIELDS,
                "send_updates": _SEND_UPDATES,
                "dry_run": _DRY_RUN,
            },
            ["calendar", "event_id"],
        ),
        answers.update_event,
        True,
    ),
    Tool(
        "delete_event",
        "Delete an event or a whole series (as 'gcal delete --yes'); 'gcal undo' brings it back.",
        _schema(
            {
                "calendar": {"type": "string"},
                "event_id": {"type": "string"},
                "send_updates": _SEND_UPDATES,
                "dry_run": _DRY_RUN,
            },
            ["calendar", "event_id"],
        ),
        answers.delete_event,
        True,
    ),
    Tool(
        "rsvp",
        "Answer an invitation: yes, no or maybe (as 'gcal rsvp'); only the user's own guest "
        "entry is sent.",
        _schema(
            {
                "calendar": {"type": "string"},
                "event_id": {"type": "string"},
                "answer": {"type": "string", "enum": ["yes", "no", "maybe"]},
                "comment": {"type": "string"},
                "send_updates": _SEND_UPDATES,
                "dry_run": _DRY_RUN,
            },
            ["calendar", "event_id", "answer"],
        ),
        answers.rsvp,
        True,
    ),
)


def tools(writes: bool) -> List[Tool]:
    return [*READ_TOOLS, *(WRITE_TOOLS if writes else ())]


# --------------------------------------------------------------------------------------------
# Calling a tool: the answer, or a plain message


def call(ctx: ToolContext, name: str, args: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """Run tool `name`; raise ToolError (a plain message) for anything that went wrong."""
    chosen = {tool.name: tool for tool in tools(ctx.writes)}.get(name)
    if chosen is None:
        raise ToolError(f"no tool named {name!r}")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ToolError("the arguments must be an object")
    try:
        arg.check_known(name, args, chosen.schema)
        return chosen.run(ctx, args)
    except ToolError as exc:
        raise ToolError(arg.scrub(str(exc))) from None
    except GcalError as exc:
        raise ToolError(arg.scrub(exc.message)) from None
    except RecursionError:
        raise ToolError("the input is nested too deeply") from None
    except (ValueError, OverflowError, TypeError) as exc:
        raise ToolError(arg.scrub(f"bad input: {exc}")) from None
    except OSError as exc:
        raise ToolError(arg.scrub(f"a local file problem: {exc.strerror or exc}")) from None
