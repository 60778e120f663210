"""Every error class, from real HTTP answers (and failures to answer)."""

from __future__ import annotations

import pytest

from guru_form.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from tests.client.conftest import FAST_RETRY
from tests.client.fakeguru import CLIENT_ID, CLIENT_SECRET, FakeGuru
from tests.fakehttp import Reply

RID = {"x-request-id": "req-7"}


def test_403_permission_denied(fake_client, fake: FakeGuru) -> None:
    fake.server.route("POST", "/videos", Reply(403, json={"message": "plan limit"}, headers=RID))
    with pytest.raises(PermissionDeniedError, match="plan limit") as info:
        fake_client.create_video("a.mp4", 10)
    assert info.value.status_code == 403 and info.value.request_id == "req-7"
    assert info.value.url == f"{fake.url}/videos" and info.value.method == "POST"


def test_404_not_found(fake_client, fake: FakeGuru) -> None:
    with pytest.raises(NotFoundError, match="no video nope"):
        fake_client.get_video("nope")


def test_422_validation_error_with_fields(fake_client, fake: FakeGuru) -> None:
    fake.server.route(
        "POST", "/videos", Reply(422, json={"size": ["must not exceed 2 GB"]}, headers=RID)
    )
    with pytest.raises(ValidationError) as info:
        fake_client.create_video("a.mp4", 10)
    assert info.value.field_errors == {"size": ["must not exceed 2 GB"]}


def test_429_retried_then_rate_limit_error(fake_client, fake: FakeGuru) -> None:
    fake.server.route("GET", "/videos/v1", Reply(429, headers={"Retry-After": "0.01"}))
    with pytest.raises(RateLimitError) as info:
        fake_client.get_video("v1")
    assert info.value.retry_after == 0.01
    assert fake.server.count("GET", "/videos/v1") == 1 + FAST_RETRY.max_retries


def test_429_then_success(fake_client, fake: FakeGuru) -> None:
    target = fake_client.create_video("a.mp4", 10)
    real = fake._get
    replies = [Reply(429, headers={"retry-after-ms": "30"})]
    fake.server.route("GET", "/videos/*", lambda r: replies.pop(0) if replies else real(r))
    assert fake_client.get_video(target.id).id == target.id


def test_5xx_on_put_retried_then_server_error(fake_client, fake: FakeGuru) -> None:
    fake.server.route("PUT", "/videos/v1", Reply(500, json={"message": "db down"}))
    with pytest.raises(ServerError, match="db down"):
        fake_client.update_video("v1", rep_count=3)
    assert fake.server.count("PUT", "/videos/v1") == 1 + FAST_RETRY.max_retries


def test_5xx_on_create_is_resent(fake_client, fake: FakeGuru) -> None:
    real = fake._create
    replies = [Reply(502), Reply(500)]
    fake.server.route("POST", "/videos", lambda r: replies.pop(0) if replies else real(r))
    assert fake_client.create_video("a.mp4", 10).id
    assert fake.server.count("POST", "/videos") == 3


def test_unreachable_server_is_connection_error(make_client) -> None:
    client = make_client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url="http://127.0.0.1:9",
        auth_url="http://127.0.0.1:9/oauth/token",
    )
    with pytest.raises(APIConnectionError, match="could not connect"):
        client.get_video("v1")


def test_slow_server_is_timeout_error(make_client, fake: FakeGuru) -> None:
    client = make_client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=fake.url,
        auth_url=fake.auth_url,
        timeout=0.2,
        max_retries=0,
        retry=None,
    )
    client.create_video("a.mp4", 10)  # token first, quickly
    fake.server.route("GET", "/videos/v1", Reply(200, json={}, delay=1.0))
    with pytest.raises(APITimeoutError, match="timed out"):
        client.get_video("v1")


def test_answer_that_is_not_json_is_api_error(fake_client, fake: FakeGuru) -> None:
    fake.server.route("POST", "/videos", Reply(200, body="<html>captive portal</html>"))
    with pytest.raises(APIError, match="expected a JSON object"):
        fake_client.create_video("a.mp4", 10)


def test_create_answer_without_url_is_api_error(fake_client, fake: FakeGuru) -> None:
    fake.server.route("POST", "/videos", Reply(200, json={"id": "v1"}))
    with pytest.raises(APIError, match="no id or url"):
        fake_client.create_video("a.mp4", 10)


def test_unknown_status_is_plain_api_error(fake_client, fake: FakeGuru) -> None:
    fake.server.route("GET", "/videos/v1", Reply(418, body="I'm a teapot"))
    with pytest.raises(APIError) as info:
        fake_client.get_video("v1")
    assert type(info.value) is APIError and info.value.status_code == 418


def test_closed_client_refuses_to_send(make_client, fake: FakeGuru) -> None:
    client = make_client(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=fake.url, auth_url=fake.auth_url
    )
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.get_video("v1")


def test_a_malformed_analysis_is_the_servers_fault(fake_client, fake: FakeGuru) -> None:
    bad = {"status": "Complete", "reps": [{"startTimestampMs": 1, "endTimestampMs": 2}]}
    fake.server.route("GET", "/videos/v1/analysis", Reply(200, json=bad, headers=RID))
    with pytest.raises(MalformedResponseError) as info:
        fake_client.wait_for_analysis("v1", poll_interval=0.01)
    error = info.value
    assert isinstance(error, APIError) and not isinstance(error, ValueError)
    assert (error.field, error.problem.split(";")[0]) == ("reps[0].midTimestampMs", "is missing")
    assert (error.status_code, error.request_id) == (200, "req-7")
    assert "rep 1 (reps[0].midTimestampMs) is missing" in str(error)
    assert "the server's fault, not your video's" in str(error)
    assert fake.server.count("GET", "/videos/v1/analysis") == 1  # not retried: it would not pass


def test_a_malformed_video_record(fake_client, fake: FakeGuru) -> None:
    fake.server.route("GET", "/videos/v1", Reply(200, json={"id": "v1", "repCount": "many"}))
    with pytest.raises(MalformedResponseError, match=r"record of video v1 .* repCount is 'many'"):
        fake_client.get_video("v1")
