"""Per-rep charts of one set: a metric, the tempo, the velocity."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from guru_form import activities
from guru_form._deprecation import moved_names
from guru_form.metrics import (
    ANALYSIS_TYPES,
    CONCENTRIC_S,
    DURATION_S,
    ECCENTRIC_S,
    REP,
    VELOCITY_LOSS,
    Threshold,
    axis_label,
    format_bound,
    format_range,
    format_value,
    frame_activity,
    group_keys,
    key_metric,
    margin_of,
    require_columns,
    unit_of,
    unsure_of,
)
from guru_form.plots._style import (
    CONCENTRIC_COLOR,
    ECCENTRIC_COLOR,
    MAX_LABELLED_REPS,
    METRIC_COLOR,
    MUTED_COLOR,
    TARGET_COLOR,
    THRESHOLD_COLOR,
    Flags,
    flag_lane,
    flag_styles,
    headroom,
    legend,
    new_axes,
    no_data,
    rep_axis,
    room_above,
    set_title,
    sorted_reps,
    style_axes,
    title_for,
    value_labels,
)
from guru_form.plots.markers import UNSURE_COLOR, flag_marker
from guru_form.tables.flags import Margin
from guru_form.tables.velocity import Reference, counted_values, velocity_column, velocity_loss

__all__ = ["plot_metric", "plot_tempo", "plot_velocity"]

#: Bars past the velocity-loss stop line: the velocity-loss flag's colour.
VELOCITY_LOSS_COLOR = flag_marker("flag_velocity_loss").color


def _default_metric(frame: pd.DataFrame) -> str:
    """Deprecated: :func:`guru_form.metrics.key_metric`."""
    return key_metric(frame)


__getattr__ = moved_names(
    __name__, {"default_metric": ("guru_form.metrics.key_metric", lambda: _default_metric)}
)


def plot_metric(
    frame: pd.DataFrame,
    column: str | None = None,
    *,
    target: tuple[float, float] | None = None,
    threshold: float | None = None,
    flags: Flags = None,
    ax: Axes | None = None,
    color: str = METRIC_COLOR,
    target_color: str = TARGET_COLOR,
    threshold_color: str = THRESHOLD_COLOR,
    label: str | None = None,
    title: str | None = None,
    annotate: bool | None = None,
    figsize: tuple[float, float] = (7.0, 4.2),
) -> Axes:
    """One metric per rep, with an optional target band or threshold and the flagged reps marked.

    Parameters
    ----------
    frame
        A wide frame from :func:`guru_form.tables.reps_frame` (one set).
    column
        The column to plot; by default the activity's depth angle (squat: ``HIP_KNEE_ANGLE_DEGREES``;
        push-up, bench: ``ELBOW_ANGLE_DEGREES``) or lockout angle (deadlift).
    target
        ``(low, high)`` in the column's unit: drawn as a shaded band.
    threshold
        A single limit in the column's unit: drawn as a dashed line.
    flags
        Which ``flag_*`` columns to mark in the lane above the chart: None (default) the flags
        that judged this column (a depth flag on the depth chart, never a tempo flag), True
        every one in the frame, False none, a name, a list of names, or a mapping
        ``column -> legend label``. Each flag has its own marker and colour
        (:mod:`guru_form.plots.markers`); a borderline rep's marker is open.
    ax
        Axes to draw on; a new figure when None.
    color, target_color, threshold_color
        Colours of the series, the target band and the threshold line.
    label
        The y-axis label (default: the metric's name and unit).
    title
        The title (default ``"<Activity> · <metric> per rep"``; ``""`` for none).
    annotate
        Write each rep's value above its point (default: when there are at most 16 reps).
    figsize
        Size of the new figure when ``ax`` is None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from guru_form.tables import reps_frame, flag_depth
    >>> from guru_form.tables.examples import example_analysis
    >>> df = flag_depth(reps_frame(example_analysis("squat")), 0.0)
    >>> ax = plot_metric(df, target=(-15, 0))
    >>> ax.get_ylabel()
    'Squat depth (thigh vs horizontal) (deg)'
    """
    require_columns(frame, [REP], "plot_metric")
    column = column or key_metric(frame)
    require_columns(frame, [column], "plot_metric")
    styles = flag_styles(frame, flags, {column})
    data = sorted_reps(frame)
    ax = new_axes(ax, figsize)
    style_axes(ax)
    x = data[REP].to_numpy()
    y = data[column].to_numpy(dtype=float)
    known = ANALYSIS_TYPES.get(column)
    lane = 0.0

    unit = unit_of(column)
    # A value's label reads on the side of the band (or of the line) that the value is on.
    check = (
        Threshold(*sorted(target))
        if target is not None
        else Threshold(threshold, threshold)
        if threshold is not None
        else None
    )

    def fmt(value: float) -> str:
        return format_value(value, unit, check)

    if target is not None:
        low, high = sorted(target)
        ax.axhspan(
            low,
            high,
            color=target_color,
            alpha=0.18,
            lw=0,
            label=f"Target {format_range(Threshold(low, high), unit)}",
        )
    if threshold is not None:
        ax.axhline(
            threshold,
            color=threshold_color,
            lw=1.4,
            ls="--",
            label=f"Threshold {format_bound(threshold, unit)}",
        )
    if len(data):
        ax.plot(x, y, color=color, lw=1.6, marker="o", ms=6.5, zorder=3, label="_nolegend_")
        lost = unsure_of(data, column).notna().to_numpy(dtype=bool) & np.isfinite(y)
        if lost.any():  # the pose engine is unsure of these values: open grey points
            ax.plot(
                x[lost],
                y[lost],
                ls="none",
                marker="o",
                ms=6.5,
                mfc="white",
                mec=UNSURE_COLOR,
                mew=1.8,
                zorder=4,
                label=f"Unsure: pose lost ({_rep_count(int(lost.sum()))})",
            )
        lane = flag_lane(ax, data, styles, x)
        if annotate is None:
            annotate = len(data) <= MAX_LABELLED_REPS
        if annotate:
            rep_axis(ax, x)
            ax.margins(y=0.08)
            texts = [fmt(yi) if np.isfinite(yi) else "" for yi in y]
            room_above(ax, value_labels(ax, x, y, texts, rise=7, color=THRESHOLD_COLOR) + 2)
    else:
        no_data(ax)
    rep_axis(ax, x)
    ax.set_ylabel(label or axis_label(column))
    what = known.label if known is not None else axis_label(column).rsplit(" (", 1)[0]
    set_title(ax, title_for(frame, f"{what} per rep", title), lane)
    legend(ax)
    return ax


def _phase_order(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(column, legend label, colour) of the phases in the order they happen."""
    profile = activities.find(frame_activity(frame))
    ecc = (ECCENTRIC_S, "Eccentric (lowering)", ECCENTRIC_COLOR)
    con = (CONCENTRIC_S, "Concentric (lifting)", CONCENTRIC_COLOR)
    if profile is not None and not profile.lowers_first:
        return [con, ecc]
    return [ecc, con]


def plot_tempo(
    frame: pd.DataFrame,
    *,
    flags: Flags = None,
    ax: Axes | None = None,
    eccentric_color: str = ECCENTRIC_COLOR,
    concentric_color: str = CONCENTRIC_COLOR,
    unknown_color: str = MUTED_COLOR,
    show_median: bool = True,
    annotate: bool | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (7.0, 4.2),
) -> Axes:
    """Tempo per rep: stacked eccentric and concentric time, in the order the phases happen.

    Squat, bench press and push-up stack eccentric (lowering) under concentric (lifting); the
    deadlift, which lifts first, the other way round. When the frame's activity is unknown (so its
    phase columns are NaN) each bar is the whole rep, in grey.

    Parameters
    ----------
    frame
        A wide frame from :func:`guru_form.tables.reps_frame` (one set).
    flags
        Flag columns to mark in the lane above the chart (see :func:`plot_metric`); by default
        the tempo flags (those that judged the rep time or one of its phases).
    ax
        Axes to draw on; a new figure when None.
    eccentric_color, concentric_color, unknown_color
        Bar colours.
    show_median
        Draw the set's median rep duration as a dotted line.
    annotate
        Write each rep's total time above its bar (default: at most 16 reps).
    title
        The title (default ``"<Activity> · Tempo per rep"``; ``""`` for none).
    figsize
        Size of the new figure when ``ax`` is None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from guru_form.tables import reps_frame
    >>> from guru_form.tables.examples import example_analysis
    >>> ax = plot_tempo(reps_frame(example_analysis("deadlift", reps=3)))
    >>> {"Concentric (lifting)", "Eccentric (lowering)"} <= {
    ...     t.get_text() for t in ax.get_legend().get_texts()
    ... }  # laid out row by row in as many columns as fit
    True
    """
    require_columns(frame, [REP, DURATION_S, ECCENTRIC_S, CONCENTRIC_S], "plot_tempo")
    styles = flag_styles(frame, flags, {DURATION_S, ECCENTRIC_S, CONCENTRIC_S})
    data = sorted_reps(frame)
    ax = new_axes(ax, figsize)
    style_axes(ax)
    x = data[REP].to_numpy()
    total = data[DURATION_S].to_numpy(dtype=float)
    lane = 0.0
    colours = {ECCENTRIC_S: eccentric_color, CONCENTRIC_S: concentric_color}
    if len(data):
        known = data[[ECCENTRIC_S, CONCENTRIC_S]].notna().all(axis=1).to_numpy()
        phases: list[Patch] = []
        bottom = np.zeros(len(data))
        for column, name, _ in _phase_order(frame):
            height = np.where(known, data[column].to_numpy(dtype=float), 0.0)
            if known.any():
                ax.bar(x, height, bottom=bottom, width=0.7, color=colours[column])
                phases.append(Patch(color=colours[column], label=name))
            bottom = bottom + height
        if not known.all():
            ax.bar(x[~known], total[~known], width=0.7, color=unknown_color)
            phases.append(Patch(color=unknown_color, label="Whole rep (phases unknown)"))
        if show_median:
            median = float(np.nanmedian(total))
            ax.axhline(
                median,
                color=THRESHOLD_COLOR,
                lw=1.2,
                ls=":",
                label=f"Median rep {format_value(median, unit_of(DURATION_S))}",
            )
        if annotate is None:
            annotate = len(data) <= MAX_LABELLED_REPS
        label_top = 0.0  # points above a bar that its total's label takes
        rep_axis(ax, x)
        if annotate:
            texts = [format_value(ti, unit_of(DURATION_S)) for ti in total]
            label_top = value_labels(ax, x, total, texts, rise=3, color=THRESHOLD_COLOR)
        # The y axis reaches high enough for the tallest bar's label, whatever the chart's size.
        top = float(np.nanmax(total)) if np.isfinite(total).any() else 1.0
        ax.set_ylim(0, top * (1 + headroom(ax, label_top + 4, least=0.12)))
        lane = flag_lane(ax, data, styles, x)
    else:
        phases = []
        no_data(ax)
    rep_axis(ax, x)
    ax.set_ylabel(f"Time ({unit_of(DURATION_S)})")
    set_title(ax, title_for(frame, "Tempo per rep", title), lane)
    legend(ax, extra=phases)
    return ax


def _rep_count(count: int) -> str:
    return f"{count} rep{'s' if count != 1 else ''}"


def _loss_reference(v: npt.NDArray[np.float64], reference: Reference) -> npt.NDArray[np.float64]:
    """Per rep, the velocity its loss is measured against (see
    :func:`guru_form.tables.velocity_loss`): the best so far, or the first measured rep."""
    finite = np.isfinite(v)
    if reference == "best":
        ref = np.fmax.accumulate(np.where(finite, v, np.nan))
    else:
        ref = np.full(v.shape, v[finite][0] if finite.any() else np.nan)
    out: npt.NDArray[np.float64] = np.where(ref > 0, ref, np.nan)
    return out


def _loss_labels(
    v: npt.NDArray[np.float64], loss: npt.NDArray[np.float64], stop: Threshold | None
) -> list[str]:
    """Each rep's label above its bar: ``"fastest"`` on the set's fastest rep (one bar only),
    otherwise its loss against its reference, ``"−12 %"``, ``"0 %"`` or a gain ``"+3 %"``
    (with enough decimals to read on the side of the stop line it is on)."""
    finite = np.isfinite(v)
    fastest = int(np.nanargmax(np.where(finite, v, -np.inf))) if finite.any() else -1
    labels = []
    for i, value in enumerate(loss):
        if i == fastest:
            labels.append("fastest")
        elif not np.isfinite(value):
            labels.append("")
        elif value > 0:
            labels.append("−" + format_value(value, "%", stop))
        elif value < 0:
            labels.append("+" + format_value(-value, "%"))
        else:
            labels.append(format_value(0.0, "%"))
    return labels


def plot_velocity(
    frame: pd.DataFrame,
    column: str | None = None,
    *,
    loss_threshold: float | None = None,
    reference: Reference = "best",
    margin: Margin = "measured",
    ax: Axes | None = None,
    color: str = METRIC_COLOR,
    over_color: str = VELOCITY_LOSS_COLOR,
    threshold_color: str = THRESHOLD_COLOR,
    annotate: bool | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (7.0, 4.2),
) -> Axes:
    """Mean concentric velocity per rep, with each rep's velocity loss and the stop threshold.

    Parameters
    ----------
    frame
        A wide frame from :func:`guru_form.tables.reps_frame` with a velocity column.
    column
        The velocity column (default ``MEAN_CONCENTRIC_VELOCITY_M_PER_S``, else ``..._BH_PER_S``).
    loss_threshold
        Velocity loss in percent at which the set should stop (e.g. 20): reps past it are drawn in
        ``over_color`` and hatched, and a dashed stop line marks, over each rep, the velocity at
        that loss against the rep its loss is measured from: the best rep so far (the line steps
        up where a faster rep comes), or the first rep with ``reference="first"``. A bar is
        hatched exactly when it ends below the line by more than the margin; a bar within the
        margin of the line is borderline (outlined in ``over_color``, not filled).
    reference
        ``"best"`` or ``"first"``; see :func:`guru_form.tables.velocity_loss`.
    margin
        The borderline margin of a rep's loss, in percentage points: ``"measured"`` (the
        measured repeatability, :func:`guru_form.metrics.margin_of`) or a number (0 for none).
    ax
        Axes to draw on; a new figure when None.
    color, over_color, threshold_color
        Bar colour, colour of reps past the threshold (the velocity-loss flag's colour, see
        :mod:`guru_form.plots.markers`), threshold line colour.
    annotate
        Write each rep's loss in percent above its bar, and "fastest" above the set's fastest
        rep (default: at most 16 reps).
    title
        The title (default ``"<Activity> · Velocity per rep"``; ``""`` for none).
    figsize
        Size of the new figure when ``ax`` is None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> v = [0.5, 0.8, 0.7, 0.6]  # the best rep is the second; the fourth lost 25 %
    >>> df = pd.DataFrame({"rep": [1, 2, 3, 4], "MEAN_CONCENTRIC_VELOCITY_M_PER_S": v})
    >>> ax = plot_velocity(df, loss_threshold=20, margin=0)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['Stop line: 20 % below the best rep so far', 'Past the stop line (> 20 % loss)']
    """
    require_columns(frame, [REP], "plot_velocity")
    group_keys(frame, None, "plot_velocity")
    column = velocity_column(frame, column)
    data = sorted_reps(velocity_loss(frame, column, reference=reference))
    ax = new_axes(ax, figsize)
    style_axes(ax)
    x = data[REP].to_numpy()
    v = data[column].to_numpy(dtype=float)
    loss = data[VELOCITY_LOSS].to_numpy(dtype=float)
    # A velocity the pose engine is unsure of is drawn but not judged, and is no reference.
    lost = unsure_of(data, column).notna().to_numpy(dtype=bool)
    sure_v = np.where(counted_values(data, column).to_numpy(dtype=bool), v, np.nan)
    if len(data) and np.isfinite(v).any():
        over = np.zeros(len(v), bool)
        near = np.zeros(len(v), bool)
        spread = 0.0
        if loss_threshold is not None:
            spread = (
                margin_of(VELOCITY_LOSS, frame_activity(frame))
                if margin == "measured"
                else float(margin)
            )
            gap = loss - loss_threshold
            over = (gap > spread) & ~lost
            near = (spread > 0) & (np.abs(gap) <= spread) & ~lost
        plain = ~over & ~near & ~lost
        ax.bar(x[plain], v[plain], width=0.7, color=color, label="_nolegend_")
        if lost.any():
            ax.bar(
                x[lost],
                v[lost],
                width=0.7,
                facecolor="white",
                edgecolor=UNSURE_COLOR,
                hatch="..",
                linewidth=1.8,
                label=f"Unsure: pose lost ({_rep_count(int(lost.sum()))}, not judged)",
            )
        if loss_threshold is not None and over.any():
            ax.bar(
                x[over],
                v[over],
                width=0.7,
                color=over_color,
                hatch="//",
                edgecolor="white",
                label=f"Past the stop line (> {format_bound(loss_threshold, '%')} loss)",
            )
        if loss_threshold is not None and near.any():
            ax.bar(
                x[near],
                v[near],
                width=0.7,
                facecolor="white",
                edgecolor=over_color,
                linewidth=1.8,
                label=f"Borderline: within {format_value(spread, '%')} of the stop line",
            )
        if loss_threshold is not None:
            # The same reference as each rep's loss: the best rep so far (a step up wherever a
            # faster rep comes), or the first rep. A bar is hatched exactly when it ends below.
            ref = _loss_reference(sure_v, reference)
            limit = ref * (1.0 - loss_threshold / 100.0)
            edges = np.concatenate([x - 0.5, [x[-1] + 0.5]]).astype(float)
            against = "best rep so far" if reference == "best" else "first rep"
            finite = limit[np.isfinite(limit)]
            steps = np.unique(np.round(finite, 6)).size > 1
            value = (
                "" if steps or not finite.size else f", {format_value(finite[0], unit_of(column))}"
            )
            ax.stairs(
                limit,
                edges,
                baseline=None,
                color=threshold_color,
                ls="--",
                lw=1.4,
                label=f"Stop line: {format_bound(loss_threshold, '%')} below the {against}{value}",
            )
        if annotate is None:
            annotate = len(data) <= MAX_LABELLED_REPS
        label_top = 0.0
        rep_axis(ax, x)
        if annotate:
            stop = None if loss_threshold is None else Threshold(high=loss_threshold)
            texts = _loss_labels(sure_v, loss, stop)
            texts = ["unsure" if gone else text for gone, text in zip(lost, texts, strict=True)]
            label_top = value_labels(ax, x, v, texts, rise=3, color=THRESHOLD_COLOR)
        top = float(np.nanmax(v))
        ax.set_ylim(0, top * (1 + headroom(ax, label_top + 4, least=0.12)) if top > 0 else 1.0)
    else:
        no_data(ax, "No reps to show" if not len(data) else "No velocity measured")
    rep_axis(ax, x)
    ax.set_ylabel(axis_label(column))
    set_title(ax, title_for(frame, "Velocity per rep", title))
    legend(ax)
    return ax
