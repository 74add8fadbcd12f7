"""gcal.google.bounded: an answer is read whole within its deadline and its decoded size limit.

The response is fed from bytes (a fake socket), so each case is exact and instant; the hostile
server tests (test_hostile.py) run the same code over real sockets."""

from __future__ import annotations

import gzip
import http.client
import io
import socket
import time
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.google import bounded
from gcal.google.bounded import AnswerTooLarge, BoundedResponse


class FakeSocket:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.timeouts: list = []

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(io.BytesIO(self.data))

    def settimeout(self, value: float) -> None:
        self.timeouts.append(value)


def answer(body: bytes, headers: dict, *, limit: int = 1000, deadline: float = 0.0) -> bytes:
    head = "HTTP/1.1 200 OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock = FakeSocket(head.encode("latin-1") + b"\r\n" + body)
    response = BoundedResponse(
        sock,  # type: ignore[arg-type]
        method="GET",
        deadline=deadline or time.monotonic() + 10,
        limit=limit,
    )
    response.begin()
    data = response.read()
    assert response.getheader("content-encoding") is None
    return data


BODY = b'{"items": []}' * 20


def raw_deflate(data: bytes) -> bytes:
    """Deflate without zlib's wrapping, as some servers send for "deflate"."""
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    "encoding, packed",
    [
        ("gzip", gzip.compress(BODY)),
        ("x-gzip", gzip.compress(BODY)),
        ("deflate", zlib.compress(BODY)),
        ("deflate", raw_deflate(BODY)),
    ],
)
def test_compressed_answers_are_decoded(encoding, packed) -> None:
    headers = {"Content-Encoding": encoding, "Content-Length": len(packed)}
    assert answer(packed, headers) == BODY


def test_a_chunked_answer_is_read_whole() -> None:
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (BODY[:50], BODY[50:])) + b"0\r\n\r\n"
    assert answer(chunks, {"Transfer-Encoding": "chunked"}) == BODY


def test_a_length_over_the_limit_is_refused_before_reading() -> None:
    with pytest.raises(AnswerTooLarge, match="larger than"):
        answer(b"x" * 10, {"Content-Length": 5000}, limit=1000)


def test_a_body_without_length_stops_at_the_limit() -> None:
    with pytest.raises(AnswerTooLarge):
        answer(b" " * 5000, {"Connection": "close"}, limit=1000)


def test_a_gzip_bomb_stops_at_the_decoded_limit() -> None:
    bomb = gzip.compress(b" " * 1_000_000)
    assert len(bomb) < 2000
    with pytest.raises(AnswerTooLarge):
        answer(bomb, {"Content-Encoding": "gzip", "Content-Length": len(bomb)}, limit=100_000)


def test_a_body_shorter_than_its_length_is_cut() -> None:
    with pytest.raises(http.client.IncompleteRead):
        answer(BODY[:20], {"Content-Length": len(BODY)})


def test_a_compressed_stream_that_stops_early_is_cut() -> None:
    packed = gzip.compress(BODY)[:-12]
    with pytest.raises(http.client.IncompleteRead):
        answer(packed, {"Content-Encoding": "gzip", "Connection": "close"})


def test_a_corrupt_compressed_body_is_cut_not_a_crash() -> None:
    with pytest.raises(http.client.IncompleteRead):
        answer(b"not gzip at all", {"Content-Encoding": "gzip", "Connection": "close"})


def test_a_read_past_the_deadline_times_out() -> None:
    with pytest.raises(socket.timeout):
        answer(BODY, {"Content-Length": len(BODY)}, deadline=time.monotonic() - 1)


def test_reads_wait_only_for_what_is_left_of_the_deadline() -> None:
    sock = FakeSocket(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    response = BoundedResponse(sock, deadline=time.monotonic() + 5)  # type: ignore[arg-type]
    response.begin()
    assert response.read() == b"ok"
    assert sock.timeouts and all(0 < t <= 5 for t in sock.timeouts)


def test_the_answers_read_at_once_are_bounded_together(monkeypatch) -> None:
    monkeypatch.setattr(bounded, "IN_FLIGHT", bounded._InFlight(1500))
    assert bounded.IN_FLIGHT.take(1000)  # another thread's answer, being read
    with pytest.raises(AnswerTooLarge, match="together"):
        answer(b" " * 900, {"Content-Length": 900}, limit=1000)
    bounded.IN_FLIGHT.give(1000)
    assert bounded.IN_FLIGHT.total == 0  # the refused answer gave back what it held
    assert answer(b" " * 900, {"Content-Length": 900}, limit=1000) == b" " * 900


@settings(max_examples=40, deadline=None)
@given(
    body=st.binary(max_size=3000),
    encoding=st.sampled_from(["", "gzip", "deflate"]),
    limit=st.integers(min_value=1, max_value=4000),
)
def test_any_answer_is_its_body_or_refused_by_the_limit(body, encoding, limit) -> None:
    packed = {"": body, "gzip": gzip.compress(body), "deflate": zlib.compress(body)}[encoding]
    headers = {"Content-Length": len(packed)}
    if encoding:
        headers["Content-Encoding"] = encoding
    if len(body) > limit:
        with pytest.raises(AnswerTooLarge):
            answer(packed, headers, limit=limit)
    else:
        assert answer(packed, headers, limit=limit) == body
