"""google-auth credentials that save themselves: `StoredCredentials` (built lazily, so that
google-auth is imported only when a token is used) renews its token under the credentials
file's lock, adopting a token another gcal process has just stored, and writes the renewal
back; `load_credentials` and `save_credentials` bind credentials to a file.

What the file holds is `gcal.google.credrecord`, the file on disk `gcal.google.credstore`,
and what a token endpoint's failure means `gcal.google.tokenerrors`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from typing import Any, List, Optional, Tuple

from gcal import logs
from gcal.errors import AuthError
from gcal.google.credrecord import GOOGLE_TOKEN_URI, LOGIN_HINT, CredentialsRecord, utcnow
from gcal.google.credstore import CredentialsStore
from gcal.google.tokenerrors import check_token_response, refresh_error, transport_error

#: google-auth renews a token this long before it expires (its `_helpers.REFRESH_THRESHOLD`)
REFRESH_THRESHOLD = dt.timedelta(minutes=3, seconds=45)


def _refresh_threshold() -> dt.timedelta:
    from google.auth import _helpers

    return getattr(_helpers, "REFRESH_THRESHOLD", REFRESH_THRESHOLD)


def is_fresh(record: CredentialsRecord, threshold: Optional[dt.timedelta] = None) -> bool:
    """Whether the stored access token can be sent as it is: google-auth's own rule (a token
    that expires within the threshold is renewed first). Without `threshold`, google-auth's
    default, so that this can be asked without importing google-auth."""
    if not record.token:
        return False
    if record.expiry is None:
        return True
    return record.expiry - (threshold or REFRESH_THRESHOLD) > utcnow()


def _is_fresh(record: CredentialsRecord) -> bool:
    return is_fresh(record, _refresh_threshold())


def _credentials_class():
    from google.oauth2 import credentials as oauth2_credentials

    class StoredCredentials(oauth2_credentials.Credentials):
        """google-auth user credentials bound to a credentials file.

        `refresh` (called by gcal and by google-auth-httplib2's `AuthorizedHttp` on a 401) locks
        the file, adopts a token another process has just stored, otherwise refreshes, and saves.
        Failures are raised as gcal's own errors.
        """

        _gcal_store: Optional[CredentialsStore] = None
        _gcal_record: Optional[CredentialsRecord] = None
        #: hosts besides Google's trusted with the refresh token (--api-endpoint's)
        _gcal_trusted: Tuple[str, ...] = ()

        def _make_copy(self):
            copy = super()._make_copy()
            copy._gcal_store = self._gcal_store
            copy._gcal_record = self._gcal_record
            return copy

        @property
        def store(self) -> Optional[CredentialsStore]:
            return self._gcal_store

        def refresh(self, request) -> None:
            store = self._gcal_store
            if store is None:
                self._refresh_now(request)
                return
            with store.lock():
                disk = store.read()
                ours = False
                if disk is not None and disk.client_id == self._client_id:
                    ours = True
                    if disk.token != self.token and _is_fresh(disk):
                        self.token = disk.token
                        self.expiry = disk.expiry
                        self._refresh_token = disk.refresh_token or self._refresh_token
                        self._gcal_record = disk
                        return
                    if disk.refresh_token:
                        self._refresh_token = disk.refresh_token
                    self._gcal_record = disk
                self._refresh_now(request)
                # A file removed meanwhile (`gcal auth logout`) or now holding another OAuth
                # client's login (`gcal auth login`) is newer than these credentials: this
                # process goes on with its refreshed token but must not put them back.
                if ours:
                    store.write(record_from_credentials(self, self._gcal_record))

        def _refresh_now(self, request) -> None:
            from google.auth import exceptions as gexc

            from gcal.google.client_secrets import check_endpoint, check_token_host

            where = self._gcal_store.path if self._gcal_store else "the credentials"
            endpoint = self._token_uri or GOOGLE_TOKEN_URI
            if not self._refresh_token:
                raise AuthError(
                    f"the access token in {where} has expired and there is no refresh token "
                    f"to renew it; {LOGIN_HINT}"
                )
            check_endpoint(endpoint, "token_uri", where)
            check_token_host(endpoint, self._gcal_trusted, where)
            statuses: List[int] = []

            def recording(*args: Any, **kwargs: Any) -> Any:
                # google-auth's RefreshError does not carry the HTTP status, which is what
                # tells a failing endpoint (5xx: try later) from a refused grant (log in).
                response = request(*args, **kwargs)
                statuses.append(response.status)
                check_token_response(response.status, response.headers, response.data, endpoint)
                return response

            try:
                super().refresh(recording)
            except gexc.RefreshError as exc:
                status = statuses[-1] if statuses else None
                raise refresh_error(exc, endpoint, where, status) from None
            except (gexc.TransportError, OSError) as exc:
                # google-auth-httplib2 (the refresh on a 401) lets socket time-outs through raw.
                raise transport_error(exc, endpoint) from None
            logs.register_secrets([self.token, self._refresh_token])

    return StoredCredentials


_CLASS = None


def stored_credentials_class():
    """The `google.oauth2.credentials.Credentials` subclass gcal hands out (built lazily)."""
    global _CLASS
    if _CLASS is None:
        _CLASS = _credentials_class()
    return _CLASS


def credentials_from_record(
    record: CredentialsRecord,
    store: Optional[CredentialsStore] = None,
    trusted: Tuple[str, ...] = (),
):
    """A `StoredCredentials` for `record`, saving its refreshes to `store`; its refresh token
    goes only to Google's token endpoint or one on a `trusted` host."""
    cls = stored_credentials_class()
    creds = cls(
        record.token,
        refresh_token=record.refresh_token,
        token_uri=record.token_uri,
        client_id=record.client_id,
        client_secret=record.client_secret,
        scopes=record.scopes,
        expiry=record.expiry,
    )
    creds._gcal_store = store
    creds._gcal_record = record
    creds._gcal_trusted = tuple(trusted)
    return creds


def record_from_credentials(creds, base: Optional[CredentialsRecord] = None) -> CredentialsRecord:
    """The record to store for `creds`, keeping the fields of `base` that google-auth lacks."""
    expiry = creds.expiry
    if expiry is not None and expiry.tzinfo is not None:
        expiry = expiry.astimezone(dt.timezone.utc).replace(tzinfo=None)
    fields = dict(
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        token_uri=creds.token_uri or GOOGLE_TOKEN_URI,
        token=creds.token,
        refresh_token=creds.refresh_token,
        expiry=expiry,
        scopes=list(creds.scopes) if creds.scopes else None,
        format="gcal",
    )
    if base is None:
        return CredentialsRecord(**fields)  # type: ignore[arg-type]
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]


def load_credentials(path: os.PathLike | str, trusted: Optional[Tuple[str, ...]] = None):
    """The stored credentials at `path` (bound to it for saving refreshes), or None. A program
    that names the file trusts its token endpoint unless `trusted` says which hosts to."""
    store = CredentialsStore(path)
    record = store.read()
    if record is None:
        return None
    if trusted is None:
        from gcal.google.client_secrets import trusted_token_hosts

        trusted = trusted_token_hosts(record.token_uri)
    return credentials_from_record(record, store, trusted)


def save_credentials(creds, path: os.PathLike | str, base: Optional[CredentialsRecord] = None):
    """Store `creds` at `path` under the lock; returns them bound to the file."""
    store = CredentialsStore(path)
    record = record_from_credentials(creds, base)
    with store.lock():
        store.write(record)
    bound = credentials_from_record(record, store)
    return bound
