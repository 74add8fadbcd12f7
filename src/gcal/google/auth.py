"""OAuth 2.0 for gcal: the installed-app login flows and the credentials the API layer uses.

Public entry points (the CLI calls these):

- `get_credentials(settings)`: valid credentials, refreshed and saved if needed; logs in only
  when there are none and the session is interactive.
- `login(settings)`: a new login (local redirect server, or headless copy-paste), saved.
- `status(settings)`: what the credentials file holds, without any token value.
- `logout(settings)`: revoke at the authorization server and delete the file.
- `demo_login(client_secrets_path, credentials_path, settings)`: a browserless login against
  the bundled emulator.

The ways a person grants access (the local redirect server and the browser, the headless
paste) are `gcal.google.loginflows`. The authorization request (with `state` and a PKCE S256
challenge) and the code exchange are google-auth-oauthlib's `Flow`, wrapped in
`gcal.google.oauthflow`; the redirect comes back to gcal's own loopback server
(`gcal.google.loopback`, which says why it is not the library's).
"""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, Optional
from urllib.parse import parse_qs, urlsplit, urlunsplit

from gcal import logs
from gcal.errors import (
    AuthError,
    CredentialsFileError,
    FirstContactError,
    GcalError,
    NetworkError,
)
from gcal.google.client_secrets import (
    check_endpoint,
    is_google_api,
    load_client_secrets,
    trusted_token_hosts,
)
from gcal.google.credentials import credentials_from_record
from gcal.google.credrecord import CredentialsRecord, format_expiry, utcnow
from gcal.google.credstore import CredentialsStore
from gcal.google.loginflows import (
    headless_flow,
    headless_redirect_uri,
    local_server_flow,
    stderr_line,
)
from gcal.google.oauthflow import (
    AuthRequest,
    StateMismatch,
    record_from_token_response,
)
from gcal.google.transport import http_request, make_request, network_reason, post_form
from gcal.paths import client_secrets_candidates, credentials_path, find_client_secrets
from gcal.settings import SCOPES, WRITE_SCOPE, WRITE_SCOPES, Settings

__all__ = [
    "AuthRequest",
    "StateMismatch",
    "demo_login",
    "get_credentials",
    "login",
    "logout",
    "make_request",
    "record_from_token_response",
    "status",
]


# --------------------------------------------------------------------------------------------
# The login


def _store(settings: Settings) -> CredentialsStore:
    return CredentialsStore(credentials_path(settings.credentials))


#: the key beside the token that holds when the login happened (oauth2client and google-auth
#: ignore keys they do not know, so calendar.dat stays readable by both)
LOGIN_TIME_KEY = "gcal_login_time"


def login_time(record: Optional[CredentialsRecord]):
    """When the login behind `record` happened (naive UTC), if gcal noted it."""
    from gcal.google.credrecord import parse_expiry

    value = record.extra.get(LOGIN_TIME_KEY) if record is not None else None
    if not isinstance(value, str):
        return None
    try:
        return parse_expiry(value)
    except (ValueError, OverflowError):
        return None


def _save(
    record: CredentialsRecord,
    store: CredentialsStore,
    settings: Any = None,
    *,
    new_login: bool = True,
):
    if new_login:
        record.extra[LOGIN_TIME_KEY] = format_expiry(utcnow())
    with store.lock():
        store.write(record)
    trusted = trusted_token_hosts(getattr(settings, "api_endpoint", None))
    return credentials_from_record(record, store, trusted)


def login(settings: Settings, *, write: bool = False):
    """A new login; saves the credentials file and says where on stderr. With `write`, the
    events scope is asked for beside the read-only one (incremental authorization keeps
    whatever was granted before)."""
    client = load_client_secrets(
        find_client_secrets(settings.client_secrets), google=is_google_api(settings.api_endpoint)
    )
    store = _store(settings)
    scopes = (*SCOPES, WRITE_SCOPE) if write else SCOPES
    if settings.noauth_local_webserver:
        record = headless_flow(client, settings, scopes)
    else:
        record = local_server_flow(client, settings, scopes)
    creds = _save(record, store, settings)
    stderr_line(f"gcal: authentication complete; credentials saved to {store.path.absolute()}")
    if write and not can_write(record):
        stderr_line(
            "gcal: the permission to change events was not granted (its box was not ticked); "
            "gcal can read your calendars but not change them"
        )
    return creds


def can_write(record: Optional[CredentialsRecord]) -> bool:
    """Whether the stored grant includes a scope that allows changing events."""
    return record is not None and bool(set(record.scopes or ()) & WRITE_SCOPES)


NO_WRITE = (
    "gcal may only read your calendars (the login did not grant changing events); "
    "to allow it, run 'gcal auth login --write'"
)


def nothing_set_up(settings: Settings) -> bool:
    """Whether this profile has neither a login nor an OAuth client file to log in with."""
    if _store(settings).path.exists():
        return False
    return not any(path.is_file() for path in client_secrets_candidates(settings.client_secrets))


def first_contact(settings: Settings) -> FirstContactError:
    """The block for a command that needs an account when nothing is set up."""
    profile = "" if settings.profile in (None, "default") else f" --profile {settings.profile}"
    missing = (
        "no Google account is set up yet"
        + (f" for profile {settings.profile}" if profile else "")
        + " (no login and no OAuth client file)"
    )
    return FirstContactError(
        f"{missing}; run `gcal auth setup{profile}`, or try `gcal --demo agenda`",
        [
            f"gcal: {missing}.",
            f"  To use your calendar:       gcal auth setup{profile}",
            "  To try gcal without one:    gcal --demo agenda",
        ],
    )


def not_logged_in(settings: Settings, store: CredentialsStore, *, write: bool = False):
    """The error for a command that finds no login and cannot start one now."""
    if nothing_set_up(settings):
        return first_contact(settings)
    # the profile's own login: a bare `gcal auth login` would log in the default profile
    profile = "" if settings.profile in (None, "default") else f" --profile {settings.profile}"
    login = f"run `gcal auth login{profile}`"
    if write:
        login = f"run 'gcal auth login{profile} --write'"
    return AuthError(f"not logged in (no credentials at {store.path}); {login}")


def write_credentials(settings: Settings):
    """Credentials that may change events. Without that permission: on a terminal, a login
    asking for it (incremental authorization); otherwise AuthError, before anything is sent."""
    store = _store(settings)
    record = store.read()
    if record is None or not can_write(record):
        if record is None and nothing_set_up(settings):
            raise first_contact(settings)
        if not _is_interactive(settings):
            if record is None:
                raise not_logged_in(settings, store, write=True)
            raise AuthError(NO_WRITE)
        stderr_line("gcal: changing events needs your permission once (Google asks for it now).")
        login(settings, write=True)
        record = store.read()
        if not can_write(record):
            raise AuthError(NO_WRITE)
    return get_credentials(settings)


def check_write_access(settings: Settings) -> None:
    """AuthError (exit 3) when the stored login may not change events and no login can be
    asked for now; nothing is sent."""
    store = _store(settings)
    record = store.read()
    if can_write(record):
        return
    if record is None and nothing_set_up(settings):
        raise first_contact(settings)
    if _is_interactive(settings):
        write_credentials(settings)
        return
    if record is None:
        raise not_logged_in(settings, store, write=True)
    raise AuthError(NO_WRITE)


def demo_login(
    client_secrets_path: os.PathLike | str,
    credentials_path: os.PathLike | str,
    settings: Settings,
    *,
    write: bool = False,
):
    """Log in against the emulator's OAuth endpoints with a scripted browser (no prompt);
    with `write`, with the permission to change events too."""
    client = load_client_secrets(Path(client_secrets_path))
    if not settings.api_endpoint:  # the emulator is named by the caller's own client file
        settings = settings.replace(api_endpoint=client.token_uri)
    scopes = (*SCOPES, WRITE_SCOPE) if write else SCOPES
    auth = AuthRequest(client, headless_redirect_uri(settings), scopes)
    try:
        response = http_request(auth.url, timeout=settings.timeout, follow_redirects=False)
    except (OSError, ValueError) as exc:
        raise NetworkError(
            f"cannot reach the authorization endpoint {client.auth_uri}: {network_reason(exc)}"
        ) from None
    location = next((v for k, v in response.headers.items() if k.lower() == "location"), None)
    if response.status not in (301, 302, 303, 307, 308) or not location:
        raise AuthError(
            f"the authorization endpoint {client.auth_uri} did not redirect "
            f"(HTTP {response.status})"
        )
    if not location.startswith(auth.redirect_uri):
        raise AuthError(f"the authorization endpoint redirected elsewhere than {auth.redirect_uri}")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    code = auth.check_redirect(query)
    record = auth.exchange(code, settings, query)
    return _save(record, CredentialsStore(credentials_path), settings)


def _is_interactive(settings: Settings) -> bool:
    if settings.interactive is not None:
        return bool(settings.interactive)
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def get_credentials(settings: Settings):
    """Valid credentials (refreshed and saved if expired); a login only if there are none."""
    store = _store(settings)
    record = store.read()
    if record is None:
        if not _is_interactive(settings) or nothing_set_up(settings):
            raise not_logged_in(settings, store)
        return login(settings)
    creds = credentials_from_record(record, store, trusted_token_hosts(settings.api_endpoint))
    if not creds.valid:
        from gcal.google.retry import call_with_retries

        call_with_retries(settings, lambda: creds.refresh(make_request(settings.timeout)))
    return creds


# --------------------------------------------------------------------------------------------
# status and logout


def id_token_email(record: CredentialsRecord) -> Optional[str]:
    """The account's email from the id token stored with the login, when there is one.

    oauth2client keeps the decoded claims (a dict); a google-auth style file may hold the JWT,
    whose payload is read without checking its signature (it only labels the account shown).
    """
    claims: Any = record.id_token if isinstance(record.id_token, dict) else None
    jwt = record.id_token_jwt or (record.id_token if isinstance(record.id_token, str) else None)
    if claims is None and jwt and jwt.count(".") == 2:
        payload = jwt.split(".")[1]
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (ValueError, UnicodeDecodeError):
            claims = None
    email = claims.get("email") if isinstance(claims, dict) else None
    return email if isinstance(email, str) and email else None


def stored_account(record: CredentialsRecord) -> Optional[str]:
    """The account a credentials file belongs to, as far as the file tells: the id token's
    email, else the `account` gcal noted at login (the primary calendar's id)."""
    noted = record.extra.get("account")
    return id_token_email(record) or (noted if isinstance(noted, str) and noted else None)


def note_account(settings: Settings, account: str) -> None:
    """Keep `account` in the credentials file (a key both oauth2client and google-auth
    ignore), so that `gcal auth list` can name it without a request."""
    store = _store(settings)
    with store.lock():
        record = store.read()
        if record is None or record.extra.get("account") == account:
            return
        record.extra["account"] = account
        store.write(record)


def status(settings: Settings) -> Dict[str, Any]:
    """What the credentials file holds (as found, before anything is refreshed); never a
    token value. The account is the id token's email when the login stored one, else None
    (`gcal.commands.accounts` asks the API)."""
    store = _store(settings)
    path = store.path
    info: Dict[str, Any] = {
        "profile": settings.profile,
        "credentials_file": str(path.absolute()),
        "exists": False,
    }
    record = store.read()
    if record is None:
        info["logged_in"] = False
        return info
    creds = credentials_from_record(record, store)
    valid = bool(record.token) and creds.valid
    account = stored_account(record)
    info.update(
        {
            "exists": True,
            "logged_in": True,
            "format": record.format,
            "client_id": record.client_id,
            "account": account,
            "scopes": list(record.scopes or []),
            "access": "read/write" if can_write(record) else "read",
            "token_uri": record.token_uri,
            "revoke_uri": revoke_url(record),
            "access_token_expiry": format_expiry(record.expiry),
            "access_token_valid": valid,
            "has_refresh_token": bool(record.refresh_token),
        }
    )
    return info


def revoke_url(record: CredentialsRecord) -> str:
    """Where to revoke: the file's `revoke_uri` when it is on the token endpoint's host,
    else the token endpoint with its last path segment replaced by `revoke`."""
    token = urlsplit(record.token_uri)
    if record.revoke_uri:
        revoke = urlsplit(record.revoke_uri)
        if (revoke.scheme, revoke.netloc) == (token.scheme, token.netloc):
            return record.revoke_uri
    path = token.path.rsplit("/", 1)[0] + "/revoke"
    return urlunsplit((token.scheme, token.netloc, path, "", ""))


def _not_a_damaged_token(path) -> Optional[str]:
    """Why the unreadable file at `path` is something else than a token file gone bad (a
    device, a folder, a big file, another program's text), or None: empty, cut short or
    binary garbage, which logout removes."""
    import stat

    from gcal.files import SMALL_FILE_LIMIT

    try:
        st = os.stat(path)  # a dangling symlink raises: removing the link harms nothing
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    if st.st_size > SMALL_FILE_LIMIT:
        return "is larger than a token file can be"
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None  # binary garbage
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped and not stripped.startswith("{"):
        return "holds other text"
    return None


def logout(settings: Settings) -> None:
    """Revoke the grant and delete the credentials file (a failed revoke only warns)."""
    store = _store(settings)
    with store.lock():
        try:
            record = store.read()
        except CredentialsFileError as exc:
            # A file gcal cannot read holds no token to revoke; logging out still removes it.
            if not (store.path.exists() or store.path.is_symlink()):
                raise
            other = _not_a_damaged_token(store.path)
            if other:  # `--credentials ~/.bashrc auth logout` must not delete it
                raise CredentialsFileError(
                    f"{store.path} {other}, not a damaged token file: not removing it "
                    "(check --credentials or GCAL_CREDENTIALS)"
                ) from None
            store.delete()
            logs.warn(
                f"{exc.message.split(';')[0]}: removed it without revoking anything "
                "(revoke access at https://myaccount.google.com/permissions if needed)"
            )
            stderr_line(f"gcal: logged out; removed {store.path}")
            return
        if record is None:
            stderr_line(f"gcal: not logged in (no credentials at {store.path}); nothing to do")
            return
        url = revoke_url(record)
        token = record.refresh_token or record.token
        problem = None
        try:
            check_endpoint(url, "revoke URL", store.path)
            status_code, data = post_form(url, {"token": token or ""}, settings.timeout)
            if status_code != 200:
                error = data.get("error") if isinstance(data, dict) else None
                if error != "invalid_token":  # already revoked or expired: nothing left to do
                    problem = f"HTTP {status_code}" + (f" ({error})" if error else "")
        except GcalError as exc:
            problem = exc.message
        store.delete()
    if problem:
        logs.warn(
            f"could not revoke the token at {url}: {problem}; removed it locally only "
            "(revoke access at https://myaccount.google.com/permissions)"
        )
    stderr_line(f"gcal: logged out; removed {store.path}")
