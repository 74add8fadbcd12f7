"""The authorization request and the code exchange, on `google_auth_oauthlib.flow.Flow`.

The library builds the authorization URL (with `state` and a PKCE S256 challenge) and trades the
code for tokens, checking the redirect's `state` itself. gcal wraps it where a command-line tool
needs more than the library gives:

* oauthlib refuses plain `http://` endpoints unless `OAUTHLIB_INSECURE_TRANSPORT` is set. It is
  set only while the library works against a loopback `http://` endpoint (the emulator), and
  restored at once; for any other host it is never set (and gcal refuses plain http to it
  before getting here, see `client_secrets.check_endpoint`). The loopback redirect URL handed to
  the library is read as `https://`, as google-auth-oauthlib's own local server does: it is only
  parsed, never requested.
* requests-oauthlib logs whole token requests and responses at DEBUG. The tokens of a response
  are registered as secrets (a `requests` response hook, which runs before any of its log
  lines) and gcal's log handler redacts them, and codes, verifiers and client secrets, from
  every line.
* The exchange gets gcal's `--timeout`, goes around any proxy for loopback hosts, and is
  retried with `--retries` like every other request when the endpoint fails transiently.
* The endpoint's answers and oauthlib's exceptions become gcal's errors: a 5xx or 429 is a
  network error (retried, then exit 5); an answer that is not a token endpoint's (a captive
  portal's HTML page) is exit 5; a refused code (`InvalidGrantError`), a foreign `state`
  (`MismatchingStateError`), a denial (`AccessDeniedError`) are exit 3 with what to do.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import threading
from typing import Any, Dict, Iterator, Optional, Sequence
from urllib.parse import urlencode, urlsplit, urlunsplit

from gcal import logs
from gcal.errors import AuthError, GcalError, NetworkError
from gcal.google import bounded
from gcal.google.client_secrets import ClientConfig, is_loopback_host
from gcal.google.credrecord import LOGIN_HINT, CredentialsRecord, utcnow
from gcal.google.tokenerrors import check_token_response, not_token_endpoint

log = logging.getLogger("gcal.google.oauthflow")

INSECURE_TRANSPORT_ENV = "OAUTHLIB_INSECURE_TRANSPORT"
RELAX_SCOPE_ENV = "OAUTHLIB_RELAX_TOKEN_SCOPE"
_env_lock = threading.RLock()


class StateMismatch(AuthError):
    """A redirect whose `state` is not this login's (a stale or forged URL)."""


class MissingCode(AuthError):
    """A redirect with neither a code nor an error (a pasted URL cut short, say)."""


def allows_plain_http(url: str) -> bool:
    """Whether `url` is a plain-http URL on a loopback host: the only case in which oauthlib's
    https-only rule is lifted."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "http" and is_loopback_host(parts.hostname)


@contextlib.contextmanager
def oauthlib_environment(url: str) -> Iterator[None]:
    """The process environment oauthlib reads, for one operation against `url`.

    `OAUTHLIB_INSECURE_TRANSPORT` is set only for a loopback `http://` URL and removed
    otherwise (even if the user's shell set it: gcal talks to real hosts over https only), and
    `OAUTHLIB_RELAX_TOKEN_SCOPE` lets the server grant fewer or more scopes than asked (Google
    adds `openid`; a user may untick a box): gcal stores what was granted and `gcal auth
    doctor` compares it with what it needs. Both are restored afterwards. The lock keeps two
    threads from interleaving their changes.
    """
    wanted = {INSECURE_TRANSPORT_ENV: "1" if allows_plain_http(url) else None, RELAX_SCOPE_ENV: "1"}
    with _env_lock:
        saved = {name: os.environ.get(name) for name in wanted}
        try:
            for name, value in wanted.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _client_config(client: ClientConfig) -> Dict[str, Any]:
    section = {
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "auth_uri": client.auth_uri,
        "token_uri": client.token_uri,
    }
    return {client.kind: section}


def _as_https(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("https", parts.netloc, parts.path, parts.query, parts.fragment))


class AuthRequest:
    """One login attempt: a `Flow` with its state, PKCE verifier, redirect URI and URL."""

    def __init__(self, client: ClientConfig, redirect_uri: str, scopes: Sequence[str]) -> None:
        from google_auth_oauthlib.flow import Flow

        self.client = client
        self.redirect_uri = redirect_uri
        self.scopes = list(scopes)
        self.flow = Flow.from_client_config(
            _client_config(client), scopes=self.scopes, redirect_uri=redirect_uri
        )
        session = self.flow.oauth2session
        # the body read within the time-out and at most 1 MB, before anything else reads it
        session.hooks["response"].insert(0, bounded.bounded_requests_body())
        session.hooks["response"].append(_register_response_secrets)
        session.register_compliance_hook("access_token_response", self._check_answer)
        if is_loopback_host(urlsplit(client.token_uri).hostname):
            session.trust_env = False  # never send a loopback request through a proxy
        with oauthlib_environment(client.auth_uri):
            # include_granted_scopes: incremental authorization, so a login that adds the
            # write scope keeps what was granted before (and a read login keeps a write grant)
            self.url, self.state = self.flow.authorization_url(
                prompt="consent", include_granted_scopes="true"
            )
        logs.register_secret(self.flow.code_verifier)

    @property
    def code_verifier(self) -> str:
        return self.flow.code_verifier

    # -- the redirect -----------------------------------------------------------------------

    def check_redirect(self, query: Dict[str, str], *, require_state: bool = True) -> str:
        """The code from the redirect's query; AuthError for a denial or a foreign state.

        oauthlib checks the state again at the exchange, but with `!=`: gcal compares it in
        constant time first, and turns a denial into a sentence that says what to do.
        """
        state = query.get("state")
        if state is not None and not hmac.compare_digest(
            state.encode("utf-8"), self.state.encode("utf-8")
        ):
            raise StateMismatch(
                "the redirect's state does not match this login (a stale or forged URL); "
                "start the login again"
            )
        if "error" in query:
            raise redirect_error(query.get("error") or "error", query.get("error_description"))
        if require_state and state is None:
            raise AuthError("the redirect has no state parameter; start the login again")
        code = query.get("code")
        if not code:
            raise MissingCode("the redirect carries no authorization code; start the login again")
        logs.register_secret(code)
        return code

    # -- the exchange -----------------------------------------------------------------------

    def exchange(
        self, code: str, settings: Any, query: Optional[Dict[str, str]] = None
    ) -> CredentialsRecord:
        """Trade the code for tokens through `Flow.fetch_token`, retried with `--retries`.

        With the redirect's `query`, the library is handed the whole redirect URL and checks
        its `state` itself; a bare pasted code is exchanged as it is.
        """
        from gcal.google.retry import call_with_retries

        logs.register_secret(code)
        if query is not None and query.get("state") is not None:
            response = _as_https(self.redirect_uri.split("?", 1)[0]) + "?" + urlencode(query)
            kwargs: Dict[str, Any] = {"authorization_response": response}
        else:
            kwargs = {"code": code}
        from gcal.google.client_secrets import check_token_host, trusted_token_hosts

        where = self.client.path or "the OAuth client file"
        check_token_host(self.client.token_uri, trusted_token_hosts(settings.api_endpoint), where)
        token = call_with_retries(settings, lambda: self._fetch(kwargs, settings.timeout))
        return record_from_token_response(dict(token), self.client, self.scopes)

    def _fetch(self, kwargs: Dict[str, Any], timeout: float) -> Dict[str, Any]:
        import requests
        from oauthlib.oauth2.rfc6749 import errors as oauth_errors

        endpoint = self.client.token_uri
        log.debug("exchanging the authorization code at %s", endpoint)
        try:
            with oauthlib_environment(endpoint):
                # requests' time-out is per read: the whole exchange gets one deadline
                return bounded.within(
                    timeout + 1.0,
                    lambda: self.flow.fetch_token(
                        timeout=timeout, include_client_id=True, **kwargs
                    ),
                    f"the token endpoint {endpoint}",
                )
        except GcalError:
            raise
        except oauth_errors.MismatchingStateError:
            raise StateMismatch(
                "the redirect's state does not match this login (a stale or forged URL); "
                "start the login again"
            ) from None
        except oauth_errors.OAuth2Error as exc:
            raise oauthlib_error(exc, endpoint) from None
        except requests.exceptions.RequestException as exc:
            raise request_error(exc, endpoint) from None
        except RecursionError:  # an answer nested deeper than any token answer
            raise not_token_endpoint(endpoint, "JSON nested too deeply") from None
        except Warning as exc:  # oauthlib's scope warning, should the relaxing ever be lost
            raise AuthError(f"the token endpoint {endpoint} granted other scopes: {exc}") from None

    def _check_answer(self, response: Any) -> Any:
        """requests-oauthlib parses any answer as a token, whatever its status: the status
        and shape are judged here first (5xx retried, a non-JSON 200 is not a token
        endpoint), and only an OAuth answer reaches oauthlib."""
        status = response.status_code
        log.debug("token endpoint answered HTTP %s", status)
        if status >= 400 and status < 500 and status not in (408, 429):
            return response  # an OAuth error body: oauthlib raises InvalidGrantError etc.
        check_token_response(status, response.headers, response.content, self.client.token_uri)
        if status != 200:
            raise NetworkError(f"the token endpoint {self.client.token_uri} answered HTTP {status}")
        return response


def _register_response_secrets(response: Any, *args: Any, **kwargs: Any) -> Any:
    """A `requests` hook: scrub the tokens of a token response from every later log line."""
    try:
        data = response.json()
    except (ValueError, RecursionError):
        return response
    if isinstance(data, dict):
        logs.register_secrets(
            data.get(key) for key in ("access_token", "refresh_token", "id_token")
        )
    return response


def redirect_error(error: str, description: Optional[str]) -> AuthError:
    """The error for a redirect carrying `error=...` (the user said no, or the server did)."""
    if error == "access_denied":
        return AuthError(
            "access was denied in the browser (error=access_denied); "
            f"{LOGIN_HINT} and approve the request to use gcal"
        )
    return AuthError(
        f"the authorization server refused the login: {error}"
        + (f" ({logs.redact(description)})" if description else "")
    )


def oauthlib_error(exc: Any, endpoint: str) -> GcalError:
    """gcal's error for an oauthlib `OAuth2Error` raised by the exchange."""
    from oauthlib.oauth2.rfc6749 import errors as oauth_errors

    if isinstance(exc, oauth_errors.AccessDeniedError):
        return redirect_error("access_denied", None)
    if isinstance(exc, oauth_errors.MissingCodeError):
        return AuthError("the redirect carries no authorization code; start the login again")
    if isinstance(exc, oauth_errors.MissingTokenError):
        return AuthError(f"the token endpoint {endpoint} sent a malformed token response")
    if isinstance(exc, oauth_errors.InsecureTransportError):
        return AuthError(f"refusing plain-http token endpoint {endpoint}: use https")
    error = getattr(exc, "error", None) or type(exc).__name__
    description = getattr(exc, "description", None)
    reason = str(error) + (f" ({logs.redact(description)})" if description else "")
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and (status >= 500 or status in (408, 429)):
        return NetworkError(f"the token endpoint {endpoint} failed: {reason}")
    return AuthError(
        f"the token endpoint {endpoint} refused the authorization code: {reason}; "
        "start the login again"
    )


def request_error(exc: BaseException, endpoint: str) -> NetworkError:
    """gcal's error for a token request that got no answer (see `transport_error`)."""
    from gcal.google.tokenerrors import transport_error

    return transport_error(exc, endpoint)


def record_from_token_response(
    data: Dict[str, Any], client: ClientConfig, requested: Sequence[str]
) -> CredentialsRecord:
    """The credentials record for a token response (as oauthlib parsed it)."""
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
    if isinstance(scope, str):
        scopes = scope.split()
    elif isinstance(scope, (list, tuple)):
        scopes = [str(s) for s in scope]
    else:
        scopes = []
    scopes = scopes or list(requested)
    if not refresh_token:
        logs.warn(
            "the authorization server sent no refresh token: you will have to log in again "
            "when the access token expires"
        )
    id_token = data.get("id_token")
    return CredentialsRecord(
        client_id=client.client_id,
        client_secret=client.client_secret,
        token_uri=client.token_uri,
        token=token,
        refresh_token=refresh_token or None,
        expiry=expiry,
        scopes=scopes,
        revoke_uri=client.revoke_uri,
        id_token_jwt=id_token if isinstance(id_token, str) else None,
        format="gcal",
    )
