"""HTTP connections whose every request ends in time and whose answers have a size limit.

Every request gcal sends goes through one of these connections, whoever builds it: `gcal sync`'s
own client (`gcal.google.rest`), googleapiclient's httplib2 transport (`gcal.google.api`) and the
token requests over urllib (`gcal.google.transport`). A socket time-out alone bounds each read,
not the request: a server sending one byte a second would hold a 30 s time-out forever. Here:

* a request has one deadline, `timeout` seconds after it starts (connecting included), that
  covers the status line, the headers and the whole body; each read waits only for what is left
  of it, and past it the read fails as a time-out does (the retry loop retries it);
* a whole answer (`read()`) is read in pieces, and a compressed one (gzip, deflate) is
  inflated as it arrives, never beyond `limit` decoded bytes (nor the answers read at once by a
  command's threads beyond MAX_IN_FLIGHT_BYTES together), so neither an endless body nor a gzip
  bomb can fill the memory. Past the limit the answer is refused (`AnswerTooLarge`, exit 5);
  the answer handed on is the decoded one, with its Content-Encoding header removed;
* a compressed body that ends before its compressed stream does is a cut answer
  (`http.client.IncompleteRead`), as a body shorter than its Content-Length is.
"""

from __future__ import annotations

import functools
import http.client
import io
import socket
import threading
import time
import zlib
from typing import Any, Optional

from gcal.errors import NetworkError

MAX_ANSWER_BYTES = 64 * 1024 * 1024  # a page of 2,500 events is a few MB
MAX_TOKEN_ANSWER_BYTES = 1024 * 1024  # a token endpoint's answer is a few hundred bytes
#: the answers being read at once (a command's threads) together: 8 calendars read in parallel
#: must not hold 8 answers at the limit each
MAX_IN_FLIGHT_BYTES = 2 * MAX_ANSWER_BYTES
_PIECE = 64 * 1024


class _InFlight:
    """The bytes of answers being read right now, across threads."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0
        self._lock = threading.Lock()

    def take(self, size: int) -> bool:
        with self._lock:
            if self.total + size > self.limit:
                return False
            self.total += size
            return True

    def give(self, size: int) -> None:
        with self._lock:
            self.total -= size


IN_FLIGHT = _InFlight(MAX_IN_FLIGHT_BYTES)


class AnswerTooLarge(NetworkError):
    """An answer longer than gcal accepts (decoded), e.g. a gzip bomb or an endless body."""


def too_large(limit: int, together: str = "") -> AnswerTooLarge:
    if together:
        return AnswerTooLarge(
            f"the server's answers being read at once were larger than "
            f"{limit // (1024 * 1024)} MB together (decoded); gcal stopped reading them"
        )
    return AnswerTooLarge(
        f"the server's answer was larger than {limit // (1024 * 1024)} MB "
        "(decoded); gcal stopped reading it"
    )


class _DeadlineReader(io.RawIOBase):
    """A socket's raw reader whose every read waits only until the request's deadline."""

    def __init__(self, raw: Any, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._raw = raw
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> Optional[int]:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("timed out")
        self._sock.settimeout(left)
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class BoundedResponse(http.client.HTTPResponse):
    """An HTTPResponse bounded in time (until `deadline`) and in decoded size (`limit`)."""

    def __init__(
        self,
        sock: socket.socket,
        debuglevel: int = 0,
        method: Optional[str] = None,
        url: Optional[str] = None,
        *,
        deadline: float,
        limit: int = MAX_ANSWER_BYTES,
    ) -> None:
        super().__init__(sock, debuglevel, method, url)
        self.fp = io.BufferedReader(_DeadlineReader(self.fp.detach(), sock, deadline))
        self.limit = limit

    def read(self, amt: Optional[int] = None) -> bytes:
        if amt is not None:
            return super().read(amt)
        return self._read_all()

    def _read_all(self) -> bytes:
        encoding = (self.getheader("content-encoding") or "").strip().lower()
        decoding = encoding in ("gzip", "x-gzip", "deflate")
        limit = self.limit
        if not decoding and self.length is not None and self.length > limit:
            self.close()
            raise too_large(limit)
        out = bytearray()
        inflater: Any = None
        held = 0  # bytes of IN_FLIGHT this answer holds
        try:
            while True:
                piece = super().read(_PIECE)
                if not piece:
                    break
                if decoding:
                    first = inflater is None
                    if first:
                        inflater = _inflater(encoding, piece)
                    try:
                        piece = inflater.decompress(piece, limit - len(out) + 1)
                    except zlib.error:
                        if not (first and encoding == "deflate"):
                            raise
                        # raw deflate whose first bytes looked like a zlib header
                        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                        piece = inflater.decompress(piece, limit - len(out) + 1)
                if len(out) + len(piece) > limit:
                    raise too_large(limit)
                if not IN_FLIGHT.take(len(piece)):
                    raise too_large(IN_FLIGHT.limit, "together")
                held += len(piece)
                out += piece
            if self.length:  # the connection closed before the Content-Length was read
                raise http.client.IncompleteRead(bytes(out[:100]), self.length)
            if inflater is not None:
                out += inflater.flush()
                if not inflater.eof:
                    raise http.client.IncompleteRead(bytes(out[:100]))
        except zlib.error:
            self.close()
            raise http.client.IncompleteRead(bytes(out[:100])) from None
        except BaseException:
            self.close()
            raise
        finally:
            IN_FLIGHT.give(held)
        if decoding:
            del self.msg["content-encoding"]
            del self.msg["content-length"]
            self.msg["Content-Length"] = str(len(out))
        return bytes(out)


def _inflater(encoding: str, first: bytes) -> Any:
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate
    wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
    return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)


class BoundedMixin:
    """Makes an http.client connection (or a subclass: httplib2's) answer with BoundedResponse,
    each request's deadline starting when it (or the connection it opens) starts."""

    answer_limit = MAX_ANSWER_BYTES
    timeout: Any
    sock: Any
    _started: Optional[float] = None
    _deadline: Optional[float] = None
    _in_request = False

    def _seconds(self) -> float:
        timeout = self.timeout
        if isinstance(timeout, (int, float)) and timeout > 0:
            return float(timeout)
        return 30.0

    def connect(self) -> None:
        if not self._in_request:  # httplib2 connects before it sends the request
            self._started = time.monotonic()
        super().connect()  # type: ignore[misc]

    def request(self, *args: Any, **kwargs: Any) -> None:
        started = self._started if self._started is not None else time.monotonic()
        self._started = None
        self._deadline = started + self._seconds()
        if self.sock is not None:
            self.sock.settimeout(self._seconds())  # a read may have shortened it
        self._in_request = True
        try:
            super().request(*args, **kwargs)  # type: ignore[misc]
        finally:
            self._in_request = False

    def response_class(self, sock: Any, *args: Any, **kwargs: Any) -> BoundedResponse:
        deadline = self._deadline or (time.monotonic() + self._seconds())  # a CONNECT tunnel
        return BoundedResponse(sock, *args, deadline=deadline, limit=self.answer_limit, **kwargs)


class HTTPConnection(BoundedMixin, http.client.HTTPConnection):
    pass


class HTTPSConnection(BoundedMixin, http.client.HTTPSConnection):
    pass


@functools.cache
def token_connections() -> tuple:
    """Connection classes for token requests: the same deadline, a smaller size limit."""

    class TokenHTTP(HTTPConnection):
        answer_limit = MAX_TOKEN_ANSWER_BYTES

    class TokenHTTPS(HTTPSConnection):
        answer_limit = MAX_TOKEN_ANSWER_BYTES

    return TokenHTTP, TokenHTTPS


@functools.cache
def httplib2_connections() -> dict:
    """httplib2's connection classes, bounded, by URL scheme (imports httplib2)."""
    import httplib2

    class HTTP(BoundedMixin, httplib2.HTTPConnectionWithTimeout):
        pass

    class HTTPS(BoundedMixin, httplib2.HTTPSConnectionWithTimeout):
        pass

    return {"http": HTTP, "https": HTTPS}


def within(seconds: float, action: Any, what: str) -> Any:
    """`action()`, or TransientNetworkError once it has taken `seconds`: for a request sent by
    a library whose time-outs are per read (`requests`, under the login's code exchange). The
    action is left to finish on a daemon thread; the command goes on (or ends) without it."""
    from gcal.errors import TransientNetworkError

    outcome: dict = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = action()
        except BaseException as exc:  # handed to the caller
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="gcal-bounded", daemon=True).start()
    if not done.wait(seconds):
        raise TransientNetworkError(f"{what} did not answer within {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def bounded_requests_body(limit: int = MAX_TOKEN_ANSWER_BYTES) -> Any:
    """A `requests` response hook that reads the body itself, at most `limit` bytes (decoded)
    within the request's time-out, before anything else reads it (requests reads a body whole,
    however long)."""

    def hook(response: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(response, "_content_consumed", False):
            return response
        timeout = kwargs.get("timeout")
        if isinstance(timeout, tuple):
            timeout = timeout[-1]
        seconds = float(timeout) if isinstance(timeout, (int, float)) and timeout > 0 else 30.0
        deadline = time.monotonic() + seconds
        out = bytearray()
        for piece in response.iter_content(_PIECE):
            out += piece
            if len(out) > limit:
                response.close()
                raise too_large(limit)
            if time.monotonic() > deadline:
                response.close()
                raise socket.timeout("timed out")
        response._content = bytes(out)
        response._content_consumed = True
        return response

    return hook
