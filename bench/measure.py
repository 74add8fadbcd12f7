"""Running the rows and measuring each run: a fresh process forked by a tiny parent that reads
its wall time and peak RSS (`spawn_measured`), the emulator's process and its request log
(`Emulator`), the environment every process runs in (`measured_env`), and the store a sync
left (`store_size`).

Separate from the rows (`bench.rows`) and the targets (`bench.targets`): how a figure is taken,
the same for every row.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from bench.rows import PYTHON, REPO, Row

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
