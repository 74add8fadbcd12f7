"""The emulator's clock: the real time, or a pinned time from `GCAL_EMULATOR_NOW`.

Everything the emulator dates by "now" (the demo data's anchor week, `created`/`updated`
stamps, how far an endless series is expanded) reads this clock, so the whole demo world can be
moved to any instant: `GCAL_EMULATOR_NOW=2027-03-28T01:30:00Z pytest` runs the suite on a DST
change. A pinned clock keeps ticking from the pinned instant (so `updated` stamps still grow);
a date alone means 12:00 UTC that day. Token lifetimes stay on the real clock: gcal checks token
expiry against its own real clock.
"""

from __future__ import annotations

import os
import re
import time
from datetime import datetime, timedelta, timezone
from typing import Optional, Tuple

ENV_VAR = "GCAL_EMULATOR_NOW"
UTC = timezone.utc

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# (the variable's text, the pinned instant, the real time when it was first read)
_pinned: Optional[Tuple[str, datetime, float]] = None


def parse_pinned(text: str) -> datetime:
    """The instant `text` names: RFC 3339 with an offset, or a date (12:00 UTC that day).

    Raises ValueError with a message naming the variable for anything else.
    """
    text = text.strip()
    try:
        if _DATE.fullmatch(text):
            return datetime.fromisoformat(text + "T12:00:00+00:00")
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{ENV_VAR}={text!r} is not a date (2027-03-28) or an RFC 3339 time with an "
            "offset (2027-03-28T01:30:00Z)"
        )
    return value.astimezone(UTC)


def pinned() -> Optional[datetime]:
    """The emulator's current time if `GCAL_EMULATOR_NOW` pins it, else None."""
    global _pinned
    text = os.environ.get(ENV_VAR, "").strip()
    if not text:
        return None
    if _pinned is None or _pinned[0] != text:
        _pinned = (text, parse_pinned(text), time.time())
    _, start, real_start = _pinned
    return start + timedelta(seconds=max(0.0, time.time() - real_start))


def now() -> datetime:
    """The emulator's current time, aware, in UTC."""
    return pinned() or datetime.now(UTC)
