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

import importlib
import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, TypeVar, runtime_checkable

import numpy as np
import numpy.typing as npt

from guru_form.pose.joints import JOINTS
from guru_form.pose.video import DecodedFrame, VideoInfo, iter_frames, probe_video

__all__ = [
    "DEFAULT_ESTIMATOR",
    "ESTIMATORS",
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
        What the container says about the video.
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


_T = TypeVar("_T")
#: Frames decoded ahead of the model by the decoding thread.
PREFETCH_FRAMES = 4


def _prefetched(frames: Iterator[_T], depth: int = PREFETCH_FRAMES) -> Iterator[_T]:
    """Iterate ``frames`` from a background thread, ``depth`` items ahead.

    Decoding (FFmpeg, OpenCV) and the model (LiteRT) release the GIL, so the next frames decode
    on one core while the model reads this one on the other. Memory stays at ``depth`` frames.
    An exception in the decoder is raised here, at the item where it happened; leaving the loop
    early stops the thread.
    """
    items: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in frames:
                if not put(("item", item)):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(("error", exc))
            return
        put(("done", None))

    thread = threading.Thread(target=work, name="guru-form-decode", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = items.get()
            if kind == "done":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join()
        close = getattr(frames, "close", None)
        if close is not None:
            close()


def estimate_video(
    path: str | os.PathLike[str],
    *,
    estimator: EstimatorSpec = DEFAULT_ESTIMATOR,
    stride: int = 1,
    progress: Progress = None,
) -> RawPose:
    """Run a pose estimator over every ``stride``-th frame of a video.

    Frames are decoded in a background thread while the model reads the previous ones. Memory
    stays flat in the length of the video: a few frames are in memory at a time and only the
    joints are kept.

    Parameters
    ----------
    path
        The video.
    estimator
        A backend name from :data:`ESTIMATORS` or a factory returning a fresh estimator.
    stride
        Analyse frames ``0, stride, 2*stride, ...``.
    progress
        ``True`` for a tqdm progress bar, or a callable ``(frames_done, frames_total)``.

    Returns
    -------
    RawPose
        With every person the backend followed in :attr:`RawPose.people`; ``landmarks`` holds
        the person found on the most frames until :func:`guru_form.pose.people.choose_person`
        chooses the athlete.

    Raises
    ------
    InvalidVideoError
        When the file is not a readable video.
    MissingDependencyError
        When the backend's package is not installed.
    """
    info = probe_video(path)
    total = max(1, -(-info.frame_count // stride))
    step, bar = _progress_callback(progress, total)
    model = make_estimator(estimator)
    frames: list[int] = []
    times: list[float] = []
    rows: list[FloatArray] = []
    found_rows: dict[int, list[int]] = {}
    found_joints: dict[int, list[FloatArray]] = {}
    changes: list[float] = []
    bright: list[float] = []
    empty = np.full((len(JOINTS), 4), np.nan)
    previous: npt.NDArray[np.float32] | None = None
    decoded: DecodedFrame
    several = isinstance(model, MultiPersonEstimator)
    try:
        for decoded in _prefetched(iter_frames(path, stride=stride)):
            if several:
                on_frame = model.estimate_people(decoded.image, decoded.time_ms)  # type: ignore[attr-defined]
                for pid, person_joints in on_frame.items():
                    found_rows.setdefault(pid, []).append(len(frames))
                    found_joints.setdefault(pid, []).append(
                        np.asarray(person_joints, dtype=np.float64)
                    )
            else:
                joints = model.estimate(decoded.image, decoded.time_ms)
                rows.append(empty if joints is None else np.asarray(joints, dtype=np.float64))
            frames.append(decoded.index)
            times.append(decoded.time_ms)
            thumb = decoded.thumbnail
            changes.append(0.0 if previous is None else float(np.abs(thumb - previous).mean()))
            bright.append(float(thumb.mean()))
            previous = thumb
            step(1)
    finally:
        model.close()
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
