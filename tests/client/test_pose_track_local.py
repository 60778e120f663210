"""The local server's pose engine: its per-frame track travels to the client and into the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from guru_form import GuruClient
from guru_form.pose.track import PoseTrack
from guru_form.samples import sample_path
from guru_form.testing import LocalServer
from tests.client.conftest import serve_as_embedded
from tests.pose import conftest as pose_fixtures

pytest.importorskip("ai_edge_litert")
pytestmark = [pytest.mark.pose, pytest.mark.slow]

squat_clip = pose_fixtures.squat_clip  # a fixture: one squat rep, 4.5 s at 30 frames/s


def _client(server: LocalServer, cache: Path) -> GuruClient:
    return GuruClient(
        server.client_id,
        server.client_secret,
        base_url=server.url,
        auth_url=server.auth_url,
        audience=server.audience,
        cache_dir=cache,
    )


def test_pose_engine_track_is_served_attached_and_cached(tmp_path: Path) -> None:
    with LocalServer(data_dir=tmp_path / "server", engine="pose") as server:
        client = _client(server, tmp_path / "cache")
        # The client attaches tracks only for the embedded server; here we ask explicitly.
        video_id = client.upload_video(sample_path("push_up"), activity="push_up", progress=False)
        analysis = client.wait_for_analysis(video_id, poll_interval=0.2, progress=False)
        assert (
            analysis.pose_track is None
        )  # not the embedded server: nothing fetched behind our back
        track = client.get_pose_track(video_id)
        assert isinstance(track, PoseTrack)
        assert len(track.frame) > 100
        assert {"frame", "time_ms", "elbow_angle", "shoulder_x"} <= set(track.frame.columns)
        client.close()


def test_reference_engine_has_no_track(tmp_path: Path) -> None:
    with LocalServer(data_dir=tmp_path / "server", engine="reference") as server:
        client = _client(server, tmp_path / "cache")
        video_id = client.upload_video(sample_path("squat"), activity="squat", progress=False)
        client.wait_for_analysis(video_id, poll_interval=0.1, progress=False)
        assert client.get_pose_track(video_id) is None
        client.close()


def test_embedded_server_results_carry_their_track_through_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocalServer(data_dir=tmp_path / "server", engine="pose") as server:
        serve_as_embedded(monkeypatch, server, tmp_path / "server", "pose")
        for attempt in range(2):
            with GuruClient(cache_dir=tmp_path / "cache") as client:
                assert client.is_local
                analysis = client.analyze(
                    sample_path("push_up"), activity="push_up", poll_interval=0.2, progress=False
                )
            assert analysis.pose_track is not None, f"attempt {attempt}"
            assert len(analysis.pose_track.frame) > 100
        assert (
            server.faults.count("/uploads/*", method="POST") == 1
        )  # the second came from the cache


def test_the_local_pose_engine_at_stride_2_says_so_in_the_track(
    squat_clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GuruClient.local(engine="pose", stride=2): the embedded server's pose engine analyses
    every other frame, and the pose track it records (served, cached) says stride 2."""
    import av
    import httpx

    from guru_form.server.embedded import stop_local_server

    with av.open(str(squat_clip)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    monkeypatch.setenv("GURU_FORM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GURU_CLIENT_ID", raising=False)
    stop_local_server()
    try:
        for attempt in ("analysed", "cached"):
            with GuruClient.local(
                "pose", tmp_path / "server", stride=2, cache_dir=tmp_path / "cache"
            ) as client:
                health = httpx.get(f"{client.base_url}/health").json()
                assert health == {"status": "ok", "engine": "pose", "stride": 2}
                analysis = client.analyze(
                    squat_clip, activity="squat", poll_interval=0.2, progress=False
                )
            track = analysis.pose_track
            assert track is not None, attempt
            assert track.stride == 2, attempt
            assert track.frame_count == frames
            assert list(track.frame["frame"]) == list(range(0, frames, 2)), attempt
            assert analysis.rep_count == 1, attempt
    finally:
        stop_local_server()
    (stored,) = (tmp_path / "server" / "artifacts").glob(
        f"{analysis.video_id}-*/analysis.pose.parquet"
    )
    assert PoseTrack.read_parquet(stored).stride == 2  # the server's own record
