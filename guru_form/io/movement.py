"""A pose track as a movement dataset, and movement's datasets (DeepLabCut, SLEAP, ...) as keypoints.

`movement <https://movement.neuroinformatics.dev>`_ holds pose data as an :class:`xarray.Dataset`
with the data variables ``position`` (dims ``time``, ``space``, ``keypoint``, ``individual``)
and ``confidence`` (``time``, ``keypoint``, ``individual``); movement before 0.17 named the
last two ``keypoints`` and ``individuals``, and datasets in either naming are read. Its loaders
read DeepLabCut,
SLEAP, LightningPose, Anipose and NWB files into that layout; its filters and kinematics work on it.

:func:`to_movement` writes a :class:`~guru_form.pose_track.PoseTrack` in that layout:

``position``
    float, ``space`` = ``x``, ``y`` in pixels of the display-oriented frame (origin top left, y
    down; the track's ``extra["position_unit"]`` when it came from elsewhere). ``keypoint`` =
    :data:`guru_form.joints.JOINTS`: ``nose``, ``left_shoulder``, ``left_elbow``, ``left_wrist``,
    ``left_hip``, ``left_knee``, ``left_ankle``, ``left_heel``, ``left_foot_index`` and the same
    with ``right_`` (BlazePose's names; COCO's where COCO has the point). A pose track measures
    one side of the body, the one facing the camera: on each frame that side's keypoints hold its
    cleaned joints (``side`` says which), and the other side's hold the track's ``far_<joint>``
    columns, the model's estimate of the side turned away (not visibility-gated; NaN in a track
    without them).
``confidence``
    float 0..1, the pose model's visibility of each joint (NaN where there is no person).
``side``
    str, ``"left"`` or ``"right"`` per frame (``""`` without a person).
``shot``, ``person``
    The track's columns of those names.
``knee_angle``, ``hip_angle``, ... (:data:`guru_form.kinematics.SERIES`)
    float degrees per frame (attribute ``units`` = ``"deg"``).
``shoulder_depth``, ``far_shoulder_depth`` (:data:`guru_form.pose_track.DEPTH_COLUMNS`)
    float per frame, the pose model's depth of the measured shoulder and of the other one, in
    the unit of ``position`` (NaN where the model gives none).

The ``time`` coordinate is in seconds (the frames' presentation times, which a stride makes
uneven only at gaps); ``frame`` (on ``time``) is the frame's index in the video; ``individual``
is ``[individual]``. Attributes: ``source_software`` ``"guru_form"``, ``ds_type`` ``"poses"``,
``fps`` (frames per second of the dataset: the video's over the stride), ``time_unit``
``"seconds"``, ``space_unit``, ``source_file``, and ``guru_form_track`` (JSON of the track's
attributes), with which :func:`from_movement` gives back the same track, every position and
confidence as it was.

Any other poses dataset becomes :class:`~guru_form.pose_track.PoseKeypoints` (both sides'
joints), its keypoint names read by :mod:`guru_form.io.keypoints`;
:meth:`PoseTrack.from_movement` then chooses the measured side as the video engine does. Needs
xarray (the ``movement`` extra); :func:`from_movement_file` needs movement itself.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from guru_form.errors import InvalidInputError, MissingDependencyError
from guru_form.io.keypoints import match_keypoints
from guru_form.joints import JOINTS, SIDE_JOINTS, TRACK_JOINTS, Side, other_side
from guru_form.kinematics import SERIES
from guru_form.pose_track import COLUMNS, DEPTH_COLUMNS, PoseKeypoints, PoseTrack

__all__ = [
    "from_movement",
    "from_movement_file",
    "is_guru_form_dataset",
    "keypoints_from_movement",
    "to_movement",
]

_TRACK_ATTR = "guru_form_track"
# movement 0.17's names first, then those of earlier releases
_DIM_NAMES = {"keypoints": ("keypoint", "keypoints"), "individuals": ("individual", "individuals")}


def _xarray() -> Any:
    try:
        import xarray as xr
    except ImportError:
        raise MissingDependencyError("movement datasets", "movement") from None
    return xr


def to_movement(track: PoseTrack, *, individual: str = "athlete") -> Any:
    """The track as a movement poses dataset (layout in the module docstring).

    Parameters
    ----------
    track
        The pose track.
    individual
        The name of the one individual.

    Returns
    -------
    xarray.Dataset
        ``position`` and ``confidence`` in movement's layout, the side, shot, person and angle
        series beside them.

    Examples
    --------
    >>> ds = track.to_movement()  # doctest: +SKIP
    >>> ds.position.sel(keypoint="right_knee", space="y")  # doctest: +SKIP
    """
    xr = _xarray()
    frame = track.frame
    n = len(frame)
    position = np.full((n, 2, len(JOINTS), 1), np.nan)
    confidence = np.full((n, len(JOINTS), 1), np.nan)
    rows = _rows_by_side(track)
    for joint in TRACK_JOINTS:
        xs = frame[f"{joint}_x"].to_numpy(dtype=float, na_value=np.nan)
        ys = frame[f"{joint}_y"].to_numpy(dtype=float, na_value=np.nan)
        vis = frame[f"{joint}_visibility"].to_numpy(dtype=float, na_value=np.nan)
        for side, on in rows.items():
            k = JOINTS.index(joint if joint == "nose" else f"{side}_{joint}")
            position[on, 0, k, 0] = xs[on]
            position[on, 1, k, 0] = ys[on]
            confidence[on, k, 0] = vis[on]
    for joint in SIDE_JOINTS:  # the side turned away, in the other side's keypoints
        if f"far_{joint}_x" not in frame:
            continue
        far = [
            frame[f"far_{joint}_{c}"].to_numpy(dtype=float, na_value=np.nan)
            for c in ("x", "y", "visibility")
        ]
        for side, on in rows.items():
            k = JOINTS.index(f"{other_side(_side(side))}_{joint}")
            position[on, 0, k, 0] = far[0][on]
            position[on, 1, k, 0] = far[1][on]
            confidence[on, k, 0] = far[2][on]
    per_frame = ("time", "individual")
    side_names = np.array([s if isinstance(s, str) else "" for s in frame["side"]], dtype=str)
    data: dict[str, Any] = {
        "position": (("time", "space", "keypoint", "individual"), position),
        "confidence": (("time", "keypoint", "individual"), confidence),
        "side": (per_frame, side_names[:, None]),
        "shot": (per_frame, frame["shot"].to_numpy(dtype=np.int64)[:, None]),
        "person": (per_frame, frame["person"].to_numpy(dtype=bool)[:, None]),
    }
    for name, meaning in SERIES.items():
        values = frame[name].to_numpy(dtype=float, na_value=np.nan)[:, None]
        data[name] = xr.Variable(per_frame, values, attrs={"units": "deg", "long_name": meaning})
    unit = str(track.extra.get("position_unit", "px"))
    for name in DEPTH_COLUMNS:
        if name in frame:
            values = frame[name].to_numpy(dtype=float, na_value=np.nan)[:, None]
            data[name] = xr.Variable(per_frame, values, attrs={"units": unit})
    rate = track.fps / track.stride if track.fps and track.stride else track.fps
    ds = xr.Dataset(
        data_vars=data,
        coords={
            "time": frame["time_ms"].to_numpy(dtype=float) / 1000.0,
            "space": ["x", "y"],
            "keypoint": list(JOINTS),
            "individual": [individual],
            "frame": ("time", frame["frame"].to_numpy(dtype=np.int64)),
        },
        attrs={
            "source_software": "guru_form",
            "ds_type": "poses",
            "fps": float(rate),
            "time_unit": "seconds",
            "space_unit": "pixels, y down" if unit == "px" else f"{unit}, y down",
            "source_file": track.source,
            _TRACK_ATTR: json.dumps(track.metadata()),
        },
    )
    return ds


def _side(name: str) -> Side:
    return "left" if name == "left" else "right"


def _rows_by_side(track: PoseTrack) -> dict[str, npt.NDArray[np.bool_]]:
    """``{side: rows}``: the frames whose joints are that side's (no side: the track's main one)."""
    main = track.side or "right"
    sides = np.array([s if isinstance(s, str) and s else main for s in track.frame["side"]])
    return {side: sides == side for side in ("left", "right")}


def is_guru_form_dataset(ds: Any) -> bool:
    """True when ``ds`` was written by :func:`to_movement` (and can be read back exactly)."""
    return _TRACK_ATTR in getattr(ds, "attrs", {}) and "side" in getattr(ds, "data_vars", {})


def _dim(ds: Any, kind: str) -> str | None:
    for name in _DIM_NAMES[kind]:
        if name in ds.dims:
            return name
    return None


def _checked(ds: Any) -> tuple[str, str | None]:
    """The dataset's keypoints and individuals dimension names, after checking it is poses data."""
    if not hasattr(ds, "data_vars") or "position" not in ds.data_vars:
        raise InvalidInputError(
            f"expected a movement poses dataset (an xarray.Dataset with a 'position' variable), "
            f"got {type(ds).__name__}"
        )
    keypoints = _dim(ds, "keypoints")
    missing = [d for d in ("time", "space") if d not in ds.dims]
    if keypoints is None:
        missing.append("keypoint")
    if missing or keypoints is None:
        raise InvalidInputError(
            f"the dataset's position has no {', '.join(missing)} dimension; movement's poses "
            f"layout is (time, space, keypoint, individual)"
        )
    return keypoints, _dim(ds, "individuals")


def _one_individual(ds: Any, dim: str | None, individual: str | None) -> Any:
    if dim is None:
        return ds
    names = [str(v) for v in ds[dim].values]
    if individual is None:
        if len(names) != 1:
            raise InvalidInputError(
                f"the dataset holds {len(names)} individuals ({', '.join(names)}); pass "
                f"individual=... to say whose reps to find"
            )
        individual = names[0]
    if individual not in names:
        raise InvalidInputError(
            f"no individual {individual!r} in the dataset; it holds {', '.join(names)}"
        )
    return ds.sel({dim: individual})


def _time_ms(ds: Any, fps: float | None) -> tuple[npt.NDArray[np.float64], float]:
    """The frames' times in ms and the frame rate, from the time coordinate and ``fps``."""
    time = np.asarray(ds["time"].values, dtype=np.float64)
    rate = fps if fps is not None else ds.attrs.get("fps")
    in_frames = ds.attrs.get("time_unit") == "frames" or np.issubdtype(ds["time"].dtype, np.integer)
    if in_frames:
        if not rate:
            raise InvalidInputError(
                "the dataset's time is in frames and it has no fps; pass fps=... (frames per "
                "second of the video)"
            )
        return time / float(rate) * 1000.0, float(rate)
    if rate is None:
        steps = np.diff(time)
        steps = steps[np.isfinite(steps) & (steps > 0)]
        rate = 1.0 / float(np.median(steps)) if len(steps) else 30.0
    return time * 1000.0, float(rate)


def from_movement(ds: Any, *, individual: str | None = None) -> PoseTrack:
    """Read back a pose track written by :func:`to_movement`, exactly.

    For a dataset from another source, use :meth:`PoseTrack.from_movement
    <guru_form.pose_track.PoseTrack.from_movement>` (or :func:`keypoints_from_movement` and
    :func:`guru_form.pose.track.track_from_keypoints`): its keypoints are both sides' and the
    measured side must be chosen.

    Raises
    ------
    InvalidInputError
        When ``ds`` was not written by :func:`to_movement`.
    """
    keypoints_dim, individuals_dim = _checked(ds)
    if not is_guru_form_dataset(ds):
        raise InvalidInputError(
            "this dataset was not written by guru_form (no guru_form_track attribute); read it "
            "with PoseTrack.from_movement(ds), which chooses the measured side"
        )
    one = _one_individual(ds, individuals_dim, individual)
    meta = json.loads(one.attrs[_TRACK_ATTR])
    columns: dict[str, Any] = {
        "frame": np.asarray(one["frame"].values, dtype=np.int64),
        "time_ms": np.asarray(one["time"].values, dtype=np.float64) * 1000.0,
        "shot": np.asarray(one["shot"].values, dtype=np.int64),
        "person": np.asarray(one["person"].values, dtype=bool),
        "side": pd.array([s if s else None for s in one["side"].values], dtype="object"),
    }
    track_side = meta.get("side") or "right"
    sides = np.array([s or track_side for s in columns["side"]], dtype=object)
    n = len(sides)
    for joint in TRACK_JOINTS:
        xs, ys, vis = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
        for side in ("left", "right"):
            on = sides == side
            name = joint if joint == "nose" else f"{side}_{joint}"
            point = one["position"].sel({keypoints_dim: name})
            xs[on] = np.asarray(point.sel(space="x").values, dtype=np.float64)[on]
            ys[on] = np.asarray(point.sel(space="y").values, dtype=np.float64)[on]
            conf = one["confidence"].sel({keypoints_dim: name}).values
            vis[on] = np.asarray(conf, dtype=np.float64)[on]
        columns[f"{joint}_x"], columns[f"{joint}_y"], columns[f"{joint}_visibility"] = xs, ys, vis
    for name in SERIES:
        columns[name] = np.asarray(one[name].values, dtype=np.float64)
    for joint in SIDE_JOINTS:
        xs, ys, vis = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
        for side in ("left", "right"):
            on = sides == side
            far_name = f"{other_side(_side(side))}_{joint}"
            point = one["position"].sel({keypoints_dim: far_name})
            xs[on] = np.asarray(point.sel(space="x").values, dtype=np.float64)[on]
            ys[on] = np.asarray(point.sel(space="y").values, dtype=np.float64)[on]
            conf = one["confidence"].sel({keypoints_dim: far_name}).values
            vis[on] = np.asarray(conf, dtype=np.float64)[on]
        columns[f"far_{joint}_x"], columns[f"far_{joint}_y"] = xs, ys
        columns[f"far_{joint}_visibility"] = vis
    for name in DEPTH_COLUMNS:  # NaN in a dataset written before the depth was kept
        columns[name] = (
            np.asarray(one[name].values, dtype=np.float64) if name in one else np.full(n, np.nan)
        )
    return PoseTrack.from_metadata(pd.DataFrame(columns, columns=list(COLUMNS)), meta)


def keypoints_from_movement(
    ds: Any,
    *,
    individual: str | None = None,
    fps: float | None = None,
    aliases: dict[str, str] | None = None,
    plane: tuple[str, str] | None = None,
    y_up: bool = False,
) -> PoseKeypoints:
    """Both sides' joints of one individual of a movement poses dataset from any source.

    Parameters
    ----------
    ds
        A movement poses dataset (from ``movement.io.load_dataset``, or made by hand).
    individual
        Whose joints, when the dataset holds several.
    fps
        Frames per second, when the dataset's time is in frames and it has no ``fps``.
    aliases
        ``{their keypoint: guru_form joint}`` for names :mod:`guru_form.io.keypoints` does not
        read.
    plane
        The two ``space`` coordinates that make the image plane (the side view): ``("x", "y")``
        for 2D data (the default); for 3D data, the two that span the athlete's sagittal plane
        (required).
    y_up
        True when the second coordinate of ``plane`` points up (world coordinates); image
        coordinates point down.

    Returns
    -------
    PoseKeypoints
        The joints found (NaN for the missing ones), confidence as visibility (1 where the
        dataset has none), ``extra`` naming the keypoints used and those left out.

    Raises
    ------
    InvalidInputError
        Not a poses dataset; several individuals and none chosen; time in frames without fps;
        3D data without a ``plane``; no keypoint that is one of guru_form's joints.
    """
    keypoints_dim, individuals_dim = _checked(ds)
    one = _one_individual(ds, individuals_dim, individual)
    space = [str(s) for s in one["space"].values]
    if plane is None:
        if len(space) != 2:
            raise InvalidInputError(
                f"the dataset has {len(space)} space coordinates ({', '.join(space)}): pass "
                f"plane=(horizontal, vertical), the two of the athlete's side view (and "
                f"y_up=True if the vertical one points up)"
            )
        plane = (space[0], space[1])
    for axis in plane:
        if axis not in space:
            raise InvalidInputError(f"no space coordinate {axis!r}; the dataset has {space}")
    names = [str(k) for k in one[keypoints_dim].values]
    match = match_keypoints(names, aliases)
    if not match.joints:
        raise InvalidInputError(
            f"none of the dataset's keypoints ({', '.join(names)}) is a joint guru_form knows; "
            f"pass aliases={{their name: 'left_knee', ...}} (joints: {', '.join(JOINTS)})"
        )
    time_ms, rate = _time_ms(one, fps)
    order = np.argsort(time_ms, kind="stable")
    n = len(time_ms)
    landmarks = np.full((n, len(JOINTS), 4), np.nan)
    has_confidence = "confidence" in one.data_vars
    for joint, theirs in match.joints.items():
        j = JOINTS.index(joint)
        point = one["position"].sel({keypoints_dim: theirs})
        x = np.asarray(point.sel(space=plane[0]).values, dtype=np.float64)
        y = np.asarray(point.sel(space=plane[1]).values, dtype=np.float64)
        landmarks[:, j, 0] = x
        landmarks[:, j, 1] = -y if y_up else y
        known = np.isfinite(x) & np.isfinite(y)
        if has_confidence:
            conf = np.asarray(one["confidence"].sel({keypoints_dim: theirs}).values, dtype=float)
            conf = np.where(np.isfinite(conf), conf, 1.0)
        else:
            conf = np.ones(n)
        landmarks[:, j, 3] = np.where(known, conf, np.nan)
        landmarks[~known, j, :2] = np.nan
    frames = (
        np.asarray(one["frame"].values, dtype=np.int64)
        if "frame" in one.coords
        else np.rint(time_ms / 1000.0 * rate).astype(np.int64)
    )
    unit = str(ds.attrs.get("space_unit", "px"))
    return PoseKeypoints(
        time_ms=time_ms[order],
        landmarks=landmarks[order],
        frame=frames[order],
        fps=rate,
        frame_count=n,
        source=str(ds.attrs.get("source_file") or ""),
        estimator=str(ds.attrs.get("source_software") or "movement"),
        extra={
            "position_unit": "px" if unit.startswith("pixel") else unit,
            "keypoints": match.joints,
            "ignored_keypoints": list(match.ignored),
        },
    )


def from_movement_file(
    path: str | os.PathLike[str], source_software: str, *, fps: float | None = None
) -> Any:
    """Load a pose file with movement's own loader (``movement.io.load_dataset``).

    The file is read by movement itself; :meth:`PoseTrack.from_movement
    <guru_form.pose_track.PoseTrack.from_movement>` then makes a track of it.

    Parameters
    ----------
    path
        A DeepLabCut (``.h5``, ``.csv``), SLEAP (``.slp``, ``.h5``), LightningPose (``.csv``),
        Anipose (``.csv``) or NWB (``.nwb``) file.
    source_software
        ``"DeepLabCut"``, ``"SLEAP"``, ``"LightningPose"``, ``"Anipose"`` or ``"NWB"``.
    fps
        Frames per second of the video (the time coordinate is then in seconds).

    Returns
    -------
    xarray.Dataset
        movement's poses dataset, for :meth:`PoseTrack.from_movement`.

    Raises
    ------
    MissingDependencyError
        When movement is not installed (``pip install 'guru-form[movement]'``; Python 3.11+).
    """
    try:
        import movement.io as movement_io
    except ImportError:
        raise MissingDependencyError(
            "reading DeepLabCut, SLEAP, LightningPose, Anipose or NWB files", "movement"
        ) from None
    load = getattr(movement_io, "load_dataset", None)  # movement >= 0.14
    if load is None:
        load = movement_io.load_poses.from_file
    return load(os.fspath(path), source_software=source_software, fps=fps)
