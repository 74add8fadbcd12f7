"""Run gcal the way a user does, from tests: through `gcal.cli.main` or a real subprocess.

`run()` calls the console-script entry point in-process (fast), with stdout, stderr and stdin
captured, and returns the exit code it chose. `run_subprocess()` starts `python -m gcal` for the
tests that need a real process (signals, concurrency, start-up imports).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from typing import Dict, Mapping, Optional, Sequence

from click.testing import CliRunner

from gcal.cli import main


@dataclasses.dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list:
        return [line for line in self.err.splitlines() if line.strip()]


def run(
    args: Sequence[str],
    *,
    input: Optional[str] = None,
    env: Optional[Mapping[str, Optional[str]]] = None,
) -> Result:
    """Run `gcal ARGS` in-process; never raises for a non-zero exit."""
    try:  # click < 8.2 mixes stderr into stdout unless told not to
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        runner = CliRunner()
    code = 0
    with runner.isolation(input=input, env=dict(env or {})) as streams:
        out, err = streams[0], streams[1]
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out_text = out.getvalue().decode("utf-8", "replace")
        err_text = err.getvalue().decode("utf-8", "replace")
    return Result(code, out_text, err_text)


def run_subprocess(
    args: Sequence[str],
    *,
    input: Optional[str] = None,
    env: Optional[Dict[str, str]] = None,
    timeout: float = 60,
) -> Result:
    """Run `python -m gcal ARGS` as a separate process."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "gcal", *args],
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
