"""Retries, backoff and timeouts: the same rules as the Guru fitness client (guru_form._http)."""

from __future__ import annotations

import pytest

from guru_form.apis import GiosgClient, GuruKnowledgeClient, HelpSpotClient
from guru_form.errors import (
    APIConnectionError,
    APITimeoutError,
    HelpSpotError,
    RateLimitError,
    ServerError,
)
from tests.fakehttp import DROP, FakeServer, Reply

NOW = {"Retry-After": "0"}
ME = "/api/v5/users/me"
TEAMS = "/api/v6/orgs/o/teams"
HS = "/api/index.php"


def test_get_is_retried_after_503_and_429(scripted: FakeServer) -> None:
    scripted.route(
        "GET",
        ME,
        Reply(503, headers=NOW),
        Reply(429, headers=NOW),
        Reply(200, json={"id": "u"}),
    )
    with GiosgClient("token-value", base_url=scripted.url) as client:
        assert client.me() == {"id": "u"}
    assert scripted.count("GET", ME) == 3


def test_retries_stop_at_max_retries(scripted: FakeServer) -> None:
    scripted.route("GET", ME, Reply(503, json={"detail": "maintenance"}, headers=NOW))
    with (
        GiosgClient("token-value", base_url=scripted.url, max_retries=1) as client,
        pytest.raises(ServerError, match="maintenance"),
    ):
        client.me()
    assert scripted.count("GET", ME) == 2
    scripted.requests.clear()
    with (
        GiosgClient("token-value", base_url=scripted.url, max_retries=0) as client,
        pytest.raises(ServerError),
    ):
        client.me()
    assert scripted.count("GET", ME) == 1


def test_rate_limit_with_a_long_retry_after_is_raised_at_once(scripted: FakeServer) -> None:
    scripted.route("GET", ME, Reply(429, headers={"Retry-After": "3600"}))
    with (
        GiosgClient("token-value", base_url=scripted.url) as client,
        pytest.raises(RateLimitError) as info,
    ):
        client.me()
    assert info.value.retry_after == pytest.approx(3600) and scripted.count("GET", ME) == 1


def test_dropped_get_is_retried(scripted: FakeServer) -> None:
    scripted.route("GET", "/api/v1/collections", DROP, Reply(200, json=[{"id": "c"}]))
    with GuruKnowledgeClient("u", "token-value", base_url=scripted.url + "/api/v1") as guru:
        assert list(guru.collections()) == [{"id": "c"}]
    assert scripted.count("GET", "/api/v1/collections") == 2


def test_a_failing_page_is_retried_mid_listing(scripted: FakeServer) -> None:
    scripted.route(
        "GET",
        TEAMS,
        lambda rec: Reply(
            200, json={"next": f"{scripted.url}/p2", "previous": None, "results": [{"n": 1}]}
        ),
    )
    scripted.route(
        "GET",
        "/p2",
        Reply(502, headers=NOW),
        Reply(200, json={"next": None, "previous": None, "results": [{"n": 2}]}),
    )
    with GiosgClient("token-value", base_url=scripted.url) as client:
        assert [t["n"] for t in client.paginate(TEAMS)] == [1, 2]
    assert scripted.count("GET", "/p2") == 2


def test_post_that_may_have_been_processed_is_not_resent(scripted: FakeServer) -> None:
    scripted.route("POST", TEAMS, Reply(500, headers=NOW), Reply(201, json={"id": "t"}))
    with (
        GiosgClient("token-value", base_url=scripted.url) as client,
        pytest.raises(ServerError),
    ):
        client.post(TEAMS, json={"name": "Squad"})
    assert scripted.count("POST", TEAMS) == 1


def test_post_refused_unprocessed_with_429_is_resent(scripted: FakeServer) -> None:
    scripted.route("POST", TEAMS, Reply(429, headers=NOW), Reply(201, json={"id": "t"}))
    with GiosgClient("token-value", base_url=scripted.url) as client:
        assert client.post(TEAMS, json={"name": "Squad"}) == {"id": "t"}
    assert scripted.count("POST", TEAMS) == 2


def test_helpspot_create_dropped_is_not_resent(scripted: FakeServer) -> None:
    scripted.route("POST", HS, DROP, Reply(200, json={"xRequest": "1"}))
    with (
        HelpSpotClient(scripted.url, api_key="key-value") as hs,
        pytest.raises(APIConnectionError),
    ):
        hs.call("private.request.create", tNote="x", xCategory=1, sEmail="a@x")
    assert scripted.count("POST", HS) == 1


def test_helpspot_retries_a_503_then_reads_the_error(scripted: FakeServer) -> None:
    scripted.route(
        "GET",
        HS,
        Reply(503, headers=NOW),
        Reply(400, body="<errors><error><id>1</id><description>x</description></error></errors>"),
    )
    with HelpSpotClient(scripted.url) as hs, pytest.raises(HelpSpotError) as info:
        hs.version()
    assert info.value.errors == [("1", "x")] and scripted.count("GET", HS) == 2


def test_timeout_becomes_api_timeout_error(scripted: FakeServer) -> None:
    scripted.route("GET", ME, Reply(200, json={}, delay=0.5))
    with (
        GiosgClient("token-value", base_url=scripted.url, timeout=0.1, max_retries=0) as client,
        pytest.raises(APITimeoutError, match="raise the timeout"),
    ):
        client.me()
