"""OAuth 2.0 for gcal: the installed-app login flows and the credentials the API layer uses.

Public entry points (the CLI calls these):

- `get_credentials(settings)`: valid credentials, refreshed and saved if needed; logs in only
  when there are none and the session is interactive.
- `login(settings)`: a new login (local redirect server, or headless copy-paste), saved.
- `status(settings)`: what the credentials file holds, without any token value.
- `logout(settings)`: revoke at the authorization server and delete the file.
- `demo_login(client_secrets_path, credentials_path, settings)`: a browserless login against
  the bundled emulator.

The authorization request always carries `state` and a PKCE S256 challenge. Token requests are
plain form POSTs made with urllib, so their timeouts, errors and logging stay under gcal's control
(and an `http://127.0.0.1` emulator needs no "insecure transport" switch).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import logging
import os
import secrets
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

from gcal import logs
from gcal.errors import AuthError, GcalError, NetworkError
from gcal.google.client_secrets import (
    ClientConfig,
    check_endpoint,
    is_loopback_host,
    load_client_secrets,
)
from gcal.google.credentials import (
    LOGIN_HINT,
    CredentialsRecord,
    CredentialsStore,
    NotHttpAnswer,
    credentials_from_record,
    format_expiry,
    utcnow,
)
from gcal.google.retry import attempts_text
from gcal.paths import credentials_path, find_client_secrets
from gcal.settings import SCOPES, Settings

log = logging.getLogger("gcal.google.auth")

HEADLESS_ATTEMPTS = 3
DEFAULT_HEADLESS_PORT = 8080


def _stderr(message: str = "") -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------------------------
# HTTP for the token endpoints (a google.auth transport over urllib)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener(url: str, follow_redirects: bool = True) -> urllib.request.OpenerDirector:
    handlers: list = []
    if is_loopback_host(urlsplit(url).hostname):
        handlers.append(urllib.request.ProxyHandler({}))  # never send loopback via a proxy
    if not follow_redirects:
        handlers.append(_NoRedirect())
    return urllib.request.build_opener(*handlers)


class _Response:
    def __init__(self, status: int, headers: Dict[str, str], data: bytes) -> None:
        self.status = status
        self.headers = headers
        self.data = data


def http_request(
    url: str,
    method: str = "GET",
    body: Optional[bytes] = None,
    headers: Optional[Dict[str, str]] = None,
    timeout: float = 30.0,
    follow_redirects: bool = True,
) -> _Response:
    """One HTTP request; any status is returned, a network failure raises OSError.

    An answer that is not HTTP (a bad status line, a truncated body) is a network failure too:
    urllib lets http.client's HTTPException through, which is no OSError.
    """
    request = urllib.request.Request(url, data=body, headers=dict(headers or {}), method=method)
    log.debug("%s %s", method, logs.redact(url))
    try:
        with _opener(url, follow_redirects).open(request, timeout=timeout) as response:
            return _Response(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as exc:
        try:
            data = exc.read()
        except (OSError, http.client.HTTPException):
            data = b""
        finally:
            exc.close()
        return _Response(exc.code, dict(exc.headers.items()) if exc.headers else {}, data)
    except http.client.BadStatusLine as exc:
        line = " ".join(str(exc.args[0] if exc.args else "").split())[:40]
        raise NotHttpAnswer(line) from exc
    except http.client.HTTPException as exc:
        raise ConnectionError(f"invalid HTTP response ({type(exc).__name__})") from exc


def make_request(timeout: float = 30.0):
    """A `google.auth.transport.Request` over urllib, `timeout` seconds per request."""
    from google.auth import exceptions as gexc
    from google.auth import transport

    class UrllibResponse(transport.Response):
        def __init__(self, response: _Response) -> None:
            self._response = response

        @property
        def status(self) -> int:
            return self._response.status

        @property
        def headers(self) -> Dict[str, str]:
            return self._response.headers

        @property
        def data(self) -> bytes:
            return self._response.data

    class UrllibRequest(transport.Request):
        def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
            if isinstance(body, str):
                body = body.encode("utf-8")
            try:
                response = http_request(
                    url, method, body, headers, timeout=timeout or default_timeout
                )
            except (OSError, ValueError) as exc:
                # The cause stays attached: gcal.google.credentials tells a refused connection (fail
                # fast) from a time-out (retry) by it.
                raise gexc.TransportError(_network_reason(exc)) from exc
            return UrllibResponse(response)

    default_timeout = timeout
    return UrllibRequest()


def _network_reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc.reason, str):
        exc = exc.reason  # type: ignore[assignment]
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):
        return "timed out"
    text = getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__
    return logs.redact(text)


def _post_form(url: str, fields: Dict[str, str], timeout: float) -> Tuple[int, Any]:
    body = urlencode(fields).encode("ascii")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    try:
        response = http_request(url, "POST", body, headers, timeout=timeout)
    except (OSError, ValueError) as exc:
        raise NetworkError(
            f"cannot reach the token endpoint {url}: {_network_reason(exc)}"
        ) from None
    try:
        data = json.loads(response.data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    return response.status, data


# --------------------------------------------------------------------------------------------
# The authorization request and the code exchange


class StateMismatch(AuthError):
    """A redirect whose `state` is not this login's (a stale or forged URL)."""


class AuthRequest:
    """One login attempt: state, PKCE verifier, redirect URI and the URL to open."""

    def __init__(self, client: ClientConfig, redirect_uri: str, scopes: Sequence[str]) -> None:
        self.client = client
        self.redirect_uri = redirect_uri
        self.scopes = list(scopes)
        self.state = secrets.token_urlsafe(24)
        self.code_verifier = secrets.token_urlsafe(64)[:96]
        logs.register_secret(self.code_verifier)
        digest = hashlib.sha256(self.code_verifier.encode("ascii")).digest()
        self.code_challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    @property
    def url(self) -> str:
        params = {
            "response_type": "code",
            "client_id": self.client.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(self.scopes),
            "state": self.state,
            "code_challenge": self.code_challenge,
            "code_challenge_method": "S256",
            "access_type": "offline",
            "prompt": "consent",
        }
        parts = urlsplit(self.client.auth_uri)
        query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))

    def check_redirect(self, query: Dict[str, str], *, require_state: bool = True) -> str:
        """The code from the redirect's query; AuthError for a denial or a foreign state."""
        state = query.get("state")
        if state is not None and not hmac.compare_digest(
            state.encode("utf-8"), self.state.encode("utf-8")
        ):
            raise StateMismatch(
                "the redirect's state does not match this login (a stale or forged URL); "
                "start the login again"
            )
        if "error" in query:
            error = query.get("error") or "error"
            if error == "access_denied":
                raise AuthError(
                    "access was denied in the browser (error=access_denied); "
                    f"{LOGIN_HINT} and approve the request to use gcal"
                )
            detail = query.get("error_description")
            raise AuthError(
                f"the authorization server refused the login: {error}"
                + (f" ({logs.redact(detail)})" if detail else "")
            )
        if require_state and state is None:
            raise AuthError("the redirect has no state parameter; start the login again")
        code = query.get("code")
        if not code:
            raise AuthError("the redirect carries no authorization code; start the login again")
        logs.register_secret(code)
        return code

    def exchange(self, code: str, timeout: float) -> CredentialsRecord:
        """Trade the code (with the PKCE verifier) for tokens at the token endpoint."""
        client = self.client
        logs.register_secret(code)
        status, data = _post_form(
            client.token_uri,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "code_verifier": self.code_verifier,
            },
            timeout,
        )
        if status != 200 or not isinstance(data, dict) or not data.get("access_token"):
            if isinstance(data, dict) and data.get("error"):
                error = str(data["error"])
                detail = data.get("error_description")
                reason = error + (f" ({logs.redact(detail)})" if detail else "")
            else:
                reason = f"HTTP {status}"
            if status >= 500 or status in (408, 429):
                raise NetworkError(f"the token endpoint {client.token_uri} failed: {reason}")
            raise AuthError(
                f"the token endpoint {client.token_uri} refused the authorization code: "
                f"{reason}; start the login again"
            )
        return record_from_token_response(data, client, self.scopes)


def record_from_token_response(
    data: Dict[str, Any], client: ClientConfig, requested: Sequence[str]
) -> CredentialsRecord:
    import datetime as dt

    token = data.get("access_token")
    refresh_token = data.get("refresh_token")
    if not isinstance(token, str) or (
        refresh_token is not None and not isinstance(refresh_token, str)
    ):
        raise AuthError(f"the token endpoint {client.token_uri} sent a malformed token response")
    logs.register_secrets([token, refresh_token, data.get("id_token")])
    expiry = None
    expires_in = data.get("expires_in")
    try:
        if expires_in is not None:
            expiry = utcnow() + dt.timedelta(seconds=int(expires_in))
    except (TypeError, ValueError, OverflowError):
        expiry = None
    scope = data.get("scope")
    scopes = scope.split() if isinstance(scope, str) and scope.strip() else list(requested)
    if not refresh_token:
        logs.warn(
            "the authorization server sent no refresh token: you will have to log in again "
            "when the access token expires"
        )
    return CredentialsRecord(
        client_id=client.client_id,
        client_secret=client.client_secret,
        token_uri=client.token_uri,
        token=token,
        refresh_token=refresh_token or None,
        expiry=expiry,
        scopes=scopes,
        revoke_uri=client.revoke_uri,
        format="gcal",
    )


# --------------------------------------------------------------------------------------------
# The flows


def _open_browser(url: str) -> None:
    """Open `url` with `webbrowser` (honours $BROWSER) without blocking the login."""

    def run() -> None:
        import webbrowser

        try:
            opened = webbrowser.open(url, new=1, autoraise=True)
        except Exception:  # a broken browser setup must not break the login
            opened = False
        if not opened:
            _stderr("gcal: could not open a browser; open the URL above yourself.")

    threading.Thread(target=run, name="gcal-browser", daemon=True).start()


def _demo_browser(url: str, timeout: float) -> None:
    """The demo's browser: the emulator consents at once, and its redirect is followed back to
    gcal's local server, exactly as a person's browser would after they click "Allow"."""

    def run() -> None:
        try:
            http_request(url, timeout=timeout)
        except OSError as exc:  # the login then times out with its own message
            log.debug("demo browser failed: %s", exc)

    threading.Thread(target=run, name="gcal-demo-browser", daemon=True).start()


def local_server_flow(client: ClientConfig, settings: Settings) -> CredentialsRecord:
    """Login through a redirect to a local server (the default)."""
    from gcal.google.loopback import LoopbackServer

    if not is_loopback_host(settings.auth_host_name):
        logs.warn(
            f"--auth-host-name {settings.auth_host_name} is not a loopback address: Google "
            "accepts only http://localhost or http://127.0.0.1 redirects for Desktop-app "
            "clients, so this login may fail with redirect_uri_mismatch"
        )
    holder: Dict[str, AuthRequest] = {}

    def on_redirect(query: Dict[str, str]) -> CredentialsRecord:
        auth = holder["auth"]
        code = auth.check_redirect(query)
        return auth.exchange(code, settings.timeout)

    server = LoopbackServer(
        settings.auth_host_name, settings.auth_host_ports, state="", on_redirect=on_redirect
    )
    with server:
        auth = AuthRequest(client, server.redirect_uri, SCOPES)
        holder["auth"] = auth
        server.state = auth.state
        url = auth.url
        _stderr("Open this URL in a browser to let gcal read your calendars:")
        _stderr()
        _stderr(f"    {url}")
        _stderr()
        _stderr(
            f"Waiting up to {settings.auth_timeout:g} s for the browser to return to "
            f"{server.redirect_uri} ..."
        )
        if settings.demo:
            _demo_browser(url, settings.timeout)
        elif settings.open_browser:
            _open_browser(url)
        record = server.wait(settings.auth_timeout)
    assert isinstance(record, CredentialsRecord)
    return record


def headless_redirect_uri(settings: Settings) -> str:
    ports = [p for p in settings.auth_host_ports if p] or [DEFAULT_HEADLESS_PORT]
    return f"http://localhost:{ports[0]}/"


_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/%+=")


def parse_pasted(text: str, auth: AuthRequest) -> str:
    """The code from a pasted redirect URL or bare code; AuthError (retryable) otherwise."""
    text = text.strip().strip("'\"<>")
    if not text:
        raise ValueError("nothing was pasted")
    if "://" in text or "?" in text or "code=" in text or "error=" in text:
        query_text = urlsplit(text).query if "?" in text else text
        query = {k: v[0] for k, v in parse_qs(query_text, keep_blank_values=True).items()}
        if "code" not in query and "error" not in query:
            raise ValueError("that URL has no code parameter")
        return auth.check_redirect(query, require_state=False)
    if any(c not in _CODE_CHARS for c in text) or len(text) < 4:
        raise ValueError("that does not look like an authorization code or a redirect URL")
    if "%" in text:
        # Copied out of the address bar, the code is still URL-encoded (`4%2F0Ab...`); sent as
        # is, it would be encoded again and refused. Google's codes never hold a literal "%".
        logs.register_secret(text)
        text = unquote(text)
    logs.register_secret(text)
    return text


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def headless_flow(client: ClientConfig, settings: Settings) -> CredentialsRecord:
    """Login without a local server: the user pastes the redirected URL (or the code)."""
    redirect_uri = headless_redirect_uri(settings)
    port = urlsplit(redirect_uri).port
    auth = AuthRequest(client, redirect_uri, SCOPES)
    _stderr("Open this URL in a browser (on any machine) to let gcal read your calendars:")
    _stderr()
    _stderr(f"    {auth.url}")
    _stderr()
    _stderr(
        "After approving, your browser will fail to load a localhost page: copy the full URL "
        "from its address bar (or just the code) and paste it here."
    )
    _stderr(
        f"(Alternatively, forward the port: `ssh -L {port}:localhost:{port} host`, then run "
        "gcal on that host without --noauth-local-webserver.)"
    )
    last_error: Optional[Exception] = None
    for attempt in range(1, HEADLESS_ATTEMPTS + 1):
        sys.stderr.write("Redirected URL or code: ")
        sys.stderr.flush()
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            _stderr()  # end the prompt line, so the error that follows stands on its own
            raise
        if not line:
            _stderr()
            raise AuthError("no authorization code was entered (end of input); login cancelled")
        if not _stdin_is_terminal():
            _stderr()  # a piped answer is not echoed: end the prompt line before any message
        try:
            code = parse_pasted(line, auth)
        except ValueError as exc:
            left = HEADLESS_ATTEMPTS - attempt
            _stderr(
                f"gcal: {exc}. Expected the full URL your browser ended on "
                f"({redirect_uri}?state=...&code=...) or only the value of its code parameter."
                + (f" {attempts_text(left)} left." if left else "")
            )
            continue
        except StateMismatch as exc:
            last_error = exc
            left = HEADLESS_ATTEMPTS - attempt
            _stderr(
                "gcal: that URL belongs to another login (its state does not match this one); "
                "paste the URL your browser ended on after opening the link above"
                + (f" ({attempts_text(left)} left)." if left else ".")
            )
            continue
        except AuthError as exc:
            if "access_denied" in exc.message or "refused the login" in exc.message:
                raise
            left = HEADLESS_ATTEMPTS - attempt
            _stderr(f"gcal: {exc.message}." + (f" {attempts_text(left)} left." if left else ""))
            continue
        return auth.exchange(code, settings.timeout)
    if isinstance(last_error, StateMismatch):
        raise StateMismatch(
            f"no URL of this login after {HEADLESS_ATTEMPTS} attempts (its state does not "
            f"match: a stale or forged URL); {LOGIN_HINT} to start over"
        )
    raise AuthError(
        f"no valid authorization code after {HEADLESS_ATTEMPTS} attempts; "
        f"{LOGIN_HINT} to start over"
    )


def _store(settings: Settings) -> CredentialsStore:
    return CredentialsStore(credentials_path(settings.credentials))


def _save(record: CredentialsRecord, store: CredentialsStore):
    with store.lock():
        store.write(record)
    return credentials_from_record(record, store)


def login(settings: Settings):
    """A new login; saves the credentials file and says where on stderr."""
    client = load_client_secrets(find_client_secrets(settings.client_secrets))
    store = _store(settings)
    if settings.noauth_local_webserver:
        record = headless_flow(client, settings)
    else:
        record = local_server_flow(client, settings)
    creds = _save(record, store)
    _stderr(f"gcal: authentication complete; credentials saved to {store.path.absolute()}")
    return creds


def demo_login(
    client_secrets_path: os.PathLike | str, credentials_path: os.PathLike | str, settings: Settings
):
    """Log in against the emulator's OAuth endpoints with a scripted browser (no prompt)."""
    client = load_client_secrets(Path(client_secrets_path))
    auth = AuthRequest(client, headless_redirect_uri(settings), SCOPES)
    try:
        response = http_request(auth.url, timeout=settings.timeout, follow_redirects=False)
    except (OSError, ValueError) as exc:
        raise NetworkError(
            f"cannot reach the authorization endpoint {client.auth_uri}: {_network_reason(exc)}"
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
    record = auth.exchange(code, settings.timeout)
    return _save(record, CredentialsStore(credentials_path))


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
        if not _is_interactive(settings):
            raise AuthError(f"not logged in (no credentials at {store.path}); {LOGIN_HINT}")
        return login(settings)
    creds = credentials_from_record(record, store)
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


def status(settings: Settings) -> Dict[str, Any]:
    """What the credentials file holds (as found, before anything is refreshed); never a
    token value. The account is the id token's email when the login stored one, else None
    (`gcal.commands.accounts` asks the API)."""
    store = _store(settings)
    path = store.path
    info: Dict[str, Any] = {"credentials_file": str(path.absolute()), "exists": False}
    record = store.read()
    if record is None:
        info["logged_in"] = False
        return info
    creds = credentials_from_record(record, store)
    valid = bool(record.token) and creds.valid
    account = id_token_email(record)
    info.update(
        {
            "exists": True,
            "logged_in": True,
            "format": record.format,
            "client_id": record.client_id,
            "account": account,
            "scopes": list(record.scopes or []),
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


def logout(settings: Settings) -> None:
    """Revoke the grant and delete the credentials file (a failed revoke only warns)."""
    store = _store(settings)
    with store.lock():
        record = store.read()
        if record is None:
            _stderr(f"gcal: not logged in (no credentials at {store.path}); nothing to do")
            return
        url = revoke_url(record)
        token = record.refresh_token or record.token
        problem = None
        try:
            check_endpoint(url, "revoke URL", store.path)
            status_code, data = _post_form(url, {"token": token or ""}, settings.timeout)
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
    _stderr(f"gcal: logged out; removed {store.path}")
