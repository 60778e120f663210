"""Building a pose track from an estimator's output, or from another tool's keypoints.

:func:`build_track` makes a :class:`~guru_form.pose_track.PoseTrack` (the data model, documented
in :mod:`guru_form.pose_track` and re-exported here) from an estimator's raw output
(:class:`~guru_form.pose.estimator.RawPose`): cuts are found, left/right label swaps undone, the
near side chosen per frame (:mod:`guru_form.pose.sides`), its joints cleaned
(:mod:`guru_form.pose.filters`) and the angles computed with :mod:`guru_form.kinematics`.
:func:`track_from_keypoints` does the same with both sides' keypoints from any source
(:class:`~guru_form.pose_track.PoseKeypoints`: movement, OpenSim files, ...).
With a backend that follows several people, the track's ``extra["person"]`` says which person
it measures and why (:func:`guru_form.pose.people.choose_person`: their ``id``, the ``rule``, the
``people`` found, each one's ``frames``, and their typical ``box``).
"""

from __future__ import annotations

import sys
import types
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from guru_form._deprecation import warn_renamed
from guru_form.kinematics import SERIES, angle_series
from guru_form.models import Activity
from guru_form.pose.estimator import RawPose
from guru_form.pose.filters import MAX_GAP_S, clean_series
from guru_form.pose.joints import SIDE_JOINTS, TRACK_JOINTS, joint_index, other_side
from guru_form.pose.sides import SideChoice, choose_side, repair_label_swaps, torso_length
from guru_form.pose_track import COLUMNS, DEPTH_COLUMNS, PoseKeypoints, PoseTrack

__all__ = ["COLUMNS", "PoseTrack", "build_track", "find_cuts", "track_from_keypoints"]

FloatArray = npt.NDArray[np.float64]

#: A thumbnail difference (0..1) above this, and a spike against its neighbours, is an edited cut.
CUT_THRESHOLD = 0.03
#: ... if the person's joints jump with it: by more than this many torso lengths (median over
#: the joints) between the two analysed frames, and more than :data:`CUT_JUMP_RATIO` times their
#: typical step around it.
CUT_JUMP_TORSOS = 0.3
CUT_JUMP_RATIO = 3.0


def find_cuts(raw: RawPose, *, threshold: float = CUT_THRESHOLD) -> npt.NDArray[np.bool_]:
    """``(n,)`` True on analysed frames that start a new shot after an edited cut.

    A cut is a jump of the frame's grey thumbnail: a mean absolute difference to the previous
    analysed frame above ``threshold`` and three times the typical difference of the frames
    around it (movement changes the picture steadily, a cut at once). Cross-dissolves are not
    found; a rep is rarely cut by one. A picture jump the person does not make is no cut: a
    caption or a wipe crossing the frame, a slight digital zoom, the lights. Where the person is
    found on both sides of the jump, it is a cut only if their joints jump too
    (:data:`CUT_JUMP_TORSOS`, :data:`CUT_JUMP_RATIO`).
    """
    cuts = _scene_spikes(np.asarray(raw.scene_change, dtype=np.float64), threshold)
    if len(cuts):
        cuts[0] = False
        steps = _joint_steps(np.asarray(raw.landmarks, dtype=np.float64))
        for i in np.flatnonzero(cuts):
            step = steps[i - 1]
            if not np.isfinite(step):
                continue  # the person is missing on one side: the picture decides
            around = np.r_[steps[max(0, i - 6) : max(0, i - 2)], steps[i + 1 : i + 6]]
            around = around[np.isfinite(around)]
            typical = float(np.median(around)) if len(around) else 0.0
            cuts[i] = step > max(CUT_JUMP_TORSOS, CUT_JUMP_RATIO * typical)
    return cuts


def _joint_steps(landmarks: FloatArray) -> FloatArray:
    """``(n - 1,)`` median distance the joints move between analysed frames, in torso lengths."""
    xy = landmarks[:, :, :2]
    if len(xy) < 2:
        return np.zeros(0)
    shoulders = (
        xy[:, joint_index("left", "shoulder")] + xy[:, joint_index("right", "shoulder")]
    ) / 2
    hips = (xy[:, joint_index("left", "hip")] + xy[:, joint_index("right", "hip")]) / 2
    torso = np.linalg.norm(shoulders - hips, axis=1)[:-1]
    moved = np.linalg.norm(np.diff(xy, axis=0), axis=2)
    out = np.full(len(moved), np.nan)
    for k in range(len(moved)):
        known = moved[k][np.isfinite(moved[k])]
        if len(known) and np.isfinite(torso[k]) and torso[k] > 0:
            out[k] = float(np.median(known)) / torso[k]
    return out


def _scene_spikes(change: FloatArray, threshold: float) -> npt.NDArray[np.bool_]:
    n = len(change)
    out = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(change > threshold):
        around = np.r_[change[max(0, i - 6) : max(0, i - 1)], change[i + 2 : i + 7]]
        typical = float(np.median(around)) if len(around) else 0.0
        out[i] = change[i] > 3.0 * typical
    return out


def _shots(
    cuts: npt.NDArray[np.bool_], present: npt.NDArray[np.bool_], time_ms: FloatArray
) -> npt.NDArray[np.int64]:
    """Shot index per frame: +1 at each cut and after each absence longer than ``MAX_GAP_S``."""
    shot = np.zeros(len(cuts), dtype=np.int64)
    current = 0
    last_seen: float | None = None
    for i in range(len(cuts)):
        if cuts[i]:
            current += 1
        if present[i]:
            if last_seen is not None and time_ms[i] - last_seen > MAX_GAP_S * 1000.0:
                current += 1
            last_seen = float(time_ms[i])
        shot[i] = current
    # Renumber to 0, 1, 2, ... over the shot ids actually used.
    _, renumbered = np.unique(shot, return_inverse=True)
    return np.asarray(renumbered, dtype=np.int64)


def _side_with_data(chosen: npt.NDArray[np.str_], landmarks: FloatArray) -> npt.NDArray[np.str_]:
    """The chosen side per frame, or the other side where the chosen one has no joint at all.

    A pose model reports both sides; a file that holds one side per frame (a track written as a
    ``.trc``, or through movement) has nothing on the other, and that side cannot be measured.
    """
    has = {
        side: np.isfinite(landmarks[:, [joint_index(side, j) for j in SIDE_JOINTS], 0]).any(axis=1)
        for side in ("left", "right")
    }
    out = np.array(chosen, copy=True)
    out[(out == "left") & ~has["left"] & has["right"]] = "right"
    out[(out == "right") & ~has["right"] & has["left"]] = "left"
    return out


def _one_side_torso(landmarks: FloatArray) -> float:
    """Median shoulder-hip distance of either side, in pixels (NaN if never seen)."""
    lengths = [
        np.linalg.norm(
            landmarks[:, joint_index(side, "shoulder"), :2]
            - landmarks[:, joint_index(side, "hip"), :2],
            axis=1,
        )
        for side in ("left", "right")
    ]
    both = np.concatenate(lengths)
    return float(np.nanmedian(both)) if np.isfinite(both).any() else float("nan")


def build_track(
    raw: RawPose,
    activity: Activity | str | None = None,
    *,
    smooth: bool = True,
    min_run_s: float = 1.5,
) -> PoseTrack:
    """Turn an estimator's raw output into a :class:`PoseTrack`.

    Parameters
    ----------
    raw
        From :func:`guru_form.pose.estimator.estimate_video`.
    activity
        Recorded on the track (segmentation and analyses use it).
    smooth
        Apply the low-pass filter (off only to inspect the raw joints of the chosen side).
    min_run_s
        The measured side changes only when the other side faces the camera at least this long.
    """
    keypoints = PoseKeypoints(
        time_ms=raw.time_ms,
        landmarks=raw.landmarks,
        frame=raw.frame,
        fps=raw.video.fps,
        width=raw.video.width,
        height=raw.video.height,
        frame_count=raw.video.frame_count,
        stride=raw.stride,
        source=raw.video.file_name,
        estimator=raw.estimator,
        extra={"person": raw.person_choice} if raw.person_choice else {},
    )
    return _assemble(keypoints, find_cuts(raw), activity, smooth=smooth, min_run_s=min_run_s)


def track_from_keypoints(
    keypoints: PoseKeypoints,
    activity: Activity | str | None = None,
    *,
    smooth: bool = True,
    min_run_s: float = 1.5,
) -> PoseTrack:
    """Turn both sides' keypoints from any source into a :class:`PoseTrack`.

    The same steps as :func:`build_track`: left/right label swaps are undone, the side facing
    the camera is chosen frame by frame, its joints are cleaned (:mod:`guru_form.pose.filters`)
    and the angles computed. There are no edited cuts to find: a new shot starts only after the
    athlete is missing for longer than ``MAX_GAP_S``.

    Parameters
    ----------
    keypoints
        From :func:`guru_form.io.from_movement`, :func:`guru_form.io.from_trc`, or made by hand.
    activity
        Recorded on the track.
    smooth
        Apply the low-pass filter; off keeps the positions as given (outliers are still
        dropped and gaps up to ``MAX_GAP_S`` filled).
    min_run_s
        The measured side changes only when the other side faces the camera at least this long.
    """
    cuts = np.zeros(len(keypoints), dtype=bool)
    return _assemble(keypoints, cuts, activity, smooth=smooth, min_run_s=min_run_s)


def _far_side(
    landmarks: FloatArray,
    sides: npt.NDArray[np.str_],
    shots: npt.NDArray[np.int64],
    t: FloatArray,
    scale: float,
    smooth: bool,
) -> dict[str, FloatArray]:
    """The ``far_<joint>_*`` columns: the side not measured, cleaned without a visibility gate."""
    n = len(landmarks)
    out: dict[str, FloatArray] = {}
    for joint in SIDE_JOINTS:
        far = np.full((n, 4), np.nan)
        for side in ("left", "right"):
            rows = sides == side
            far[rows] = landmarks[rows, joint_index(other_side(side), joint)]
        for coord, name in ((0, "x"), (1, "y")):
            out[f"far_{joint}_{name}"] = _per_shot(
                far[:, coord], shots, t, None, scale=scale, smooth=smooth
            )
        out[f"far_{joint}_visibility"] = far[:, 3]
        if f"far_{joint}_depth" in DEPTH_COLUMNS:
            out[f"far_{joint}_depth"] = _per_shot(
                far[:, 2], shots, t, None, scale=scale, smooth=smooth
            )
    return out


def _per_shot(
    values: FloatArray,
    shots: npt.NDArray[np.int64],
    t: FloatArray,
    visibility: FloatArray | None,
    *,
    scale: float,
    smooth: bool,
) -> FloatArray:
    """One coordinate cleaned (:func:`~guru_form.pose.filters.clean_series`) shot by shot."""
    out = np.full(len(values), np.nan)
    for s in np.unique(shots):
        rows = shots == s
        vis = None if visibility is None else visibility[rows]
        out[rows] = clean_series(values[rows], t[rows], vis, scale=scale, smooth=smooth)
    return out


def _assemble(
    keypoints: PoseKeypoints,
    cuts: npt.NDArray[np.bool_],
    activity: Activity | str | None,
    *,
    smooth: bool,
    min_run_s: float,
) -> PoseTrack:
    act = Activity(activity) if activity is not None else None
    lm = np.asarray(keypoints.landmarks, dtype=np.float64)
    n = len(lm)
    t = np.asarray(keypoints.time_ms, dtype=np.float64)
    present: npt.NDArray[np.bool_] = np.isfinite(lm[:, :, 0]).any(axis=1)
    repaired, swapped = repair_label_swaps(lm, breaks=cuts)
    choice: SideChoice = choose_side(repaired, t, min_run_s=min_run_s)
    sides = _side_with_data(choice.side, repaired)
    shots = _shots(cuts, present, t)
    scale = torso_length(repaired)
    if not np.isfinite(scale):  # never both sides at once (a track written one side per frame)
        scale = _one_side_torso(repaired)
    scale = 0.0 if not np.isfinite(scale) else scale

    # The chosen side's raw joints, frame by frame.
    picked = np.full((n, len(TRACK_JOINTS), 4), np.nan)
    for i, joint in enumerate(TRACK_JOINTS):
        if joint == "nose":
            picked[:, i] = repaired[:, joint_index(None, "nose")]
            continue
        for side in ("left", "right"):
            rows = sides == side
            picked[rows, i] = repaired[rows, joint_index(side, joint)]

    columns: dict[str, Any] = {
        "frame": np.asarray(keypoints.frame).astype(np.int64),
        "time_ms": t,
        "shot": shots,
        "person": present,
        "side": pd.array([s if s else None for s in sides], dtype="object"),
    }
    cleaned: dict[str, FloatArray] = {}
    for i, joint in enumerate(TRACK_JOINTS):
        vis = picked[:, i, 3]
        xs, ys = (
            _per_shot(picked[:, i, coord], shots, t, vis, scale=scale, smooth=smooth)
            for coord in (0, 1)
        )
        # A joint is only as known as its visibility gate allows, in both coordinates.
        both = np.isfinite(xs) & np.isfinite(ys)
        xs[~both] = np.nan
        ys[~both] = np.nan
        columns[f"{joint}_x"] = xs
        columns[f"{joint}_y"] = ys
        columns[f"{joint}_visibility"] = vis
        cleaned[joint] = np.stack([xs, ys], axis=1)
        if f"{joint}_depth" in DEPTH_COLUMNS:
            depth = _per_shot(picked[:, i, 2], shots, t, vis, scale=scale, smooth=smooth)
            columns[f"{joint}_depth"] = np.where(both, depth, np.nan)
    series = angle_series(cleaned)
    for name in SERIES:
        columns[name] = series.get(name, np.full(n, np.nan))
    columns.update(_far_side(repaired, sides, shots, t, scale, smooth))
    frame = pd.DataFrame(columns, columns=list(COLUMNS))
    return PoseTrack(
        frame=frame,
        activity=act,
        fps=keypoints.fps,
        width=keypoints.width,
        height=keypoints.height,
        stride=keypoints.stride,
        frame_count=keypoints.frame_count,
        source=keypoints.source,
        estimator=keypoints.estimator,
        extra={
            **keypoints.extra,
            "cuts": int(cuts.sum()),
            "label_swaps_repaired": int(swapped.any(axis=1).sum()),
            "side_score_mean": (
                float(np.nanmean(choice.score)) if np.isfinite(choice.score).any() else None
            ),
        },
    )


class _TrackModule(types.ModuleType):
    """This module; calling it is the old name of :func:`guru_form.pose.estimate_track`."""

    def __call__(self, *args: Any, **kwargs: Any) -> PoseTrack:
        warn_renamed("guru_form.pose.track(...)", "guru_form.pose.estimate_track(...)")
        from guru_form.pose.analysis import estimate_track

        return estimate_track(*args, **kwargs)


sys.modules[__name__].__class__ = _TrackModule
