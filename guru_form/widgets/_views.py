"""What the panel shows for one analysed video: the rep table, the dashboard and the contact sheet.

Each function returns plain data (HTML text, PNG or JPEG bytes), so it can be tested without a
browser; the panel puts it into widgets.
"""

from __future__ import annotations

import html
import io
import os
from collections.abc import Mapping

import pandas as pd

from guru_form.analysis_types import unit_of
from guru_form.frames import contact_sheet_for
from guru_form.frames.annotate import Threshold
from guru_form.models import Analysis
from guru_form.report.charts import bounds_for
from guru_form.report.images import jpeg_bytes
from guru_form.report.rules import apply_rules, flag_labels, format_number, metric_label
from guru_form.tables import reps_frame
from guru_form.tables._schema import END_MS, MID_MS, START_MS

__all__ = ["contact_sheet_jpeg", "dashboard_png", "flagged_frame", "rep_table_html", "summary_html"]


def flagged_frame(
    analysis: Analysis, thresholds: Mapping[str, Threshold]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The rep frame with the report's checks as ``flag_*`` columns, and each flag's label."""
    frame, rules = apply_rules(reps_frame(analysis), thresholds)
    return frame, flag_labels(rules)


def summary_html(name: str, analysis: Analysis, frame: pd.DataFrame) -> str:
    """One line about the result: file, activity, reps and how many were flagged (escaped)."""
    flags = [c for c in frame.columns if str(c).startswith("flag_")]
    flagged = int(frame[flags].any(axis=1).sum()) if flags else 0
    activity = analysis.activity.value.replace("_", " ") if analysis.activity else "unknown"
    count = len(frame)
    parts = [
        f"<b>{html.escape(name)}</b>",
        html.escape(activity),
        f"{count} rep{'s' if count != 1 else ''}",
    ]
    if flags:
        parts.append(f"{flagged} flagged" if flagged else "none flagged")
    return " · ".join(parts)


def rep_table_html(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> str:
    """The rep table as escaped HTML: times in seconds, each metric with its unit in the header,
    a ⚑ in each flag's column (headed by its label from ``labels``)."""
    labels = labels or {}
    shown = frame.drop(columns=[MID_MS, END_MS], errors="ignore").copy()
    columns: dict[str, str] = {}
    for column in shown.columns:
        name = str(column)
        if name == START_MS:
            shown[column] = shown[column] / 1000.0
            columns[name] = "start (s)"
        elif name.startswith("flag_"):
            shown[column] = shown[column].map({True: "⚑", False: ""})
            columns[name] = "⚑ " + labels.get(name, name.removeprefix("flag_").replace("_", " "))
        elif name != "rep":
            unit = unit_of(name)
            label = metric_label(name).split(" (")[0]
            columns[name] = f"{label} ({unit})" if unit else label
            shown[column] = [format_number(v, unit, with_unit=False) for v in shown[column]]
    shown = shown.rename(columns=columns)
    if "start (s)" in shown.columns:
        shown["start (s)"] = [format_number(v, "s", with_unit=False) for v in shown["start (s)"]]
    table: str = shown.to_html(index=False, escape=True, border=0, na_rep="–")
    return f'<div style="overflow-x:auto">{table}</div>'


def dashboard_png(
    frame: pd.DataFrame,
    title: str,
    *,
    thresholds: Mapping[str, Threshold] | None = None,
    labels: Mapping[str, str] | None = None,
    dpi: int = 90,
) -> bytes:
    """The set's dashboard (:func:`guru_form.plots.plot_dashboard`) as PNG bytes, its key metric
    against its target from ``thresholds``, flags named by ``labels``.

    Call it from the thread that owns pyplot (the notebook's): the dashboard is a pyplot figure,
    closed before returning.
    """
    import matplotlib.pyplot as plt

    from guru_form.plots import plot_dashboard

    checks = thresholds or {}
    key = next((c for c in checks if c in frame.columns), None)
    bounds = bounds_for(checks[key]) if key is not None else {}
    figure = plot_dashboard(
        frame,
        metric=key,
        title=title,
        flags=dict(labels) if labels else None,
        **bounds,  # type: ignore[arg-type]
    )
    try:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    finally:
        plt.close(figure)
    return buffer.getvalue()


def contact_sheet_jpeg(
    video: str | os.PathLike[str], analysis: Analysis, thresholds: Mapping[str, Threshold]
) -> bytes:
    """The contact sheet of every rep as JPEG bytes (safe to call from a worker thread)."""
    sheet = contact_sheet_for(video, analysis, thresholds=thresholds, cell_width=320)
    return jpeg_bytes(sheet)
