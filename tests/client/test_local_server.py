"""The client against the project's real Guru-compatible server on 127.0.0.1, both modes.

Every endpoint, analysis end to end, faults the server injects (429 with Retry-After, 5xx,
dropped connections, token expiry, slow and failed analyses), resuming a half-failed batch with
uploads counted on the server, and a server restart in the middle of a wait.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from guru_form import BatchResult, GuruClient
from guru_form.errors import (
    AnalysisFailedError,
    AnalysisTimeoutError,
    AuthenticationError,
    InvalidVideoError,
    NotFoundError,
    ValidationError,
)
from guru_form.models import Activity, Domain, Status
from tests.client.conftest import serve_as_embedded

FAST = {"poll_interval": 0.02, "max_poll_interval": 0.1, "timeout": 30}
UPLOADS = "/uploads/*"


def uploads(server) -> int:
    return server.faults.count(UPLOADS, method="POST")


@pytest.fixture
def client(make_client, local_server):
    return make_client(**local_server.client_kwargs())


@pytest.fixture
def fresh_client(make_client, fresh_server):
    return make_client(**fresh_server.client_kwargs())


#: Both token paths and both header forms: today's hosted API's login (Cognito's /oauth2/token
#: with a scope, the raw token) and the 2022 one (Auth0's /oauth/token with an audience, Bearer).
LOGINS = {
    "cognito-raw": ("/oauth2/token", {}),
    "auth0-bearer": (
        "/oauth/token",
        {"audience": "https://guru-form.local/api/", "auth_scheme": "Bearer"},
    ),
}


@pytest.fixture(params=list(LOGINS))
def login(request) -> str:
    return str(request.param)


@pytest.fixture
def login_client(make_client, fresh_server, login: str):
    """A client of this test's own server, logging in the way ``login`` names."""
    path, extra = LOGINS[login]
    return make_client(
        **{**fresh_server.client_kwargs(), "auth_url": fresh_server.url + path, **extra}
    )


def test_every_endpoint(client, known_videos) -> None:
    known = known_videos["squat"]
    size = known.path.stat().st_size
    target = client.create_video(known.path.name, size, activity="squat", rep_count=2, source="t")
    assert target.id and target.url.endswith(f"/uploads/{target.id}") and target.fields
    pending = client.get_video(target.id)
    assert pending.status == "Pending" and pending.rep_count == 2 and pending.source == "t"
    assert pending.domain is Domain.WEIGHTLIFTING and pending.activity is Activity.SQUAT
    assert client.get_analysis(target.id).status is Status.PENDING

    assert client.update_video(target.id, rep_count=5) == target.id
    updated = client.get_video(target.id)
    assert updated.rep_count == 5 and updated.activity is Activity.SQUAT  # the rest kept

    vid = client.upload_video(known.path, activity="squat")
    assert client.get_video(vid).status == "Success"
    analysis = client.wait_for_analysis(vid, **FAST)
    assert analysis.status is Status.COMPLETE and analysis.video_id == vid
    assert analysis.reps == known.analysis.reps
    assert client.get_analysis(vid).reps == known.analysis.reps


def test_analyze_known_video_end_to_end(client, known_videos) -> None:
    known = known_videos["push_up"]
    analysis = client.analyze(known.path, activity="push_up", progress=False, **FAST)
    assert analysis.activity is Activity.PUSH_UP and analysis.rep_count == 3
    assert analysis.reps == known.analysis.reps


def test_unknown_video_fails_with_the_servers_reason(client, unknown_video) -> None:
    with pytest.raises(AnalysisFailedError) as info:
        client.analyze(unknown_video, activity="squat", progress=False, **FAST)
    assert info.value.reason and info.value.video_id in str(info.value)


def test_not_found_and_server_side_validation(client) -> None:
    with pytest.raises(NotFoundError):
        client.get_video("00000000-0000-0000-0000-000000000000")
    with pytest.raises(NotFoundError):
        client.get_analysis("no-such-video")
    with pytest.raises(ValidationError) as info:  # the server caps sizes; the client cannot know
        client.create_video("huge.mp4", 10**15)
    assert "size" in info.value.field_errors


def test_wrong_secret_is_authentication_error(make_client, local_server) -> None:
    kwargs = {**local_server.client_kwargs(), "client_secret": "not-the-secret"}
    with pytest.raises(AuthenticationError) as info:
        make_client(**kwargs).create_video("a.mp4", 10)
    assert "not-the-secret" not in str(info.value)


def test_rate_limit_with_retry_after_then_success(fresh_client, fresh_server, known_videos):
    fresh_server.faults.rate_limit("/videos", method="POST", retry_after=0.2, times=2)
    vid = fresh_client.upload_video(known_videos["squat"].path)
    assert fresh_server.faults.count("/videos", method="POST") == 3
    assert fresh_server.faults.count("/videos", method="POST", status=429) == 2
    assert uploads(fresh_server) == 1 and vid


def test_5xx_and_drops_on_upload_resend_to_the_same_url(
    fresh_client, fresh_server, known_videos
) -> None:
    fresh_server.faults.fail(UPLOADS, 503, method="POST", times=1)
    fresh_server.faults.drop(UPLOADS, method="POST", times=1)
    vid = fresh_client.upload_video(known_videos["squat"].path)
    paths = {r.path for r in fresh_server.faults.records if r.path.startswith("/uploads/")}
    assert paths == {f"/uploads/{vid}"}
    assert uploads(fresh_server) == 3
    assert fresh_server.faults.count("/videos", method="POST") == 1
    assert fresh_client.get_video(vid).status == "Success"


def test_an_upload_answer_lost_is_resent_and_the_second_use_of_the_form_counts_as_done(
    fresh_client, fresh_server, known_videos
) -> None:
    fresh_server.faults.drop(UPLOADS, method="POST", times=1, after_processing=True)
    analysis = fresh_client.analyze(known_videos["squat"].path, activity="squat", **FAST)
    assert analysis.status is Status.COMPLETE
    assert fresh_server.faults.count(UPLOADS, method="POST", status=409) == 1  # it had arrived
    assert fresh_server.faults.count("/videos", method="POST") == 1
    assert len(list((fresh_server.data_dir / "videos").iterdir())) == 1


def test_create_answer_lost_is_resent_and_the_file_uploaded_once(
    fresh_client, fresh_server, known_videos
) -> None:
    fresh_server.faults.drop("/videos", method="POST", times=1, after_processing=True)
    vid = fresh_client.upload_video(known_videos["squat"].path)
    assert fresh_server.faults.count("/videos", method="POST") == 2  # one orphan, never uploaded
    assert uploads(fresh_server) == 1
    assert fresh_client.get_video(vid).status == "Success"


def test_token_expiry_and_revocation_during_a_long_poll(
    login_client, login, fresh_server, known_videos
) -> None:
    fresh_server.faults.set_token_ttl(0.3)
    fresh_server.faults.slow_analysis(1.5)
    vid = login_client.upload_video(known_videos["squat"].path)
    fresh_server.faults.expire_tokens()
    analysis = login_client.wait_for_analysis(vid, poll_interval=0.05, max_poll_interval=0.05)
    assert analysis.status is Status.COMPLETE
    assert fresh_server.faults.count(LOGINS[login][0], method="POST") >= 4
    # Polls every 0.05 s through 1.5 s of tokens living 0.3 s: on a loaded machine a poll (with
    # its fresh login) can take 0.1-0.2 s, so "several" rather than the 30 an idle one makes.
    polls = fresh_server.faults.count(f"/videos/{vid}/analysis", method="GET")
    assert polls >= 5


def test_timeout_then_resume_polls_without_uploading(
    login_client, fresh_server, known_videos
) -> None:
    fresh_server.faults.slow_analysis(1.0)
    path = known_videos["squat"].path
    with pytest.raises(AnalysisTimeoutError) as info:
        login_client.analyze(
            path, activity="squat", progress=False, timeout=0.2, poll_interval=0.05
        )
    analysis = login_client.analyze(path, activity="squat", progress=False, **FAST)
    assert analysis.video_id == info.value.video_id
    assert uploads(fresh_server) == 1
    requests = len(fresh_server.faults.records)
    assert login_client.analyze(path, activity="squat", progress=False, **FAST) == analysis
    assert len(fresh_server.faults.records) == requests  # from the cache: no request at all


def test_restart_in_the_middle_of_a_wait(fresh_client, fresh_server, known_videos) -> None:
    fresh_server.faults.slow_analysis(0.8)
    vid = fresh_client.upload_video(known_videos["squat"].path)
    fresh_server.restart()  # the queued analysis is picked up again on start
    analysis = fresh_client.wait_for_analysis(vid, **FAST)
    assert analysis.status is Status.COMPLETE


def test_half_failed_batch_resumes_without_reupload(
    fresh_client, fresh_server, make_known_video, unknown_video, tmp_path: Path
) -> None:
    known = [make_known_video(activity="squat", reps=2) for _ in range(6)]
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\0" * 4096)
    paths = [k.path for k in known] + [unknown_video, broken]
    fresh_server.faults.slow_analysis(60.0, times=2)  # two analyses outlast this run's deadline

    first = fresh_client.analyze_many(
        paths, activity="squat", concurrency=4, progress=False, timeout=1.5, poll_interval=0.05
    )
    assert isinstance(first, BatchResult)
    kinds = {f.path: type(f.error) for f in first.failed}
    assert kinds.pop(broken) is InvalidVideoError
    assert kinds.pop(unknown_video) is AnalysisFailedError
    assert list(kinds.values()) == [AnalysisTimeoutError] * 2
    assert len(first.succeeded) == 4
    assert uploads(fresh_server) == 7  # every readable video, once

    fresh_server.faults.reset()  # forget the slowness and the request record
    fresh_server.restart()  # the two pending analyses are queued again on start
    second = fresh_client.analyze_many(
        paths, activity="squat", concurrency=4, progress=False, **FAST
    )
    assert list(second.succeeded) == [k.path for k in known]  # in the order given
    for k in known:
        assert second.succeeded[k.path].reps == k.analysis.reps
    assert [(f.path, type(f.error)) for f in second.failed] == [
        (unknown_video, AnalysisFailedError),
        (broken, InvalidVideoError),
    ]
    assert uploads(fresh_server) == 0  # resumed: nothing uploaded again
    # only the two unfinished videos and the failed one were polled; the rest came from the cache
    polled = {
        r.path.split("/")[2] for r in fresh_server.faults.records if r.path.endswith("/analysis")
    }
    assert len(polled) == 3


def test_no_credentials_means_the_embedded_local_server(
    make_client, monkeypatch, tmp_path: Path, known_videos
) -> None:
    from guru_form.server.embedded import stop_local_server

    for var in ("GURU_CLIENT_ID", "GURU_CLIENT_SECRET", "GURU_API_URL", "GURU_AUTH_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GURU_FORM_HOME", str(tmp_path / "home"))
    stop_local_server()
    try:
        client = make_client(cache_dir=None)
        assert client.is_local and client.base_url.startswith("http://127.0.0.1:")
        assert client.cache_dir == tmp_path / "home" / "cache"
        target = client.create_video("clip.mp4", 1234, activity="squat")
        assert client.get_video(target.id).status == "Pending"
    finally:
        stop_local_server()


def test_the_embedded_server_is_polled_from_a_quarter_second(
    fresh_server, known_videos, monkeypatch, tmp_path: Path
) -> None:
    """The wait after the first poll of a pending analysis is a quarter second, not the hosted
    API's 2 s; a hosted server keeps its 2-s first wait."""
    serve_as_embedded(monkeypatch, fresh_server, tmp_path / "unused", "reference")
    fresh_server.faults.slow_analysis(0.6)
    with GuruClient(cache_dir=tmp_path / "cache") as client:
        assert client.is_local
        vid = client.upload_video(known_videos["squat"].path)
        polled: list[float] = []
        client.wait_for_analysis(vid, progress=lambda _analysis: polled.append(time.monotonic()))
    assert len(polled) >= 2 and polled[1] - polled[0] < 1.0, polled
    with GuruClient(**fresh_server.client_kwargs(), cache_dir=tmp_path / "c2") as hosted:
        assert not hosted.is_local
        assert hosted._poll_intervals(None, None) == (2.0, 15.0)
        assert hosted._poll_intervals(0.1, None) == (0.1, 15.0)


def test_sync_batch_from_a_copy_of_the_same_bytes(local_server, known_videos, tmp_path) -> None:
    known = known_videos["squat"]
    copy = tmp_path / "copy.mp4"
    shutil.copy(known.path, copy)
    with GuruClient(**local_server.client_kwargs(), cache_dir=tmp_path / "c") as client:
        result = client.analyze_many([known.path, copy], activity="squat", progress=False, **FAST)
    assert result.ok and result.succeeded[copy] == result.succeeded[known.path]


def _upload_ids(server) -> list[str]:
    return [
        r.path.rsplit("/", 1)[1] for r in server.faults.records if r.path.startswith("/uploads/")
    ]


def test_an_upload_whose_answers_were_all_lost_is_not_uploaded_again(
    login_client, fresh_server, known_videos
) -> None:
    from guru_form.errors import APIConnectionError

    path = known_videos["squat"].path
    # the server stores every attempt's file, but the client never hears back
    fresh_server.faults.drop(UPLOADS, method="POST", times=None, after_processing=True)
    with pytest.raises(APIConnectionError):
        login_client.analyze(path, activity="squat", progress=False, **FAST)
    (video_id,) = set(_upload_ids(fresh_server))  # every retry went to the same URL
    assert login_client.get_video(video_id).status == "Success"  # the file did land

    fresh_server.faults.reset()
    analysis = login_client.analyze(path, activity="squat", progress=False, **FAST)
    assert analysis.video_id == video_id and analysis.reps == known_videos["squat"].analysis.reps
    assert uploads(fresh_server) == 0  # asked the server, which had the file: no second upload
    assert fresh_server.faults.count("/videos", method="POST") == 0  # and no second video
    assert fresh_server.faults.count(f"/videos/{video_id}", method="GET") == 1


def test_an_upload_that_never_landed_goes_to_a_new_video(
    login_client, fresh_server, known_videos
) -> None:
    from guru_form.errors import APIConnectionError

    path = known_videos["squat"].path
    fresh_server.faults.drop(UPLOADS, method="POST", times=None)  # dropped before it is stored
    with pytest.raises(APIConnectionError):
        login_client.analyze(path, activity="squat", progress=False, **FAST)
    (first_id,) = set(_upload_ids(fresh_server))

    fresh_server.faults.reset()
    analysis = login_client.analyze(path, activity="squat", progress=False, **FAST)
    assert analysis.video_id != first_id and analysis.status is Status.COMPLETE
    assert _upload_ids(fresh_server) == [analysis.video_id]  # one upload, to the new video
    assert login_client.get_video(first_id).status == "Pending"  # the old one never got a file


def test_a_failed_analysis_is_resubmitted_only_when_asked(
    fresh_client, fresh_server, make_known_video
) -> None:
    known = [make_known_video(activity="squat", reps=2) for _ in range(2)]
    fresh_server.faults.fail_analysis("the GPU caught fire", times=1)
    first = fresh_client.analyze_many(
        [k.path for k in known], activity="squat", progress=False, **FAST
    )
    (failure,) = first.failed
    assert isinstance(failure.error, AnalysisFailedError) and "GPU" in str(failure.error)

    retry = fresh_client.analyze_many(first.failed_paths, activity="squat", progress=False, **FAST)
    (again,) = retry.failed  # the same verdict on the same video, no second upload
    assert isinstance(again.error, AnalysisFailedError) and again.video_id == failure.video_id
    assert uploads(fresh_server) == 2

    fresh = fresh_client.analyze(
        failure.path, activity="squat", cache=False, progress=False, **FAST
    )
    assert fresh.status is Status.COMPLETE and fresh.video_id != failure.video_id
    assert uploads(fresh_server) == 3  # asked for: a new video


def test_no_secret_in_logs_reprs_or_errors_with_either_login(
    login_client, login, fresh_server, known_videos, caplog
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    path = known_videos["squat"].path
    analysis = login_client.analyze(path, activity="squat", progress=False, **FAST)
    inner = getattr(login_client, "inner", login_client)
    token = inner._auth.store.fresh()
    assert token is not None
    fresh_server.faults.fail(LOGINS[login][0], 401, times=None)  # every new login refused now
    fresh_server.faults.expire_tokens()
    with pytest.raises(AuthenticationError) as info:
        login_client.get_video(analysis.video_id)
    shown = " ".join(
        [caplog.text, repr(login_client), repr(inner), repr(inner._auth), str(info.value)]
    )
    shown += repr(info.value) + repr(analysis)
    assert fresh_server.client_secret not in shown and token.value not in shown
