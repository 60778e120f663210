"""Which side of the body to measure, frame by frame, in a side view.

Coaches film from the side, where one side of the body faces the camera and the other is hidden
behind it. The model still returns both sides: it invents the hidden limbs, often gives them the
higher visibility, and can swap the left and right labels from one frame to the next. Measuring
"the most visible side" therefore measures the invented side on many frames (10-30° errors).
This module measures the near side, chosen from four kinds of evidence:

1. **Continuity** (:func:`repair_label_swaps`): per limb (arm, leg), a frame whose left/right
   labels fit the previous frame much better swapped is swapped back, so each label follows one
   physical limb through the clip.
2. **Geometry**: which way the athlete faces, from the nose, the toes and the bent knees relative
   to the trunk (these use both sides' points and do not depend on the labels). Facing right with
   the head up, the right side is the near side; the same rule holds lying down or in a plank
   through the sign of ``forward x up`` in the image.
3. **Depth**: the model's own relative depth of each side (the near side is nearer).
4. **Agreement over time**: the per-frame evidence is averaged over a window and the side may only
   change when the other side wins for at least ``min_run_s`` (the athlete turned round), so the
   choice does not flicker. Visibility counts, with a small weight, only to break ties.

Everything here is a pure function of the estimator's output array (see
:mod:`guru_form.pose.joints`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guru_form.pose.joints import ARM, LEG, SIDE_JOINTS, SIDES, Side, joint_index

__all__ = ["SideChoice", "choose_side", "repair_label_swaps", "side_evidence"]

FloatArray = npt.NDArray[np.float64]

_X, _Y, _DEPTH, _VIS = 0, 1, 2, 3

#: Weights of the per-frame evidence in the side score.
WEIGHTS: dict[str, float] = {"geometry": 1.0, "depth": 1.0, "visibility": 0.25}


def _cols(side: Side, joints: tuple[str, ...]) -> list[int]:
    return [joint_index(side, j) for j in joints]


def _point(lm: FloatArray, side: Side | None, joint: str) -> FloatArray:
    return lm[:, joint_index(side, joint), :2]


def _mid(lm: FloatArray, joint: str) -> FloatArray:
    return np.asarray((_point(lm, "left", joint) + _point(lm, "right", joint)) / 2.0)


def torso_length(landmarks: FloatArray) -> float:
    """Median distance between the mid-shoulder and the mid-hip, in pixels (NaN if never seen)."""
    lengths = np.linalg.norm(_mid(landmarks, "shoulder") - _mid(landmarks, "hip"), axis=1)
    return float(np.nanmedian(lengths)) if np.isfinite(lengths).any() else float("nan")


def repair_label_swaps(
    landmarks: FloatArray,
    *,
    breaks: npt.NDArray[np.bool_] | None = None,
    ratio: float = 0.5,
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Undo left/right label swaps, limb by limb, by continuity between frames.

    Parameters
    ----------
    landmarks
        ``(n, len(JOINTS), 4)`` estimator output.
    breaks
        ``(n,)`` True where continuity does not hold (a cut): the comparison starts afresh there.
    ratio
        A frame is swapped when the swapped labels move the limb less than ``ratio`` times the
        distance the kept labels do, and by a clear margin (a tenth of the torso per joint).

    Returns
    -------
    tuple
        The repaired copy, and ``(n, 2)`` booleans telling which frames had their arm / leg
        labels swapped.
    """
    out = np.array(landmarks, dtype=np.float64, copy=True)
    n = len(out)
    swapped = np.zeros((n, 2), dtype=bool)
    torso = torso_length(out)
    if n == 0 or not np.isfinite(torso):
        return out, swapped
    for k, limb in enumerate((ARM, LEG)):
        left, right = _cols("left", limb), _cols("right", limb)
        margin = 0.1 * torso * len(limb)
        prev_l: FloatArray | None = None
        prev_r: FloatArray | None = None
        for t in range(n):
            if breaks is not None and breaks[t]:
                prev_l = prev_r = None
            cur_l, cur_r = out[t, left, :2], out[t, right, :2]
            if not (np.isfinite(cur_l).all() and np.isfinite(cur_r).all()):
                continue
            if prev_l is not None and prev_r is not None:
                keep = _dist(cur_l, prev_l) + _dist(cur_r, prev_r)
                swap = _dist(cur_l, prev_r) + _dist(cur_r, prev_l)
                if swap < ratio * keep and keep - swap > margin:
                    out[t, left], out[t, right] = out[t, right].copy(), out[t, left].copy()
                    swapped[t, k] = True
            prev_l, prev_r = out[t, left, :2].copy(), out[t, right, :2].copy()
    return out, swapped


def _dist(a: FloatArray, b: FloatArray) -> float:
    return float(np.linalg.norm(a - b, axis=-1).sum())


def side_evidence(landmarks: FloatArray) -> dict[str, FloatArray]:
    """Per-frame evidence for "the right side is the near side", each in -1..1 (+ right, - left).

    Returns
    -------
    dict
        ``geometry`` (facing direction and posture), ``depth`` (the model's relative depth),
        ``visibility`` (the model's visibility, a weak cue); NaN where it cannot be computed.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN frames (no person) stay NaN
        return _side_evidence(np.asarray(landmarks, dtype=np.float64))


def _side_evidence(lm: FloatArray) -> dict[str, FloatArray]:
    shoulder, hip = _mid(lm, "shoulder"), _mid(lm, "hip")
    up = shoulder - hip
    torso = np.linalg.norm(up, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = up / torso[:, None]
        # ``forward`` for a right-facing, upright athlete: +x. In general the image-plane normal
        # of the trunk axis; offsets along it say which way the athlete faces.
        p = np.stack([-u[:, 1], u[:, 0]], axis=1)
        nose = np.sum((_point(lm, None, "nose") - shoulder) * p, axis=1) / torso
        toes = np.nanmean(
            [
                np.sum((_point(lm, s, "foot_index") - _point(lm, s, "heel")) * p, axis=1)
                for s in SIDES
            ],
            axis=0,
        )
        knees = np.nanmean(
            [
                np.sum(
                    (_point(lm, s, "knee") - (_point(lm, s, "hip") + _point(lm, s, "ankle")) / 2)
                    * p,
                    axis=1,
                )
                for s in SIDES
            ],
            axis=0,
        )
        forward = np.nansum(np.stack([nose, toes / torso, 0.5 * knees / torso]), axis=0)
        forward[~np.isfinite(nose)] = np.nan
        geometry = np.clip(forward / 0.3, -1.0, 1.0)

        side_cols = {s: _cols(s, SIDE_JOINTS) for s in SIDES}
        depth_l = np.nanmean(lm[:, side_cols["left"], _DEPTH], axis=1)
        depth_r = np.nanmean(lm[:, side_cols["right"], _DEPTH], axis=1)
        depth = np.clip((depth_l - depth_r) / (0.5 * torso), -1.0, 1.0)
        vis_l = np.nanmean(lm[:, side_cols["left"], _VIS], axis=1)
        vis_r = np.nanmean(lm[:, side_cols["right"], _VIS], axis=1)
        visibility = np.clip((vis_r - vis_l) / 0.3, -1.0, 1.0)
    return {"geometry": geometry, "depth": depth, "visibility": visibility}


@dataclass(frozen=True)
class SideChoice:
    """The side measured on each frame, and why.

    Attributes
    ----------
    side
        ``(n,)`` array of ``"left"`` / ``"right"`` (``""`` on frames without a person).
    score
        ``(n,)`` smoothed evidence, + for right, - for left (NaN without a person).
    evidence
        The raw per-frame evidence of :func:`side_evidence`.
    """

    side: npt.NDArray[np.str_]
    score: FloatArray
    evidence: dict[str, FloatArray]

    @property
    def main_side(self) -> Side | None:
        """The side measured on most frames."""
        sides, counts = np.unique(self.side[self.side != ""], return_counts=True)
        if len(sides) == 0:
            return None
        main: Side = "left" if str(sides[int(np.argmax(counts))]) == "left" else "right"
        return main


def choose_side(
    landmarks: FloatArray,
    time_ms: FloatArray,
    *,
    window_s: float = 1.0,
    min_run_s: float = 1.5,
) -> SideChoice:
    """Choose the near side per frame, stable over time.

    Parameters
    ----------
    landmarks
        ``(n, len(JOINTS), 4)``, after :func:`repair_label_swaps`.
    time_ms
        ``(n,)`` frame times.
    window_s
        The evidence is averaged over a centred window this long.
    min_run_s
        The side changes only where the other side wins for at least this long.

    Examples
    --------
    A right-facing athlete whose hidden (left) side the model marks as more visible: geometry
    and depth still choose the right side.

    >>> import numpy as np
    >>> from guru_form.pose.joints import JOINTS, joint_index
    >>> lm = np.zeros((3, len(JOINTS), 4)); lm[..., 3] = 0.9
    >>> for side, depth, vis in (("left", 40.0, 0.99), ("right", -40.0, 0.6)):
    ...     for joint, xy in {"shoulder": (0, 0), "hip": (0, 100), "knee": (20, 150),
    ...                       "ankle": (0, 200), "heel": (-5, 205), "foot_index": (20, 205),
    ...                       "elbow": (10, 50), "wrist": (20, 90)}.items():
    ...         lm[:, joint_index(side, joint)] = (*xy, depth, vis)
    >>> lm[:, joint_index(None, "nose")] = (15, -30, 0, 1)
    >>> choose_side(lm, np.array([0.0, 33.3, 66.7])).main_side
    'right'
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    t = np.asarray(time_ms, dtype=np.float64)
    n = len(lm)
    evidence = side_evidence(lm)
    present = np.isfinite(lm[:, :, 0]).any(axis=1)
    raw = np.zeros(n)
    weight = np.zeros(n)
    for name, w in WEIGHTS.items():
        e = evidence[name]
        ok = np.isfinite(e)
        raw[ok] += w * e[ok]
        weight[ok] += w
    with np.errstate(invalid="ignore", divide="ignore"):
        per_frame = np.where(weight > 0, raw / weight, np.nan)
    score = _window_mean(per_frame, t, window_s)
    side = np.full(n, "", dtype="<U5")
    if not present.any():
        return SideChoice(side, np.full(n, np.nan), evidence)
    overall = np.nansum(per_frame)
    default: Side = "right" if overall >= 0 else "left"
    sign = np.where(np.isfinite(score), np.sign(score), 0.0)
    sign[sign == 0] = 1.0 if default == "right" else -1.0
    sign = _merge_short_runs(sign, t, present, min_run_s)
    side[present] = np.where(sign[present] > 0, "right", "left")
    score = np.where(present, score, np.nan)
    return SideChoice(side, score, evidence)


def _window_mean(x: FloatArray, t: FloatArray, window_s: float) -> FloatArray:
    """Centred moving mean over ``window_s`` seconds, ignoring NaN."""
    half = window_s * 500.0
    finite = np.isfinite(x)
    values = np.where(finite, x, 0.0)
    csum = np.concatenate([[0.0], np.cumsum(values)])
    ccount = np.concatenate([[0], np.cumsum(finite)])
    lo = np.searchsorted(t, t - half, side="left")
    hi = np.searchsorted(t, t + half, side="right")
    count = ccount[hi] - ccount[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, (csum[hi] - csum[lo]) / count, np.nan)


def _merge_short_runs(
    sign: FloatArray, t: FloatArray, present: npt.NDArray[np.bool_], min_run_s: float
) -> FloatArray:
    """Flip runs of one sign shorter than ``min_run_s`` to their neighbours' sign."""
    out = sign.copy()
    idx = np.flatnonzero(present)
    if len(idx) == 0:
        return out
    while True:
        values = out[idx]
        starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
        ends = np.r_[starts[1:], len(values)]
        if len(starts) <= 1:
            return out
        durations = t[idx[ends - 1]] - t[idx[starts]]
        shortest = int(np.argmin(durations))
        if durations[shortest] >= min_run_s * 1000.0:
            return out
        a, b = starts[shortest], ends[shortest]
        # Take the sign of the longer neighbour.
        left_len = durations[shortest - 1] if shortest > 0 else -1.0
        right_len = durations[shortest + 1] if shortest + 1 < len(starts) else -1.0
        neighbour = values[a - 1] if left_len >= right_len else values[b]
        out[idx[a:b]] = neighbour
