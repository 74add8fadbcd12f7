"""`gcal auth doctor`: every login problem turned into a sentence that says what to do.

Six checks, each one line with ok, warn or fail: the OAuth client file, the token file, a
refresh at the token endpoint, the scopes granted, the clock against the token endpoint's
`Date`, and one cheap API call. A check that needs an earlier one which failed is skipped, so
one cause is reported once. The exit status is 5 when a check failed on the network, else 3
when one failed, else 0 (warnings included).
"""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any, Callable, Dict, List, Optional

from gcal.errors import AuthError, GcalError, NetworkError
from gcal.settings import SCOPES, Settings

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
# Scopes that let gcal read calendar lists and events (calendar.readonly or wider).
READ_SCOPES = frozenset(
    {
        "https://www.googleapis.com/auth/calendar",
        "https://www.googleapis.com/auth/calendar.readonly",
    }
)
TESTING_DAYS_FROM = 6.9  # a login this old refused with invalid_grant: the Testing expiry
SKEW_WARN = 60.0  # seconds: token expiry is judged early or late by this much
SKEW_FAIL = 300.0  # Google refuses requests from a clock this far off (and TLS may too)
TESTING_HINT = (
    "Google expires the refresh tokens of apps whose OAuth consent screen is in 'Testing' "
    "after 7 days: publish the app (Cloud console > APIs & Services > OAuth consent screen > "
    "Audience > Publish app; no review is needed for your own use) so that logins last, then "
    "run `gcal auth login`"
)


@dataclasses.dataclass
class Check:
    name: str
    status: str
    detail: str
    network: bool = False  # a failure of the network, not of the login

    def line(self) -> str:
        return f"{self.status:<4}  {self.name}: {self.detail}"


@dataclasses.dataclass
class _Context:
    settings: Settings
    record: Any = None
    store: Any = None
    creds: Any = None
    date_header: Optional[str] = None
    local_time: Optional[float] = None
    granted: Optional[List[str]] = None


def run_checks(settings: Settings, emit: Callable[[Check], None]) -> List[Check]:
    """Run every check, handing each result to `emit` as soon as it is known."""
    context = _Context(settings)
    results: List[Check] = []
    for check in (
        check_client_secrets,
        check_token_file,
        check_refresh,
        check_scopes,
        check_clock,
        check_api,
    ):
        result = check(context, results)
        results.append(result)
        emit(result)
    return results


def exit_code(results: List[Check]) -> int:
    failed = [r for r in results if r.status == FAIL]
    if any(r.network for r in failed):
        return NetworkError.exit_code
    if failed:
        return AuthError.exit_code
    return 0


def _failed(results: List[Check], name: str) -> bool:
    return any(r.name == name and r.status in (FAIL, SKIP) for r in results)


# --------------------------------------------------------------------------------------------
# The checks


def check_client_secrets(context: _Context, results: List[Check]) -> Check:
    from gcal.google.client_secrets import (
        check_client_file,
        check_token_host,
        is_google_api,
        is_loopback_host,
        trusted_token_hosts,
    )
    from gcal.paths import find_client_secrets

    name = "client secrets"
    settings = context.settings
    try:
        path = find_client_secrets(settings.client_secrets)
        client = check_client_file(
            path, google=is_google_api(settings.api_endpoint), ports=settings.auth_host_ports
        )
        check_token_host(client.token_uri, trusted_token_hosts(settings.api_endpoint), path)
    except GcalError as exc:
        return Check(name, FAIL, exc.message)
    if client.kind == "web":
        return Check(
            name,
            WARN,
            f"{path} is a 'web' OAuth client that lists gcal's loopback redirect URIs; a "
            "'Desktop app' client needs none",
        )
    import json

    try:
        section = json.loads(path.read_text(encoding="utf-8-sig")).get("installed", {})
    except (OSError, ValueError):
        section = {}
    uris = section.get("redirect_uris") if isinstance(section, dict) else None
    if isinstance(uris, list) and uris:
        from urllib.parse import urlsplit

        loopback = [
            u for u in uris if isinstance(u, str) and is_loopback_host(urlsplit(u).hostname)
        ]
        if not loopback:
            return Check(
                name,
                WARN,
                f"{path}: a Desktop app client whose redirect URIs ({', '.join(map(str, uris))}) "
                "name no loopback address; download the client's JSON again from the console",
            )
    return Check(name, OK, f"{path} (Desktop app client {client.client_id})")


def check_token_file(context: _Context, results: List[Check]) -> Check:
    from gcal.files import read_capped
    from gcal.google.credrecord import parse_credentials
    from gcal.google.credstore import CredentialsStore
    from gcal.paths import credentials_path

    name = "token file"
    path = credentials_path(context.settings.credentials)
    context.store = CredentialsStore(path)
    if not path.exists():
        if _failed(results, "client secrets"):  # no client file to log in with yet
            return Check(name, FAIL, f"no token file at {path}; run `gcal auth setup`")
        return Check(name, FAIL, f"no token file at {path}; run `gcal auth login`")
    try:
        raw = read_capped(path)
        record = parse_credentials(raw, path)
    except OSError as exc:
        return Check(name, FAIL, f"cannot read {path}: {exc.strerror or exc}")
    except GcalError as exc:
        return Check(name, FAIL, exc.message)
    context.record = record
    if os.name == "posix":
        mode = path.stat().st_mode & 0o777  # a symlink's target's
        if mode & 0o077:
            real = os.path.realpath(path)
            shown = f"{path} (a symlink to {real})" if path.is_symlink() else str(path)
            return Check(
                name,
                FAIL,
                f"{shown} is readable by others (mode {mode:o}): anyone who can read it can "
                f"read your calendars; run `chmod 600 {real}`",
            )
    readers = {
        "gcal": "gcal and calendar_sample.py (oauth2client) can both read it",
        "oauth2client": "written by calendar_sample.py (oauth2client); gcal reads it and adds "
        "its own keys on the next refresh",
        "google-auth": "a google-auth file; gcal reads it and adds oauth2client's keys on the "
        "next refresh",
    }
    return Check(name, OK, f"{path}, mode 600: {readers.get(record.format, record.format)}")


def check_refresh(context: _Context, results: List[Check]) -> Check:
    from gcal.google.credentials import credentials_from_record, record_from_credentials
    from gcal.google.transport import make_request

    name = "token refresh"
    record = context.record
    if record is None:
        return Check(name, SKIP, "no readable token file")
    if not record.refresh_token:
        return Check(
            name,
            FAIL,
            "the token file holds no refresh token, so the login ends when its access token "
            "expires; run `gcal auth login`",
        )
    from gcal.google.client_secrets import trusted_token_hosts

    trusted = trusted_token_hosts(context.settings.api_endpoint)
    creds = credentials_from_record(record, trusted=trusted)
    inner = make_request(context.settings.timeout)

    def recording(*args: Any, **kwargs: Any) -> Any:
        response = inner(*args, **kwargs)
        context.local_time = time.time()
        for key, value in (response.headers or {}).items():
            if str(key).lower() == "date":
                context.date_header = value
        return response

    def refresh() -> None:
        # Always a real refresh (a fresh access token on disk proves nothing), saved like any
        # other, so that a rotated refresh token is not lost.
        with context.store.lock():
            creds._refresh_now(recording)
            context.store.write(record_from_credentials(creds, record))

    try:
        from gcal.google.retry import call_with_retries

        call_with_retries(context.settings, refresh)
    except NetworkError as exc:
        return Check(name, FAIL, exc.message, network=True)
    except GcalError as exc:
        message = exc.message
        if "revoked or has expired" in message or "invalid_grant" in message:
            return Check(name, FAIL, refused_grant(record))
        return Check(name, FAIL, message)
    context.creds = creds
    granted = getattr(creds, "granted_scopes", None) or creds.scopes or record.scopes
    context.granted = list(granted or [])
    return Check(name, OK, f"a new access token from {record.token_uri}")


def refused_grant(record: Any, now: Optional[Any] = None) -> str:
    """What a refused refresh token (`invalid_grant`) means, from how old the login is: about
    7 days is the expiry of an app whose consent screen is in Testing."""
    from gcal.google.auth import login_time
    from gcal.google.credrecord import utcnow

    refused = f"the token endpoint {record.token_uri} refused the refresh token (invalid_grant)"
    when = login_time(record)
    if when is None:
        return f"{refused}: it was revoked, or it expired. {TESTING_HINT}"
    age = (now or utcnow()) - when
    days = age.total_seconds() / 86400
    if days >= TESTING_DAYS_FROM:
        return (
            f"{refused}, {days:.0f} days after the login on {when:%Y-%m-%d %H:%M} UTC: the "
            "7-day limit of an app in Testing. " + TESTING_HINT
        )
    return (
        f"{refused} {_age_text(days)} after the login on {when:%Y-%m-%d %H:%M} UTC, before "
        "the 7-day limit of an app in Testing: access was revoked (the password changed, or "
        "gcal was removed at https://myaccount.google.com/permissions); run `gcal auth login`"
    )


def _age_text(days: float) -> str:
    if days >= 1:
        return f"{days:.0f} day{'s' if round(days) != 1 else ''}"
    hours = days * 24
    return f"{hours:.0f} hour{'s' if round(hours) != 1 else ''}"


def check_scopes(context: _Context, results: List[Check]) -> Check:
    name = "scopes"
    if context.creds is None:
        return Check(name, SKIP, "no refreshed token to look at")
    granted = set(context.granted or [])
    if granted & READ_SCOPES:
        from gcal.settings import WRITE_SCOPES

        access = (
            "reads and changes events"
            if granted & WRITE_SCOPES
            else "reads only; 'gcal auth login --write' allows changing events"
        )
        return Check(name, OK, "granted " + " ".join(sorted(granted)) + f" ({access})")
    return Check(
        name,
        FAIL,
        f"the login granted {' '.join(sorted(granted)) or 'no scopes'} but gcal needs "
        f"{SCOPES[0]}; run `gcal auth login` and leave the calendar box ticked on Google's "
        "consent page",
    )


def check_clock(context: _Context, results: List[Check]) -> Check:
    from email.utils import parsedate_to_datetime

    name = "clock"
    if context.date_header is None or context.local_time is None:
        return Check(name, SKIP, "no answer from the token endpoint to compare with")
    try:
        remote = parsedate_to_datetime(context.date_header).timestamp()
    except (TypeError, ValueError):
        return Check(name, WARN, "the token endpoint's Date header is unreadable")
    skew = context.local_time - remote
    direction = "ahead of" if skew > 0 else "behind"
    text = f"this machine's clock is {abs(skew):.0f} s {direction} the token endpoint's"
    if abs(skew) > SKEW_FAIL:
        return Check(
            name,
            FAIL,
            f"{text}: tokens will look expired or valid when they are not; set the clock "
            "(enable NTP, e.g. `timedatectl set-ntp true`)",
        )
    if abs(skew) > SKEW_WARN:
        return Check(name, WARN, f"{text}; consider enabling NTP")
    return Check(name, OK, f"within {max(abs(skew), 1):.0f} s of the token endpoint's")


def check_api(context: _Context, results: List[Check]) -> Check:
    from gcal.commands.accounts import primary_calendar_id

    name = "Calendar API"
    if context.creds is None:
        return Check(name, SKIP, "no working token")
    if _failed(results, "scopes"):
        return Check(name, SKIP, "the token lacks the calendar scope")
    settings = context.settings
    where = settings.api_endpoint or "https://www.googleapis.com/calendar/v3/"
    try:
        account = primary_calendar_id(settings, context.creds)
    except NetworkError as exc:
        return Check(name, FAIL, exc.message, network=True)
    except GcalError as exc:
        return Check(name, FAIL, exc.message)
    who = f" as {account}" if account else ""
    return Check(name, OK, f"listed calendars at {where}{who}")


def summary(results: List[Check]) -> Dict[str, Any]:
    return {"checks": [dataclasses.asdict(r) for r in results], "exit_code": exit_code(results)}
