"""Run gcal commands one after another in this process, against a HostileServer; the parent
(`run_commands`) measures this process's peak memory and kills it if it outlives its deadline.

One process runs every command of a mode (each through `gcal.cli.main`, the console script's
path), so the start-up imports are paid once per mode rather than once per command.

    python tests/hostile_run.py JOB.json RESULTS.ndjson

JOB.json: {"env": {...}, "commands": [[name, [args...]], ...]}. Each command's result is one
JSON line in RESULTS as soon as it ends: name, exit code, seconds, stdout, stderr.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
#: an address-space ceiling for the child: a safety net for the machine, far above the cap the
#: tests assert, so a regression fails a test rather than the host
ADDRESS_SPACE_LIMIT = 4 << 30


@dataclasses.dataclass
class Outcome:
    name: str
    code: int
    seconds: float
    out: str
    err: str


@dataclasses.dataclass
class Run:
    outcomes: List[Outcome]
    peak_rss_mb: float
    killed: bool  # still running at the hard deadline
    unfinished: Optional[str]  # the command it was running then

    def by_name(self) -> Dict[str, Outcome]:
        return {o.name: o for o in self.outcomes}


def run_commands(
    commands: Sequence[Tuple[str, Sequence[str]]],
    env: Dict[str, str],
    *,
    hard_deadline: float,
) -> Run:
    """Run `commands` in one child process; its peak RSS comes from os.wait4 (that child's
    own resource usage). A child still running after `hard_deadline` seconds is killed."""
    folder = Path(tempfile.mkdtemp(prefix="gcal-hostile-"))
    job = folder / "job.json"
    results = folder / "results.ndjson"
    job.write_text(json.dumps({"env": env, "commands": [[n, list(a)] for n, a in commands]}))
    # Large blocks always from mmap, so a block freed by one command goes back to the system
    # rather than staying in a heap that the next command's peak would count (glibc raises its
    # mmap threshold as blocks are freed; a process per command would not meet this).
    child_env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "131072", **env}

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))

    with open(folder / "stderr.txt", "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "hostile_run.py"), str(job), str(results)],
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=limit,
        )
    killed = threading.Event()

    def watchdog() -> None:
        if not done.wait(hard_deadline):
            killed.set()
            proc.kill()

    done = threading.Event()
    threading.Thread(target=watchdog, daemon=True).start()
    _, _, usage = os.wait4(proc.pid, 0)
    done.set()
    proc.returncode = 0  # reaped by wait4; keep Popen from waiting again
    outcomes = []
    if results.exists():
        for line in results.read_text(encoding="utf-8").splitlines():
            outcomes.append(Outcome(**json.loads(line)))
    finished = {o.name for o in outcomes}
    unfinished = next((n for n, _ in commands if n not in finished), None)
    whole = not killed.is_set() and unfinished is None
    peak = _peak_mb(results, usage) if whole else usage.ru_maxrss / 1024
    return Run(outcomes, peak, killed.is_set(), unfinished)


def _peak_mb(results: Path, usage: Any) -> float:
    """The child's own peak RSS: the high-water mark of its memory after exec, which it writes
    beside its results (/proc/self/status VmHWM). wait4's ru_maxrss also counts the pages it
    held as a fork of this process before exec (the whole pytest process, when the fork
    cannot be a vfork), so it is used only where the child wrote nothing (killed, not Linux)."""
    try:
        return float((results.parent / "hwm.txt").read_text()) / 1024
    except (OSError, ValueError):
        return usage.ru_maxrss / 1024


def _write_hwm(folder: Path) -> None:
    """This process's peak RSS in KiB since exec (VmHWM), for `_peak_mb`."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            (folder / "hwm.txt").write_text(line.split()[1])


def _settle(wait: float = 15.0) -> None:
    """Let the threads a command left behind end before the next command starts: a process of
    its own would have ended them at its exit, so they must not add to the next one's peak
    (each is bounded by its request's deadline)."""
    import gc

    end = time.monotonic() + wait
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(max(0.0, end - time.monotonic()))
    gc.collect()
    try:  # give freed heap memory back to the system (glibc)
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def main(argv: Sequence[str]) -> int:
    job = json.loads(Path(argv[0]).read_text())
    sys.path.insert(0, str(HERE))
    from runner import run

    with open(argv[1], "a", encoding="utf-8") as results:
        for name, args in job["commands"]:
            started = time.monotonic()
            result = run(args, env=job.get("env") or {})
            line: Dict[str, Any] = {
                "name": name,
                "code": result.code,
                "seconds": round(time.monotonic() - started, 3),
                "out": result.out,
                "err": result.err,
            }
            results.write(json.dumps(line) + "\n")
            results.flush()
            _settle()
            _write_hwm(Path(argv[1]).parent)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
