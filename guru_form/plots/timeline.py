"""The reps of one set laid out on the video's time axis."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from guru_form import activities
from guru_form.metrics import (
    END_MS,
    MID_MS,
    REP,
    START_MS,
    frame_activity,
    require_columns,
    unit_of,
)
from guru_form.plots._style import (
    CONCENTRIC_COLOR,
    ECCENTRIC_COLOR,
    MAX_LABELLED_REPS,
    MUTED_COLOR,
    THRESHOLD_COLOR,
    Flags,
    flag_lane,
    flag_styles,
    legend,
    new_axes,
    no_data,
    set_title,
    title_for,
)

__all__ = ["plot_timeline"]


def plot_timeline(
    frame: pd.DataFrame,
    *,
    flags: Flags = None,
    ax: Axes | None = None,
    eccentric_color: str = ECCENTRIC_COLOR,
    concentric_color: str = CONCENTRIC_COLOR,
    unknown_color: str = MUTED_COLOR,
    title: str | None = None,
    figsize: tuple[float, float] = (9.0, 3.2),
) -> Axes:
    """Each rep as a bar over the video's time axis, split into its two phases at the turning point.

    Eccentric (lowering) and concentric (lifting) spans are coloured as in
    :func:`~guru_form.plots.plot_tempo`; the gaps between bars are the pauses between reps. Rep
    numbers sit above the bars. The timeline measures when reps happen, so it marks no flag
    unless asked (``flags=True`` marks every flag, in the lane above the chart).

    Parameters
    ----------
    frame
        A wide frame from :func:`guru_form.tables.reps_frame` (one set).
    flags
        Flag columns to mark (see :func:`~guru_form.plots.plot_metric`); by default none.
    ax
        Axes to draw on; a new figure when None.
    eccentric_color, concentric_color, unknown_color
        Span colours (``unknown_color`` when the activity, hence the phase order, is unknown).
    title
        The title (default ``"<Activity> · Reps over the video"``; ``""`` for none).
    figsize
        Size of the new figure when ``ax`` is None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from guru_form.tables import reps_frame
    >>> from guru_form.tables.examples import example_analysis
    >>> ax = plot_timeline(reps_frame(example_analysis("push_up", reps=4)))
    >>> ax.get_xlabel(), ax.get_title(loc="left")
    ('Video time (s)', 'Push-up · Reps over the video')
    """
    require_columns(frame, [REP, START_MS, MID_MS, END_MS], "plot_timeline")
    styles = flag_styles(frame, flags, {START_MS, MID_MS, END_MS})
    data = frame.sort_values(START_MS, kind="stable")
    lane = 0.0
    ax = new_axes(ax, figsize)
    profile = activities.find(frame_activity(frame))
    lowers_first = None if profile is None else profile.lowers_first
    start = data[START_MS].to_numpy(dtype=float) / 1000.0
    mid = data[MID_MS].to_numpy(dtype=float) / 1000.0
    end = data[END_MS].to_numpy(dtype=float) / 1000.0
    reps = data[REP].to_numpy()
    bar_y, bar_h = 0.15, 0.5
    if len(data):
        first_colour, second_colour = (
            (eccentric_color, concentric_color)
            if lowers_first
            else (concentric_color, eccentric_color)
            if lowers_first is False
            else (unknown_color, unknown_color)
        )
        ax.broken_barh(
            list(zip(start, mid - start, strict=True)), (bar_y, bar_h), facecolors=first_colour
        )
        ax.broken_barh(
            list(zip(mid, end - mid, strict=True)), (bar_y, bar_h), facecolors=second_colour
        )
        ax.vlines(mid, bar_y, bar_y + bar_h, colors="white", lw=1.2)
        step = 1 if len(data) <= MAX_LABELLED_REPS else int(np.ceil(len(data) / MAX_LABELLED_REPS))
        for i, (s, e, r) in enumerate(zip(start, end, reps, strict=True)):
            if i % step == 0:
                ax.text(
                    (s + e) / 2,
                    bar_y + bar_h + 0.06,
                    str(int(r)),
                    ha="center",
                    va="bottom",
                    fontsize="small",
                    color=THRESHOLD_COLOR,
                )
        lane = flag_lane(ax, data, styles, (start + end) / 2)
        span = float(end.max() - min(start.min(), 0.0))
        ax.set_xlim(min(start.min(), 0.0) - 0.01 * span, end.max() + 0.02 * span)
    else:
        no_data(ax)
    ax.set_ylim(0, 0.95)
    ax.set_yticks([])
    for side in ("left", "top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(f"Video time ({unit_of('time_s')})")
    set_title(ax, title_for(frame, "Reps over the video", title), lane)
    if lowers_first is None:
        phases = [Patch(color=unknown_color, label="Rep (phase order unknown)")]
    else:
        phases = [
            Patch(color=eccentric_color, label="Eccentric (lowering)"),
            Patch(color=concentric_color, label="Concentric (lifting)"),
        ]
        if not lowers_first:  # a rep that lifts first: the legend reads in the bars' order
            phases.reverse()
    legend(ax, extra=phases if len(data) else ())
    return ax
