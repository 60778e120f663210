"""OAuth2 client credentials over real HTTP: the exchange, caching, refresh, 401 recovery."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from guru_form import AsyncGuruClient, GuruClient
from guru_form.client._auth import refresh_at
from guru_form.errors import APIConnectionError, AuthenticationError, ServerError
from tests.client.conftest import FAST_RETRY
from tests.client.fakeguru import CLIENT_ID, CLIENT_SECRET, FakeGuru
from tests.fakehttp import DROP, Reply


def token_count(fake: FakeGuru) -> int:
    return fake.server.count("POST", "/oauth/token")


def test_exchange_is_form_encoded_as_documented(fake_client, fake: FakeGuru) -> None:
    fake_client.create_video("a.mp4", 10)
    (request,) = [r for r in fake.server.requests if r.path == "/oauth/token"]
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.body.decode()) == {
        "client_id": [CLIENT_ID],
        "client_secret": [CLIENT_SECRET],
        "scope": ["https://api.getguru.ai/default"],
        "grant_type": ["client_credentials"],
    }
    create = next(r for r in fake.server.requests if r.path == "/videos")
    assert create.headers["authorization"].startswith("tok-")  # raw, as Guru's docs show it


def test_audience_and_bearer_when_asked(make_client, fake: FakeGuru) -> None:
    client = make_client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=fake.url,
        auth_url=fake.auth_url,
        audience="https://api.formguru.fitness/",
        auth_scheme="Bearer",
    )
    client.create_video("a.mp4", 10)
    (request,) = [r for r in fake.server.requests if r.path == "/oauth/token"]
    form = parse_qs(request.body.decode())
    assert form["audience"] == ["https://api.formguru.fitness/"] and "scope" not in form
    create = next(r for r in fake.server.requests if r.path == "/videos")
    assert create.headers["authorization"].startswith("Bearer tok-")


def test_token_is_cached_across_requests(fake_client, fake: FakeGuru) -> None:
    target = fake_client.create_video("a.mp4", 10)
    for _ in range(5):
        fake_client.get_video(target.id)
    assert token_count(fake) == 1


def test_token_refreshed_before_it_expires(fake_client, fake: FakeGuru) -> None:
    fake.token_ttl = 0.3
    target = fake_client.create_video("a.mp4", 10)
    time.sleep(0.3)
    fake_client.get_video(target.id)  # the old token would be refused now
    assert token_count(fake) == 2
    assert fake.server.count("GET", f"/videos/{target.id}") == 1  # refreshed up front, no 401


def test_401_drops_token_refreshes_and_resends_once(fake_client, fake: FakeGuru) -> None:
    target = fake_client.create_video("a.mp4", 10)
    fake.revoke_tokens()  # the server forgets every token (e.g. a key rotation)
    video = fake_client.get_video(target.id)
    assert video.id == target.id
    gets = [r for r in fake.server.requests if r.path == f"/videos/{target.id}"]
    assert len(gets) == 2  # refused once, resent once with the new token
    assert gets[0].headers["authorization"] != gets[1].headers["authorization"]
    assert token_count(fake) == 2


def test_401_twice_is_authentication_error_not_a_loop(fake_client, fake: FakeGuru) -> None:
    target = fake_client.create_video("a.mp4", 10)
    fake.server.route("GET", f"/videos/{target.id}", Reply(401, json={"message": "nope"}))
    with pytest.raises(AuthenticationError) as info:
        fake_client.get_video(target.id)
    assert info.value.status_code == 401
    assert fake.server.count("GET", f"/videos/{target.id}") == 2


def test_oauth_error_becomes_authentication_error_with_description(
    make_client, fake: FakeGuru
) -> None:
    client = make_client(
        client_id=CLIENT_ID,
        client_secret="wrong-secret-XYZ",
        base_url=fake.url,
        auth_url=fake.auth_url,
    )
    with pytest.raises(AuthenticationError) as info:
        client.create_video("a.mp4", 10)
    message = str(info.value)
    assert "Unauthorized" in message and "access_denied" in message
    assert "GURU_CLIENT_SECRET" in message  # says what to check
    assert "wrong-secret-XYZ" not in message and "wrong-secret-XYZ" not in repr(info.value)
    assert fake.server.count("POST", "/videos") == 0


def test_token_request_goes_through_the_retry_policy(fake_client, fake: FakeGuru) -> None:
    replies = [DROP, Reply(503, headers={"Retry-After": "0"}), Reply(429)]

    def token(rec):  # type: ignore[no-untyped-def]
        return replies.pop(0) if replies else fake._token(rec)

    fake.server.route("POST", "/oauth/token", token)
    fake_client.create_video("a.mp4", 10)
    assert token_count(fake) == 4


def test_token_endpoint_down_is_server_error(make_client, fake: FakeGuru) -> None:
    fake.server.route("POST", "/oauth/token", Reply(502, body="bad gateway"))
    client = make_client(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=fake.url, auth_url=fake.auth_url
    )
    with pytest.raises(ServerError):
        client.create_video("a.mp4", 10)
    assert token_count(fake) == 1 + FAST_RETRY.max_retries


def test_token_endpoint_unreachable_is_connection_error(make_client, fake: FakeGuru) -> None:
    client = make_client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=fake.url,
        auth_url="http://127.0.0.1:9/oauth/token",
    )
    with pytest.raises(APIConnectionError, match=r"127\.0\.0\.1:9/oauth/token"):
        client.create_video("a.mp4", 10)


def test_one_exchange_for_many_threads(fake: FakeGuru, tmp_path: Path) -> None:
    fake.server.route("POST", "/oauth/token", lambda rec: (time.sleep(0.1), fake._token(rec))[1])
    with GuruClient(
        CLIENT_ID, CLIENT_SECRET, base_url=fake.url, auth_url=fake.auth_url, cache_dir=tmp_path
    ) as client:
        errors: list[BaseException] = []

        def work() -> None:
            try:
                client.create_video("a.mp4", 10)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert token_count(fake) == 1
    assert fake.server.count("POST", "/videos") == 12


def test_one_exchange_for_many_tasks(fake: FakeGuru, tmp_path: Path) -> None:
    fake.server.route("POST", "/oauth/token", lambda rec: (time.sleep(0.1), fake._token(rec))[1])

    async def go() -> None:
        async with AsyncGuruClient(
            CLIENT_ID, CLIENT_SECRET, base_url=fake.url, auth_url=fake.auth_url, cache_dir=tmp_path
        ) as client:
            await asyncio.gather(*(client.create_video("a.mp4", 10) for _ in range(12)))

    asyncio.run(go())
    assert token_count(fake) == 1
    assert fake.server.count("POST", "/videos") == 12


def test_tokens_keep_refreshing_deep_into_a_long_poll(fake_client, fake: FakeGuru, video) -> None:
    fake.token_ttl = 0.15
    fake.pending_polls = 12
    vid = fake_client.upload_video(video, activity="squat")
    fake.revoke_tokens()  # and one refused mid-poll, on top of the expiries
    analysis = fake_client.wait_for_analysis(
        vid, poll_interval=0.04, max_poll_interval=0.05, timeout=20
    )
    assert analysis.status.value == "Complete"
    assert token_count(fake) >= 3
    polls = [r for r in fake.server.requests if r.path == f"/videos/{vid}/analysis"]
    assert len(polls) >= 13


def test_refresh_margin() -> None:
    assert refresh_at(3600, now=100.0) == 100.0 + 3570
    assert refresh_at(1, now=0.0) == pytest.approx(0.9)
    assert refresh_at(0, now=5.0) == 5.0
