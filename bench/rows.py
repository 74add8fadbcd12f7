"""The benchmark's rows (`build_rows`): each a command, how often it runs, what it is compared
with and what it needs first (a warm-up, a delay on every request, an empty store, changes made
through the API); and the rows an `--only` run keeps (`only`).

Separate from running and measuring them (`bench.measure`) and from the targets they are
judged by (`bench.targets`): adding a row is a change here alone.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from bench.server import calendar_id

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIG = 100_000  # from this size on, a row is run fewer times (see `repeats`)


@dataclass
class Row:
    """One line of the table: a command and what its figures are compared with."""

    name: str
    argv: List[str]
    ref: Optional[str] = None  # the name of the row this one is divided by
    repeats: int = 5
    listing: bool = False  # counts output lines as items
    warmup: Optional[List[str]] = None  # an untimed command run once before
    delay: float = 0.0  # the emulator holds every API request this long (its delay fault)
    # a cache folder of its own, emptied before every run (untimed): a store that starts empty
    fresh_cache: Optional[str] = None
    # run (untimed) before every timed run, with the row and its environment
    prepare: Optional[Callable[[Any, Dict[str, str]], None]] = None
    store_bytes: Optional[int] = None  # with fresh_cache: the size of the store it left
    walls: List[float] = field(default_factory=list)
    rss: List[int] = field(default_factory=list)  # KiB
    requests: List[int] = field(default_factory=list)
    items: List[int] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def peak_mb(self) -> float:
        return statistics.median(self.rss) / 1024


# The time grammar's cost as a process pays it: importing gcal.core.timespec and reading 900
# phrases of every kind (no natural-language package on the read path).
TIME_GRAMMAR = "time grammar, import + 900 phrases"
TIME_GRAMMAR_CODE = (
    "import datetime, zoneinfo, gcal.core.timespec as t; z = zoneinfo.ZoneInfo('Europe/Berlin'); "
    "n = datetime.datetime(2026, 12, 7, 12, tzinfo=z); "
    "[t.parse_when(p, tz=z, now=n) for p in ('fri 9am', 'dec 25', 'next week', '+1d', "
    "'tomorrow 14:00', '2024-06-01T09:00:00Z') * 150]"
)


def build_rows(
    sizes: Sequence[int],
    repeat: Optional[int],
    quick: bool,
    token: str,
    api: str,
    write_token: str = "",
):
    """The table's rows, in order."""
    gcal = str(Path(PYTHON).with_name("gcal"))
    small = repeat or (3 if quick else 5)
    big = repeat or 3
    rows = [
        Row("python -c pass", [PYTHON, "-c", "pass"], "python -c 'import click'", small),
        Row("python -c 'import click'", [PYTHON, "-c", "import click"], None, small),
        Row("gcal --version", [gcal, "--version"], "python -c 'import click'", small),
        Row("gcal --help", [gcal, "--help"], "python -c 'import click'", small),
        Row(TIME_GRAMMAR, [PYTHON, "-c", TIME_GRAMMAR_CODE], "python -c 'import click'", small),
        Row("gcal calendars", [gcal, "calendars"], "python -c 'import click'", small),
    ]
    rows.extend(agenda_rows(gcal, small, token, api))
    rows.extend(sync_rows(gcal, small, token, api))
    for size in sizes:
        n = big if size >= BIG else small
        cal = calendar_id(size)
        base = f"baseline ndjson {size:,}"
        rows.append(
            Row(
                base,
                [PYTHON, "-m", "bench.baseline", api, cal, token],
                None,
                n,
                listing=True,
                warmup=[gcal, "--format", "ndjson", "events", cal, "--limit", "1"],
            )
        )
        for fmt in ("ndjson", "table"):
            rows.append(
                Row(
                    f"gcal {fmt} {size:,}",
                    [gcal, "--format", fmt, "events", cal],
                    base,
                    n,
                    listing=fmt == "ndjson",
                    # the emulator builds a query's full result on its first page: not timed
                    warmup=[gcal, "--format", fmt, "events", cal, "--limit", "1"],
                )
            )
        rows.extend(store_rows(gcal, size, n, small))
        rows.extend(finding_rows(gcal, size, n, small, api, write_token))
        rows.append(
            Row(
                f"gcal export {size:,}",
                [gcal, "export", cal],
                base,
                n,  # warmed up by one untimed run of itself (the emulator caches the query)
            )
        )
    return rows


AGENDA_DELAY = 0.25  # seconds the emulator holds each request in the agenda rows
AGENDA_BASE = "agenda ideal (urllib, threads)"
AGENDA_ROW = "gcal agenda ndjson 8x40"


def agenda_rows(gcal: str, repeats: int, token: str, api: str) -> List[Row]:
    """8 calendars x 40 events in one week, every request held 250 ms: gcal's agenda against an
    ideal urllib script (the calendar list, then the 8 listings at once in threads)."""
    from bench.server import AGENDA_WEEK, ZONE

    time_min, time_max = _week(AGENDA_WEEK, ZONE)
    agenda = [gcal, "--format", "ndjson", "agenda", AGENDA_WEEK, "--days", "7", "--time-zone", ZONE]
    return [
        Row(
            AGENDA_BASE,
            [PYTHON, "-m", "bench.agenda_baseline", api, token, time_min, time_max],
            None,
            repeats,
            listing=True,
            warmup=agenda,
            delay=AGENDA_DELAY,
        ),
        Row(AGENDA_ROW, agenda, AGENDA_BASE, repeats, listing=True, delay=AGENDA_DELAY),
    ]


ONE_REQUEST = "one request (urllib)"
SYNC_NOTHING_NEW = "gcal sync 8 calendars, nothing new"
# One GET of the calendar list, the least a sync can cost: what "one round trip" means below.
_ONE_REQUEST_SCRIPT = (
    "import sys, urllib.request as u; "
    "r = u.Request(sys.argv[1] + 'users/me/calendarList', "
    "headers={'Authorization': 'Bearer ' + sys.argv[2]}); "
    "u.build_opener(u.ProxyHandler({})).open(r).read()"
)
OFFLINE_WEEK = "2021-03-01"  # a week the generated calendars of 10,000 events and more fill


def sync_rows(gcal: str, repeats: int, token: str, api: str) -> List[Row]:
    """`gcal sync` of the agenda's 8 calendars when nothing changed (each request held 250 ms,
    the store synced once before, untimed), against one bare request held as long."""
    sync = [gcal, "sync", "--quiet"]
    return [
        Row(
            ONE_REQUEST,
            [PYTHON, "-c", _ONE_REQUEST_SCRIPT, api, token],
            None,
            repeats,
            delay=AGENDA_DELAY,
        ),
        Row(SYNC_NOTHING_NEW, sync, ONE_REQUEST, repeats, warmup=sync, delay=AGENDA_DELAY),
    ]


def store_rows(gcal: str, size: int, n: int, small: int) -> List[Row]:
    """The store at `size` events: a full sync (against the ndjson listing of the same events),
    both the first one (into an empty store, as on first use) and one with --rebuild (which
    first deletes the copy the store holds), a sync with nothing new, and the answers from it
    (against `import click`)."""
    cal = calendar_id(size)
    click_row = "python -c 'import click'"
    return [
        Row(
            f"gcal sync first {size:,}",
            [gcal, "sync", "--quiet", "--calendar", cal],
            f"gcal ndjson {size:,}",
            n,
            fresh_cache=f"first-sync-{size}",
        ),
        Row(
            f"gcal sync --rebuild {size:,}",
            [gcal, "sync", "--rebuild", "--quiet", "--calendar", cal],
            f"gcal ndjson {size:,}",
            n,
        ),
        Row(
            f"gcal sync nothing new {size:,}",
            [gcal, "sync", "--quiet", "--calendar", cal],
            "gcal calendars",
            small,
        ),
        Row(
            f"gcal agenda --offline tsv {size:,}",
            [gcal, "--format", "tsv", "agenda", OFFLINE_WEEK, "--offline", "--calendar", cal],
            click_row,
            small,
            listing=True,
        ),
        Row(
            f"gcal next --offline {size:,}",
            [gcal, "next", "--offline", "--calendar", cal],
            click_row,
            small,
        ),
        # an offline listing of the whole calendar, streamed from the store: memory stays flat
        Row(
            f"gcal events --offline json {size:,}",
            [gcal, "--format", "json", "events", cal, "--offline"],
            f"gcal ndjson {size:,}",
            small,
        ),
        Row(
            f"gcal events --offline json startTime {size:,}",
            [
                gcal,
                "--format",
                "json",
                "events",
                cal,
                "--offline",
                "--single-events",
                "--order-by",
                "startTime",
            ],
            f"gcal ndjson {size:,}",
            small,
        ),
        # the people's views from the store, into a pipe: the agenda's table (a pipe's default
        # is tsv, so asked for) and the month grid
        Row(
            f"gcal agenda --offline table {size:,}",
            [gcal, "--format", "table", "agenda", OFFLINE_WEEK, "--offline", "--calendar", cal],
            click_row,
            small,
        ),
        Row(
            f"gcal month --offline {size:,}",
            [gcal, "month", OFFLINE_WEEK[:7], "--offline", "--calendar", cal],
            click_row,
            small,
        ),
        # an assistant's question: from starting `gcal mcp` to its answer of one agenda call,
        # beside the command line's answer of the same question in ndjson (its rows)
        *mcp_rows(gcal, size, small),
        # a status bar's question every few seconds: the store just synced, so nothing is asked
        Row(
            f"gcal next --format waybar --cached {size:,}",
            [gcal, "next", "--format", "waybar", "--cached", "--max-age", "1h", "--calendar", cal],
            click_row,
            small,
        ),
    ]


MCP_ROW = "gcal mcp: start + one agenda call"


def mcp_available() -> bool:
    """Whether the MCP SDK (gcal[mcp], Python 3.10 or newer) is installed."""
    import importlib.util

    return importlib.util.find_spec("mcp") is not None


def mcp_rows(gcal: str, size: int, small: int) -> List[Row]:
    """`gcal mcp` started, initialized and asked one agenda of OFFLINE_WEEK (bench/mcp_agenda.py,
    a stdlib client that stops the server at the answer), against `gcal agenda --offline` of
    the same question with --format ndjson (the same rows); none without the MCP SDK."""
    if not mcp_available():
        return []
    cal = calendar_id(size)
    cli = f"gcal agenda --offline ndjson {size:,}"
    client = str(REPO / "bench" / "mcp_agenda.py")
    return [
        Row(
            cli,
            [gcal, "--format", "ndjson", "agenda", OFFLINE_WEEK, "--offline", "--calendar", cal],
            "python -c 'import click'",
            small,
            listing=True,
        ),
        Row(f"{MCP_ROW} {size:,}", [PYTHON, client, gcal, OFFLINE_WEEK, cal], cli, small, True),
    ]


# The search index's cost: the same first sync with the index turned off (a switch of the
# store's sync module that only the benchmark uses)
NO_INDEX_CODE = (
    "import sys, gcal.store.sync as s; s.INDEX = False; "
    "from gcal.cli.app import main; sys.exit(main(sys.argv[1:]))"
)
#: a word in one generated title in eight ("Review 17", ...) and one in a single title
COMMON_WORD, RARE_WORD = "review", "77777"
CHANGES = 1000  # events changed between two syncs for the `gcal changes` row
CHANGES_AFTER = "gcal changes after an incremental sync of 1,000 changes"


def finding_rows(gcal: str, size: int, n: int, small: int, api: str, write_token: str) -> List[Row]:
    """`gcal search` (a common and a rare word), `gcal conflicts` over a month and `gcal
    changes` after an incremental sync that brought 1,000 changes, all from the store of
    `size` events (against `import click`); and the first sync without the search index,
    whose time and store size the first sync's are compared with."""
    cal = calendar_id(size)
    click_row = "python -c 'import click'"
    month = ["2021-03-01", "2021-03-31"]
    rows = [
        Row(
            f"gcal sync first, no index {size:,}",
            [PYTHON, "-c", NO_INDEX_CODE, "sync", "--quiet", "--calendar", cal],
            f"gcal ndjson {size:,}",
            n,
            fresh_cache=f"first-sync-noindex-{size}",
        ),
        Row(
            f"gcal search common word {size:,}",
            [gcal, "--format", "tsv", "search", COMMON_WORD, "--offline", "--calendar", cal],
            click_row,
            small,
            listing=True,
        ),
        Row(
            f"gcal search rare word {size:,}",
            [gcal, "--format", "tsv", "search", RARE_WORD, "--offline", "--calendar", cal],
            click_row,
            small,
            listing=True,
        ),
        Row(
            f"gcal conflicts a month {size:,}",
            [gcal, "--format", "tsv", "conflicts", *month, "--offline", "--calendar", cal],
            click_row,
            small,
        ),
    ]
    if write_token:
        rows.append(
            Row(
                f"{CHANGES_AFTER} {size:,}",
                [gcal, "--format", "tsv", "changes", "--calendar", cal],
                click_row,
                small,
                listing=True,
                prepare=_changes_prepare(gcal, cal, size, api, write_token),
            )
        )
    return rows


def _changes_prepare(
    gcal: str, cal: str, size: int, api: str, token: str
) -> Callable[[Row, Dict[str, str]], None]:
    """Before each run: change 1,000 events through the API (half renamed, half moved by half
    an hour), sync them in (untimed), and point the row's --since at the moment before."""
    from concurrent.futures import ThreadPoolExecutor
    from datetime import datetime, timedelta, timezone

    rounds = [0]

    def patch(n: int) -> None:
        eid = f"bench{n:07d}"
        url = f"{api}calendars/{cal}/events/{eid}"
        if n % 2:
            body: Dict[str, Any] = {"summary": f"Renamed {n} round {rounds[0]}"}
        else:
            day, slot = divmod(n, 8)
            start = datetime(2020, 1, 6, 8 + slot, tzinfo=timezone.utc) + timedelta(
                days=day, minutes=30 if rounds[0] % 2 == 0 else 0
            )
            body = {
                "start": {"dateTime": start.isoformat()},
                "end": {"dateTime": (start + timedelta(minutes=50)).isoformat()},
            }
        request = urllib.request.Request(
            url,
            data=json.dumps(body).encode(),
            method="PATCH",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=60) as response:
            response.read()

    def prepare(row: Row, env: Dict[str, str]) -> None:
        sync = [gcal, "sync", "--quiet", "--calendar", cal]
        subprocess.run(sync, env=env, check=True, stdout=subprocess.DEVNULL)
        rounds[0] += 1
        step = max(1, size // CHANGES)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(patch, range(0, min(size, CHANGES * step), step)))
        since = datetime.now(timezone.utc).isoformat(timespec="seconds")
        subprocess.run(sync, env=env, check=True, stdout=subprocess.DEVNULL)
        row.argv = [*row.argv[: row.argv.index("changes") + 1], "--since", since, "--calendar", cal]

    return prepare


def _week(monday: str, zone: str) -> Tuple[str, str]:
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    start = datetime.combine(date.fromisoformat(monday), time(0), tzinfo=tz)
    end = datetime.combine(start.date() + timedelta(days=7), time(0), tzinfo=tz)
    return start.isoformat(), end.isoformat()


def only(rows: List[Row], words: Sequence[str]) -> List[Row]:
    """The rows whose name has one of `words`, with the rows they are compared with (and the
    full sync a store row reads, which fills the store), in their order."""
    by_name = {row.name: row for row in rows}
    wanted = {row.name for row in rows if any(w in row.name for w in words)}
    for name in list(wanted):
        ref = by_name[name].ref
        while ref and ref not in wanted:
            wanted.add(ref)
            ref = by_name[ref].ref
    sizes = _sizes(rows)
    for row in rows:  # a store row needs the store of its size: a sync fills it
        size = row.name.rsplit(" ", 1)[-1]
        if row.name in wanted and size in sizes:
            for needed in (
                "gcal sync first",
                "gcal sync --rebuild",
                "gcal ndjson",
                "baseline ndjson",
            ):
                if f"{needed} {size}" in by_name:
                    wanted.add(f"{needed} {size}")
    return [row for row in rows if row.name in wanted]


def _sizes(rows: List[Row]) -> List[str]:
    first = "gcal sync first "
    return sorted({row.name[len(first) :] for row in rows if row.name.startswith(first)})
