"""The pose engine's extras over real HTTP: j2p, include=, fps, overlays, and uploads with no activity.

One server (pose engine, every second frame) analyses one squat rep cut from
``tests/footage/squat_side_01.mp4`` once for the module.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guru_form.io.j2p import GURU_JOINTS, from_j2p
from guru_form.pose.track import track_from_keypoints
from guru_form.pose_track import PoseTrack
from guru_form.testing import LocalServer
from tests.pose.conftest import requires_litert, write_video

from .conftest import Api

pytestmark = [
    pytest.mark.pose,
    pytest.mark.slow,
    requires_litert,  # the server's pose engine (BlazePose on LiteRT)
]

FOOTAGE = Path(__file__).resolve().parents[1] / "footage"


def one_rep(path: Path) -> Path:
    """The first rep of squat_side_01.mp4 (8.0-12.5 s), at 304x540 and 15 frames/s."""
    import av
    import cv2

    frames = []
    with av.open(str(FOOTAGE / "squat_side_01.mp4")) as container:
        for n, frame in enumerate(container.decode(video=0)):
            if frame.time is not None and 8.0 <= frame.time < 12.5 and n % 2 == 0:
                frames.append(cv2.resize(frame.to_ndarray(format="rgb24"), (304, 540)))
    return write_video(path, frames, fps=15)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with LocalServer(tmp_path_factory.mktemp("pose-server"), engine="pose", stride=2) as running:
        yield running


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_rep(tmp_path_factory.mktemp("clip") / "one_rep.mp4")


@pytest.fixture(scope="module")
def analysed(server: LocalServer, clip: Path) -> str:
    """The id of the clip's video, analysed as a squat."""
    api = Api(server, "cognito-raw")
    try:
        video_id = api.submit(clip, activity="squat")
        body = api.wait(video_id, timeout=180)
        assert body["status"] == "Complete", body
        return video_id
    finally:
        api.close()


@pytest.fixture
def api(server: LocalServer) -> Iterator[Api]:
    client = Api(server, "cognito-raw")
    yield client
    client.close()


def test_j2p_serves_the_track_in_gurus_joint_to_points_format(
    api: Api, server: LocalServer, analysed: str
) -> None:
    body = api.request("GET", f"/videos/{analysed}/j2p").json()
    assert body["status"] == "Complete"
    assert (body["resolutionWidth"], body["resolutionHeight"]) == (304, 540)
    assert body["analysis"]["reps"] == api.analysis(analysed)["reps"]
    parts = {f"{side}{j[:1].upper()}{j[1:]}" for side in ("left", "right") for j in GURU_JOINTS}
    assert set(body["jointToPoints"]) == parts
    knees = body["jointToPoints"]["leftKnee"] + body["jointToPoints"]["rightKnee"]
    assert len(knees) > 20
    for point in knees:
        assert set(point) == {"frame_idx", "part", "position", "score", "timestamp"}
        assert 0.0 <= point["position"]["x"] <= 1.0 and 0.0 <= point["position"]["y"] <= 1.0
        assert 0.0 <= point["score"] <= 1.0
        assert point["timestamp"] == pytest.approx(point["frame_idx"] / 15, abs=0.002)  # seconds
    # The same joints, back as a pose track, as the server's own track holds them.
    ours = _server_track(server, analysed)
    back = track_from_keypoints(from_j2p(body, fps=15.0), smooth=False)
    kept = ours.frame.dropna(subset=["knee_x"])
    merged = kept.merge(back.frame, on="frame", suffixes=("", "_j2p"))
    assert len(merged) == len(kept)
    assert (merged["side"] == merged["side_j2p"]).all()
    for joint in ("shoulder", "hip", "knee", "ankle"):
        np.testing.assert_allclose(merged[f"{joint}_x_j2p"], merged[f"{joint}_x"], atol=1e-6)
        np.testing.assert_allclose(merged[f"{joint}_y_j2p"], merged[f"{joint}_y"], atol=1e-6)
    np.testing.assert_allclose(merged["knee_angle_j2p"], merged["knee_angle"], atol=1e-6)


def _server_track(server: LocalServer, video_id: str) -> PoseTrack:
    from guru_form.io.pose_parquet import find_artifact, from_pose_parquet

    path = find_artifact(server.data_dir / "artifacts" / f"{video_id}-1")  # the first upload
    assert path is not None
    return from_pose_parquet(path)


def test_get_video_answers_fps_and_what_include_asks_for(api: Api, analysed: str) -> None:
    plain = api.request("GET", f"/videos/{analysed}").json()
    assert plain["status"] == "Success" and plain["fps"] == pytest.approx(15.0)
    assert not {"analysis", "j2p", "objects"} & set(plain)
    full = api.request(
        "GET", f"/videos/{analysed}", params={"include": "analysis,j2p,objects"}
    ).json()
    assert full["analysis"] == api.analysis(analysed)
    hips = full["j2p"]["jointToPoints"]["leftHip"] + full["j2p"]["jointToPoints"]["rightHip"]
    assert full["j2p"]["status"] == "Complete" and len(hips) > 20
    assert full["objects"] == []
    bad = api.request("GET", f"/videos/{analysed}", params={"include": "analysis,poses"})
    assert bad.status_code == 400 and bad.json()["field"] == "include"
    assert "'poses'" in bad.json()["message"] and "analysis, j2p, objects" in bad.json()["message"]


def _overlays(api: Api, video_id: str, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        overlays: dict[str, Any] = api.request("GET", f"/videos/{video_id}").json()["overlays"]
        if all(o["status"] != "Pending" for o in overlays.values()):
            return overlays
        assert time.monotonic() < deadline, overlays
        time.sleep(0.5)


def test_overlays_are_built_once_on_request_as_h264(
    api: Api, analysed: str, tmp_path: Path
) -> None:
    import av

    first = api.request("GET", f"/videos/{analysed}").json()["overlays"]
    assert set(first) == {"skeleton", "all"}
    assert {o["status"] for o in first.values()} <= {"Pending", "Complete"}
    overlays = _overlays(api, analysed)
    for kind in ("skeleton", "all"):
        assert overlays[kind]["status"] == "Complete", overlays
        assert overlays[kind]["uri"].endswith(f"/videos/{analysed}/overlays/{kind}")
        response = api.http.get(overlays[kind]["uri"], headers=api.auth())
        assert response.status_code == 200
        assert response.headers["content-type"] == "video/mp4"
        path = tmp_path / f"{kind}.mp4"
        path.write_bytes(response.content)
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == "h264"
            assert stream.codec_context.pix_fmt == "yuv420p"  # what browsers play
            frames = sum(1 for _ in container.decode(video=0))
        assert frames == 68  # every frame of the 4.5 s clip at 15 frames/s
    # Built once: asking again neither rebuilds nor changes them.
    again = _overlays(api, analysed)
    assert again == overlays
    assert api.http.get(overlays["all"]["uri"]).status_code == 401  # the token is needed


def test_an_overlay_that_does_not_exist_or_is_not_built_is_a_clear_404(
    api: Api, analysed: str
) -> None:
    response = api.request("GET", f"/videos/{analysed}/overlays/sparkles")
    assert response.status_code == 404 and "skeleton, all" in response.json()["message"]
    pending = api.create(filename="x.mp4", size=10)
    response = api.request("GET", f"/videos/{pending['id']}/overlays/all")
    assert response.status_code == 404 and response.json()["error"] == "not_ready"
    assert api.request("GET", f"/videos/{pending['id']}").json()["overlays"] == {}


def test_no_activity_and_none_recognised_fails_with_the_code_and_a_message(
    api: Api, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guru_form.pose import analysis, recognition

    def cannot_tell(track: PoseTrack) -> recognition.Recognition:
        found = recognition.recognize(track)  # the real features, with no verdict
        return dataclasses.replace(found, recognized=None, reason="two profiles fit alike")

    monkeypatch.setattr(analysis, "recognize", cannot_tell)
    video_id = api.submit(clip)
    body = api.wait(video_id, timeout=180)
    assert body["status"] == "Failed"
    assert body["reason"] == "LOW_QUALITY_POSE_ESTIMATE"
    assert "could not tell which one" in body["message"]
    assert "two profiles fit alike" in body["message"]
    assert "activity" in body["message"] and "squat" in body["message"]
    video = api.request("GET", f"/videos/{video_id}", params={"include": "j2p"}).json()
    assert video["status"] == "Failed" and video["reason"] == "LOW_QUALITY_POSE_ESTIMATE"
    assert video["message"] == body["message"]
    assert video["j2p"]["status"] == "Failed"
    assert {o["status"] for o in video["overlays"].values()} == {"Failed"}


def test_no_activity_and_one_recognised_says_which_and_how_sure(
    api: Api, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guru_form import Activity
    from guru_form.pose import analysis, recognition

    seen: list[tuple[object, int]] = []

    def recognise(track: PoseTrack) -> recognition.Recognition:
        seen.append((track.activity, track.person_frames))
        found = recognition.recognize(track)
        return dataclasses.replace(
            found, recognized=recognition.RecognizedActivity(Activity.SQUAT, 0.87)
        )

    monkeypatch.setattr(analysis, "recognize", recognise)
    video_id = api.submit(clip)
    body = api.wait(video_id, timeout=180)
    assert body["status"] == "Complete", body
    extension = body["x-guru-form"]  # guru_form's own, beside Guru's fields
    assert extension["recognizedActivity"] == {"activity": "squat", "confidence": 0.87}
    from guru_form.models import Analysis

    assert Analysis.from_json(body).recognized_activity == (Activity.SQUAT, 0.87)
    assert extension["person"]["rule"]  # which person was measured, and why
    assert (body["activity"], body["domain"]) == ("squat", "weightlifting")
    assert len(body["reps"]) == 1
    ((activity, person_frames),) = seen
    assert activity is None and person_frames >= 20  # tracked before it was recognised


def test_an_activity_the_pose_engine_does_not_analyse_fails_saying_so(api: Api, clip: Path) -> None:
    body = api.wait(api.submit(clip, activity="chin_up"), timeout=60)
    assert body["status"] == "Failed"
    assert (
        "analyses squat, deadlift, bench_press, push_up, bodyweight_squat, lunge, not 'chin_up'"
        in body["reason"]
    )
    assert "hosted Guru API" in body["reason"]
