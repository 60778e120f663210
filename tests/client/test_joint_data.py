"""get_video(include=...), get_joint_data and download_overlay against the real server, both modes.

The server runs the pose engine (every second frame) on one squat rep cut from real footage; its
joint data reach the client in Guru's ``jointToPoints`` form, become a pose track, and
:mod:`guru_form.frames` draws the skeleton from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import guru_form as gf
from guru_form.errors import AnalysisFailedError, InvalidInputError
from guru_form.pose.track import COLUMNS
from guru_form.testing import LocalServer
from tests.pose import conftest as pose_fixtures

pytestmark = [
    pytest.mark.pose,
    pytest.mark.slow,
    pose_fixtures.requires_litert,  # the server's pose engine (BlazePose on LiteRT)
]

squat_clip = pose_fixtures.squat_clip  # a fixture: one squat rep, 4.5 s at 30 frames/s, 304x540
FAST = {"poll_interval": 0.1, "max_poll_interval": 0.5, "timeout": 240, "progress": False}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with LocalServer(tmp_path_factory.mktemp("pose-server"), engine="pose", stride=2) as running:
        yield running


@pytest.fixture
def client(make_client, server: LocalServer):
    return make_client(**server.client_kwargs())


def test_joint_data_make_the_frames_draw_the_skeleton(
    client, server: LocalServer, squat_clip: Path, tmp_path: Path
) -> None:
    analysis = client.analyze(squat_clip, activity="squat", cache=False, **FAST)
    video = client.get_video(analysis.video_id, include=("analysis", "j2p"))
    assert video.fps == pytest.approx(30.0) and video.analysis is not None
    hosted = video.analysis
    track = hosted.pose_track
    assert track is not None and track.estimator == "guru-j2p"
    assert track.fps == pytest.approx(30.0) and (track.width, track.height) == (304, 540)
    assert track.activity is gf.Activity.SQUAT and track.stride == 2
    assert list(track.frame.columns) == list(COLUMNS)  # the local pose engine's columns
    assert track.frame["knee_angle"].notna().sum() > 40

    alone = client.get_joint_data(analysis.video_id)
    assert alone is not None
    np.testing.assert_allclose(
        alone.frame[["knee_x", "knee_y", "knee_angle"]].to_numpy(),
        track.frame[["knee_x", "knee_y", "knee_angle"]].to_numpy(),
    )

    # The hosted analysis (as GET /videos/{id}?include=analysis,j2p gives it) drawn by frames.
    sheet_path = tmp_path / "from_j2p.png"
    with_skeleton = gf.contact_sheet_for(squat_clip, hosted, path=sheet_path, scalars=False)
    hosted.pose_track = None
    without = gf.contact_sheet_for(squat_clip, hosted, scalars=False)
    assert sheet_path.is_file() and with_skeleton.shape == without.shape
    changed = np.any(with_skeleton != without, axis=2).mean()
    assert changed > 0.005  # the skeleton's lines and dots


def test_download_overlay_waits_then_streams_the_video(
    client, squat_clip: Path, tmp_path: Path
) -> None:
    import av

    analysis = client.analyze(squat_clip, activity="squat", **FAST)
    for kind in ("skeleton", "all"):
        target = tmp_path / "out" / f"{kind}.mp4"
        path = client.download_overlay(
            analysis.video_id, target, kind=kind, timeout=240, poll_interval=0.2
        )
        assert path == target and not list(target.parent.glob("*.part"))
        with av.open(str(path)) as container:
            assert container.streams.video[0].codec_context.name == "h264"
            assert sum(1 for _ in container.decode(video=0)) == 135
    video = client.get_video(analysis.video_id)
    assert {o.kind: o.ready for o in video.overlays.values()} == {"skeleton": True, "all": True}


def test_bad_requests_are_clear_errors(client, squat_clip: Path, known_videos) -> None:
    analysis = client.analyze(squat_clip, activity="squat", **FAST)
    with pytest.raises(InvalidInputError, match="include takes any of analysis, j2p, objects"):
        client.get_video(analysis.video_id, include="poses")
    with pytest.raises(InvalidInputError, match=r"no 'sparkles' overlay \(the server offers"):
        client.download_overlay(analysis.video_id, "x.mp4", kind="sparkles")
    with pytest.raises(InvalidInputError, match="is a folder"):
        client.download_overlay(analysis.video_id, Path.cwd())
    with pytest.raises(InvalidInputError, match="timeout must be a number"):
        client.download_overlay(analysis.video_id, "x.mp4", timeout=-1)


def test_an_analysis_without_joint_data_says_so(make_client, local_server, known_videos) -> None:
    client = make_client(**local_server.client_kwargs())
    analysis = client.analyze(known_videos["squat"].path, activity="squat", **FAST)
    with pytest.raises(AnalysisFailedError, match="has no joint data"):
        client.get_joint_data(analysis.video_id)
    video = client.get_video(analysis.video_id, include=("analysis", "j2p"))
    assert video.analysis is not None and video.analysis.pose_track is None
    assert video.j2p is not None and video.j2p["status"] == "Failed"
    with pytest.raises(gf.GuruError, match=r"all overlay of video .* could not be built: no pose"):
        client.download_overlay(analysis.video_id, "x.mp4", timeout=5)
