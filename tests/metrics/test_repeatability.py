"""The borderline rule and the measured spreads it reads."""

from __future__ import annotations

import importlib
import json
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guru_form.errors import InvalidInputError
from guru_form.metrics import Threshold, margin_of, repeatability
from guru_form.metrics.repeatability import REPEATABILITY_FILE, _parse
from guru_form.tables import (
    flag_depth,
    flag_drift,
    flag_lockout,
    flag_tempo,
    flag_threshold,
    flag_velocity_loss,
)

LIMITS = [Threshold(high=0), Threshold(low=170), Threshold(60, 90)]


@pytest.mark.parametrize("threshold", LIMITS)
@given(value=st.floats(-400, 400), margin=st.floats(0.01, 30))
def test_judge_is_pass_or_fail_only_beyond_the_margin(
    threshold: Threshold, value: float, margin: float
) -> None:
    verdict = threshold.judge(value, margin)
    gap = threshold.distance(value)
    assert gap is not None
    if verdict == "borderline":
        assert abs(gap) <= margin
    else:
        assert abs(gap) > margin
        assert verdict == ("pass" if threshold.passes(value) else "fail")


@pytest.mark.parametrize("threshold", LIMITS)
@given(value=st.floats(-400, 400))
def test_judge_without_a_margin_is_passes(threshold: Threshold, value: float) -> None:
    assert threshold.judge(value) == ("pass" if threshold.passes(value) else "fail")


def test_judge_missing_and_bad_margin() -> None:
    assert Threshold(high=0).judge(float("nan"), 2.0) is None
    with pytest.raises(InvalidInputError, match="margin"):
        Threshold(high=0).judge(1.0, -1.0)


def test_the_shipped_file_reads_and_every_spread_is_sane() -> None:
    data = repeatability()
    for activity, metrics in data.spreads.items():
        for metric, kinds in metrics.items():
            assert set(kinds) <= {"stride", "retest"}, (activity, metric)
            for spread in kinds.values():
                assert spread.pairs > 0 and math.isfinite(spread.value) and spread.value >= 0
                assert spread.largest >= 0
            assert margin_of(metric, activity) == max(s.value for s in kinds.values())
    assert margin_of("NO_SUCH_METRIC", "squat") == 0.0


def test_margin_of_an_unknown_activity_is_the_largest_measured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = _parse(
        {
            "engine": "test",
            "measured": "2026-01-01",
            "clips": {"squat": ["a.mp4"], "push_up": ["b.mp4"]},
            "spreads": {
                "squat": {"duration_s": {"stride": {"spread": 0.1, "pairs": 4, "largest": 0.2}}},
                "push_up": {
                    "duration_s": {
                        "stride": {"spread": 0.3, "pairs": 9, "largest": 0.5},
                        "retest": {"spread": 0.05, "pairs": 9, "largest": 0.1},
                    }
                },
            },
        }
    )
    module = importlib.import_module("guru_form.metrics.repeatability")
    monkeypatch.setattr(module, "repeatability", lambda: fake)
    assert margin_of("duration_s", "squat") == 0.1
    assert margin_of("duration_s", "push_up") == 0.3
    assert margin_of("duration_s", None) == 0.3
    assert margin_of("duration_s", "deadlift") == 0.0


def test_a_broken_file_says_how_to_make_it_again() -> None:
    with pytest.raises(InvalidInputError, match=REPEATABILITY_FILE):
        _parse(json.loads('{"engine": "x", "spreads": {"squat": 3}}'))


def _frame(values: list[float], column: str, activity: str) -> pd.DataFrame:
    frame = pd.DataFrame({"rep": range(1, len(values) + 1), column: values})
    frame.attrs["activity"] = activity
    return frame


def test_every_flag_applies_the_rule_with_its_margin() -> None:
    depth = flag_depth(_frame([-5, -1, 1, 5], "HIP_KNEE_ANGLE_DEGREES", "squat"), 0, margin=2)
    assert depth["flag_shallow"].tolist() == [False, False, False, True]
    assert depth["borderline_shallow"].tolist() == [False, True, True, False]
    lockout = flag_lockout(_frame([175, 171, 168, 160], "LOCKOUT_HIP_ANGLE_DEGREES", "deadlift"),
                           170, margin=3)  # fmt: skip
    assert lockout["flag_soft_lockout"].tolist() == [False, False, False, True]
    assert lockout["borderline_soft_lockout"].tolist() == [False, True, True, False]
    band = flag_threshold(_frame([50, 61, 75, 89, 95], "ELBOW_ANGLE_DEGREES", "push_up"),
                          "ELBOW_ANGLE_DEGREES", above=90, below=60, margin=2)  # fmt: skip
    assert band["flag_elbow_angle_degrees"].tolist() == [True, False, False, False, True]
    assert band["borderline_elbow_angle_degrees"].tolist() == [False, True, False, True, False]
    tempo = flag_tempo(_frame([2.0, 2.0, 2.0, 2.45, 2.6], "duration_s", "squat"), 0.2, margin=0.1)
    assert tempo["flag_tempo"].tolist() == [False, False, False, False, True]
    assert tempo["borderline_tempo"].tolist() == [False, False, False, True, False]
    loss = flag_velocity_loss(_frame([1.0, 0.81, 0.78, 0.7], "MEAN_CONCENTRIC_VELOCITY_M_PER_S",
                                     "squat"), 20, margin=3)  # fmt: skip
    assert loss["flag_velocity_loss"].tolist() == [False, False, False, True]
    assert loss["borderline_velocity_loss"].tolist() == [False, True, True, False]
    drift = flag_drift(_frame([40, 40, 44, 46, 50], "TRUNK_LEAN_DEGREES", "squat"),
                       "TRUNK_LEAN_DEGREES", 5, margin=1.5)  # fmt: skip
    assert drift["flag_trunk_lean_degrees_drift"].tolist() == [False] * 4 + [True]
    assert drift["borderline_trunk_lean_degrees_drift"].tolist() == [
        False,
        False,
        True,
        True,
        False,
    ]


def test_measured_margin_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from guru_form.tables import flags

    monkeypatch.setattr(flags, "margin_of", lambda metric, activity: 2.0)
    frame = flag_depth(_frame([-5, -1, 1, 5], "HIP_KNEE_ANGLE_DEGREES", "squat"), 0)
    assert frame["borderline_shallow"].tolist() == [False, True, True, False]
    assert flag_depth(_frame([1.0], "HIP_KNEE_ANGLE_DEGREES", "squat"), 0, margin=0)[
        "flag_shallow"
    ].tolist() == [True]
    with pytest.raises(InvalidInputError, match="margin"):
        flag_depth(_frame([1.0], "HIP_KNEE_ANGLE_DEGREES", "squat"), 0, margin=-1)


#: The lifts' checks: (activity, the judged column). Their margins come from corpus clips.
LIFT_CHECKS = [
    ("bench_press", "ELBOW_ANGLE_DEGREES"),
    ("bench_press", "LOCKOUT_ELBOW_ANGLE_DEGREES"),
    ("deadlift", "LOCKOUT_HIP_ANGLE_DEGREES"),
]


@pytest.mark.parametrize(("activity", "column"), LIFT_CHECKS)
def test_the_lifts_checks_have_a_measured_margin(activity: str, column: str) -> None:
    spreads = repeatability().spreads[activity][column]
    assert set(spreads) == {"stride", "retest"}
    assert all(spread.pairs >= 20 for spread in spreads.values()), spreads
    assert margin_of(column, activity) > 0
    assert len(repeatability().clips[activity]) >= 3


@pytest.mark.parametrize(("activity", "column"), LIFT_CHECKS)
def test_a_lift_within_the_measured_margin_reads_borderline_in_the_report(
    activity: str, column: str
) -> None:
    from guru_form.metrics import default_thresholds, format_value, unit_of
    from guru_form.report.rules import apply_rules
    from guru_form.tables import reps_frame
    from guru_form.tables.examples import example_analysis

    margin = margin_of(column, activity)
    threshold = default_thresholds(activity)[column]
    limit, outward = (threshold.high, 1.0) if threshold.high is not None else (threshold.low, -1.0)
    assert limit is not None
    frame = reps_frame(example_analysis(activity)).head(4).copy()
    # Inside the limit by half the margin, beyond it by half, beyond by more, inside by more.
    steps = [-0.5 * margin, 0.5 * margin, margin + 0.5, -(margin + 0.5)]
    frame[column] = [limit + outward * step for step in steps]
    flagged, rules = apply_rules(
        frame, {column: threshold}, tempo_tolerance=None, velocity_loss_limit=None
    )
    (rule,) = rules
    assert rule.margin == margin
    assert flagged[rule.flag].tolist() == [False, False, True, False]
    assert flagged[rule.borderline].tolist() == [True, True, False, False]
    reasons = [rule.why(row) for _, row in flagged.iterrows()]
    shown = format_value(margin, unit_of(column))
    assert reasons[0] is not None and reasons[1] is not None
    assert reasons[0].endswith(f"borderline, the measurement repeats to ±{shown}")
    assert reasons[2] is not None and "borderline" not in reasons[2]
    assert reasons[3] is None
    # The flag functions of guru_form.tables apply the same measured margin by default.
    table = flag_threshold(
        frame, column, above=threshold.high, below=threshold.low, name="flag_check"
    )
    assert table["flag_check"].tolist() == [False, False, True, False]
    assert table["borderline_check"].tolist() == [True, True, False, False]
