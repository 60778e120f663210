"""``build_report``: one analysed set (or several sessions) as a self-contained HTML or PDF file."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeAlias

from guru_form.errors import InvalidInputError, InvalidVideoError
from guru_form.metrics import ThresholdLike
from guru_form.models import Analysis
from guru_form.report._files import write_atomically
from guru_form.report.content import SetSection, progress_section, set_section
from guru_form.report.render import ReportPage, render_html
from guru_form.report.thresholds import as_thresholds

__all__ = ["build_report", "report_html"]

PathLike: TypeAlias = "str | os.PathLike[str]"
Analyses: TypeAlias = "Analysis | Mapping[str, Analysis] | Sequence[Analysis]"
VideoPaths: TypeAlias = "str | os.PathLike[str] | Mapping[str, str | os.PathLike[str]] | None"
VideoNames: TypeAlias = "str | Mapping[str, str] | None"

HTML_SUFFIXES = (".html", ".htm")


def _labelled(data: Analyses) -> tuple[dict[str, Analysis], bool]:
    """``label -> Analysis`` and whether the caller gave several (a multi-session report)."""
    if isinstance(data, Analysis):
        return {"": data}, False
    if isinstance(data, Mapping):
        items = {str(label): analysis for label, analysis in data.items()}
    elif isinstance(data, Sequence):
        items = {f"Set {i}": analysis for i, analysis in enumerate(data, start=1)}
    else:
        raise InvalidInputError(
            "build_report needs an Analysis, a mapping label -> Analysis or a list of analyses, "
            f"got {type(data).__name__}"
        )
    if not items:
        raise InvalidInputError("build_report got no analyses; pass at least one")
    for label, analysis in items.items():
        if not isinstance(analysis, Analysis):
            raise InvalidInputError(
                f"{label!r} is a {type(analysis).__name__}, not an Analysis; load one with "
                "Analysis.load(path) or client.wait_for_analysis(video_id)"
            )
    return items, True


def _videos(video_path: VideoPaths, labels: list[str], several: bool) -> dict[str, Path | None]:
    videos: dict[str, Path | None] = dict.fromkeys(labels)
    if video_path is None:
        return videos
    if isinstance(video_path, Mapping):
        if not several:
            raise InvalidInputError(
                "video_path is a mapping but there is one analysis; pass the video's path"
            )
        unknown = sorted(set(map(str, video_path)) - set(labels))
        if unknown:
            raise InvalidInputError(
                f"video_path has labels with no analysis: {unknown}; the analyses are {labels}"
            )
        videos.update({str(k): Path(v) for k, v in video_path.items()})
    elif several:
        raise InvalidInputError(
            "several analyses need their videos as a mapping label -> video path "
            "(or video_path=None for a report without frames)"
        )
    else:
        videos[labels[0]] = Path(video_path)
    for path in videos.values():
        if path is not None and not path.is_file():
            raise InvalidVideoError(path, "no such file; pass the video the analysis was made from")
    return videos


def _video_names(video_name: VideoNames, labels: list[str], several: bool) -> dict[str, str | None]:
    """``label -> the video's name to show`` (None: the file's own name)."""
    names: dict[str, str | None] = dict.fromkeys(labels)
    if video_name is None:
        return names
    if isinstance(video_name, Mapping):
        if not several:
            raise InvalidInputError(
                "video_name is a mapping but there is one analysis; pass the video's name"
            )
        unknown = sorted(set(map(str, video_name)) - set(labels))
        if unknown:
            raise InvalidInputError(
                f"video_name has labels with no analysis: {unknown}; the analyses are {labels}"
            )
        names.update({str(k): str(v) for k, v in video_name.items()})
    elif not isinstance(video_name, str):
        raise InvalidInputError(
            f"video_name must be text (or a mapping label -> text), not {type(video_name).__name__}"
        )
    elif several:
        raise InvalidInputError(
            "several analyses need their video names as a mapping label -> name"
        )
    else:
        names[labels[0]] = video_name
    return names


def _default_title(items: Mapping[str, Analysis], several: bool) -> str:
    activities = {a.activity for a in items.values()}
    if len(activities) == 1 and None not in activities:
        name = str(next(iter(activities))).replace("_", " ")
        if several:
            return f"{name.capitalize()}: {len(items)} sessions"
        count = len(next(iter(items.values())).reps)
        return f"{name.capitalize()} set, {count} rep{'s' if count != 1 else ''}"
    return f"{len(items)} sets" if several else "Set report"


def report_html(
    analysis_or_analyses: Analyses,
    video_path: VideoPaths = None,
    *,
    title: str | None = None,
    athlete: str | None = None,
    notes: str | None = None,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    tempo_tolerance: float | None = 0.2,
    velocity_loss_limit: float | None = 20.0,
    video_name: VideoNames = None,
) -> str:
    """The report as an HTML string; see :func:`build_report` for the parameters."""
    items, several = _labelled(analysis_or_analyses)
    videos = _videos(video_path, list(items), several)
    names = _video_names(video_name, list(items), several)
    checks = {"tempo_tolerance": tempo_tolerance, "velocity_loss_limit": velocity_loss_limit}
    anchors = {"progress"}
    sets: list[SetSection] = []
    for label, analysis in items.items():
        sets.append(
            set_section(
                analysis,
                video=videos[label],
                video_name=names[label],
                thresholds=as_thresholds(thresholds, analysis.activity),
                label=label if several else None,
                anchors=anchors,
                **checks,
            )
        )
    progress = None
    if several:
        activities = {a.activity for a in items.values()}
        shared = as_thresholds(thresholds, next(iter(activities)) if len(activities) == 1 else None)
        progress = progress_section(items, shared, **checks)
    page = ReportPage(
        title=title if title is not None else _default_title(items, several),
        generated=_dt.datetime.now().astimezone().strftime("%Y-%m-%d\u00a0%H:%M"),
        sets=sets,
        progress=progress,
        athlete=athlete or None,
        notes=notes or None,
        facts=[("Sessions" if progress and progress.charts else "Sets", str(len(items)))]
        if several
        else [],
    )
    return render_html(page)


def build_report(
    analysis_or_analyses: Analyses,
    video_path: VideoPaths = None,
    path: PathLike = "report.html",
    *,
    title: str | None = None,
    athlete: str | None = None,
    notes: str | None = None,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    tempo_tolerance: float | None = 0.2,
    velocity_loss_limit: float | None = 20.0,
    video_name: VideoNames = None,
) -> Path:
    """Write a report of one set, or of one athlete's progress across sessions.

    One self-contained file: styles inline, charts and frames embedded as ``data:`` URIs, no
    scripts and nothing fetched from anywhere, so it opens offline, on a phone (the layout turns
    into one column) and prints cleanly (A4, each set on its own page). It holds the set summary,
    the flagged reps with the reason for each flag, the charts, a contact sheet of every rep's
    start, turning point and end (when the video is given), the full rep table, a summary of each
    metric across the set and what each number means. All text you pass is escaped.

    Parameters
    ----------
    analysis_or_analyses
        One :class:`~guru_form.models.Analysis` (a set report), or several sessions of one
        athlete as a mapping ``label -> Analysis`` (in the order to show them) or a list
        (labelled "Set 1", "Set 2", ...): a progress report, with a comparison across sessions
        first and then each session's own section.
    video_path
        The analysed video, for the contact sheet; for several analyses a mapping
        ``label -> video path`` (labels may be left out). None: no frames.
    path
        Where to write: ``*.html`` (or ``.htm``) for the web page, ``*.pdf`` for a PDF of the
        same content (needs the ``pdf`` extra, see :mod:`guru_form.report.pdf`).
    title, athlete, notes
        The report's title (default from the activity and rep count), the athlete's name and
        the coach's notes (line breaks are kept).
    thresholds
        Targets each rep is checked against: analysisType -> :class:`~guru_form.metrics.Threshold`
        or ``(low, high)``. Default: the activity's common standards
        (:data:`~guru_form.report.thresholds.DEFAULT_THRESHOLDS`); ``{}`` for none.
    tempo_tolerance
        Flag reps whose duration is more than this fraction off the set's median (None: off).
    velocity_loss_limit
        Flag reps slower than the set's fastest by more than this many percent (None: off).
    video_name
        The video's name as the athlete and coach know it, shown in the report's "Video" line
        and the contact sheet's title instead of the file's own name; for several analyses a
        mapping ``label -> name`` (labels may be left out). Use it when the file was saved
        under another name, such as an upload's temporary copy. Text only (escaped, never
        opened); None: the file's name.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InvalidInputError
        For an unknown file type or analyses and videos that do not match.
    InvalidVideoError
        When a video path does not exist.
    MissingDependencyError
        For a PDF when WeasyPrint or the system's Pango library is missing.

    Examples
    --------
    >>> import guru_form as gf
    >>> from guru_form.report import build_report
    >>> build_report(
    ...     gf.sample_analysis("squat"), gf.sample_path("squat"), "squat_report.html",
    ...     athlete="Sam", notes="Week 3, 80 % of 1RM.",
    ... )
    PosixPath('squat_report.html')

    A video kept under another name (here a copy named as the upload panel names one), shown
    under the name the coach gave it:

    >>> import shutil
    >>> copy = shutil.copy(gf.sample_path("squat"), "upload-001-3f9c0a1be27d.mp4")
    >>> report = build_report(
    ...     gf.sample_analysis("squat"), copy, "sam.html", video_name="Sam, week 3.mp4"
    ... )
    >>> text = report.read_text()
    >>> "Sam, week 3.mp4" in text, "upload-001" in text
    (True, False)

    Four sessions as a PDF (needs the ``pdf`` extra):

    >>> from guru_form.tables.examples import example_sessions
    >>> build_report(example_sessions("squat"), path="block.pdf")  # doctest: +SKIP
    PosixPath('block.pdf')
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (*HTML_SUFFIXES, ".pdf"):
        raise InvalidInputError(
            f"cannot write a report as {target.suffix or 'a file without a suffix'!r}; "
            "name it *.html or *.pdf"
        )
    if suffix == ".pdf":
        from guru_form.report.pdf import _weasyprint

        _weasyprint()  # a missing extra is reported before any work is done
    html = report_html(
        analysis_or_analyses,
        video_path,
        title=title,
        athlete=athlete,
        notes=notes,
        thresholds=thresholds,
        tempo_tolerance=tempo_tolerance,
        velocity_loss_limit=velocity_loss_limit,
        video_name=video_name,
    )
    if suffix == ".pdf":
        from guru_form.report.pdf import write_pdf

        return write_pdf(html, target)
    return write_atomically(target, html.encode("utf-8"))
