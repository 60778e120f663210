"""The pose estimator interface, the backends registry, and running an estimator over a video.

An estimator is anything with an ``estimate(image, time_ms)`` method that takes one RGB frame and
returns the joints of :data:`guru_form.pose.joints.JOINTS` as an array of shape
``(len(JOINTS), 4)`` (``x``, ``y``, ``depth``, ``visibility``), or ``None`` when it finds no
person. One estimator instance serves one video, in frame order (it may track between frames);
``close()`` frees it. An estimator that follows several people also has
``estimate_people(image, time_ms)``, which returns ``{person id: joints}`` for everyone on the
frame (ids kept from frame to frame); :func:`estimate_video` then keeps every person
(:attr:`RawPose.people`), and :mod:`guru_form.pose.people` chooses the athlete.

Backends are named in :data:`ESTIMATORS`: ``"blazepose"`` (the default,
:class:`~guru_form.pose.blazepose.BlazePoseEstimator`: our BlazePose pipeline on LiteRT, the
``pose`` extra) and ``"mediapipe"`` (the same models through MediaPipe 0.10.21, to compare; the
``mediapipe`` extra). To add one, write a class with this interface and register it::

    ESTIMATORS["mymodel"] = "mypackage.pose_backend:MyEstimator"

Nothing else in :mod:`guru_form.pose` needs to change.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, runtime_checkable

import numpy as np
import numpy.typing as npt

from guru_form.pose.joints import JOINTS
from guru_form.video import VideoInfo, VideoReader, VideoSource, reader_for

__all__ = [
    "DECODE_AHEAD",
    "DEFAULT_ESTIMATOR",
    "ESTIMATORS",
    "THUMB_SIZE",
    "EstimatorSpec",
    "MultiPersonEstimator",
    "PersonSeries",
    "PoseEstimator",
    "Progress",
    "RawPose",
    "estimate_video",
    "make_estimator",
]

FloatArray = npt.NDArray[np.float64]

#: Side length of the grey thumbnail kept per analysed frame to find shot changes.
THUMB_SIZE = 32

#: Frames decoded ahead of the model in a background thread (see :func:`estimate_video`).
DECODE_AHEAD = 2


@runtime_checkable
class PoseEstimator(Protocol):
    """Frames in, named joints with visibility out (see the module docstring)."""

    name: str

    def estimate(self, image: npt.NDArray[np.uint8], time_ms: float) -> FloatArray | None:
        """Joints of one RGB frame as ``(len(JOINTS), 4)``, or ``None`` when no person is found."""
        ...

    def close(self) -> None:
        """Free the model's resources."""
        ...


@runtime_checkable
class MultiPersonEstimator(PoseEstimator, Protocol):
    """An estimator that follows everyone in view (see the module docstring)."""

    def estimate_people(
        self, image: npt.NDArray[np.uint8], time_ms: float
    ) -> dict[int, FloatArray]:
        """Everyone on one RGB frame: person id -> joints ``(len(JOINTS), 4)``."""
        ...


#: A backend's name in :data:`ESTIMATORS`, or a callable that makes a fresh estimator.
EstimatorSpec: TypeAlias = "str | Callable[[], PoseEstimator]"

#: Backends by name -> ``"module:Class"`` (the class is constructed with no arguments).
ESTIMATORS: dict[str, str] = {
    "blazepose": "guru_form.pose.blazepose.backend:BlazePoseEstimator",
    "mediapipe": "guru_form.pose.mediapipe_backend:MediaPipeEstimator",
}

#: The backend used when none is named.
DEFAULT_ESTIMATOR = "blazepose"

#: ``progress`` arguments: ``None``/``False`` for none, ``True`` for a tqdm bar, or a callable
#: ``(frames_done, frames_total)``.
Progress: TypeAlias = "bool | Callable[[int, int], None] | None"


def make_estimator(spec: EstimatorSpec = DEFAULT_ESTIMATOR) -> PoseEstimator:
    """A fresh estimator from a backend name or a factory.

    Raises
    ------
    ValueError
        For an unknown backend name.
    MissingDependencyError
        When the backend's package is not installed.
    """
    if callable(spec):
        return spec()
    target = ESTIMATORS.get(spec)
    if target is None:
        raise ValueError(f"unknown pose estimator {spec!r}; known: {', '.join(ESTIMATORS)}")
    module_name, _, class_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    estimator: PoseEstimator = cls()
    return estimator


@dataclass
class PersonSeries:
    """One person's joints on the analysed frames where the estimator found them.

    Attributes
    ----------
    id
        The estimator's id for the person (0, 1, ... in the order they were first found).
    rows
        ``(m,)`` indices, into the :class:`RawPose`'s analysed frames, of the frames the person
        is on (increasing).
    landmarks
        ``(m, len(JOINTS), 4)`` their joints on those frames.
    """

    id: int
    rows: npt.NDArray[np.int64]
    landmarks: FloatArray

    def dense(self, n: int) -> FloatArray:
        """``(n, len(JOINTS), 4)`` over all ``n`` analysed frames, NaN where the person is not."""
        out = np.full((n, len(JOINTS), 4), np.nan)
        out[self.rows] = self.landmarks
        return out

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class RawPose:
    """An estimator's output for one video, before any side choice or filtering.

    Attributes
    ----------
    video
        The video's :class:`~guru_form.video.VideoInfo` (as displayed: size after orientation).
    frame
        ``(n,)`` index of each analysed frame in the video.
    time_ms
        ``(n,)`` presentation time of each analysed frame.
    landmarks
        ``(n, len(JOINTS), 4)``: ``x``, ``y`` (pixels, display-oriented), ``depth``,
        ``visibility``; all NaN on frames without a person.
    scene_change
        ``(n,)`` mean absolute difference (0..1) between the grey thumbnails of this analysed
        frame and the previous one; large at cuts.
    brightness
        ``(n,)`` mean grey level (0..1) of each analysed frame; low during fades to black.
    stride
        Every ``stride``-th frame was analysed.
    estimator
        The backend's name.
    people
        Every person the estimator followed, by id (empty for a backend that follows one
        person: then ``landmarks`` is that person).
    person
        The id of the person ``landmarks`` holds (None for a one-person backend).
    person_choice
        How that person was chosen, as JSON-ready values (see
        :func:`guru_form.pose.people.choose_person`).
    """

    video: VideoInfo
    frame: npt.NDArray[np.int64]
    time_ms: FloatArray
    landmarks: FloatArray
    scene_change: FloatArray
    brightness: FloatArray
    stride: int
    estimator: str
    people: dict[int, PersonSeries] = field(default_factory=dict)
    person: int | None = None
    person_choice: dict[str, Any] = field(default_factory=dict)

    @property
    def person_found(self) -> npt.NDArray[np.bool_]:
        """``(n,)`` True on frames where the estimator found a person."""
        found: npt.NDArray[np.bool_] = np.isfinite(self.landmarks[:, :, 0]).any(axis=1)
        return found

    def __len__(self) -> int:
        return len(self.frame)


def _progress_callback(progress: Progress, total: int) -> tuple[Callable[[int], None], Any]:
    if progress is None or progress is False:
        return (lambda n: None), None
    if progress is True:
        from tqdm.auto import tqdm

        bar: Any = tqdm(total=total, unit="frame", desc="pose")
        return bar.update, bar
    done = 0
    callback = progress

    def step(n: int) -> None:
        nonlocal done
        done += n
        callback(done, total)

    return step, None


def estimate_video(
    video: VideoSource | VideoReader,
    *,
    estimator: EstimatorSpec = DEFAULT_ESTIMATOR,
    stride: int = 1,
    progress: Progress = None,
    decode_ahead: int = DECODE_AHEAD,
) -> RawPose:
    """Run a pose estimator over every ``stride``-th frame of a video.

    Frames come from :meth:`guru_form.video.VideoReader.iter_strided`: display-oriented, with the
    reader's frame indices and times, so the joints land on the frames ``guru_form.frames``
    decodes for the same times. They are decoded ``decode_ahead`` frames ahead in a background
    thread while the model reads the previous ones. Memory stays flat in the length of the
    video: frames are decoded a few at a time and only the joints are kept.

    Parameters
    ----------
    video
        The video: a path, a binary file object, or an open
        :class:`~guru_form.video.VideoReader` (left open).
    estimator
        A backend name from :data:`ESTIMATORS` or a factory returning a fresh estimator.
    stride
        Analyse frames ``0, stride, 2*stride, ...``.
    progress
        ``True`` for a tqdm progress bar, or a callable ``(frames_done, frames_total)``.
    decode_ahead
        Frames decoded ahead in a background thread while the model works (0: decode in this
        thread, between model calls).

    Returns
    -------
    RawPose
        The estimator's joints for every analysed frame, with every person the backend followed in :attr:`RawPose.people`; ``landmarks`` holds
        the person found on the most frames until :func:`guru_form.pose.people.choose_person`
        chooses the athlete.

    Raises
    ------
    InvalidVideoError
        When the file is not a readable video.
    InvalidInputError
        For a ``stride`` or ``decode_ahead`` that is not a whole number in range.
    MissingDependencyError
        When the backend's package is not installed.
    """
    frames: list[int] = []
    times: list[float] = []
    rows: list[FloatArray] = []
    found_rows: dict[int, list[int]] = {}
    found_joints: dict[int, list[FloatArray]] = {}
    changes: list[float] = []
    bright: list[float] = []
    empty = np.full((len(JOINTS), 4), np.nan)
    previous: npt.NDArray[np.float32] | None = None
    with reader_for(video) as reader:
        info = reader.info
        frames_in = reader.iter_strided(stride, prefetch=decode_ahead, thumbnail_size=THUMB_SIZE)
        total = max(1, len(range(0, info.frame_count, stride)))
        step, bar = _progress_callback(progress, total)
        try:
            model = make_estimator(estimator)
            several = isinstance(model, MultiPersonEstimator)
            try:
                with contextlib.closing(frames_in):
                    for decoded in frames_in:
                        if several:
                            on_frame = model.estimate_people(decoded.image, decoded.time_ms)  # type: ignore[attr-defined]
                            for pid, person_joints in on_frame.items():
                                found_rows.setdefault(pid, []).append(len(frames))
                                found_joints.setdefault(pid, []).append(
                                    np.asarray(person_joints, dtype=np.float64)
                                )
                        else:
                            joints = model.estimate(decoded.image, decoded.time_ms)
                            rows.append(
                                empty if joints is None else np.asarray(joints, dtype=np.float64)
                            )
                        frames.append(decoded.index)
                        times.append(decoded.time_ms)
                        thumb = decoded.thumbnail
                        assert thumb is not None  # asked for with thumbnail_size
                        changes.append(
                            0.0 if previous is None else float(np.abs(thumb - previous).mean())
                        )
                        bright.append(float(thumb.mean()))
                        previous = thumb
                        step(1)
            finally:
                model.close()
        finally:
            if bar is not None:
                bar.close()
    n = len(frames)
    people = {
        pid: PersonSeries(pid, np.asarray(found_rows[pid], dtype=np.int64), np.stack(joints))
        for pid, joints in sorted(found_joints.items())
    }
    person: int | None = None
    if several:
        person = max(people, key=lambda pid: (len(people[pid]), -pid)) if people else None
        landmarks = (
            people[person].dense(n) if person is not None else np.full((n, len(JOINTS), 4), np.nan)
        )
    else:
        landmarks = np.stack(rows) if rows else np.empty((0, len(JOINTS), 4))
    return RawPose(
        video=info,
        frame=np.asarray(frames, dtype=np.int64),
        time_ms=np.asarray(times, dtype=np.float64),
        landmarks=landmarks,
        scene_change=np.asarray(changes, dtype=np.float64),
        brightness=np.asarray(bright, dtype=np.float64),
        stride=stride,
        estimator=getattr(model, "name", type(model).__name__),
        people=people,
        person=person,
        person_choice={"id": person, "rule": "most frames"} if person is not None else {},
    )
