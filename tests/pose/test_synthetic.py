"""Accuracy on the sample videos' exact ground truth, through the engine's own side choice.

Bounds with MediaPipe (stride 2, what ``benchmarks/pose.py`` prints; measured values in
docs/accuracy.md):

- rep counts exact;
- per-frame angle MAE against truth.csv within 5° for knee, hip and elbow, except the deadlift's
  knee (10°): the near knee is behind the bar's plate, where MediaPipe's knee is 8-11° off on
  either side;
- turning point (``mid``) within 2 frames, except the deadlift (5 frames: the engine calls the
  lockout reached within 5 % of the hip angle's range from its largest, 4-6 frames before the
  figure stops, even on perfect landmarks);
- ``start``/``end`` within 5 / 9 frames (at stride 2 a boundary can only fall on every other
  frame): at the top of a slow press MediaPipe's elbow settles a few degrees short of the true
  lockout and earlier than the figure does;
- per rep, the analysis scalars a coach reads (:data:`REP_BOUND`): the mean absolute error over
  the reps of each analysisType against the truth's value for that rep. Within 5° where the
  model sees the joint; wider, and said why, where it does not. These errors are the model's: the
  same engine fed the figure's exact joints (:class:`TruthEstimator`, the second test) is within
  1° of every per-rep value.
"""

from __future__ import annotations

import sys
from typing import ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from guru_form.pose.accuracy import accuracy_against_truth
from guru_form.pose.analysis import analyze_track
from guru_form.pose.joints import JOINTS
from guru_form.pose.track import build_track
from tests.pose.conftest import requires_litert

SAMPLES = ["squat", "push_up", "deadlift", "bench_press"]
ANGLE_BOUND = {"knee_angle": 5.0, "hip_angle": 5.0, "elbow_angle": 5.0}
MID_BOUND = 2.0
VELOCITY = "MEAN_CONCENTRIC_VELOCITY_BH_PER_S"

#: Per-rep bounds at stride 2: analysisType -> largest mean absolute error over the reps (degrees;
#: body heights per second for the velocity). Measured at stride 1 / 2 in the comments.
REP_BOUND: dict[str, dict[str, float]] = {
    "squat": {
        "HIP_KNEE_ANGLE_DEGREES": 5.0,  # 2.8 / 3.5
        # 8.4 / 8.6: in the deep squat MediaPipe puts the near knee ~11 px (5 cm) behind the
        # drawn knee, towards the far knee, on every frame of the bottom (static mode too):
        # the knee reads 8-10° straighter there, though its per-frame MAE is 4°.
        "KNEE_ANGLE_DEGREES": 11.0,
        "HIP_ANGLE_DEGREES": 5.0,  # 2.1 / 0.8
        "TRUNK_LEAN_DEGREES": 6.0,  # 4.8 / 4.1: the model's shoulder ahead of the figure's
        VELOCITY: 0.05,  # 0.022 / 0.034 (values 0.13-0.37)
    },
    "deadlift": {
        # 14.9 / 18.7: the smallest knee angle is at the floor, where the near plate hides the
        # shin and the ankle (MediaPipe's ankle 30 px off): the knee reads 9-24° more bent.
        "KNEE_ANGLE_DEGREES": 25.0,
        "HIP_ANGLE_DEGREES": 5.0,  # 1.1 / 1.3
        # 6.8 / 5.4: at lockout the bar and the near plate are over the hip; the model reads a
        # fuller extension than the figure's (172-180° for 163-175°), most on soft lockouts.
        "LOCKOUT_HIP_ANGLE_DEGREES": 9.0,
        "TRUNK_LEAN_DEGREES": 6.0,  # 4.6 / 4.4
        # 0.053 / 0.035 (values 0.28-0.48, the shoulder's: the bar's): +13 % / +9 %, the model's
        # body height 1-2 % short and its shoulder's travel a few % long
        VELOCITY: 0.05,
    },
    "bench_press": {
        # 6.2 / 6.0: at the bottom the elbow is beside the bench and the trunk; the model's
        # elbow sits higher and reads 4-11° more open (the bar's lowest rep: 11°).
        "ELBOW_ANGLE_DEGREES": 9.0,
        "LOCKOUT_ELBOW_ANGLE_DEGREES": 5.0,  # 1.9 / 2.0
        VELOCITY: 0.05,  # 0.01 / 0.02 (values 0.13-0.31)
    },
    "push_up": {
        "ELBOW_ANGLE_DEGREES": 7.0,  # 4.0 / 5.0: the elbow reads 2-8° more open at the bottom
        "LOCKOUT_ELBOW_ANGLE_DEGREES": 5.0,  # 2.2 / 1.4
        "BODY_LINE_ANGLE_DEGREES": 5.0,  # 3.4 / 2.6: 2-4° less sag than the figure's
        VELOCITY: 0.05,  # 0.01 / 0.00 (values 0.06-0.18)
    },
}


@requires_litert
@pytest.mark.pose
@pytest.mark.slow
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_video_accuracy(raw_pose, name: str) -> None:
    from guru_form import samples

    raw = raw_pose(samples.sample_path(name), 2)
    analysis = analyze_track(build_track(raw, name))
    acc = accuracy_against_truth(
        analysis, samples.sample_truth(name), samples.sample_analysis(name)
    )
    assert acc.count_exact, acc.summary()
    for angle, bound in ANGLE_BOUND.items():
        limit = 10.0 if (name, angle) == ("deadlift", "knee_angle") else bound
        assert acc.angle_mae[angle] <= limit, acc.summary()
    assert acc.boundary_error_frames["mid"] <= (5.0 if name == "deadlift" else MID_BOUND)
    # The push-up sample's plank drifts about 5°/s before its third rep, right at the start
    # rule's still speed (5 % of the range per second): the model's output under numpy 1.26 and
    # numpy 2 (sub-pixel differences) puts that start 1 or 7 frames early. A known fragility of
    # the start rule, not of the count or the turning points.
    start_bound = 8.0 if name == "push_up" else 5.0
    assert acc.boundary_error_frames["start"] <= start_bound, acc.summary()
    assert acc.boundary_error_frames["end"] <= 9.0, acc.summary()
    # Every per-rep value the truth has, the engine reports, within its bound.
    assert not acc.analysis_missing, acc.summary()
    assert set(acc.analysis_error) == set(REP_BOUND[name]), acc.summary()
    for analysis_type, bound in REP_BOUND[name].items():
        assert acc.analysis_error[analysis_type] <= bound, (analysis_type, acc.summary())


class TruthEstimator:
    """A second pose backend: the sample's true joints, looked up by the frame's index strip.

    A perfect model, plugged in through the estimator interface (registered by name in
    :data:`~guru_form.pose.estimator.ESTIMATORS`, constructed with no arguments). The truth
    table is set on the class by the test. The near side gets a visibility of 1 and is nearer
    the camera; the far side 0.6, as a model would see it.
    """

    name = "truth"
    table: ClassVar[pd.DataFrame | None] = None

    def __init__(self) -> None:
        if self.table is None:
            raise RuntimeError("set TruthEstimator.table to a sample's truth table first")
        self.frames_seen: list[int] = []

    def estimate(self, image: npt.NDArray[np.uint8], time_ms: float) -> npt.NDArray[np.float64]:
        from guru_form.testing.synthetic import read_frame_code

        assert self.table is not None
        index = read_frame_code(image)
        row = self.table.iloc[index]
        assert abs(float(row["time_ms"]) - time_ms) <= 1.0  # the frame handed over is that frame
        self.frames_seen.append(index)
        near = str(row["near_side"])
        out = np.empty((len(JOINTS), 4))
        for i, joint in enumerate(JOINTS):
            if joint == "nose":
                out[i] = (row["nose_x"], row["nose_y"], 0.0, 1.0)
                continue
            side, part = joint.split("_", 1)
            which = "near" if side == near else "far"
            depth, visibility = (-50.0, 1.0) if which == "near" else (50.0, 0.6)
            out[i] = (row[f"{which}_{part}_x"], row[f"{which}_{part}_y"], depth, visibility)
        return out

    def close(self) -> None:
        """Nothing to free."""


@pytest.mark.parametrize("name", SAMPLES)
def test_a_second_backend_plugs_in_by_name_and_a_perfect_one_reproduces_the_truth(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """analyze_video with another backend, mediapipe unimportable: the engine adds no error."""
    from guru_form import samples
    from guru_form.pose import analyze_video
    from guru_form.pose.estimator import ESTIMATORS

    for module in [m for m in sys.modules if m == "mediapipe" or m.startswith("mediapipe.")]:
        monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(sys.modules, "mediapipe", None)  # ``import mediapipe`` now fails
    monkeypatch.setitem(ESTIMATORS, "truth", f"{__name__}:TruthEstimator")
    truth_frames = samples.sample_truth(name)
    monkeypatch.setattr(TruthEstimator, "table", truth_frames)

    analysis = analyze_video(samples.sample_path(name), name, stride=2, estimator="truth")
    assert analysis.pose_track is not None and analysis.pose_track.estimator == "truth"
    assert (analysis.pose_track.frame["frame"] % 2 == 0).all()
    acc = accuracy_against_truth(analysis, truth_frames, samples.sample_analysis(name))
    assert acc.count_exact, acc.summary()
    assert max(acc.angle_mae.values()) < 0.5, acc.summary()  # side choice and filters
    # (timestamps are whole milliseconds: 2 frames may read 2.01)
    assert acc.boundary_error_frames["start"] < 2.5 and acc.boundary_error_frames["end"] < 2.5
    # By design the deadlift's mid is when the lockout is reached (within 5 % of the range).
    assert acc.boundary_error_frames["mid"] < (6.5 if name == "deadlift" else 1.5), acc.summary()
    assert not acc.analysis_missing
    for analysis_type, error in acc.analysis_error.items():
        bound = 0.06 if analysis_type == VELOCITY else 1.0
        assert error <= bound, (analysis_type, acc.summary())
    # Velocity within 5 % of the truth's, the deadlift's too: its concentric phase ends where the
    # moving joint reaches the top, not when the hip angle is called locked out (4-6 frames
    # before the figure's lockout: it used to read +17 % fast). Measured at stride 2: squat -1 %,
    # deadlift +2 %, bench press +2 %, push-up -4 %.
    relative = acc.analysis_relative_bias[VELOCITY]
    assert abs(relative) <= 0.05, relative
