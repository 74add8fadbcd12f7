"""Several listings at once: each on its own thread and connection, each paged to the end.

The agenda reads one events listing per calendar; one after another, eight calendars at a
250 ms round trip take two seconds, at once a quarter of one. `fetch_all` starts the listings on
a bounded pool of daemon threads (one worker client, hence one connection, per thread: neither
httplib2 nor http.client is thread-safe; a `rest.Session`'s worker or an `api.worker_client`),
each request going through the one retry loop as usual. It hands
back one `Listing` per request at once; iterating a listing yields its items as its pages
arrive, so a consumer (the merge) can start before the slowest calendar is done.

A listing that fails (403, 404, 5xx after retries, network) does not stop the others: its
iteration simply ends and `Listing.error` holds the gcal error. Only a bug or Ctrl-C reaches
the caller as an exception. The threads are daemons and check a cancel flag between pages, so
Ctrl-C in the main thread ends the process at once (exit 130) rather than waiting for them.
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, TypeVar

from gcal import waits
from gcal.errors import Cancelled, GcalError
from gcal.google import api

__all__ = [
    "DEFAULT_WORKERS",
    "Listing",
    "fetch_all",
    "first_then_ahead",
    "read_ahead",
    "read_ahead_now",
    "read_next_page",
]

DEFAULT_WORKERS = 8  # Google's per-user quota allows bursts well above this

_ITEMS, _DONE = "items", "done"
T = TypeVar("T")


class Listing:
    """The items of one listing, as they arrive; `error` is set if the listing failed.

    Iterate it once. Items come in the API's order; `pages` counts the pages received.
    """

    def __init__(self, command: str, request: Dict[str, Any]) -> None:
        self.command = command
        self.request = request
        self.error: Optional[GcalError] = None
        self.pages = 0
        self._queue: queue.Queue[Any] = queue.Queue()
        self._bug: Optional[BaseException] = None

    @property
    def calendar_id(self) -> Optional[str]:
        return self.request.get("calendarId")

    def __iter__(self) -> Iterator[Any]:
        while True:
            kind, value = waits.get(self._queue)  # a Ctrl-C is never missed
            if kind == _ITEMS:
                yield from value
                continue
            if self._bug is not None:
                raise self._bug
            return

    # -- filled by a worker thread ----------------------------------------------------------

    def _page(self, items: List[Any]) -> None:
        self.pages += 1
        if items:
            self._queue.put((_ITEMS, items))

    def _finish(self, error: Optional[BaseException] = None) -> None:
        if isinstance(error, GcalError):
            self.error = error
        elif error is not None:
            self._bug = error
        self._queue.put((_DONE, None))


def fetch_all(
    client: Any,
    command: str,
    requests: Sequence[Dict[str, Any]],
    *,
    workers: int = DEFAULT_WORKERS,
    cancel: Optional[threading.Event] = None,
) -> List[Listing]:
    """Start every listing of `requests` (API keyword arguments of `command`) concurrently on
    at most `workers` threads; return their `Listing`s at once, in the order of `requests`.

    Each request is paged to the end with `api.iter_pages` (largest pages, the usual retries).
    Setting `cancel` stops the workers after their current request.
    """
    listings = [Listing(command, dict(request)) for request in requests]
    if not listings:
        return listings
    jobs: queue.Queue[Listing] = queue.Queue()
    for listing in listings:
        jobs.put(listing)
    cancel = cancel or threading.Event()
    for n in range(max(1, min(workers, len(listings)))):
        thread = threading.Thread(
            target=_work, args=(client, jobs, cancel), name=f"gcal-fetch-{n}", daemon=True
        )
        thread.start()
    return listings


def _work(client: Any, jobs: queue.Queue[Listing], cancel: threading.Event) -> None:
    own: Any = None
    while not cancel.is_set():
        try:
            listing = jobs.get_nowait()
        except queue.Empty:
            return
        try:
            if own is None:
                own = _worker(client)
            for page in _pages(own, listing.command, listing.request):
                listing._page(page.get("items") or [])
                del page
                if cancel.is_set():
                    break
        except BaseException as exc:  # handed to the consumer, never lost
            listing._finish(exc)
        else:
            listing._finish()


def _worker(client: Any) -> Any:
    """This thread's own client: a `rest.Session`'s worker, or `api.worker_client`."""
    worker = getattr(client, "worker", None)
    return worker() if worker is not None else api.worker_client(client)


def _pages(client: Any, command: str, request: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    pages = getattr(client, "pages", None)
    if pages is not None:  # a rest.Session
        return pages(command, request)
    return api.iter_pages(client, command, request)


def read_ahead(
    source: Iterable[T], depth: int = 1, *, cancel: Optional[threading.Event] = None
) -> Iterator[T]:
    """Yield what `source` yields, producing up to `depth` items ahead on a thread of its own.

    A full sync pages through a big calendar one request after another; without this, the
    server's time for page k+1 only starts once page k is stored. Here the next page is
    requested (and parsed) while the caller stores the current one. `source` runs entirely on
    the one producer thread, so an httplib2 connection it uses is still used by one thread at a
    time. An exception from `source` (an HTTP 410, a network failure) is raised to the caller
    in order, after the items before it. When the caller stops early (break, an error of its
    own) the producer stops after the item in hand; it is a daemon, so Ctrl-C never waits.
    Setting `cancel` (Ctrl-C seen by the main thread) makes the caller's wait end within a
    twentieth of a second with `Cancelled`, leaving the request in hand to the daemon.

    The producer starts with the first item asked for; `read_ahead_now` starts it at once.
    """
    yield from read_ahead_now(source, depth, cancel=cancel)


def read_ahead_now(
    source: Iterable[T], depth: int = 1, *, cancel: Optional[threading.Event] = None
) -> Iterator[T]:
    """`read_ahead` with its producer started now: a listing that has its first page in hand
    has the second one requested while it writes the first.

    At most `depth` items are produced ahead of the one the caller holds: the producer asks
    `source` for the next only once the caller has taken one (a permit), so a listing holds
    the page it writes and the one read ahead, never a third decoded page waiting for room.
    """
    slots: queue.Queue[Any] = queue.Queue()  # never more than `depth` items and the outcome
    permits = threading.Semaphore(max(1, depth))
    stop = threading.Event()

    def produce() -> None:
        iterator = iter(source)
        try:
            while True:
                while not permits.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                for item in iterator:
                    slots.put((_ITEMS, item))
                    del item  # held by the queue (then the caller) alone
                    break
                else:
                    break
            outcome: Any = (_DONE, None)
        except BaseException as exc:  # handed to the consumer, never lost
            outcome = (_DONE, exc)
        slots.put(outcome)

    thread = threading.Thread(target=produce, name="gcal-read-ahead", daemon=True)
    thread.start()
    drain = _drain(slots, stop, thread, cancel, permits)
    next(drain)  # entered: closing it now stops the producer, even before its first item
    return drain


def read_next_page(client: api.Client, command: str) -> Any:
    """`api.iter_pages`'s `ahead` for a listing written as it arrives: the next page's request
    is sent and its answer read on a thread of its own while the caller writes this page, and
    parsed on the caller's thread once it wants that page. A page read ahead is held as the
    bytes it came in, not as the objects it parses into (several times as large): a listing
    holds the page it writes, and the next one's text.

    The first page is not read here (`iter_pages` asks for it on the calling thread, so a
    login's refresh stays where Ctrl-C lands); the request runs through the one retry loop as
    usual, and its failure is raised where the caller asks for the page, after the pages
    before it. The thread is a daemon: Ctrl-C never waits for it."""

    def start(request: Dict[str, Any]) -> _NextPage:
        return _NextPage(client, command, request)

    return start


class _NextPage:
    """One page being read on a thread: call it for the parsed page."""

    def __init__(self, client: api.Client, command: str, request: Dict[str, Any]) -> None:
        self._answer: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(
            target=self._read, args=(client, command, request), name="gcal-next-page", daemon=True
        )
        self._thread.start()

    def _read(self, client: api.Client, command: str, request: Dict[str, Any]) -> None:
        try:
            self._answer.put((_ITEMS, api.execute(client, command, request, parse=False)))
        except BaseException as exc:  # handed to the caller, never lost
            self._answer.put((_DONE, exc))

    def __call__(self) -> Dict[str, Any]:
        kind, value = waits.get(self._answer)  # a Ctrl-C is never missed
        if kind == _DONE:
            raise value
        return value.page() if isinstance(value, api.Unparsed) else value

    def close(self) -> None:
        """The caller stopped before this page: the request in hand finishes first, so that
        its connection is free again before the caller (which may own it) uses it again."""
        waits.join(self._thread)


def first_then_ahead(source: Iterable[T]) -> Iterator[T]:
    """The items of `source`, the first one produced here, on the calling thread, so that a
    login's refresh (and its lock on the token file) stays where Ctrl-C lands; the others
    read ahead on one producer thread (`read_ahead_now`), the next one requested as soon as
    the first is handed over. A listing writes each page while the next one is fetched and
    parsed, as the sync stores it."""
    iterator = iter(source)
    for first in iterator:
        rest = read_ahead_now(iterator)
        try:
            yield first
            del first
            yield from rest
        finally:
            rest.close()
        return


def _drain(
    slots: queue.Queue[Any],
    stop: threading.Event,
    thread: threading.Thread,
    cancel: Optional[threading.Event],
    permits: threading.Semaphore,
) -> Iterator[Any]:
    interrupted = False
    try:
        yield None  # (taken by read_ahead_now)
        while True:
            kind, value = waits.get(slots) if cancel is None else _get_unless(slots, cancel)
            if kind == _ITEMS:
                permits.release()  # the next one is produced while the caller has this one
                yield value
                del value  # not kept alive while the next one is awaited
                continue
            if value is not None:
                raise value
            return
    except (KeyboardInterrupt, Cancelled):
        interrupted = True
        raise
    finally:
        stop.set()
        if not interrupted:
            # the request in hand finishes first: the source's connection is free again
            # before the caller (which may own it) uses it for something else
            waits.join(thread)


def _get_unless(slots: queue.Queue[Any], cancel: threading.Event) -> Any:
    """The next item of `slots`, or `Cancelled` as soon as `cancel` is set."""
    while True:
        if cancel.is_set():
            raise Cancelled()
        try:
            return slots.get(timeout=0.05)
        except queue.Empty:
            continue
