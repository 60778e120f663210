"""The pose engine as the local server runs it: a picklable object with ``analyze()``.

The local server (``guru_form.server``) loads engines by name; ``"pose"`` is
``guru_form.pose.engine:PoseEngine``. It runs in a process pool or on Dask workers, so it holds
only plain settings and builds the pose model inside :meth:`PoseEngine.analyze`, which hands the
server's job an :class:`~guru_form.models.Analysis` carrying its pose track (the job stores both).

An upload that names no activity is tracked first, then
:func:`~guru_form.pose.recognition.recognize_activity` is asked which activity the track shows:
the analysis then carries :data:`RECOGNITION_FIELD` (``{"activity", "confidence"}``) in its
guru_form extension, ``raw["x-guru-form"]`` (:data:`~guru_form.pose.analysis.EXTENSION_KEY`), or, when it cannot tell, the engine raises an
:class:`~guru_form.errors.EngineError` with the code ``LOW_QUALITY_POSE_ESTIMATE`` and a message
saying to name the activity.
"""

from __future__ import annotations

import numbers
import os

from guru_form import activities
from guru_form.errors import EngineError, InvalidInputError, MissingDependencyError
from guru_form.models import Activity, Analysis, Domain, resolve_activity
from guru_form.pose import recognition
from guru_form.pose.analysis import (
    EXTENSION_KEY,
    analyze_track,
    analyze_video,
    check_person,
    estimate_track,
)
from guru_form.pose.analysis import _check_duration as check_duration
from guru_form.pose.estimator import DEFAULT_ESTIMATOR
from guru_form.pose.people import PersonSpec
from guru_form.pose_track import PoseTrack
from guru_form.video import VideoReader

__all__ = ["LOW_QUALITY_POSE_ESTIMATE", "RECOGNITION_FIELD", "PoseEngine"]

#: The field of the analysis's guru_form extension (``raw["x-guru-form"]``) saying which activity
#: was recognised, and how sure: ``{"activity": "squat", "confidence": 0.93}``.
RECOGNITION_FIELD = "recognizedActivity"
#: The API's failure code for "no confident pose", used when the activity cannot be told.
LOW_QUALITY_POSE_ESTIMATE = "LOW_QUALITY_POSE_ESTIMATE"


class PoseEngine:
    """Local pose analysis behind the Guru schema.

    Parameters
    ----------
    stride
        Analyse every ``stride``-th frame (2 is about 1.7x faster with the same accuracy on lifts).
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
            As given when the video was created. With no activity, the engine tracks the video
            and asks :func:`~guru_form.pose.recognition.recognize_activity` which it shows.
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
            ``raw["x-guru-form"]`` carries :data:`RECOGNITION_FIELD`.

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
            if act is None:
                analysis, recognized = self._recognized(video_path, rep_count, person, person_at_s)
            else:
                analysis = self._analysed(video_path, act, rep_count, person, person_at_s)
                recognized = None
        except (EngineError, MissingDependencyError):
            raise
        except InvalidInputError as exc:
            raise EngineError(_video_reason(exc)) from None
        if recognized is not None:
            raw = analysis.raw or analysis.to_json()
            extension = {**raw.get(EXTENSION_KEY, {}), RECOGNITION_FIELD: recognized.to_json()}
            analysis.raw = {**raw, EXTENSION_KEY: extension}
        return analysis

    def _analysed(
        self,
        video_path: str | os.PathLike[str],
        activity: Activity,
        rep_count: int | None,
        person: PersonSpec,
        person_at_s: float | None,
    ) -> Analysis:
        return analyze_video(
            video_path,
            activity,
            stride=self.stride,
            athlete_height_cm=self.athlete_height_cm,
            estimator=self.estimator,
            rep_count=rep_count,
            person=person,
            person_at_s=person_at_s,
        )

    def _recognized(
        self,
        video_path: str | os.PathLike[str],
        rep_count: int | None,
        person: PersonSpec,
        person_at_s: float | None,
    ) -> tuple[Analysis, recognition.RecognizedActivity]:
        """Track the video, recognise its activity, then find the reps of that activity."""
        track = self._track(video_path, person, person_at_s)
        recognized = recognition.recognize_activity(track)
        if recognized is None:
            names = ", ".join(p.name for p in activities.registered())
            raise EngineError(
                "the video names no activity, and the local pose engine could not tell which "
                f"activity it shows; create the video with its activity ({names}: "
                "activity=... in guru_form, 'activity' in the API)",
                code=LOW_QUALITY_POSE_ESTIMATE,
            )
        _check_analysed(recognized.activity)
        analysis = analyze_track(
            track,
            recognized.activity,
            athlete_height_cm=self.athlete_height_cm,
            rep_count=rep_count,
        )
        return analysis, recognized

    def _track(
        self, video_path: str | os.PathLike[str], person: PersonSpec, person_at_s: float | None
    ) -> PoseTrack:
        """The video's pose track, built with no activity (the checks of ``analyze_video``)."""
        with VideoReader(video_path) as reader:
            check_duration(reader.info)
            track = estimate_track(
                reader,
                None,
                stride=self.stride,
                estimator=self.estimator,
                person=person,
                person_at_s=person_at_s,
            )
        check_person(track)
        return track


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
