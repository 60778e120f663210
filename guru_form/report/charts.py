"""The charts of a report, drawn with :mod:`guru_form.plots` on figures of their own.

Figures are made with :class:`matplotlib.figure.Figure`, not ``pyplot``: nothing is registered
with pyplot, so building a report in a notebook (or a worker thread) never pops up or leaks figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from guru_form.metrics import (
    CONCENTRIC_S,
    DURATION_S,
    VELOCITY_COLUMNS,
    Threshold,
    metric_label,
)
from guru_form.plots import (
    plot_metric,
    plot_session_comparison,
    plot_tempo,
    plot_timeline,
    plot_velocity,
)
from guru_form.report.images import Picture, figure_picture
from guru_form.report.rules import Rule

__all__ = ["bounds_for", "progress_charts", "set_charts"]

CHART_SIZE = (5.4, 3.4)
TIMELINE_SIZE = (5.4, 2.7)


def _axes(size: tuple[float, float]) -> tuple[Figure, Axes]:
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def bounds_for(threshold: Threshold | None) -> dict[str, object]:
    """A threshold as the ``target`` band or ``threshold`` line of :func:`plot_metric` (and of
    :func:`~guru_form.plots.plot_dashboard`): ``{}``, ``{"target": (lo, hi)}`` or
    ``{"threshold": limit}``."""
    if threshold is None:
        return {}
    if threshold.low is not None and threshold.high is not None:
        return {"target": (threshold.low, threshold.high)}
    return {"threshold": threshold.low if threshold.low is not None else threshold.high}


def set_charts(
    frame: pd.DataFrame,
    key_metric: str | None,
    thresholds: Mapping[str, Threshold],
    rules: Sequence[Rule],
    *,
    velocity_loss_limit: float | None,
) -> list[Picture]:
    """The charts of one set: the key metric and every other checked metric per rep, the tempo,
    the velocity and the reps on the video's timeline.

    Parameters
    ----------
    frame
        The set's rep frame with its ``flag_*`` columns.
    key_metric
        The metric a coach looks at first (None when the set has no analysisType).
    thresholds
        Targets drawn on the metric charts.
    rules
        The checks run: each chart marks the reps that failed (or are borderline on) its own
        check, with the flag's marker (:mod:`guru_form.plots.markers`), and no other.
    velocity_loss_limit
        The stop line of the velocity chart.
    """
    flag_of: dict[str, list[str]] = {}
    for rule in rules:
        if frame[rule.flag].any() or frame.get(rule.borderline, pd.Series(False)).any():
            flag_of.setdefault(rule.column, []).append(rule.flag)
    pictures: list[Picture] = []
    metrics = [key_metric] if key_metric is not None else []
    metrics += [c for c in thresholds if c in frame.columns and c not in metrics]
    for column in metrics:
        label = metric_label(column)
        figure, ax = _axes(CHART_SIZE)
        plot_metric(
            frame,
            column,
            ax=ax,
            title=f"{label} per rep",
            flags=flag_of.get(column, False),
            **bounds_for(thresholds.get(column)),  # type: ignore[arg-type]
        )
        pictures.append(figure_picture(figure, f"{label} of each rep"))
    figure, ax = _axes(CHART_SIZE)
    plot_tempo(frame, flags=flag_of.get(DURATION_S, False), ax=ax, title="Tempo per rep")
    pictures.append(figure_picture(figure, "Lowering and lifting time of each rep"))
    velocity = next((c for c in VELOCITY_COLUMNS if c in frame.columns), None)
    if velocity is not None and frame[velocity].notna().any():
        figure, ax = _axes(CHART_SIZE)
        plot_velocity(frame, velocity, loss_threshold=velocity_loss_limit, ax=ax, title="Velocity")
        pictures.append(figure_picture(figure, "Mean concentric velocity and loss of each rep"))
    figure, ax = _axes(TIMELINE_SIZE)
    plot_timeline(frame, flags=False, ax=ax, title="Reps over the video")
    pictures.append(figure_picture(figure, "Each rep and its phases on the video's time axis"))
    return pictures


#: Session labels longer than this are shortened in chart legends and axes (not in tables).
MAX_CHART_LABEL = 24


def _short_labels(sessions: pd.Series) -> pd.Series:
    """The session column with labels cut to fit a legend; still distinct and in order."""
    categories = [str(c) for c in sessions.cat.categories]
    short: list[str] = []
    for label in categories:
        text = label if len(label) <= MAX_CHART_LABEL else label[: MAX_CHART_LABEL - 1] + "…"
        while text in short:
            text += "'"
        short.append(text)
    renamed: pd.Series = sessions.cat.rename_categories(short)
    return renamed


def progress_charts(
    combined: pd.DataFrame, key_metric: str | None, thresholds: Mapping[str, Threshold]
) -> list[Picture]:
    """Charts across sessions: the key metric (spread and rep by rep), the lifting time and the
    velocity, one colour per session.

    Parameters
    ----------
    combined
        ``combine(analyses, key="session", wide=True)``.
    key_metric
        The metric compared first (None: only tempo and velocity).
    thresholds
        Targets drawn as a band where both bounds are given.
    """
    combined = combined.assign(session=_short_labels(combined["session"]))
    pictures: list[Picture] = []
    if key_metric is not None and key_metric in combined.columns:
        label = metric_label(key_metric)
        threshold = thresholds.get(key_metric)
        target = (
            (threshold.low, threshold.high)
            if threshold is not None and threshold.low is not None and threshold.high is not None
            else None
        )
        for kind, title in (("box", "by session"), ("line", "rep by rep")):
            figure, ax = _axes(CHART_SIZE)
            plot_session_comparison(
                combined,
                key_metric,
                kind=kind,  # type: ignore[arg-type]
                target=target,
                ax=ax,
                title=f"{label}, {title}",
            )
            pictures.append(figure_picture(figure, f"{label} in each session, {title}"))
    if combined[CONCENTRIC_S].notna().any():
        figure, ax = _axes(CHART_SIZE)
        plot_session_comparison(
            combined, CONCENTRIC_S, kind="line", ax=ax, title="Lifting time, rep by rep"
        )
        pictures.append(figure_picture(figure, "Lifting (concentric) time of each rep by session"))
    velocity = next((c for c in VELOCITY_COLUMNS if c in combined.columns), None)
    if velocity is not None and combined[velocity].notna().any():
        figure, ax = _axes(CHART_SIZE)
        plot_session_comparison(combined, velocity, kind="box", ax=ax, title="Velocity by session")
        pictures.append(figure_picture(figure, "Mean concentric velocity in each session"))
    return pictures
