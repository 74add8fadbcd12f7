"""`gcal edit --following`, planned: the old series' end and the new series' body when a series
is split at one occurrence (`split_series`), and where the old series' changed and cancelled
occurrences go in the new one (`carried_exceptions`).

Separate from the bodies of a single edit (`gcal.core.writes`) because it reasons about a
whole series (its rules, its EXDATEs, the occurrences it makes) rather than one event's fields.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any, Dict, List, Optional, Sequence, Tuple

from gcal.core.repeatrule import utc_stamp

Event = Dict[str, Any]

#: what the API sets itself; never copied into a new event's body
READ_ONLY_FIELDS = (
    "kind",
    "etag",
    "id",
    "htmlLink",
    "created",
    "updated",
    "creator",
    "organizer",
    "iCalUID",
    "sequence",
    "recurringEventId",
    "originalStartTime",
    "hangoutLink",
    "privateCopy",
    "locked",
    "attendeesOmitted",
)


def copy_for_insert(event: Event, event_id: str) -> Event:
    """A new event's body made from an existing one (no id, etag, iCalUID, ...)."""
    body = {k: copy.deepcopy(v) for k, v in event.items() if k not in READ_ONLY_FIELDS}
    body.pop("status", None)
    conference = body.get("conferenceData")
    if isinstance(conference, dict) and "createRequest" in conference:
        body.pop("conferenceData")
    body["id"] = event_id
    return body


def _rule_parts(line: str) -> List[Tuple[str, str]]:
    return [
        (p.split("=", 1)[0].upper(), p.split("=", 1)[1] if "=" in p else "")
        for p in line[6:].split(";")
        if p
    ]


def split_series(
    master: Event,
    instance: Event,
    new_id: str,
    *,
    before_count: int,
) -> Tuple[Event, Event]:
    """(the old series' patch, the new series' insert body) for an edit of `instance` and
    every later one: the old series ends the second before the instance's original start
    (UNTIL), the new one starts at the instance with the series' rules (a COUNT lowered by the
    `before_count` occurrences the old series keeps; EXDATEs before the split dropped)."""
    original = instance.get("originalStartTime") or instance.get("start") or {}
    all_day = "date" in original
    if all_day:
        day = datetime.date.fromisoformat(str(original["date"]))
        until_text = (day - datetime.timedelta(days=1)).strftime("%Y%m%d")
        split_key = day.strftime("%Y%m%d")
    else:
        dt = datetime.datetime.fromisoformat(str(original["dateTime"]).replace("Z", "+00:00"))
        until_text = utc_stamp(dt - datetime.timedelta(seconds=1))
        split_key = utc_stamp(dt)
    old_lines: List[str] = []
    new_lines: List[str] = []
    for line in [str(x) for x in master.get("recurrence") or []]:
        upper = line.upper()
        if upper.startswith("RRULE:"):
            parts = _rule_parts(line)
            kept = [(k, v) for k, v in parts if k not in ("UNTIL", "COUNT")]
            count = next((int(v) for k, v in parts if k == "COUNT" and v.isdigit()), None)
            old_lines.append(
                "RRULE:" + ";".join(f"{k}={v}" for k, v in [*kept, ("UNTIL", until_text)])
            )
            new_parts = list(kept)
            if count is not None:
                new_parts.append(("COUNT", str(max(1, count - before_count))))
            else:
                new_parts.extend((k, v) for k, v in parts if k == "UNTIL")
            new_lines.append("RRULE:" + ";".join(f"{k}={v}" for k, v in new_parts))
        elif upper.startswith(("EXDATE", "RDATE")):
            name, _, values = line.partition(":")
            later = [v for v in values.split(",") if _date_key(v) >= split_key[: len(_date_key(v))]]
            earlier = [v for v in values.split(",") if v not in later]
            if earlier:
                old_lines.append(f"{name}:{','.join(earlier)}")
            if later:
                new_lines.append(f"{name}:{','.join(later)}")
        else:
            old_lines.append(line)
            new_lines.append(line)
    new_body = copy_for_insert(master, new_id)
    # the new series repeats at the occurrence's own slot, even when that occurrence was moved
    # (its move is carried over as an exception, see `carried_exceptions`)
    start, end = _slot(master, original)
    new_body["start"] = start or copy.deepcopy(instance.get("start") or master.get("start"))
    new_body["end"] = end or copy.deepcopy(instance.get("end") or master.get("end"))
    for key in ("start", "end"):  # the series' zone, so its wall times stay put
        zone = (master.get(key) or {}).get("timeZone")
        if zone and "dateTime" in new_body[key]:
            new_body[key]["timeZone"] = zone
    new_body["recurrence"] = new_lines
    return {"recurrence": old_lines}, new_body


def _date_key(value: str) -> str:
    return value.strip().replace("-", "").replace(":", "")


def _slot(master: Event, original: Dict[str, Any]) -> Tuple[Optional[Event], Optional[Event]]:
    """(start, end) of the series' occurrence that began at `original` (its
    originalStartTime) as the series makes it, unmoved; (None, None) when unreadable."""
    from gcal.core import expand

    m_start, m_end = master.get("start") or {}, master.get("end") or {}
    try:
        if "date" in original and "date" in m_start:
            day = datetime.date.fromisoformat(str(original["date"]))
            length = datetime.date.fromisoformat(str(m_end.get("date") or m_start["date"]))
            length_days = (length - datetime.date.fromisoformat(str(m_start["date"]))).days
            end_day = day + datetime.timedelta(days=max(length_days, 1))
            return {"date": day.isoformat()}, {"date": end_day.isoformat()}
        begin = expand.parse_instant(original.get("dateTime"))
        first = expand.parse_instant(m_start.get("dateTime"))
        last = expand.parse_instant(m_end.get("dateTime")) or first
    except (TypeError, ValueError, KeyError):
        return None, None
    if begin is None or first is None or last is None:
        return None, None
    zone = expand.zone_named(m_start.get("timeZone"))
    start: Event = {"dateTime": expand.format_instant(begin, zone or begin.tzinfo)}
    end: Event = {"dateTime": expand.format_instant(begin + (last - first), zone or begin.tzinfo)}
    for key, value in (("start", start), ("end", end)):
        name = (master.get(key) or {}).get("timeZone")
        if name:
            value["timeZone"] = name
    return start, end


#: an exception's fields that belong to the occurrence itself, never carried to another series
_NOT_CARRIED = frozenset(READ_ONLY_FIELDS) | {
    "id",
    "status",
    "start",
    "end",
    "recurrence",
    "conferenceData",
    "hangoutLink",
    "attendeesOmitted",
}


def carried_exceptions(
    master: Event,
    exceptions: Sequence[Event],
    new_series: Event,
    split: Dict[str, Any],
    zone: datetime.tzinfo,
    changed: Sequence[str] = (),
) -> List[Tuple[Event, Optional[str], Optional[Event]]]:
    """Where the exceptions of `master` from `split` (an originalStartTime) on go when the
    series is split there and `new_series` continues it (`gcal edit --following`), as Google
    Calendar carries them: (the exception, the id of the same occurrence in the new series,
    the patch that makes that occurrence like the exception; None: cancel it). The id is None
    when the new series has no such occurrence (its rule or its kind of day changed).

    The occurrence is the one the same shift in wall-clock time (or days) reaches as the split
    instance's; the patch holds what the exception changed from the series, but the fields the
    edit itself sets (`changed`, which apply to every later occurrence) and, when the edit
    changes the times, the exception's own move."""
    from gcal.core import expand

    key = expand.original_key(split)
    later = [
        e
        for e in exceptions
        if isinstance(e.get("originalStartTime"), dict)
        and _at_or_after(expand.original_key(e["originalStartTime"]), key)
    ]
    out: List[Tuple[Event, Optional[str], Optional[Event]]] = []
    same_kind = expand.is_all_day(master) == expand.is_all_day(new_series)
    for exception in sorted(later, key=lambda e: str(expand.original_key(e["originalStartTime"]))):
        target = (
            _shifted_id(master, new_series, split, exception["originalStartTime"], zone)
            if same_kind
            else None
        )
        if exception.get("status") == "cancelled":
            out.append((exception, target, None))
            continue
        patch: Event = {}
        for name in sorted(set(exception) | set(master)):
            if name in _NOT_CARRIED or name in changed:
                continue
            if exception.get(name) != master.get(name):
                patch[name] = copy.deepcopy(exception[name]) if name in exception else None
        if not ({"start", "end"} & set(changed)) and _moved(master, exception):
            patch["start"] = copy.deepcopy(exception.get("start"))
            patch["end"] = copy.deepcopy(exception.get("end"))
        out.append((exception, target, patch))
    return out


def _at_or_after(key: Any, split_key: Any) -> bool:
    if isinstance(key, int) and isinstance(split_key, int):
        return key >= split_key
    if isinstance(key, str) and isinstance(split_key, str):
        return key >= split_key
    return False


def _moved(master: Event, exception: Event) -> bool:
    """Whether an exception's times differ from its occurrence's own slot."""
    from gcal.core import expand

    start, end = _slot(master, exception.get("originalStartTime") or {})
    if start is None or end is None:
        return False
    for mine, slot in ((exception.get("start"), start), (exception.get("end"), end)):
        if not isinstance(mine, dict):
            return False
        if not expand.at_time(mine, slot):
            return True
    return False


def _shifted_id(
    master: Event,
    new_series: Event,
    split: Dict[str, Any],
    original: Dict[str, Any],
    zone: datetime.tzinfo,
) -> Optional[str]:
    """The id of the new series' occurrence that matches the old one at `original`: the same
    shift from the split instance to the new series' first start, in wall-clock time of the
    series' zones (in days for all-day series); None when the new series has none there."""
    from gcal.core import expand

    new_id = str(new_series.get("id") or "")
    all_day = expand.is_all_day(new_series)
    try:
        if all_day:
            first = datetime.date.fromisoformat(str(new_series["start"]["date"]))
            shift = first - datetime.date.fromisoformat(str(split["date"]))
            day = datetime.date.fromisoformat(str(original["date"])) + shift
            wanted = expand.instant({"date": day.isoformat()}, zone)
        else:
            old_zone = expand.series_zone(master, zone)
            new_zone = expand.series_zone(new_series, zone)
            at_split = expand.parse_instant(split.get("dateTime"))
            first_new = expand.parse_instant(new_series["start"].get("dateTime"))
            old_at = expand.parse_instant(original.get("dateTime"))
            if at_split is None or first_new is None or old_at is None:
                return None
            wall = old_at.astimezone(old_zone).replace(tzinfo=None) + (
                first_new.astimezone(new_zone).replace(tzinfo=None)
                - at_split.astimezone(old_zone).replace(tzinfo=None)
            )
            wanted = wall.replace(tzinfo=new_zone).astimezone(datetime.timezone.utc)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    if wanted is None:
        return None
    moment = wanted.timestamp()
    for start, _ in expand.occurrences(new_series, zone, (moment - 1, moment + 1)):
        if abs(start.timestamp() - moment) < 1:
            return expand.instance_id(new_id, start, all_day)
    return None
