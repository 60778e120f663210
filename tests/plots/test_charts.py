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
    for ax in axes:
        assert ax.get_xlabel(), f"{name}: x axis has no label"
        if ax.get_yticks().size and ax.get_ylabel():
            assert "(" in ax.get_ylabel(), f"{name}: y label {ax.get_ylabel()!r} has no unit"
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


def test_timeline_spans_match_the_reps() -> None:
    df = reps_frame(example_analysis("push_up", reps=4))
    ax = plot_timeline(df)
    starts = sorted(path.get_extents().x0 for path in ax.collections[0].get_paths())
    np.testing.assert_allclose(starts, df["start_ms"] / 1000)
    assert ax.get_xlabel() == "Video time (s)"


def test_dashboard_is_one_figure_from_an_analysis() -> None:
    fig = plot_dashboard(example_analysis("push_up"), target=(60, 90))
    assert isinstance(fig, Figure) and len(fig.axes) == 5
    assert fig.get_suptitle().startswith("Push-up · 12 reps")
    no_velocity = reps_frame(example_analysis("deadlift")).drop(
        columns="MEAN_CONCENTRIC_VELOCITY_M_PER_S"
    )
    fig = plot_dashboard(no_velocity)
    assert fig.axes[3].get_title(loc="left") == "Knee angle (smallest) per rep"


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
