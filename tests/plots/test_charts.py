"""Every chart renders with Agg on empty, one-rep and many-rep data, and says what it shows."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from guru_form import Analysis
from guru_form.errors import InvalidInputError
from guru_form.plots import (
    plot_dashboard,
    plot_metric,
    plot_session_comparison,
    plot_tempo,
    plot_timeline,
    plot_velocity,
)
from guru_form.tables import combine, flag_depth, reps_frame
from guru_form.tables.examples import example_analysis, example_sessions


def _render(fig: Figure) -> None:
    for dpi in (100, 200):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        assert buffer.getvalue()[:4] == b"\x89PNG"


CHARTS: dict[str, Callable[[pd.DataFrame], Any]] = {
    "metric": lambda df: plot_metric(df, "HIP_KNEE_ANGLE_DEGREES", target=(-20, 0), threshold=0),
    "tempo": plot_tempo,
    "timeline": plot_timeline,
    "velocity": lambda df: plot_velocity(
        df.assign(
            MEAN_CONCENTRIC_VELOCITY_M_PER_S=df.get("MEAN_CONCENTRIC_VELOCITY_M_PER_S", np.nan)
        ),
        loss_threshold=20,
    ),
    "dashboard": lambda df: plot_dashboard(df, metric="HIP_KNEE_ANGLE_DEGREES", target=(-20, 0)),
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_renders(frame: pd.DataFrame, name: str) -> None:
    if name == "metric" and "HIP_KNEE_ANGLE_DEGREES" not in frame:
        frame = frame.assign(HIP_KNEE_ANGLE_DEGREES=pd.Series(dtype="float64"))
    if name == "dashboard" and "HIP_KNEE_ANGLE_DEGREES" not in frame:
        frame = frame.assign(HIP_KNEE_ANGLE_DEGREES=pd.Series(dtype="float64"))
    result = CHARTS[name](frame)
    fig = result if isinstance(result, Figure) else result.figure
    assert isinstance(result, (Axes, Figure))
    _render(fig)
    axes = [result] if isinstance(result, Axes) else [a for a in result.axes if a.axison]
    with_y_axis = [ax for ax in axes if ax.get_yticks().size]
    if name != "timeline":  # the timeline's only axis is time
        assert with_y_axis, f"{name}: no chart with a y axis"
    for ax in axes:
        assert ax.get_xlabel(), f"{name}: x axis has no label"
    for ax in with_y_axis:
        ylabel = ax.get_ylabel()
        assert ylabel, f"{name}: the y axis of {ax.get_title(loc='left')!r} has no label"
        unit = ylabel.rsplit("(", 1)[-1]
        assert "(" in ylabel and ylabel.endswith(")") and unit[:-1].strip(), (
            f"{name}: y label {ylabel!r} has no unit"
        )
    if frame.empty and isinstance(result, Axes):
        assert any(t.get_text() == "No reps to show" for t in result.texts)


@pytest.mark.parametrize("kind", ["box", "line"])
@pytest.mark.parametrize("sessions", [0, 1, 4])
def test_session_comparison_renders(kind: str, sessions: int) -> None:
    items = dict(list(example_sessions("squat", sessions=max(sessions, 1)).items())[:sessions])
    long = combine(items)
    ax = plot_session_comparison(long, "HIP_KNEE_ANGLE_DEGREES", kind=kind, target=(-20, 0))  # type: ignore[arg-type]
    _render(ax.figure)
    assert ax.get_ylabel() == "Squat depth (thigh vs horizontal) (deg)"
    if kind == "box":
        assert [t.get_text() for t in ax.get_xticklabels()] == list(items)


def test_metric_marks_exactly_the_flagged_reps() -> None:
    df = flag_depth(reps_frame(example_analysis("squat", seed=3)), 0.0)
    ax = plot_metric(df)
    (rings,) = [c for c in ax.collections if c.get_label().startswith("Shallow")]
    flagged = df.loc[df["flag_shallow"], ["rep", "HIP_KNEE_ANGLE_DEGREES"]].to_numpy()
    np.testing.assert_allclose(rings.get_offsets(), flagged)
    assert rings.get_label() == f"Shallow ({len(flagged)} reps)"
    assert [int(t) for t in ax.get_xticks()] == list(range(1, 11))
    assert ax.get_title(loc="left") == "Squat depth (thigh vs horizontal) per rep"
    assert ax.get_legend() is not None


def test_flags_argument_choices() -> None:
    df = flag_depth(reps_frame(example_analysis("squat")), 0.0)
    assert not [
        c for c in plot_metric(df, flags=False).collections if c.get_label().startswith("Sh")
    ]
    ax = plot_metric(df, flags={"flag_shallow": "Above parallel"})
    assert any(c.get_label().startswith("Above parallel") for c in ax.collections)
    with pytest.raises(InvalidInputError, match="no flag column"):
        plot_metric(df, flags=["flag_nope"])


def test_tempo_stacks_phases_in_the_order_they_happen() -> None:
    deadlift = reps_frame(example_analysis("deadlift", reps=3))
    ax = plot_tempo(deadlift)
    bars = [p for p in ax.patches if p.get_height() > 0]
    first, second = bars[0], bars[3]  # rep 1's lower and upper segments
    assert first.get_y() == 0 and first.get_height() == pytest.approx(deadlift["concentric_s"][0])
    assert second.get_y() == pytest.approx(deadlift["concentric_s"][0])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["Concentric (lifting)", "Eccentric (lowering)"]
    assert ax.get_ylabel() == "Time (s)"


@pytest.mark.parametrize("where", ["alone", "dashboard"])
@pytest.mark.parametrize("reps", [5, 12])
def test_tempo_flag_rings_clear_the_bar_labels(where: str, reps: int) -> None:
    df = reps_frame(example_analysis("push_up", reps=reps, seed=2))
    # Every rep flagged twice: two ring sizes, on the tallest bar too.
    df = df.assign(flag_shallow=True, flag_tempo=True)
    if where == "alone":
        ax = plot_tempo(df)
    else:
        fig = plot_dashboard(df, target=(60, 90))
        (ax,) = [a for a in fig.axes if a.get_title(loc="left") == "Tempo per rep"]
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = {round(t.xy[0]): t.get_window_extent(renderer) for t in ax.texts if hasattr(t, "xy")}
    assert len(labels) == reps
    rings = [c for c in ax.collections if c.get_label().split(" (")[0] in ("Shallow", "Tempo")]
    assert len(rings) == 2
    axes_top = ax.get_window_extent(renderer).y1
    for ring in rings:
        centres = ring.get_offset_transform().transform(ring.get_offsets())
        data_x = ring.get_offsets()[:, 0]
        radius = (np.sqrt(ring.get_sizes()[0]) / 2 + ring.get_linewidths()[0]) * fig.dpi / 72
        for (cx, cy), x in zip(centres, data_x, strict=True):
            label = labels[round(x)]
            gap = 4 * fig.dpi / 72  # 4 points of air between label and ring, at any size
            assert cy - radius >= label.y1 + gap, f"rep {x:g}: ring tight on its label"
            assert cy + radius <= axes_top, f"rep {x:g}: ring cut off by the top of the axes"
            assert abs(cx - (label.x0 + label.x1) / 2) < 1


def test_metric_value_labels_sit_above_the_flag_rings() -> None:
    df = reps_frame(example_analysis("push_up", reps=5, seed=2))
    df = df.assign(flag_shallow=True, flag_tempo=True)  # two ring sizes round every point
    ax = plot_metric(df, target=(60, 90))
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = {round(t.xy[0]): t.get_window_extent(renderer) for t in ax.texts if hasattr(t, "xy")}
    assert len(labels) == 5
    rings = [c for c in ax.collections if c.get_label().split(" (")[0] in ("Shallow", "Tempo")]
    assert len(rings) == 2
    for ring in rings:
        centres = ring.get_offset_transform().transform(ring.get_offsets())
        radius = (np.sqrt(ring.get_sizes()[0]) / 2 + ring.get_linewidths()[0]) * fig.dpi / 72
        for (_, cy), x in zip(centres, ring.get_offsets()[:, 0], strict=True):
            assert labels[round(x)].y0 >= cy + radius, f"rep {x:g}: value label on its ring"


def test_tempo_without_activity_draws_whole_reps() -> None:
    a = example_analysis("squat", reps=3)
    unknown = Analysis.from_json({**a.to_json(), "activity": None, "domain": None})
    ax = plot_tempo(reps_frame(unknown))
    assert "Whole rep (phases unknown)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_velocity_marks_reps_past_the_threshold() -> None:
    df = reps_frame(example_analysis("squat", seed=3))
    ax = plot_velocity(df, loss_threshold=20)
    hatched = [p for p in ax.patches if p.get_hatch()]
    v = df["MEAN_CONCENTRIC_VELOCITY_M_PER_S"]
    expected = int((100 * (v.cummax() - v) / v.cummax() > 20).sum())
    assert len(hatched) == expected > 0
    assert ax.get_ylabel() == "Mean concentric velocity (m/s)"


def _stop_line(ax: Axes) -> tuple[np.ndarray, np.ndarray, str]:
    """The stop line's level under each bar centre, and its legend label."""
    (line,) = [p for p in ax.patches if p.get_label().startswith("Stop line")]
    values, edges, _ = line.get_data()  # StepPatch: values, edges, baseline
    return np.asarray(values), np.asarray(edges), str(line.get_label())


@pytest.mark.parametrize("reference", ["best", "first"])
def test_velocity_stop_line_and_hatching_agree(reference: str) -> None:
    # The fastest rep comes third: rep 2 lost 10 % against the best so far (rep 1), yet sits
    # below 80 % of the set's fastest rep. A bar is hatched exactly when it ends below the line.
    v = [0.50, 0.45, 0.80, 0.70, 0.62, np.nan, 0.55]
    df = pd.DataFrame({"rep": range(1, 8), "MEAN_CONCENTRIC_VELOCITY_M_PER_S": v})
    ax = plot_velocity(df, loss_threshold=20, reference=reference)  # type: ignore[arg-type]
    levels, edges, label = _stop_line(ax)
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and np.isfinite(p.get_height())]
    assert len(bars) == 6  # no bar for the rep without a velocity
    for bar in bars:
        centre = bar.get_x() + bar.get_width() / 2
        level = levels[np.searchsorted(edges, centre) - 1]
        below = bar.get_height() < level
        assert bool(bar.get_hatch()) == below, f"rep {centre:g}: height {bar.get_height()}"
    hatched = sorted(round(p.get_x() + 0.35) for p in bars if p.get_hatch())
    assert hatched == ([5, 7] if reference == "best" else [])
    against = "best rep so far" if reference == "best" else "first rep"
    assert label.startswith(f"Stop line: 20 % below the {against}")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert label in legend
    if reference == "best":
        assert "Past the stop line (> 20 % loss)" in legend
        np.testing.assert_allclose(levels[:2], 0.8 * 0.5)  # the best so far is rep 1 ...
        np.testing.assert_allclose(levels[2:], 0.8 * 0.8)  # ... until rep 3
    else:
        assert label.endswith("0.40 m/s")


def test_timeline_spans_match_the_reps() -> None:
    df = reps_frame(example_analysis("push_up", reps=4))
    ax = plot_timeline(df)
    starts = sorted(path.get_extents().x0 for path in ax.collections[0].get_paths())
    np.testing.assert_allclose(starts, df["start_ms"] / 1000)
    assert ax.get_xlabel() == "Video time (s)"
    deadlift = plot_timeline(reps_frame(example_analysis("deadlift", reps=3)))
    labels = [t.get_text() for t in deadlift.get_legend().get_texts()]
    assert labels[:2] == ["Concentric (lifting)", "Eccentric (lowering)"]  # as the bars go


def test_dashboard_is_one_figure_from_an_analysis() -> None:
    fig = plot_dashboard(example_analysis("push_up"), target=(60, 90))
    assert isinstance(fig, Figure) and len(fig.axes) == 5
    assert fig.get_suptitle().startswith("Push-up · 12 reps")
    no_velocity = reps_frame(example_analysis("deadlift")).drop(
        columns="MEAN_CONCENTRIC_VELOCITY_M_PER_S"
    )
    fig = plot_dashboard(no_velocity)
    assert fig.axes[3].get_title(loc="left") == "Knee angle (smallest) per rep"


def test_dashboard_numbers_stay_in_their_columns() -> None:
    # The squat's key metric has a long name ("Squat depth (thigh vs horizontal)").
    from guru_form import sample_analysis

    fig = plot_dashboard(flag_depth(reps_frame(sample_analysis("squat")), 0.0), target=(-20, 0))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    (table,) = [t for ax in fig.axes for t in ax.tables]
    cells = table.get_celld()
    rows = sorted({r for r, _ in cells})
    names = [cells[r, 0].get_text().get_text() for r in rows]
    assert "Squat depth (thigh vs horizontal)" in names
    for r in rows:
        text = cells[r, 0].get_text().get_window_extent(renderer)
        boundary = cells[r, 1].get_window_extent(renderer).x0
        assert text.x1 <= boundary, f"{names[r]!r} runs into the value column"
        value = cells[r, 1].get_text().get_window_extent(renderer)
        assert value.x1 <= fig.bbox.x1


def test_charts_draw_on_a_given_axes() -> None:
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(1, 2)
    df = reps_frame(example_analysis("squat"))
    assert plot_metric(df, ax=axes[0]) is axes[0]
    assert plot_tempo(df, ax=axes[1]) is axes[1]
    assert len(plt.get_fignums()) == 1


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(InvalidInputError, match="reps_frame"):
        plot_metric(pd.DataFrame({"x": [1]}))
    with pytest.raises(InvalidInputError, match="no analysis_type"):
        plot_session_comparison(combine(example_sessions(sessions=2)), "NOPE")
    with pytest.raises(InvalidInputError, match="kind"):
        plot_session_comparison(combine(example_sessions(sessions=2)), "X", kind="violin")  # type: ignore[arg-type]
