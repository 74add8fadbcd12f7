"""Reading the OAuth client file (`client_secrets.json`) downloaded from the Cloud console.

The `installed` shape (a "Desktop app" client) is what gcal wants. The `web` shape works only if
the loopback redirect URIs gcal uses are registered for it, so it is accepted with a warning.
`auth_uri` and `token_uri` are used exactly as given: that is what lets the emulator stand in
for Google.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
from pathlib import Path
from typing import Optional, Sequence, Tuple
from urllib.parse import urlsplit

from gcal import logs
from gcal.errors import AuthError
from gcal.paths import CONSOLE_HINT

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
#: the hosts of Google's token endpoints, past and present
GOOGLE_TOKEN_HOSTS = ("oauth2.googleapis.com", "accounts.google.com", "www.googleapis.com")


def trusted_token_hosts(api_endpoint: Optional[str]) -> Tuple[str, ...]:
    """Hosts besides Google's that may receive a code or refresh token: the host of
    --api-endpoint (or the config's api_endpoint), as the emulator and tests use."""
    if not api_endpoint:
        return ()
    try:
        host = urlsplit(api_endpoint).hostname
    except ValueError:
        return ()
    return (host.lower(),) if host else ()


def check_token_host(url: str, trusted: Sequence[str], source: object) -> None:
    """AuthError unless `url` (a token_uri) is Google's or on a `trusted` host: a client or
    token file planted with another token_uri must not get the client secret, a code with
    its PKCE verifier, or a refresh token."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        host = ""
    if host in GOOGLE_TOKEN_HOSTS or host in {h.lower() for h in trusted}:
        return
    raise AuthError(
        f"{source}: refusing to send a token to the token_uri {url}, which is not Google's; "
        f"if that server is yours, name it with --api-endpoint (or api_endpoint in the config)"
    )


@dataclasses.dataclass(frozen=True)
class ClientConfig:
    client_id: str
    client_secret: str
    auth_uri: str
    token_uri: str
    kind: str  # "installed" or "web"
    path: Optional[Path] = None
    revoke_uri: Optional[str] = None


def is_loopback_host(host: Optional[str]) -> bool:
    """Whether `host` is `localhost` or a loopback IP address (127.0.0.0/8, ::1).

    A name that merely starts with "127." (`127.attacker.example`) is not: plain http to it
    would send the client secret and tokens over the network unencrypted.
    """
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str, what: str, source: object) -> str:
    """`url` if it is https, or http on a loopback host (the emulator); AuthError otherwise."""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
        raise AuthError(f"{source}: {what} {url!r} is not an http(s) URL")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise AuthError(
            f"{source}: refusing plain-http {what} {url}: only loopback hosts may use http"
        )
    return url


def parse_client_secrets(data: object, source: object = "client secrets") -> ClientConfig:
    """A `ClientConfig` from the decoded JSON; AuthError (one line) when it is not one."""
    bad = f"{source} is not an OAuth client file"
    if not isinstance(data, dict):
        raise AuthError(f"{bad} (expected a JSON object); {CONSOLE_HINT}")
    if "installed" in data:
        kind = "installed"
    elif "web" in data:
        kind = "web"
    else:
        raise AuthError(
            f"{bad} (no 'installed' section; a Desktop app client is needed); {CONSOLE_HINT}"
        )
    section = data[kind]
    if not isinstance(section, dict):
        raise AuthError(f"{bad} ('{kind}' is not an object); {CONSOLE_HINT}")
    values = {}
    for key in ("client_id", "client_secret"):
        value = section.get(key)
        if not isinstance(value, str) or not value:
            raise AuthError(f"{bad} (missing '{kind}.{key}'); {CONSOLE_HINT}")
        values[key] = value
    for key, default in (("auth_uri", GOOGLE_AUTH_URI), ("token_uri", GOOGLE_TOKEN_URI)):
        value = section.get(key, default)
        if not isinstance(value, str) or not value:
            raise AuthError(f"{bad} ('{kind}.{key}' is not a URL); {CONSOLE_HINT}")
        values[key] = check_endpoint(value, key, source)
    revoke_uri = section.get("revoke_uri")
    if not isinstance(revoke_uri, str) or not revoke_uri:
        revoke_uri = None
    logs.register_secret(values["client_secret"])
    return ClientConfig(
        client_id=values["client_id"],
        client_secret=values["client_secret"],
        auth_uri=values["auth_uri"],
        token_uri=values["token_uri"],
        kind=kind,
        path=Path(str(source)) if isinstance(source, (str, Path)) else None,
        revoke_uri=revoke_uri,
    )


def load_client_secrets(path: Path, *, warn: bool = True) -> ClientConfig:
    """Read and check the OAuth client file at `path`."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise AuthError(f"cannot read OAuth client file {path}: {reason}; {CONSOLE_HINT}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # deep nesting: not a client file
        raise AuthError(f"OAuth client file {path} is not valid JSON; {CONSOLE_HINT}") from None
    config = parse_client_secrets(data, path)
    if config.kind == "web" and warn:
        logs.warn(
            f"{path} is a 'web' OAuth client: login works only if http://localhost:PORT/ "
            "(each port gcal uses) is registered as a redirect URI; a 'Desktop app' client "
            "needs no redirect URIs"
        )
    return config
