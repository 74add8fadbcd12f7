"""What every tool of `gcal mcp` works with: its context, and a model's arguments checked.

A model's bad input is normal input: each check here raises a `ToolError` with a plain
message (the server answers it as a tool error and goes on). `scrub` makes any message safe to
show a model: one line, no token, no path of the user's.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
from typing import Any, Callable, Dict, List, Optional, Sequence

from gcal.settings import Settings

DEFAULT_LIMIT = 200
MAX_LIMIT = 2000
#: the longest window a reading tool answers at once
MAX_WINDOW_DAYS = 366
#: the longest text input a tool accepts (a title, a query, a description)
MAX_TEXT = 8192


class ToolError(Exception):
    """A tool's plain-language failure: the server answers it as a tool error and goes on."""


@dataclasses.dataclass
class ToolContext:
    """What every tool needs: the profile's settings (never interactive: stdin is the
    protocol), the display zone, the clock, and how the store answers."""

    settings: Settings
    zone: datetime.tzinfo
    zone_name: str
    clock: Callable[[], datetime.datetime]
    offline: bool = False
    max_age: float = 300.0
    writes: bool = False
    #: the zone was named (--time-zone or config.toml's time_zone): the listings are asked in
    #: it too, as `gcal agenda --time-zone` asks them
    zone_given: bool = False

    def now(self) -> datetime.datetime:
        return self.clock().astimezone(self.zone)

    def fmt(self, fmt: str = "ndjson") -> Settings:
        return self.settings.replace(format=fmt)

    def source_for(self, err: Any, filters: Optional[Dict[str, Any]] = None) -> Any:
        from gcal.commands import stored

        stored.check_answerable(filters or {})

        def store_of(settings: Settings) -> Any:
            return stored.StoreSource(settings, offline=self.offline, max_age=self.max_age, err=err)

        return store_of

    @property
    def defaults(self) -> Dict[str, Any]:
        return self.settings.command_defaults or {}


def scrub(text: str) -> str:
    """A message as a model may see it: one line, no token, no path of the user's."""
    from gcal.core.sanitize import one_line
    from gcal.logs import redact

    text = one_line(redact(text))
    places = []
    for name in ("GCAL_CONFIG_DIR", "GCAL_CACHE_DIR", "GCAL_DATA_DIR", "HOME"):
        value = os.environ.get(name)
        if value and len(value) > 1:
            places.append(value.rstrip("/"))
    try:
        from gcal import paths

        for getter in ("config_dir", "cache_dir"):
            found = getattr(paths, getter, None)
            if callable(found):
                places.append(str(found()).rstrip("/"))
    except Exception:  # the paths are a nicety here, never a failure
        pass
    for place in sorted(set(places), key=len, reverse=True):
        text = text.replace(place, "…")
    # any other absolute path left (a file name in an OS error)
    text = re.sub(r"(?<![\w:/])/(?:[^\s'\"/]+/)+[^\s'\"]*", "…", text)
    return re.sub("…+", "…", text)  # a folder's … and the rest of its path's: one


# --------------------------------------------------------------------------------------------
# One argument each


def text(args: Dict[str, Any], name: str, *, required: bool = False) -> Optional[str]:
    value = args.get(name)
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise ToolError(f"'{name}' is required")
        return None
    if not isinstance(value, str):
        raise ToolError(f"'{name}' must be a string")
    if not value.strip():
        raise ToolError(f"'{name}' must not be empty")
    if len(value) > MAX_TEXT:
        raise ToolError(f"'{name}' is longer than {MAX_TEXT} characters")
    return value


def strings(args: Dict[str, Any], name: str) -> List[str]:
    value = args.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ToolError(f"'{name}' must be a list of strings")
    if len(value) > 100:
        raise ToolError(f"'{name}' names more than 100 items")
    for item in value:
        if not item.strip():
            raise ToolError(f"'{name}' holds an empty string")
        if len(item) > MAX_TEXT:
            raise ToolError(f"an item of '{name}' is longer than {MAX_TEXT} characters")
    return list(value)


def flag(args: Dict[str, Any], name: str, default: bool = False) -> bool:
    value = args.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ToolError(f"'{name}' must be true or false")
    return value


def whole(args: Dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = args.get(name, default)
    if value is None:
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ToolError(f"'{name}' must be a whole number")
    if not low <= value <= high:
        raise ToolError(f"'{name}' must be between {low} and {high} (got {value})")
    return value


def limit(args: Dict[str, Any], default: int = DEFAULT_LIMIT) -> int:
    return whole(args, "limit", default, 1, MAX_LIMIT)


def check_known(name: str, args: Dict[str, Any], schema: Dict[str, Any]) -> None:
    known = set((schema.get("properties") or {}).keys())
    unknown = sorted(set(args) - known)
    if unknown:
        raise ToolError(
            f"{name} takes no input named {', '.join(repr(u) for u in unknown)}; it takes "
            + (", ".join(sorted(known)) or "nothing")
        )


def send_updates(args: Dict[str, Any]) -> str:
    value = args.get("send_updates") or "none"
    table = {"all": "all", "external": "externalOnly", "none": "none"}
    if value not in table:
        raise ToolError("'send_updates' must be one of all, external, none")
    return table[value]


# --------------------------------------------------------------------------------------------
# What the arguments ask, in the commands' terms


def check_window(start: datetime.datetime, end: datetime.datetime) -> None:
    if end <= start:
        raise ToolError("the end must be after the start")
    if end - start > datetime.timedelta(days=MAX_WINDOW_DAYS):
        raise ToolError(
            f"the window is longer than {MAX_WINDOW_DAYS} days: ask for a shorter one "
            "(several calls for a longer stretch)"
        )


def _week_start(defaults: Dict[str, Any]) -> int:
    from gcal.core import weekstart

    value = defaults.get("week_start")
    if value:
        return weekstart.SUNDAY if str(value).lower() == "sunday" else weekstart.MONDAY
    return weekstart.locale_week_start(os.environ)


def span(ctx: ToolContext, start: Optional[str], end: Optional[str], days: int = 7) -> Any:
    """The window from `start` to `end` (a day: the whole day), or of `days` days, as the
    commands' TIME arguments read them; at most MAX_WINDOW_DAYS long."""
    from gcal.core.span import resolve_span

    found = resolve_span(
        start,
        end,
        None if end is not None else days,
        ctx.zone,
        now=ctx.now(),
        week_start=_week_start(ctx.defaults),
    )
    check_window(found.start, found.end)
    return found


def filters(ctx: ToolContext, query: Optional[str]) -> Dict[str, Any]:
    """The listing filters of a question: its text query, and the zone when one was named."""
    found: Dict[str, Any] = {}
    if query:
        found["q"] = query
    key = getattr(ctx.zone, "key", None)
    if ctx.zone_given and key:
        found["timeZone"] = key
    return found


def calendars(ctx: ToolContext, given: List[str]) -> Sequence[str]:
    """The calendars named, else config.toml's, else those shown in Google Calendar."""
    from gcal.core.calendars import chosen_names

    return chosen_names(given, False, ctx.defaults.get("calendars") or ())


def changes(ctx: ToolContext, args: Dict[str, Any], *, edit: bool) -> Any:
    """The event fields a write tool was given, as `gcal add`/`gcal edit` read their options."""
    from gcal.core import timespec
    from gcal.core import writes as core

    now = ctx.now()
    start_text = text(args, "start")
    when = timespec.parse_when(start_text, tz=ctx.zone, now=now) if start_text else None
    end_text = text(args, "end")
    end = timespec.parse_time(end_text, tz=ctx.zone, now=now) if end_text else None
    duration = text(args, "duration")
    attendees, names = core.parse_guests(strings(args, "attendees"), "attendees")
    all_day = flag(args, "all_day") or None
    return core.Changes(
        summary=text(args, "title"),
        start=when.moment if when is not None else None,
        start_day=when.day if when is not None else None,
        end=end,
        duration=core.parse_duration(duration) if duration is not None else None,
        all_day=all_day,
        location=text(args, "location"),
        description=text(args, "description"),
        attendees=attendees if attendees or not edit else None,
        guest_names=names,
    )
