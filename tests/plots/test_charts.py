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
from matplotlib.lines import Line2D
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
from guru_form.plots.markers import FLAG_MARKERS, flag_marker
from guru_form.tables import (
    combine,
    flag_depth,
    flag_drift,
    flag_lockout,
    flag_tempo,
    flag_threshold,
    flag_velocity_loss,
    reps_frame,
)
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


def _lane(ax: Axes) -> dict[str, Line2D]:
    """The flag lane's rows by legend label: ``{"Shallow (2 reps)": Line2D, ...}``."""
    return {
        str(line.get_label()): line
        for line in ax.get_lines()
        if not str(line.get_label()).startswith("_") and line.get_linestyle() == "None"
    }


def _flagged(frame: pd.DataFrame, flag: str) -> list[int]:
    return frame.loc[frame[flag], "rep"].astype(int).tolist()


def test_metric_marks_exactly_the_flagged_reps() -> None:
    df = flag_depth(reps_frame(example_analysis("squat", seed=3)), 0.0, margin=0)
    ax = plot_metric(df)
    flagged = _flagged(df, "flag_shallow")
    (row,) = _lane(ax).values()
    assert row.get_label() == f"Shallow ({len(flagged)} reps)"
    assert row.get_xdata().tolist() == flagged
    assert (row.get_marker(), row.get_color()) == ("v", FLAG_MARKERS["flag_shallow"].color)
    assert [int(t) for t in ax.get_xticks()] == list(range(1, 11))
    assert ax.get_title(loc="left") == "Squat depth (thigh vs horizontal) per rep"
    assert row.get_label() in [t.get_text() for t in ax.get_legend().get_texts()]


def test_flags_argument_choices() -> None:
    df = flag_depth(reps_frame(example_analysis("squat")), 0.0, margin=0)
    assert not _lane(plot_metric(df, flags=False))
    ax = plot_metric(df, flags={"flag_shallow": "Above parallel"})
    assert [label.split(" (")[0] for label in _lane(ax)] == ["Above parallel"]
    with pytest.raises(InvalidInputError, match="no flag column"):
        plot_metric(df, flags=["flag_nope"])


def _all_flags(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Every flag guru_form makes, plus a drift and a custom one, added in ``order``."""
    make = {
        "depth": lambda f: flag_depth(f, 0.0, margin=0),
        "tempo": lambda f: flag_tempo(f, 0.05, margin=0),
        "velocity": lambda f: flag_velocity_loss(f, 5, margin=0),
        "drift": lambda f: flag_drift(f, "TRUNK_LEAN_DEGREES", 1.0, margin=0),
        "custom": lambda f: flag_threshold(
            f, "KNEE_ANGLE_DEGREES", above=60, name="flag_knee_open", margin=0
        ),
    }
    for name in order:
        frame = make[name](frame)
    return frame


@pytest.mark.parametrize(
    "order",
    [
        ["depth", "tempo", "velocity", "drift", "custom"],
        ["custom", "drift", "velocity", "tempo", "depth"],
    ],
)
def test_a_flag_looks_the_same_on_every_chart(order: list[str]) -> None:
    df = _all_flags(reps_frame(example_analysis("squat", seed=3)), order)
    axes = [
        plot_metric(df, flags=True),
        plot_metric(df, "KNEE_ANGLE_DEGREES", flags=True),
        plot_tempo(df, flags=True),
        plot_timeline(df, flags=True),
    ]
    fig = plot_dashboard(df, flags=True)
    axes += [a for a in fig.axes if _lane(a)]
    seen: dict[str, tuple[str, str]] = {}
    for ax in axes:
        for label, row in _lane(ax).items():
            name = label.split(" (")[0].removesuffix(", borderline")
            look = (str(row.get_marker()), str(row.get_markeredgecolor()).lower())
            assert seen.setdefault(name, look) == look, f"{name} changes look on {ax.get_title()!r}"
    assert seen["Shallow"] == ("v", FLAG_MARKERS["flag_shallow"].color.lower())
    assert seen["Tempo"] == ("D", FLAG_MARKERS["flag_tempo"].color.lower())
    assert seen["Velocity loss"] == ("s", FLAG_MARKERS["flag_velocity_loss"].color.lower())
    assert seen["Trunk lean drift"][0] == "h" and seen["Knee open"] == (
        flag_marker("flag_knee_open").marker,
        flag_marker("flag_knee_open").color.lower(),
    )
    assert len(set(seen.values())) == len(seen), "two flag types share a look"


def test_each_chart_shows_only_the_flags_of_what_it_measures() -> None:
    df = _all_flags(reps_frame(example_analysis("squat", seed=3)), ["depth", "tempo", "drift"])
    assert df[["flag_shallow", "flag_tempo"]].any().all()
    names = lambda ax: {label.split(" (")[0] for label in _lane(ax)}  # noqa: E731
    assert names(plot_metric(df)) == {"Shallow"}
    assert names(plot_tempo(df)) == {"Tempo"}  # no "shallow" marks on the tempo chart
    assert names(plot_metric(df, "TRUNK_LEAN_DEGREES")) == {"Trunk lean drift"}
    assert names(plot_metric(df, "KNEE_ANGLE_DEGREES")) == set()
    assert names(plot_timeline(df)) == set()
    fig = plot_dashboard(df)
    by_title = {a.get_title(loc="left"): names(a) for a in fig.axes}
    assert by_title["Tempo per rep"] == {"Tempo"}
    assert by_title["Reps over the video"] == set()


def test_legends_list_only_flags_a_rep_tripped() -> None:
    df = reps_frame(example_analysis("deadlift", seed=1))
    df = flag_lockout(df, 100.0, margin=0)  # no rep below 100 deg
    df = flag_tempo(df, 0.05, margin=0)
    assert not df["flag_soft_lockout"].any() and df["flag_tempo"].any()
    for ax in (plot_metric(df, flags=True), plot_tempo(df, flags=True)):
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        assert not [t for t in texts if t.startswith("Soft lockout")], texts
        assert not [t for t in texts if "(0 reps)" in t], texts


def test_borderline_reps_are_open_markers() -> None:
    df = pd.DataFrame({"rep": [1, 2, 3, 4], "HIP_KNEE_ANGLE_DEGREES": [-9.0, -1.0, 1.5, 9.0]})
    df.attrs["activity"] = "squat"
    ax = plot_metric(flag_depth(df, 0.0, margin=2.0))
    rows = _lane(ax)
    assert set(rows) == {"Shallow (1 rep)", "Shallow, borderline (2 reps)"}
    assert rows["Shallow (1 rep)"].get_xdata().tolist() == [4]
    open_row = rows["Shallow, borderline (2 reps)"]
    assert open_row.get_xdata().tolist() == [2, 3]
    assert open_row.get_markerfacecolor() == "white"


@pytest.mark.parametrize("chart", ["metric", "tempo", "timeline"])
@pytest.mark.parametrize("reps", [5, 12])
def test_flag_marks_never_cover_a_value_label_or_the_title(chart: str, reps: int) -> None:
    df = reps_frame(example_analysis("push_up", reps=reps, seed=2))
    df = _all_flags(df.assign(TRUNK_LEAN_DEGREES=0.0), ["depth", "tempo", "velocity"])
    df = df.assign(flag_shallow=True, flag_tempo=True, flag_velocity_loss=True)  # every rep, thrice
    ax = {
        "metric": lambda: plot_metric(df, flags=True, target=(60, 90)),
        "tempo": lambda: plot_tempo(df, flags=True),
        "timeline": lambda: plot_timeline(df, flags=True),
    }[chart]()
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = [t.get_window_extent(renderer) for t in ax.texts]
    texts.append(ax.title.get_window_extent(renderer))
    texts.append(ax._left_title.get_window_extent(renderer))
    assert len(texts) >= reps
    plot_top = ax.get_window_extent(renderer).y1
    rows = _lane(ax)
    assert len(rows) == 3
    for row in rows.values():
        marks = row.get_transform().transform(np.column_stack([row.get_xdata(), row.get_ydata()]))
        half = row.get_markersize() / 2 * fig.dpi / 72 + 1
        for mx, my in marks:
            assert my - half >= plot_top, "a flag mark sits on the data"
            for box in texts:
                clear = (
                    mx + half <= box.x0
                    or mx - half >= box.x1
                    or my + half <= box.y0
                    or my - half >= box.y1
                )
                assert clear, f"a flag mark at ({mx:.0f}, {my:.0f}) covers text {box}"


def test_tempo_without_activity_draws_whole_reps() -> None:
    a = example_analysis("squat", reps=3)
    unknown = Analysis.from_json({**a.to_json(), "activity": None, "domain": None})
    ax = plot_tempo(reps_frame(unknown))
    assert "Whole rep (phases unknown)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_velocity_marks_reps_past_the_threshold() -> None:
    df = reps_frame(example_analysis("squat", seed=3))
    ax = plot_velocity(df, loss_threshold=20, margin=0)
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
    ax = plot_velocity(df, loss_threshold=20, reference=reference, margin=0)  # type: ignore[arg-type]
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


def test_velocity_labels_name_one_fastest_rep_and_every_other_loss() -> None:
    # Reps 1 and 2 are each the best so far (a loss of 0): only the set's fastest says so.
    v = [0.16, 0.18, 0.167, 0.104, 0.18]
    df = pd.DataFrame({"rep": range(1, 6), "MEAN_CONCENTRIC_VELOCITY_BH_PER_S": v})
    ax = plot_velocity(df, loss_threshold=20, margin=0)
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["0 %", "fastest", "−7 %", "−42 %", "0 %"]


def test_velocity_borderline_bars_are_outlined() -> None:
    v = [0.50, 0.41, 0.39, 0.30]  # losses 0, 18, 22, 40 %
    df = pd.DataFrame({"rep": range(1, 5), "MEAN_CONCENTRIC_VELOCITY_M_PER_S": v})
    ax = plot_velocity(df, loss_threshold=20, margin=3)
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and np.isfinite(p.get_height())]
    by_rep = {round(b.get_x() + b.get_width() / 2): b for b in bars}
    assert by_rep[4].get_hatch() and not by_rep[2].get_hatch() and not by_rep[3].get_hatch()
    assert by_rep[2].get_facecolor()[:3] == by_rep[3].get_facecolor()[:3] == (1.0, 1.0, 1.0)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Borderline: within 3 % of the stop line" in legend


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
