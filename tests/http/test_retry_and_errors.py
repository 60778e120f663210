"""The shared HTTP core over real HTTP: retry decisions, Retry-After, error mapping."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from guru_form._http import (
    RetryPolicy,
    asend_with_retries,
    parse_retry_after,
    safe_url,
    send_with_retries,
)
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
from tests.fakehttp import DROP, FakeServer, Reply

FAST = RetryPolicy(max_retries=3, initial_delay=0.001, max_delay=0.002)


@pytest.fixture
def server():
    with FakeServer() as s:
        yield s


def _send(client: httpx.Client, method: str, url: str, **kw):
    waits: list[float] = []
    resp = send_with_retries(
        client, client.build_request(method, url), FAST, sleep=waits.append, **kw
    )
    return resp, waits


def test_retry_after_is_honoured_and_then_succeeds(server: FakeServer) -> None:
    server.route(
        "GET", "/r", Reply(429, headers={"Retry-After": "2"}), Reply(200, json={"ok": True})
    )
    with httpx.Client() as c:
        resp, waits = _send(c, "GET", server.url + "/r")
    assert resp.json() == {"ok": True}
    assert waits == [2.0]
    assert server.count("GET", "/r") == 2


def test_5xx_retried_with_growing_backoff_then_server_error(server: FakeServer) -> None:
    server.route("GET", "/down", Reply(503, json={"message": "maintenance"}))
    policy = RetryPolicy(max_retries=3, initial_delay=1, max_delay=3, jitter=0)
    waits: list[float] = []
    with httpx.Client() as c, pytest.raises(ServerError) as info:
        send_with_retries(
            c, c.build_request("GET", server.url + "/down"), policy, sleep=waits.append
        )
    assert waits == [1, 2, 3]
    assert server.count("GET", "/down") == 4
    assert info.value.status_code == 503
    assert "maintenance" in str(info.value)


def test_dropped_connection_on_get_is_retried(server: FakeServer) -> None:
    server.route("GET", "/flaky", DROP, Reply(200, json=[1]))
    with httpx.Client() as c:
        resp, waits = _send(c, "GET", server.url + "/flaky")
    assert resp.json() == [1] and len(waits) == 1


def test_dropped_post_is_not_resent_unless_marked_safe(server: FakeServer) -> None:
    server.route("POST", "/create", DROP, Reply(201, json={"id": "1"}))
    with httpx.Client() as c:
        with pytest.raises(APIConnectionError, match="connection dropped during POST"):
            _send(c, "POST", server.url + "/create")
        assert server.count("POST", "/create") == 1
        resp, _ = _send(c, "POST", server.url + "/create", resend_safe=True)
    assert resp.json() == {"id": "1"}


def test_post_500_not_resent_but_429_is(server: FakeServer) -> None:
    server.route("POST", "/a", Reply(500))
    server.route("POST", "/b", Reply(429), Reply(200, json={}))
    with httpx.Client() as c:
        with pytest.raises(ServerError):
            _send(c, "POST", server.url + "/a")
        assert server.count("POST", "/a") == 1
        _send(c, "POST", server.url + "/b")
    assert server.count("POST", "/b") == 2


def test_retry_after_longer_than_cap_raises_rate_limit_at_once(server: FakeServer) -> None:
    server.route("GET", "/slow", Reply(429, headers={"Retry-After": "3600"}))
    with httpx.Client() as c, pytest.raises(RateLimitError) as info:
        _send(c, "GET", server.url + "/slow")
    assert info.value.retry_after == 3600
    assert server.count("GET", "/slow") == 1


def test_timeout_becomes_api_timeout_error(server: FakeServer) -> None:
    server.route("GET", "/hang", Reply(200, delay=0.5))
    with httpx.Client(timeout=0.05) as c, pytest.raises(APITimeoutError, match="timed out"):
        send_with_retries(
            c, c.build_request("GET", server.url + "/hang"), RetryPolicy(max_retries=0)
        )


def test_connect_error_names_the_url_without_query() -> None:
    with httpx.Client() as c, pytest.raises(APIConnectionError) as info:
        send_with_retries(
            c,
            c.build_request("GET", "http://127.0.0.1:9/x?token=SECRET"),
            RetryPolicy(max_retries=0),
        )
    assert "SECRET" not in str(info.value) and "127.0.0.1:9/x" in str(info.value)


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (401, {"error": "access_denied", "error_description": "Unauthorized"}, AuthenticationError),
        (403, {"message": "nope"}, PermissionDeniedError),
        (404, None, NotFoundError),
        (
            400,
            {"first_name": ["Ensure this field has no more than 32 characters."]},
            ValidationError,
        ),
        (418, "I'm a teapot", APIError),
    ],
)
def test_error_mapping(server: FakeServer, status: int, body, cls) -> None:
    reply = Reply(status, json=body) if not isinstance(body, str) else Reply(status, body=body)
    reply.headers["x-request-id"] = "req-42"
    server.route("GET", "/e", reply)
    with httpx.Client() as c, pytest.raises(cls) as info:
        _send(c, "GET", server.url + "/e")
    err = info.value
    assert err.status_code == status and err.request_id == "req-42"
    if cls is AuthenticationError:
        assert "Unauthorized" in str(err)
    if cls is ValidationError:
        assert err.field_errors == {
            "first_name": ["Ensure this field has no more than 32 characters."]
        }


def test_field_errors_nested_under_errors(server: FakeServer) -> None:
    body = {
        "error": "validation_error",
        "message": "size: too big",
        "errors": {"size": ["too big"]},
    }
    server.route("POST", "/v", Reply(400, json=body))
    with httpx.Client() as c, pytest.raises(ValidationError) as info:
        _send(c, "POST", server.url + "/v")
    assert info.value.field_errors == {"size": ["too big"]}


def test_raise_for_status_false_returns_final_error_response(server: FakeServer) -> None:
    server.route("GET", "/gone", Reply(404, json={"message": "gone"}))
    with httpx.Client() as c:
        resp, _ = _send(c, "GET", server.url + "/gone", raise_for_status=False)
    assert resp.status_code == 404


def test_async_twin_behaves_the_same(server: FakeServer) -> None:
    server.route("GET", "/r", DROP, Reply(503), Reply(200, json={"n": 3}))
    waits: list[float] = []

    async def record(delay: float) -> None:
        waits.append(delay)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient() as c:
            req = c.build_request("GET", server.url + "/r")
            return await asend_with_retries(c, req, FAST, sleep=record)

    assert asyncio.run(go()).json() == {"n": 3}
    assert len(waits) == 2


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after({"Retry-After": "1.5"}) == 1.5
    assert parse_retry_after({"retry-after-ms": "20"}) == 0.02
    assert parse_retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None


def test_backoff_grows_and_is_capped() -> None:
    p = RetryPolicy(initial_delay=0.5, max_delay=3, jitter=0)
    assert [p.backoff(n) for n in range(1, 6)] == [0.5, 1, 2, 3, 3]
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)


def test_safe_url_strips_credentials() -> None:
    assert safe_url("http://u:p@127.0.0.1:8000/up/1?sig=x#f") == "http://127.0.0.1:8000/up/1"
