"""Property: whatever sequence of add/edit/delete/rsvp/undo gcal runs, the store it keeps up to
date after each write answers the agenda exactly as the API does (`gcal agenda --offline` equals
the live `gcal agenda`), with no full resync in between.

Bounded (a few short sequences, the same ones on every run; GCAL_WRITE_RANDOM=1 hunts afresh),
each against a fresh emulator and store.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import List, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcal.emulator import Emulator
from store_support import Account

EXISTING = ["dentist", "budgetreview", "allhands", "weeklysync"]
AGENDA = ["agenda", "--days", "10", "--format", "ndjson"]

Step = Tuple[str, ...]


@st.composite
def steps(draw) -> Step:
    kind = draw(st.sampled_from(["add", "edit", "delete", "rsvp", "undo"]))
    if kind == "add":
        day, hour = draw(st.integers(0, 6)), draw(st.integers(7, 19))
        return ("add", f"Drawn {day}-{hour}", "--start", f"+{day}d", "--duration", f"{hour}m")
    if kind == "edit":
        target = draw(st.sampled_from([*EXISTING, "@added"]))
        change = draw(
            st.sampled_from(
                [
                    ("--title", "Renamed"),
                    ("--location", "Room 9"),
                    ("--start", "+2d"),
                    ("--duration", "2h"),
                    ("--no-reminders",),
                ]
            )
        )
        return ("edit", "primary", target, *change)
    if kind == "delete":
        return ("delete", "primary", draw(st.sampled_from([*EXISTING, "@added"])), "--yes")
    if kind == "rsvp":
        return ("rsvp", "primary", "allhands", draw(st.sampled_from(["yes", "no", "maybe"])))
    return ("undo",)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=not os.environ.get("GCAL_WRITE_RANDOM"),
)
@given(st.lists(steps(), min_size=2, max_size=5))
def test_offline_agenda_equals_live_after_every_write(sequence: List[Step]) -> None:
    with Emulator() as emu, tempfile.TemporaryDirectory() as folder:
        acct = Account(emu, Path(folder), write=True)
        assert acct.gcal("sync").code == 0
        added: List[str] = []
        for step in sequence:
            args = list(step)
            if "@added" in args:
                if not added:
                    continue
                args[args.index("@added")] = added[-1]
            result = acct.gcal(*args, "--format", "json") if args[0] == "add" else acct.gcal(*args)
            assert result.code in (0, 2, 4, 6), (args, result)
            if args[0] == "add" and result.code == 0:
                import json

                added.append(json.loads(result.out)["id"])
            live = acct.gcal(*AGENDA)
            offline = acct.gcal(*AGENDA, "--offline")
            assert live.code == offline.code == 0, (live, offline)
            assert offline.out.splitlines() == live.out.splitlines(), (sequence, args)
