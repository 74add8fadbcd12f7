"""A corpus of bad inputs over the whole surface, each through the real `gcal` entry point.

For every case: the documented exit code (2 usage, 3 auth, 4 not found, 5 network, 1 API), one
`gcal: error:` line on stderr (and nothing else unless the case prompts), no traceback, and the
credentials file byte for byte as it was (or still absent). Most run in-process; those marked
`sub` run `python -m gcal` as a separate process.

tests/test_cli_usage.py holds the exhaustive option-value corpus; this one spans options, files,
pastes, the network and the API, so it repeats only a few of those.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import urllib.request
from pathlib import Path
from typing import Callable, List, Optional

import pytest

from gcal.emulator import Emulator
from runner import run, run_subprocess
from test_read_commands import Account

USAGE, API, AUTH, NOT_FOUND, NETWORK = 2, 1, 3, 4, 5


@dataclasses.dataclass
class Case:
    id: str
    args: List[str]
    code: int
    words: str = ""  # expected in the error line
    setup: Optional[Callable[[Account, Path], None]] = None
    input: Optional[str] = None
    env: Optional[dict] = None
    sub: bool = False  # run as a subprocess
    prompts: bool = False  # stderr may hold the login prompt besides the error line


# -- setups ------------------------------------------------------------------------------------


def secrets_file(content: bytes) -> Callable[[Account, Path], None]:
    def setup(account: Account, tmp: Path) -> None:
        account.secrets.write_bytes(content)

    return setup


def secrets_json(value: object) -> Callable[[Account, Path], None]:
    return secrets_file(json.dumps(value).encode())


def installed(**changes: object) -> Callable[[Account, Path], None]:
    def setup(account: Account, tmp: Path) -> None:
        data = account.emu.client_secrets_dict()
        for key, value in changes.items():
            if value is None:
                data["installed"].pop(key, None)
            else:
                data["installed"][key] = value
        account.secrets.write_text(json.dumps(data))

    return setup


def secrets_is_directory(account: Account, tmp: Path) -> None:
    account.secrets.unlink()
    account.secrets.mkdir()


def secrets_missing(account: Account, tmp: Path) -> None:
    account.secrets.unlink()


def secrets_unreadable(account: Account, tmp: Path) -> None:
    account.secrets.chmod(0)


def credentials_file(content: bytes) -> Callable[[Account, Path], None]:
    def setup(account: Account, tmp: Path) -> None:
        account.credentials.write_bytes(content)

    return setup


def credentials_json(value: object) -> Callable[[Account, Path], None]:
    return credentials_file(json.dumps(value).encode())


def credentials_truncated(account: Account, tmp: Path) -> None:
    raw = account.credentials.read_bytes()
    account.credentials.write_bytes(raw[: len(raw) // 2])


def credentials_is_directory(account: Account, tmp: Path) -> None:
    account.credentials.unlink()
    account.credentials.mkdir()


def credentials_dangling_symlink(account: Account, tmp: Path) -> None:
    account.credentials.unlink()
    account.credentials.symlink_to(tmp / "gone.dat")


def no_credentials(account: Account, tmp: Path) -> None:
    account.credentials.unlink()


def _expire_locally(account: Account) -> dict:
    data = json.loads(account.credentials.read_text())
    data["token_expiry"] = data["expiry"] = "2000-01-01T00:00:00Z"
    return data


def revoked_refresh_token(account: Account, tmp: Path) -> None:
    data = _expire_locally(account)
    request = urllib.request.Request(
        account.emu.base_url + "revoke",
        data=f"token={data['refresh_token']}".encode(),
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).close()
    account.credentials.write_text(json.dumps(data))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def refused_token_endpoint(account: Account, tmp: Path) -> None:
    data = _expire_locally(account)
    data["token_uri"] = f"http://127.0.0.1:{_closed_port()}/token"
    account.credentials.write_text(json.dumps(data))


def fault(status: int, reason: str, message: str) -> Callable[[Account, Path], None]:
    def setup(account: Account, tmp: Path) -> None:
        account.emu.inject_fault(status, reason=reason, message=message, count=10)

    return setup


LOGIN = ["auth", "login", "--noauth-local-webserver"]
WRONG_STATE = "http://localhost:8080/?state=forged-state-value&code=4/0AbCdEfGhIjKlMnOp\n"
CLOSED = "http://127.0.0.1:9/calendar/v3/"  # port 9 (discard): nothing listens in tests

CASES = [
    # -- options and values --------------------------------------------------------------------
    Case("unknown option after the command", ["calendars", "--colour"], USAGE, "--colour"),
    Case("unknown global option", ["--verbose", "calendars"], USAGE, "--verbose"),
    Case("unknown auth subcommand", ["auth", "whoami"], USAGE, "whoami"),
    Case("option missing its value", ["events", "primary", "--time-min"], USAGE, "--time-min"),
    Case("extra argument", ["calendars", "primary"], USAGE, "primary"),
    Case("bad time", ["events", "primary", "--time-min", "next blue moon"], USAGE, "blue moon"),
    Case("bad date", ["events", "primary", "--time-max", "2024-02-30"], USAGE, "2024-02-30"),
    Case("bad offset unit", ["instances", "primary", "x", "--time-min", "+3y"], USAGE, "+3y"),
    Case(
        "bad original start",
        ["instances", "primary", "x", "--original-start", "soon"],
        USAGE,
        "soon",
    ),
    Case("bad enum", ["events", "primary", "--order-by", "title"], USAGE, "title"),
    Case("bad role", ["calendars", "--min-access-role", "root"], USAGE, "root"),
    Case("page size too big", ["events", "primary", "--max-results", "99999"], USAGE, "99999"),
    *(  # past sys.maxsize: was 'unexpected ValueError' from islice
        Case(f"limit past 2**63: {' '.join(a)}", [*a, "--limit", str(2**64)], USAGE, str(2**64))
        for a in (
            ["next"],
            ["agenda"],
            ["events", "primary", "--offline"],
            ["free", "--duration", "1h"],
        )
    ),
    Case("free duration past any date", ["free", "--duration", f"{2**64}m"], USAGE, "3660 days"),
    Case("free step of eleven years", ["free", "--step", "4018d"], USAGE, "3660 days"),
    Case("negative attendees", ["events", "primary", "--max-attendees", "x"], USAGE, "'x'"),
    Case("bad format after the command", ["calendars", "-f", "xml"], USAGE, "xml"),
    Case("bad format in env", ["calendars"], USAGE, "yaml", env={"GCAL_FORMAT": "yaml"}),
    Case("bad timeout in env", ["calendars"], USAGE, "soon", env={"GCAL_TIMEOUT": "soon"}),
    Case("negative retries", ["--retries", "-1", "calendars"], USAGE, "-1"),
    Case("too many retries", ["calendars", "--retries", "999"], USAGE, "999"),
    Case("negative retry time", ["--retry-max-time", "-5", "calendars"], USAGE, "-5"),
    Case("legacy port flag, bad value", ["--auth_host_port", "http", "calendars"], USAGE),
    Case("legacy logging flag, bad level", ["--logging_level", "CHATTY", "calendars"], USAGE),
    Case("bad auth timeout", ["auth", "login", "--auth-timeout", "0"], USAGE, "--auth-timeout"),
    Case("unknown zone", ["events", "primary", "--time-zone", "Atlantis/Capital"], USAGE),
    Case("empty event id", ["instances", "primary", ""], USAGE, "eventId"),
    Case("bad usage via process", ["events", "primary", "--limit", "-3"], USAGE, sub=True),
    # -- client secrets (login reads them first) -------------------------------------------
    Case("client secrets missing", LOGIN, AUTH, "client_secrets", secrets_missing),
    Case("client secrets empty", LOGIN, AUTH, "not valid JSON", secrets_file(b"")),
    Case("client secrets not JSON", LOGIN, AUTH, "not valid JSON", secrets_file(b"{oops")),
    Case("client secrets JSON list", LOGIN, AUTH, "JSON object", secrets_json([1, 2])),
    Case("client secrets no section", LOGIN, AUTH, "installed", secrets_json({"x": {}})),
    Case(
        "client secrets section a string",
        LOGIN,
        AUTH,
        "installed",
        secrets_json({"installed": "x"}),
    ),
    Case("client secrets no client_id", LOGIN, AUTH, "client_id", installed(client_id=None)),
    Case("client secrets no secret", LOGIN, AUTH, "client_secret", installed(client_secret=None)),
    Case(
        "client secrets plain-http token_uri",
        LOGIN,
        AUTH,
        "plain-http",
        installed(token_uri="http://example.com/token"),
    ),
    Case("client secrets a directory", LOGIN, AUTH, "client", secrets_is_directory),
    Case(
        "client secrets binary", LOGIN, AUTH, "JSON", secrets_file(b"\xff\xfe\x00garbage"), sub=True
    ),
    # -- the credentials file ------------------------------------------------------------------
    Case("credentials empty", ["calendars"], AUTH, "is empty", credentials_file(b"")),
    Case("credentials truncated", ["calendars"], AUTH, "not valid JSON", credentials_truncated),
    Case("credentials a list", ["calendars"], AUTH, "JSON object", credentials_json([])),
    Case("credentials a string", ["calendars"], AUTH, "JSON object", credentials_json("tok")),
    Case("credentials a number", ["calendars"], AUTH, "JSON object", credentials_json(42)),
    Case("credentials wrong keys", ["calendars"], AUTH, "OAuth", credentials_json({"a": 1})),
    Case(
        "credentials service account",
        ["calendars"],
        AUTH,
        "service_account",
        credentials_json({"type": "service_account", "client_id": "x"}),
    ),
    Case(
        "credentials binary garbage",
        ["calendars"],
        AUTH,
        "calendar.dat",
        credentials_file(bytes(range(256))),
    ),
    Case("credentials a directory", ["calendars"], AUTH, "calendar.dat", credentials_is_directory),
    Case(
        "credentials dangling symlink", ["calendars"], AUTH, "symlink", credentials_dangling_symlink
    ),
    Case("credentials revoked refresh", ["calendars"], AUTH, "revoked", revoked_refresh_token),
    Case("not logged in, no terminal", ["calendars"], AUTH, "auth login", no_credentials),
    Case(
        "credentials wrong type, process",
        ["calendars"],
        AUTH,
        "JSON",
        credentials_json(1.5),
        sub=True,
    ),
    # -- pastes in the headless login ----------------------------------------------------------
    Case("paste garbage", LOGIN, AUTH, "3 attempts", input="!!!\n???\n%%%\n", prompts=True),
    Case("paste wrong state", LOGIN, AUTH, "3 attempts", input=WRONG_STATE * 3, prompts=True),
    Case(
        "paste access denied",
        LOGIN,
        AUTH,
        "access_denied",
        input="http://localhost:8080/?error=access_denied\n",
        prompts=True,
    ),
    Case("paste nothing (EOF)", LOGIN, AUTH, "end of input", input="", prompts=True),
    Case("paste unknown code", LOGIN, AUTH, "refused", input="4/0NotAValidCode\n", prompts=True),
    Case("paste EOF, process", LOGIN, AUTH, "end of input", sub=True, prompts=True),
    # -- not found -----------------------------------------------------------------------------
    Case("unknown calendar", ["events", "nobody@example.com"], NOT_FOUND, "nobody@example.com"),
    Case("unknown event", ["instances", "primary", "nosuchseries"], NOT_FOUND, "nosuchseries"),
    # a name (no "@") on no calendar: a usage error listing the calendars, as --calendar's
    Case("unknown calendar of an event", ["instances", "nope", "x"], USAGE, "'nope'", sub=True),
    # -- network -------------------------------------------------------------------------------
    Case("api endpoint refused", ["calendars", "--api-endpoint", CLOSED], NETWORK, CLOSED),
    Case(
        "api endpoint does not resolve",
        ["calendars", "--api-endpoint", "http://nonexistent.invalid/calendar/v3/"],
        NETWORK,
        "nonexistent.invalid",
    ),
    Case(
        "token endpoint refused", ["calendars"], NETWORK, "token endpoint", refused_token_endpoint
    ),
    Case("api endpoint not http", ["calendars", "--api-endpoint", "ftp://x/"], USAGE, "http(s)"),
    Case("api endpoint not a URL", ["calendars", "--api-endpoint", "calendar"], USAGE, "http(s)"),
    Case(
        "api endpoint https on a plain-http server",
        ["calendars", "--retries", "3", "--api-endpoint", "https://127.0.0.1:{port}/calendar/v3/"],
        NETWORK,
        "cannot reach",  # at once: a TLS failure is not worth retrying
    ),
    # -- API errors ----------------------------------------------------------------------------
    Case("api 400", ["calendars"], API, "HTTP 400", fault(400, "badRequest", "Bad Request")),
    Case("api 403", ["calendars"], API, "HTTP 403", fault(403, "forbidden", "Forbidden")),
    Case("api 410 sync token", ["calendars", "--sync-token", "bogus"], API, "sync", sub=True),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, emulator: Emulator, tmp_path: Path) -> None:
    assert len(CASES) >= 40
    account = Account(emulator, tmp_path)
    if case.setup is not None:
        case.setup(account, tmp_path)
    before = _snapshot(account.credentials)

    port = str(account.emu.port)
    args = [*account.args, *(arg.replace("{port}", port) for arg in case.args)]
    if case.sub:
        result = run_subprocess(args, input=case.input or "", env=case.env)
    else:
        result = run(args, input=case.input, env=case.env)

    assert result.code == case.code, result
    assert "Traceback" not in result.err, result.err
    errors = [line for line in result.err_lines if line.startswith("gcal: error:")]
    assert len(errors) == 1, result.err
    if not case.prompts:
        assert result.err_lines == errors, result.err
    assert case.words in errors[0], errors[0]
    assert _snapshot(account.credentials) == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_client_secrets(emulator: Emulator, tmp_path: Path) -> None:
    account = Account(emulator, tmp_path)
    secrets_unreadable(account, tmp_path)
    before = _snapshot(account.credentials)
    result = run([*account.args, *LOGIN])
    assert result.code == AUTH, result
    assert result.err_lines == [line for line in result.err_lines if "gcal: error:" in line]
    assert "Permission denied" in result.err
    assert _snapshot(account.credentials) == before


def _snapshot(path: Path) -> object:
    if path.is_symlink():
        return ("symlink", os.readlink(path))
    if path.is_dir():
        return "directory"
    return path.read_bytes() if path.exists() else None
