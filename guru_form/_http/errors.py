"""Turn error responses and transport failures into the errors of :mod:`guru_form.errors`."""

from __future__ import annotations

import json
from typing import Any

import httpx

from guru_form._http.retry import parse_retry_after
from guru_form.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)

__all__ = ["decode_body", "error_for_response", "error_for_transport", "request_id", "safe_url"]

_REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "cf-ray",
)
_NEXT_STEP = {
    401: "check the credentials (and that they are for this server)",
    403: "these credentials may not do this",
    404: "check the id or path",
    408: "the server timed out waiting for the request; try again",
    429: "too many requests; wait and try again, or lower the concurrency",
}


def safe_url(url: httpx.URL | str) -> str:
    """The URL without query string, fragment or user info: safe to show in messages and logs.

    Examples
    --------
    >>> safe_url("https://user:pw@host/path?signature=abc")
    'https://host/path'
    """
    u = httpx.URL(str(url))
    port = f":{u.port}" if u.port else ""
    return f"{u.scheme}://{u.host}{port}{u.path}"


def request_id(response: httpx.Response) -> str | None:
    """The server's request id, if it sent one."""
    for name in _REQUEST_ID_HEADERS:
        value: str | None = response.headers.get(name)
        if value:
            return value
    return None


def decode_body(response: httpx.Response) -> Any:
    """The response body as JSON if it is JSON, else its text (None when empty)."""
    if not response.content:
        return None
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return response.text


def _message_from(body: Any) -> str | None:
    if isinstance(body, dict):
        for key in ("error_description", "message", "detail", "error", "reason", "title"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
        return None
    if isinstance(body, str) and body.strip() and len(body) < 500 and "<html" not in body.lower():
        return body.strip()
    return None


def _field_errors(body: Any) -> dict[str, list[str]]:
    """``{field: [message, ...]}`` from a 400/422 body: every key whose value is a list of strings.

    Examples
    --------
    >>> _field_errors({"message": "invalid", "errors": {"size": ["too big"]}})
    {'size': ['too big']}
    >>> _field_errors({"error": "bad_request", "name": ["required"]})
    {'name': ['required']}
    """
    if not isinstance(body, dict):
        return {}
    nested = body.get("errors")
    if isinstance(nested, dict) and nested:
        body = nested  # {"message": ..., "errors": {"field": ["...", ...]}}
    return {
        str(key): list(value)
        for key, value in body.items()
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value)
    }


def error_for_response(response: httpx.Response, *, message: str | None = None) -> APIError:
    """The typed error for an error response.

    401 -> AuthenticationError, 403 -> PermissionDeniedError, 404 -> NotFoundError, 400/422 with
    per-field messages -> ValidationError, 429 -> RateLimitError, 5xx -> ServerError, anything else
    -> APIError. The message is the server's own (``error_description``, ``message``, ...) followed
    by what to do next; the URL shown has no query string.

    Parameters
    ----------
    response
        A response with an error status (its body is read).
    message
        Overrides the message taken from the body.
    """
    status = response.status_code
    body = decode_body(response)
    text = message or _message_from(body) or response.reason_phrase or "request failed"
    hint = _NEXT_STEP.get(status) or (
        "the server failed; try again later" if status >= 500 else None
    )
    if hint and not message:
        text = f"{text} ({hint})"
    common: dict[str, Any] = {
        "status_code": status,
        "body": body,
        "request_id": request_id(response),
        "method": response.request.method,
        "url": safe_url(response.request.url),
    }
    if status == 401:
        return AuthenticationError(text, **common)
    if status == 403:
        return PermissionDeniedError(text, **common)
    if status == 404:
        return NotFoundError(text, **common)
    if status == 429:
        return RateLimitError(text, retry_after=parse_retry_after(response.headers), **common)
    if status >= 500:
        return ServerError(text, **common)
    fields = _field_errors(body)
    if status in (400, 422) and fields:
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
        return ValidationError(message or detail, field_errors=fields, **common)
    return APIError(text, **common)


def error_for_transport(error: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    """The typed error for a request that got no (complete) answer."""
    where = f"{request.method} {safe_url(request.url)}"
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(
            f"{where} timed out ({type(error).__name__}); raise the timeout or try again later"
        )
    if isinstance(error, httpx.ConnectError):
        return APIConnectionError(
            f"could not connect for {where}: {error}; check the URL and your network"
        )
    return APIConnectionError(
        f"the connection dropped during {where} ({type(error).__name__}); try again"
    )
