"""reps_frame and analyses_frame against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from guru_form import Analysis, Rep, Status
from guru_form.errors import InvalidInputError
from guru_form.tables import LONG_COLUMNS, REP_COLUMNS, analyses_frame, reps_frame

EXPECTED_DTYPES = {
    "rep": "int64",
    "start_ms": "int64",
    "mid_ms": "int64",
    "end_ms": "int64",
    "duration_s": "float64",
    "eccentric_s": "float64",
    "concentric_s": "float64",
}


def test_columns_in_design_order_and_reps_sorted_by_start(squat: Analysis) -> None:
    df = reps_frame(squat)
    assert list(df.columns) == [
        *REP_COLUMNS,
        "HIP_KNEE_ANGLE_DEGREES",
        "TRUNK_LEAN_DEGREES",
        "BAR_TILT_CM",
    ]
    assert df["rep"].tolist() == [1, 2, 3]
    assert df["start_ms"].tolist() == [1000, 5000, 9000]
    assert df["HIP_KNEE_ANGLE_DEGREES"].tolist() == [-4.0, 2.0, 6.0]
    assert {c: str(df[c].dtype) for c in REP_COLUMNS} == EXPECTED_DTYPES


def test_squat_phases_by_hand(squat: Analysis) -> None:
    df = reps_frame(squat)
    # rep 1: 1000 -> 2500 (down 1.5 s) -> 3250 (up 0.75 s)
    assert df.loc[0, ["duration_s", "eccentric_s", "concentric_s"]].tolist() == [2.25, 1.5, 0.75]
    # rep 3: 9000 -> 10800 -> 12000
    assert df.loc[2, ["duration_s", "eccentric_s", "concentric_s"]].tolist() == [3.0, 1.8, 1.2]


def test_deadlift_phases_are_reversed(deadlift: Analysis) -> None:
    df = reps_frame(deadlift)
    # rep 1: up 0 -> 1200 (concentric 1.2 s), lockout, down 1200 -> 3000 (eccentric 1.8 s)
    assert df["concentric_s"].tolist() == [1.2, 1.5]
    assert df["eccentric_s"].tolist() == [1.8, 2.0]
    assert df["duration_s"].tolist() == [3.0, 3.5]


def test_missing_analysis_is_nan_and_unknown_type_is_kept(squat: Analysis) -> None:
    df = reps_frame(squat)
    assert math.isnan(df.loc[1, "TRUNK_LEAN_DEGREES"])
    assert df["TRUNK_LEAN_DEGREES"].tolist()[::2] == [40.0, 46.0]
    assert df["BAR_TILT_CM"].isna().tolist() == [True, True, False]
    assert df["BAR_TILT_CM"].dtype == np.float64


def test_null_scalar_is_nan_in_both_frames() -> None:
    a = Analysis.from_json(
        {
            "status": "Complete",
            "activity": "push_up",
            "reps": [
                {
                    "startTimestampMs": 0,
                    "midTimestampMs": 1,
                    "endTimestampMs": 2,
                    "analyses": [{"analysisType": "ELBOW_ANGLE_DEGREES", "analysisScalar": None}],
                }
            ],
        }
    )
    assert math.isnan(reps_frame(a).loc[0, "ELBOW_ANGLE_DEGREES"])
    long = analyses_frame(a)
    assert len(long) == 1 and math.isnan(long.loc[0, "value"])


@pytest.mark.parametrize(
    "analysis",
    [
        Analysis.from_json({"status": "Pending"}),
        Analysis.from_json({"status": "Failed", "reason": "no person"}),
        Analysis.from_json({"status": "Complete", "activity": "squat", "reps": []}),
    ],
    ids=["pending", "failed", "no-reps"],
)
def test_empty_analysis_gives_empty_frames_with_same_columns_and_dtypes(
    analysis: Analysis, squat: Analysis
) -> None:
    df = reps_frame(analysis)
    assert df.empty and list(df.columns) == list(REP_COLUMNS)
    full = reps_frame(squat)
    assert df.dtypes.to_dict() == full[list(REP_COLUMNS)].dtypes.to_dict()
    long = analyses_frame(analysis)
    assert long.empty and list(long.columns) == list(LONG_COLUMNS)
    # same dtypes (a categorical's categories are the types present, so none here)
    assert long.dtypes.astype(str).to_dict() == {
        "rep": "int64",
        "analysis_type": "category",
        "value": "float64",
    }
    assert long.dtypes.astype(str).equals(analyses_frame(squat).dtypes.astype(str))


def test_unknown_activity_leaves_phases_nan_and_activity_fills_in() -> None:
    a = Analysis(None, Status.COMPLETE, reps=[Rep(0, 1000, 1500, {"X_DEGREES": 1.0})])
    df = reps_frame(a)
    assert df["duration_s"].tolist() == [1.5]
    assert df[["eccentric_s", "concentric_s"]].isna().all(axis=None)
    filled = reps_frame(a, activity="deadlift")
    assert (filled.loc[0, "eccentric_s"], filled.loc[0, "concentric_s"]) == (0.5, 1.0)
    assert filled.attrs["activity"] == "deadlift"


def test_activity_argument_cannot_contradict_the_analysis(squat: Analysis) -> None:
    with pytest.raises(InvalidInputError, match="reports activity 'squat'"):
        reps_frame(squat, activity="deadlift")
    assert reps_frame(squat, activity="squat").equals(reps_frame(squat))


def test_ties_in_start_are_broken_by_mid_then_end() -> None:
    a = Analysis(
        None,
        Status.COMPLETE,
        reps=[Rep(0, 900, 2000, {"A": 2.0}), Rep(0, 800, 2000, {"A": 1.0})],
    )
    assert reps_frame(a)["A"].tolist() == [1.0, 2.0]


def test_long_frame_by_hand(squat: Analysis) -> None:
    long = analyses_frame(squat)
    assert list(long.columns) == ["rep", "analysis_type", "value"]
    assert long["rep"].tolist() == [1, 1, 2, 3, 3, 3]
    assert long["analysis_type"].astype(str).tolist() == [
        "HIP_KNEE_ANGLE_DEGREES",
        "TRUNK_LEAN_DEGREES",
        "HIP_KNEE_ANGLE_DEGREES",
        "HIP_KNEE_ANGLE_DEGREES",
        "TRUNK_LEAN_DEGREES",
        "BAR_TILT_CM",
    ]
    assert long["value"].tolist() == [-4.0, 40.0, 2.0, 6.0, 46.0, 1.5]
    assert isinstance(long["analysis_type"].dtype, pd.CategoricalDtype)


def test_attrs_and_to_frame(squat: Analysis) -> None:
    df = squat.to_frame()
    assert df.attrs == {"video_id": "sq1", "activity": "squat", "status": "Complete"}
    assert df.equals(reps_frame(squat))


def test_json_dict_is_accepted_and_other_input_is_refused(squat: Analysis) -> None:
    assert reps_frame(squat.to_json()).equals(reps_frame(squat))
    with pytest.raises(InvalidInputError, match="takes an Analysis"):
        reps_frame([1, 2, 3])  # type: ignore[arg-type]


def test_analysis_type_named_like_a_fixed_column_is_refused() -> None:
    a = Analysis(None, Status.COMPLETE, reps=[Rep(0, 1, 2, {"duration_s": 9.0})])
    with pytest.raises(InvalidInputError, match="clashes with a fixed column"):
        reps_frame(a)
