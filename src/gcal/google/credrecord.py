"""What a credentials file (`calendar.dat`) holds (`CredentialsRecord`), read from either
format and written as one: the old oauth2client `Storage` JSON and google-auth's authorized-user
JSON are both read (`parse_credentials`); one JSON object holding the keys of both is written
(`serialize`), so the old sample and gcal can share a file. `token_uri` is kept exactly as
stored; keys gcal does not manage are carried over unchanged.

Separate from the file on disk (`gcal.google.credstore`) and from google-auth's credentials
(`gcal.google.credentials`): pure bytes to record and back, nothing read, locked or imported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any, Dict, List, Optional

from gcal import logs
from gcal.errors import CredentialsFileError

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
EXPIRY_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # oauth2client's, also read by google-auth
LOGIN_HINT = "run `gcal auth login`"

_OAUTH2CLIENT_CLASSES = ("OAuth2Credentials", "GoogleCredentials")
# Keys gcal writes itself; any other key found in a file is carried over unchanged.
_MANAGED_KEYS = frozenset(
    {
        "_module",
        "_class",
        "access_token",
        "client_id",
        "client_secret",
        "refresh_token",
        "token_expiry",
        "token_uri",
        "user_agent",
        "revoke_uri",
        "id_token",
        "id_token_jwt",
        "token_response",
        "scopes",
        "token_info_uri",
        "invalid",
        "type",
        "token",
        "expiry",
    }
)


@dataclasses.dataclass
class CredentialsRecord:
    """The content of a credentials file, whatever its format."""

    client_id: str
    client_secret: str
    token_uri: str = GOOGLE_TOKEN_URI
    token: Optional[str] = None
    refresh_token: Optional[str] = None
    expiry: Optional[dt.datetime] = None  # naive UTC
    scopes: Optional[List[str]] = None
    revoke_uri: Optional[str] = None
    user_agent: Optional[str] = None
    token_info_uri: Optional[str] = None
    id_token: Any = None  # oauth2client keeps the decoded claims here
    id_token_jwt: Optional[str] = None
    format: str = "gcal"  # "oauth2client", "google-auth" or "gcal"
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)

    def secrets(self) -> List[Optional[str]]:
        return [self.token, self.refresh_token, self.client_secret, self.id_token_jwt]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def format_expiry(value: Optional[dt.datetime]) -> Optional[str]:
    return None if value is None else value.strftime(EXPIRY_FORMAT)


def parse_expiry(value: str) -> dt.datetime:
    """A naive-UTC datetime from the ISO 8601 forms oauth2client and google-auth write."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    if "." in text:  # Python 3.9's fromisoformat wants exactly 3 or 6 fraction digits
        head, _, tail = text.partition(".")
        digits = ""
        while tail and tail[0].isdigit():
            digits, tail = digits + tail[0], tail[1:]
        text = f"{head}.{(digits + '000000')[:6]}{tail}"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed


# --------------------------------------------------------------------------------------------
# Parsing and serializing


def file_problem(path: object, what: str) -> CredentialsFileError:
    return CredentialsFileError(
        f"credentials file {path} {what}; fix or remove it, or {LOGIN_HINT} to replace it"
    )


def _opt_str(data: dict, key: str, path: object) -> Optional[str]:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise file_problem(path, f"has a non-string '{key}'")
    return value or None


def _scopes(value: object, path: object) -> Optional[List[str]]:
    if value is None:
        return None
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(s, str) for s in value):
        return list(value)
    raise file_problem(path, "has a malformed 'scopes' (expected a list of strings)")


def _expiry(value: object, key: str, path: object) -> Optional[dt.datetime]:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise file_problem(path, f"has a non-string '{key}'")
    try:
        return parse_expiry(value)
    except (ValueError, OverflowError):
        # As oauth2client does, an unreadable expiry is not fatal; the token is then refreshed.
        return dt.datetime(1970, 1, 1)


def parse_credentials(raw: bytes, path: object = "credentials file") -> CredentialsRecord:
    """The record held by `raw`; CredentialsFileError naming `path` when it holds none."""
    if not raw.strip():
        raise file_problem(path, "is empty")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise file_problem(path, "is not valid JSON (truncated or corrupted?)") from None
    if not isinstance(data, dict):
        raise file_problem(path, "is not a JSON object")

    kind = data.get("type")
    if kind is not None and kind != "authorized_user":
        # repr: a newline in the file must not split the one-line error
        raise file_problem(path, f"holds {kind!r:.40} credentials, not a user's (authorized_user)")
    klass = data.get("_class")
    if klass is not None and klass not in _OAUTH2CLIENT_CLASSES:
        raise file_problem(
            path, f"holds oauth2client {klass!r:.40} credentials, not OAuth2Credentials"
        )
    old = "_module" in data or "_class" in data or "token_expiry" in data or "access_token" in data
    new = kind == "authorized_user" or "token" in data or "expiry" in data
    if old and new:
        fmt = "gcal"
    elif old:
        fmt = "oauth2client"
    elif new or ("refresh_token" in data and "client_id" in data):
        fmt = "google-auth"
    else:
        raise file_problem(
            path, "does not hold OAuth credentials (no oauth2client or google-auth keys)"
        )

    client_id = _opt_str(data, "client_id", path)
    if client_id is None:
        raise file_problem(path, "has no 'client_id'")
    client_secret = _opt_str(data, "client_secret", path)
    if client_secret is None:
        raise file_problem(path, "has no 'client_secret'")
    refresh_token = _opt_str(data, "refresh_token", path)

    # An access token may be under either spelling; if both, the one expiring last wins.
    pairs = []
    for token_key, expiry_key in (("access_token", "token_expiry"), ("token", "expiry")):
        token = _opt_str(data, token_key, path)
        expiry = _expiry(data.get(expiry_key), expiry_key, path)
        if token is not None:
            pairs.append((token, expiry))
    token, expiry = None, None
    if pairs:
        token, expiry = max(pairs, key=lambda p: p[1] or dt.datetime.max)
    if token is None and refresh_token is None:
        raise file_problem(path, "holds neither an access token nor a refresh token")

    token_uri = _opt_str(data, "token_uri", path) or GOOGLE_TOKEN_URI
    id_token = data.get("id_token")
    record = CredentialsRecord(
        client_id=client_id,
        client_secret=client_secret,
        token_uri=token_uri,
        token=token,
        refresh_token=refresh_token,
        expiry=expiry,
        scopes=_scopes(data.get("scopes"), path),
        revoke_uri=_opt_str(data, "revoke_uri", path),
        user_agent=_opt_str(data, "user_agent", path),
        token_info_uri=_opt_str(data, "token_info_uri", path),
        id_token=id_token,
        id_token_jwt=_opt_str(data, "id_token_jwt", path),
        format=fmt,
        extra={k: v for k, v in data.items() if k not in _MANAGED_KEYS},
    )
    logs.register_secrets(record.secrets())
    if isinstance(id_token, str):
        logs.register_secret(id_token)
    return record


def serialize(record: CredentialsRecord) -> bytes:
    """One JSON object that oauth2client's `Storage` and google-auth's loaders both accept."""
    expiry = format_expiry(record.expiry)
    data: Dict[str, Any] = dict(record.extra)
    data.update(
        {
            # oauth2client.client.OAuth2Credentials
            "_module": "oauth2client.client",
            "_class": "OAuth2Credentials",
            "access_token": record.token,
            "client_id": record.client_id,
            "client_secret": record.client_secret,
            "refresh_token": record.refresh_token,
            "token_expiry": expiry,
            "token_uri": record.token_uri,
            "user_agent": record.user_agent,
            "revoke_uri": record.revoke_uri,
            "id_token": record.id_token,
            "id_token_jwt": record.id_token_jwt,
            "token_response": None,
            "scopes": list(record.scopes or []),
            "token_info_uri": record.token_info_uri,
            "invalid": False,
            # google.oauth2.credentials.Credentials (authorized_user)
            "type": "authorized_user",
            "token": record.token,
            "expiry": expiry,
        }
    )
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")
