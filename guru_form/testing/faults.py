"""Fault injection for tests: make the local server misbehave on purpose, and count what it received.

The production server knows nothing of this module: :class:`guru_form.testing.LocalServer` wraps the
server's app in :class:`FaultMiddleware`, runs analyses through :class:`~guru_form.testing.FaultyExecutor` (the server's
``executor`` setting) and applies token faults through the runtime's ``token_ttl_s`` and
:meth:`~guru_form.server.config.ServerRuntime.revoke_tokens`.

A :class:`Faults` controller holds rules, each for a path pattern (``*`` matches within one path
segment, ``**`` across segments) and optionally a method, applied to the next ``times`` matching
requests (``times=None``: every one until :meth:`Faults.reset`):

- :meth:`Faults.fail` / :meth:`Faults.rate_limit`: answer with a 5xx / 429 (with ``Retry-After``).
- :meth:`Faults.drop`: close the TCP connection without a response, before or after the request is
  processed (needs :class:`guru_form.testing.LocalServer`, whose proxy owns the client socket).
- :meth:`Faults.slow`: delay the response.
- :meth:`Faults.slow_analysis` / :meth:`Faults.fail_analysis`: the next analyses take longer / end Failed.
- :meth:`Faults.expire_tokens` / :meth:`Faults.set_token_ttl`: revoke every token issued so far / make
  new tokens short-lived.

Every request is recorded (:attr:`Faults.records`); :meth:`Faults.count` answers "how many uploads did
the server receive".
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["FaultMiddleware", "Faults", "RequestRecord"]

Dropper = Callable[[tuple[str, int]], Awaitable[None]]


class TokenSettings(Protocol):
    """What token faults change on a running server (:class:`~guru_form.server.config.ServerRuntime`)."""

    token_ttl_s: float

    def revoke_tokens(self, before: float | None = None) -> None:
        """Refuse every token issued at or before ``before``."""
        ...


@dataclass
class RequestRecord:
    """One request the server received.

    Attributes
    ----------
    method, path
        As received (the path has no query string).
    status
        The status answered; None when the connection was dropped or no answer was sent.
    fault
        The injected fault applied to it (``"status"``, ``"drop"``, ``"slow"``), if any.
    """

    method: str
    path: str
    status: int | None = None
    fault: str | None = None
    time: float = field(default_factory=time.time)


@dataclass
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    method: str | None
    remaining: int | None
    status: int = 0
    retry_after: float | None = None
    delay_s: float = 0.0
    after_processing: bool = False

    def matches(self, method: str, path: str) -> bool:
        if self.remaining == 0:
            return False
        if self.method is not None and self.method != method:
            return False
        return self.pattern.fullmatch(path) is not None

    def use(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1


@dataclass
class _AnalysisRule:
    delay_s: float
    reason: str | None
    remaining: int | None


def compile_path_pattern(pattern: str) -> re.Pattern[str]:
    """``/videos/*/analysis`` -> a regex; ``*`` stays within a segment, ``**`` crosses segments."""
    parts = re.split(r"(\*\*|\*)", pattern)
    regex = "".join(
        ".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part) for part in parts
    )
    return re.compile(regex)


def _retry_after_header(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


class Faults:
    """Injected faults and the record of requests, shared by a server across restarts.

    Examples
    --------
    >>> faults = Faults()
    >>> faults.rate_limit("/videos", method="POST", retry_after=1, times=2)
    >>> faults.count("/videos", method="POST")
    0
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._analysis: list[_AnalysisRule] = []
        self._records: list[RequestRecord] = []
        self.token_ttl_s: float | None = None
        self.revoked_before: float | None = None
        self._dropper: Dropper | None = None
        self._server: TokenSettings | None = None
        self._default_ttl_s: float | None = None

    def __repr__(self) -> str:
        with self._lock:
            active = sum(1 for r in self._rules if r.remaining != 0)
            return f"Faults(active_rules={active}, requests={len(self._records)})"

    # --- HTTP faults -------------------------------------------------------------------------------

    def _add(self, kind: str, path: str, method: str | None, times: int | None, **kw: Any) -> None:
        if times is not None and times < 1:
            raise ValueError("times must be a positive number of requests, or None for every one")
        rule = _Rule(
            kind,
            compile_path_pattern(path),
            None if method is None else method.upper(),
            times,
            **kw,
        )
        with self._lock:
            self._rules.append(rule)

    def fail(
        self,
        path: str,
        status: int = 503,
        *,
        method: str | None = None,
        times: int | None = 1,
        retry_after: float | None = None,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` (a JSON error body)."""
        if not 400 <= status <= 599:
            raise ValueError(f"an injected failure needs an error status, not {status}")
        self._add("status", path, method, times, status=status, retry_after=retry_after)

    def rate_limit(
        self,
        path: str,
        *,
        retry_after: float = 1,
        method: str | None = None,
        times: int | None = 1,
    ) -> None:
        """Answer the next ``times`` matching requests with 429 and ``Retry-After: retry_after``.

        Whole seconds are sent as integers (``"2"``); fractions as decimals (``"0.2"``).
        """
        self.fail(path, 429, method=method, times=times, retry_after=retry_after)

    def drop(
        self,
        path: str,
        *,
        method: str | None = None,
        times: int | None = 1,
        after_processing: bool = False,
    ) -> None:
        """Close the connection of the next ``times`` matching requests without any response.

        The client sees the connection closed or reset (with httpx: ``RemoteProtocolError`` "Server
        disconnected without sending a response", or now and then ``ReadError`` "Connection reset by
        peer", when request bytes were still unread), as with a real server that went away.

        Parameters
        ----------
        after_processing
            False: the request is dropped before the server acts on it. True: the server acts on
            it (creates the video, stores the upload...) and only the answer is lost.
        """
        if self._dropper is None:
            raise RuntimeError(
                "dropping connections needs the TCP proxy of guru_form.testing.LocalServer"
            )
        self._add("drop", path, method, times, after_processing=after_processing)

    def slow(
        self, path: str, seconds: float, *, method: str | None = None, times: int | None = 1
    ) -> None:
        """Delay the next ``times`` matching requests by ``seconds`` before they are handled."""
        self._add("slow", path, method, times, delay_s=seconds)

    # --- analysis and token faults ----------------------------------------------------------------

    def slow_analysis(self, seconds: float, *, times: int | None = 1) -> None:
        """The next ``times`` analyses take at least ``seconds`` before their outcome is stored."""
        with self._lock:
            self._analysis.append(_AnalysisRule(seconds, None, times))

    def fail_analysis(
        self,
        reason: str = "injected analysis failure",
        *,
        times: int | None = 1,
        after_s: float = 0.0,
    ) -> None:
        """The next ``times`` analyses end Failed with ``reason`` (after ``after_s`` seconds)."""
        with self._lock:
            self._analysis.append(_AnalysisRule(after_s, reason, times))

    def take_analysis_fault(self) -> tuple[float, str | None]:
        """``(extra seconds, failure reason or None)`` for the job about to be queued."""
        delay, reason = 0.0, None
        with self._lock:
            for rule in self._analysis:
                if rule.remaining == 0:
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                delay = max(delay, rule.delay_s)
                if rule.reason is not None and reason is None:
                    reason = rule.reason
        return delay, reason

    def expire_tokens(self) -> None:
        """Revoke every token issued so far: the next request with one gets a 401."""
        with self._lock:
            self.revoked_before = time.time()
            self._apply_tokens()

    def set_token_ttl(self, seconds: float | None) -> None:
        """Issue new tokens with this lifetime (``expires_in``); None restores the server's."""
        with self._lock:
            self.token_ttl_s = seconds
            self._apply_tokens()

    def _apply_tokens(self) -> None:
        server = self._server
        if server is None:
            return
        if self._default_ttl_s is not None:
            server.token_ttl_s = (
                self._default_ttl_s if self.token_ttl_s is None else self.token_ttl_s
            )
        if self.revoked_before is not None:
            server.revoke_tokens(self.revoked_before)

    # --- observation --------------------------------------------------------------------------------

    @property
    def records(self) -> list[RequestRecord]:
        """Every request received since the last :meth:`reset`, oldest first."""
        with self._lock:
            return list(self._records)

    def count(
        self, path: str | None = None, *, method: str | None = None, status: int | None = None
    ) -> int:
        """How many received requests match a path pattern, a method and an answered status.

        Examples
        --------
        >>> Faults().count("/uploads/*", method="POST", status=204)
        0
        """
        pattern = None if path is None else compile_path_pattern(path)
        wanted = None if method is None else method.upper()
        return sum(
            1
            for r in self.records
            if (pattern is None or pattern.fullmatch(r.path))
            and (wanted is None or r.method == wanted)
            and (status is None or r.status == status)
        )

    def reset(self) -> None:
        """Remove every rule, forget the records, restore token lifetime; revocations stay."""
        with self._lock:
            self._rules.clear()
            self._analysis.clear()
            self._records.clear()
            self.token_ttl_s = None
            self._apply_tokens()

    # --- used by the middleware ---------------------------------------------------------------------

    def attach_dropper(self, dropper: Dropper | None) -> None:
        """Give the controller a way to close a client's connection (LocalServer's proxy)."""
        self._dropper = dropper

    def attach_server(self, server: TokenSettings | None) -> None:
        """Apply token faults to ``server`` (a running server's runtime), now and when they change.

        The lifetime it has when attached is what :meth:`set_token_ttl` ``(None)`` restores.
        """
        with self._lock:
            self._server = server
            self._default_ttl_s = None if server is None else server.token_ttl_s
            self._apply_tokens()

    def _begin(self, method: str, path: str) -> tuple[RequestRecord, float, _Rule | None]:
        record = RequestRecord(method, path)
        delay, action = 0.0, None
        with self._lock:
            self._records.append(record)
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                if rule.kind == "slow":
                    rule.use()
                    delay += rule.delay_s
                elif action is None:
                    rule.use()
                    action = rule
        if delay:
            record.fault = "slow"
        return record, delay, action


class FaultMiddleware:
    """ASGI middleware applying a :class:`Faults` controller's rules and recording requests."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record, delay, action = self.faults._begin(scope["method"], scope["path"])
        if delay:
            await asyncio.sleep(delay)

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = int(message["status"])
            await send(message)

        if action is None:
            await self.app(scope, receive, recording_send)
            return
        record.fault = action.kind
        if action.kind == "status":
            await _drain(receive)
            await _error_response(recording_send, action)
            return
        if action.after_processing:
            await self.app(scope, receive, _discard)
        await self._drop(scope, receive)

    async def _drop(self, scope: Scope, receive: Receive) -> None:
        dropper = self.faults._dropper
        client = scope.get("client")
        if dropper is None or client is None:
            raise RuntimeError("no way to drop this connection (is the LocalServer proxy running?)")
        await dropper((str(client[0]), int(client[1])))
        # Wait for the server to notice the closed connection, so it sends nothing at all.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(_until_disconnect(receive), timeout=5)


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _discard(message: Message) -> None:
    return None


async def _drain(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


async def _error_response(send: Send, rule: _Rule) -> None:
    status = rule.status
    if status == 429:
        body = {"error": "rate_limited", "message": "too many requests; wait and try again"}
    else:
        body = {"error": "server_error", "message": f"injected fault: the server answered {status}"}
    headers = [(b"content-type", b"application/json")]
    if rule.retry_after is not None:
        headers.append((b"retry-after", _retry_after_header(rule.retry_after).encode()))
    payload = json.dumps(body).encode()
    headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
