"""The BlazePose pose backend: our own pipeline on LiteRT, behind the estimator interface.

:class:`BlazePoseEstimator` is the default backend of :data:`guru_form.pose.estimator.ESTIMATORS`
(``"blazepose"``). It runs the same two models as MediaPipe's legacy pose solution
(``model_complexity=1``), with the same pre- and post-processing, and tracks every person in view
(:mod:`.tracker`): :meth:`~BlazePoseEstimator.estimate_people` gives each person's joints by id,
and :meth:`~BlazePoseEstimator.estimate` the joints of the person found first, for code that wants
one person.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from guru_form.pose.blazepose.detector import MIN_DETECTION_SCORE, PersonDetector
from guru_form.pose.blazepose.landmarks import LandmarkModel
from guru_form.pose.blazepose.tracker import MIN_TRACKING_SCORE, PeopleTracker

__all__ = ["BlazePoseEstimator"]

FloatArray = npt.NDArray[np.float64]


class BlazePoseEstimator:
    """BlazePose (detector + GHUM 3D "full" landmarks) on LiteRT, several people at once.

    Parameters
    ----------
    max_people
        At most this many people are tracked at once (1: follow one person, as MediaPipe does).
    min_detection_confidence, min_tracking_confidence
        Smallest detector score of a new person; smallest pose flag that keeps a track.
    detect_interval_s
        With ``max_people > 1``, how often the detector looks for people coming into view.
    guard
        Re-detect a person whose body proportions suddenly become implausible (see
        :mod:`guru_form.pose.blazepose.guard`).
    num_threads
        LiteRT threads per model (default: ``$GURU_FORM_POSE_THREADS``, else the CPUs, at most 4).

    Raises
    ------
    MissingDependencyError
        When ``ai-edge-litert`` (the ``pose`` extra) is not installed.

    Notes
    -----
    ``depth`` is BlazePose's ``z`` in pixels, scaled like ``x``: smaller is nearer the camera.
    """

    name = "blazepose"

    def __init__(
        self,
        *,
        max_people: int = 4,
        min_detection_confidence: float = MIN_DETECTION_SCORE,
        min_tracking_confidence: float = MIN_TRACKING_SCORE,
        detect_interval_s: float = 1.0,
        guard: bool = True,
        num_threads: int | None = None,
    ) -> None:
        self._detector = PersonDetector(min_score=min_detection_confidence, num_threads=num_threads)
        self._landmarks = LandmarkModel(num_threads=num_threads)
        self._tracker = PeopleTracker(
            self._detector,
            self._landmarks,
            max_people=max_people,
            min_tracking_score=min_tracking_confidence,
            detect_interval_ms=1000.0 * detect_interval_s,
            guard=guard,
        )

    @property
    def detections(self) -> int:
        """On how many frames the detector ran."""
        return self._tracker.detections

    @property
    def redetections(self) -> int:
        """How many frames the proportion guard re-detected."""
        return self._tracker.redetections

    def estimate_people(
        self, image: npt.NDArray[np.uint8], time_ms: float
    ) -> dict[int, FloatArray]:
        """Every person on this frame of the video: id -> joints ``(len(JOINTS), 4)``.

        Ids are 0, 1, 2, ... in the order people were first found, and a person keeps theirs
        from frame to frame while tracked (and through short losses).
        """
        return self._tracker.update(image, time_ms)

    def estimate(self, image: npt.NDArray[np.uint8], time_ms: float) -> FloatArray | None:
        """Joints of the person found first among those on this frame, or ``None``."""
        people = self.estimate_people(image, time_ms)
        return people[min(people)] if people else None

    def reset(self) -> None:
        """Forget the people tracked so far (before another video)."""
        self._tracker.reset()

    def close(self) -> None:
        """Nothing to free beyond the interpreters, which go with the object."""

    def __enter__(self) -> BlazePoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
