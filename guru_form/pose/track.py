"""The pose track: per-frame joints of the measured side and the joint angles, as a DataFrame.

:class:`PoseTrack` is what the local engine produces for a video and what ``frames`` draws
skeletons from. :func:`build_track` makes one from an estimator's raw output
(:class:`~guru_form.pose.estimator.RawPose`): cuts are found, left/right label swaps undone, the
near side chosen per frame (:mod:`guru_form.pose.sides`), its joints cleaned
(:mod:`guru_form.pose.filters`) and the angles computed with :mod:`guru_form.kinematics`.

Columns of :attr:`PoseTrack.frame` (one row per analysed frame, in time order)
-------------------------------------------------------------------------------
``frame``
    int, index of the frame in the video (0-based, decoding order).
``time_ms``
    float, presentation time of the frame in milliseconds.
``shot``
    int, 0-based index of the continuous stretch of footage; it increases at each edited cut and
    after each absence of the athlete longer than 0.5 s. Reps never span two shots.
``person``
    bool, the estimator found a person on this frame.
``side``
    str, ``"left"`` or ``"right"``: the side of the body measured on this frame (the side that
    faces the camera); missing where there is no person.
``<joint>_x``, ``<joint>_y``
    float, pixels in the display-oriented frame (origin top left, y down), for ``nose``,
    ``shoulder``, ``elbow``, ``wrist``, ``hip``, ``knee``, ``ankle``, ``heel``, ``foot_index``
    of the measured side: gated, outlier-rejected, gap-filled and smoothed (see
    :mod:`guru_form.pose.filters`). Missing where the joint is unknown.
``<joint>_visibility``
    float 0..1, the model's visibility of that joint on this frame (raw, not smoothed); missing
    where there is no person (also on gap-filled frames).
``far_<joint>_x``, ``far_<joint>_y``, ``far_<joint>_visibility``
    The same for the other side (``shoulder`` ... ``foot_index``), the one turned away from the
    camera, outlier-rejected, gap-filled and smoothed but not gated by visibility: the model
    invents hidden limbs, so these serve for the body's middle and width (which way the camera
    looks, where the body is) and never for angles.
``knee_angle``, ``hip_angle``, ``elbow_angle``, ``shoulder_angle``, ``trunk_lean``,
``thigh_angle``, ``body_line``
    float degrees, computed from the columns above with
    :func:`guru_form.kinematics.angle_series`; exact definitions in
    :data:`guru_form.kinematics.SERIES`.

Attributes kept with the frame (and in the parquet file): ``activity``, ``fps``, ``width``,
``height``, ``stride``, ``frame_count`` (frames in the video), ``source`` (file name),
``estimator``, ``side`` (the side measured on most frames).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from guru_form.kinematics import SERIES, angle_series
from guru_form.models import Activity
from guru_form.pose.estimator import RawPose
from guru_form.pose.filters import MAX_GAP_S, clean_series
from guru_form.pose.joints import SIDE_JOINTS, TRACK_JOINTS, joint_index, other_side
from guru_form.pose.sides import SideChoice, choose_side, repair_label_swaps, torso_length

__all__ = ["COLUMNS", "PoseTrack", "build_track", "find_cuts"]

FloatArray = npt.NDArray[np.float64]

_META_KEY = b"guru_form.pose_track"

#: Every column of :attr:`PoseTrack.frame`, in order.
COLUMNS: tuple[str, ...] = (
    "frame",
    "time_ms",
    "shot",
    "person",
    "side",
    *(f"{j}_{c}" for j in TRACK_JOINTS for c in ("x", "y", "visibility")),
    *SERIES,
    *(f"far_{j}_{c}" for j in SIDE_JOINTS for c in ("x", "y", "visibility")),
)

#: A thumbnail difference (0..1) above this, and a spike against its neighbours, is an edited cut.
CUT_THRESHOLD = 0.03


@dataclass
class PoseTrack:
    """Per-frame joints and angles of one video (columns documented in the module docstring).

    Attributes
    ----------
    frame
        The DataFrame, one row per analysed frame.
    activity
        The activity the track was built for (None if not given).
    fps
        The video's frame rate (frames per second of the video, not of the analysis).
    width, height
        Display-oriented frame size in pixels.
    stride
        Every ``stride``-th frame was analysed.
    frame_count
        Frames in the video.
    source
        The video's file name.
    estimator
        The pose backend's name.

    Examples
    --------
    >>> track = guru_form.pose.track("squat.mp4", activity="squat")  # doctest: +SKIP
    >>> track.frame[["time_ms", "knee_angle"]].head()  # doctest: +SKIP
    """

    frame: pd.DataFrame
    activity: Activity | None = None
    fps: float = 30.0
    width: int = 0
    height: int = 0
    stride: int = 1
    frame_count: int = 0
    source: str = ""
    estimator: str = ""
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        activity = self.activity.value if self.activity else None
        return (
            f"PoseTrack({self.source or 'video'!s}, activity={activity}, frames={len(self)}, "
            f"side={self.side}, {self.width}x{self.height} @ {self.fps:.2f} fps, "
            f"stride={self.stride})"
        )

    @property
    def side(self) -> str | None:
        """The side measured on most frames (``"left"``/``"right"``), None without a person."""
        sides = self.frame["side"].dropna()
        sides = sides[sides != ""]
        return None if sides.empty else str(sides.mode().iloc[0])

    @property
    def time_s(self) -> FloatArray:
        """Frame times in seconds."""
        return np.asarray(self.frame["time_ms"], dtype=np.float64) / 1000.0

    @property
    def person_frames(self) -> int:
        """How many analysed frames had a person."""
        return int(self.frame["person"].sum())

    def joints(self) -> dict[str, FloatArray]:
        """The measured side's joints as ``{joint: (n, 2) array}`` for :mod:`guru_form.kinematics`."""
        return {
            j: np.stack(
                [self.frame[f"{j}_x"].to_numpy(float), self.frame[f"{j}_y"].to_numpy(float)],
                axis=1,
            )
            for j in TRACK_JOINTS
        }

    def far_joints(self) -> dict[str, FloatArray]:
        """The other side's joints as ``{joint: (n, 2) array}`` (NaN where not known, and in a
        track saved before these columns existed)."""
        missing = np.full(len(self.frame), np.nan)
        return {
            j: np.stack(
                [
                    self.frame[f"far_{j}_{c}"].to_numpy(float)
                    if f"far_{j}_{c}" in self.frame
                    else missing
                    for c in ("x", "y")
                ],
                axis=1,
            )
            for j in SIDE_JOINTS
        }

    def series(self) -> dict[str, FloatArray]:
        """The angle series as ``{name: (n,) array}``."""
        return {name: self.frame[name].to_numpy(float) for name in SERIES}

    def metadata(self) -> dict[str, Any]:
        """The attributes, as JSON-ready values."""
        return {
            "activity": self.activity.value if self.activity else None,
            "fps": self.fps,
            "width": self.width,
            "height": self.height,
            "stride": self.stride,
            "frame_count": self.frame_count,
            "source": self.source,
            "estimator": self.estimator,
            "side": self.side,
            "extra": self.extra,
        }

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write the frame and the attributes to one parquet file.

        Returns
        -------
        Path
            The file written.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(self.frame, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta[_META_KEY] = json.dumps(self.metadata()).encode()
        tmp = target.with_name(target.name + ".tmp")
        pq.write_table(table.replace_schema_metadata(meta), tmp)
        tmp.replace(target)
        return target

    @classmethod
    def read_parquet(cls, path: str | os.PathLike[str]) -> PoseTrack:
        """Read a track written by :meth:`to_parquet`."""
        import pyarrow.parquet as pq

        from guru_form.errors import InvalidInputError

        source = Path(path)
        if not source.exists():
            raise InvalidInputError(f"{source}: no such pose track file")
        return cls._from_table(pq.read_table(source), str(source))

    @classmethod
    def from_parquet_bytes(cls, data: bytes) -> PoseTrack:
        """Read a track from the bytes of a file written by :meth:`to_parquet`.

        The local server sends a pose track this way (``GET /videos/{id}/pose-track``).
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        return cls._from_table(pq.read_table(pa.BufferReader(data)), "the pose track received")

    @classmethod
    def _from_table(cls, table: Any, source: str) -> PoseTrack:
        from guru_form.errors import InvalidInputError

        raw = (table.schema.metadata or {}).get(_META_KEY)
        if raw is None:
            raise InvalidInputError(f"{source}: not a guru_form pose track (no track metadata)")
        meta = json.loads(raw)
        frame = table.replace_schema_metadata({}).to_pandas()
        return cls(
            frame=frame,
            activity=Activity(meta["activity"]) if meta.get("activity") else None,
            fps=float(meta.get("fps", 30.0)),
            width=int(meta.get("width", 0)),
            height=int(meta.get("height", 0)),
            stride=int(meta.get("stride", 1)),
            frame_count=int(meta.get("frame_count", 0)),
            source=str(meta.get("source", "")),
            estimator=str(meta.get("estimator", "")),
            extra=dict(meta.get("extra") or {}),
        )


def find_cuts(raw: RawPose, *, threshold: float = CUT_THRESHOLD) -> npt.NDArray[np.bool_]:
    """``(n,)`` True on analysed frames that start a new shot after an edited cut.

    A cut is a jump of the frame's grey thumbnail: a mean absolute difference to the previous
    analysed frame above ``threshold`` and three times the typical difference of the frames
    around it (movement changes the picture steadily, a cut at once). Cross-dissolves are not
    found; a rep is rarely cut by one.
    """
    cuts = _scene_spikes(np.asarray(raw.scene_change, dtype=np.float64), threshold)
    if len(cuts):
        cuts[0] = False
    return cuts


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


def _far_side(
    landmarks: FloatArray,
    choice: SideChoice,
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
            rows = choice.side == side
            far[rows] = landmarks[rows, joint_index(other_side(side), joint)]
        for coord, name in ((0, "x"), (1, "y")):
            values = np.full(n, np.nan)
            for s in np.unique(shots):
                rows = shots == s
                values[rows] = clean_series(far[rows, coord], t[rows], scale=scale, smooth=smooth)
            out[f"far_{joint}_{name}"] = values
        out[f"far_{joint}_visibility"] = far[:, 3]
    return out


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
    act = Activity(activity) if activity is not None else None
    lm = raw.landmarks
    n = len(lm)
    t = raw.time_ms
    present = raw.person_found
    cuts = find_cuts(raw)
    repaired, swapped = repair_label_swaps(lm, breaks=cuts)
    choice: SideChoice = choose_side(repaired, t, min_run_s=min_run_s)
    shots = _shots(cuts, present, t)
    scale = torso_length(repaired)
    scale = 0.0 if not np.isfinite(scale) else scale

    # The chosen side's raw joints, frame by frame.
    picked = np.full((n, len(TRACK_JOINTS), 4), np.nan)
    for i, joint in enumerate(TRACK_JOINTS):
        if joint == "nose":
            picked[:, i] = repaired[:, joint_index(None, "nose")]
            continue
        for side in ("left", "right"):
            rows = choice.side == side
            picked[rows, i] = repaired[rows, joint_index(side, joint)]

    columns: dict[str, Any] = {
        "frame": raw.frame.astype(np.int64),
        "time_ms": t.astype(np.float64),
        "shot": shots,
        "person": present,
        "side": pd.array([s if s else None for s in choice.side], dtype="object"),
    }
    cleaned: dict[str, FloatArray] = {}
    for i, joint in enumerate(TRACK_JOINTS):
        vis = picked[:, i, 3]
        xs = np.full(n, np.nan)
        ys = np.full(n, np.nan)
        for s in np.unique(shots):
            rows = shots == s
            for coord, out in ((0, xs), (1, ys)):
                out[rows] = clean_series(
                    picked[rows, i, coord], t[rows], vis[rows], scale=scale, smooth=smooth
                )
        # A joint is only as known as its visibility gate allows, in both coordinates.
        both = np.isfinite(xs) & np.isfinite(ys)
        xs[~both] = np.nan
        ys[~both] = np.nan
        columns[f"{joint}_x"] = xs
        columns[f"{joint}_y"] = ys
        columns[f"{joint}_visibility"] = vis
        cleaned[joint] = np.stack([xs, ys], axis=1)
    series = angle_series(cleaned)
    for name in SERIES:
        columns[name] = series.get(name, np.full(n, np.nan))
    columns.update(_far_side(repaired, choice, shots, t, scale, smooth))
    frame = pd.DataFrame(columns, columns=list(COLUMNS))
    return PoseTrack(
        frame=frame,
        activity=act,
        fps=raw.video.fps,
        width=raw.video.width,
        height=raw.video.height,
        stride=raw.stride,
        frame_count=raw.video.frame_count,
        source=raw.video.path.name,
        estimator=raw.estimator,
        extra={
            "cuts": int(cuts.sum()),
            "label_swaps_repaired": int(swapped.any(axis=1).sum()),
            "side_score_mean": float(np.nanmean(choice.score)) if present.any() else None,
        },
    )
