"""The `recurrence` lines of `--repeat` / `--until` / `--count`: a frequency word or an RRULE of
one's own, checked (`rule_problem`) before anything is sent.

Separate from the event bodies (`gcal.core.writes`) because a rule is its own small grammar,
and the ICS import checks the rules it reads with the same `rule_problem`.
"""

from __future__ import annotations

import datetime
import re
from typing import List, Optional

from gcal.errors import UsageError

REPEATS = ("daily", "weekly", "monthly", "yearly")


def utc_stamp(dt: datetime.datetime) -> str:
    return dt.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def rule_problem(rule: str) -> Optional[str]:
    """What makes an RRULE's value (without `RRULE:`) unreadable (a misspelt part or value),
    or None when it reads."""
    from dateutil.rrule import rrulestr

    start = datetime.datetime(2000, 1, 1)
    if re.search(r"UNTIL=[0-9T]+Z", rule, re.I):  # an UNTIL in UTC goes with a start in a zone
        start = start.replace(tzinfo=datetime.timezone.utc)
    try:
        rrulestr(rule, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        return str(exc).replace('"', "'") or type(exc).__name__
    return None


def _check_rule(repeat: str, rule: str) -> None:
    """A usage error for an RRULE that no calendar could read, before anything is sent."""
    why = rule_problem(rule)
    if why is not None:
        raise UsageError(
            f"--repeat {repeat!r} is not an RRULE gcal can read ({why}); e.g. "
            "'FREQ=WEEKLY;BYDAY=MO,WE' or 'FREQ=MONTHLY;BYMONTHDAY=1'"
        )


def recurrence_rule(
    repeat: str,
    *,
    until: Optional[datetime.date] = None,
    count: Optional[int] = None,
    all_day: bool,
    zone: datetime.tzinfo,
) -> List[str]:
    """The `recurrence` lines for --repeat (a frequency word or an RRULE of one's own) with
    --until (the last day that may hold an occurrence) or --count."""
    if until is not None and count is not None:
        raise UsageError("--until and --count cannot be combined")
    if count is not None and count < 1:
        raise UsageError("--count must be at least 1")
    text = repeat.strip()
    if text.lower() in REPEATS:
        rule = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}[
            text.lower()
        ]
        rule = "RRULE:FREQ=" + rule
    else:
        body = text[6:] if text.upper().startswith("RRULE:") else text
        parts = [p for p in body.split(";") if p]
        if not parts or not all(re.fullmatch(r"[A-Za-z-]+=[^;=\s]+", p) for p in parts):
            raise UsageError(
                f"--repeat {repeat!r} is neither daily, weekly, monthly, yearly nor an RRULE "
                "(e.g. 'FREQ=WEEKLY;BYDAY=MO,WE')"
            )
        names = [p.split("=", 1)[0].upper() for p in parts]
        if "FREQ" not in names:
            raise UsageError(f"--repeat {repeat!r}: an RRULE needs FREQ=...")
        if ("UNTIL" in names or "COUNT" in names) and (until is not None or count is not None):
            raise UsageError("--repeat already says when it ends: drop --until/--count")
        rule = "RRULE:" + ";".join(
            p.split("=", 1)[0].upper() + "=" + p.split("=", 1)[1] for p in parts
        )
        _check_rule(repeat, rule[6:])
    if count is not None:
        rule += f";COUNT={count}"
    if until is not None:
        if all_day:
            rule += ";UNTIL=" + until.strftime("%Y%m%d")
        else:
            last = datetime.datetime.combine(until, datetime.time(23, 59, 59))
            rule += ";UNTIL=" + utc_stamp(last.replace(tzinfo=zone))
    return [rule]
