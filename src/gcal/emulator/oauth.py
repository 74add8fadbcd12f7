"""Google's OAuth 2.0 endpoints for installed apps: authorize, token, revoke.

The authorization endpoint consents at once (no browser page to click through) and redirects to
the loopback `redirect_uri` with `code`, `state` and `scope`. The token endpoint checks what
Google checks: the client, the single-use code, the exact `redirect_uri`, and the PKCE verifier;
errors use Google's wording so clients' error handling is exercised for real.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple
from urllib.parse import urlencode, urlsplit

CODE_LIFETIME = 600.0
READONLY_SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
EVENTS_SCOPE = "https://www.googleapis.com/auth/calendar.events"
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"
DEFAULT_SCOPE = READONLY_SCOPE
#: scopes that allow the event write methods (insert, patch, update, delete, quickAdd, import,
#: move), as the discovery document lists them
WRITE_SCOPES = frozenset(
    {
        CALENDAR_SCOPE,
        EVENTS_SCOPE,
        "https://www.googleapis.com/auth/calendar.events.owned",
        "https://www.googleapis.com/auth/calendar.app.created",
    }
)

#: (status, headers, body, content type)
Reply = Tuple[int, Dict[str, str], object, str]


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: Optional[str]
    method: str
    scope: str
    expires: float


@dataclass
class _Refresh:
    client_id: str
    scope: str
    access_tokens: Set[str] = field(default_factory=set)
    issued: float = field(default_factory=time.time)


#: Google expires the refresh tokens of an app whose consent screen is in Testing after 7 days
TESTING_REFRESH_LIFETIME = 7 * 86400


@dataclass
class _Access:
    client_id: str
    scope: str
    expires: float
    refresh: Optional[str]


def _loopback(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        port = parts.port  # raises for a bad port
    except ValueError:
        return False
    del port
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")


def _page(status: int, error: str, detail: str) -> Reply:
    html = (
        f"<!DOCTYPE html><html><head><title>Error {status}: {error}</title></head><body>"
        f"<h1>Access blocked: authorization error</h1><p>Error {status}: {error}</p><p>{detail}</p>"
        "</body></html>"
    )
    return status, {}, html.encode("utf-8"), "text/html; charset=utf-8"


def _json(status: int, body: dict) -> Reply:
    return status, {"Cache-Control": "no-cache, no-store, max-age=0, must-revalidate"}, body, ""


def _err(status: int, error: str, description: str) -> Reply:
    return _json(status, {"error": error, "error_description": description})


class OAuthServer:
    """Clients, codes and tokens of the emulated authorization server."""

    def __init__(self, client_id: str, client_secret: str, token_lifetime: int) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self.rotate_refresh_tokens = False
        self.deny_consent = False
        self.require_pkce = True
        #: scopes the user "unticks" on the consent screen: asked for, never granted
        self.withheld_scopes: Set[str] = set()
        #: every scope the user has granted this client so far (what include_granted_scopes adds)
        self.granted_scopes: Set[str] = set()
        self.revoked: Set[str] = set()
        #: the consent screen's publishing status is Testing: refresh tokens last 7 days
        self.testing = False
        self.token_requests: List[Dict[str, str]] = []
        self._lock = threading.Lock()
        self._codes: Dict[str, _Code] = {}
        self._refresh: Dict[str, _Refresh] = {}
        self._access: Dict[str, _Access] = {}

    def issued_secrets(self) -> Set[str]:
        """Every token and code handed out, and every secret clients sent to /token."""
        with self._lock:
            found = set(self._access) | set(self._refresh) | set(self._codes)
            for form in self.token_requests:
                found.update(
                    form.get(key, "")
                    for key in ("code", "code_verifier", "refresh_token", "client_secret")
                )
        return {secret for secret in found if secret}

    # -- token bookkeeping -----------------------------------------------------------------

    def _new_access(self, client_id: str, scope: str, refresh: Optional[str]) -> str:
        token = "ya29." + secrets.token_urlsafe(32)
        self._access[token] = _Access(client_id, scope, time.time() + self.token_lifetime, refresh)
        if refresh is not None:
            self._refresh[refresh].access_tokens.add(token)
        return token

    def _new_refresh(self, client_id: str, scope: str) -> str:
        token = "1//" + secrets.token_urlsafe(40)
        self._refresh[token] = _Refresh(client_id, scope)
        return token

    def issue_tokens(self, scopes: Sequence[str] = (DEFAULT_SCOPE,)) -> dict:
        """Grant tokens to the registered client without the browser dance."""
        scope = " ".join(scopes)
        with self._lock:
            self.granted_scopes.update(scopes)
            refresh = self._new_refresh(self.client_id, scope)
            access = self._new_access(self.client_id, scope, refresh)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": self.token_lifetime,
            "token_type": "Bearer",
            "scope": scope,
        }

    def check_access(self, token: Optional[str]) -> Optional[str]:
        """The granted scope of a live access token, or None when it is not usable."""
        if not token:
            return None
        with self._lock:
            info = self._access.get(token)
            if info is None or token in self.revoked or info.expires <= time.time():
                return None
            return info.scope

    def expire_access_tokens(self) -> None:
        with self._lock:
            for info in self._access.values():
                info.expires = 0.0

    def age_refresh_tokens(self, seconds: float) -> None:
        """Make every refresh token handed out `seconds` older (the 7 days of Testing)."""
        with self._lock:
            for info in self._refresh.values():
                info.issued -= seconds

    # -- endpoints -------------------------------------------------------------------------

    def authorize(self, q: Dict[str, str]) -> Reply:
        """GET /o/oauth2/auth: validate, then redirect straight back with a code."""
        client_id = q.get("client_id", "")
        if client_id != self.client_id:
            return _page(401, "invalid_client", "The OAuth client was not found.")
        redirect_uri = q.get("redirect_uri", "")
        if not redirect_uri:
            return _page(400, "invalid_request", "Missing required parameter: redirect_uri")
        if not _loopback(redirect_uri):
            return _page(
                400,
                "redirect_uri_mismatch",
                "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 "
                f"policy. redirect_uri={redirect_uri}",
            )
        response_type = q.get("response_type", "")
        if not response_type:
            return _page(400, "invalid_request", "Required parameter is missing: response_type")
        if response_type != "code":
            return _page(
                400, "unsupported_response_type", f"Invalid response_type: {response_type}"
            )
        scope = q.get("scope", "").strip()
        if not scope:
            return _page(400, "invalid_request", "Missing required parameter: scope")
        challenge = q.get("code_challenge") or None
        method = q.get("code_challenge_method") or ("plain" if challenge else "")
        if challenge is None and self.require_pkce:
            return _page(400, "invalid_request", "Missing required parameter: code_challenge")
        if challenge is not None and method not in ("S256", "plain"):
            return _page(400, "invalid_request", "Invalid code_challenge_method value.")
        state = q.get("state")
        sep = "&" if "?" in redirect_uri else "?"
        scope = self._consent(scope, q.get("include_granted_scopes", "").lower() == "true")
        if self.deny_consent or not scope:
            params = [("error", "access_denied")]
            if state is not None:
                params.append(("state", state))
            return 302, {"Location": redirect_uri + sep + urlencode(params)}, b"", "text/html"
        code = "4/0A" + secrets.token_urlsafe(30)
        with self._lock:
            self._codes[code] = _Code(
                client_id, redirect_uri, challenge, method, scope, time.time() + CODE_LIFETIME
            )
        params = []
        if state is not None:
            params.append(("state", state))
        params += [("code", code), ("scope", scope)]
        return 302, {"Location": redirect_uri + sep + urlencode(params)}, b"", "text/html"

    def _consent(self, requested: str, include_granted: bool) -> str:
        """The scopes the user grants for a request: those asked for minus the ones the user
        unticked (granular consent), plus every earlier grant when `include_granted_scopes`
        (incremental authorization). Space-separated, in a stable order."""
        asked = [s for s in requested.split() if s]
        with self._lock:
            granted = [s for s in asked if s not in self.withheld_scopes]
            self.granted_scopes.update(granted)
            if include_granted:
                granted += sorted(self.granted_scopes - set(granted))
        seen: List[str] = []
        for s in granted:
            if s not in seen:
                seen.append(s)
        return " ".join(seen)

    def _client(self, form: Dict[str, str], basic: Optional[Tuple[str, str]]) -> Optional[Reply]:
        client_id = form.get("client_id")
        secret = form.get("client_secret")
        if basic is not None:
            client_id, secret = basic
        if not client_id:
            return _err(400, "invalid_request", "Could not determine client ID from request.")
        if client_id != self.client_id:
            return _err(401, "invalid_client", "The OAuth client was not found.")
        if secret != self.client_secret:
            return _err(401, "invalid_client", "Unauthorized")
        return None

    def token(self, form: Dict[str, str], basic: Optional[Tuple[str, str]]) -> Reply:
        """POST /token: authorization_code and refresh_token grants."""
        with self._lock:
            self.token_requests.append(dict(form))
        grant = form.get("grant_type", "")
        if not grant:
            return _err(400, "unsupported_grant_type", "Invalid grant_type: ")
        if grant not in ("authorization_code", "refresh_token"):
            return _err(400, "unsupported_grant_type", f"Invalid grant_type: {grant}")
        failure = self._client(form, basic)
        if failure is not None:
            return failure
        if grant == "authorization_code":
            return self._code_grant(form)
        return self._refresh_grant(form)

    def _code_grant(self, form: Dict[str, str]) -> Reply:
        code = form.get("code")
        if not code:
            return _err(400, "invalid_request", "Missing required parameter: code")
        with self._lock:
            grant = self._codes.pop(code, None)  # single use, even when the exchange fails
            if grant is None or grant.expires < time.time():
                return _err(400, "invalid_grant", "Bad Request")
            if grant.client_id != self.client_id:
                return _err(400, "invalid_grant", "Bad Request")
            if form.get("redirect_uri") != grant.redirect_uri:
                return _err(400, "redirect_uri_mismatch", "Bad Request")
            if grant.challenge is not None:
                verifier = form.get("code_verifier")
                if not verifier:
                    return _err(400, "invalid_grant", "Missing code verifier.")
                if grant.method == "S256":
                    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
                    computed = base64.urlsafe_b64encode(digest).decode().rstrip("=")
                else:
                    computed = verifier
                if computed != grant.challenge:
                    return _err(400, "invalid_grant", "Bad Request")
            refresh = self._new_refresh(grant.client_id, grant.scope)
            access = self._new_access(grant.client_id, grant.scope, refresh)
        return _json(
            200,
            {
                "access_token": access,
                "expires_in": self.token_lifetime,
                "refresh_token": refresh,
                "scope": grant.scope,
                "token_type": "Bearer",
            },
        )

    def _refresh_grant(self, form: Dict[str, str]) -> Reply:
        token = form.get("refresh_token")
        if not token:
            return _err(400, "invalid_request", "Missing required parameter: refresh_token")
        with self._lock:
            info = self._refresh.get(token)
            expired = (
                info is not None
                and self.testing
                and time.time() - info.issued >= TESTING_REFRESH_LIFETIME
            )
            if info is None or token in self.revoked or expired:
                return _err(400, "invalid_grant", "Token has been expired or revoked.")
            if info.client_id != self.client_id:
                return _err(401, "unauthorized_client", "Unauthorized")
            body = {"expires_in": self.token_lifetime, "scope": info.scope, "token_type": "Bearer"}
            if self.rotate_refresh_tokens:
                self.revoked.add(token)
                token = self._new_refresh(info.client_id, info.scope)
                body["refresh_token"] = token
            body["access_token"] = self._new_access(info.client_id, info.scope, token)
        return _json(200, dict(sorted(body.items())))

    def revoke(self, token: Optional[str]) -> Reply:
        """POST (or GET) /revoke: revoke a token; a refresh token takes its access tokens along."""
        with self._lock:
            if (
                not token
                or token in self.revoked
                or (token not in self._access and token not in self._refresh)
            ):
                return _err(400, "invalid_token", "Token expired or revoked")
            self.revoked.add(token)
            info = self._refresh.get(token)
            if info is not None:
                self.revoked.update(info.access_tokens)
            access = self._access.get(token)
            if access is not None and access.refresh is not None:
                # Google revokes the whole grant, whichever token of it is presented.
                self.revoked.add(access.refresh)
                grant = self._refresh.get(access.refresh)
                if grant is not None:
                    self.revoked.update(grant.access_tokens)
        return _json(200, {})
