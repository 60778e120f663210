"""Colours, markers and small drawing helpers shared by the charts.

The palette is Okabe & Ito's (2008), distinguishable with every common colour-vision deficiency;
flagged reps are marked by shape as well as colour. Nothing here changes matplotlib's global
``rcParams``: every style choice is a keyword argument of the chart functions, with these defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from guru_form import activities
from guru_form._deprecation import moved_names
from guru_form.errors import InvalidInputError
from guru_form.metrics import FLAG_PREFIX, REP, frame_activity
from guru_form.models import Activity
from guru_form.tables.flags import flag_columns

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
FLAG_COLORS: tuple[str, ...] = (
    OKABE_ITO["vermillion"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["black"],
    OKABE_ITO["orange"],
)
FLAG_MARKERS: tuple[str, ...] = ("o", "s", "D", "^")
FLAG_LINEWIDTH = 2.0
#: Above this many reps, per-rep text labels are thinned out.
MAX_LABELLED_REPS = 16

Flags = bool | str | Iterable[str] | Mapping[str, str] | None


@dataclass(frozen=True)
class FlagStyle:
    """How one flag column is drawn."""

    column: str
    label: str
    marker: str
    color: str
    size: float


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


def flag_label(column: str) -> str:
    """``flag_trunk_lean_degrees_drift`` -> ``"Trunk lean drift"``."""
    words = [
        w
        for w in column.removeprefix(FLAG_PREFIX).split("_")
        if w.lower() not in {"degrees", "percent", "m", "bh", "per", "s", "ms"}
    ]
    text = " ".join(words).lower()
    return text[:1].upper() + text[1:] if text else column


def flag_styles(frame: pd.DataFrame, flags: Flags) -> list[FlagStyle]:
    """Which flag columns to mark, and how.

    ``flags``: None/True for every ``flag_*`` column, False for none, a name or list of names, or
    a mapping ``column -> legend label``.
    """
    if flags is False:
        return []
    labels: dict[str, str]
    if flags is None or flags is True:
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
    return [
        FlagStyle(
            column=c,
            label=label,
            marker=FLAG_MARKERS[i % len(FLAG_MARKERS)],
            color=FLAG_COLORS[i % len(FLAG_COLORS)],
            size=150.0 + 90.0 * i,
        )
        for i, (c, label) in enumerate(labels.items())
    ]


def mark_flags(
    ax: Axes,
    frame: pd.DataFrame,
    styles: list[FlagStyle],
    x: Any,
    y: Any,
    *,
    zorder: float = 4.0,
    offset_points: float = 0.0,
) -> None:
    """Ring the flagged reps at ``(x, y)``; one ring shape and colour per flag column.

    Parameters
    ----------
    ax
        The chart.
    frame
        The rows drawn, in the order of ``x`` and ``y``, with the flag columns.
    styles
        From :func:`flag_styles`.
    x, y
        Where each row's ring goes, in data coordinates.
    zorder
        Drawing order of the rings.
    offset_points
        Move the rings this many points up from ``(x, y)`` (clear of a label drawn there),
        whatever the chart's size.
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    transform = ax.transData
    if offset_points:
        transform = ax.transData + ScaledTranslation(
            0, offset_points / 72, ax.figure.dpi_scale_trans
        )
    for style in styles:
        mask = frame[style.column].to_numpy(dtype=bool)
        count = int(mask.sum())
        ax.scatter(
            xs[mask],
            ys[mask],
            s=style.size,
            marker=style.marker,
            facecolors="none",
            edgecolors=style.color,
            linewidths=FLAG_LINEWIDTH,
            zorder=zorder,
            transform=transform,
            label=f"{style.label} ({count} rep{'s' if count != 1 else ''})",
        )


def ring_radius_points(styles: list[FlagStyle]) -> float:
    """Outer radius in points of the largest ring :func:`mark_flags` draws for ``styles``."""
    if not styles:
        return 0.0
    return float(np.sqrt(max(style.size for style in styles))) / 2 + FLAG_LINEWIDTH


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


def legend(ax: Axes, *, extra: Iterable[Artist] = (), **kwargs: Any) -> None:
    """A legend below the axes when there is anything to explain (never over the data).

    ``extra`` artists (proxy patches) are listed before the axes' own labelled artists.
    """
    handles, labels = ax.get_legend_handles_labels()
    extra = list(extra)
    handles = extra + handles
    labels = [str(a.get_label()) for a in extra] + labels
    if not handles:
        return
    options: dict[str, Any] = {
        "loc": "upper center",
        "bbox_to_anchor": (0.5, -0.16),
        "ncols": min(len(handles), 3),
        "frameon": False,
        "fontsize": "small",
    }
    options.update(kwargs)
    order = row_major(len(handles), int(options["ncols"]))
    ax.legend([handles[i] for i in order], [labels[i] for i in order], **options)


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
