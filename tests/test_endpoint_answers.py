"""An --api-endpoint that is not the Calendar API: one line that says so, never internals."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from typing import Iterator

import pytest

from runner import run
from scripted_server import write_account

CALENDARS = "/calendar/v3/users/me/calendarList"
EVENTS = "/calendar/v3/calendars/primary/events"
NO_WAIT = {"GCAL_BACKOFF_BASE": "0"}


PORTAL = b"<!DOCTYPE html><html><head><title>Sign in to Hotel WiFi</title></head></html>"


@pytest.mark.parametrize(
    ("headers", "body", "shown"),
    [
        ({"Content-Type": "text/html"}, PORTAL, "content type text/html"),
        ({"Content-Type": "application/json"}, b'{"kind": "calendar#calendarList", "ite', "ite"),
        ({"Content-Type": "application/json"}, b'["not", "an", "object"]', "not"),
        ({"Content-Type": "application/octet-stream"}, b"\xff\xfe\x00binary", "octet-stream"),
    ],
)
def test_a_200_that_is_not_the_apis_json_is_exit_5(
    server, tmp_path, headers: dict, body: bytes, shown: str
) -> None:
    server.reply(CALENDARS, (200, headers, body))
    result = run([*write_account(tmp_path, server), "-f", "ndjson", "calendars"], env=NO_WAIT)
    assert result.code == 5, result.err
    assert result.out == ""
    (line,) = result.err_lines
    assert line.startswith("gcal: error: the answer from ")
    assert "was not the Calendar API's" in line
    assert shown in line
    assert "unexpected" not in line
    assert len(server.requests(CALENDARS)) == 1  # not retried: a wrong server stays wrong


def test_a_page_that_is_not_json_midway_keeps_what_was_written(server, tmp_path) -> None:
    first = {"items": [{"id": "a", "summary": "A"}], "nextPageToken": "p2"}
    server.reply(EVENTS, (200, {}, first), (200, {"Content-Type": "text/html"}, PORTAL))
    args = [*write_account(tmp_path, server), "-f", "ndjson", "events", "primary"]
    result = run(args, env=NO_WAIT)
    assert result.code == 5
    assert [json.loads(line)["id"] for line in result.out.splitlines()] == ["a"]
    assert "was not the Calendar API's" in result.err


def _ssh_like_server() -> Iterator[int]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n")
                with contextlib.suppress(OSError):
                    conn.recv(4096)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()


@pytest.fixture
def ssh_port() -> Iterator[int]:
    yield from _ssh_like_server()


def test_an_endpoint_speaking_another_protocol_is_exit_5(server, tmp_path, ssh_port) -> None:
    args = write_account(tmp_path, server)
    args[-1] = f"http://127.0.0.1:{ssh_port}/calendar/v3/"
    result = run([*args, "calendars"], env=NO_WAIT)
    assert result.code == 5, result.err
    (line,) = result.err_lines
    assert "did not answer in HTTP" in line and "SSH-2.0-OpenSSH" in line
    assert "unexpected" not in line


def test_a_404_that_is_not_googles_json_says_the_endpoint_looks_wrong(server, tmp_path) -> None:
    args = write_account(tmp_path, server)
    args[-1] = server.base + "/"  # without /calendar/v3/
    result = run([*args, "calendars"], env=NO_WAIT)
    assert result.code == 5, result.err
    (line,) = result.err_lines
    assert "the API endpoint URL looks wrong" in line
    assert f"{server.base}/users/me/calendarList answered HTTP 404" in line
    assert "not found" not in line


def test_a_googles_json_404_is_still_not_found(server, tmp_path) -> None:
    from scripted_server import google_error

    server.reply(EVENTS, (404, {}, google_error(404, "notFound", "Not Found")))
    result = run([*write_account(tmp_path, server), "events", "primary"], env=NO_WAIT)
    assert result.code == 4
    assert result.err_lines == ["gcal: error: calendar 'primary' not found (HTTP 404: Not Found)"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "--api-endpoint must not be empty"),
        ("   ", "--api-endpoint must not be empty"),
        ("http://127.0.0.1:99999/calendar/v3/", "port 99999 is not a port number (1-65535)"),
        ("http://127.0.0.1:0/calendar/v3/", "port 0 is not a port number (1-65535)"),
        ("http://127.0.0.1:http/calendar/v3/", "port 'http' is not a port number (1-65535)"),
        ("ftp://127.0.0.1/calendar/v3/", "is not an http(s) URL"),
        ("http://a b/calendar/v3/", "holds a space or a control character"),
        ("http://127.0.0.1/calendar/v3/\x1b[2J", "holds a space or a control character"),
        ("http://[::1/calendar/v3/", "is not an http(s) URL"),  # urlsplit's ValueError
        ("https://ada:hunter2@127.0.0.1/calendar/v3/", "must not hold a user name or password"),
    ],
)
def test_api_endpoint_values_that_cannot_work_are_usage_errors(value: str, message: str) -> None:
    result = run(["--api-endpoint", value, "calendars"])
    assert result.code == 2, result.err
    (line,) = result.err_lines
    assert message in line
    if "port" in message:
        assert "not an http(s) URL" not in line
    assert "hunter2" not in result.err and "unexpected" not in result.err
    if value.strip():  # an empty environment variable is an unset one
        assert run(["calendars"], env={"GCAL_API_ENDPOINT": value}).code == 2
