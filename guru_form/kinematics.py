"""Joint angles from joint positions: the geometry, as pure functions.

Every per-frame angle series the pose track carries (:data:`SERIES`) and the athlete's height in
pixels are defined here. Which of them make a rep's analysis scalars, and how, is each activity's
business: see :mod:`guru_form.activities` (``moving_joint`` and ``rep_analyses``, which lived
here, are deprecated aliases of it for one release).

Conventions
-----------
- Points are arrays of shape ``(..., 2)`` holding ``(x, y)`` in image pixels, **y pointing down**.
- Angles are in degrees.
- ``series`` are per-frame 1-D arrays of equal length, keyed by the names in :data:`SERIES`.

Examples
--------
>>> import numpy as np
>>> hip, knee, ankle = np.array([0.0, 0.0]), np.array([10.0, 10.0]), np.array([0.0, 20.0])
>>> float(joint_angle(hip, knee, ankle))
90.0
>>> float(segment_angle_to_horizontal(hip, knee))  # hip above knee: positive
45.0
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from guru_form._deprecation import moved_names
from guru_form.models import Activity

__all__ = [
    "HEAD_TOP_FACTOR",
    "SEGMENT_PERCENTILE",
    "SERIES",
    "angle_series",
    "body_height_px",
    "body_line_angle",
    "joint_angle",
    "lean_from_vertical",
    "segment_angle_to_horizontal",
]

FloatArray = npt.NDArray[np.float64]

#: Names of the per-frame series :func:`angle_series` returns, with their meaning.
SERIES: dict[str, str] = {
    "knee_angle": "interior angle hip-knee-ankle (deg, 180 = straight)",
    "hip_angle": "interior angle shoulder-hip-knee (deg, 180 = straight)",
    "elbow_angle": "interior angle shoulder-elbow-wrist (deg, 180 = straight)",
    "shoulder_angle": "interior angle elbow-shoulder-hip (deg)",
    "trunk_lean": "angle of hip->shoulder from vertical (deg, 0 = upright)",
    "thigh_angle": "angle of hip->knee to horizontal (deg, + hip above knee)",
    "body_line": "180 - angle shoulder-hip-ankle (deg, + hip below the line: sag)",
}

#: Standing height / (ankle->knee + knee->hip + hip->shoulder + shoulder->nose). The chain from ankle
#: to nose misses the ankle's height above the floor and the head above the nose; adult proportions
#: put that chain at about 0.87 of standing height.
HEAD_TOP_FACTOR = 1.0 / 0.87

#: Each segment's length in :func:`body_height_px` is this percentile of its image lengths over the
#: frames. A segment's image is shorter than the segment when something hides part of it (the
#: deadlift's plate over the shin and thigh, for most of a set) or when it turns out of the image
#: plane, rarely longer; the median then reads the deadlifter 5-8 % short (docs/accuracy.md, velocity on real footage).
SEGMENT_PERCENTILE = 75.0


def _xy(p: npt.ArrayLike) -> FloatArray:
    return np.asarray(p, dtype=np.float64)


def _deg(radians: npt.ArrayLike) -> FloatArray:
    return np.asarray(np.degrees(radians), dtype=np.float64)


def joint_angle(a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike) -> FloatArray:
    """Interior angle at ``b`` between ``b->a`` and ``b->c``, in degrees (0..180).

    NaN where a segment has zero length or a point is NaN.
    """
    ba, bc = _xy(a) - _xy(b), _xy(c) - _xy(b)
    dot = np.sum(ba * bc, axis=-1)
    norms = np.linalg.norm(ba, axis=-1) * np.linalg.norm(bc, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.where(norms > 0, dot / norms, np.nan)
    return _deg(np.arccos(np.clip(cos, -1.0, 1.0)))


def segment_angle_to_horizontal(upper: npt.ArrayLike, lower: npt.ArrayLike) -> FloatArray:
    """Angle of the segment ``upper -> lower`` to the horizontal, in degrees (-90..90).

    Positive when ``upper`` is above ``lower`` in the image (smaller y), 0 when level, negative
    when below. With ``upper=hip, lower=knee`` this is the squat-depth angle: negative is below
    parallel.
    """
    d = _xy(lower) - _xy(upper)
    return _deg(np.arctan2(d[..., 1], np.abs(d[..., 0])))


def lean_from_vertical(lower: npt.ArrayLike, upper: npt.ArrayLike) -> FloatArray:
    """Angle of the segment ``lower -> upper`` from the vertical, in degrees (0..180).

    0 when ``upper`` is straight above ``lower``; 90 when level. With ``lower=hip,
    upper=shoulder`` this is trunk lean.
    """
    d = _xy(upper) - _xy(lower)
    return _deg(np.arctan2(np.abs(d[..., 0]), -d[..., 1]))


def body_line_angle(
    shoulder: npt.ArrayLike, hip: npt.ArrayLike, ankle: npt.ArrayLike
) -> FloatArray:
    """How far the hip bends the shoulder-ankle line, in degrees, signed.

    ``180 - joint_angle(shoulder, hip, ankle)``: 0 for a straight body, positive when the hip
    lies below the shoulder-ankle line in the image (sag), negative above it (pike).
    """
    s, h, a = _xy(shoulder), _xy(hip), _xy(ankle)
    bend = 180.0 - joint_angle(s, h, a)
    line = a - s
    rel = h - s
    # The sign of the cross product tells which side of the line the hip is on; orient it so that
    # "below in the image" (larger y) is positive whichever way the body faces.
    cross = line[..., 0] * rel[..., 1] - line[..., 1] * rel[..., 0]
    facing = np.sign(line[..., 0])
    facing = np.where(facing == 0, 1.0, facing)
    return np.where(cross * facing >= 0, bend, -bend)


def angle_series(joints: Mapping[str, npt.ArrayLike]) -> dict[str, FloatArray]:
    """Every series of :data:`SERIES` that the given joints allow.

    Parameters
    ----------
    joints
        One side's joints, each an array of shape ``(n_frames, 2)``: any of ``shoulder``,
        ``elbow``, ``wrist``, ``hip``, ``knee``, ``ankle``.

    Returns
    -------
    dict
        Series name -> array of shape ``(n_frames,)``; a series is left out when a joint it needs
        is missing.
    """
    j = {k: _xy(v) for k, v in joints.items()}
    out: dict[str, FloatArray] = {}

    def has(*names: str) -> bool:
        return all(n in j for n in names)

    if has("hip", "knee", "ankle"):
        out["knee_angle"] = joint_angle(j["hip"], j["knee"], j["ankle"])
    if has("shoulder", "hip", "knee"):
        out["hip_angle"] = joint_angle(j["shoulder"], j["hip"], j["knee"])
    if has("shoulder", "elbow", "wrist"):
        out["elbow_angle"] = joint_angle(j["shoulder"], j["elbow"], j["wrist"])
    if has("elbow", "shoulder", "hip"):
        out["shoulder_angle"] = joint_angle(j["elbow"], j["shoulder"], j["hip"])
    if has("hip", "shoulder"):
        out["trunk_lean"] = lean_from_vertical(j["hip"], j["shoulder"])
    if has("hip", "knee"):
        out["thigh_angle"] = segment_angle_to_horizontal(j["hip"], j["knee"])
    if has("shoulder", "hip", "ankle"):
        out["body_line"] = body_line_angle(j["shoulder"], j["hip"], j["ankle"])
    return out


def body_height_px(joints: Mapping[str, npt.ArrayLike]) -> float:
    """Estimated standing height of the athlete in pixels.

    ankle->knee + knee->hip + hip->shoulder + shoulder->nose, each segment's length taken as the
    :data:`SEGMENT_PERCENTILE`-th percentile of its lengths over the frames, times
    :data:`HEAD_TOP_FACTOR`. Segment lengths do not change as the athlete bends, so this holds in
    any pose; it assumes the segments lie roughly in the image plane (a side view). The
    percentile, rather than the median, keeps the frames where a segment is hidden or turned out
    of the image (and reads shorter) from setting the scale.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda *ys: np.array([[0.0, y] for y in ys])  # one joint over 4 frames, x = 0
    >>> joints = {"ankle": f(100, 100, 100, 100), "knee": f(50, 50, 50, 50),
    ...           "hip": f(0, 0, 0, 0), "shoulder": f(-60, -60, -60, -60),
    ...           "nose": f(-80, -80, -80, -80)}
    >>> round(body_height_px(joints) * 0.87)  # 50 + 50 + 60 + 20
    180
    >>> joints["ankle"] = f(100, 100, 80, 80)  # the shin half hidden on two frames: reads 30
    >>> round(body_height_px(joints) * 0.87)  # the median would take 40 for the shin
    180
    """
    chain = [("ankle", "knee"), ("knee", "hip"), ("hip", "shoulder"), ("shoulder", "nose")]
    total = 0.0
    for a, b in chain:
        length = np.linalg.norm(_xy(joints[b]) - _xy(joints[a]), axis=-1)
        if not np.isfinite(length).any():
            return float("nan")
        total += float(np.nanpercentile(length, SEGMENT_PERCENTILE))
    return total * HEAD_TOP_FACTOR


def _deprecated_moving_joint(activity: Activity | str) -> str:
    """Deprecated: the joint whose vertical travel gives the rep's velocity.

    Use ``guru_form.activities.get(activity).moving_joint``.
    """
    from guru_form import activities

    return activities.get(activity).moving_joint


def _deprecated_rep_analyses(
    activity: Activity | str,
    series: Mapping[str, npt.ArrayLike],
    start: int,
    mid: int,
    end: int,
    *,
    time_s: npt.ArrayLike,
    moving_joint_y: npt.ArrayLike | None = None,
    body_height: float | None = None,
    athlete_height_cm: float | None = None,
) -> dict[str, float]:
    """Deprecated: the analysis scalars of one rep.

    Use ``guru_form.activities.rep_analyses(guru_form.activities.get(activity), ...)``.
    """
    from guru_form import activities

    return activities.rep_analyses(
        activities.get(activity),
        series,
        start,
        mid,
        end,
        time_s=time_s,
        moving_joint_y=moving_joint_y,
        body_height=body_height,
        athlete_height_cm=athlete_height_cm,
    )


def _top_band() -> float:
    from guru_form import activities

    return activities.TOP_BAND


__getattr__ = moved_names(
    __name__,
    {
        "moving_joint": (
            "guru_form.activities.get(activity).moving_joint",
            lambda: _deprecated_moving_joint,
        ),
        "rep_analyses": (
            "guru_form.activities.rep_analyses(guru_form.activities.get(activity), ...)",
            lambda: _deprecated_rep_analyses,
        ),
        "TOP_BAND": ("guru_form.activities.TOP_BAND", _top_band),
    },
)
