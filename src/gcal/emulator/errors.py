"""Google's JSON error bodies, so clients meet the same shapes the real API sends."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

#: google.rpc status names for the HTTP codes the API uses
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    410: "FAILED_PRECONDITION",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

#: what Google says when a fault is injected without its own reason/message
DEFAULT_REASONS = {
    400: ("badRequest", "Bad Request"),
    401: ("authError", "Invalid Credentials"),
    403: ("forbidden", "Forbidden"),
    404: ("notFound", "Not Found"),
    409: ("conflict", "Conflict"),
    410: ("deleted", "Resource has been deleted"),
    429: ("rateLimitExceeded", "Rate Limit Exceeded"),
    500: ("backendError", "Backend Error"),
    502: ("backendError", "Bad Gateway"),
    503: ("backendError", "The service is currently unavailable."),
    504: ("backendError", "Deadline exceeded"),
}

AUTH_MESSAGE = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
    "or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)


class ApiError(Exception):
    """An error answered in Google's shape: {"error": {code, message, errors: [...], status}}."""

    def __init__(
        self,
        code: int,
        reason: Optional[str] = None,
        message: Optional[str] = None,
        *,
        item_message: Optional[str] = None,
        location: Optional[str] = None,
        location_type: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
        domain: str = "global",
    ) -> None:
        default_reason, default_message = DEFAULT_REASONS.get(code, ("error", "Error"))
        self.code = code
        self.reason = reason or default_reason
        self.message = message or default_message
        self.item_message = item_message or self.message
        self.location = location
        self.location_type = location_type
        self.headers = headers or {}
        self.domain = domain
        super().__init__(f"{code} {self.reason}: {self.message}")

    def body(self) -> Dict[str, Any]:
        item: Dict[str, Any] = {
            "domain": self.domain,
            "reason": self.reason,
            "message": self.item_message,
        }
        if self.location:
            item["locationType"] = self.location_type or "parameter"
            item["location"] = self.location
        err: Dict[str, Any] = {"code": self.code, "message": self.message, "errors": [item]}
        if self.code in STATUS_NAMES:
            err["status"] = STATUS_NAMES[self.code]
        return {"error": err}

    def to_json(self) -> bytes:
        return json.dumps(self.body(), indent=2).encode("utf-8")


def invalid(param: str, message: Optional[str] = None) -> ApiError:
    """A 400 for a bad parameter value, worded like Google's."""
    msg = message or f"Invalid value for: {param}"
    return ApiError(400, "invalid", msg, location=param, location_type="parameter")


def bad_request(message: str) -> ApiError:
    return ApiError(400, "badRequest", message)


def not_found() -> ApiError:
    return ApiError(404, "notFound", "Not Found")


def deleted() -> ApiError:
    """What Google answers for the instances of a recurring event that was deleted."""
    return ApiError(410, "deleted", "Resource has been deleted")


def auth_error() -> ApiError:
    return ApiError(
        401,
        "authError",
        AUTH_MESSAGE,
        item_message="Invalid Credentials",
        location="Authorization",
        location_type="header",
        headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
    )


def full_sync_required() -> ApiError:
    return ApiError(
        410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required."
    )
