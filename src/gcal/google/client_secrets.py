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


#: The unedited example file's values (client_secrets.example.json)
EXAMPLE_CLIENT_ID = "123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com"
EXAMPLE_CLIENT_SECRET = "GOCSPX-replace-with-your-client-secret"
GOOGLE_CLIENT_ID_SUFFIX = ".apps.googleusercontent.com"
DEFAULT_PORTS = (8080, 8090)
DOWNLOAD_AGAIN = (
    "download the client's JSON again (Cloud console > APIs & Services > Credentials > "
    "your OAuth client > Download JSON)"
)


class ClientFileError(AuthError):
    """An OAuth client file gcal cannot use; the message is one line saying what to do.

    Exit 3 like any login problem; `gcal auth setup` reports it as a usage error (exit 2)."""


def _ports_text(ports: Sequence[int]) -> str:
    shown = [p for p in ports if p] or list(DEFAULT_PORTS)
    return " and ".join(f"http://localhost:{p}/" for p in shown)


def _web_redirects_ok(section: dict, ports: Sequence[int]) -> bool:
    """Whether a 'web' client lists the loopback redirect URI of every port gcal tries."""
    uris = section.get("redirect_uris")
    if not isinstance(uris, list):
        return False
    found = set()
    for uri in uris:
        if not isinstance(uri, str):
            continue
        try:
            parts = urlsplit(uri)
            port = parts.port
        except ValueError:
            continue
        if parts.scheme == "http" and is_loopback_host(parts.hostname):
            found.add(port)
    wanted = [p for p in ports if p] or list(DEFAULT_PORTS)
    return all(p in found for p in wanted)


def web_client_problem(source: object, ports: Sequence[int] = DEFAULT_PORTS) -> str:
    return (
        f"{source} is a 'web' OAuth client, made for websites: a command-line program needs a "
        f"'Desktop app' client ({CONSOLE_HINT}), or add {_ports_text(ports)} to this web "
        "client's authorized redirect URIs"
    )


def parse_client_secrets(
    data: object,
    source: object = "client secrets",
    *,
    strict: bool = False,
    google: Optional[bool] = None,
    ports: Sequence[int] = DEFAULT_PORTS,
) -> ClientConfig:
    """A `ClientConfig` from the decoded JSON; ClientFileError (one line: what is wrong and
    what to do) when it cannot serve.

    The rules every use shares: a JSON object with an `installed` (Desktop app) or `web`
    section holding `client_id` and `client_secret`, not the example file's placeholders, and
    https endpoints (http only on a loopback host, the emulator). `strict` (setup and doctor)
    also wants the `auth_uri` and `token_uri` a downloaded file always has, and refuses a web
    client that does not list the loopback redirect URIs of `ports`; login takes Google's
    endpoints for missing ones and only warns about a web client. With `google` true (the
    real Calendar API), a client id must end in `.apps.googleusercontent.com`.
    """
    bad = f"{source} is not an OAuth client file"
    if not isinstance(data, dict):
        raise ClientFileError(f"{bad} (expected a JSON object); {CONSOLE_HINT}")
    if "installed" in data:
        kind = "installed"
    elif "web" in data:
        kind = "web"
    else:
        what = " (it is a service account key)" if data.get("type") == "service_account" else ""
        raise ClientFileError(
            f"{bad}{what}: it has no 'installed' section (nor a 'web' one); a Desktop app "
            f"client is needed: {CONSOLE_HINT}"
        )
    section = data[kind]
    if not isinstance(section, dict):
        raise ClientFileError(f"{bad} ('{kind}' is not an object); {CONSOLE_HINT}")
    values = {}
    for key in ("client_id", "client_secret"):
        value = section.get(key)
        if not isinstance(value, str) or not value.strip():
            problem = (
                "is missing" if value is None
                else "is empty" if isinstance(value, str)
                else "is not text"
            )  # fmt: skip
            raise ClientFileError(f"{source}: '{kind}.{key}' {problem}; {DOWNLOAD_AGAIN}")
        values[key] = value.strip()
    if values["client_secret"] == EXAMPLE_CLIENT_SECRET or values["client_id"] == EXAMPLE_CLIENT_ID:
        raise ClientFileError(
            f"{source} is the unedited example file (its client id and secret are "
            f"placeholders); {CONSOLE_HINT}, then run `gcal auth setup --client-secrets-file "
            "PATH` with the downloaded file"
        )
    for key, default in (("auth_uri", GOOGLE_AUTH_URI), ("token_uri", GOOGLE_TOKEN_URI)):
        value = section.get(key)
        if value is None and not strict:
            value = default
        if not isinstance(value, str) or not value:
            missing = "is missing" if value is None else "is not a URL"
            raise ClientFileError(f"{source}: '{kind}.{key}' {missing}; {DOWNLOAD_AGAIN}")
        try:
            values[key] = check_endpoint(value, key, source)
        except AuthError as exc:
            raise ClientFileError(f"{exc.message}; {DOWNLOAD_AGAIN}") from None
    if google and not values["client_id"].endswith(GOOGLE_CLIENT_ID_SUFFIX):
        raise ClientFileError(
            f"{source}: client id {values['client_id'][:60]!r} is not a Google OAuth client id "
            f"(...{GOOGLE_CLIENT_ID_SUFFIX}); {DOWNLOAD_AGAIN}"
        )
    if strict and kind == "web" and not _web_redirects_ok(section, ports):
        raise ClientFileError(web_client_problem(source, ports))
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


def is_google_api(api_endpoint: Optional[str]) -> bool:
    """Whether `--api-endpoint` (None: the default) is Google's Calendar API: only then must
    a client id be Google's."""
    if not api_endpoint:
        return True
    try:
        host = (urlsplit(api_endpoint).hostname or "").lower()
    except ValueError:
        return False
    return host == "googleapis.com" or host.endswith(".googleapis.com")


def read_client_data(path: Path) -> object:
    """The decoded JSON of the file at `path`; ClientFileError when unreadable or not JSON."""
    try:
        from gcal.files import read_capped

        raw = read_capped(path)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ClientFileError(
            f"cannot read OAuth client file {path}: {reason}; {CONSOLE_HINT}"
        ) from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # deep nesting: not a client file
        raise ClientFileError(
            f"OAuth client file {path} is not valid JSON (not the downloaded file, or cut "
            f"short?); {DOWNLOAD_AGAIN}"
        ) from None


def check_client_file(
    path: Path,
    *,
    google: Optional[bool] = None,
    ports: Sequence[int] = DEFAULT_PORTS,
) -> ClientConfig:
    """The strict check of setup and doctor: ClientFileError (one line) for any problem."""
    return parse_client_secrets(
        read_client_data(path), path, strict=True, google=google, ports=ports
    )


def load_client_secrets(
    path: Path, *, warn: bool = True, google: Optional[bool] = None
) -> ClientConfig:
    """Read and check the OAuth client file at `path` for a login (the lenient rules)."""
    config = parse_client_secrets(read_client_data(path), path, google=google)
    if config.kind == "web" and warn:
        logs.warn(
            f"{path} is a 'web' OAuth client: login works only if http://localhost:PORT/ "
            "(each port gcal uses) is registered as a redirect URI; a 'Desktop app' client "
            "needs no redirect URIs"
        )
    return config
