"""The ways a person grants gcal access: through a redirect to gcal's local server, with the
browser opened for them (`local_server_flow`), or on a machine without one by pasting the URL
the browser ended on, or its code (`headless_flow`, `parse_pasted`); and whether this machine
can open a browser at all (`wants_headless`).

Separate from the login's life (`gcal.google.auth`: when to log in, saving, write access,
status, logout) because these talk to the person: prompts, the browser, the pasted answer.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any, Dict, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit

from gcal import logs
from gcal.errors import AuthError
from gcal.google.client_secrets import ClientConfig, is_loopback_host
from gcal.google.credrecord import LOGIN_HINT, CredentialsRecord
from gcal.google.oauthflow import AuthRequest, MissingCode, StateMismatch
from gcal.google.retry import attempts_text
from gcal.google.transport import http_request
from gcal.settings import SCOPES, WRITE_SCOPE, Settings

log = logging.getLogger("gcal.google.loginflows")

HEADLESS_ATTEMPTS = 3
DEFAULT_HEADLESS_PORT = 8080


def stderr_line(message: str = "") -> None:
    """`message` as a line of its own on stderr, as it is."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def _open_browser(url: str) -> None:
    """Open `url` with `webbrowser` (honours $BROWSER) without blocking the login."""

    def run() -> None:
        import webbrowser

        try:
            opened = webbrowser.open(url, new=1, autoraise=True)
        except Exception:  # a broken browser setup must not break the login
            opened = False
        if not opened:
            stderr_line("gcal: could not open a browser; open the URL above yourself.")

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


def _purpose(scopes: Tuple[str, ...]) -> str:
    if WRITE_SCOPE in scopes:
        return "to let gcal read and change your calendars' events"
    return "to let gcal read your calendars"


def local_server_flow(
    client: ClientConfig, settings: Settings, scopes: Tuple[str, ...] = SCOPES
) -> CredentialsRecord:
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
        return auth.exchange(code, settings, query)

    server = LoopbackServer(
        settings.auth_host_name, settings.auth_host_ports, state="", on_redirect=on_redirect
    )
    with server:
        auth = AuthRequest(client, server.redirect_uri, scopes)
        holder["auth"] = auth
        server.state = auth.state
        url = auth.url
        stderr_line(f"Open this URL in a browser {_purpose(scopes)}:")
        stderr_line()
        stderr_line(f"    {url}")
        stderr_line()
        stderr_line(
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
    return parse_pasted_answer(text, auth)[0]


def parse_pasted_answer(text: str, auth: AuthRequest) -> Tuple[str, Optional[Dict[str, str]]]:
    """(code, the pasted URL's query or None for a bare code); ValueError or AuthError
    (both worth another try) when the answer is neither."""
    text = text.strip().strip("'\"<>")
    if not text:
        raise ValueError("nothing was pasted")
    if "://" in text or "?" in text or "code=" in text or "error=" in text:
        query_text = urlsplit(text).query if "?" in text else text
        query = {k: v[0] for k, v in parse_qs(query_text, keep_blank_values=True).items()}
        if "code" not in query and "error" not in query:
            raise ValueError("that URL has no code parameter")
        return auth.check_redirect(query, require_state=False), query
    if any(c not in _CODE_CHARS for c in text) or len(text) < 4:
        raise ValueError("that does not look like an authorization code or a redirect URL")
    if "%" in text:
        # Copied out of the address bar, the code is still URL-encoded (`4%2F0Ab...`); sent as
        # is, it would be encoded again and refused. Google's codes never hold a literal "%".
        logs.register_secret(text)
        text = unquote(text)
    logs.register_secret(text)
    return text, None


def wants_headless(environ: Any, platform: str) -> Optional[str]:
    """Why a browser cannot be opened on this machine, or None: an SSH session (the browser
    would open on the far machine, if at all), or no display on a Unix desktop (no $DISPLAY or
    $WAYLAND_DISPLAY, and no $BROWSER naming a program that needs none)."""
    if any(environ.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")):
        return "this is an SSH session"
    if platform.startswith(("win", "darwin", "cygwin")):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY") or environ.get("BROWSER"):
        return None
    return "there is no display"


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def headless_flow(
    client: ClientConfig, settings: Settings, scopes: Tuple[str, ...] = SCOPES
) -> CredentialsRecord:
    """Login without a local server: the user pastes the redirected URL (or the code)."""
    redirect_uri = headless_redirect_uri(settings)
    port = urlsplit(redirect_uri).port
    auth = AuthRequest(client, redirect_uri, scopes)
    stderr_line(f"Open this URL in a browser (on any machine) {_purpose(scopes)}:")
    stderr_line()
    stderr_line(f"    {auth.url}")
    stderr_line()
    stderr_line(
        "After approving, your browser will fail to load a localhost page: copy the full URL "
        "from its address bar (or just the code) and paste it here."
    )
    stderr_line(
        f"(Alternatively, forward the port: `ssh -L {port}:localhost:{port} host`, then run "
        "gcal on that host without --noauth-local-webserver.)"
    )
    last_error: Optional[Exception] = None
    for attempt in range(1, HEADLESS_ATTEMPTS + 1):
        try:  # the prompt inside: a Ctrl-C right after it still ends the prompt line
            sys.stderr.write("Redirected URL or code: ")
            sys.stderr.flush()
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            stderr_line()  # end the prompt line, so the error that follows stands on its own
            raise
        if not line:
            stderr_line()
            raise AuthError("no authorization code was entered (end of input); login cancelled")
        if not _stdin_is_terminal():
            stderr_line()  # a piped answer is not echoed: end the prompt line before any message
        try:
            code, query = parse_pasted_answer(line, auth)
            # The library checks the pasted URL's state again: a mismatch is one more try.
            return auth.exchange(code, settings, query)
        except ValueError as exc:
            left = HEADLESS_ATTEMPTS - attempt
            stderr_line(
                f"gcal: {exc}. Expected the full URL your browser ended on "
                f"({redirect_uri}?state=...&code=...) or only the value of its code parameter."
                + (f" {attempts_text(left)} left." if left else "")
            )
            continue
        except StateMismatch as exc:
            last_error = exc
            left = HEADLESS_ATTEMPTS - attempt
            stderr_line(
                "gcal: that URL belongs to another login (its state does not match this one); "
                "paste the URL your browser ended on after opening the link above"
                + (f" ({attempts_text(left)} left)." if left else ".")
            )
            continue
        except MissingCode as exc:
            left = HEADLESS_ATTEMPTS - attempt
            stderr_line(f"gcal: {exc.message}." + (f" {attempts_text(left)} left." if left else ""))
            continue
    if isinstance(last_error, StateMismatch):
        raise StateMismatch(
            f"no URL of this login after {HEADLESS_ATTEMPTS} attempts (its state does not "
            f"match: a stale or forged URL); {LOGIN_HINT} to start over"
        )
    raise AuthError(
        f"no valid authorization code after {HEADLESS_ATTEMPTS} attempts; "
        f"{LOGIN_HINT} to start over"
    )
