"""`gcal.lazyre.LazyPattern`: a pattern compiled on first use, otherwise `re.compile`'s."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys

from gcal.core import timespec
from gcal.lazyre import LazyPattern


def test_compiles_on_first_use_and_answers_as_the_compiled_pattern() -> None:
    lazy = LazyPattern(r"(?P<n>[0-9]+)d", re.ASCII)
    assert lazy._compiled is None
    assert lazy.fullmatch("12d")["n"] == "12"
    assert lazy.compiled is lazy._compiled is not None
    assert lazy.compiled is lazy.compiled  # compiled once
    assert lazy.sub("N", "1d 2d") == re.compile(r"(?P<n>[0-9]+)d", re.ASCII).sub("N", "1d 2d")
    assert [m.group() for m in lazy.finditer("1d x 22d")] == ["1d", "22d"]
    assert lazy.fullmatch("x") is None


def test_importing_the_time_grammar_and_the_log_scrubber_compiles_no_pattern() -> None:
    code = (
        "import sys, gcal.core.timespec as t, gcal.logs as l\n"
        "from gcal.core import daywords, rfc3339, timeoffset\n"
        "from gcal.lazyre import LazyPattern\n"
        "grammar = (t, daywords, rfc3339, timeoffset, l)\n"
        "lazy = {id(v): v for m in grammar for v in vars(m).values()\n"
        "        if isinstance(v, LazyPattern)}\n"
        "lazy = list(lazy.values())\n"
        "lazy += [p for p, _ in l._PATTERNS]\n"
        "assert len(lazy) >= 18, len(lazy)\n"
        "assert not [p.pattern for p in lazy if p._compiled], 'compiled at import'\n"
        "t.parse_when('2021-03-01', tz=t.resolve_zone('UTC'))\n"
        "assert t._CLOCK_12_RE._compiled is None  # a date needs no 12-hour clock\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_the_offsets_still_read_after_the_change() -> None:
    utc = timespec.resolve_zone("UTC")
    now = datetime.datetime(2026, 12, 7, 12, tzinfo=utc)

    def when(text: str) -> datetime.datetime:
        return timespec.parse_when(text, tz=utc, now=now).moment

    assert when("+1d") == when("in 1d") == now + datetime.timedelta(days=1)
    assert when("2d ago") == when("-2d") == now - datetime.timedelta(days=2)
