"""Ground truth of a synthetic video, through the project's own definitions.

The figure's exact joint positions on the side facing the camera go through
:func:`guru_form.kinematics.angle_series`, :func:`~guru_form.kinematics.body_height_px` and
:func:`guru_form.activities.rep_analyses` with the exact rep frames, so a pose engine measured
against this truth is measured against the same definitions it uses itself.

Two forms:

- :func:`ground_truth` — a Guru analysis (status Complete, domain, activity, reps with every
  analysis), as the API would return it;
- :func:`truth_table` — one row per frame: ``frame``, ``time_ms``, ``rep`` (1-based while a rep
  is under way from its start to its end frame, else 0), ``phase`` (0 at rest, 1 at a turning
  point), ``near_side`` (``"right"`` or ``"left"``), every true landmark as ``<name>_x`` /
  ``<name>_y`` in pixels (``near_<joint>`` and ``far_<joint>`` for shoulder, elbow, wrist,
  index, hip, knee, ankle, heel and foot_index; ``nose``; ``near_eye``, ``far_eye``,
  ``near_ear``, ``far_ear``), then every series of :func:`~guru_form.kinematics.angle_series`
  for the near side, in degrees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from guru_form import activities
from guru_form.kinematics import angle_series, body_height_px
from guru_form.models import Analysis, Rep, Status
from guru_form.testing.synthetic.body import LIMB_JOINTS
from guru_form.testing.synthetic.motion import Motion
from guru_form.testing.synthetic.scene import Projected

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TRUTH_LANDMARKS", "ground_truth", "near_joints", "truth_table"]

FloatArray = npt.NDArray[np.float64]

#: Landmarks in the truth table, in column order (each gives ``<name>_x`` and ``<name>_y``).
TRUTH_LANDMARKS: tuple[str, ...] = (
    "nose",
    "near_eye",
    "far_eye",
    "near_ear",
    "far_ear",
    *(f"{side}_{joint}" for joint in LIMB_JOINTS for side in ("near", "far")),
)


def near_joints(projected: Projected) -> dict[str, FloatArray]:
    """The near side's joints (and the nose) in pixels, keyed as :mod:`guru_form.kinematics` wants."""
    joints = {j: projected.points[f"near_{j}"] for j in LIMB_JOINTS}
    joints["nose"] = projected.points["nose"]
    return joints


def _ms(seconds: float) -> int:
    return round(float(seconds) * 1000.0)


def ground_truth(
    motion: Motion,
    projected: Projected,
    *,
    athlete_height_cm: float | None = None,
    video_id: str | None = None,
) -> Analysis:
    """The Guru analysis a perfect engine would return for this video.

    Parameters
    ----------
    motion, projected
        The video's motion and its image positions.
    athlete_height_cm
        When given, the velocity is reported in m/s (``MEAN_CONCENTRIC_VELOCITY_M_PER_S``);
        otherwise in body heights per second, as the local engine does without a height.
    video_id
        Stored as the analysis's ``videoId`` when given.
    """
    joints = near_joints(projected)
    series = angle_series(joints)
    height = body_height_px(joints)
    profile = activities.get(motion.activity)
    joint_y = joints[profile.moving_joint][:, 1]
    sides = [projected.near_side] * motion.n_frames
    reps = []
    for start, mid, end in motion.rep_frames:
        analyses = activities.rep_analyses(
            profile,
            series,
            start,
            mid,
            end,
            time_s=motion.times_s,
            moving_joint_y=joint_y,
            body_height=height,
            athlete_height_cm=athlete_height_cm,
            joints=joints,
            sides=sides,
        )
        reps.append(
            Rep(
                start_ms=_ms(motion.times_s[start]),
                mid_ms=_ms(motion.times_s[mid]),
                end_ms=_ms(motion.times_s[end]),
                analyses=analyses,
            )
        )
    analysis = Analysis(
        video_id=video_id,
        status=Status.COMPLETE,
        domain=motion.activity.domain,
        activity=motion.activity,
        reps=reps,
    )
    analysis.raw = analysis.to_json()
    return analysis


def truth_table(motion: Motion, projected: Projected) -> pd.DataFrame:
    """One row per frame with every true landmark and angle (see the module docstring)."""
    import pandas as pd

    n = motion.n_frames
    rep = np.zeros(n, dtype=np.int64)
    for i, (start, _, end) in enumerate(motion.rep_frames, 1):
        rep[start : end + 1] = i
    columns: dict[str, npt.ArrayLike] = {
        "frame": np.arange(n),
        "time_ms": np.round(motion.times_s * 1000.0).astype(np.int64),
        "rep": rep,
        "phase": motion.phase,
        "near_side": np.full(n, projected.near_side),
    }
    for name in TRUTH_LANDMARKS:
        xy = projected.points[name]
        columns[f"{name}_x"] = xy[:, 0]
        columns[f"{name}_y"] = xy[:, 1]
    columns.update(angle_series(near_joints(projected)))
    table: pd.DataFrame = pd.DataFrame(columns)
    return table
