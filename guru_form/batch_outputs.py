"""The ``guru-form analyze`` job: analyse your videos and write everything about each set.

For every video: ``analysis.json``, ``reps.csv``, ``dashboard.png``, ``contact_sheet.png`` and
``report.html`` in a folder named after the video (see :mod:`guru_form.report.outputs`); with
several videos also one ``report.html`` comparing them. Videos go to the hosted Guru API when
``GURU_CLIENT_ID`` / ``GURU_CLIENT_SECRET`` are set, else to guru_form's local server.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from guru_form import activities
from guru_form.errors import GuruError, InvalidInputError, InvalidVideoError
from guru_form.models import Activity, Analysis, resolve_activity
from guru_form.report.outputs import SetOutputs

__all__ = ["AnalyzeResult", "AnalyzedVideo", "run_analyze"]


@dataclass
class AnalyzedVideo:
    """One video's outcome: its analysis and files, or the error that stopped it."""

    path: Path
    label: str
    analysis: Analysis | None = None
    outputs: SetOutputs | None = None
    error: GuruError | OSError | None = None


@dataclass
class AnalyzeResult:
    """What ``guru-form analyze`` did."""

    out_dir: Path
    where: str
    videos: list[AnalyzedVideo] = field(default_factory=list)
    report: Path | None = None

    @property
    def failed(self) -> list[AnalyzedVideo]:
        """The videos that could not be analysed."""
        return [v for v in self.videos if v.error is not None]


def _labels(paths: Sequence[Path]) -> list[str]:
    """A folder name per video: its stem, made safe, numbered when two share one."""
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


def run_analyze(
    videos: Sequence[str | os.PathLike[str]],
    *,
    activity: Activity | str,
    out_dir: str | os.PathLike[str] = "guru_form_output",
    rep_count: int | None = None,
    athlete: str | None = None,
    title: str | None = None,
    notes: str | None = None,
    engine: str = "auto",
    stride: int | None = None,
    pdf: bool = False,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> AnalyzeResult:
    """Analyse videos and write each one's JSON, CSV, dashboard, contact sheet and report.

    Parameters
    ----------
    videos
        The video files (checked before anything is sent).
    activity
        What each video shows (``squat``, ``deadlift``, ``bench_press``, ``push_up``).
    out_dir
        The output folder: one sub-folder per video, named after it.
    rep_count
        The expected number of reps per video, if known.
    athlete, title, notes
        For the reports.
    engine
        The local server's engine (``auto``, ``pose``, ``reference``); ignored with credentials.
    stride
        The local pose engine analyses every ``stride``-th frame (None: every frame); ignored
        with credentials.
    pdf
        Also write each report as ``report.pdf`` (needs the ``pdf`` extra).
    progress
        Show progress bars.
    log
        Called with a line of text for each step (the CLI prints them).

    Returns
    -------
    AnalyzeResult
        Failed videos are in ``.failed`` with their error; the others have their files.

    Raises
    ------
    InvalidInputError
        For bad input (no activity, no videos, a missing file, a stride that is not a positive
        int or is given for an engine without one), before anything is sent.
    """
    from guru_form.client import GuruClient
    from guru_form.report import build_report, write_set_outputs
    from guru_form.report.pdf import _weasyprint
    from guru_form.server.engines import check_stride

    say = log or (lambda _line: None)
    check_stride(stride)
    act, _ = resolve_activity(activity)
    if act is None:
        names = ", ".join(p.name for p in activities.registered())
        raise InvalidInputError(f"--activity is required: {names}")
    paths = [Path(v) for v in videos]
    if not paths:
        raise InvalidInputError("give at least one video to analyse")
    for path in paths:
        if not path.is_file():
            raise InvalidVideoError(path, "no such file")
    if pdf:
        _weasyprint()  # a missing extra is reported before any upload
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    labels = _labels(paths)

    hosted = bool(os.environ.get("GURU_CLIENT_ID") and os.environ.get("GURU_CLIENT_SECRET"))
    if hosted:
        client = GuruClient()
        where = f"the Guru API at {client.base_url}"
        if engine != "auto":
            say(f"note: --engine {engine} applies to the local server only; using {where}")
        if stride is not None:
            say(f"note: --stride {stride} applies to the local server only; using {where}")
    else:
        from guru_form.server.embedded import ensure_local_server

        server = ensure_local_server(engine=engine, stride=stride)
        client = GuruClient.local(engine, stride=stride)
        where = f"the local server {server.url} (engine: {server.engine_label})"
    say(f"analysing {len(paths)} video{'s' if len(paths) != 1 else ''} on {where}")
    result = AnalyzeResult(out_dir=out, where=where)
    with client:
        analyses: dict[Path, Analysis | GuruError | OSError] = {}
        if len(paths) == 1:
            try:
                analyses[paths[0]] = client.analyze(
                    paths[0], activity=act, rep_count=rep_count, progress=progress
                )
            except (GuruError, OSError) as error:
                analyses[paths[0]] = error
        else:
            batch = client.analyze_many(paths, activity=act, rep_count=rep_count, progress=progress)
            analyses.update(batch.succeeded)
            analyses.update({f.path: f.error for f in batch.failed})  # type: ignore[misc]
    for path, label in zip(paths, labels, strict=True):
        outcome = analyses.get(path)
        item = AnalyzedVideo(path, label)
        result.videos.append(item)
        if outcome is None or isinstance(outcome, Exception):
            item.error = outcome or InvalidInputError("the video was not analysed")
            say(f"{path.name}: failed: {item.error}")
            continue
        item.analysis = outcome
        item.outputs = write_set_outputs(
            outcome, out / label, video=path, title=title, athlete=athlete, notes=notes
        )
        if pdf:
            item.outputs.files["pdf"] = build_report(
                outcome, path, out / label / "report.pdf", title=title, athlete=athlete, notes=notes
            )
        say(f"{path.name}: {outcome.rep_count} reps -> {out / label}")
    done = {v.label: v for v in result.videos if v.analysis is not None}
    if len(done) > 1:
        result.report = build_report(
            {label: v.analysis for label, v in done.items() if v.analysis is not None},
            {label: v.path for label, v in done.items()},
            out / "report.html",
            title=title,
            athlete=athlete,
            notes=notes,
        )
    elif len(done) == 1:
        only = next(iter(done.values()))
        result.report = only.outputs.files.get("report") if only.outputs else None
    return result
