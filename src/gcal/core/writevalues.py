"""Reading the values the write commands' options take: lengths of time (`--duration`),
reminders (`--reminder`), guests' addresses (`--attendee`) and answers (`gcal rsvp`).

Separate from the bodies built from them (`gcal.core.writes`) because the command line and the
MCP tools read the same values before any event is at hand; each bad value is a usage error
(exit 2) that names the option.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

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
    if not re.fullmatch(r"[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\]+", email):
        several = " (one guest per option)" if "," in email or ";" in email else ""
        raise UsageError(f"{what} {text!r} is not an email address{several}")
    return email


#: `Name <address>`, `"Smith, Bob" <address>`, `<address>`: RFC 5322's name-addr
_NAME_ADDR = re.compile(r"\s*(?P<name>[^<>]*?)\s*<(?P<address>[^<>]*)>\s*")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
#: what an unquoted display name may not hold (RFC 5322's specials that split or mark addresses)
_SPECIALS = set('",;:@<>()[]\\')


def parse_guest(text: str, what: str = "--attendee") -> Tuple[str, Optional[str]]:
    """A guest as typed: `bob@example.com`, or RFC 5322's name-addr `Bob <bob@example.com>`
    (a name holding a comma, semicolon, colon or @ in double quotes: `"Smith, Bob"
    <bob@example.com>`). (address, display name or None); one address each, else a
    UsageError naming `what`."""
    found = _NAME_ADDR.fullmatch(text)
    if found is None:
        if "<" in text or ">" in text:
            raise UsageError(
                f"{what} {text!r} is not an address: write 'Name <name@example.com>' "
                "or name@example.com"
            )
        return check_email(text, what), None
    address = found.group("address").strip()
    try:
        address = check_email(address, what)
    except UsageError:
        raise UsageError(f"{what} {text!r}: {address!r} is not an email address") from None
    raw = found.group("name")
    if _QUOTED.fullmatch(raw):
        import email.utils

        name = email.utils.unquote(raw)
    elif _SPECIALS & set(raw):
        raise UsageError(
            f"{what} {text!r}: a name holding any of {''.join(sorted(_SPECIALS))} goes in double "
            "quotes ('\"Smith, Bob\" <bob@example.com>'); one guest per option"
        )
    else:
        name = " ".join(raw.split())
    if any(not ch.isprintable() for ch in name):
        raise UsageError(f"{what} {text!r}: the name holds a control character")
    return address, name.strip() or None


def parse_guests(
    texts: Sequence[str], what: str = "--attendee"
) -> Tuple[List[str], Dict[str, str]]:
    """The addresses of `parse_guest` over `texts`, and the names given, by address in lower
    case (what `gcal.core.writes.Changes.guest_names` holds)."""
    addresses: List[str] = []
    names: Dict[str, str] = {}
    for text in texts:
        address, name = parse_guest(text, what)
        addresses.append(address)
        if name:
            names[address.lower()] = name
    return addresses, names


def response_status(text: str) -> str:
    try:
        return RESPONSES[text.strip().lower()]
    except KeyError:
        raise UsageError(
            f"the answer {text!r} is not one of yes, no, maybe (or accepted, declined, tentative)"
        ) from None
