"""A person followed who does not hold together as a body: a pose fitted to clutter, not the athlete.

A real body, even a fast one with the model's jitter, moves its joints a little from one analysed
frame to the next; a pose fitted to a plate, a bar or another person's arms jumps. The figure
(tests/pose/figures.py) squats as a real body would; the "jumble" is the same figure whose joints,
on some frames, land on clutter around it, as the pose model's fit to a plate and a spotter does.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from guru_form.models import Analysis
from guru_form.pose.analysis import analyze_track
from guru_form.pose.confidence import JUMBLED, UNSURE, footage_warnings
from guru_form.pose.estimator import PersonSeries, RawPose
from guru_form.pose.joints import JOINTS
from guru_form.pose.people import BODY_JUMP, body_scale, choose_person, jumbled_frames
from guru_form.pose.track import build_track
from tests.pose.figures import landmarks_from, raw_pose, squat_figure

#: The pose model's frame-to-frame jitter on a real body, pixels (standard deviation).
JITTER_PX = 3.0


def _squatter(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three squats of a real body, with the model's jitter: landmarks and times (ms)."""
    fig, t, _ = squat_figure(3)
    lm = landmarks_from(fig.near_joints(), fig.facing)
    rng = np.random.default_rng(seed)
    lm[:, :, :2] += rng.normal(0.0, JITTER_PX, size=lm[:, :, :2].shape)
    return lm, t


def _jumble(lm: np.ndarray, share: float, seed: int = 1) -> np.ndarray:
    """The same joints, but on ``share`` of the frames each lands on clutter within a limb's
    length or two of where it was (a fit to the plates and another person around it)."""
    out = lm.copy()
    rng = np.random.default_rng(seed)
    frames = rng.random(len(lm)) < share
    scale = float(np.nanmedian(body_scale(lm)))
    out[frames, :, :2] += rng.uniform(-2.0, 2.0, size=(int(frames.sum()), len(JOINTS), 2)) * scale
    return out


def _only_person(raw: RawPose) -> RawPose:
    """The raw pose as the default backend gives it: one person followed, id 0."""
    rows = np.arange(len(raw), dtype=np.int64)
    return dataclasses.replace(raw, people={0: PersonSeries(0, rows, raw.landmarks)}, person=0)


def _analyse(lm: np.ndarray, t: np.ndarray) -> Analysis:
    raw = choose_person(_only_person(raw_pose(lm, t)), "squat")
    return analyze_track(build_track(raw, "squat"), "squat")


def test_a_real_body_moving_and_jittering_does_not_jump() -> None:
    lm, _ = _squatter()
    assert not jumbled_frames(lm).any()
    assert not jumbled_frames(lm, ("shoulder", "hip", "knee", "ankle")).any()


def test_a_body_whose_joints_move_more_than_half_a_segment_between_frames_jumps() -> None:
    lm, _ = _squatter()
    scale = float(np.nanmedian(body_scale(lm)))
    moved = lm.copy()
    moved[10:, :, 0] += (BODY_JUMP + 0.1) * scale  # every joint, at once, on frame 10
    jumped = jumbled_frames(moved)
    assert jumped.tolist() == [k == 10 for k in range(len(lm))]
    # A frame where the person is missing, and the one after it, are not judged.
    moved[20] = np.nan
    assert not jumbled_frames(moved)[20:22].any()


def test_the_real_body_is_analysed_with_no_jumble_warning_and_full_confidence() -> None:
    lm, t = _squatter()
    analysis = _analyse(lm, t)
    assert len(analysis.reps) == 3
    assert not any("hold together" in w for w in analysis.warnings)
    assert all((rep.confidence or 0.0) >= UNSURE for rep in analysis.reps)
    person = analysis.raw["x-guru-form"]["person"]
    assert person["jumbled"] == {"fraction": 0.0, "rows": []}


def test_a_jumble_is_named_in_the_warnings_and_its_reps_get_low_confidence() -> None:
    lm, t = _squatter()
    clean = _analyse(lm, t)
    jumbled = _analyse(_jumble(lm, 0.3), t)
    assert jumbled.reps, "the filtered track still shows the squats"
    assert all((rep.confidence or 0.0) < UNSURE for rep in jumbled.reps)
    said = [w for w in jumbled.warnings if "does not hold together as a body" in w]
    assert len(said) == 1
    fraction = jumbled.raw["x-guru-form"]["person"]["jumbled"]["fraction"]
    assert fraction >= JUMBLED
    assert f"on {fraction:.0%} of the frames" in said[0]
    assert max(r.confidence or 0.0 for r in jumbled.reps) < min(
        r.confidence or 0.0 for r in clean.reps
    )


def test_a_few_jumps_below_the_bound_are_not_a_jumble() -> None:
    lm, t = _squatter()
    analysis = _analyse(_jumble(lm, 0.03), t)
    fraction = analysis.raw["x-guru-form"]["person"]["jumbled"]["fraction"]
    assert 0.0 < fraction < JUMBLED
    assert not any("hold together" in w for w in analysis.warnings)


def test_a_track_from_another_tool_is_not_judged() -> None:
    """No raw model output, no measure: no warning, confidence as before."""
    lm, t = _squatter()
    analysis = analyze_track(build_track(raw_pose(_jumble(lm, 0.3), t), "squat"), "squat")
    assert not any("hold together" in w for w in analysis.warnings)


def test_the_warning_names_the_reps_counted_in_a_jumbled_stretch() -> None:
    from guru_form.pose.counting import RepCount
    from guru_form.pose.view import ViewEstimate

    view = ViewEstimate("side", float("nan"), 1.0)
    count = RepCount([], [], view, [])
    warnings = footage_warnings(count, "knee_angle", [None], [0.3], jumbled=0.05, jumbled_reps=[1])
    assert len(warnings) == 1
    assert "on part of it" in warnings[0] and "Rep 1 was counted there" in warnings[0]
    # Named once: not again as an uncertain rep.
    assert not any("the engine is unsure" in w for w in warnings)


def test_nothing_is_said_of_the_camera_view_read_from_a_jumble() -> None:
    """The view is read from the person followed's joints; of a jumble it describes clutter."""
    from guru_form.pose.counting import RepCount
    from guru_form.pose.view import ViewEstimate

    count = RepCount([], [], ViewEstimate("front", 1.2, 0.0), [])
    of_a_body = footage_warnings(count, "elbow_angle", [], [], jumbled=0.05)
    assert any("The camera faced the athlete" in w for w in of_a_body)
    of_a_jumble = footage_warnings(count, "elbow_angle", [], [], jumbled=0.3)
    assert not any("camera" in w for w in of_a_jumble)
    assert any("does not hold together" in w for w in of_a_jumble)
