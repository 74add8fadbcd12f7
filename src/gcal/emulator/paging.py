"""Opaque page and sync tokens, and a cache of computed result lists.

A list request computes its full, ordered result once and caches it keyed by the canonical query
and the data's change counter; every later page is then a slice, so paging through 100,000
events costs O(page) per request. Page tokens carry the query's hash, the snapshot's counter and
an offset, so a token used with a different query is rejected (400) rather than silently
returning the wrong rows.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any, Callable, List, Optional, Tuple

from gcal.emulator.errors import ApiError, full_sync_required

_CACHE_SIZE = 24


def _b64(obj: Any) -> str:
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> Any:
    pad = "=" * (-len(text) % 4)
    return json.loads(base64.urlsafe_b64decode(text + pad).decode())


def query_hash(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def make_page_token(key: str, counter: int, offset: int) -> str:
    return _b64({"q": query_hash(key), "c": counter, "o": offset})


def read_page_token(token: str, key: str) -> Tuple[int, int]:
    """Return (snapshot counter, offset) or raise 400 for a foreign or garbled token."""
    try:
        data = _unb64(token)
        if data["q"] != query_hash(key):
            raise ValueError("token belongs to another query")
        return int(data["c"]), int(data["o"])
    except (ValueError, KeyError, TypeError):
        raise ApiError(400, "invalid", "Invalid pageToken", location="pageToken") from None


def make_sync_token(scope: str, epoch: int, counter: int) -> str:
    return _b64({"s": scope, "e": epoch, "c": counter})


def read_sync_token(token: str, scope: str, epoch: int) -> int:
    """Return the counter a sync token was issued at; 410 when unknown or invalidated."""
    try:
        data = _unb64(token)
        if data["s"] != scope or int(data["e"]) != epoch:
            raise ValueError("stale")
        return int(data["c"])
    except (ValueError, KeyError, TypeError):
        raise full_sync_required() from None


class ResultCache:
    """LRU of (query key, counter) -> computed result list."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[Tuple[str, int], List[Any]] = OrderedDict()

    def get(self, key: str, counter: int, compute: Callable[[], List[Any]]) -> List[Any]:
        with self._lock:
            hit = self._entries.get((key, counter))
            if hit is not None:
                self._entries.move_to_end((key, counter))
                return hit
        result = compute()
        with self._lock:
            self._entries[(key, counter)] = result
            while len(self._entries) > _CACHE_SIZE:
                self._entries.popitem(last=False)
        return result

    def peek(self, key: str, counter: int) -> Optional[List[Any]]:
        with self._lock:
            return self._entries.get((key, counter))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
