"""The pose engine as the local server runs it: a picklable object with ``analyze()``.

The local server (``guru_form.server``) loads engines by name; ``"pose"`` is
``guru_form.pose.engine:PoseEngine``. It runs in a process pool or on Dask workers, so it holds
only plain settings and builds the pose model inside :meth:`PoseEngine.analyze`, which hands the
server's job an :class:`~guru_form.models.Analysis` carrying its pose track (the job stores both).

An upload that names no activity is analysed by :func:`~guru_form.pose.analyze_video` with no
activity, which recognises it from the movement (:mod:`guru_form.pose.recognition`): the analysis
then carries :data:`~guru_form.models.RECOGNITION_FIELD` (``{"activity", "confidence"}``) in its
guru_form extension, ``raw["x-guru-form"]`` (:data:`~guru_form.models.EXTENSION_KEY`),
or, when it cannot tell, the engine raises an :class:`~guru_form.errors.EngineError`
(:class:`~guru_form.pose.recognition.UnrecognizedActivityError`) with the code ``LOW_QUALITY_POSE_ESTIMATE`` and a message
saying to name the activity.
"""

from __future__ import annotations

import numbers
import os

from guru_form import activities
from guru_form.errors import EngineError, InvalidInputError, MissingDependencyError
from guru_form.models import (
    EXTENSION_KEY,
    RECOGNITION_FIELD,
    Activity,
    Analysis,
    Domain,
    resolve_activity,
)
from guru_form.pose.analysis import analyze_video
from guru_form.pose.estimator import DEFAULT_ESTIMATOR
from guru_form.pose.people import PersonSpec

__all__ = ["LOW_QUALITY_POSE_ESTIMATE", "RECOGNITION_FIELD", "PoseEngine"]

#: The API's failure code for "no confident pose", used when the activity cannot be told.
LOW_QUALITY_POSE_ESTIMATE = "LOW_QUALITY_POSE_ESTIMATE"


class PoseEngine:
    """Local pose analysis behind the Guru schema.

    Parameters
    ----------
    stride
        Analyse every ``stride``-th frame (2 is about 1.8x faster; per-rep numbers move by the
        spreads measured in docs/pose/repeatability.md).
        The local server passes its own (``guru-form serve --stride N``,
        ``GuruClient.local(stride=N)``).
    athlete_height_cm
        When set, velocities are reported in m/s.
    estimator
        The pose backend's name (see :data:`guru_form.pose.estimator.ESTIMATORS`).

    Notes
    -----
    With several people in view the default backend follows each of them and measures the one
    who does the most of the activity's movement; :meth:`analyze` takes ``person=`` to choose
    another (see :func:`guru_form.pose.analyze_video`).

    Examples
    --------
    >>> engine = PoseEngine(stride=2)
    >>> engine.name
    'pose'
    >>> result = engine.analyze("squat.mp4", activity="squat", domain=None, rep_count=None)  # doctest: +SKIP
    >>> result.status, len(result.reps), len(result.pose_track)  # doctest: +SKIP
    (<Status.COMPLETE: 'Complete'>, 5, 412)

    Raises
    ------
    InvalidInputError
        (a ``ValueError``) for a stride that is not a whole number, 1 or more.
    """

    name = "pose"

    def __init__(
        self,
        *,
        stride: int = 1,
        athlete_height_cm: float | None = None,
        estimator: str = DEFAULT_ESTIMATOR,
    ) -> None:
        self.stride = _checked_stride(stride)
        self.athlete_height_cm = athlete_height_cm
        self.estimator = estimator

    def __repr__(self) -> str:
        return (
            f"PoseEngine(stride={self.stride}, athlete_height_cm={self.athlete_height_cm}, "
            f"estimator={self.estimator!r})"
        )

    def analyze(
        self,
        video_path: str | os.PathLike[str],
        *,
        activity: Activity | str | None,
        domain: Domain | str | None = None,
        rep_count: int | None = None,
        person: PersonSpec = None,
        person_at_s: float | None = None,
    ) -> Analysis:
        """Analyse one video.

        Parameters
        ----------
        video_path
            The uploaded video.
        activity, domain
            As given when the video was created. With neither, the activity is recognised from
            the movement (:func:`guru_form.pose.recognize_activity`).
        rep_count
            The user's rep count, if given (a hint: never more reps than this are reported).
        person, person_at_s
            Which person to measure when there are several (see
            :func:`guru_form.pose.analyze_video`); the track's ``extra["person"]`` says who was.

        Returns
        -------
        Analysis
            ``Complete``, its domain, activity and reps in the Guru schema, with the pose track
            attached as ``pose_track``; when the activity was recognised,
            ``raw["x-guru-form"]`` carries :data:`~guru_form.models.RECOGNITION_FIELD`.

        Raises
        ------
        EngineError
            When the video cannot be analysed: an activity this engine does not analyse, not a
            readable video, too short, the athlete found on too few frames, or (with code
            ``LOW_QUALITY_POSE_ESTIMATE``) no activity given and none recognised. The message is
            the reason to show.
        MissingDependencyError
            When the ``pose`` extra is not installed.
        """
        try:
            act, _ = resolve_activity(activity, domain)
        except InvalidInputError as exc:
            raise EngineError(str(exc)) from None
        if act is not None:
            _check_analysed(act)
        try:
            analysis = analyze_video(
                video_path,
                act,
                stride=self.stride,
                athlete_height_cm=self.athlete_height_cm,
                estimator=self.estimator,
                rep_count=rep_count,
                person=person,
                person_at_s=person_at_s,
            )
        except (EngineError, MissingDependencyError):
            raise
        except InvalidInputError as exc:
            raise EngineError(_video_reason(exc)) from None
        if act is None and analysis.activity is not None:
            raw = analysis.raw or analysis.to_json()
            found = {
                "activity": analysis.activity.value,
                "confidence": round(float(analysis.activity_confidence or 0.0), 3),
            }
            extension = {**raw.get(EXTENSION_KEY, {}), RECOGNITION_FIELD: found}
            analysis.raw = {**raw, EXTENSION_KEY: extension}
        return analysis


def _check_analysed(activity: Activity) -> None:
    """Raise :class:`EngineError` for an activity without a profile (nothing to analyse it by)."""
    if activities.find(activity) is None:
        known = ", ".join(p.name for p in activities.registered())
        raise EngineError(
            f"the local pose engine analyses {known}, not {activity.value!r}; analyse it with "
            "the hosted Guru API (set GURU_CLIENT_ID and GURU_CLIENT_SECRET)"
        )


def _checked_stride(stride: object) -> int:
    if isinstance(stride, bool) or not isinstance(stride, numbers.Integral) or stride < 1:
        raise InvalidInputError(f"stride must be a whole number, 1 or more, got {stride!r}")
    return int(stride)


def _video_reason(exc: InvalidInputError) -> str:
    reason = getattr(exc, "reason", None)  # an InvalidVideoError's reason follows "it"
    return f"the upload is not a usable video: it {reason}" if reason else f"{exc}"
