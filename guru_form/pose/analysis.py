"""From a video, or from a pose track of any source, to an :class:`~guru_form.models.Analysis`.

``estimate_track`` runs the pose model and builds the :class:`~guru_form.pose_track.PoseTrack`;
``analyze_track`` finds the reps (:mod:`guru_form.pose.segmentation`) and computes each rep's
analyses as the activity's profile defines them (:func:`guru_form.activities.rep_analyses`);
``analyze_video`` does both (estimate a track, then analyse it); ``analyze_videos`` does it for
many videos in a process pool.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np

from guru_form import activities
from guru_form.activities import ActivityProfile
from guru_form.errors import EngineError, GuruError, InvalidInputError, MissingDependencyError
from guru_form.joints import TRACK_JOINTS
from guru_form.kinematics import body_height_px
from guru_form.models import (
    EXTENSION_KEY,
    Activity,
    Analysis,
    Rep,
    Status,
    resolve_activity,
)
from guru_form.pose.confidence import assess
from guru_form.pose.counting import count_reps
from guru_form.pose.estimator import (
    DEFAULT_ESTIMATOR,
    EstimatorSpec,
    Progress,
    RawPose,
    estimate_video,
)
from guru_form.pose.people import PersonSpec, choose_person
from guru_form.pose.recognition import (
    RecognizedActivity,
    UnrecognizedActivityError,
    recognize,
)
from guru_form.pose.segmentation import RepWindow
from guru_form.pose.track import PoseTrack, build_track
from guru_form.pose.unsure import series_joints, unsure_metrics, unsure_warning
from guru_form.video import VideoInfo, VideoReader

__all__ = [
    "EXTENSION_KEY",
    "MIN_DURATION_S",
    "MIN_PERSON_FRACTION",
    "MIN_PERSON_SECONDS",
    "analyze_track",
    "analyze_video",
    "analyze_videos",
    "check_person",
    "estimate_track",
    "required_joints",
]


#: Videos shorter than this cannot hold a rep.
MIN_DURATION_S = 1.0
#: The athlete must be found on at least this fraction of the analysed frames ...
MIN_PERSON_FRACTION = 0.2
#: ... and for at least this long.
MIN_PERSON_SECONDS = 1.0

_FILMING_ADVICE = (
    "film the athlete's whole body from the side, in good light, with the camera still"
)


def _check_duration(info: VideoInfo) -> None:
    if info.duration_s < MIN_DURATION_S:
        raise EngineError(
            f"the video is only {info.duration_s:.1f} s long ({info.frame_count} frames); "
            f"a rep takes at least {MIN_DURATION_S:.0f} s: record the whole set"
        )


def check_person(pose: RawPose | PoseTrack) -> None:
    """Raise :class:`EngineError` when the athlete is found on too few frames to analyse.

    The video needs a person on at least :data:`MIN_PERSON_FRACTION` of the analysed frames and
    for at least :data:`MIN_PERSON_SECONDS`.

    Parameters
    ----------
    pose
        An estimator's raw output, or the pose track built from it.
    """
    if isinstance(pose, PoseTrack):
        found_on = pose.frame["person"].to_numpy(dtype=bool)
        fps, stride = pose.fps, pose.stride
    else:
        found_on, fps, stride = pose.person_found, pose.video.fps, pose.stride
    n = len(found_on)
    found = int(found_on.sum())
    if n == 0:
        raise EngineError("the video has no frames that could be decoded; export it again")
    if found == 0:
        raise EngineError(
            f"no person was found on any of the {n} analysed frames; {_FILMING_ADVICE}"
        )
    rate = fps / stride if fps > 0 else 30.0
    if found < MIN_PERSON_FRACTION * n or found < MIN_PERSON_SECONDS * rate:
        raise EngineError(
            f"a person was found on only {found} of {n} analysed frames "
            f"({100.0 * found / n:.0f} %); {_FILMING_ADVICE}"
        )


def required_joints(activity: Activity | str) -> tuple[str, ...]:
    """The joints (of the measured side) a pose track needs for this activity's reps.

    The joints of the angle that defines a rep, the joint whose height confirms it and marks the
    turning point, and the shoulder and hip for the posture check and the body's scale (see
    :attr:`guru_form.activities.ActivityProfile.rule`).

    Examples
    --------
    >>> required_joints("squat")
    ('shoulder', 'hip', 'knee', 'ankle')
    """
    rule = activities.get(activity).rule
    needed = set(series_joints(rule.signal)) | {rule.height_joint, "shoulder", "hip"}
    if rule.bottom_joint is not None:
        needed.add(rule.bottom_joint)
    return tuple(j for j in TRACK_JOINTS if j in needed)


def _check_joints(track: PoseTrack, activity: Activity) -> None:
    missing = [
        j
        for j in required_joints(activity)
        if not np.isfinite(track.frame[f"{j}_x"].to_numpy(dtype=float, na_value=np.nan)).any()
    ]
    if missing:
        where = f" ({track.source})" if track.source else ""
        given = track.extra.get("keypoints")
        told = f"; its keypoints: {', '.join(given.values())}" if given else ""
        raise InvalidInputError(
            f"the pose track{where} never has the {', '.join(missing)}: {activity.value} reps "
            f"are found from the {', '.join(required_joints(activity))}{told}. Map a keypoint to "
            f"it with aliases={{...}}, or use data that has it"
        )


def _recognized(track: PoseTrack) -> RecognizedActivity:
    """The activity the track shows; :class:`UnrecognizedActivityError` when it cannot tell."""
    found = recognize(track)
    if found.recognized is None:
        names = ", ".join(p.name for p in activities.registered())
        source = f" ({track.source})" if track.source else ""
        raise UnrecognizedActivityError(
            f"no activity was given and the local pose engine could not tell which one the "
            f"video{source} shows ({found.reason}); name the activity ({names}): "
            f"activity=... in guru_form, 'activity' in the API"
        )
    return found.recognized


def _recognition_sentence(recognized: RecognizedActivity) -> str:
    label = activities.display_name(recognized.activity)
    sentence = (
        f"No activity was given: recognised as {label.lower()} from the movement "
        f"(confidence {recognized.confidence:.2f})."
    )
    return f"{sentence} {recognized.note}" if recognized.note else sentence


def estimate_track(
    path: str | os.PathLike[str] | VideoReader,
    activity: Activity | str | None = None,
    *,
    stride: int = 1,
    estimator: EstimatorSpec = DEFAULT_ESTIMATOR,
    progress: Progress = None,
    person: PersonSpec = None,
    person_at_s: float | None = None,
) -> PoseTrack:
    """Run the pose model over a video and build its pose track.

    Parameters
    ----------
    path
        The video file, or an open :class:`~guru_form.video.VideoReader` (left open).
    activity
        Recorded on the track; needed later to find reps.
    stride
        Analyse every ``stride``-th frame (2 halves the time; gaps are interpolated).
    estimator
        A backend name (``"blazepose"``, the default, or ``"mediapipe"``) or a factory of
        :class:`~guru_form.pose.PoseEstimator`.
    progress
        ``True`` for a progress bar, or a callable ``(frames_done, frames_total)``.
    person, person_at_s
        Which person to measure when there are several (see :func:`analyze_video`); without
        an activity, the default is the person found on the most frames.

    Returns
    -------
    PoseTrack
        Even when no person is found (then every joint is missing). Its ``extra["person"]``
        says which person was measured and why.

    Raises
    ------
    InvalidVideoError
        When the file is not a readable video.
    MissingDependencyError
        When the ``pose`` extra is not installed.

    Examples
    --------
    >>> from guru_form import pose
    >>> t = pose.estimate_track("squat.mp4", activity="squat", stride=2)  # doctest: +SKIP
    >>> t.frame[["time_ms", "knee_angle"]].describe()  # doctest: +SKIP
    """
    raw = estimate_video(path, estimator=estimator, stride=stride, progress=progress)
    raw = choose_person(raw, activity, person, at_s=person_at_s)
    return build_track(raw, activity)


def analyze_track(
    pose_track: PoseTrack,
    activity: Activity | str | None = None,
    *,
    athlete_height_cm: float | None = None,
    rep_count: int | None = None,
) -> Analysis:
    """Find the reps in a pose track from any source and compute their analyses.

    Rep counting (:mod:`guru_form.pose.counting`), each rep's confidence and outlier mark
    (:mod:`guru_form.pose.confidence`), each rep's analyses and its velocity
    (:func:`guru_form.activities.rep_analyses`), and the values among them the engine is unsure
    of (:mod:`guru_form.pose.unsure`: :attr:`Rep.unsure <guru_form.models.Rep.unsure>`, in the
    analysis's guru_form extension), whether the track came from a video
    (:func:`estimate_track`) or from another tool (:meth:`PoseTrack.from_movement
    <guru_form.pose_track.PoseTrack.from_movement>` for DeepLabCut, SLEAP, LightningPose or
    NWB data, :meth:`PoseTrack.from_trc <guru_form.pose_track.PoseTrack.from_trc>` for
    Sports2D, Pose2Sim or OpenCap).

    Joints each activity needs (:func:`required_joints`, of the side facing the camera):

    ============  ==========================================  =================================
    activity      needed (else :class:`InvalidInputError`)    also used, when present
    ============  ==========================================  =================================
    squat         shoulder, hip, knee, ankle                  nose (velocity), heel/foot_index
    deadlift      shoulder, hip, knee                         ankle, nose (velocity), feet
    bench_press   shoulder, elbow, wrist, hip                 knee, ankle, nose (velocity)
    push_up       shoulder, elbow, wrist, hip                 ankle (body line), knee, nose
    ============  ==========================================  =================================

    What is missing costs what needs it: without the ankle no feet-drift check (a rep is not
    refused for a walking athlete) and no ``BODY_LINE_ANGLE_DEGREES``; without the nose, knee
    or ankle, no body height, so no velocity (``MEAN_CONCENTRIC_VELOCITY_*``); without the knee,
    no hip angle; the heel and toes only help to choose the side facing the camera. A per-rep
    value whose joints are missing is left out of ``analyses``.

    Parameters
    ----------
    pose_track
        From :func:`estimate_track`, or from another tool (see above).
    activity
        Defaults to the track's activity; with neither, the activity is recognised from the
        movement (:mod:`guru_form.pose.recognition`): the analysis then has its
        ``activity_confidence`` and a first warning that says so (and which of two activities
        that move alike it assumed).
    athlete_height_cm
        The athlete's standing height: velocities in m/s instead of body heights per second.
    rep_count
        The number of reps the video holds, if known (see
        :func:`~guru_form.pose.counting.count_reps`).

    Returns
    -------
    Analysis
        Status ``Complete``, with the track attached as ``pose_track``.

    Raises
    ------
    InvalidInputError
        A joint the activity needs is never in the track.
    UnrecognizedActivityError
        No activity was given and none could be recognised (the message says why, and to name
        it).
    """
    act, domain = resolve_activity(activity or pose_track.activity)
    recognized: RecognizedActivity | None = None
    if act is None:
        recognized = _recognized(pose_track)
        act, domain = resolve_activity(recognized.activity)
    assert act is not None
    profile = activities.get(act)
    _check_joints(pose_track, act)
    if athlete_height_cm is not None and not 50.0 <= athlete_height_cm <= 260.0:
        raise GuruError(
            f"athlete_height_cm={athlete_height_cm} is not a human height; give it in centimetres"
        )
    frame = pose_track.frame
    time_ms = frame["time_ms"].to_numpy(dtype=np.float64)
    series = pose_track.series()
    joints = pose_track.joints()
    counted = count_reps(act, pose_track, rep_count=rep_count)
    judged = assess(
        counted, pose_track, profile.rule.signal, min_duration_s=profile.rule.min_duration_s
    )
    sides = list(frame["side"])
    visibility = _visibility(pose_track)
    reps = []
    for window, confidence, outlier in zip(
        judged.reps, judged.confidences, judged.outliers, strict=True
    ):
        rep = _rep(profile, window, series, joints, sides, time_ms, athlete_height_cm)
        unsure = unsure_metrics(
            profile, rep.analyses, series, visibility, time_ms, window.start, window.mid, window.end
        )
        reps.append(dataclasses.replace(rep, confidence=confidence, outlier=outlier, unsure=unsure))
    pose_track.activity = act
    analysis = Analysis(
        video_id=None,
        status=Status.COMPLETE,
        domain=domain,
        activity=act,
        reps=reps,
        warnings=judged.warnings,
        activity_confidence=None if recognized is None else recognized.confidence,
    )
    lost = unsure_warning([rep.unsure for rep in reps])
    if lost is not None:
        analysis.warnings.append(lost)
    if recognized is not None:
        analysis.warnings.insert(0, _recognition_sentence(recognized))
    analysis.raw = analysis.to_json()
    measured = pose_track.extra.get("person")
    if measured:
        analysis.raw[EXTENSION_KEY] = {**analysis.raw.get(EXTENSION_KEY, {}), "person": measured}
    analysis.pose_track = pose_track
    return analysis


def _visibility(track: PoseTrack) -> dict[str, Any]:
    """Per joint, the model's visibility on each frame; only the joints whose source gives one
    (a track from another tool may have none: its values are then not checked for hidden joints)."""
    out = {}
    for joint in TRACK_JOINTS:
        column = f"{joint}_visibility"
        if column in track.frame:
            seen = track.frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
            if np.isfinite(seen).any():
                out[joint] = seen
    return out


def _rep(
    profile: ActivityProfile,
    window: RepWindow,
    series: dict[str, Any],
    joints: dict[str, Any],
    sides: list[Any],
    time_ms: Any,
    athlete_height_cm: float | None,
) -> Rep:
    height = body_height_px(joints)
    analyses = activities.rep_analyses(
        profile,
        series,
        window.start,
        window.mid,
        window.end,
        time_s=np.asarray(time_ms) / 1000.0,
        moving_joint_y=joints[profile.moving_joint][:, 1],
        body_height=height if np.isfinite(height) and height > 0 else None,
        athlete_height_cm=athlete_height_cm,
        joints=joints,
        sides=sides,
    )
    return Rep(
        start_ms=round(float(time_ms[window.start])),
        mid_ms=round(float(time_ms[window.mid])),
        end_ms=round(float(time_ms[window.end])),
        analyses=analyses,
    )


def analyze_video(
    path: str | os.PathLike[str],
    activity: Activity | str | None = None,
    *,
    stride: int = 1,
    athlete_height_cm: float | None = None,
    progress: Progress = None,
    estimator: EstimatorSpec = DEFAULT_ESTIMATOR,
    rep_count: int | None = None,
    person: PersonSpec = None,
    person_at_s: float | None = None,
) -> Analysis:
    """Analyse a workout video locally, with no account and no network.

    Parameters
    ----------
    path
        The video file.
    activity
        An activity with a profile in :mod:`guru_form.activities` (``squat``, ``deadlift``,
        ``bench_press``, ``push_up``, ...). None: recognised from the movement (see
        :func:`analyze_track`).
    stride
        Analyse every ``stride``-th frame.
    athlete_height_cm
        The athlete's height: velocities in m/s instead of body heights per second.
    progress
        ``True`` for a progress bar, or a callable ``(frames_done, frames_total)``.
    estimator
        The pose backend (see :func:`estimate_track`).
    rep_count
        The number of reps the video holds, if known.
    person
        With several people in view, who is the athlete. By default, the person who does the
        most of the activity's movement (:func:`guru_form.pose.people.activity_movement`). Or:
        an index (people on the frame counted from 0, left to right, as
        :func:`guru_form.frames.show_people` numbers them), an ``(x, y)`` position or an
        ``(x0, y0, x1, y1)`` box in pixels, on the frame at ``person_at_s``.
    person_at_s
        The time (seconds) of the frame ``person`` refers to; default: the first frame on which
        anyone is found.

    Returns
    -------
    Analysis
        Status ``Complete``, its domain, activity and reps in the Guru schema; the pose track is
        attached as ``pose_track`` (``frames`` draws skeletons from it). Which person was
        measured, and why, is in ``analysis.raw["x-guru-form"]["person"]`` and in the track's
        ``extra["person"]``.

    Raises
    ------
    InvalidVideoError
        When the file is not a readable video (missing, empty, a still image, ...).
    UnsupportedActivityError
        When the activity has no profile (checked before the video is read).
    EngineError
        When the video is shorter than :data:`MIN_DURATION_S`, the athlete is found on too
        few frames (the message says on how many), or no activity was given and none could be
        recognised.
    InvalidInputError
        For a ``person`` that does not name anyone found (the message lists who was found).
    MissingDependencyError
        When the ``pose`` extra is not installed.

    Examples
    --------
    >>> from guru_form import pose
    >>> analysis = pose.analyze_video("squat.mp4", "squat", athlete_height_cm=178)  # doctest: +SKIP
    >>> analysis.to_frame()  # doctest: +SKIP
    >>> found = pose.analyze_video("unknown.mp4")  # doctest: +SKIP
    >>> found.activity, found.activity_confidence  # doctest: +SKIP
    (<Activity.DEADLIFT: 'deadlift'>, 0.98)
    >>> two = pose.analyze_video("gym.mp4", "squat", person=(850, 400))  # the one at x=850, y=400  # doctest: +SKIP
    >>> two.raw["x-guru-form"]["person"]["rule"]  # doctest: +SKIP
    'position'
    """
    act, _ = resolve_activity(activity)
    if act is not None:
        activities.get(act)
    if stride < 1:
        raise GuruError(f"stride must be 1 or more, got {stride}")
    with VideoReader(path) as reader:  # opened once: probed, then read frame by frame
        _check_duration(reader.info)
        pose_track = estimate_track(
            reader,
            act,
            stride=stride,
            estimator=estimator,
            progress=progress,
            person=person,
            person_at_s=person_at_s,
        )
    check_person(pose_track)
    return analyze_track(pose_track, act, athlete_height_cm=athlete_height_cm, rep_count=rep_count)


def _failed(activity: str, reason: str) -> Analysis:
    act, dom = resolve_activity(activity)
    return Analysis(video_id=None, status=Status.FAILED, domain=dom, activity=act, reason=reason)


def _crash_reason(exc: BaseException) -> str:
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return (
        f"the pose engine crashed on this video: {what}. The other videos are not affected; "
        f"run pose.analyze_video on this one alone to see the full error, and report it if "
        f"the video plays normally"
    )


def _analyze_or_fail(path: str, activity: str, options: dict[str, Any]) -> Analysis:
    """:func:`analyze_video` for the batch: every failure of this one video becomes ``Failed``.

    Only a missing extra is raised (it would fail every video alike).
    """
    try:
        return analyze_video(path, activity, **options)
    except MissingDependencyError:
        raise
    except GuruError as exc:
        return _failed(activity, str(exc))
    except Exception as exc:
        return _failed(activity, _crash_reason(exc))


def _share_cores(threads: int) -> None:
    """Pool worker initialiser: each worker's pose model uses its share of the cores."""
    from guru_form.pose.blazepose.runtime import THREADS_ENV

    os.environ.setdefault(THREADS_ENV, str(threads))


def _spawn_pool(max_workers: int | None) -> ProcessPoolExecutor:
    cpus = os.cpu_count() or 1
    workers = max_workers or cpus
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_share_cores,
        initargs=(max(1, cpus // workers),),
    )


def _alone(path: str, activity: str, options: dict[str, Any]) -> Analysis:
    """One video in a process of its own: a video that kills its process fails on its own."""
    pool = _spawn_pool(1)
    try:
        return pool.submit(_analyze_or_fail, path, activity, options).result()
    except BrokenProcessPool:
        return _failed(
            activity,
            "the pose engine's process died while analysing this video (a crash inside the pose "
            "model or too little memory). The other videos are not affected; check that the video "
            "plays normally, or re-encode it (e.g. as H.264 MP4) and try again",
        )
    finally:
        pool.shutdown()


def analyze_videos(
    paths: Iterable[str | os.PathLike[str]],
    activity: Activity | str | Sequence[Activity | str],
    *,
    stride: int = 1,
    athlete_height_cm: float | None = None,
    executor: Executor | None = None,
    max_workers: int | None = None,
    progress: bool = False,
    estimator: EstimatorSpec = DEFAULT_ESTIMATOR,
) -> list[Analysis]:
    """Analyse several videos in parallel; a video that cannot be analysed does not stop the rest.

    Parameters
    ----------
    paths
        The videos.
    activity
        One activity for all, or one per video.
    stride, athlete_height_cm, estimator
        As :func:`analyze_video` (a factory ``estimator`` must be picklable: a module-level
        function or class).
    executor
        Where to run: any :class:`concurrent.futures.Executor` (a process pool, a Dask
        ``distributed.Client.get_executor()``, ...). By default a process pool of
        ``max_workers`` processes (default: the number of CPUs) made and shut down here, whose
        pose models share the cores (each uses CPUs / workers threads). Its processes are
        started with ``spawn``: forking a process in which MediaPipe has run crashes the
        child, so give a ``fork`` pool only from a process that has not run it.
    progress
        Show a progress bar over videos.

    Returns
    -------
    list of Analysis
        In the order of ``paths``. A video that could not be analysed gives a ``Failed``
        analysis whose ``reason`` says why: no person, too short, not a video, the pose engine
        crashed on it (the exception's type and message), or its process died. A process that
        dies takes a process pool down with it: the videos that were still unfinished then run
        again one at a time, each in a fresh process, so only the video that kills its process
        fails. A job that another executor could not run (a Dask worker lost, ...) fails with
        the executor's error.

    Raises
    ------
    MissingDependencyError
        When the ``pose`` extra is not installed (every video would fail alike).
    GuruError
        For an unknown activity, or a number of activities that does not match the videos.

    Examples
    --------
    >>> from guru_form import pose
    >>> results = pose.analyze_videos(["a.mp4", "b.mp4"], "squat", stride=2)  # doctest: +SKIP
    >>> [a.status for a in results]  # doctest: +SKIP
    [<Status.COMPLETE: 'Complete'>, <Status.FAILED: 'Failed'>]
    """
    files = [os.fspath(Path(p)) for p in paths]
    if isinstance(activity, (str, Activity)):
        activities = [str(Activity(activity) if isinstance(activity, Activity) else activity)]
        activities *= len(files)
    else:
        activities = [str(a) for a in activity]
        if len(activities) != len(files):
            raise GuruError(
                f"got {len(activities)} activities for {len(files)} videos; give one per video"
            )
    for a in activities:
        resolve_activity(a)
    if stride < 1:
        raise GuruError(f"stride must be 1 or more, got {stride}")
    options: dict[str, Any] = {
        "stride": stride,
        "athlete_height_cm": athlete_height_cm,
        "estimator": estimator,
    }
    own = executor is None
    pool: Executor = executor or _spawn_pool(max_workers)
    bar: Any = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(files), unit="video", desc="pose")
    try:
        futures = [
            pool.submit(_analyze_or_fail, f, a, options)
            for f, a in zip(files, activities, strict=False)
        ]
        results: list[Analysis | None] = []
        for i, future in enumerate(futures):
            try:
                results.append(future.result())
            except MissingDependencyError:
                raise
            except BrokenProcessPool:
                results.append(None)  # a process died: run again below, alone
                continue
            except Exception as exc:  # the executor could not run the job
                why = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                results.append(
                    _failed(
                        activities[i],
                        f"the analysis job could not run ({why}); try this video again",
                    )
                )
            if bar is not None:
                bar.update(1)
        if any(r is None for r in results):
            if own:
                pool.shutdown()
            for i, result in enumerate(results):
                if result is None:
                    results[i] = _alone(files[i], activities[i], options)
                    if bar is not None:
                        bar.update(1)
        return [r for r in results if r is not None]  # none is None any more
    finally:
        if bar is not None:
            bar.close()
        if own:
            pool.shutdown()
