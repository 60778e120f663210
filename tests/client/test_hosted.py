"""The client with its own defaults against fakes of today's hosted API and of the 2022 one.

``GuruClient`` given only ``GURU_CLIENT_ID`` and ``GURU_CLIENT_SECRET`` logs in at Guru's Cognito
endpoint with the documented scope and sends the raw token, as today's API wants; the 2022
configuration (an Auth0 audience, ``Bearer``) works when set; each fails clearly against the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest

from guru_form.client import AUTH0_2022
from guru_form.errors import AuthenticationError
from guru_form.models import Status
from tests.client.fakeguru import CLIENT_ID, CLIENT_SECRET
from tests.client.hosted import (
    API_2022_HOST,
    API_HOST,
    AUDIENCE_2022,
    COGNITO_HOST,
    SCOPE,
    Auth0Guru,
    CognitoGuru,
    redirect_hosts,
)
from tests.fakehttp import FakeServer

FAST = {"poll_interval": 0.02, "max_poll_interval": 0.05, "timeout": 20, "progress": False}


@pytest.fixture
def only_id_and_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "GURU_API_URL",
        "GURU_AUTH_URL",
        "GURU_SCOPE",
        "GURU_AUDIENCE",
        "GURU_AUTH_SCHEME",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GURU_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("GURU_CLIENT_SECRET", CLIENT_SECRET)


@pytest.fixture
def cognito(monkeypatch: pytest.MonkeyPatch) -> Iterator[CognitoGuru]:
    with FakeServer() as server:
        fake = CognitoGuru(server)
        with redirect_hosts(monkeypatch, fake.hosts()):
            yield fake


@pytest.fixture
def auth0(monkeypatch: pytest.MonkeyPatch) -> Iterator[Auth0Guru]:
    with FakeServer() as server:
        fake = Auth0Guru(server)
        with redirect_hosts(monkeypatch, fake.hosts()):
            yield fake


def test_only_an_id_and_a_secret_analyse_a_video_on_todays_api(
    only_id_and_secret: None, cognito: CognitoGuru, make_client: Callable[..., Any], video
) -> None:
    client = make_client()
    assert not client.is_local and client.base_url == f"https://{API_HOST}"
    analysis = client.analyze(video, activity="squat", **FAST)
    assert analysis.status is Status.COMPLETE and analysis.rep_count == 1

    (token,) = cognito.token_requests_made()
    assert token.headers["host"] == COGNITO_HOST
    assert token.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token.body.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": [CLIENT_ID],
        "client_secret": [CLIENT_SECRET],
        "scope": [SCOPE],
    }
    api_calls = [r for r in cognito.server.requests if r.path.startswith("/videos")]
    assert api_calls and all(r.headers["host"] == API_HOST for r in api_calls)
    assert {r.headers["authorization"] for r in api_calls} == set(cognito.tokens)  # raw
    assert cognito.uploads == 1


def test_the_token_is_reused_until_it_expires(
    only_id_and_secret: None, cognito: CognitoGuru, make_client: Callable[..., Any], video
) -> None:
    client = make_client()
    vid = client.upload_video(video, activity="squat")
    for _ in range(5):
        client.get_video(vid)
    assert len(cognito.token_requests_made()) == 1


def test_the_2022_configuration_analyses_a_video_on_an_auth0_style_api(
    only_id_and_secret: None, auth0: Auth0Guru, make_client: Callable[..., Any], video
) -> None:
    client = make_client(**AUTH0_2022.client_kwargs())
    analysis = client.analyze(video, activity="squat", **FAST)
    assert analysis.status is Status.COMPLETE
    (token,) = auth0.token_requests_made()
    form = parse_qs(token.body.decode())
    assert form["audience"] == [AUDIENCE_2022] and "scope" not in form
    api_calls = [r for r in auth0.server.requests if r.path.startswith("/videos")]
    assert all(r.headers["host"] == API_2022_HOST for r in api_calls)
    assert all(r.headers["authorization"].startswith("Bearer tok-") for r in api_calls)


def test_the_2022_audience_is_refused_by_todays_token_endpoint_with_a_clear_error(
    only_id_and_secret: None, cognito: CognitoGuru, make_client: Callable[..., Any]
) -> None:
    client = make_client(audience=AUDIENCE_2022)
    with pytest.raises(AuthenticationError, match="invalid_request") as info:
        client.create_video("a.mp4", 10)
    assert "GURU_SCOPE" in str(info.value) and CLIENT_SECRET not in str(info.value)


def test_bearer_is_refused_by_todays_api_with_a_clear_error(
    only_id_and_secret: None, cognito: CognitoGuru, make_client: Callable[..., Any]
) -> None:
    client = make_client(auth_scheme="Bearer")
    with pytest.raises(AuthenticationError) as info:
        client.create_video("a.mp4", 10)
    assert info.value.status_code == 401 and "Unauthorized" in str(info.value)
    assert cognito.server.count("POST", "/videos") == 2  # refused, new token, refused again


def test_todays_defaults_are_refused_by_the_2022_api_with_a_clear_error(
    only_id_and_secret: None, auth0: Auth0Guru, make_client: Callable[..., Any]
) -> None:
    client = make_client(base_url=f"https://{API_2022_HOST}", auth_url=auth0.auth_url)
    with pytest.raises(AuthenticationError, match="Service not found"):
        client.create_video("a.mp4", 10)


def _joint_frames(part: str, xs: list[float]) -> list[dict[str, object]]:
    return [
        {
            "frame_idx": 4 * i,
            "part": part,
            "position": {"x": x, "y": 0.5},
            "score": 0.9,
            "timestamp": 4 * i / 40,
        }
        for i, x in enumerate(xs)
    ]


def test_joint_data_from_the_hosted_api(
    only_id_and_secret: None, cognito: CognitoGuru, make_client: Callable[..., Any]
) -> None:
    from tests.fakehttp import Reply

    joints = {
        "leftHip": _joint_frames("leftHip", [0.50, 0.50, 0.50]),
        "leftKnee": _joint_frames("leftKnee", [0.55, 0.56, 0.57]),
        "leftAnkle": _joint_frames("leftAnkle", [0.52, 0.52, 0.52]),
        "rightKnee": _joint_frames("rightKnee", [0.10, 0.10, 0.10])[:1],
        "leftEye": _joint_frames("leftEye", [0.5]),
    }
    joints["rightKnee"][0]["score"] = 0.1
    body = {
        "status": "Complete",
        "resolutionWidth": 720,
        "resolutionHeight": 1280,
        "jointToPoints": joints,
        "analysis": {"reps": []},
    }
    cognito.server.route("GET", "/videos/v9/j2p", lambda rec: Reply(200, json=body))
    track = make_client().get_joint_data("v9")
    assert track is not None and track.fps == pytest.approx(40.0) and track.stride == 4
    frame = track.frame
    assert frame["frame"].tolist() == [0, 4, 8] and frame["time_ms"].tolist() == [0, 100, 200]
    assert frame["side"].tolist() == ["left"] * 3  # the model was surer of the left side
    assert frame["knee_x"].tolist() == pytest.approx([396.0, 403.2, 410.4])  # pixels
    assert frame["knee_y"].tolist() == pytest.approx([640.0] * 3)
    assert frame["knee_angle"].notna().all() and frame["nose_x"].isna().all()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"status": "Complete", "jointToPoints": {}}, "resolutionWidth is missing"),
        (
            {
                "status": "Complete",
                "resolutionWidth": 1,
                "resolutionHeight": 1,
                "jointToPoints": {"leftKnee": [{"frame_idx": 0, "position": {"x": "a", "y": 0}}]},
            },
            r"jointToPoints\.leftKnee\[0\]\.position\.x is 'a', not a number",
        ),
    ],
)
def test_malformed_joint_data_name_the_field(
    only_id_and_secret: None,
    cognito: CognitoGuru,
    make_client: Callable[..., Any],
    body: dict[str, Any],
    words: str,
) -> None:
    from guru_form.errors import MalformedResponseError
    from tests.fakehttp import Reply

    cognito.server.route("GET", "/videos/v9/j2p", lambda rec: Reply(200, json=body))
    with pytest.raises(MalformedResponseError, match=words):
        make_client().get_joint_data("v9")


def test_pending_and_failed_joint_data(
    only_id_and_secret: None, cognito: CognitoGuru, make_client: Callable[..., Any]
) -> None:
    from guru_form.errors import AnalysisFailedError
    from tests.fakehttp import Reply

    client = make_client()
    cognito.server.route("GET", "/videos/v9/j2p", Reply(200, json={"status": "Pending"}))
    assert client.get_joint_data("v9") is None
    failed = {"status": "Failed", "reason": "LOW_QUALITY_POSE_ESTIMATE"}
    cognito.server.route("GET", "/videos/v9/j2p", Reply(200, json=failed))
    with pytest.raises(AnalysisFailedError) as info:
        client.get_joint_data("v9")
    assert info.value.reason_code == "LOW_QUALITY_POSE_ESTIMATE"
