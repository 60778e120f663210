"""Property tests: the wide and the long frames hold the same numbers, whatever the reps."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from guru_form import Activity, Analysis, Rep, Status, activities
from guru_form.tables import REP_COLUMNS, analyses_frame, combine, reps_frame

TYPES = ["HIP_KNEE_ANGLE_DEGREES", "KNEE_ANGLE_DEGREES", "NEW_METRIC_CM", "Z"]
values = st.one_of(st.just(math.nan), st.floats(min_value=-1e6, max_value=1e6))


@st.composite
def reps(draw: st.DrawFn) -> Rep:
    start = draw(st.integers(0, 600_000))
    mid = start + draw(st.integers(0, 5_000))
    end = mid + draw(st.integers(0, 5_000))
    names = draw(st.lists(st.sampled_from(TYPES), unique=True, max_size=len(TYPES)))
    return Rep(start, mid, end, {n: draw(values) for n in names})


@st.composite
def analyses(draw: st.DrawFn) -> Analysis:
    activity = draw(st.sampled_from([None, *Activity]))
    return Analysis(
        video_id=draw(st.one_of(st.none(), st.text(min_size=1, max_size=5))),
        status=Status.COMPLETE,
        activity=activity,
        reps=draw(st.lists(reps(), max_size=12)),
    )


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@settings(max_examples=150, deadline=None)
@given(analyses())
def test_wide_and_long_hold_the_same_numbers(analysis: Analysis) -> None:
    wide = reps_frame(analysis)
    long = analyses_frame(analysis)
    assert len(wide) == len(analysis.reps)
    assert len(long) == sum(len(r.analyses) for r in analysis.reps)
    # every long row is the wide cell at (rep, type)
    for rep_no, name, value in long.itertuples(index=False):
        assert _same(wide.loc[wide["rep"] == rep_no, str(name)].item(), value)
    # every wide cell is a long row, or NaN where the rep lacks the type
    present = {(r, str(t)) for r, t in zip(long["rep"], long["analysis_type"], strict=True)}
    for column in wide.columns[len(REP_COLUMNS) :]:
        for rep_no, cell in zip(wide["rep"], wide[column], strict=True):
            if (rep_no, column) not in present:
                assert math.isnan(cell)
    # the pivot of the long frame is the wide frame's analysis block
    if len(long):
        pivot = long.pivot(index="rep", columns="analysis_type", values="value")
        block = wide.set_index("rep")[list(pivot.columns.astype(str))]
        np.testing.assert_array_equal(pivot.to_numpy(), block.loc[pivot.index].to_numpy())


@settings(max_examples=150, deadline=None)
@given(analyses())
def test_rep_frame_invariants(analysis: Analysis) -> None:
    wide = reps_frame(analysis)
    assert wide["rep"].tolist() == list(range(1, len(wide) + 1))
    assert wide["start_ms"].is_monotonic_increasing
    assert np.allclose(wide["duration_s"], (wide["end_ms"] - wide["start_ms"]) / 1000)
    phases = wide["eccentric_s"] + wide["concentric_s"]
    if activities.find(analysis.activity) is None:
        assert phases.isna().all()  # no profile: which phase came first is not known
    else:
        assert np.allclose(phases, wide["duration_s"])


@settings(max_examples=60, deadline=None)
@given(st.lists(analyses(), max_size=5))
def test_combine_long_and_wide_agree(items: list[Analysis]) -> None:
    long = combine(items)
    wide = combine(items, wide=True)
    assert len(wide) == sum(len(a.reps) for a in items)
    melted = wide.melt(
        id_vars=["session", "rep"],
        value_vars=[
            c for c in wide.columns if c not in (*REP_COLUMNS, "session", "video_id", "activity")
        ],
        var_name="analysis_type",
    )
    keys = {
        (s, r, t)
        for s, r, t in zip(long["session"], long["rep"], long["analysis_type"], strict=True)
    }
    cells = {(s, r, t): v for s, r, t, v in melted.itertuples(index=False)}
    for s, r, t, v in long[["session", "rep", "analysis_type", "value"]].itertuples(index=False):
        assert _same(cells[(s, r, str(t))], v)
    for key, v in cells.items():
        if key not in {(s, r, str(t)) for s, r, t in keys}:
            assert math.isnan(v)
    assert isinstance(long["session"].dtype, pd.CategoricalDtype)
