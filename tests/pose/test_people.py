"""Several people in view: everyone tracked, the athlete chosen by default or by person=.

The real-footage case is two real clips side by side (tests/pose/conftest.py ``side_by_side``):
squat_side_01 on the left, pushup_side_01 on the right, 8-19 s of each. Squat bottoms by eye at
10.55 and 17.30 s of that clip (2.55 and 9.30 s here); push-up bottoms at 8.85, 10.95, 12.90,
14.90 and 16.85 s (0.85 ... 8.85 s here; the one at 18.70 s is cut by the end).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from guru_form.errors import InvalidInputError
from guru_form.pose.analysis import EXTENSION_KEY, analyze_track
from guru_form.pose.estimator import PersonSeries, RawPose
from guru_form.pose.joints import JOINTS, joint_index
from guru_form.pose.people import body_box, choose_person, people_on_frame
from guru_form.pose.track import build_track
from guru_form.video import Orientation, VideoInfo
from tests.pose.conftest import requires_litert

SQUAT_MIDS = [2.55, 9.30]
PUSH_UP_MIDS = [0.85, 2.95, 4.90, 6.90, 8.85]
#: The model runs over the two-person clip (165 analysed frames, two people): about a minute on
#: 2 idle cores, several when the machine is shared.
HEAVY = pytest.mark.timeout(1500)
#: The real-footage tests below run in a fresh interpreter, started by
#: test_real_footage_people_in_a_fresh_process: in one full-suite run of four, in a pytest worker
#: that had run other test files first, the push-up man was not found on the clip's first frames
#: (a process-state interaction not identified yet; the same tests pass alone and within
#: tests/pose every time).
FRESH_PROCESS_ENV = "GURU_FORM_TEST_FRESH_PROCESS"
in_fresh_process = pytest.mark.skipif(
    os.environ.get(FRESH_PROCESS_ENV) != "1",
    reason="run in a fresh interpreter by test_real_footage_people_in_a_fresh_process",
)


def _standing(x: float, scale: float = 100.0) -> np.ndarray:
    """A standing body's joints centred on ``x`` (pixels), ``scale`` px from hip to shoulder."""
    joints = np.zeros((len(JOINTS), 4))
    joints[:, 3] = 0.9
    heights = {
        "shoulder": 100,
        "elbow": 160,
        "wrist": 210,
        "hip": 200,
        "knee": 300,
        "ankle": 400,
        "heel": 410,
        "foot_index": 410,
    }
    joints[0, :2] = (x, 60)
    for side in ("left", "right"):
        for joint, y in heights.items():
            joints[joint_index(side, joint), :2] = (x, y * scale / 100.0)
    return joints


def _raw(people: dict[int, tuple[list[int], list[np.ndarray]]], n: int = 10) -> RawPose:
    info = VideoInfo(
        name="synthetic.mp4",
        width=640,
        height=480,
        orientation=Orientation(),
        frame_count=n,
        duration_ms=n * 1000.0 / 30.0,
        fps=30.0,
        variable_frame_rate=False,
        codec="h264",
    )
    series = {
        pid: PersonSeries(pid, np.asarray(rows), np.stack(joints))
        for pid, (rows, joints) in people.items()
    }
    return RawPose(
        video=info,
        frame=np.arange(n),
        time_ms=np.arange(n) * 1000.0 / 30.0,
        landmarks=np.full((n, len(JOINTS), 4), np.nan),
        scene_change=np.zeros(n),
        brightness=np.zeros(n),
        stride=1,
        estimator="blazepose",
        people=series,
    )


def test_person_by_index_position_and_box_on_a_frame() -> None:
    # Person 7 stands on the right from frame 0; person 3 on the left from frame 2.
    right = ([0, 1, 2, 3], [_standing(500.0)] * 4)
    left = ([2, 3], [_standing(100.0)] * 2)
    raw = _raw({7: right, 3: left})
    assert [pid for pid, _ in people_on_frame(raw, 2)] == [3, 7]  # left to right
    # By default the index counts on the first frame where anyone is: only person 7 is there.
    assert choose_person(raw, "squat", 0).person == 7
    chosen = choose_person(raw, "squat", 0, at_s=2 / 30)
    assert chosen.person == 3 and chosen.person_choice["rule"] == "index"
    assert np.isnan(chosen.landmarks[0]).all() and np.isfinite(chosen.landmarks[2]).all()
    assert choose_person(raw, "squat", 1, at_s=0.07).person == 7
    assert choose_person(raw, "squat", (110.0, 250.0), at_s=0.07).person == 3
    near = choose_person(raw, None, (440.0, 20.0), at_s=0.07)  # outside both: the nearest
    assert near.person == 7 and near.person_choice["rule"] == "position"
    boxed = choose_person(raw, "squat", (60, 0, 160, 300), at_s=0.07)
    assert boxed.person == 3 and boxed.person_choice["rule"] == "box"
    assert boxed.person_choice["requested"] == [60.0, 0.0, 160.0, 300.0]
    assert boxed.person_choice["box"] == pytest.approx(body_box(_standing(100.0)).tolist())


@pytest.mark.parametrize(
    ("person", "at_s", "message"),
    [
        (2, 0.07, r"person=2, but the people found at 0\.07 s are 2 \(0 at x .*; 1 at x .*\)"),
        ((0, 0, 10, 10), 0.07, r"overlaps none of the people found at 0\.07 s"),
        ((1.0, 2.0, 3.0), None, r"an index, an \(x, y\) position or an \(x0, y0, x1, y1\) box"),
        ("left", None, r"an index, an \(x, y\) position"),
        (True, None, r"person must be an index"),
        ((5, 5, 1, 1), None, r"x0 < x1"),
        (0, -1.0, r"person_at_s must be a time in seconds"),
    ],
)
def test_a_person_that_names_no_one_is_a_clear_error(person, at_s, message) -> None:
    raw = _raw({0: ([0, 1, 2], [_standing(100.0)] * 3), 1: ([2], [_standing(500.0)])})
    with pytest.raises(InvalidInputError, match=message) as caught:
        choose_person(raw, "squat", person, at_s=at_s)
    if person == 2:
        assert "guru_form.frames.show_people(video, at_s=0.07)" in str(caught.value)


def test_a_one_person_backend_has_no_one_to_choose_among() -> None:
    raw = dataclasses.replace(_raw({}), people={}, estimator="mediapipe")
    assert choose_person(raw, "squat") is raw
    with pytest.raises(InvalidInputError, match="'mediapipe' pose backend follows one person"):
        choose_person(raw, "squat", 0)


@in_fresh_process
@requires_litert
@pytest.mark.pose
@pytest.mark.slow
@HEAVY
@pytest.mark.parametrize(
    ("activity", "side", "mids"),
    [("squat", "left", SQUAT_MIDS), ("push_up", "right", PUSH_UP_MIDS)],
)
def test_the_default_is_the_person_doing_the_activity(raw_pose, two_people, activity, side, mids):
    raw = raw_pose(two_people, 2)
    assert len(raw.people) == 2  # both found, each followed under one id
    assert all(len(p) >= 0.95 * len(raw) for p in raw.people.values())
    chosen = choose_person(raw, activity)
    box = chosen.person_choice["box"]
    assert (box[2] < 304) if side == "left" else (box[0] > 304), box
    analysis = analyze_track(build_track(chosen, activity))
    np.testing.assert_allclose([r.mid_ms / 1000 for r in analysis.reps], mids, atol=0.3)
    measured = analysis.raw[EXTENSION_KEY]["person"]
    assert measured["rule"] == "activity movement" and measured["id"] == chosen.person
    assert measured["people"] == 2 and set(measured["movement"]) == {"0", "1"}


@in_fresh_process
@requires_litert
@pytest.mark.pose
@pytest.mark.slow
@HEAVY
def test_person_picks_the_other_one_through_analyze_video(raw_pose, two_people: Path) -> None:
    """The push-up man by his number through analyze_video; the squatter by a point on him."""
    from guru_form.pose import analyze_video

    analysis = analyze_video(two_people, "push_up", stride=2, person=1, person_at_s=1.0)
    assert len(analysis.reps) == len(PUSH_UP_MIDS)
    assert analysis.pose_track is not None
    person = analysis.pose_track.extra["person"]
    assert person == analysis.raw[EXTENSION_KEY]["person"]
    assert person["rule"] == "index" and person["at_s"] == pytest.approx(1.0, abs=0.07)
    assert person["box"][0] > 304  # on the right
    hip_x = analysis.pose_track.frame["hip_x"].dropna()
    assert (hip_x > 304).all()  # the skeleton is his, on every frame
    squatter = choose_person(raw_pose(two_people, 2), "squat", (150, 300))
    other = analyze_track(build_track(squatter, "squat"))
    assert other.pose_track is not None and (other.pose_track.frame["hip_x"].dropna() < 304).all()
    assert len(other.reps) == len(SQUAT_MIDS)


@in_fresh_process
@requires_litert
@pytest.mark.pose
@pytest.mark.slow
@HEAVY
def test_frames_show_the_people_numbered_left_to_right(two_people: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from guru_form.frames import draw_people, people_at, show_people

    # At 5 s the push-up man, lying against the window, is not found on that frame alone; the
    # tracking from 3 s before holds him.
    found = people_at(two_people, at_s=5.0)
    assert len(found.people) == 2 and found.time_s == pytest.approx(5.0, abs=0.04)
    assert found.boxes[0][2] < 304 < found.boxes[1][0]  # left one first
    image = found.image.copy()
    draw_people(image, found.people, boxes=found.boxes)
    x0, y0, x1, _ = (round(v) for v in found.boxes[1])
    assert (
        image[y0 - 1 : y0 + 2, x0 + 5 : x1 - 5] != found.image[y0 - 1 : y0 + 2, x0 + 5 : x1 - 5]
    ).any()
    ax = show_people(two_people)
    assert ax.get_title().startswith("2 people at 0.00 s")


@requires_litert
@pytest.mark.pose
@pytest.mark.slow
@HEAVY
def test_real_footage_people_in_a_fresh_process() -> None:
    if os.environ.get(FRESH_PROCESS_ENV) == "1":
        pytest.skip("already in the fresh interpreter")
    root = Path(__file__).resolve().parents[2]
    tests = "default_is_the_person or picks_the_other_one or numbered_left_to_right"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(Path(__file__)),
            "-k",
            tests,
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=root,
        env={**os.environ, FRESH_PROCESS_ENV: "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "4 passed" in done.stdout, done.stdout[-2000:]
