"""The ``guru-form demo`` job: the bundled sample videos, analysed end to end on the local server.

Starts the embedded local server (no credentials, no internet) and runs the sample videos through
the one analyse-and-write path of ``guru-form analyze`` (:func:`guru_form.batch_outputs.run_jobs`),
each with its activity only (never its true rep count, so the engine's count is its own). Then
each analysis is compared with the sample's ground truth, and :meth:`DemoResult.table` prints the
comparison, every number with its unit.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from guru_form.batch_outputs import DEFAULT_TIMEOUT, AnalyzedVideo, describe_failure
from guru_form.metrics import format_value, metric_label, unit_of
from guru_form.models import Analysis
from guru_form.tables.compare import RepComparison

__all__ = ["DemoResult", "DemoSample", "run_demo"]

#: The notes of each sample's report.
NOTES = "guru-form demo: a synthetic sample video analysed on the local server."


@dataclass
class DemoSample:
    """One sample's result.

    Attributes
    ----------
    name
        The sample's name (``squat``, ``push_up``, ...).
    video
        The sample video.
    analysis
        The analysis the server returned.
    comparison
        The analysis against the sample's ground truth.
    outputs
        What was written, by kind (``json``, ``csv``, ``dashboard``, ``contact_sheet``,
        ``report``).
    """

    name: str
    video: Path
    analysis: Analysis
    comparison: RepComparison
    outputs: dict[str, Path] = field(default_factory=dict)

    def errors(self) -> str:
        """The mean error of each measure, with its label and unit (``Knee angle 8.4°, ...``)."""
        errors = self.comparison.mean_abs_errors()
        parts = []
        for column, value in errors.items():
            name = str(column)
            if not name.endswith("_error") or math.isnan(float(value)):
                continue
            measure = name.removesuffix("_error")
            parts.append(f"{metric_label(measure)} {format_value(value, unit_of(measure))}")
        return ", ".join(parts) or "–"


@dataclass
class DemoResult:
    """What the demo did: where, with which engine, each sample's result, the report of every
    sample (``report``) and the samples that could not be analysed (``failed``)."""

    out_dir: Path
    engine: str
    server_url: str
    samples: list[DemoSample]
    report: Path | None = None
    failed: list[AnalyzedVideo] = field(default_factory=list)

    def table(self) -> str:
        """Each sample's reps found against its true reps, and its mean errors, with units."""
        lines = [f"{'sample':<12} {'reps':^10} {'turning point':>14}  mean error of each measure"]
        for sample in self.samples:
            comp = sample.comparison
            mid = comp.mean_abs_errors().get("mid_error_ms", float("nan"))
            lines.append(
                f"{sample.name:<12} {comp.found_count:>4} / {comp.reference_count:<3} "
                f"{format_value(mid, 'ms'):>14}  {sample.errors()}"
            )
        lines += [f"{v.job.name:<12} failed: {describe_failure(v.error)}" for v in self.failed]
        lines.append(
            "(reps: found / true; turning point: mean |found - true| of the bottom or lockout "
            "time; each measure: mean |found - true| over the reps found)"
        )
        return "\n".join(lines)


def run_demo(
    out_dir: str | os.PathLike[str] = "guru_form_output",
    *,
    engine: str = "auto",
    stride: int | None = None,
    names: list[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> DemoResult:
    """Analyse the sample videos on the embedded local server and write the results.

    Parameters
    ----------
    out_dir
        Output folder (created); one sub-folder per sample.
    engine
        The local server's engine: ``"auto"`` (the pose engine when the ``pose`` extra is
        installed, else the sample-video reference engine), ``"pose"`` or ``"reference"``.
    stride
        The pose engine analyses every ``stride``-th frame; None means every frame.
    names
        Which samples (default: all of :func:`guru_form.samples.sample_names`).
    timeout
        Seconds to wait for each analysis.
    progress
        Show tqdm bars for uploads and analyses.
    log
        Called with a line of text for each step (the CLI prints them).

    Returns
    -------
    DemoResult

    Raises
    ------
    InvalidInputError
        For a stride that is not a positive int, or one given for an engine without one (the
        reference engine), before the server starts.
    """
    import matplotlib

    matplotlib.use("Agg")

    from guru_form import samples, tables
    from guru_form.batch_outputs import run_jobs
    from guru_form.server.embedded import ensure_local_server
    from guru_form.server.engines import check_stride
    from guru_form.video_inputs import VideoJob

    say = log or (lambda _line: None)
    check_stride(stride)
    server = ensure_local_server(engine=engine, stride=stride)
    say(f"local server {server.url} (engine: {server.engine_label}, data in {server.data_dir})")
    chosen = names or samples.sample_names()
    truths = {name: samples.sample_analysis(name) for name in chosen}
    # No rep_count: the pose engine keeps at most that many reps, which would hide an
    # over-count. The engine's honest result is what is compared with the truth.
    jobs = [
        VideoJob(samples.sample_path(name), truths[name].activity, name=name) for name in chosen
    ]
    result = run_jobs(
        jobs,
        out_dir=out_dir,
        notes=NOTES,
        engine=engine,
        stride=stride,
        source="guru-form demo",
        hosted=False,
        timeout=timeout,
        progress=progress,
        log=say,
    )
    done = [
        DemoSample(
            name=video.job.name,
            video=video.path,
            analysis=video.analysis,
            comparison=tables.compare_reps(video.analysis, truths[video.job.name]),
            outputs=dict(video.outputs.files) if video.outputs is not None else {},
        )
        for video in result.videos
        if video.analysis is not None and video.error is None
    ]
    return DemoResult(
        out_dir=result.out_dir,
        engine=server.engine,
        server_url=server.url,
        samples=done,
        report=result.report,
        failed=result.failed,
    )
