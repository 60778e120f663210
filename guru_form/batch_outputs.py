"""Analyse videos and write everything about each set: the one path of the CLI, demo and panel.

Three steps, each usable alone:

1. :func:`analyse_video` / :func:`analyse_videos` (async): each :class:`~guru_form.video_inputs.VideoJob`
   through the client's cached upload-and-wait (:meth:`AsyncGuruClient.analyze
   <guru_form.client.AsyncGuruClient.analyze>`), velocities in m/s when the athlete's height is
   known, and what to tell about it (:func:`guru_form.set_review.review`). A video's failure is
   kept on its :class:`AnalyzedVideo`, never raised. The upload panel runs these on the
   notebook's loop.
2. :func:`write_outputs`: each analysed video's ``analysis.json``, ``reps.csv``, ``dashboard.png``,
   ``contact_sheet.png`` and ``report.html`` in a folder named after it
   (:func:`guru_form.report.write_set_outputs`), and the reports across videos, one activity at a
   time: ``report.html`` compares the videos when they show one activity; with several, it lists
   them (each in its own section, never compared) and ``report-<activity>.html`` compares the
   videos of each activity that has more than one.
3. :func:`run_jobs` and :func:`run_analyze` do both, on the hosted Guru API when
   ``GURU_CLIENT_ID`` / ``GURU_CLIENT_SECRET`` are set, else on guru_form's local server:
   ``guru-form analyze`` and ``guru-form demo`` are these.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from guru_form import activities
from guru_form.client._base import (
    DEFAULT_WAIT_TIMEOUT,
)
from guru_form.errors import AnalysisTimeoutError, GuruError, InvalidInputError
from guru_form.models import Activity, Analysis
from guru_form.report.outputs import SetOutputs
from guru_form.set_review import Notice, review
from guru_form.video_inputs import VideoJob, collect_videos

if TYPE_CHECKING:
    from guru_form.client import AnalyzeProgress, AsyncGuruClient

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_TIMEOUT",
    "AnalyzeResult",
    "AnalyzedVideo",
    "analyse_video",
    "analyse_videos",
    "check_athlete_height",
    "describe_failure",
    "folder_labels",
    "run_analyze",
    "run_jobs",
    "with_athlete_height",
    "write_outputs",
]

logger = logging.getLogger("guru_form.batch_outputs")

#: Videos uploaded and waited for at once.
DEFAULT_CONCURRENCY = 4
#: Seconds to wait for each analysis (the client's default; its polls' waits are the client's too).
DEFAULT_TIMEOUT = DEFAULT_WAIT_TIMEOUT

Log = Callable[[str], None]


@dataclass
class AnalyzedVideo:
    """One video's outcome: its analysis, what to tell about it and its files, or its error.

    Attributes
    ----------
    job
        The video and what was asked of it.
    label
        The name of its output folder (its file's stem, made safe and unique).
    analysis
        The analysis (None when it failed).
    notices
        What to tell about it (:func:`guru_form.set_review.review`).
    outputs
        Its files, once written.
    error
        Why it failed: a :class:`~guru_form.errors.GuruError` or ``OSError``, or (a bug) any
        other exception, which is also logged with its traceback.
    """

    job: VideoJob
    label: str = ""
    analysis: Analysis | None = None
    notices: list[Notice] = field(default_factory=list)
    outputs: SetOutputs | None = None
    error: Exception | None = None

    @property
    def path(self) -> Path:
        """The video file."""
        return self.job.path

    @property
    def empty(self) -> bool:
        """True when the analysis completed but found no reps."""
        return any(n.kind == "no_reps" for n in self.notices)

    @property
    def activity(self) -> Activity | None:
        """The activity it was analysed as (the recognised one when it was left to be)."""
        if self.analysis is not None and self.analysis.activity is not None:
            return self.analysis.activity
        return self.job.activity


@dataclass
class AnalyzeResult:
    """What a run did.

    Attributes
    ----------
    out_dir
        The output folder.
    where
        The server, in words (``the local server http://127.0.0.1:8123 (engine: pose)``).
    videos
        Every video, in the order given.
    report
        The report to open first: the one across videos (``report.html``), or the only
        video's own; None when nothing was analysed.
    reports
        Every report across videos: ``"all"`` -> ``report.html``, and for several activities
        each activity's name -> ``report-<activity>.html`` when it has more than one video.
    """

    out_dir: Path
    where: str
    videos: list[AnalyzedVideo] = field(default_factory=list)
    report: Path | None = None
    reports: dict[str, Path] = field(default_factory=dict)

    @property
    def failed(self) -> list[AnalyzedVideo]:
        """The videos that could not be analysed."""
        return [v for v in self.videos if v.error is not None]

    @property
    def empty(self) -> list[AnalyzedVideo]:
        """The videos analysed without finding a rep."""
        return [v for v in self.videos if v.empty]


def check_athlete_height(athlete_height_cm: object) -> float:
    """An athlete's height in centimetres, checked to be a human one.

    Raises
    ------
    InvalidInputError
        For a height that is not a number of centimetres a person can be tall.
    """
    low, high = activities.HUMAN_HEIGHT_CM
    if isinstance(athlete_height_cm, bool) or not (
        isinstance(athlete_height_cm, (int, float)) and low <= athlete_height_cm <= high
    ):
        raise InvalidInputError(
            f"the athlete's height must be in centimetres, {low:.0f} to {high:.0f}, "
            f"got {athlete_height_cm!r}"
        )
    return float(athlete_height_cm)


def with_athlete_height(analysis: Analysis, athlete_height_cm: float) -> Analysis:
    """The analysis with each rep's velocity in m/s instead of body heights per second.

    The local pose engine measures velocity in body heights per second (it cannot know the
    athlete's size); times the athlete's height, that is metres per second, as
    :func:`guru_form.pose.analyze_video` gives with ``athlete_height_cm``. An analysis without
    such velocities (the hosted API's) comes back as it is.

    Parameters
    ----------
    analysis
        The analysis (not changed).
    athlete_height_cm
        The athlete's standing height in centimetres.

    Raises
    ------
    InvalidInputError
        For a height that is not a human height in centimetres.
    """
    height = check_athlete_height(athlete_height_cm)
    metres, body_heights = activities.VELOCITY_TYPES
    reps = []
    for rep in analysis.reps:
        values = dict(rep.analyses)
        if body_heights in values:
            speed = values.pop(body_heights)
            values[metres] = activities.velocity_in_m_per_s(speed, height)
        reps.append(dataclasses.replace(rep, analyses=values))
    converted = dataclasses.replace(analysis, reps=reps)
    converted.pose_track = analysis.pose_track
    return converted


async def analyse_video(
    client: AsyncGuruClient,
    job: VideoJob,
    *,
    label: str = "",
    cache: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    poll_interval: float | None = None,
    max_poll_interval: float | None = None,
    progress: bool | AnalyzeProgress = True,
    athlete_height_cm: float | None = None,
    source: str | None = None,
) -> AnalyzedVideo:
    """Upload one video, wait for its analysis (cached), and review it.

    Parameters
    ----------
    client
        The client (hosted API or local server).
    job
        The video, its activity (None: recognised) and expected rep count (compared with the
        reps found; a different count is a notice).
    label
        Its output folder's name, kept on the result.
    cache
        False to upload and analyse afresh.
    timeout, poll_interval, max_poll_interval
        Seconds to wait for the analysis; the first and the longest wait between polls.
    progress
        True for bars named by the file, or an :class:`~guru_form.client.AnalyzeProgress`.
    athlete_height_cm
        The athlete's height: velocities in m/s (see :func:`with_athlete_height`).
    source
        The video's ``source`` field for the API.

    Returns
    -------
    AnalyzedVideo
        With ``analysis`` and ``notices``, or ``error`` (never raised).
    """
    out = AnalyzedVideo(job, label or job.path.stem)
    try:
        # The expected count is checked against what is found, not sent as the API's repCount
        # hint: the local pose engine reports at most that many reps, hiding an over-count.
        analysis = await client.analyze(
            job.path,
            activity=job.activity,
            source=source,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            progress=progress,
            cache=cache,
        )
        if athlete_height_cm is not None:
            analysis = with_athlete_height(analysis, athlete_height_cm)
    except Exception as error:  # one video's failure must not end the others
        if not isinstance(error, (GuruError, OSError)):
            logger.error("unexpected error analysing %s", job.path, exc_info=error)
        out.error = error
        return out
    out.analysis = analysis
    out.notices = review(analysis, asked=job.activity, rep_count=job.rep_count)
    return out


async def analyse_videos(
    client: AsyncGuruClient,
    jobs: Sequence[VideoJob],
    *,
    labels: Sequence[str] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_done: Callable[[AnalyzedVideo], object] | None = None,
    cache: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool = True,
    athlete_height_cm: float | None = None,
    source: str | None = None,
) -> list[AnalyzedVideo]:
    """:func:`analyse_video` for many videos, ``concurrency`` at a time.

    Parameters
    ----------
    labels
        Each video's output folder name (default: made from the file names, unique).
    on_done
        Called with each video's outcome as it finishes (an awaitable it returns is awaited).
    client, jobs, cache, timeout, progress, athlete_height_cm, source
        As for :func:`analyse_video`.

    Returns
    -------
    list of AnalyzedVideo
        In the order of ``jobs``.
    """
    if concurrency < 1:
        raise InvalidInputError(f"concurrency must be 1 or more, got {concurrency}")
    names = list(labels) if labels is not None else folder_labels([j.path for j in jobs])
    limit = asyncio.Semaphore(concurrency)

    async def one(job: VideoJob, label: str) -> AnalyzedVideo:
        async with limit:
            done = await analyse_video(
                client,
                job,
                label=label,
                cache=cache,
                timeout=timeout,
                progress=progress,
                athlete_height_cm=athlete_height_cm,
                source=source,
            )
        if on_done is not None:
            reply = on_done(done)
            if asyncio.iscoroutine(reply):
                await reply
        return done

    return list(await asyncio.gather(*(one(j, n) for j, n in zip(jobs, names, strict=True))))


def folder_labels(paths: Sequence[Path]) -> list[str]:
    """A folder name per video: its stem, made safe, numbered when two share one.

    Examples
    --------
    >>> folder_labels([Path("a/squat.mp4"), Path("b/squat.mp4"), Path("my set!.mov")])
    ['squat', 'squat-2', 'my_set']
    """
    taken: set[str] = set()
    out: list[str] = []
    for path in paths:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem).strip("._") or "video"
        label, n = base, 2
        while label in taken:
            label, n = f"{base}-{n}", n + 1
        taken.add(label)
        out.append(label)
    return out


def _write_video(
    video: AnalyzedVideo,
    out: Path,
    *,
    title: str | None,
    athlete: str | None,
    notes: str | None,
    pdf: bool,
) -> None:
    from guru_form.report import build_report, write_set_outputs

    assert video.analysis is not None
    folder = out / video.label
    video.outputs = write_set_outputs(
        video.analysis, folder, video=video.path, title=title, athlete=athlete, notes=notes
    )
    if pdf:
        video.outputs.files["pdf"] = build_report(
            video.analysis,
            video.path,
            folder / "report.pdf",
            title=title,
            athlete=athlete,
            notes=notes,
        )


def _write_across(
    videos: Sequence[AnalyzedVideo],
    out: Path,
    *,
    title: str | None,
    athlete: str | None,
    notes: str | None,
) -> dict[str, Path]:
    """The reports across videos: all of them, and each activity's when there are several."""
    from guru_form.report import build_report

    done = [v for v in videos if v.analysis is not None and v.error is None]
    if len(done) < 2:
        return {}

    def write(group: Sequence[AnalyzedVideo], path: Path) -> Path:
        return build_report(
            {v.label: v.analysis for v in group if v.analysis is not None},
            {v.label: v.path for v in group},
            path,
            title=title,
            athlete=athlete,
            notes=notes,
        )

    reports = {"all": write(done, out / "report.html")}
    groups: dict[str, list[AnalyzedVideo]] = {}
    for video in done:
        activity = video.activity
        groups.setdefault("unknown" if activity is None else str(activity), []).append(video)
    if len(groups) > 1:
        for name, group in groups.items():
            if len(group) > 1:
                reports[name] = write(group, out / f"report-{name}.html")
    return reports


def write_outputs(
    videos: Sequence[AnalyzedVideo],
    out_dir: str | os.PathLike[str],
    *,
    title: str | None = None,
    athlete: str | None = None,
    notes: str | None = None,
    pdf: bool = False,
) -> dict[str, Path]:
    """Write each analysed video's files and the reports across videos (see the module).

    Parameters
    ----------
    videos
        The outcomes; failed ones are skipped. Each one's ``outputs`` is filled in.
    out_dir
        The output folder (created).
    title, athlete, notes
        For the reports.
    pdf
        Also write each video's report as ``report.pdf``.

    Returns
    -------
    dict of str to Path
        The reports across videos (see :attr:`AnalyzeResult.reports`).
    """
    out = _output_folder(out_dir)
    for video in videos:
        if video.analysis is not None:
            _write_video(video, out, title=title, athlete=athlete, notes=notes, pdf=pdf)
    return _write_across(videos, out, title=title, athlete=athlete, notes=notes)


def _output_folder(out_dir: str | os.PathLike[str]) -> Path:
    out = Path(out_dir).expanduser()
    if out.exists() and not out.is_dir():
        raise InvalidInputError(
            f"{out}: the output folder is a file; choose a folder (it is created if missing)"
        )
    out.mkdir(parents=True, exist_ok=True)
    return out


def _where(engine: str, stride: int | None, hosted: bool | None, say: Log) -> tuple[bool, str]:
    """Whether the hosted API is used, and the server in words (starting the local one)."""
    if hosted is None:
        hosted = bool(os.environ.get("GURU_CLIENT_ID") and os.environ.get("GURU_CLIENT_SECRET"))
    if not hosted:
        from guru_form.server.embedded import ensure_local_server

        server = ensure_local_server(engine=engine, stride=stride)
        return False, f"the local server {server.url} (engine: {server.engine_label})"
    from guru_form.client import GuruClient

    with GuruClient() as client:
        where = f"the Guru API at {client.base_url}"
    if engine != "auto":
        say(f"note: --engine {engine} applies to the local server only; using {where}")
    if stride is not None:
        say(f"note: --stride {stride} applies to the local server only; using {where}")
    return True, where


def describe_failure(error: BaseException | None) -> str:
    """Why a video has no results, in words for someone running a command, not Python.

    Parameters
    ----------
    error
        :attr:`AnalyzedVideo.error`.
    """
    if isinstance(error, AnalysisTimeoutError):
        said = error.status and error.status != "Pending"
        status = f", the server said {error.status!r}" if said else ""
        return (
            f"not analysed within {error.waited_s:.0f} s, the time limit (video {error.video_id} "
            f"is uploaded{status})"
        )
    return str(error)


def _result_line(video: AnalyzedVideo, out: Path) -> str:
    if video.error is not None:
        return f"{video.job.name}: failed: {describe_failure(video.error)}"
    assert video.analysis is not None
    count = video.analysis.rep_count
    activity = video.activity
    what = f" ({activities.display_name(activity).lower()})" if activity is not None else ""
    return f"{video.job.name}: {count} rep{'s' if count != 1 else ''}{what} -> {out / video.label}"


def run_jobs(
    jobs: Sequence[VideoJob],
    *,
    out_dir: str | os.PathLike[str] = "guru_form_output",
    athlete: str | None = None,
    title: str | None = None,
    notes: str | None = None,
    engine: str = "auto",
    stride: int | None = None,
    pdf: bool = False,
    athlete_height_cm: float | None = None,
    cache: bool = True,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = DEFAULT_TIMEOUT,
    source: str | None = "guru-form",
    hosted: bool | None = None,
    progress: bool = True,
    log: Log | None = None,
) -> AnalyzeResult:
    """Analyse videos and write everything about each; the reports across them by activity.

    Everything that can be checked is checked before anything starts: the stride, the output
    folder, the athlete's height, each video (a file a video reader opens) and, with ``pdf``,
    that PDF reports can be made.

    Parameters
    ----------
    jobs
        The videos, each with its activity and expected rep count
        (:func:`guru_form.video_inputs.collect_videos` makes them from paths and folders).
    out_dir
        The output folder: one sub-folder per video, named after it.
    athlete, title, notes
        For the reports.
    engine
        The local server's engine (``auto``, ``pose``, ``reference``); ignored with credentials.
    stride
        The local pose engine analyses every ``stride``-th frame (None: every frame); ignored
        with credentials.
    pdf
        Also write each video's report as ``report.pdf`` (the ``pdf`` extra).
    athlete_height_cm
        The athlete's height: velocities in m/s instead of body heights per second.
    cache
        False to upload and analyse every video afresh.
    concurrency, timeout
        Videos in flight at once; seconds to wait for each analysis.
    source
        The videos' ``source`` field for the API.
    hosted
        True for the hosted Guru API, False for guru_form's local server; None: the hosted API
        when ``GURU_CLIENT_ID`` and ``GURU_CLIENT_SECRET`` are set.
    progress
        Show progress bars (named by file).
    log
        Called with a line of text for each step and each video's result (the CLI prints them).

    Returns
    -------
    AnalyzeResult
        Failed videos are in ``.failed`` with their error, those with no reps in ``.empty``.

    Raises
    ------
    InvalidInputError
        For bad input, before anything is sent.
    MissingDependencyError
        With ``pdf``, when PDF reports cannot be made here.
    """
    from guru_form.client import AsyncGuruClient
    from guru_form.client._validate import check_video_file
    from guru_form.server.engines import check_stride

    say = log or (lambda _line: None)
    check_stride(stride)
    if not jobs:
        raise InvalidInputError("give at least one video to analyse")
    if athlete_height_cm is not None:
        check_athlete_height(athlete_height_cm)
    for job in jobs:
        check_video_file(job.path)
    if pdf:
        from guru_form.report.pdf import _weasyprint

        _weasyprint()  # a missing extra is reported before any upload
    out = _output_folder(out_dir)
    hosted, where = _where(engine, stride, hosted, say)
    labels = folder_labels([j.path for j in jobs])
    say(f"analysing {len(jobs)} video{'s' if len(jobs) != 1 else ''} on {where}")
    result = AnalyzeResult(out_dir=out, where=where)
    # One video's files are written (charts, frames) while the others are still analysed,
    # one at a time, off the event loop.
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="guru_form-outputs")

    async def finished(video: AnalyzedVideo) -> None:
        if video.analysis is not None:
            write = functools.partial(
                _write_video, video, out, title=title, athlete=athlete, notes=notes, pdf=pdf
            )
            try:
                await asyncio.get_running_loop().run_in_executor(writer, write)
            except Exception as error:
                if not isinstance(error, (GuruError, OSError)):
                    logger.error("unexpected error writing %s", video.label, exc_info=error)
                video.error = error
        say(_result_line(video, out))
        for notice in video.notices:
            say(f"{notice.level}: {video.job.name}: {notice.text}")

    async def run() -> list[AnalyzedVideo]:
        client = AsyncGuruClient() if hosted else AsyncGuruClient.local(engine, stride=stride)
        async with client:
            return await analyse_videos(
                client,
                jobs,
                labels=labels,
                concurrency=concurrency,
                on_done=finished,
                cache=cache,
                timeout=timeout,
                progress=progress,
                athlete_height_cm=athlete_height_cm,
                source=source,
            )

    from guru_form.client.batch import run_sync

    try:
        result.videos = run_sync(run)
    finally:
        writer.shutdown()
    result.reports = _write_across(result.videos, out, title=title, athlete=athlete, notes=notes)
    if "all" in result.reports:
        result.report = result.reports["all"]
    else:
        written = [v.outputs for v in result.videos if v.outputs is not None]
        result.report = written[0].files.get("report") if len(written) == 1 else None
    return result


def run_analyze(
    videos: Sequence[str | os.PathLike[str]],
    *,
    activity: Activity | str | None = None,
    out_dir: str | os.PathLike[str] = "guru_form_output",
    rep_count: int | None = None,
    athlete: str | None = None,
    title: str | None = None,
    notes: str | None = None,
    engine: str = "auto",
    stride: int | None = None,
    pdf: bool = False,
    athlete_height_cm: float | None = None,
    cache: bool = True,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool = True,
    log: Log | None = None,
) -> AnalyzeResult:
    """``guru-form analyze``: videos and folders, each with its activity, analysed and written.

    Parameters
    ----------
    videos
        Video files and folders of videos, each optionally followed by ``:ACTIVITY`` (see
        :func:`guru_form.video_inputs.collect_videos`).
    activity
        The activity of the videos that name none (``"auto"`` to recognise it).
    rep_count
        The reps each video should hold; a video with another count gets a warning.
    out_dir, athlete, title, notes, engine, stride, pdf, athlete_height_cm, cache, concurrency,
    timeout, progress, log
        As for :func:`run_jobs`.

    Returns
    -------
    AnalyzeResult

    Raises
    ------
    InvalidInputError
        For bad input (a missing file, a folder with no videos, an unknown activity, a video
        with no activity, ...), before anything is sent.
    """
    say = log or (lambda _line: None)
    found = collect_videos(videos, activity=activity, rep_count=rep_count)
    for listing in found.folders:
        say(listing.summary())
    return run_jobs(
        found.jobs,
        out_dir=out_dir,
        athlete=athlete,
        title=title,
        notes=notes,
        engine=engine,
        stride=stride,
        pdf=pdf,
        athlete_height_cm=athlete_height_cm,
        cache=cache,
        concurrency=concurrency,
        timeout=timeout,
        progress=progress,
        log=log,
    )
