"""Request limits at the edge: how large a body each route takes, and how long it may stall.

:class:`BodyLimitMiddleware` is pure ASGI. It refuses a body whose ``Content-Length`` is over its
route's limit before calling the app, and counts the bytes of every other body as they arrive
(nothing is buffered here), answering 413 the moment the count passes the limit. A body that
stalls for :attr:`Limits.body_timeout_s` is answered 408. Either way the app then sees the client
as gone (``http.disconnect``) and its own answer is dropped.

The limits per route:

===================================  ========================================================
``POST /uploads/{id}``               the largest video the server accepts plus the form
                                     (the handler then holds each upload to the size its
                                     create call declared)
``/oauth/token``, ``/oauth2/token``  :attr:`Limits.token_body_bytes`
anything else                        :attr:`Limits.json_body_bytes`
===================================  ========================================================
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, cast

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimitMiddleware", "Limits"]

UPLOAD_PREFIX = "/uploads/"
TOKEN_PATHS = frozenset({"/oauth/token", "/oauth2/token"})


@dataclass(frozen=True)
class Limits:
    """How much a request may send, and how slowly; how many connections may be open.

    Attributes
    ----------
    token_body_bytes
        The largest body of the token endpoint (a form of four short fields).
    json_body_bytes
        The largest body of every other endpoint but the upload (JSON objects of a few fields).
    json_depth
        The deepest nesting of JSON arrays and objects accepted.
    upload_fields_bytes
        The most bytes of form fields an upload may send before its file.
    upload_parts
        The most parts an upload form may have before its file.
    part_header_bytes
        The most bytes of headers one part of an upload form may have.
    max_connections
        The most connections open at once. At the cap, a new connection closes the oldest one
        that has not sent a whole request yet (a slow or idle client), so ``/health`` and real
        requests still get in; when every connection is busy, the new one is answered 503. The
        cap is lowered to fit the process' open-file limit (two descriptors a connection, some
        kept for the database and files).
    header_timeout_s
        How long a connection may take to send a request's headers (from connecting, or from
        the end of its previous answer plus uvicorn's keep-alive time).
    body_timeout_s
        How long a request body may go without sending a byte.
    linger_s
        How long the rest of a body is still read and dropped after it was answered early (a
        413 or a refused upload), so that the client reads the answer, before the connection
        is closed.
    """

    token_body_bytes: int = 16 * 1024
    json_body_bytes: int = 64 * 1024
    json_depth: int = 32
    upload_fields_bytes: int = 64 * 1024
    upload_parts: int = 16
    part_header_bytes: int = 8 * 1024
    max_connections: int = 500
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    linger_s: float = 5.0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            seconds = item.name.endswith("_s")
            kinds: tuple[type, ...] = (int, float) if seconds else (int,)
            valid = isinstance(value, kinds) and not isinstance(value, bool)
            number = float(cast(float, value)) if valid else 0.0
            if not (math.isfinite(number) and number > 0):
                kind = "a positive number of seconds" if seconds else "a positive whole number"
                raise ValueError(f"Limits.{item.name} must be {kind}, not {value!r}")

    @property
    def upload_overhead_bytes(self) -> int:
        """What an upload form may add to its file: fields, part headers and boundaries."""
        return self.upload_fields_bytes + (self.upload_parts + 2) * (self.part_header_bytes + 128)

    def body_limit(self, path: str, max_upload_bytes: int) -> int:
        """The largest body a request to ``path`` may send."""
        if path.startswith(UPLOAD_PREFIX):
            return max_upload_bytes + self.upload_overhead_bytes
        if path in TOKEN_PATHS:
            return self.token_body_bytes
        return self.json_body_bytes


def content_length(scope: Scope) -> int | None:
    """The request's ``Content-Length`` as a number, or None when absent or not a number."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() and len(text) < 20 else None
    return None


async def send_json(send: Send, status: int, body: dict[str, Any], **headers: str) -> None:
    """Send a whole JSON response through a raw ASGI ``send``."""
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *((k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def too_large(scope: Scope, limit: int) -> dict[str, Any]:
    """The 413 body for a request to ``scope``'s route over ``limit`` bytes."""
    what = f"{scope.get('method', '')} {scope.get('path', '')}"
    return {
        "error": "payload_too_large",
        "message": f"the body of {what} is larger than this endpoint accepts ({limit} bytes)",
        "limit": limit,
    }


class _Exchange:
    """One request's progress: bytes received, whether its body ended, who answered."""

    def __init__(self) -> None:
        self.received = 0
        self.body_done = False
        self.started = False
        self.answered = False


class BodyLimitMiddleware:
    """Answers 413 for bodies over their route's limit and 408 for bodies that stall.

    Parameters
    ----------
    app
        The ASGI app.
    limit_for
        The largest body a request may send, given its path.
    body_timeout_s
        How long a body may go without sending a byte.
    """

    def __init__(
        self, app: ASGIApp, limit_for: Callable[[str], int], *, body_timeout_s: float
    ) -> None:
        self.app = app
        self.limit_for = limit_for
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = content_length(scope)
        if declared is not None and declared > limit:
            await send_json(send, 413, too_large(scope, limit))
            return
        exchange = _Exchange()

        async def answer(status: int, body: dict[str, Any]) -> Message:
            if not exchange.started:
                exchange.answered = True
                await send_json(send, status, body)
            return {"type": "http.disconnect"}

        async def limited_receive() -> Message:
            if exchange.answered:
                return {"type": "http.disconnect"}
            if exchange.body_done:  # waiting for a disconnect: no deadline
                return await receive()
            with anyio.move_on_after(self.body_timeout_s) as waited:
                message = await receive()
            if waited.cancelled_caught:
                return await answer(
                    408,
                    {
                        "error": "request_timeout",
                        "message": f"the request body stalled: no data for "
                        f"{self.body_timeout_s:g} s; send the request again",
                    },
                )
            if message["type"] == "http.request":
                exchange.received += len(message.get("body", b""))
                exchange.body_done = not message.get("more_body", False)
                if exchange.received > limit:
                    return await answer(413, too_large(scope, limit))
            return message

        async def guarded_send(message: Message) -> None:
            if exchange.answered:
                return  # the app's answer to a request this middleware already answered
            if message["type"] == "http.response.start":
                exchange.started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exchange.answered:
                raise
            # The app failed on the disconnect it was given after the 413/408: nothing to add.
