"""`gcal edit --following`: change one occurrence of a series and every later one, by ending the
series before it and starting a new one, with the old series' changed and cancelled occurrences
carried over to the new one.

Separate from `gcal.commands.writes` because it is the one edit that sends several requests
(the old series' end, the new series, each carried exception) and reads the series to plan them.
"""

from __future__ import annotations

import datetime
import os
from typing import Any, Optional, Sequence

from gcal.commands.writer import Event, Writer, gone, if_applied, series_exceptions
from gcal.core import writes as core
from gcal.core.sanitize import one_line
from gcal.core.seriessplit import carried_exceptions, split_series
from gcal.errors import UsageError


def edit_following(
    writer: Writer, cal: str, instance: Event, changes: core.Changes, zone: datetime.tzinfo
) -> Optional[Event]:
    """Change an instance and every later one: end the series before it, start a new one."""
    from gcal.core import expand
    from gcal.google.writes import Write

    series_id = instance.get("recurringEventId")
    if not series_id or not instance.get("originalStartTime"):
        raise UsageError("--following needs the id of one occurrence of a repeating event")
    master = writer.get(cal, str(series_id))
    original = instance["originalStartTime"]
    split = expand.instant(original, zone)
    kept = before_count = 0
    if split is not None:
        before = (None, split.timestamp() - 0.5)
        kept = sum(1 for _ in expand.occurrences(master, zone, before))
        # COUNT counts what the rule makes, the EXDATEs among them (RFC 5545)
        rules_only = dict(
            master,
            recurrence=[
                x for x in master.get("recurrence") or [] if str(x).upper().startswith("RRULE")
            ],
        )
        before_count = sum(1 for _ in expand.occurrences(rules_only, zone, before))
    if kept == 0:
        raise UsageError(
            "--following on the first occurrence changes the whole series: edit the series id "
            f"{series_id} instead"
        )
    exceptions = series_exceptions(writer, cal, master)
    new_id = core.new_event_id(os.urandom(16))
    old_patch, new_body = split_series(master, instance, new_id, before_count=before_count)
    edits = core.patch_body(new_body, changes, zone)
    new_body.update(edits)
    carried = carried_exceptions(master, exceptions, new_body, original, zone, list(edits))
    old_etag = master.get("etag")
    writer.send(
        "patch",
        Write("patch", writer.params(cal, eventId=str(series_id)), old_patch, etag=old_etag),
        event_id=str(series_id),
        before=master,
        verify=lambda: if_applied(old_patch, writer.get_or_none(cal, str(series_id))),
    )
    answer = writer.send(
        "insert",
        Write("insert", writer.params(cal), new_body),
        event_id=new_id,
        verify=lambda: if_applied(new_body, writer.get_or_none(cal, new_id)),
    )
    left = _carry(writer, cal, carried)
    if answer is None:
        return None
    writer.refresh_store()
    extra = f"(a new series; {one_line(str(series_id))} now ends before it"
    moved = sum(1 for _, target, _ in carried if target is not None)
    if moved:
        plural = "s" if moved != 1 else ""
        extra += f"; {moved} changed or cancelled occurrence{plural} carried over"
    if left:
        from gcal import logs

        logs.warn(
            f"{left} changed occurrence{'s' if left != 1 else ''} of the old series "
            f"{'have' if left != 1 else 'has'} no match in the new one and stayed as "
            f"{'they were' if left != 1 else 'it was'}"
        )
    writer.report("changed from this occurrence on", answer, cal, extra + ")")
    return answer


def _carry(writer: Writer, cal: str, carried: Sequence[Any]) -> int:
    """Move the old series' exceptions after a split to the new series (see
    `gcal.core.seriessplit.carried_exceptions`): the new occurrence is changed (or cancelled)
    as the old one was, then the old one is deleted. The number left where they were (no match)."""
    from gcal.google.writes import Write

    left = 0
    for exception, target, patch in carried:
        if target is None:
            left += exception.get("status") != "cancelled"
            continue
        if patch is None:
            writer.send(
                "delete",
                Write("delete", writer.params(cal, eventId=target)),
                event_id=target,
                verify=lambda t=target: gone(writer, cal, t),
            )
            continue
        if patch:
            writer.send(
                "patch",
                Write("patch", writer.params(cal, eventId=target), patch),
                event_id=target,
                verify=lambda t=target, p=patch: if_applied(p, writer.get_or_none(cal, t)),
            )
        old_id = str(exception["id"])
        writer.send(
            "delete",
            Write("delete", writer.params(cal, eventId=old_id), etag=exception.get("etag")),
            event_id=old_id,
            before=exception,
            verify=lambda t=old_id: gone(writer, cal, t),
        )
    return left
