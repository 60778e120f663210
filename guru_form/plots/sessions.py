"""One metric compared across sessions, athletes or sets."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb

from guru_form.errors import InvalidInputError
from guru_form.metrics import (
    ANALYSIS_TYPES,
    REP,
    Threshold,
    axis_label,
    format_range,
    require_columns,
    unit_of,
)
from guru_form.plots._style import (
    SERIES_COLORS,
    TARGET_COLOR,
    THRESHOLD_COLOR,
    legend,
    new_axes,
    no_data,
    rep_axis,
    style_axes,
)

__all__ = ["plot_session_comparison"]


def _values_by_session(frame: pd.DataFrame, column: str, key: str) -> pd.DataFrame:
    """``key``, ``rep``, ``value`` rows for ``column`` from a long or a wide combined frame."""
    require_columns(frame, [key, REP], "plot_session_comparison")
    if "analysis_type" in frame.columns and "value" in frame.columns:
        types = sorted({str(t) for t in frame["analysis_type"].unique()})
        if len(frame) and column not in types:
            raise InvalidInputError(f"no analysis_type {column!r} in the frame; it has {types}")
        rows = frame.loc[frame["analysis_type"].astype(str) == column, [key, REP, "value"]]
    else:
        require_columns(frame, [column], "plot_session_comparison")
        rows = frame[[key, REP, column]].rename(columns={column: "value"})
    out: pd.DataFrame = rows.dropna(subset=["value"])
    return out


def plot_session_comparison(
    frame: pd.DataFrame,
    column: str,
    *,
    key: str = "session",
    kind: Literal["box", "line"] = "box",
    target: tuple[float, float] | None = None,
    ax: Axes | None = None,
    colors: tuple[str, ...] = SERIES_COLORS,
    target_color: str = TARGET_COLOR,
    label: str | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (7.5, 4.4),
) -> Axes:
    """Compare one metric across sessions, athletes or sets.

    Parameters
    ----------
    frame
        A frame from :func:`guru_form.tables.combine`, long or wide (``wide=True`` also gives the
        tempo columns ``duration_s``, ``eccentric_s``, ``concentric_s``).
    column
        The analysisType (or wide column) to compare.
    key
        The label column (``combine``'s ``key``).
    kind
        ``"box"``: one box per label, with every rep as a dot and the mean as a white diamond;
        ``"line"``: the metric per rep, one line per label (how each set drifted).
    target
        ``(low, high)`` in the metric's unit: a shaded band.
    ax
        Axes to draw on; a new figure when None.
    colors
        Colours of the labels, in order (colour-blind-safe Okabe-Ito by default).
    target_color
        Colour of the target band.
    label
        The y-axis label (default: the metric's name and unit).
    title
        The title (default ``"<metric> by <key>"``; ``""`` for none).
    figsize
        Size of the new figure when ``ax`` is None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from guru_form.tables import combine
    >>> from guru_form.tables.examples import example_sessions
    >>> ax = plot_session_comparison(combine(example_sessions()), "HIP_KNEE_ANGLE_DEGREES")
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Week 1', 'Week 2', 'Week 3', 'Week 4']
    """
    if kind not in ("box", "line"):
        raise InvalidInputError(f"kind must be 'box' or 'line', not {kind!r}")
    rows = _values_by_session(frame, column, key)
    labels = (
        list(frame[key].cat.categories)
        if isinstance(frame[key].dtype, pd.CategoricalDtype)
        else list(pd.unique(frame[key]))
    )
    ax = new_axes(ax, figsize)
    style_axes(ax)
    if target is not None:
        low, high = sorted(target)
        ax.axhspan(
            low,
            high,
            color=target_color,
            alpha=0.12,
            lw=0,
            label=f"Target {format_range(Threshold(low, high), unit_of(column))}",
        )
    groups = {lab: rows.loc[rows[key] == lab] for lab in labels}
    if kind == "box":
        positions = np.arange(1, len(labels) + 1)
        data = [g["value"].to_numpy(dtype=float) for g in groups.values()]
        if any(len(d) for d in data):
            boxes = ax.boxplot(
                [d if len(d) else [np.nan] for d in data],
                positions=positions,
                widths=0.55,
                patch_artist=True,
                showfliers=False,
                medianprops={"color": THRESHOLD_COLOR, "lw": 1.5},
            )
            rng = np.random.default_rng(0)
            for i, (patch, values) in enumerate(zip(boxes["boxes"], data, strict=True)):
                colour = colors[i % len(colors)]
                patch.set_facecolor((*to_rgb(colour), 0.22))
                patch.set_edgecolor(colour)
                patch.set_linewidth(1.5)
                jitter = rng.uniform(-0.12, 0.12, len(values))
                ax.scatter(positions[i] + jitter, values, s=18, color=colour, zorder=3)
                if len(values):
                    ax.scatter(
                        positions[i],
                        values.mean(),
                        marker="D",
                        s=42,
                        color="white",
                        edgecolors=THRESHOLD_COLOR,
                        zorder=4,
                        label="Mean" if i == 0 else "_nolegend_",
                    )
        else:
            no_data(ax)
        ax.set_xticks(positions, [str(lab) for lab in labels])
        ax.set_xlim(0.4, len(labels) + 0.6)
        if len(labels) > 6:
            ax.tick_params(axis="x", labelrotation=30)
        ax.set_xlabel(key.replace("_", " ").capitalize())
    else:
        for i, (lab, group) in enumerate(groups.items()):
            ordered = group.sort_values(REP)
            ax.plot(
                ordered[REP],
                ordered["value"],
                marker="o",
                ms=4.5,
                lw=1.6,
                color=colors[i % len(colors)],
                label=str(lab),
            )
        if rows.empty:
            no_data(ax)
        rep_axis(ax, rows[REP].to_numpy())
    known = ANALYSIS_TYPES.get(column)
    what = known.label if known is not None else axis_label(column).rsplit(" (", 1)[0]
    ax.set_ylabel(label or axis_label(column) if unit_of(column) else label or what)
    default_title = f"{what} by {key.replace('_', ' ')}"
    ax.set_title(default_title if title is None else title, loc="left", fontweight="bold")
    legend(ax, most_columns=5 if kind == "line" else 2)
    return ax
