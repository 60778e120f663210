"""Guru's joint data (``jointToPoints``, ``GET /videos/{id}/j2p``) to and from a :class:`PoseTrack`.

Guru's API answers a video's joints as ``jointToPoints``: for each joint (``leftAnkle``,
``rightElbow``, ... :data:`GURU_JOINTS` on each side) a list of frames
``{"frame_idx", "part", "position": {"x", "y"}, "score", "timestamp"}``, with ``x`` and ``y``
relative to the video's width and height (0..1) and ``timestamp`` in seconds, beside
``resolutionWidth`` and ``resolutionHeight``.

- :func:`track_from_j2p` makes the same per-frame DataFrame the local pose engine makes (one side
  per frame: the one the model is surer of; positions in pixels; the angles of
  :data:`guru_form.kinematics.SERIES`), so :mod:`guru_form.frames` draws skeletons on analyses from
  the hosted API too.
- :func:`j2p_from_track` is the reverse, for guru_form's local server: each frame's tracked side
  becomes that side's joints (the track keeps one side per frame; eyes and hands are not tracked,
  and their lists are empty).

Examples
--------
>>> body = {"resolutionWidth": 100, "resolutionHeight": 200, "jointToPoints": {"leftKnee": [
...     {"frame_idx": 0, "part": "leftKnee", "position": {"x": 0.5, "y": 0.5}, "score": 0.9,
...      "timestamp": 0.0}]}}
>>> track = track_from_j2p(body, fps=30.0)
>>> track.frame[["frame", "side", "knee_x", "knee_y"]].to_dict("records")
[{'frame': 0, 'side': 'left', 'knee_x': 50.0, 'knee_y': 100.0}]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from guru_form.errors import SchemaError
from guru_form.kinematics import SERIES, angle_series
from guru_form.models import Activity
from guru_form.pose.joints import TRACK_JOINTS
from guru_form.pose.track import COLUMNS, PoseTrack

__all__ = ["GURU_JOINTS", "j2p_from_track", "track_from_j2p"]

FloatArray = npt.NDArray[np.float64]

#: The joints in Guru's ``jointToPoints``, each once per side (``left<Joint>``, ``right<Joint>``).
GURU_JOINTS: tuple[str, ...] = ("ankle", "elbow", "eye", "hand", "hip", "knee", "shoulder", "wrist")
#: Those a pose track holds too (by the same name).
SHARED_JOINTS: tuple[str, ...] = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
_SIDES = ("left", "right")
#: The estimator name a track made from Guru's joint data carries.
J2P_ESTIMATOR = "guru-j2p"


def _part(side: str, joint: str) -> str:
    return f"{side}{joint[:1].upper()}{joint[1:]}"


def j2p_from_track(track: PoseTrack) -> dict[str, list[dict[str, Any]]]:
    """The ``jointToPoints`` of a pose track (each frame's tracked side).

    Parameters
    ----------
    track
        A pose track with its frame size (``width``, ``height``).

    Returns
    -------
    dict
        ``part -> [frame, ...]`` for every part of :data:`GURU_JOINTS` on both sides, in frame
        order; a frame is listed for a part when the track knows that joint on that side there.
        ``score`` is the model's visibility of the joint (0 where the position was filled in
        across a gap).
    """
    frame = track.frame
    width, height = float(track.width or 1), float(track.height or 1)
    sides = frame["side"].to_numpy(dtype=object)
    frames = frame["frame"].to_numpy(dtype=np.int64)
    seconds = frame["time_ms"].to_numpy(dtype=np.float64) / 1000.0
    out: dict[str, list[dict[str, Any]]] = {}
    for side in _SIDES:
        on_side = sides == side
        for joint in GURU_JOINTS:
            part = _part(side, joint)
            points: list[dict[str, Any]] = []
            if joint in SHARED_JOINTS:
                xs = frame[f"{joint}_x"].to_numpy(dtype=np.float64)
                ys = frame[f"{joint}_y"].to_numpy(dtype=np.float64)
                vis = frame[f"{joint}_visibility"].to_numpy(dtype=np.float64)
                rows = np.flatnonzero(on_side & np.isfinite(xs) & np.isfinite(ys))
                points = [
                    {
                        "frame_idx": int(frames[i]),
                        "part": part,
                        "position": {"x": float(xs[i]) / width, "y": float(ys[i]) / height},
                        "score": float(vis[i]) if math.isfinite(vis[i]) else 0.0,
                        "timestamp": float(seconds[i]),
                    }
                    for i in rows
                ]
            out[part] = points
    return out


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SchemaError(
            f"malformed joint data: {where} is {value!r}, not a number",
            field=where,
            problem=f"is {value!r}, not a number",
        )
    return float(value)


def _points(
    body: Mapping[str, Any],
) -> dict[tuple[str, str], dict[int, tuple[float, float, float, float]]]:
    """``(side, joint) -> {frame_idx: (x, y, score, seconds)}`` of the joints a track holds."""
    joints = body.get("jointToPoints")
    if not isinstance(joints, Mapping):
        raise SchemaError(
            "malformed joint data: jointToPoints is missing or not an object",
            field="jointToPoints",
            problem="is missing or not an object",
        )
    found: dict[tuple[str, str], dict[int, tuple[float, float, float, float]]] = {}
    for side in _SIDES:
        for joint in SHARED_JOINTS:
            part = _part(side, joint)
            items = joints.get(part) or []
            if not isinstance(items, list):
                raise SchemaError(
                    f"malformed joint data: jointToPoints.{part} is not a list",
                    field=f"jointToPoints.{part}",
                    problem="is not a list",
                )
            per_frame: dict[int, tuple[float, float, float, float]] = {}
            for i, item in enumerate(items):
                where = f"jointToPoints.{part}[{i}]"
                if not isinstance(item, Mapping) or not isinstance(item.get("position"), Mapping):
                    raise SchemaError(
                        f"malformed joint data: {where} has no position",
                        field=where,
                        problem="has no position",
                    )
                index = _number(item.get("frame_idx"), f"{where}.frame_idx")
                x = _number(item["position"].get("x"), f"{where}.position.x")
                y = _number(item["position"].get("y"), f"{where}.position.y")
                score = item.get("score")
                per_frame[int(index)] = (
                    x,
                    y,
                    1.0 if score is None else _number(score, f"{where}.score"),
                    _number(item.get("timestamp"), f"{where}.timestamp"),
                )
            found[(side, joint)] = per_frame
    return found


def _frame_rate(frames: npt.NDArray[np.int64], seconds: FloatArray) -> float:
    """Frames per second from frame indices and their times; 30 when they do not tell."""
    steps = np.diff(frames).astype(np.float64)
    spans = np.diff(seconds)
    keep = (steps > 0) & (spans > 0)
    if not keep.any():
        return 30.0
    return float(np.median(steps[keep] / spans[keep]))


def track_from_j2p(
    body: Mapping[str, Any],
    *,
    fps: float | None = None,
    activity: Activity | None = None,
    source: str = "",
) -> PoseTrack:
    """A :class:`PoseTrack` from Guru's joint data (the answer of ``GET /videos/{id}/j2p``).

    Parameters
    ----------
    body
        The answer, or any object with ``jointToPoints``, ``resolutionWidth`` and
        ``resolutionHeight``.
    fps
        The video's frame rate (``GET /videos/{id}``'s ``fps``); None estimates it from the
        frames' indices and timestamps.
    activity
        Recorded on the track.
    source
        The video's name, for ``repr``.

    Returns
    -------
    PoseTrack
        One row per frame that has a joint, in frame order. On each frame the side whose shared
        joints (shoulder, elbow, wrist, hip, knee, ankle) the model scored higher in sum is
        tracked; its joints fill ``<joint>_x``/``_y`` in pixels and ``<joint>_visibility`` with
        the score. The nose, heel and foot are not in Guru's data and stay NaN; every row is one
        shot (``shot`` 0).

    Raises
    ------
    SchemaError
        When the joint data break the documented shape; the message names the field.
    """
    width = body.get("resolutionWidth")
    height = body.get("resolutionHeight")
    if width is None or height is None:
        raise SchemaError(
            "malformed joint data: resolutionWidth and resolutionHeight are needed to place "
            "the joints",
            field="resolutionWidth",
            problem="is missing",
        )
    w = _number(width, "resolutionWidth")
    h = _number(height, "resolutionHeight")
    points = _points(body)
    frames = np.array(sorted({f for per_frame in points.values() for f in per_frame}), np.int64)
    n = len(frames)
    row_of = {int(f): i for i, f in enumerate(frames)}
    seconds = np.full(n, np.nan)
    xy = {key: np.full((n, 3), np.nan) for key in points}  # x px, y px, score
    for key, per_frame in points.items():
        for index, (x, y, score, t) in per_frame.items():
            row = row_of[index]
            xy[key][row] = (x * w, y * h, score)
            if math.isnan(seconds[row]):
                seconds[row] = t

    totals = {
        side: np.nansum(np.stack([xy[(side, j)][:, 2] for j in SHARED_JOINTS]), axis=0)
        for side in _SIDES
    }
    counts = {
        side: np.sum(np.stack([np.isfinite(xy[(side, j)][:, 0]) for j in SHARED_JOINTS]), axis=0)
        for side in _SIDES
    }
    left = totals["left"] >= totals["right"]
    present = (counts["left"] + counts["right"]) > 0
    side = np.where(left, "left", "right").astype(object)
    side[~present] = None

    columns: dict[str, Any] = {
        "frame": frames,
        "time_ms": seconds * 1000.0,
        "shot": np.zeros(n, np.int64),
        "person": present,
        "side": pd.array(list(side), dtype="object"),
    }
    joints: dict[str, FloatArray] = {}
    for joint in TRACK_JOINTS:
        values = np.full((n, 3), np.nan)
        if joint in SHARED_JOINTS:
            values = np.where(left[:, None], xy[("left", joint)], xy[("right", joint)])
            joints[joint] = values[:, :2]
        columns[f"{joint}_x"] = values[:, 0]
        columns[f"{joint}_y"] = values[:, 1]
        columns[f"{joint}_visibility"] = values[:, 2]
    series = angle_series(joints)
    for name in SERIES:
        columns[name] = series.get(name, np.full(n, np.nan))
    rate = float(fps) if fps else _frame_rate(frames, seconds)
    steps = np.diff(frames)
    return PoseTrack(
        frame=pd.DataFrame(columns, columns=list(COLUMNS)),
        activity=activity,
        fps=rate,
        width=round(w),
        height=round(h),
        stride=int(np.median(steps)) if len(steps) else 1,
        frame_count=int(frames[-1]) + 1 if n else 0,
        source=source,
        estimator=J2P_ESTIMATOR,
    )
