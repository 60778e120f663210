"""combine: labels, categories, long and wide, and its agreement with the single-analysis frames."""

from __future__ import annotations

import pandas as pd
import pytest

from guru_form import Analysis
from guru_form.errors import InvalidInputError
from guru_form.tables import analyses_frame, combine, reps_frame


def test_mapping_labels_in_given_order(squat: Analysis, deadlift: Analysis) -> None:
    long = combine({"Thu": deadlift, "Mon": squat}, key="day")
    assert list(long.columns) == ["day", "video_id", "activity", "rep", "analysis_type", "value"]
    assert list(long["day"].cat.categories) == ["Thu", "Mon"]
    assert long["day"].astype(str).tolist() == ["Thu"] * 2 + ["Mon"] * 6
    assert long["video_id"].astype(str).tolist()[:3] == ["dl1", "dl1", "sq1"]
    assert long["activity"].astype(str).tolist()[:3] == ["deadlift", "deadlift", "squat"]
    per_day = long.groupby("day", observed=True)["value"].count()
    assert per_day.to_dict() == {"Thu": 2, "Mon": 6}


def test_iterable_is_numbered_from_one(squat: Analysis, deadlift: Analysis) -> None:
    long = combine([squat, deadlift])
    assert list(long["session"].cat.categories) == [1, 2]


def test_long_equals_concatenated_single_frames(squat: Analysis, deadlift: Analysis) -> None:
    long = combine({"a": squat, "b": deadlift})
    for label, analysis in {"a": squat, "b": deadlift}.items():
        part = long[long["session"] == label][["rep", "analysis_type", "value"]]
        single = analyses_frame(analysis)
        pd.testing.assert_frame_equal(
            part.reset_index(drop=True).astype({"analysis_type": str}),
            single.astype({"analysis_type": str}),
        )


def test_wide_is_the_union_with_phases_per_activity(squat: Analysis, deadlift: Analysis) -> None:
    wide = combine({"s": squat, "d": deadlift}, wide=True)
    assert list(wide.columns[:3]) == ["session", "video_id", "activity"]
    assert "LOCKOUT_HIP_ANGLE_DEGREES" in wide and "BAR_TILT_CM" in wide
    squat_rows = wide[wide["session"] == "s"].drop(columns=["session", "video_id", "activity"])
    expected = reps_frame(squat)
    pd.testing.assert_frame_equal(
        squat_rows[expected.columns].reset_index(drop=True), expected, check_like=False
    )
    assert squat_rows["LOCKOUT_HIP_ANGLE_DEGREES"].isna().all()
    dl = wide[wide["session"] == "d"]
    assert dl["concentric_s"].tolist() == [1.2, 1.5]


def test_empty_and_pending_analyses(squat: Analysis) -> None:
    pending = Analysis.from_json({"status": "Pending"})
    long = combine({"x": pending, "y": squat})
    assert set(long["session"].astype(str)) == {"y"}
    assert list(long["session"].cat.categories) == ["x", "y"]
    empty = combine([])
    assert empty.empty and list(empty.columns)[-3:] == ["rep", "analysis_type", "value"]


def test_bad_input(squat: Analysis) -> None:
    with pytest.raises(InvalidInputError, match="several analyses"):
        combine(squat)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="clashes"):
        combine([squat], key="rep")
    with pytest.raises(InvalidInputError, match="takes an Analysis"):
        combine(["not an analysis"])  # type: ignore[list-item]
