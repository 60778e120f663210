"""The pose engine end to end on small real clips, and what it says about videos it cannot use."""

from __future__ import annotations

import pickle
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guru_form.errors import EngineError
from guru_form.models import Analysis, Status
from guru_form.pose import PoseEngine, analyze_video, analyze_videos
from guru_form.pose.analysis import _analyze_or_fail
from guru_form.pose.track import PoseTrack
from guru_form.server.engines import EngineSpec, load_engine
from guru_form.server.jobs import _checked, run_analysis
from tests.pose._estimators import DIE_COLOUR, RAISE_COLOUR, MarkedFrameEstimator
from tests.pose.conftest import requires_litert, write_video

pytestmark = [pytest.mark.pose, requires_litert]


def _frames(path: Path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def test_engine_is_a_plain_picklable_object() -> None:
    engine = pickle.loads(pickle.dumps(PoseEngine(stride=2)))
    assert engine.name == "pose" and engine.stride == 2
    assert PoseEngine().stride == 1


@pytest.mark.slow
def test_engine_hands_the_job_an_analysis_and_its_track(squat_clip: Path, tmp_path: Path) -> None:
    spec = EngineSpec("pose", stride=2)
    analysis = load_engine(spec).analyze(
        squat_clip, activity="squat", domain="weightlifting", rep_count=None
    )
    assert isinstance(analysis, Analysis) and analysis.status is Status.COMPLETE
    assert analysis.pose_track.side == "right" and analysis.pose_track.stride == 2
    # The job validates it once, stores its JSON and writes its track among the artifacts.
    result, body = _checked(analysis, "pose", "squat", "weightlifting")
    assert result is analysis
    assert set(body) == {"status", "domain", "activity", "reps"}
    assert (body["status"], body["domain"], body["activity"]) == (
        "Complete",
        "weightlifting",
        "squat",
    )
    (rep,) = body["reps"]
    assert set(rep) == {"startTimestampMs", "midTimestampMs", "endTimestampMs", "analyses"}
    # The clip starts at 8.0 s of squat_side_01.mp4, whose first bottom is at 10.55 s.
    assert rep["midTimestampMs"] / 1000 == pytest.approx(10.55 - 8.0, abs=0.3)
    types = {a["analysisType"] for a in rep["analyses"]}
    assert {"HIP_KNEE_ANGLE_DEGREES", "KNEE_ANGLE_DEGREES", "TRUNK_LEAN_DEGREES"} <= types
    assert run_analysis(spec, str(squat_clip), "squat", None, None, str(tmp_path)) == body
    track = PoseTrack.read_parquet(tmp_path / "analysis.pose.parquet")
    assert track.side == "right" and track.stride == 2


def test_a_video_without_a_person(empty_room: Path) -> None:
    with pytest.raises(EngineError, match=r"no person was found on any of the 45 analysed frames"):
        PoseEngine(stride=2).analyze(empty_room, activity="squat", domain=None, rep_count=None)


def _letterboxed(image: np.ndarray, canvas: np.ndarray) -> np.ndarray:
    """``image`` scaled to the canvas's height, undistorted, in the middle of the canvas."""
    import cv2

    h, w = canvas.shape[:2]
    scaled_w = round(image.shape[1] * h / image.shape[0])
    out = canvas.copy()
    left = (w - scaled_w) // 2
    out[:, left : left + scaled_w] = cv2.resize(image, (scaled_w, h))
    return out


def test_a_person_on_too_few_frames(empty_room: Path, squat_clip: Path, tmp_path: Path) -> None:
    room = _frames(empty_room)
    # 20 frames of the athlete (0.67 s, under MIN_PERSON_SECONDS) between 3 s of empty room.
    # Undistorted: a person squashed into the room's shape is not always recognised as one.
    person = [_letterboxed(f, room[0]) for f in _frames(squat_clip)[:20]]
    mixed = write_video(tmp_path / "mostly_empty.mp4", room + person + room)
    with pytest.raises(EngineError, match=r"a person was found on only \d+ of 200 analysed frames"):
        PoseEngine().analyze(mixed, activity="squat", domain=None, rep_count=None)


def test_a_half_second_clip(squat_clip: Path, tmp_path: Path) -> None:
    short = write_video(tmp_path / "short.mp4", _frames(squat_clip)[:15])
    with pytest.raises(EngineError, match=r"only 0\.5 s long"):
        PoseEngine().analyze(short, activity="squat", domain=None, rep_count=None)


def test_a_still_image_renamed_mp4(tmp_path: Path) -> None:
    import cv2

    _ok, data = cv2.imencode(".jpg", np.full((240, 320, 3), 90, np.uint8))
    path = tmp_path / "photo.mp4"
    path.write_bytes(data.tobytes())
    with pytest.raises(EngineError, match="not a usable video: it is a still image"):
        PoseEngine().analyze(path, activity="squat", domain=None, rep_count=None)


def test_no_activity_or_a_mismatched_domain(empty_room: Path) -> None:
    with pytest.raises(EngineError, match="needs the activity"):
        PoseEngine().analyze(empty_room, activity=None, domain=None, rep_count=None)
    with pytest.raises(EngineError, match="belongs to domain"):
        PoseEngine().analyze(empty_room, activity="push_up", domain="weightlifting", rep_count=None)


@pytest.mark.slow
def test_analyze_video_attaches_the_track(squat_clip: Path) -> None:
    calls: list[tuple[int, int]] = []
    analysis = analyze_video(
        squat_clip,
        "squat",
        stride=3,
        athlete_height_cm=175,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[-1] == (45, 45) and [d for d, _ in calls] == list(range(1, 46))
    assert analysis.status is Status.COMPLETE and len(analysis.reps) == 1
    assert isinstance(analysis.pose_track, PoseTrack)
    assert "MEAN_CONCENTRIC_VELOCITY_M_PER_S" in analysis.reps[0].analyses


@pytest.mark.slow
def test_analyze_videos_in_a_process_pool(squat_clip: Path, empty_room: Path) -> None:
    done, failed = analyze_videos([squat_clip, empty_room], "squat", stride=3, max_workers=2)
    assert done.status is Status.COMPLETE and len(done.reps) == 1
    assert failed.status is Status.FAILED and "no person was found" in (failed.reason or "")


def _solid(path: Path, colour: tuple[int, int, int], frames: int = 40) -> Path:
    """A 1.3 s video of one colour (long enough to pass the duration check)."""
    return write_video(path, np.full((frames, 240, 320, 3), colour, np.uint8))


def test_a_crash_in_the_engine_is_a_failed_analysis(tmp_path: Path) -> None:
    red = _solid(tmp_path / "red.mp4", RAISE_COLOUR)
    result = _analyze_or_fail(
        str(red),
        "squat",
        {"stride": 2, "athlete_height_cm": None, "estimator": MarkedFrameEstimator},
    )
    assert result.status is Status.FAILED and result.activity == "squat"
    assert result.reason == (
        "the pose engine crashed on this video: RuntimeError: out of memory in the pose model "
        "(a test's red frame). The other videos are not affected; run pose.analyze_video on this "
        "one alone to see the full error, and report it if the video plays normally"
    )


@pytest.mark.slow
def test_a_batch_keeps_every_video_when_one_raises_and_one_kills_its_process(
    squat_clip: Path, empty_room: Path, tmp_path: Path
) -> None:
    red = _solid(tmp_path / "red.mp4", RAISE_COLOUR)
    green = _solid(tmp_path / "green.mp4", DIE_COLOUR)
    done, raised, died, empty = analyze_videos(
        [squat_clip, red, green, empty_room],
        "squat",
        stride=3,
        max_workers=2,
        estimator=MarkedFrameEstimator,
    )
    assert done.status is Status.COMPLETE and len(done.reps) == 1
    assert raised.status is Status.FAILED
    assert (raised.reason or "").startswith(
        "the pose engine crashed on this video: RuntimeError: out of memory"
    )
    assert died.status is Status.FAILED
    assert (died.reason or "").startswith(
        "the pose engine's process died while analysing this video"
    )
    assert empty.status is Status.FAILED and "no person was found" in (empty.reason or "")


def test_a_job_the_executor_cannot_run_fails_alone(squat_clip: Path, empty_room: Path) -> None:
    class Refusing(ThreadPoolExecutor):
        """Runs nothing for the second video: its future fails as a lost Dask worker's would."""

        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            if args and args[0] == str(empty_room):
                future: Future[Any] = Future()
                future.set_exception(OSError("worker lost"))
                return future
            return super().submit(fn, *args, **kwargs)

    with Refusing(max_workers=1) as pool:
        done, lost = analyze_videos(
            [squat_clip, empty_room], "squat", stride=3, executor=pool, estimator=_no_person
        )
    assert done.status is Status.FAILED and "no person was found" in (done.reason or "")
    assert lost.status is Status.FAILED
    assert (
        lost.reason == "the analysis job could not run (OSError: worker lost); try this video again"
    )


def _no_person() -> MarkedFrameEstimator:
    estimator = MarkedFrameEstimator()
    estimator.estimate = lambda image, time_ms: None  # type: ignore[method-assign]
    return estimator


BLOCK_POSE_PACKAGES = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        for blocked in ("mediapipe", "ai_edge_litert"):
            if name == blocked or name.startswith(blocked + "."):
                raise ImportError("blocked for the test")
sys.meta_path.insert(0, Block())
import guru_form.pose as pose
from guru_form.errors import MissingDependencyError
assert "mediapipe" not in sys.modules and "ai_edge_litert" not in sys.modules
for make in (pose.MediaPipeEstimator, pose.BlazePoseEstimator):
    try:
        make()
    except MissingDependencyError as exc:
        print(exc)
"""


def test_guru_form_pose_imports_without_the_pose_packages() -> None:
    """Importing needs neither runtime; each backend names the extra that brings its own."""
    out = subprocess.run(
        [sys.executable, "-c", BLOCK_POSE_PACKAGES], capture_output=True, text=True, check=True
    ).stdout
    mediapipe, litert = out.strip().splitlines()
    assert "needs the optional 'mediapipe' extra (mediapipe 0.10.21, Python 3.12" in mediapipe
    assert "pip install 'guru-form[mediapipe]'" in mediapipe
    assert "local pose analysis needs the optional 'pose' extra" in litert
    assert "pip install 'guru-form[pose]'" in litert
