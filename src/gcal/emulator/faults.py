"""Injected failures and delays, so clients' retry and timeout paths can be tested for real."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import List, Optional, Union
from urllib.parse import unquote

API_PREFIX = "/calendar/v3/"


@dataclass
class Fault:
    """The next `count` requests matching `path` fail with `status` (or "reset") after `delay`,
    once `after` matching requests have been let through (e.g. ``after=1``: the second page
    fails, so a test can break a listing midway without racing the client)."""

    status: Union[int, str, None]
    reason: Optional[str] = None
    message: Optional[str] = None
    count: int = 1
    retry_after: Optional[Union[int, float, str]] = None
    path: Optional[str] = None
    delay: float = 0.0
    after: int = 0

    def matches(self, path: str) -> bool:
        if self.path is None:
            return path.startswith(API_PREFIX)
        want = self.path
        if not want.startswith("/"):
            want = API_PREFIX + want
        # Paths arrive percent-encoded (a calendar id's "@" as %40): compare them decoded, so a
        # test can aim at one calendar's listing by its id.
        return path.startswith(want) or unquote(path).startswith(unquote(want))


class FaultQueue:
    """Thread-safe list of pending faults; each matching request consumes one use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: List[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.count < 1:
            return
        with self._lock:
            self._faults.append(fault)

    def take(self, path: str) -> List[Fault]:
        """Consume and return the delay rule and the failure rule (at most one each) for `path`."""
        taken: List[Fault] = []
        with self._lock:
            kinds = set()
            for fault in list(self._faults):
                kind = "fail" if fault.status is not None else "delay"
                if kind in kinds or not fault.matches(path):
                    continue
                if fault.after > 0:
                    fault.after -= 1
                    continue
                kinds.add(kind)
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
                taken.append(fault)
        return taken

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> int:
        with self._lock:
            return sum(f.count for f in self._faults)
