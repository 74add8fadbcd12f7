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

The rows are `bench.rows`, running and measuring them `bench.measure`, the targets they are
judged by `bench.targets`; this module reads the options and puts them together.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

from bench.measure import Emulator, measured_env, run_rows
from bench.rows import build_rows, only
from bench.targets import finding_only, table, targets


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


if __name__ == "__main__":
    sys.exit(main())
