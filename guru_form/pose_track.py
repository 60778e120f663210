"""The pose track's data model: per-frame joints of the measured side and the joint angles.

:class:`PoseTrack` is what the local pose engine produces for a video, what ``frames`` draws
skeletons from and what :func:`guru_form.pose.analyze_track` finds reps in. It is plain data, like
:mod:`guru_form.models`: the pose engine builds one from a video
(:func:`guru_form.pose.track.build_track`), :mod:`guru_form.io` saves and loads it and converts it
to and from other tools' formats (movement, OpenSim). Nothing here runs a model or reads a file.

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
``knee_angle``, ``hip_angle``, ``elbow_angle``, ``shoulder_angle``, ``trunk_lean``, ``thigh_angle``, ``body_line``
    float degrees, computed from the columns above with
    :func:`guru_form.kinematics.angle_series`; exact definitions in
    :data:`guru_form.kinematics.SERIES`.
``far_<joint>_x``, ``far_<joint>_y``, ``far_<joint>_visibility``
    The same for the other side (``shoulder`` ... ``foot_index``), the one turned away from the
    camera, outlier-rejected, gap-filled and smoothed but not gated by visibility: a pose model
    invents hidden limbs, so these serve for the body's middle and width (which way the camera
    looks, where the body is) and never for angles. Missing in tracks saved before they existed.
``shoulder_depth``, ``far_shoulder_depth``
    float, the pose model's depth of the measured side's shoulder and of the other one: how far
    each lies from the camera, relative to the body's middle (smaller is closer), in the units of
    ``x`` (BlazePose's ``z``, scaled like ``x`` to pixels). Cleaned like the joint's ``x`` and
    ``y`` (the measured shoulder gated by its visibility, the other not). With the shoulders'
    positions they give the angle of the shoulder line out of the image plane, which tells which
    way the camera looks (:mod:`guru_form.pose.view`). NaN where the source gives no depth (Guru's
    keypoints, another tool's 2D keypoints) and missing in tracks saved before they existed.

Attributes kept with the frame (and in the parquet file): ``activity``, ``fps``, ``width``,
``height``, ``stride``, ``frame_count`` (frames in the video), ``source`` (file name),
``estimator``, ``side`` (the side measured on most frames).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from guru_form.joints import JOINTS, SIDE_JOINTS, TRACK_JOINTS
from guru_form.kinematics import SERIES
from guru_form.models import Activity

__all__ = ["COLUMNS", "DEPTH_COLUMNS", "PoseKeypoints", "PoseTrack"]

FloatArray = npt.NDArray[np.float64]

#: The columns of the model's depth (NaN where the source has none), the last of :data:`COLUMNS`.
DEPTH_COLUMNS: tuple[str, ...] = ("shoulder_depth", "far_shoulder_depth")

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
    *DEPTH_COLUMNS,
)


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
    extra
        Other facts about how the track was made (JSON-ready values).

    Examples
    --------
    >>> track = guru_form.pose.estimate_track("squat.mp4", activity="squat")  # doctest: +SKIP
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

    @classmethod
    def from_metadata(cls, frame: pd.DataFrame, meta: dict[str, Any]) -> PoseTrack:
        """A track from its frame and the attributes :meth:`metadata` gave (missing ones default).

        Parameters
        ----------
        frame
            The per-frame DataFrame.
        meta
            ``{"activity": "squat", "fps": 30.0, ...}`` as :meth:`metadata` returns it
            (``side`` is ignored: it follows from the frame).
        """
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

    # --- saving and loading: delegates to guru_form.io -------------------------------------------

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write the frame and the attributes to one parquet file.

        The same as :func:`guru_form.io.to_pose_parquet` (needs pyarrow: the ``export`` or
        ``pose`` extra). By convention a track saved beside ``name.json`` is ``name.pose.parquet``.

        Returns
        -------
        Path
            The file written.
        """
        from guru_form.io.pose_parquet import to_pose_parquet

        return to_pose_parquet(self, path)

    @classmethod
    def read_parquet(cls, path: str | os.PathLike[str]) -> PoseTrack:
        """Read a track written by :meth:`to_parquet` (:func:`guru_form.io.from_pose_parquet`)."""
        from guru_form.io.pose_parquet import from_pose_parquet

        return from_pose_parquet(path)

    @classmethod
    def from_parquet_bytes(cls, data: bytes) -> PoseTrack:
        """Read a track from the bytes of a file written by :meth:`to_parquet`.

        The local server sends a pose track this way (``GET /videos/{id}/pose-track``).
        """
        from guru_form.io.pose_parquet import from_pose_parquet_bytes

        return from_pose_parquet_bytes(data)

    # --- other tools: movement, OpenSim ------------------------------------------------------

    def to_movement(self, *, individual: str = "athlete") -> Any:
        """The track as a `movement <https://movement.neuroinformatics.dev>`_ poses dataset.

        ``position`` (``time``, ``space``, ``keypoint``, ``individual``) holds the measured
        side's joints in pixels, y down; ``confidence`` their visibility; ``side``, ``shot``,
        ``person`` and the angle series (degrees) sit beside them. The layout is documented in
        :mod:`guru_form.io.movement`. Needs xarray (the ``movement`` extra).

        Returns
        -------
        xarray.Dataset
            :meth:`from_movement` reads it back exactly.
        """
        from guru_form.io.movement import to_movement

        return to_movement(self, individual=individual)

    def to_trc(
        self, path: str | os.PathLike[str], *, athlete_height_cm: float | None = None
    ) -> Path:
        """Write the joints as an OpenSim ``.trc`` (:func:`guru_form.io.to_trc`).

        Metres in OpenSim's frame (Y up) when the athlete's height is given, else pixels.
        """
        from guru_form.io.opensim import to_trc

        return to_trc(self, path, athlete_height_cm=athlete_height_cm)

    def to_mot(self, path: str | os.PathLike[str]) -> Path:
        """Write the angle series as an OpenSim ``.mot`` in degrees (:func:`guru_form.io.to_mot`)."""
        from guru_form.io.opensim import to_mot

        return to_mot(self, path)

    @classmethod
    def from_trc(
        cls,
        path: str | os.PathLike[str],
        *,
        activity: Activity | str | None = None,
        plane: tuple[str, str] = ("X", "Y"),
        y_up: bool | None = None,
        aliases: dict[str, str] | None = None,
        smooth: bool = False,
    ) -> PoseTrack:
        """A track from an OpenSim ``.trc`` (Sports2D's, Pose2Sim's, OpenCap's or guru_form's).

        The markers are read as both sides' joints (:func:`guru_form.io.from_trc`: OpenPose and
        HALPE names such as ``RKnee`` and ``LBigToe``), and the side facing the camera is chosen,
        cleaned and measured as the video engine does
        (:func:`guru_form.pose.track.track_from_keypoints`). Positions keep the file's unit
        (``extra["position_unit"]``), with y pointing down as in an image.

        Parameters
        ----------
        path
            The ``.trc`` file.
        activity
            Recorded on the track.
        plane, y_up, aliases
            See :func:`guru_form.io.from_trc`.
        smooth
            Low-pass filter the joints as the video engine does. Off by default: Sports2D,
            Pose2Sim and guru_form filter what they write, and filtering twice flattens the
            turning points.
        """
        from guru_form.io.opensim import from_trc
        from guru_form.pose.track import track_from_keypoints

        keypoints = from_trc(path, plane=plane, y_up=y_up, aliases=aliases)
        return track_from_keypoints(keypoints, activity, smooth=smooth)

    @classmethod
    def from_movement(
        cls,
        ds: Any,
        *,
        individual: str | None = None,
        activity: Activity | str | None = None,
        fps: float | None = None,
        aliases: dict[str, str] | None = None,
        plane: tuple[str, str] | None = None,
        y_up: bool = False,
        smooth: bool = True,
    ) -> PoseTrack:
        """A track from a movement poses dataset: DeepLabCut, SLEAP, LightningPose, NWB data...

        A dataset written by :meth:`to_movement` comes back as it was. Any other is read as both
        sides' keypoints (names mapped by :mod:`guru_form.io.keypoints`, e.g. COCO-17,
        BlazePose-33, HALPE-26 and DeepLabCut-style labels), and the side facing the camera is
        chosen, cleaned and measured as the video engine does
        (:func:`guru_form.pose.track.track_from_keypoints`).

        Parameters
        ----------
        ds
            The dataset (``movement.io.load_poses.from_file(...)``, or
            :func:`guru_form.io.from_movement_file`).
        individual
            Whose track, when the dataset holds several individuals.
        activity
            Recorded on the track.
        fps, aliases, plane, y_up
            See :func:`guru_form.io.movement.keypoints_from_movement`.
        smooth
            Low-pass filter the joints (as the video engine does); False keeps them as given.

        Examples
        --------
        >>> from movement.io import load_poses  # doctest: +SKIP
        >>> ds = load_poses.from_file("squat_DLC.h5", source_software="DeepLabCut", fps=30)  # doctest: +SKIP
        >>> track = PoseTrack.from_movement(ds, activity="squat")  # doctest: +SKIP
        >>> guru_form.pose.analyze_track(track).to_frame()  # doctest: +SKIP
        """
        from guru_form.io.movement import from_movement, is_guru_form_dataset

        if is_guru_form_dataset(ds):
            track = from_movement(ds, individual=individual)
            if activity is not None:
                track.activity = Activity(activity)
            return track
        from guru_form.io.movement import keypoints_from_movement
        from guru_form.pose.track import track_from_keypoints

        keypoints = keypoints_from_movement(
            ds, individual=individual, fps=fps, aliases=aliases, plane=plane, y_up=y_up
        )
        return track_from_keypoints(keypoints, activity, smooth=smooth)


@dataclass
class PoseKeypoints:
    """Both sides' joints on each frame, before the side facing the camera is chosen.

    What another tool's pose data becomes (:func:`guru_form.io.from_movement`,
    :func:`guru_form.io.from_trc`) on its way to a :class:`PoseTrack`:
    :func:`guru_form.pose.track.track_from_keypoints` repairs left/right swaps, chooses the
    measured side frame by frame, cleans its joints and computes the angles, as the video engine
    does with a pose model's output.

    Attributes
    ----------
    time_ms
        ``(n,)`` time of each frame in milliseconds, increasing.
    landmarks
        ``(n, len(JOINTS), 4)``: for each joint of :data:`guru_form.joints.JOINTS`, ``x`` and ``y``
        in the image plane (y down), a relative ``depth`` (NaN when unknown) and a confidence
        (``visibility``, 0..1). NaN where the joint is unknown.
    frame
        ``(n,)`` frame numbers.
    fps
        Frames per second of the source (of the video, when there was one).
    width, height
        The image size in pixels (0 when unknown).
    frame_count
        Frames in the source.
    stride
        Every ``stride``-th frame of the source is here.
    source
        The file (or dataset) the keypoints came from.
    estimator
        The tool that estimated them (``"DeepLabCut"``, ``"Sports2D"``, ...).
    extra
        Other facts (JSON-ready), kept in the track's ``extra``: ``position_unit``
        (``"px"`` unless the source says otherwise), ``keypoints`` (``{joint: their name}``),
        ``ignored_keypoints``.
    """

    time_ms: FloatArray
    landmarks: FloatArray
    frame: npt.NDArray[np.int64]
    fps: float = 30.0
    width: int = 0
    height: int = 0
    frame_count: int = 0
    stride: int = 1
    source: str = ""
    estimator: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.time_ms)
        if self.landmarks.shape != (n, len(JOINTS), 4) or len(self.frame) != n:
            raise ValueError(
                f"keypoints of {n} frames need landmarks of shape {(n, len(JOINTS), 4)} and "
                f"{n} frame numbers, got {self.landmarks.shape} and {len(self.frame)}"
            )

    def __len__(self) -> int:
        return len(self.time_ms)
