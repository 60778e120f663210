"""summarize and set_summary against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from guru_form import Analysis
from guru_form.errors import InvalidInputError
from guru_form.tables import analyses_frame, combine, reps_frame, set_summary, summarize


def test_metric_summary_by_hand(squat: Analysis) -> None:
    s = summarize(squat)
    depth = s.loc["HIP_KNEE_ANGLE_DEGREES"]
    # values -4, 2, 6 at reps 1, 2, 3
    assert depth["unit"] == "deg"
    assert depth["count"] == 3
    assert depth["mean"] == pytest.approx(4 / 3)
    assert depth["std"] == pytest.approx(np.std([-4, 2, 6], ddof=1))
    assert (depth["min"], depth["max"]) == (-4.0, 6.0)
    assert depth["slope_per_rep"] == pytest.approx(5.0)  # least squares through (1,-4),(2,2),(3,6)
    assert depth["first_last_change_percent"] == pytest.approx(100 * (6 - -4) / 4)
    assert depth["cv_percent"] == pytest.approx(100 * depth["std"] / (4 / 3))


def test_missing_values_are_skipped(squat: Analysis) -> None:
    lean = summarize(squat).loc["TRUNK_LEAN_DEGREES"]
    # reps 1 and 3 only: slope (46-40)/(3-1) = 3 per rep
    assert lean["count"] == 2
    assert lean["slope_per_rep"] == pytest.approx(3.0)
    assert lean["first_last_change_percent"] == pytest.approx(15.0)
    one = summarize(squat).loc["BAR_TILT_CM"]
    assert one["count"] == 1 and math.isnan(one["slope_per_rep"]) and math.isnan(one["std"])


def test_metrics_listed_in_column_order_with_tempo_first(squat: Analysis) -> None:
    s = summarize(squat)
    assert list(s.index) == [
        "duration_s",
        "eccentric_s",
        "concentric_s",
        "HIP_KNEE_ANGLE_DEGREES",
        "TRUNK_LEAN_DEGREES",
        "BAR_TILT_CM",
    ]
    assert s.loc["duration_s", "unit"] == "s"
    assert list(s.columns) == [
        "unit",
        "count",
        "mean",
        "std",
        "min",
        "max",
        "cv_percent",
        "slope_per_rep",
        "first_last_change_percent",
    ]


def test_first_value_zero_gives_nan_change() -> None:
    df = pd.DataFrame({"rep": [1, 2], "X_DEGREES": [0.0, 5.0]})
    assert math.isnan(summarize(df).loc["X_DEGREES", "first_last_change_percent"])


def test_per_session(squat: Analysis, deadlift: Analysis) -> None:
    s = summarize({"a": squat, "b": deadlift})
    assert s.index.names == ["session", "metric"]
    assert s.loc[("b", "LOCKOUT_HIP_ANGLE_DEGREES"), "slope_per_rep"] == pytest.approx(-7.5)
    assert ("a", "LOCKOUT_HIP_ANGLE_DEGREES") not in s.index


def test_empty_analysis_lists_metrics_with_zero_count() -> None:
    s = summarize(Analysis.from_json({"status": "Pending"}))
    assert list(s.index) == ["duration_s", "eccentric_s", "concentric_s"]
    assert s["count"].tolist() == [0, 0, 0]


def test_set_summary_by_hand(squat: Analysis) -> None:
    row = set_summary(squat).iloc[0]
    # durations 2.25, 2.0, 3.0 s; first start 1000, last end 12000
    assert row["rep_count"] == 3
    assert row["time_under_tension_s"] == pytest.approx(7.25)
    assert row["set_duration_s"] == pytest.approx(11.0)
    assert row["between_reps_s"] == pytest.approx(3.75)
    assert row["mean_eccentric_s"] == pytest.approx((1.5 + 1.5 + 1.8) / 3)
    assert row["mean_concentric_s"] == pytest.approx((0.75 + 0.5 + 1.2) / 3)
    assert "velocity_loss_percent" not in row.index


def test_set_summary_per_session_and_empty(squat: Analysis, deadlift: Analysis) -> None:
    per = set_summary({"a": squat, "b": deadlift})
    assert per["rep_count"].to_dict() == {"a": 3, "b": 2}
    empty = set_summary(Analysis.from_json({"status": "Pending"}))
    assert empty["rep_count"].tolist() == [0] and math.isnan(empty["set_duration_s"].item())


def test_long_frame_and_mixed_sets_are_refused(squat: Analysis, deadlift: Analysis) -> None:
    with pytest.raises(InvalidInputError, match="long frame"):
        summarize(analyses_frame(squat))
    with pytest.raises(InvalidInputError, match="several sets"):
        summarize(combine([squat, deadlift], wide=True))
    with pytest.raises(InvalidInputError, match="no column"):
        summarize(reps_frame(squat), metrics=["NOPE"])
