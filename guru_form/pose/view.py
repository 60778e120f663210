"""Which way the camera looks at the athlete, from the geometry of the pose.

The shoulder line tells it. Seen from the side, it points at the camera: the two shoulders lie
one behind the other. Seen from the front (or the back), it lies in the image plane, across the
picture. An oblique view is between. Where the pose model gives each joint a depth (BlazePose's
``z``: the track's ``shoulder_depth`` and ``far_shoulder_depth``), the angle of the shoulder line
out of the image plane is measured on each frame: the arctangent of the shoulders' difference in
depth over their distance in the image. The median over the frames with both shoulders known is
the athlete's *turn*, 0° squarely facing the camera and 90° side-on, and the view follows from
it:

=========  ===================  ===================================================
view       turn                 what it means for the engine
=========  ===================  ===================================================
side       75° or more          joint angles in the image are the limbs' angles
oblique    30° to 75°           angles are somewhat foreshortened
front      below 30°            angles in the image are not the limbs' angles: reps
                                are counted from heights, depth is not measured
=========  ===================  ===================================================

Front is the first third of the quarter turn from facing the camera. The model's depth is
noisier than its position in the image, and that noise only ever shortens a turn of 90° (the
shoulders cannot lie further than straight behind one another): a side-on shoulder line reads
short of 90°, so side starts at 75° (:data:`SIDE_TURN_DEG`) rather than at the last third's 60°.

A push-up filmed from the head end has its trunk pointing at the camera, and its shoulder line
across the image at one depth: a front view, as it should be (the elbow's angle in the image is
not the elbow's).

Where there is no depth (Guru's keypoints, another tool's 2D keypoints, a track saved before
the depth was kept), the shoulders' width in the image over the trunk's length tells the view
instead. Seen from the side, the two shoulders nearly overlap: the distance between them is a
small fraction of the trunk's length. Seen from the front, they are about two thirds to three
quarters of a trunk apart; and when the trunk points at the camera the trunk itself shrinks in
the image while the shoulders keep their width:

=========  =====================
view       shoulders / trunk
=========  =====================
side       below 0.4
oblique    0.4 to 0.75
front      0.75 or more
=========  =====================

The ratio cannot tell a trunk turned towards the camera from one bent or lying towards it (a
deadlift's set-up, a bench press from the foot end): both widen the shoulders against the trunk.
The depth can.

The far shoulder is the model's estimate even where it is hidden (a side view); it is then near
the near shoulder in the image and behind it in depth, which is what a side view means.

An athlete may turn within one shot (to face the camera for a few reps, then back):
:func:`steady_views` splits a stretch of footage where the camera sees the athlete's front for
some seconds, and the rest, so that each is counted as its view needs. Each frame is read as
facing the camera or not (the turn where known, else the width ratio), that reading smoothed
over :data:`VIEW_SMOOTHING_S` (the model's depth wobbles from frame to frame), and stretches
shorter than :data:`MIN_STEADY_VIEW_S` joined to their neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from guru_form.pose_track import PoseTrack

__all__ = [
    "FRONT_RATIO",
    "FRONT_TURN_DEG",
    "MIN_STEADY_VIEW_S",
    "SIDE_RATIO",
    "SIDE_TURN_DEG",
    "VIEW_SMOOTHING_S",
    "View",
    "ViewEstimate",
    "estimate_view",
    "facing_camera",
    "shoulder_turn",
    "steady_views",
    "width_ratio",
]

FloatArray = npt.NDArray[np.float64]

View = Literal["side", "oblique", "front"]

#: Turn of the shoulder line out of the image plane (degrees) below which the camera faces the
#: athlete's front or back: a third of the quarter turn from facing the camera (21 of the 29
#: front-labelled development clips read 2-26°, every oblique one 42° or more).
FRONT_TURN_DEG = 30.0
#: ... and at or above which it is side-on: the model's depth noise shortens a side-on turn of
#: 90° (71 of the 76 side-labelled development clips read 73-89°; the prior's 60° would call
#: most oblique-labelled ones side).
SIDE_TURN_DEG = 75.0

#: A stretch of footage seen from the front, or not, is told apart from its neighbours when it
#: lasts at least this long (s): the window over which :mod:`guru_form.pose.counting` measures
#: how well an angle follows the body, so that each stretch can be judged on its own.
MIN_STEADY_VIEW_S = 3.0
#: The per-frame reading of the view is smoothed over this long (s) before stretches are found.
VIEW_SMOOTHING_S = 1.0

#: Shoulder width over trunk length below which the camera is side-on (without depth).
SIDE_RATIO = 0.4
#: ... and at or above which it looks at the athlete's front or back.
FRONT_RATIO = 0.75


@dataclass(frozen=True)
class ViewEstimate:
    """The camera's view of the athlete over a track.

    Attributes
    ----------
    view
        ``"side"``, ``"oblique"`` or ``"front"`` (see the module docstring).
    width_ratio
        The median over frames of the shoulders' width over the trunk's length (NaN when the
        shoulders and hips were never seen).
    side_on_fraction
        The fraction of the frames with a person on which the view was side-on (by the turn
        where it is known, else by the width ratio).
    turn_deg
        The median over frames of the shoulder line's angle out of the image plane, in degrees
        (0 facing the camera, 90 side-on); NaN without the model's depth, when the view comes
        from ``width_ratio``.
    """

    view: View
    width_ratio: float
    side_on_fraction: float
    turn_deg: float = float("nan")

    @property
    def side_on(self) -> bool:
        """True for a side view."""
        return self.view == "side"


def _column(track: PoseTrack, name: str) -> FloatArray:
    """A column as floats, all NaN when the track has no such column (saved before it existed)."""
    frame = track.frame
    if name not in frame:
        return np.full(len(frame), np.nan)
    return frame[name].to_numpy(dtype=np.float64, na_value=np.nan)


def _points(track: PoseTrack, joint: str) -> FloatArray:
    """``(n, 2)`` a track joint's x and y per frame (NaN where unknown or not in the track)."""
    return np.stack([_column(track, f"{joint}_x"), _column(track, f"{joint}_y")], axis=1)


def width_ratio(track: PoseTrack) -> FloatArray:
    """Per frame, the shoulders' width over the trunk's length (NaN where not known)."""
    near, far = _points(track, "shoulder"), _points(track, "far_shoulder")
    hip, far_hip = _points(track, "hip"), _points(track, "far_hip")
    width = np.linalg.norm(near - far, axis=1)
    # The trunk from the middle of the shoulders to the middle of the hips, so that it does not
    # depend on which side is measured.
    mid_hip = np.where(np.isfinite(far_hip), (hip + far_hip) / 2.0, hip)
    trunk = np.linalg.norm((near + far) / 2.0 - mid_hip, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio: FloatArray = np.where(trunk > 0, width / trunk, np.nan)
    return ratio


def shoulder_turn(track: PoseTrack) -> FloatArray:
    """Per frame, the shoulder line's angle out of the image plane in degrees, 0..90.

    0 where the shoulders lie at one depth (the camera faces the athlete), 90 where one is
    straight behind the other (side-on). NaN where either shoulder's position or depth is not
    known, and on every frame of a track without the model's depth.
    """
    across = np.linalg.norm(_points(track, "shoulder") - _points(track, "far_shoulder"), axis=1)
    behind = np.abs(_column(track, "shoulder_depth") - _column(track, "far_shoulder_depth"))
    with np.errstate(invalid="ignore"):
        apart = np.hypot(across, behind) > 0  # the same point twice says nothing
    turn: FloatArray = np.where(apart, np.degrees(np.arctan2(behind, across)), np.nan)
    return turn


def classify(ratio: float) -> View:
    """The view for a shoulders-to-trunk ratio (NaN counts as side-on, the engine's default)."""
    if ratio >= FRONT_RATIO:
        return "front"
    if ratio >= SIDE_RATIO:
        return "oblique"
    return "side"


def classify_turn(turn_deg: float) -> View:
    """The view for a turn of the shoulder line out of the image plane, in degrees."""
    if turn_deg < FRONT_TURN_DEG:
        return "front"
    if turn_deg < SIDE_TURN_DEG:
        return "oblique"
    return "side"


def facing_camera(track: PoseTrack) -> FloatArray:
    """Per frame, 1.0 where the camera sees the athlete's front (or back), 0.0 where not.

    By the shoulder line's turn where it is known (below :data:`FRONT_TURN_DEG`), else by the
    shoulders' width over the trunk's length (:data:`FRONT_RATIO` or more); NaN where neither is
    known.
    """
    turn = shoulder_turn(track)
    ratio = width_ratio(track)
    with np.errstate(invalid="ignore"):
        by_ratio = np.where(np.isfinite(ratio), (ratio >= FRONT_RATIO).astype(np.float64), np.nan)
        facing: FloatArray = np.where(
            np.isfinite(turn), (turn < FRONT_TURN_DEG).astype(np.float64), by_ratio
        )
    return facing


def steady_views(track: PoseTrack, rows: npt.ArrayLike) -> list[npt.NDArray[np.bool_]]:
    """The stretches of ``rows`` over which the camera sees the athlete's front, or does not.

    Parameters
    ----------
    track
        The pose track.
    rows
        A boolean mask of one contiguous stretch of frames (a shot).

    Returns
    -------
    list of numpy.ndarray
        Boolean masks, in time order, that split ``rows``: one per stretch of at least
        :data:`MIN_STEADY_VIEW_S` whose smoothed reading (:func:`facing_camera`, a rolling
        median over :data:`VIEW_SMOOTHING_S`) stays the same; ``[rows]`` when the view does not
        change. Frames whose view is not known belong to the stretch before them (or after,
        at the start).
    """
    import pandas as pd

    from guru_form.pose.filters import runs

    mask = np.asarray(rows, dtype=bool)
    index = np.flatnonzero(mask)
    if len(index) == 0:
        return [mask]
    t = track.frame["time_ms"].to_numpy(dtype=np.float64)[index]
    step = float(np.median(np.diff(t))) if len(t) > 1 else 33.3
    width = 2 * round(VIEW_SMOOTHING_S * 500.0 / max(step, 1e-6)) + 1  # odd: no ties
    facing = pd.Series(facing_camera(track)[index])
    smooth = facing.rolling(width, center=True, min_periods=1).median().ffill().bfill()
    if smooth.isna().all():
        return [mask]
    label = smooth.to_numpy(dtype=np.float64) >= 0.5
    while True:
        stretches = runs(label) + runs(~label)
        short = [(a, b) for a, b in stretches if t[b - 1] - t[a] < MIN_STEADY_VIEW_S * 1000.0]
        if len(stretches) <= 1 or not short:
            break
        a, b = min(short, key=lambda ab: t[ab[1] - 1] - t[ab[0]])
        label[a:b] = ~label[a:b]
    out = []
    for a, b in sorted(stretches):
        part = np.zeros_like(mask)
        part[index[a:b]] = True
        out.append(part)
    return out


def estimate_view(track: PoseTrack, rows: npt.ArrayLike | None = None) -> ViewEstimate:
    """How the camera looks at the athlete over the track, or over its ``rows``.

    From the shoulder line's turn where the track has the model's depth on any of the frames
    judged, else from the shoulders' width over the trunk's length (see the module docstring).

    Parameters
    ----------
    track
        The pose track.
    rows
        A boolean mask of the frames to judge (one shot, say); all frames by default.

    Examples
    --------
    >>> estimate_view(track).view  # doctest: +SKIP
    'side'
    """
    ratio = width_ratio(track)
    turn = shoulder_turn(track)
    if rows is not None:
        mask = np.asarray(rows, dtype=bool)
        ratio, turn = ratio[mask], turn[mask]
    known_ratio = ratio[np.isfinite(ratio)]
    median_ratio = float(np.median(known_ratio)) if len(known_ratio) else float("nan")
    known_turn = turn[np.isfinite(turn)]
    if len(known_turn):
        median_turn = float(np.median(known_turn))
        side_on = float(np.mean(known_turn >= SIDE_TURN_DEG))
        return ViewEstimate(classify_turn(median_turn), median_ratio, side_on, median_turn)
    if len(known_ratio) == 0:
        return ViewEstimate("side", float("nan"), float("nan"))
    side_on = float(np.mean(known_ratio < SIDE_RATIO))
    return ViewEstimate(classify(median_ratio), median_ratio, side_on)
