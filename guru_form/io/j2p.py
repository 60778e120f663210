"""Guru's joint data, ``jointToPoints`` (``GET /videos/{id}/j2p``), to and from guru_form's pose data.

Guru's API answers a video's joints as ``jointToPoints``: for each joint (``leftAnkle``,
``rightElbow``, ... :data:`GURU_JOINTS` on each side) a list of frames
``{"frame_idx", "part", "position": {"x", "y"}, "score", "timestamp"}``, with ``x`` and ``y``
relative to the video's width and height (0..1) and ``timestamp`` in seconds, beside
``resolutionWidth`` and ``resolutionHeight``.

- :func:`from_j2p` reads such an answer as :class:`~guru_form.pose_track.PoseKeypoints` (both
  sides, positions in pixels, the score as the joint's confidence), for
  :func:`guru_form.pose.track.track_from_keypoints` to make a pose track of, as it does with any
  other tool's keypoints. Eyes and hands have no place in guru_form's joints and are left out.
- :func:`to_j2p` writes a pose track's joints in that form, for guru_form's local server: each
  frame's tracked side becomes that side's joints (a track keeps one side per frame), the
  visibility the score; eyes and hands are not tracked, and their lists are empty.

Examples
--------
>>> body = {"resolutionWidth": 100, "resolutionHeight": 200, "jointToPoints": {"leftKnee": [
...     {"frame_idx": 4, "part": "leftKnee", "position": {"x": 0.5, "y": 0.5}, "score": 0.9,
...      "timestamp": 0.1}]}}
>>> keypoints = from_j2p(body, fps=40.0)
>>> keypoints.frame.tolist(), keypoints.time_ms.tolist(), keypoints.width, keypoints.height
([4], [100.0], 100, 200)
>>> from guru_form.joints import joint_index
>>> keypoints.landmarks[0, joint_index("left", "knee")].tolist()
[50.0, 100.0, nan, 0.9]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from guru_form.errors import SchemaError
from guru_form.joints import JOINTS, joint_index
from guru_form.pose_track import PoseKeypoints, PoseTrack

__all__ = ["GURU_JOINTS", "J2P_ESTIMATOR", "SHARED_JOINTS", "from_j2p", "to_j2p"]

FloatArray = npt.NDArray[np.float64]

#: The joints in Guru's ``jointToPoints``, each once per side (``left<Joint>``, ``right<Joint>``).
GURU_JOINTS: tuple[str, ...] = ("ankle", "elbow", "eye", "hand", "hip", "knee", "shoulder", "wrist")
#: Those guru_form's joints hold too (by the same name).
SHARED_JOINTS: tuple[str, ...] = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
#: The ``estimator`` of keypoints (and tracks) read from Guru's joint data.
J2P_ESTIMATOR = "guru-j2p"
_SIDES = ("left", "right")


def _part(side: str, joint: str) -> str:
    return f"{side}{joint[:1].upper()}{joint[1:]}"


def _malformed(where: str, problem: str) -> SchemaError:
    return SchemaError(f"malformed joint data: {where} {problem}", field=where, problem=problem)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _malformed(where, f"is {value!r}, not a number")
    return float(value)


def _frame_rate(frames: npt.NDArray[np.int64], seconds: FloatArray) -> float:
    """Frames per second from frame indices and their times; 30 when they do not tell."""
    steps = np.diff(frames).astype(np.float64)
    spans = np.diff(seconds)
    keep = (steps > 0) & (spans > 0)
    if not keep.any():
        return 30.0
    return float(np.median(steps[keep] / spans[keep]))


def from_j2p(
    body: Mapping[str, Any], *, fps: float | None = None, source: str = ""
) -> PoseKeypoints:
    """Guru's joint data as :class:`~guru_form.pose_track.PoseKeypoints`.

    Parameters
    ----------
    body
        The answer of ``GET /videos/{id}/j2p`` (or ``include=j2p``'s part), or any object with
        ``jointToPoints``, ``resolutionWidth`` and ``resolutionHeight``.
    fps
        The video's frame rate (``GET /videos/{id}``'s ``fps``); None estimates it from the
        frames' indices and timestamps.
    source
        The video's name, for ``repr``.

    Returns
    -------
    PoseKeypoints
        One row per frame that has a joint, in frame order; positions in pixels, the score as
        the confidence (1 when Guru gives none), depth unknown. The stride is the usual step
        between frame indices.

    Raises
    ------
    SchemaError
        When the data break the documented shape; the message names the field.
    """
    joints = body.get("jointToPoints")
    if not isinstance(joints, Mapping):
        raise _malformed("jointToPoints", "is missing or not an object")
    for name in ("resolutionWidth", "resolutionHeight"):
        if body.get(name) is None:
            raise _malformed(name, "is missing; the joints cannot be placed without it")
    width = _number(body["resolutionWidth"], "resolutionWidth")
    height = _number(body["resolutionHeight"], "resolutionHeight")
    found: dict[int, dict[int, tuple[float, float, float]]] = {}  # frame -> joint -> x, y, score
    seconds_of: dict[int, float] = {}
    for side in _SIDES:
        for joint in SHARED_JOINTS:
            part = _part(side, joint)
            items = joints.get(part) or []
            if not isinstance(items, list):
                raise _malformed(f"jointToPoints.{part}", "is not a list")
            column = joint_index(side, joint)  # type: ignore[arg-type]
            for i, item in enumerate(items):
                where = f"jointToPoints.{part}[{i}]"
                if not isinstance(item, Mapping) or not isinstance(item.get("position"), Mapping):
                    raise _malformed(where, "has no position")
                index = int(_number(item.get("frame_idx"), f"{where}.frame_idx"))
                x = _number(item["position"].get("x"), f"{where}.position.x")
                y = _number(item["position"].get("y"), f"{where}.position.y")
                score = item.get("score")
                confidence = 1.0 if score is None else _number(score, f"{where}.score")
                at = _number(item.get("timestamp"), f"{where}.timestamp")
                found.setdefault(index, {})[column] = (x * width, y * height, confidence)
                seconds_of.setdefault(index, at)
    frames = np.array(sorted(found), dtype=np.int64)
    landmarks = np.full((len(frames), len(JOINTS), 4), np.nan)
    for row, index in enumerate(frames):
        for column, (x, y, confidence) in found[int(index)].items():
            landmarks[row, column] = (x, y, np.nan, confidence)
    seconds = np.array([seconds_of[int(f)] for f in frames], dtype=np.float64)
    steps = np.diff(frames)
    return PoseKeypoints(
        time_ms=seconds * 1000.0,
        landmarks=landmarks,
        frame=frames,
        fps=float(fps) if fps else _frame_rate(frames, seconds),
        width=round(width),
        height=round(height),
        frame_count=int(frames[-1]) + 1 if len(frames) else 0,
        stride=max(1, int(np.median(steps))) if len(steps) else 1,
        source=source,
        estimator=J2P_ESTIMATOR,
    )


def to_j2p(track: PoseTrack) -> dict[str, list[dict[str, Any]]]:
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
