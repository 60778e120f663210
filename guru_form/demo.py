"""The ``guru-form demo`` job: the bundled sample videos, analysed end to end on the local server.

Starts the embedded local server (no credentials, no internet), uploads every sample video through
the real client with its activity only (never its true rep count, so the engine's count is its
own), waits for the analyses, and writes for each sample its analysis JSON, reps CSV,
dashboard chart, contact sheet and HTML report (:func:`guru_form.report.write_set_outputs`),
comparing each analysis with the sample's ground truth; then one ``report.html`` with every sample.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from guru_form.models import Analysis
from guru_form.tables.compare import RepComparison

__all__ = ["DemoResult", "DemoSample", "run_demo"]


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


@dataclass
class DemoResult:
    """What the demo did: where, with which engine, each sample's result, and the report of
    every sample (``report``)."""

    out_dir: Path
    engine: str
    server_url: str
    samples: list[DemoSample]
    report: Path | None = None


def run_demo(
    out_dir: str | os.PathLike[str] = "guru_form_output",
    *,
    engine: str = "auto",
    stride: int | None = None,
    names: list[str] | None = None,
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
    from guru_form.client import GuruClient
    from guru_form.report import build_report, write_set_outputs
    from guru_form.server.embedded import ensure_local_server

    say = log or (lambda _line: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    server = ensure_local_server(engine=engine, stride=stride)
    say(f"local server {server.url} (engine: {server.engine_label}, data in {server.data_dir})")
    chosen = names or samples.sample_names()
    results: list[DemoSample] = []
    with GuruClient.local(engine, stride=stride) as client:
        truths = {name: samples.sample_analysis(name) for name in chosen}
        uploads: dict[str, str] = {}
        for name in chosen:
            truth = truths[name]
            # No rep_count: the pose engine keeps at most that many reps, which would hide an
            # over-count. The engine's honest result is what is compared with the truth.
            uploads[name] = client.upload_video(
                samples.sample_path(name),
                activity=truth.activity,
                source="guru-form demo",
                progress=progress,
            )
            say(f"uploaded {name} as video {uploads[name]}")
        for name in chosen:
            analysis = client.wait_for_analysis(uploads[name], progress=progress)
            truth = truths[name]
            written = write_set_outputs(
                analysis,
                out / name,
                video=samples.sample_path(name),
                title=f"{name.replace('_', ' ').capitalize()} sample · {analysis.rep_count} reps",
                notes="guru-form demo: a synthetic sample video analysed on the local server.",
            )
            outputs = written.files
            say(f"wrote {name}: {', '.join(p.name for p in outputs.values())}")
            results.append(
                DemoSample(
                    name=name,
                    video=samples.sample_path(name),
                    analysis=analysis,
                    comparison=tables.compare_reps(analysis, truth),
                    outputs=outputs,
                )
            )
    complete = {s.name: s for s in results if "report" in s.outputs and s.analysis.reps}
    report = None
    if complete:
        report = build_report(
            {name.replace("_", " ").capitalize(): s.analysis for name, s in complete.items()},
            {name.replace("_", " ").capitalize(): s.video for name, s in complete.items()},
            out / "report.html",
            title="guru-form demo: the sample videos",
            notes=f"Analysed on the local server (engine: {server.engine_label}).",
        )
    return DemoResult(
        out_dir=out, engine=server.engine, server_url=server.url, samples=results, report=report
    )
