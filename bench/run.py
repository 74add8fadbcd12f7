"""`python -m bench`: whole-process figures for gcal against the emulator, side by side.

Every figure is of a fresh process, as a user or a status bar pays it: wall time from spawn to
exit, the peak resident set size of that process (``ru_maxrss`` from ``os.wait4``, so nothing
but the measured process counts), and the HTTP requests the emulator received for it. The
emulator runs in a separate process (`bench.server`) with one generated calendar per size;
its request log is reset before each run. Each row shows the median of its runs and a ratio to
its reference: ``python -c "import click"`` for start-up, the raw urllib loop
(`bench.baseline`) of the same size for listings. The machine is noisy; compare ratios measured
in one run, never figures across runs.

Every process runs with bytecode caches, as an installed gcal has them (see `measured_env`):
without them each run would also pay for compiling gcal's own modules, which no user does.

    python -m bench                    # 1,000 / 10,000 / 100,000 events (about a minute)
    python -m bench --quick            # 1,000 / 10,000 events, fewer runs
    python -m bench --sizes 200 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

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


# A tiny measuring parent: `python -I -S -c WRAPPER RESULT_FILE ARGV...`. A forked child's peak
# RSS includes what it inherited before exec, so the parent must be smaller than anything
# measured; this one (no site, no imports beyond os/sys/time) is.
WRAPPER = """\
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
with open(sys.argv[1], "w") as result:
    result.write(f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def spawn_measured(
    argv: Sequence[str], env: Dict[str, str], stdout: Path
) -> Tuple[float, int, int]:
    """Run `argv` to completion; (wall seconds, peak RSS in KiB, exit code).

    The figures come from `WRAPPER`, which forks and execs `argv` and reads its rusage with
    `os.wait4`: only that process counts, never the benchmark's own memory.
    """
    result = stdout.with_suffix(".rusage")
    with open(stdout, "wb") as out, open(stdout.with_suffix(".err"), "wb") as err:
        subprocess.run(
            [PYTHON, "-I", "-S", "-c", WRAPPER, str(result), *argv],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            check=False,
        )
    wall, rss, code = result.read_text().split()
    return float(wall), int(rss), int(code)


class Emulator:
    """The `bench.server` process: started with the sizes, stopped by closing its stdin."""

    def __init__(self, sizes: Sequence[int], workdir: Path, env: Dict[str, str]) -> None:
        self.secrets = workdir / "client_secrets.json"
        self.proc = subprocess.Popen(
            [
                *(PYTHON, "-m", "bench.server"),
                *("--sizes", ",".join(map(str, sizes))),
                *("--client-secrets-out", str(self.secrets)),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=REPO,
            text=True,
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.startswith("READY "):
            self.stop()
            raise SystemExit(f"bench: the emulator did not start ({line.strip()!r})")
        self.base_url = line.split()[1]
        self.api_endpoint = self.base_url + "calendar/v3/"

    def _call(self, method: str, path: str) -> bytes:
        request = urllib.request.Request(self.base_url + path, method=method, data=b"")
        if method == "GET":
            request = urllib.request.Request(self.base_url + path)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def reset(self) -> None:
        """Forget logged requests (and injected faults; the data and its caches stay)."""
        self._call("POST", "_emulator/reset")

    def delay_all(self, seconds: float) -> None:
        """Hold every API request `seconds` (until the next reset), as a far server would."""
        body = json.dumps({"delay": seconds, "count": 1_000_000}).encode()
        request = urllib.request.Request(
            self.base_url + "_emulator/faults",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def request_count(self) -> int:
        return len(json.loads(self._call("GET", "_emulator/requests")))

    def stop(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


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


def run_rows(rows: List[Row], emu: Emulator, env: Dict[str, str], workdir: Path) -> None:
    out = workdir / "out.txt"
    for row in rows:
        row_env = env
        if row.fresh_cache:
            cache = workdir / row.fresh_cache
            row_env = {**env, "GCAL_CACHE_DIR": str(cache)}
            shutil.rmtree(cache, ignore_errors=True)
        spawn_measured(row.warmup or row.argv, row_env, out)
        for _ in range(row.repeats):
            if row.fresh_cache:
                shutil.rmtree(workdir / row.fresh_cache, ignore_errors=True)
            if row.prepare is not None:
                row.prepare(row, row_env)
            emu.reset()
            if row.delay:
                emu.delay_all(row.delay)
            wall, rss, code = spawn_measured(row.argv, row_env, out)
            if code != 0:
                err = out.with_suffix(".err").read_text(errors="replace").strip()
                raise SystemExit(f"bench: {row.name!r} exited with {code}: {err[-500:]}")
            row.walls.append(wall)
            row.rss.append(rss)
            row.requests.append(emu.request_count())
            if row.listing:
                with open(out, "rb") as handle:
                    row.items.append(sum(1 for _ in handle))
        if row.fresh_cache:
            row.store_bytes = store_size(workdir / row.fresh_cache)
        print(f"  {row.name}: {row.wall * 1000:.0f} ms", file=sys.stderr, flush=True)
    out.unlink(missing_ok=True)


def store_size(cache: Path) -> Optional[int]:
    """Bytes of the store a sync left in `cache`, its write-ahead log folded in first."""
    import sqlite3

    files = sorted((cache / "store").glob("*.sqlite3"))
    if not files:
        return None
    conn = sqlite3.connect(str(files[0]))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return files[0].stat().st_size


def table(rows: List[Row]) -> str:
    """The figures as a Markdown table (pasted as is into the README)."""
    by_name = {row.name: row for row in rows}
    lines = [
        "| command | runs | wall ms | × ref | peak RSS MB | × ref | requests | items |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        ref = by_name.get(row.ref or "")
        ratio = f"{row.wall / ref.wall:.2f}" if ref else ""
        mem = f"{row.peak_mb / ref.peak_mb:.2f}" if ref else ""
        items = str(max(row.items)) if row.items else ""
        lines.append(
            f"| {row.name} | {len(row.walls)} | {row.wall * 1000:.0f} | {ratio} "
            f"| {row.peak_mb:.1f} | {mem} | {max(row.requests)} | {items} |"
        )
    return "\n".join(lines)


TARGET_EVENTS = 100_000


def targets(rows: List[Row], sizes: Sequence[int]) -> List[str]:
    """The issue's targets, each with its measured figure (reported, never asserted)."""
    by_name = {row.name: row for row in rows}
    largest = max(sizes)
    out = []

    def verdict(ok: bool) -> str:
        return "holds" if ok else "MISSED"

    def listing_verdict(ok: bool) -> str:
        # The listing targets are set at 100,000 events, where start-up no longer dominates;
        # at fewer events the figure is shown for information only.
        return verdict(ok) if largest >= TARGET_EVENTS else "(target is set at 100,000 events)"

    version = by_name["gcal --version"].wall / by_name["python -c 'import click'"].wall
    out.append(
        f"gcal --version / import click: {version:.2f}x (target <= 1.5x): {verdict(version <= 1.5)}"
    )
    agenda, ideal = by_name.get(AGENDA_ROW), by_name.get(AGENDA_BASE)
    if agenda and ideal:
        ratio = agenda.wall / ideal.wall
        wanted = 1 + 8  # one calendarList request, one events request per calendar
        requests = max(agenda.requests)
        out.append(
            f"agenda 8 calendars x 40 events, {AGENDA_DELAY * 1000:.0f} ms a request / ideal: "
            f"{ratio:.2f}x (target <= 1.5x): {verdict(ratio <= 1.5)}; requests {requests} "
            f"(target {wanted}): {verdict(requests == wanted)}"
        )
    nd = by_name[f"gcal ndjson {largest:,}"]
    base = by_name[f"baseline ndjson {largest:,}"]
    ratio = nd.wall / base.wall
    out.append(
        f"ndjson {largest:,} events / baseline: {ratio:.2f}x (target <= 1.5x): "
        f"{listing_verdict(ratio <= 1.5)}"
    )
    out.append(
        f"ndjson {largest:,} events peak RSS: {nd.peak_mb:.1f} MB (target < 120 MB): "
        f"{listing_verdict(nd.peak_mb < 120)}"
    )
    smallest = min(sizes)
    if smallest != largest:
        growth = nd.peak_mb / by_name[f"gcal ndjson {smallest:,}"].peak_mb
        out.append(
            f"ndjson peak RSS {largest:,} / {smallest:,} events: {growth:.2f}x "
            f"(target <= 1.3x): {listing_verdict(growth <= 1.3)}"
        )
        # The export holds one page and the series masters, never every event: its memory
        # must not grow with the count (issue: a 10,000-event export).
        big = by_name[f"gcal export {largest:,}"].peak_mb
        growth = big / by_name[f"gcal export {smallest:,}"].peak_mb
        out.append(
            f"export peak RSS {largest:,} / {smallest:,} events: {growth:.2f}x "
            f"(target <= 1.3x): {verdict(growth <= 1.3)}"
        )
    out.extend(store_targets(by_name, largest, listing_verdict, verdict))
    out.extend(writer_targets(by_name, sizes, verdict))
    return out


EXPORT_TARGET_SIZES = (10_000, 100_000)


def writer_targets(by_name: Dict[str, Row], sizes: Sequence[int], verdict) -> List[str]:
    """The writers against the ndjson listing of the same events, in the same run: the
    iCalendar export (<= 2x, at 10,000 and 100,000 events) and the table into a pipe (<= 1.3x,
    at 100,000), and the offline views against `import click`."""
    out = []
    largest = max(sizes)
    for size in sizes:
        export, listing = by_name[f"gcal export {size:,}"], by_name[f"gcal ndjson {size:,}"]
        ratio = export.wall / listing.wall
        judged = verdict(ratio <= 2.0) if size in EXPORT_TARGET_SIZES else "(for information)"
        out.append(
            f"gcal export {size:,} events / ndjson listing: {ratio:.2f}x (target <= 2x): {judged}"
        )
    table, listing = by_name[f"gcal table {largest:,}"], by_name[f"gcal ndjson {largest:,}"]
    ratio = table.wall / listing.wall
    judged = verdict(ratio <= 1.3) if largest >= TARGET_EVENTS else "(target set at 100,000)"
    out.append(
        f"gcal table {largest:,} events to a pipe / ndjson listing: {ratio:.2f}x "
        f"(target <= 1.3x): {judged}"
    )
    click_row = by_name["python -c 'import click'"]
    for name, target in (("month --offline", 2.5), ("agenda --offline table", 2.0)):
        row = by_name[f"gcal {name} {largest:,}"]
        ratio = row.wall / click_row.wall
        out.append(
            f"gcal {name} over {largest:,} events / import click: {ratio:.2f}x "
            f"(target <= {target}x): {verdict(ratio <= target)}"
        )
    return out


def store_targets(by_name: Dict[str, Row], largest: int, listing_verdict, verdict) -> List[str]:
    """The local store's targets: full sync, a sync with nothing new, answers from the store."""
    out = []
    full, listing = by_name[f"gcal sync first {largest:,}"], by_name[f"gcal ndjson {largest:,}"]
    ratio = full.wall / listing.wall
    out.append(
        f"first sync of {largest:,} events / ndjson listing: {ratio:.2f}x (target <= 1.5x): "
        f"{listing_verdict(ratio <= 1.5)}"
    )
    rebuild = by_name[f"gcal sync --rebuild {largest:,}"]
    ratio = rebuild.wall / listing.wall
    out.append(
        f"sync --rebuild of {largest:,} events (deletes the old copy first) / ndjson listing: "
        f"{ratio:.2f}x (target <= 1.5x): {listing_verdict(ratio <= 1.5)}"
    )
    out.append(
        f"sync of {largest:,} events peak RSS: {full.peak_mb:.1f} MB (target < 150 MB): "
        f"{listing_verdict(full.peak_mb < 150)}"
    )
    for name in ("events --offline json", "events --offline json startTime"):
        row = by_name[f"gcal {name} {largest:,}"]
        out.append(
            f"gcal {name} over {largest:,} events peak RSS: {row.peak_mb:.1f} MB "
            f"(target < 120 MB, as the live listing): {listing_verdict(row.peak_mb < 120)}"
        )
    nothing, one = by_name.get(SYNC_NOTHING_NEW), by_name.get(ONE_REQUEST)
    if nothing and one:
        ratio = nothing.wall / one.wall
        out.append(
            f"sync of 8 calendars with nothing new / one request, {AGENDA_DELAY * 1000:.0f} ms "
            f"a request: {ratio:.2f}x (target <= 1.5x): {verdict(ratio <= 1.5)}; "
            f"{max(nothing.requests)} requests (8 events listings and the calendar list)"
        )
    out.extend(finding_targets(by_name, largest, listing_verdict, verdict))
    click_row = by_name["python -c 'import click'"]
    for name, target in (
        ("agenda --offline tsv", 3.0),
        ("next --offline", 2.5),
        ("next --format waybar --cached", 2.5),
    ):
        row = by_name[f"gcal {name} {largest:,}"]
        ratio = row.wall / click_row.wall
        out.append(
            f"gcal {name} over {largest:,} events / import click: {ratio:.2f}x "
            f"(target <= {target}x): {verdict(ratio <= target)}; {max(row.requests)} requests"
        )
    cli_row = by_name.get(f"gcal agenda --offline ndjson {largest:,}")
    mcp_row = by_name.get(f"{MCP_ROW} {largest:,}")
    if cli_row and mcp_row:
        ratio = mcp_row.wall / cli_row.wall
        out.append(
            f"gcal mcp start + one agenda over {largest:,} events / gcal agenda --offline ndjson:"
            f" {ratio:.2f}x (target <= 3x): {verdict(ratio <= 3.0)}; {max(mcp_row.requests)} "
            "requests"
        )
    return out


def finding_targets(by_name: Dict[str, Row], largest: int, listing_verdict, verdict) -> List[str]:
    """search, conflicts and changes from the store; what the search index costs."""
    out = []
    click_row = by_name.get("python -c 'import click'")
    for name, target in (
        ("search common word", 3.0),
        ("search rare word", 3.0),
        ("conflicts a month", 3.0),
        (CHANGES_AFTER[len("gcal ") :], None),
    ):
        row = by_name.get(f"gcal {name} {largest:,}")
        if row is None or click_row is None:
            continue
        ratio = row.wall / click_row.wall
        goal = f"(target <= {target}x): {verdict(ratio <= target)}" if target else "(reported)"
        out.append(f"gcal {name} over {largest:,} events / import click: {ratio:.2f}x {goal}")
    full = by_name.get(f"gcal sync first {largest:,}")
    bare = by_name.get(f"gcal sync first, no index {largest:,}")
    if full and bare:
        ratio = full.wall / bare.wall
        out.append(
            f"first sync of {largest:,} events with the search index / without: {ratio:.2f}x "
            f"(target <= 1.3x): {listing_verdict(ratio <= 1.3)}"
        )
        if full.store_bytes and bare.store_bytes:
            ratio = full.store_bytes / bare.store_bytes
            out.append(
                f"store of {largest:,} events with the search index / without: {ratio:.2f}x "
                f"({full.store_bytes / 1e6:.1f} MB / {bare.store_bytes / 1e6:.1f} MB; "
                f"target <= 1.5x): {listing_verdict(ratio <= 1.5)}"
            )
    return out


def measured_env(environ: Mapping[str, str], workdir: Path) -> Dict[str, str]:
    """The environment of every process the bench starts, references and gcal alike.

    No GCAL_ setting leaks in from the caller. Bytecode is cached as an installed package has
    it: `pip install` writes .pyc files, so a user's `gcal` does not compile its modules on
    each start, but an environment with PYTHONDONTWRITEBYTECODE (this one may have it) would
    recompile gcal's own modules in every measured run, about 50 ms that no user pays, while
    `import click` reads its installed .pyc files. The caches go to a folder of the bench's
    temporary directory (PYTHONPYCACHEPREFIX), never into the repository; every row's untimed
    first run fills them, for the reference rows as for gcal's.
    """
    env = {k: v for k, v in environ.items() if not k.startswith("GCAL_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    return env


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 events, 3 runs")
    parser.add_argument("--sizes", help="comma-separated event counts (default 1000,10000,100000)")
    parser.add_argument("--repeat", type=int, help="runs per row (default 5; 3 from 100,000)")
    parser.add_argument(
        "--only",
        help="comma-separated words: only the rows whose name has one (and their references); "
        "the machine is shared, so measure what changed",
    )
    args = parser.parse_args(argv)
    if args.sizes:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    else:
        sizes = [1000, 10000] if args.quick else [1000, 10000, 100000]
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs positive event counts")

    with tempfile.TemporaryDirectory(prefix="gcal-bench-") as tmp:
        workdir = Path(tmp)
        env = measured_env(os.environ, workdir)
        print(
            f"bench: starting the emulator with {', '.join(map(str, sizes))} events",
            file=sys.stderr,
        )
        started = time.perf_counter()
        emu = Emulator(sizes, workdir, env)
        try:
            print(
                f"bench: emulator ready in {time.perf_counter() - started:.1f}s at {emu.base_url}",
                file=sys.stderr,
            )
            from gcal.google.auth import demo_login
            from gcal.settings import Settings

            credentials = workdir / "calendar.dat"
            demo_login(emu.secrets, credentials, Settings())
            token = json.loads(credentials.read_text())["access_token"]
            writer = workdir / "writer.dat"  # the changes row edits events through the API
            demo_login(emu.secrets, writer, Settings(), write=True)
            write_token = json.loads(writer.read_text())["access_token"]
            env.update(
                GCAL_CLIENT_SECRETS=str(emu.secrets),
                GCAL_CREDENTIALS=str(credentials),
                GCAL_API_ENDPOINT=emu.api_endpoint,
                GCAL_CONFIG_DIR=str(workdir / "config"),
                GCAL_CACHE_DIR=str(workdir / "cache"),
            )
            rows = build_rows(sizes, args.repeat, args.quick, token, emu.api_endpoint, write_token)
            if args.only:
                rows = only(rows, [w.strip() for w in args.only.split(",") if w.strip()])
            run_rows(rows, emu, env, workdir)
        finally:
            emu.stop()
    print(table(rows))
    print()
    lines = finding_only(rows, sizes) if args.only else targets(rows, sizes)
    for line in lines:
        print(line)
    return 0


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


def finding_only(rows: List[Row], sizes: Sequence[int]) -> List[str]:
    """The targets that the rows of an --only run can tell."""
    by_name = {row.name: row for row in rows}
    largest = max(sizes)

    def verdict(ok: bool) -> str:
        return "holds" if ok else "MISSED"

    def listing_verdict(ok: bool) -> str:
        return verdict(ok) if largest >= TARGET_EVENTS else "(target is set at 100,000 events)"

    out = []
    agenda, ideal = by_name.get(AGENDA_ROW), by_name.get(AGENDA_BASE)
    if agenda and ideal:
        ratio = agenda.wall / ideal.wall
        out.append(
            f"agenda 8 calendars x 40 events / ideal: {ratio:.2f}x (target <= 1.5x): "
            f"{verdict(ratio <= 1.5)}; requests {max(agenda.requests)} (target 9)"
        )
    listing = by_name.get(f"gcal ndjson {largest:,}")
    for name in ("sync first", "sync --rebuild"):
        row = by_name.get(f"gcal {name} {largest:,}")
        if row and listing:
            ratio = row.wall / listing.wall
            out.append(
                f"{name} of {largest:,} events / ndjson listing: {ratio:.2f}x (target <= 1.5x): "
                f"{listing_verdict(ratio <= 1.5)}"
            )
    return out + finding_targets(by_name, largest, listing_verdict, verdict)


if __name__ == "__main__":
    sys.exit(main())
