"""One figure that tells the story of one set."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from guru_form.metrics import (
    ANALYSIS_TYPES,
    REP_COLUMNS,
    VELOCITY_COLUMNS,
    Threshold,
    format_value,
    frame_activity,
    key_metric,
    metric_label,
    unit_of,
)
from guru_form.models import Analysis
from guru_form.plots._style import MUTED_COLOR, Flags, activity_name
from guru_form.plots.markers import flag_label
from guru_form.plots.reps import plot_metric, plot_tempo, plot_velocity
from guru_form.plots.timeline import plot_timeline
from guru_form.tables.convert import reps_frame
from guru_form.tables.flags import borderline_column, flag_columns, unsure_column
from guru_form.tables.summary import set_summary, summarize

__all__ = ["plot_dashboard"]


def plot_dashboard(
    data: pd.DataFrame | Analysis,
    *,
    metric: str | None = None,
    target: tuple[float, float] | None = None,
    threshold: float | None = None,
    second_metric: str | None = None,
    loss_threshold: float | None = 20.0,
    flags: Flags = None,
    title: str | None = None,
    figsize: tuple[float, float] = (12.0, 9.0),
) -> Figure:
    """A one-page dashboard of one set: timeline, key metric, tempo, velocity, and the numbers.

    Panels: the reps over the video (top); the key metric per rep with its target and flags; the
    tempo per rep; velocity with loss (or, without a velocity column, a second metric); a table of
    the set's numbers (:func:`~guru_form.tables.set_summary` and the key metric's summary).

    Parameters
    ----------
    data
        A wide frame from :func:`guru_form.tables.reps_frame` (with any ``flag_*`` columns you
        added), or an :class:`~guru_form.models.Analysis`.
    metric
        The key metric (default: the activity's depth or lockout angle).
    target, threshold
        Drawn on the key metric's chart (see :func:`~guru_form.plots.plot_metric`).
    second_metric
        The metric of the fourth panel when the frame has no velocity column (default: the first
        other analysisType).
    loss_threshold
        Velocity-loss stop threshold in percent for the velocity panel (None for none).
    flags
        Which flag columns to mark (default: all).
    title
        The figure title (default: activity, rep count and video id).
    figsize
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from guru_form.tables.examples import example_analysis
    >>> fig = plot_dashboard(example_analysis("deadlift"), target=(170, 180))
    >>> len(fig.axes)
    5
    """
    frame = reps_frame(data) if isinstance(data, Analysis) else data
    fig = plt.figure(figsize=figsize, layout="constrained")
    grid = fig.add_gridspec(3, 2, height_ratios=[0.75, 1.0, 1.0])
    ax_time = fig.add_subplot(grid[0, :])
    ax_metric = fig.add_subplot(grid[1, 0])
    ax_tempo = fig.add_subplot(grid[1, 1])
    ax_fourth = fig.add_subplot(grid[2, 0])
    ax_table = fig.add_subplot(grid[2, 1])

    plot_timeline(frame, flags=flags, ax=ax_time, title="Reps over the video")
    key_metric = _choose(frame, metric)
    if key_metric is None:
        ax_metric.set_axis_off()
        ax_metric.text(0.5, 0.5, "No metric to show", ha="center", color=MUTED_COLOR)
    else:
        plot_metric(
            frame,
            key_metric,
            target=target,
            threshold=threshold,
            flags=flags,
            ax=ax_metric,
            title=f"{_label(key_metric)} per rep",
        )
    plot_tempo(frame, flags=flags, ax=ax_tempo, title="Tempo per rep")
    velocity = next((c for c in VELOCITY_COLUMNS if c in frame.columns), None)
    if velocity is not None:
        plot_velocity(
            frame,
            velocity,
            loss_threshold=loss_threshold,
            ax=ax_fourth,
            title="Velocity per rep",
        )
    else:
        other = second_metric or next(
            (
                c
                for c in frame.columns
                if c not in REP_COLUMNS and c in ANALYSIS_TYPES and c != key_metric
            ),
            None,
        )
        if other is None:
            ax_fourth.set_axis_off()
        else:
            plot_metric(
                frame, str(other), flags=flags, ax=ax_fourth, title=f"{_label(str(other))} per rep"
            )
    _numbers_table(ax_table, frame, key_metric, loss_threshold)

    activity = frame_activity(frame)
    if title is None:
        video = frame.attrs.get("video_id")
        title = f"{activity_name(activity)} · {len(frame)} rep{'s' if len(frame) != 1 else ''}"
        title += f" · video {video}" if video else ""
    fig.suptitle(title, fontsize="x-large", fontweight="bold", x=0.01, ha="left")
    return fig


def _label(column: str) -> str:
    return metric_label(column) if column in ANALYSIS_TYPES else column


def _choose(frame: pd.DataFrame, metric: str | None) -> str | None:
    if metric is not None:
        return metric
    try:
        return key_metric(frame)
    except ValueError:
        return None


def _numbers_table(
    ax: Axes, frame: pd.DataFrame, metric: str | None, loss_threshold: float | None
) -> None:
    """The set's numbers as a two-column table (the set's velocity loss read against the stop
    threshold: a loss past it never prints as equal to it)."""
    ax.set_axis_off()
    ax.set_title("The set in numbers", loc="left", fontweight="bold")
    row = set_summary(frame).iloc[0]
    s = unit_of("duration_s")
    lines: list[tuple[str, str]] = [
        ("Reps", f"{int(row['rep_count'])}"),
        ("Set duration (first rep to last)", format_value(row["set_duration_s"], s)),
        ("Time under tension", format_value(row["time_under_tension_s"], s)),
        ("Paused between reps", format_value(row["between_reps_s"], s)),
        (
            "Mean eccentric / concentric",
            f"{format_value(row['mean_eccentric_s'], s, with_unit=False)} / "
            f"{format_value(row['mean_concentric_s'], s)}",
        ),
    ]
    if "velocity_loss_percent" in row.index:
        stop = None if loss_threshold is None else Threshold(high=loss_threshold)
        loss = format_value(row["velocity_loss_percent"], "%", stop)
        lines.append(("Velocity loss (fastest to last rep)", loss))
    if metric is not None and metric in frame.columns:
        stats = summarize(frame, metrics=[metric]).iloc[0]
        unit = unit_of(metric)
        name = _label(metric)
        # The metric's name on a row of its own: a long one never runs into the value column.
        lines.append((name, ""))
        mean = format_value(stats["mean"], unit, with_unit=False)
        lines.append(("   mean ± sd", f"{mean} ± {format_value(stats['std'], unit)}"))
        lines.append(("   change per rep", format_value(stats["slope_per_rep"], unit, signed=True)))
    for column in flag_columns(frame):
        count = int(frame[column].sum())
        near, lost = borderline_column(column), unsure_column(column)
        borderline = int(frame[near].sum()) if near in frame.columns else 0
        unsure = int(frame[lost].sum()) if lost in frame.columns else 0
        text = (
            f"{count} of {len(frame)}"
            + (f", {borderline} borderline" if borderline else "")
            + (f", {unsure} unsure" if unsure else "")
        )
        lines.append((f"Flagged: {flag_label(column).lower()}", text))
    table = ax.table(
        cellText=[[a, b] for a, b in lines],
        colWidths=[0.68, 0.32],
        cellLoc="left",
        loc="upper left",
        edges="horizontal",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(10)
    table.scale(1.0, 1.45)
    for (_row, c), cell in table.get_celld().items():
        cell.set_edgecolor("#DDDDDD")
        if c == 1:
            cell.get_text().set_fontweight("bold")
