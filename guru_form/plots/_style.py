"""Colours, the flag lane and small drawing helpers shared by the charts.

The palette is Okabe & Ito's (2008), distinguishable with every common colour-vision deficiency.
Flagged reps are marked in a lane above the plotting area, one row per flag type, with the
flag's own marker and colour (:mod:`guru_form.plots.markers`): never on the data, so a marker
never hides a point or its value label. Nothing here changes matplotlib's global ``rcParams``:
every style choice is a keyword argument of the chart functions, with these defaults.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from guru_form import activities
from guru_form._deprecation import moved_names
from guru_form.errors import InvalidInputError
from guru_form.metrics import REP, frame_activity
from guru_form.models import Activity
from guru_form.plots.markers import UNSURE_COLOR, flag_label, flag_marker
from guru_form.tables.flags import (
    borderline_column,
    flag_columns,
    flagged_column,
    unsure_column,
)

#: Okabe-Ito colours by name.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Colours for series (sessions, athletes), in order.
SERIES_COLORS: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["black"],
    OKABE_ITO["yellow"],
)
METRIC_COLOR = OKABE_ITO["blue"]
ECCENTRIC_COLOR = OKABE_ITO["orange"]
CONCENTRIC_COLOR = OKABE_ITO["sky_blue"]
TARGET_COLOR = OKABE_ITO["bluish_green"]
THRESHOLD_COLOR = "#444444"
MUTED_COLOR = "#9A9A9A"
#: Above this many reps, per-rep text labels are thinned out.
MAX_LABELLED_REPS = 16

Flags = bool | str | Iterable[str] | Mapping[str, str] | None


@dataclass(frozen=True)
class FlagStyle:
    """How one flag column is drawn: its marker, colour and legend label
    (:func:`guru_form.plots.markers.flag_marker`), and its borderline and unsure columns if the
    frame has them."""

    column: str
    label: str
    marker: str
    color: str
    borderline: str | None = None
    unsure: str | None = None


#: The flag lane: gap between the plotting area and the first row, and each row's height (points).
LANE_GAP = 5.0
LANE_ROW = 11.0
#: Size of a marker in the lane (points).
LANE_MARKER = 7.5
#: Points between a chart's title and the flag lane (or the plotting area).
TITLE_PAD = 6.0


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax``, or a new figure's axes (constrained layout) of ``figsize`` inches."""
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def no_data(ax: Axes, message: str = "No reps to show") -> None:
    """Write ``message`` in the middle of an empty chart."""
    ax.text(
        0.5,
        0.5,
        message,
        transform=ax.transAxes,
        ha="center",
        va="center",
        color=MUTED_COLOR,
        fontsize="large",
    )


def rep_axis(ax: Axes, reps: Iterable[int], *, label: str = "Rep") -> None:
    """Integer rep numbers on the x axis, every rep labelled when there are few."""
    values = sorted({int(r) for r in reps})
    ax.set_xlabel(label)
    if values:
        ax.set_xlim(min(values) - 0.6, max(values) + 0.6)
    if 0 < len(values) <= 20:
        ax.set_xticks(values)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def title_for(frame: pd.DataFrame, what: str, title: str | None) -> str:
    """The chart title: ``title`` if given (``""`` for none), else ``"<Activity> · <what>"``
    (without repeating the activity when ``what`` already starts with it)."""
    if title is not None:
        return title
    activity = frame_activity(frame)
    if activity is None:
        return what
    name = activity_name(activity)
    return what if what.lower().startswith(name.lower()) else f"{name} · {what}"


def activity_name(activity: Activity | None) -> str:
    """``"Push-up"``, ``"Bench press"``, ... for titles (``"Set"`` when unknown)."""
    return "Set" if activity is None else activities.display_name(activity)


def flag_styles(
    frame: pd.DataFrame, flags: Flags, measures: Collection[str] = ()
) -> list[FlagStyle]:
    """Which flag columns a chart marks, and how.

    Parameters
    ----------
    frame
        The chart's frame.
    flags
        None (default): the flags that judged a column the chart shows (``measures``; see
        :func:`guru_form.tables.flags.flagged_column`), so a chart shows no verdict on what it
        does not measure. True: every ``flag_*`` column. False: none. A name or a list of
        names: those. A mapping ``column -> legend label``: those, with those labels.
    measures
        The columns the chart shows.

    Returns
    -------
    list of FlagStyle
        In the order of the frame's columns (for None and True) or as given.
    """
    if flags is False:
        return []
    labels: dict[str, str]
    if flags is None:
        labels = {
            c: flag_label(c) for c in flag_columns(frame) if flagged_column(frame, c) in measures
        }
    elif flags is True:
        labels = {c: flag_label(c) for c in flag_columns(frame)}
    elif isinstance(flags, str):
        labels = {flags: flag_label(flags)}
    elif isinstance(flags, Mapping):
        labels = {str(k): str(v) for k, v in flags.items()}
    else:
        labels = {str(c): flag_label(str(c)) for c in flags}
    missing = [c for c in labels if c not in frame.columns]
    if missing:
        raise InvalidInputError(
            f"no flag column(s) {missing} in the frame; add them with guru_form.tables.flag_* "
            f"(it has {flag_columns(frame) or 'no flag columns'})"
        )
    styles = []
    for column, label in labels.items():
        look = flag_marker(column)
        styles.append(
            FlagStyle(
                column,
                label,
                look.marker,
                look.color,
                _boolean_column(frame, borderline_column(column)),
                _boolean_column(frame, unsure_column(column)),
            )
        )
    return styles


def _boolean_column(frame: pd.DataFrame, column: str) -> str | None:
    """``column`` when the frame has it as a boolean column, else None."""
    present = column in frame.columns and pd.api.types.is_bool_dtype(frame[column].dtype)
    return column if present else None


def _marked(frame: pd.DataFrame, column: str | None) -> npt.NDArray[np.bool_]:
    """The rows a boolean column marks; none without the column."""
    if column is None:
        return np.zeros(len(frame), bool)
    return frame[column].to_numpy(dtype=bool)


def _reps(count: int) -> str:
    return f"{count} rep{'s' if count != 1 else ''}"


def flag_lane(ax: Axes, frame: pd.DataFrame, styles: list[FlagStyle], x: Any) -> float:
    """Mark the flagged reps in a lane above the plotting area; return its height in points.

    One row per flag type that any rep tripped (or came within its margin of), in the order of
    ``styles``: the flag's marker, filled for a rep that failed the check, open for a
    borderline rep and open in grey (:data:`~guru_form.plots.markers.UNSURE_COLOR`) for a rep
    whose value the pose engine is unsure of, above the rep's ``x``. The lane is outside the data, so it never covers a
    value or its label; each row is listed in the legend with its count of reps. Flags that no
    rep tripped get no row and no legend entry.

    Parameters
    ----------
    ax
        The chart.
    frame
        The rows drawn, in the order of ``x``, with the flag (and borderline) columns.
    styles
        From :func:`flag_styles`.
    x
        Each row's position on the x axis, in data coordinates.

    Returns
    -------
    float
        Points the lane takes above the plotting area (0 when no row is drawn): pass
        ``TITLE_PAD + lane`` as the title's ``pad``.
    """
    xs = np.asarray(x, dtype=float)
    base = blended_transform_factory(ax.transData, ax.transAxes)
    rows = 0
    for style in styles:
        failed = _marked(frame, style.column)
        near = _marked(frame, style.borderline) & ~failed
        lost = _marked(frame, style.unsure) & ~failed & ~near
        if not failed.any() and not near.any() and not lost.any():
            continue
        rise = (LANE_GAP + LANE_ROW * (rows + 0.5)) / 72.0
        transform = base + ScaledTranslation(0, rise, ax.figure.dpi_scale_trans)
        looks = (
            (failed, style.color, style.color, ""),
            (near, "white", style.color, ", borderline"),
            (lost, "white", UNSURE_COLOR, ", unsure: pose lost"),
        )
        for mask, fill, edge, words in looks:
            if not mask.any():
                continue
            ax.plot(
                xs[mask],
                np.ones(int(mask.sum())),
                ls="none",
                marker=style.marker,
                color=edge,
                ms=LANE_MARKER,
                mfc=fill,
                mec=edge,
                mew=1.5,
                transform=transform,
                clip_on=False,
                zorder=5,
                label=f"{style.label}{words} ({_reps(int(mask.sum()))})",
            )
        rows += 1
    return LANE_GAP + LANE_ROW * rows if rows else 0.0


def _text_width(text: str, font: FontProperties) -> float:
    """Width in points of one line of ``text`` in ``font``."""
    return float(TextToPath().get_text_width_height_descent(text, font, ismath=False)[0])


def _figure_points(ax: Axes) -> float:
    """The width of the axes' figure in points."""
    return float(ax.figure.get_window_extent().width / ax.figure.dpi * 72.0)


def wrap_to(text: str, width: float, font: FontProperties) -> str:
    """``text`` broken into lines between words so that each is at most ``width`` points wide
    (a single word longer than that keeps its own line)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _text_width(f"{lines[-1]} {word}", font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def set_title(ax: Axes, text: str, lane: float = 0.0) -> None:
    """The chart's title, bold and on the left, above the flag lane (``lane`` points high),
    broken into lines where the figure is too narrow for it."""
    font = FontProperties(size=plt.rcParams["axes.titlesize"], weight="bold")
    # A left title starts at the plotting area, which the y axis's labels push right: by about
    # 3.5 times the tick labels' size once laid out.
    ticks = FontProperties(size=plt.rcParams["ytick.labelsize"]).get_size_in_points()
    left = max(ax.get_position().x0 * _figure_points(ax), 3.5 * ticks)
    width = 0.98 * _figure_points(ax) - left
    ax.set_title(wrap_to(text, width, font), loc="left", fontweight="bold", pad=TITLE_PAD + lane)


def value_labels(
    ax: Axes, x: Any, y: Any, texts: list[str], *, rise: float, **kwargs: Any
) -> float:
    """Write ``texts[i]`` ``rise`` points above ``(x[i], y[i])``, upright when they fit side by
    side, else turned to read upwards so that neighbours never overlap; return how many points
    above its point a label reaches.

    Parameters
    ----------
    ax
        The chart.
    x, y
        Where each label's point is, in data coordinates (one unit apart on x: reps); a label
        with a non-finite ``y`` or an empty text is skipped.
    texts
        The labels.
    rise
        Points between the point and its label.
    **kwargs
        More text properties (colour, ...).

    Returns
    -------
    float
        Points above the point that the tallest label reaches (0 with no label).
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    shown = [i for i, t in enumerate(texts) if t and np.isfinite(ys[i])]
    if not shown:
        return 0.0
    font = FontProperties(size="x-small")
    widest = max(_text_width(texts[i], font) for i in shown) + 3.0  # the halo's padding
    low, high = ax.get_xlim()
    if len(shown) > 1 and high > low:
        spacing = 0.88 * _figure_points(ax) * ax.get_position().width / (high - low)
    else:
        spacing = float("inf")
    upright = widest <= 0.95 * spacing
    for i in shown:
        ax.annotate(
            texts[i],
            (xs[i], ys[i]),
            textcoords="offset points",
            xytext=(0, rise),
            ha="center",
            va="bottom",
            rotation=0 if upright else 90,
            fontsize="x-small",
            bbox=text_box(),
            **kwargs,
        )
    tall = 1.5 * font.get_size_in_points() if upright else widest
    return rise + tall


def room_above(ax: Axes, points: float) -> None:
    """Raise the top of the y axis so that ``points`` of marks fit above the highest data."""
    low, high = ax.get_ylim()
    height = ax.get_window_extent().height / ax.figure.dpi * 72.0 * 0.85
    if height <= 0 or high <= low:
        return
    share = min(points / height, 0.8)
    ax.set_ylim(low, high + (high - low) * share / (1.0 - share))


def headroom(ax: Axes, points: float, *, least: float = 0.36, most: float = 2.0) -> float:
    """How far above its tallest bar (as a fraction of the bar) an axis must reach so that
    ``points`` of marks fit above that bar: at least ``least``.

    The axes' height is read from its figure as laid out now (constrained layout may shrink it a
    little later, which the 15 % margin covers).
    """
    height = ax.get_window_extent().height / ax.figure.dpi * 72.0 * 0.85
    if height <= 0:
        return least
    share = min(points / height, 0.9)
    return float(min(max(least, share / (1.0 - share)), most))


def sorted_reps(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame in rep order (charts draw left to right)."""
    if REP not in frame.columns:
        return frame
    ordered: pd.DataFrame = frame.sort_values(REP, kind="stable")
    return ordered


def _below_axis(ax: Axes) -> float:
    """Points from the bottom of the plotting area to below its x tick labels and x label."""
    tick = ax.xaxis.get_major_ticks()[0] if ax.xaxis.get_major_ticks() else None
    tick_size = FontProperties(size=plt.rcParams["xtick.labelsize"]).get_size_in_points()
    below = plt.rcParams["xtick.major.size"] + plt.rcParams["xtick.major.pad"] + 1.3 * tick_size
    if tick is not None and not tick.label1.get_visible():
        below = plt.rcParams["xtick.major.size"]
    if ax.get_xlabel():
        below += ax.xaxis.labelpad + 1.3 * float(ax.xaxis.label.get_fontsize())
    return float(below) + 3.0


def legend(ax: Axes, *, extra: Iterable[Artist] = (), most_columns: int = 3, **kwargs: Any) -> None:
    """A legend below the axis label when there is anything to explain (never over the data).

    ``extra`` artists (proxy patches) are listed before the axes' own labelled artists. The
    legend hangs a fixed number of points below the x axis's label, whatever the chart's height,
    in as many columns (up to ``most_columns``) as fit across the chart.
    """
    handles, labels = ax.get_legend_handles_labels()
    extra = list(extra)
    handles = extra + handles
    labels = [str(a.get_label()) for a in extra] + labels
    if not handles:
        return
    below = ax.transAxes + ScaledTranslation(0, -_below_axis(ax) / 72.0, ax.figure.dpi_scale_trans)
    options: dict[str, Any] = {
        "loc": "upper center",
        "bbox_to_anchor": (0.5, 0.0),
        "bbox_transform": below,
        "ncols": _legend_columns(ax, labels, kwargs.get("fontsize", "small"), most_columns),
        "frameon": False,
        "fontsize": "small",
        "borderaxespad": 0.0,
    }
    options.update(kwargs)
    order = row_major(len(handles), int(options["ncols"]))
    ax.legend([handles[i] for i in order], [labels[i] for i in order], **options)


def _legend_columns(ax: Axes, labels: list[str], fontsize: Any, most: int = 3) -> int:
    """As many legend columns (at most ``most``) as fit across the chart, entries read row by
    row."""
    font = FontProperties(size=fontsize)
    points = font.get_size_in_points()
    measure = TextToPath()
    widths = [measure.get_text_width_height_descent(t, font, ismath=False)[0] for t in labels]
    inches = ax.figure.get_window_extent().width / ax.figure.dpi
    room = inches * 72.0 * ax.get_position().width * 1.1  # the legend may pass the axes a little
    for ncols in range(min(most, len(labels)), 1, -1):
        # Entry i goes to column i % ncols (see row_major); a column is as wide as its widest
        # entry plus the handle (2 em) and its pad (0.8 em); columns are 2 em apart.
        columns = [max(widths[c::ncols]) + 2.8 * points for c in range(ncols)]
        if sum(columns) + 2.0 * points * (ncols - 1) <= room:
            return ncols
    return 1


def row_major(count: int, ncols: int) -> list[int]:
    """Indices that make a legend (which matplotlib fills column by column) read row by row."""
    ncols = max(1, min(ncols, count))
    rows, tall = divmod(count, ncols)
    heights = [rows + 1 if c < tall else rows for c in range(ncols)]
    starts = [sum(heights[:c]) for c in range(ncols)]
    order = [0] * count
    for k in range(count):
        order[starts[k % ncols] + k // ncols] = k
    return order


def _format_value(value: float, values: Any = None) -> str:
    """Deprecated: :func:`guru_form.metrics.format_value` (by unit, not by the series' size)."""
    scale = (
        float(np.nanmax(np.abs(values))) if values is not None and np.size(values) else abs(value)
    )
    if not np.isfinite(scale):
        scale = abs(value)
    if scale >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if scale >= 2 else f"{value:.2f}"


__getattr__ = moved_names(
    __name__, {"format_value": ("guru_form.metrics.format_value", lambda: _format_value)}
)


def text_box() -> dict[str, Any]:
    """A white halo behind small labels so grid and threshold lines never cross the digits."""
    return {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85}


def style_axes(ax: Axes) -> None:
    """Light horizontal grid, no top/right spines: quiet chrome that prints well."""
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def fit_labels(ax: Axes) -> None:
    """Break the y axis's label and the legend's entries into lines between words so that they
    fit the chart: the label within the plotting area's height, each legend entry within the
    figure's width (for narrow figures, such as a phone's rendering of a chart)."""
    label = ax.yaxis.label
    if label.get_text():
        font = label.get_fontproperties()
        height = ax.get_position().height * ax.figure.get_window_extent().height / ax.figure.dpi
        label.set_text(wrap_to(label.get_text().replace("\n", " "), height * 72.0, font))
    legend_ = ax.get_legend()
    if legend_ is not None:
        for text in legend_.get_texts():
            font = text.get_fontproperties()
            points = font.get_size_in_points()
            # the handle (2 em) and its pad (0.8 em) come before the text
            room = 0.96 * _figure_points(ax) - 2.8 * points
            text.set_text(wrap_to(text.get_text().replace("\n", " "), room, font))
