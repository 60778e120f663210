"""compare_reps: matching reps to a reference and measuring the differences, by hand."""

from __future__ import annotations

import pytest

from guru_form import Analysis, Rep, Status
from guru_form.tables import compare_reps


def _analysis(*reps: Rep) -> Analysis:
    return Analysis(video_id="v", status=Status.COMPLETE, reps=list(reps))


def test_matches_by_turning_point_and_measures_errors() -> None:
    truth = _analysis(
        Rep(0, 1000, 2000, {"KNEE_ANGLE_DEGREES": 80.0, "ONLY_TRUTH": 1.0}),
        Rep(3000, 4000, 5000, {"KNEE_ANGLE_DEGREES": 90.0}),
    )
    found = _analysis(
        Rep(3100, 4033, 4900, {"KNEE_ANGLE_DEGREES": 93.0}),  # out of order on purpose
        Rep(-33, 967, 2066, {"KNEE_ANGLE_DEGREES": 78.0}),
        Rep(6000, 6500, 7000, {}),  # a rep the truth does not have
    )
    comp = compare_reps(found, truth)
    assert comp.reps["rep"].tolist() == [1, 2]
    assert comp.reps["mid_error_ms"].tolist() == [-33, 33]
    assert comp.reps["start_error_ms"].tolist() == [-33, 100]
    assert comp.reps["KNEE_ANGLE_DEGREES_error"].tolist() == [-2, 3]
    assert "ONLY_TRUTH_error" not in comp.reps
    assert (comp.found_count, comp.reference_count) == (3, 2)
    assert (comp.unmatched_found, comp.unmatched_reference) == (1, 0)
    assert not comp.count_exact
    errors = comp.mean_abs_errors()
    assert errors["mid_error_ms"] == 33 and errors["KNEE_ANGLE_DEGREES_error"] == pytest.approx(2.5)


def test_missed_reps_and_empty_analyses() -> None:
    truth = _analysis(Rep(0, 500, 1000), Rep(2000, 2500, 3000))
    comp = compare_reps(_analysis(Rep(1900, 2400, 3100)), truth)
    assert comp.unmatched_reference == 1 and comp.reps["rep"].tolist() == [2]
    empty = compare_reps(_analysis(), truth)
    assert len(empty.reps) == 0 and empty.unmatched_reference == 2
    assert list(empty.reps.columns) == ["rep", "start_error_ms", "mid_error_ms", "end_error_ms"]
