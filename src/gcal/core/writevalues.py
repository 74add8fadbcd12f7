"""Reading the values the write commands' options take: lengths of time (`--duration`),
reminders (`--reminder`), guests' addresses (`--attendee`) and answers (`gcal rsvp`).

Separate from the bodies built from them (`gcal.core.writes`) because the command line and the
MCP tools read the same values before any event is at hand; each bad value is a usage error
(exit 2) that names the option.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Dict

from gcal.errors import UsageError

SEND_UPDATES = ("all", "externalOnly", "none")
REPEATS = ("daily", "weekly", "monthly", "yearly")
VISIBILITIES = ("default", "public", "private", "confidential")
RESPONSES = {
    "yes": "accepted",
    "accepted": "accepted",
    "accept": "accepted",
    "no": "declined",
    "declined": "declined",
    "decline": "declined",
    "maybe": "tentative",
    "tentative": "tentative",
}


def parse_duration(text: str, what: str = "--duration") -> datetime.timedelta:
    """`45m`, `1h30m`, `2h`, `1d`, `90` (minutes), `1w`: a positive length of time."""
    body = text.strip().lower().replace(" ", "")
    if body.isdigit():
        body += "m"
    units = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
    pairs = re.findall(r"(\d+)([wdhms])", body)
    if not pairs or "".join(n + u for n, u in pairs) != body:
        raise UsageError(f"{what} {text!r} is not a length of time (e.g. 45m, 1h30m, 2h, 1d)")
    seconds = sum(int(n) * units[u] for n, u in pairs)
    if seconds <= 0 or seconds > 366 * 86400 * 10:
        raise UsageError(f"{what} {text!r} must be more than zero and at most ten years")
    return datetime.timedelta(seconds=seconds)


def parse_reminder(text: str) -> Dict[str, Any]:
    """`10m`, `1h`, `2d`, `popup:10m`, `email:1d`: one reminder override (minutes before)."""
    method, _, when = text.strip().partition(":")
    if not when:
        method, when = "popup", method
    method = method.strip().lower()
    if method not in ("popup", "email"):
        raise UsageError(f"--reminder {text!r}: the method must be popup or email")
    delta = parse_duration(when, "--reminder")
    minutes = int(delta.total_seconds() // 60)
    if delta.total_seconds() % 60 or not 0 <= minutes <= 40320:
        raise UsageError(f"--reminder {text!r} must be whole minutes, at most 4 weeks")
    return {"method": method, "minutes": minutes}


def check_email(text: str, what: str = "--attendee") -> str:
    email = text.strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
        raise UsageError(f"{what} {text!r} is not an email address")
    return email


def response_status(text: str) -> str:
    try:
        return RESPONSES[text.strip().lower()]
    except KeyError:
        raise UsageError(
            f"the answer {text!r} is not one of yes, no, maybe (or accepted, declined, tentative)"
        ) from None
