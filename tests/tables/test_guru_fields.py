"""Guru's opinions of each rep, and a sprint's strides, progress and field markers, as frames."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import guru_form as gf
from guru_form import tables as gt
from guru_form.errors import SchemaError
from guru_form.tables.sprint import MARKER_COLUMNS, PROGRESS_COLUMNS, STRIDE_COLUMNS


def _rep(start: int, analyses: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "startTimestampMs": start,
        "midTimestampMs": start + 900,
        "endTimestampMs": start + 2000,
        "analyses": analyses,
    }


def _item(name: str, value: float | None, opinion: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"analysisType": name, "analysisScalar": value}
    if opinion is not None:
        item["analysisOpinion"] = opinion
    return item


HOSTED = {
    "status": "Complete",
    "domain": "weightlifting",
    "activity": "squat",
    "reps": [
        _rep(
            4000,  # listed first, done second: rows follow time
            [_item("HIP_KNEE_ANGLE_DEGREES", 6.0, "bad"), _item("KNEE_ANGLE_DEGREES", 95.0)],
        ),
        _rep(
            1000,
            [
                _item("HIP_KNEE_ANGLE_DEGREES", -3.0, "good"),
                _item("KNEE_ANGLE_DEGREES", 80.0),
                _item("TRUNK_LEAN_DEGREES", 30.0, "good"),
            ],
        ),
    ],
}


def test_a_column_per_analysis_type_guru_judged() -> None:
    frame = gf.reps_frame(gf.Analysis.from_json(HOSTED))
    assert list(frame.columns) == [
        *gt.REP_COLUMNS,
        "HIP_KNEE_ANGLE_DEGREES",
        "KNEE_ANGLE_DEGREES",
        "TRUNK_LEAN_DEGREES",
        "opinion_HIP_KNEE_ANGLE_DEGREES",
        "opinion_TRUNK_LEAN_DEGREES",
    ]
    assert frame["opinion_HIP_KNEE_ANGLE_DEGREES"].tolist() == ["good", "bad"]
    assert frame["HIP_KNEE_ANGLE_DEGREES"].tolist() == [-3.0, 6.0]  # same rows as the values
    assert frame["opinion_TRUNK_LEAN_DEGREES"].isna().tolist() == [False, True]
    assert list(frame["opinion_HIP_KNEE_ANGLE_DEGREES"].cat.categories) == ["good", "bad"]
    # Numbers-only helpers leave them out; units say none.
    assert "opinion_HIP_KNEE_ANGLE_DEGREES" not in gt.metric_columns(frame)
    assert gf.column_units(frame)["opinion_HIP_KNEE_ANGLE_DEGREES"] is None
    assert "opinion_TRUNK_LEAN_DEGREES" not in gf.summarize(frame).index


def test_no_opinions_no_opinion_columns() -> None:
    plain = {**HOSTED, "reps": [_rep(0, [_item("KNEE_ANGLE_DEGREES", 90.0)])]}
    frame = gf.reps_frame(gf.Analysis.from_json(plain))
    assert not [c for c in frame.columns if c.startswith("opinion_")]


def test_opinions_travel_through_csv(tmp_path: Path) -> None:
    frame = gf.reps_frame(gf.Analysis.from_json(HOSTED))
    back = gt.read_csv(gt.to_csv(frame, tmp_path / "reps.csv"))
    assert back["opinion_HIP_KNEE_ANGLE_DEGREES"].tolist() == ["good", "bad"]


def _stride(start: int, left: int, air: float | None, ground: float | None) -> dict[str, Any]:
    return _rep(
        start,
        [
            _item("IS_LEFT_LEG", left),
            _item("STRIDE_AIR_TIME_MS", air),
            _item("STRIDE_GROUND_TIME_MS", ground),
            _item("STRIDE_PEAK_FLEXION_ANGLE", 70.0 + start / 1000),
            _item("STRIDE_PEAK_FLEXION_ANGLE_TIMESTAMP", start + 400),
        ],
    )


SPRINT = {
    "status": "Complete",
    "domain": "running",
    "activity": "sprint",
    "reps": [
        _stride(0, 1, None, None),
        _stride(600, 0, 120.0, 90.0),
        _stride(1200, 1, 118.0, 92.0),
    ],
    "runnerProgress": [
        {"distanceFromStart": 1.5, "frameIndex": 30, "timestamp": 1000},
        {"distanceFromStart": -1.0, "frameIndex": 0, "timestamp": 0},
    ],
    "fieldMarkers": {
        "startLine": {
            "type": "YARD_LINE",
            "position": {"x1": 100, "y1": 700, "x2": 140, "y2": 300},
            "frame_idx": 2,
            "timestamp": 66,
        },
        "cones": [
            {
                "type": "CONE",
                "position": {"x1": 1, "y1": 2, "x2": 3, "y2": 4},
                "frame_idx": 5,
                "timestamp": 165,
            },
            {
                "type": "CONE",
                "position": {"x1": 5, "y1": 6, "x2": 7, "y2": 8},
                "frame_idx": 5,
                "timestamp": 165,
            },
        ],
    },
}


def test_a_sprints_strides() -> None:
    frame = gf.strides_frame(gf.Analysis.from_json(SPRINT))
    assert tuple(frame.columns[: len(STRIDE_COLUMNS)]) == STRIDE_COLUMNS
    assert frame["stride"].tolist() == [1, 2, 3]
    assert frame["leg"].tolist() == ["left", "right", "left"]
    assert math.isnan(frame.loc[0, "STRIDE_AIR_TIME_MS"])  # null for the first stride
    assert math.isnan(frame.loc[0, "STRIDE_GROUND_TIME_MS"])
    assert frame["STRIDE_AIR_TIME_MS"].tolist()[1:] == [120.0, 118.0]
    assert frame["STRIDE_PEAK_FLEXION_ANGLE_TIMESTAMP"].tolist() == [400.0, 1000.0, 1600.0]
    assert frame.attrs["activity"] == "sprint"
    # reps_frame knows no phase order for strides.
    assert gf.reps_frame(gf.Analysis.from_json(SPRINT))["eccentric_s"].isna().all()


def test_a_sprints_progress_and_markers() -> None:
    analysis = gf.Analysis.from_json(SPRINT)
    progress = gf.runner_progress_frame(analysis)
    assert tuple(progress.columns) == PROGRESS_COLUMNS
    assert progress["time_ms"].tolist() == [0.0, 1000.0]  # in time order
    assert progress["distance_meters"].tolist() == [-1.0, 1.5]
    assert progress["frame"].tolist() == [0, 30]
    assert gf.column_units(progress)["distance_meters"] == "m"
    markers = gf.field_markers_frame(analysis)
    assert tuple(markers.columns) == MARKER_COLUMNS
    assert markers["marker"].tolist() == ["startLine", "cones", "cones"]
    assert markers.iloc[0][["x1", "y1", "x2", "y2"]].tolist() == [100.0, 700.0, 140.0, 300.0]
    assert markers["frame"].tolist() == [2, 5, 5]


def test_an_analysis_without_sprint_data_gives_empty_frames_with_the_columns() -> None:
    squat = gf.Analysis.from_json(HOSTED)
    assert tuple(gf.runner_progress_frame(squat).columns) == PROGRESS_COLUMNS
    assert gf.runner_progress_frame(squat).empty and gf.field_markers_frame(squat).empty
    assert tuple(gf.field_markers_frame(squat).columns) == MARKER_COLUMNS
    empty = gf.strides_frame(gf.Analysis.from_json({"status": "Pending"}))
    assert tuple(empty.columns) == STRIDE_COLUMNS and empty.empty


@pytest.mark.parametrize(
    ("change", "call", "words"),
    [
        ({"runnerProgress": {"a": 1}}, gf.runner_progress_frame, "runnerProgress is not a list"),
        (
            {"runnerProgress": [{"timestamp": "soon"}]},
            gf.runner_progress_frame,
            r"runnerProgress\[0\]\.timestamp is 'soon', not a number",
        ),
        ({"fieldMarkers": {"startLine": 3}}, gf.field_markers_frame, "startLine has no position"),
    ],
)
def test_malformed_sprint_data_name_the_field(change: dict, call: Any, words: str) -> None:
    with pytest.raises(SchemaError, match=words):
        call(gf.Analysis.from_json({**SPRINT, **change}))
