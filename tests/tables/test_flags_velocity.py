"""Flags and velocity loss against hand-computed values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from guru_form import Analysis
from guru_form.errors import InvalidInputError
from guru_form.tables import (
    combine,
    counted_reps,
    flag_depth,
    flag_drift,
    flag_lockout,
    flag_tempo,
    flag_threshold,
    flag_velocity_loss,
    reps_frame,
    set_summary,
    set_velocity_loss,
    velocity_loss,
)
from guru_form.tables.flags import flag_columns

V = "MEAN_CONCENTRIC_VELOCITY_M_PER_S"


def test_depth_flag_uses_the_activity_column(squat: Analysis) -> None:
    df = flag_depth(reps_frame(squat), 0.0)
    assert df["flag_shallow"].tolist() == [False, True, True]
    assert df["flag_shallow"].dtype == bool
    assert flag_columns(df) == ["flag_shallow"]


def test_lockout_flag_for_deadlift(deadlift: Analysis) -> None:
    df = flag_lockout(reps_frame(deadlift), 170.0, margin=0)
    assert df["flag_soft_lockout"].tolist() == [False, True]
    # 1.5 deg short of 170 is within the deadlift's measured repeatability: borderline.
    measured = flag_lockout(reps_frame(deadlift), 170.0)
    assert measured["flag_soft_lockout"].tolist() == [False, False]
    assert measured["borderline_soft_lockout"].tolist()[1]


def test_depth_flag_needs_a_column_when_activity_has_none(deadlift: Analysis) -> None:
    with pytest.raises(InvalidInputError, match="pass column="):
        flag_depth(reps_frame(deadlift), 0.0)


def test_threshold_nan_is_never_flagged(squat: Analysis) -> None:
    df = flag_threshold(reps_frame(squat), "TRUNK_LEAN_DEGREES", above=45.0, below=39.0)
    assert df["flag_trunk_lean_degrees"].tolist() == [False, False, True]
    with pytest.raises(InvalidInputError, match="above=, below="):
        flag_threshold(df, "TRUNK_LEAN_DEGREES")
    with pytest.raises(InvalidInputError, match="start with 'flag_'"):
        flag_threshold(df, "TRUNK_LEAN_DEGREES", above=1, name="lean")


def test_tempo_flag_relative_and_absolute(squat: Analysis) -> None:
    df = reps_frame(squat)  # durations 2.25, 2.0, 3.0; median 2.25
    assert flag_tempo(df, 0.2, margin=0)["flag_tempo"].tolist() == [False, False, True]  # +-0.45 s
    assert flag_tempo(df, 0.2, relative=False, margin=0)["flag_tempo"].tolist() == [
        False,
        True,
        True,
    ]
    ecc = flag_tempo(df, 0.1, column="eccentric_s", margin=0)["flag_tempo"]  # 1.5, 1.5, 1.8
    assert ecc.tolist() == [False, False, True]


def test_tempo_flag_per_session(squat: Analysis, deadlift: Analysis) -> None:
    wide = combine({"s": squat, "d": deadlift}, wide=True)
    with pytest.raises(InvalidInputError, match="by='session'"):
        flag_tempo(wide, 0.2)
    flagged = flag_tempo(wide, 0.1, by="session", margin=0)
    # squat 2.25, 2.0, 3.0: median 2.25, +-0.225 s -> reps 2 and 3;
    # deadlift 3.0, 3.5: median 3.25, +-0.325 s -> neither (one median would flag them all)
    assert flagged["flag_tempo"].tolist() == [False, True, True, False, False]


def test_drift_by_hand() -> None:
    df = pd.DataFrame({"rep": [3, 1, 2, 4], "X_DEGREES": [43.0, 38.0, 40.0, 30.0]})
    # baseline = mean(38, 40) = 39; changes (rep order) 0 -1 +1 +4 -9 ... in frame order: +4,-1,+1,-9
    out = flag_drift(df, "X_DEGREES", 3.5)
    assert out["flag_x_degrees_drift"].tolist() == [True, False, False, True]
    up = flag_drift(df, "X_DEGREES", 3.5, direction="increase")
    assert up["flag_x_degrees_drift"].tolist() == [True, False, False, False]
    rel = flag_drift(df, "X_DEGREES", 20.0, relative=True, direction="decrease", name="flag_drop")
    assert rel["flag_drop"].tolist() == [False, False, False, True]  # -9/39 = -23 %
    one = flag_drift(df, "X_DEGREES", 1.5, baseline_reps=1)  # baseline 38
    assert one["flag_x_degrees_drift"].tolist() == [True, False, True, True]


def test_drift_rejects_bad_arguments() -> None:
    df = pd.DataFrame({"rep": [1], "X": [1.0]})
    with pytest.raises(InvalidInputError, match="baseline_reps"):
        flag_drift(df, "X", 1, baseline_reps=0)
    with pytest.raises(InvalidInputError, match="direction"):
        flag_drift(df, "X", 1, direction="up")  # type: ignore[arg-type]


def _velocities(values: list[float], reps: list[int] | None = None) -> pd.DataFrame:
    return pd.DataFrame({"rep": reps or list(range(1, len(values) + 1)), V: values})


def test_velocity_loss_against_best_so_far() -> None:
    df = _velocities([0.70, 0.80, 0.72, 0.60, math.nan, 0.56])
    loss = velocity_loss(df)["velocity_loss_percent"].tolist()
    expected = [0.0, 0.0, 10.0, 25.0, math.nan, 30.0]
    for got, want in zip(loss, expected, strict=True):
        assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want)
    assert set_velocity_loss(df) == pytest.approx(30.0)


def test_velocity_loss_against_first_rep_and_unsorted_rows() -> None:
    df = _velocities([0.60, 0.80, 0.70], reps=[3, 1, 2])
    out = velocity_loss(df, reference="first")
    assert out["velocity_loss_percent"].tolist() == pytest.approx([25.0, 0.0, 12.5])
    assert set_velocity_loss(df, reference="first") == pytest.approx(25.0)


def test_set_velocity_loss_per_session_and_bh_column() -> None:
    bh = "MEAN_CONCENTRIC_VELOCITY_BH_PER_S"
    df = pd.DataFrame(
        {
            "athlete": ["A", "A", "B", "B", "B"],
            "rep": [1, 2, 1, 2, 3],
            bh: [0.2, 0.15, 0.3, 0.33, 0.3],
        }
    )
    loss = set_velocity_loss(df, by="athlete")
    assert loss.to_dict() == pytest.approx({"A": 25.0, "B": 100 * 0.03 / 0.33})
    assert math.isnan(set_velocity_loss(_velocities([math.nan])))


def test_velocity_errors() -> None:
    with pytest.raises(InvalidInputError, match="no velocity column"):
        velocity_loss(pd.DataFrame({"rep": [1], "X": [1.0]}))
    with pytest.raises(InvalidInputError, match="reference"):
        velocity_loss(_velocities([1.0]), reference="worst")  # type: ignore[arg-type]


def test_velocity_loss_flag() -> None:
    out = flag_velocity_loss(_velocities([0.8, 0.7, 0.6]), 20.0, margin=0)
    assert out["flag_velocity_loss"].tolist() == [False, False, True]
    assert out["velocity_loss_percent"].tolist() == pytest.approx([0.0, 12.5, 25.0])


def test_flags_do_not_modify_their_input(squat: Analysis) -> None:
    df = reps_frame(squat)
    before = df.copy()
    flag_depth(df, 0.0)
    pd.testing.assert_frame_equal(df, before)


def test_outlier_reps_are_left_out_of_the_set_figures() -> None:
    # Rep 2 (a partial rep, fast) is never the reference; rep 4 ran into the next movement: the
    # set's loss is rep 3's against rep 1, and each rep still has its own loss.
    df = _velocities([0.50, 0.90, 0.45, 0.30]).assign(
        outlier=[None, "partial", None, "runs_into_next_movement"]
    )
    loss = velocity_loss(df)["velocity_loss_percent"].tolist()
    assert loss == pytest.approx([0.0, -80.0, 10.0, 40.0])
    assert set_velocity_loss(df) == pytest.approx(10.0)
    assert set_velocity_loss(df, reference="first") == pytest.approx(10.0)
    both = pd.concat([df.assign(s="a"), df.assign(s="b", outlier=None)])
    assert set_velocity_loss(both, by="s").to_dict() == pytest.approx(
        {"a": 10.0, "b": 100 * (0.9 - 0.3) / 0.9}
    )
    assert counted_reps(df).tolist() == [True, False, True, False]
    assert counted_reps(df.drop(columns="outlier")).all()


def test_reps_frame_carries_the_engines_outlier_marks(squat: Analysis) -> None:
    assert "outlier" not in reps_frame(squat).columns  # no marks, no column
    marked = Analysis.from_json(squat.to_json())
    # Rep.outlier is the local pose engine's mark (set as the engine does on its Rep objects).
    object.__setattr__(marked.reps[-1], "outlier", "runs_into_next_movement")
    frame = reps_frame(marked)
    assert frame["outlier"].tolist() == [None] * (len(frame) - 1) + ["runs_into_next_movement"]
    summary = set_summary(frame.assign(**{V: range(len(frame), 0, -1)}))
    assert int(summary["reps_left_out"].iloc[0]) == 1
    # the last counted rep (the one before) against the fastest (rep 1)
    n = len(frame)
    assert float(summary["velocity_loss_percent"].iloc[0]) == pytest.approx(100 * (n - (2)) / n)
