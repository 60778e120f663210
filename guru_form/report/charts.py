"""The charts of a report, drawn with :mod:`guru_form.plots` on figures of their own.

Figures are made with :class:`matplotlib.figure.Figure`, not ``pyplot``: nothing is registered
with pyplot, so building a report in a notebook (or a worker thread) never pops up or leaks figures.

Each chart is drawn twice: for a desktop's two columns (:data:`CHART_SIZE`), and for a phone
(:data:`NARROW_SIZE` with larger type, :data:`NARROW_FONT_PT`), which the page shows on screens up
to 600 CSS pixels wide. A picture shown ``w`` CSS pixels wide from a figure ``W`` inches wide
shows ``s``-point text ``s * w / (72 * W)`` pixels tall, whatever the resolution: at 4 inches,
14-point type and a phone's 342 pixels, the smallest labels (``x-small``, 0.69 of the type) are
11.5 pixels tall, against 4.4 pixels for the desktop drawing shrunk to a phone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import matplotlib
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
from guru_form.plots._style import fit_labels
from guru_form.report.images import Picture, figure_picture
from guru_form.report.rules import Rule

__all__ = ["NARROW_FONT_PT", "NARROW_SIZE", "bounds_for", "chart", "progress_charts", "set_charts"]

CHART_SIZE = (5.4, 3.4)
TIMELINE_SIZE = (5.4, 2.7)
#: A chart's size, and its type size, on a phone.
NARROW_SIZE = (4.0, 3.9)
NARROW_TIMELINE_SIZE = (4.0, 3.0)
NARROW_FONT_PT = 14.0


def _axes(size: tuple[float, float]) -> tuple[Figure, Axes]:
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def chart(
    draw: Callable[[Axes], object],
    alt: str,
    size: tuple[float, float] = CHART_SIZE,
    narrow_size: tuple[float, float] = NARROW_SIZE,
) -> Picture:
    """A chart drawn by ``draw(ax)`` for a desktop, with its phone drawing as ``narrow``.

    Parameters
    ----------
    draw
        Draws the chart on the axes it is given (a :mod:`guru_form.plots` function).
    alt
        The chart in words, for screen readers.
    size, narrow_size
        Figure sizes in inches; the narrow one is drawn with :data:`NARROW_FONT_PT` type.

    Returns
    -------
    Picture
    """
    figure, ax = _axes(size)
    draw(ax)
    fit_labels(ax)
    wide = figure_picture(figure, alt)
    with matplotlib.rc_context({"font.size": NARROW_FONT_PT}):
        figure, ax = _axes(narrow_size)
        draw(ax)
        fit_labels(ax)
        narrow = figure_picture(figure, alt)
    return replace(wide, narrow=narrow)


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
        The checks run: each chart marks the reps that failed (or are borderline or unsure on)
        its own check, with the flag's marker (:mod:`guru_form.plots.markers`), and no other.
    velocity_loss_limit
        The stop line of the velocity chart.
    """
    flag_of: dict[str, list[str]] = {}
    for rule in rules:
        if any(
            frame.get(column, pd.Series(False)).any()
            for column in (rule.flag, rule.borderline, rule.unsure)
        ):
            flag_of.setdefault(rule.column, []).append(rule.flag)
    pictures: list[Picture] = []
    metrics = [key_metric] if key_metric is not None else []
    metrics += [c for c in thresholds if c in frame.columns and c not in metrics]
    for column in metrics:
        label = metric_label(column)
        pictures.append(
            chart(
                lambda ax, column=column, label=label: plot_metric(  # type: ignore[misc]
                    frame,
                    column,
                    ax=ax,
                    title=f"{label} per rep",
                    flags=flag_of.get(column, False),
                    **bounds_for(thresholds.get(column)),  # type: ignore[arg-type]
                ),
                f"{label} of each rep",
            )
        )
    pictures.append(
        chart(
            lambda ax: plot_tempo(
                frame, flags=flag_of.get(DURATION_S, False), ax=ax, title="Tempo per rep"
            ),
            "Lowering and lifting time of each rep",
        )
    )
    velocity = next((c for c in VELOCITY_COLUMNS if c in frame.columns), None)
    if velocity is not None and frame[velocity].notna().any():
        pictures.append(
            chart(
                lambda ax: plot_velocity(
                    frame, velocity, loss_threshold=velocity_loss_limit, ax=ax, title="Velocity"
                ),
                "Mean concentric velocity and loss of each rep",
            )
        )
    pictures.append(
        chart(
            lambda ax: plot_timeline(frame, flags=False, ax=ax, title="Reps over the video"),
            "Each rep and its phases on the video's time axis",
            TIMELINE_SIZE,
            NARROW_TIMELINE_SIZE,
        )
    )
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
            pictures.append(
                chart(
                    lambda ax, kind=kind, title=title: plot_session_comparison(  # type: ignore[misc]
                        combined,
                        key_metric,
                        kind=kind,
                        target=target,
                        ax=ax,
                        title=f"{label}, {title}",
                    ),
                    f"{label} in each session, {title}",
                )
            )
    if combined[CONCENTRIC_S].notna().any():
        pictures.append(
            chart(
                lambda ax: plot_session_comparison(
                    combined, CONCENTRIC_S, kind="line", ax=ax, title="Lifting time, rep by rep"
                ),
                "Lifting (concentric) time of each rep by session",
            )
        )
    velocity = next((c for c in VELOCITY_COLUMNS if c in combined.columns), None)
    if velocity is not None and combined[velocity].notna().any():
        pictures.append(
            chart(
                lambda ax: plot_session_comparison(
                    combined, velocity, kind="box", ax=ax, title="Velocity by session"
                ),
                "Mean concentric velocity in each session",
            )
        )
    return pictures
