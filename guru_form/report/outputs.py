"""Everything about one analysed set, written to one folder.

``analysis.json`` (the Guru JSON, reloadable with ``Analysis.load``), ``reps.csv`` (one row per rep,
units under the header, with the report's flags), ``dashboard.png`` (the set on one page of charts),
``contact_sheet.png`` (every rep's start, turning point and end) and ``report.html``. This is what
``guru-form analyze`` and ``guru-form demo`` write for each video.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from guru_form.frames import contact_sheet_for
from guru_form.metrics import ThresholdLike
from guru_form.models import Analysis, Status
from guru_form.report.builder import build_report
from guru_form.report.charts import bounds_for
from guru_form.report.rules import apply_rules
from guru_form.report.thresholds import as_thresholds

__all__ = ["SetOutputs", "write_set_outputs"]


@dataclass
class SetOutputs:
    """The files written for one set, by kind.

    Attributes
    ----------
    folder
        Where they are.
    files
        ``json``, ``csv``, ``dashboard``, ``contact_sheet``, ``report`` -> path (only those
        written: a failed analysis has no CSV, charts or frames).
    """

    folder: Path
    files: dict[str, Path] = field(default_factory=dict)


def write_set_outputs(
    analysis: Analysis,
    folder: str | os.PathLike[str],
    *,
    video: str | os.PathLike[str] | None = None,
    title: str | None = None,
    athlete: str | None = None,
    notes: str | None = None,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    report: bool = True,
    video_name: str | None = None,
) -> SetOutputs:
    """Write one set's JSON, CSV, dashboard, contact sheet and report into ``folder``.

    Parameters
    ----------
    analysis
        The set.
    folder
        The output folder (created).
    video
        The analysed video, for the contact sheet and the report's frames.
    title, athlete, notes, thresholds
        As in :func:`~guru_form.report.build_report`; the thresholds also flag the CSV's reps
        and mark them on the dashboard.
    report
        Also write ``report.html``.
    video_name
        The video's name to show in the dashboard's, the contact sheet's and the report's
        titles instead of the file's own name (text only, see
        :func:`~guru_form.report.build_report`).

    Returns
    -------
    SetOutputs

    Examples
    --------
    >>> import guru_form as gf
    >>> out = write_set_outputs(
    ...     gf.sample_analysis("squat"), "out/squat", video=gf.sample_path("squat")
    ... )
    >>> sorted(out.files)
    ['contact_sheet', 'csv', 'dashboard', 'json', 'report']
    >>> out.files["csv"].as_posix()
    'out/squat/reps.csv'
    """
    import matplotlib.pyplot as plt

    from guru_form.plots import plot_dashboard
    from guru_form.tables import reps_frame, to_csv

    out = SetOutputs(Path(folder))
    out.folder.mkdir(parents=True, exist_ok=True)
    checks = as_thresholds(thresholds, analysis.activity)
    out.files["json"] = analysis.save(out.folder / "analysis.json")
    frame = reps_frame(analysis)
    if analysis.status is Status.COMPLETE and len(frame):
        frame, _ = apply_rules(frame, checks)
        out.files["csv"] = to_csv(frame, out.folder / "reps.csv")
        key = next((c for c in checks if c in frame.columns), None)
        bounds = bounds_for(checks[key]) if key is not None else {}
        count = len(frame)
        name = video_name or (Path(video).name if video is not None else analysis.video_id or "set")
        figure = plot_dashboard(
            frame,
            metric=key,
            title=title or f"{name} · {count} rep{'s' if count != 1 else ''}",
            **bounds,  # type: ignore[arg-type]
        )
        try:
            out.files["dashboard"] = out.folder / "dashboard.png"
            figure.savefig(out.files["dashboard"], dpi=100)
        finally:
            plt.close(figure)
        if video is not None:
            out.files["contact_sheet"] = out.folder / "contact_sheet.png"
            contact_sheet_for(
                video,
                analysis,
                thresholds=checks,
                path=out.files["contact_sheet"],
                video_name=video_name,
            )
    if report:
        out.files["report"] = build_report(
            analysis,
            video,
            out.folder / "report.html",
            title=title,
            athlete=athlete,
            notes=notes,
            thresholds=checks,
            video_name=video_name,
        )
    return out
