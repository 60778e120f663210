"""The io layer: one registry of formats; analyses, pose tracks and tables saved and read back."""

from __future__ import annotations

import doctest
import importlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from guru_form import io
from guru_form.errors import InvalidInputError, SchemaError
from guru_form.io._files import write_atomic
from guru_form.models import Activity, Analysis
from guru_form.pose_track import PoseTrack
from tests.io.test_job_handoff import small_track


def _analysis() -> Analysis:
    return Analysis.from_json(
        {
            "status": "Complete",
            "activity": "squat",
            "reps": [
                {
                    "startTimestampMs": 0,
                    "midTimestampMs": 500,
                    "endTimestampMs": 1000,
                    "analyses": [{"analysisType": "KNEE_ANGLE_DEGREES", "analysisScalar": 88.0}],
                }
            ],
            "someFieldGuruAddsLater": {"kept": True},
        },
        video_id="v1",
    )


def test_an_analysis_and_its_track_round_trip(tmp_path: Path) -> None:
    analysis = _analysis()
    analysis.pose_track = small_track()
    path = io.save_analysis(analysis, tmp_path / "out" / "set.json")
    assert sorted(p.name for p in path.parent.iterdir()) == ["set.json", "set.pose.parquet"]
    saved = json.loads(path.read_text())
    assert saved["someFieldGuruAddsLater"] == {"kept": True} and saved["videoId"] == "v1"
    back = io.load_analysis(path)
    assert back.to_json() == analysis.to_json() and back.raw == {**analysis.raw, "videoId": "v1"}
    assert isinstance(back.pose_track, PoseTrack)
    pd.testing.assert_frame_equal(back.pose_track.frame, analysis.pose_track.frame)
    assert back.pose_track.metadata() == analysis.pose_track.metadata()
    # The data model's own methods are the same thing.
    again = Analysis.load(analysis.save(tmp_path / "again.json"))
    assert again.to_json() == analysis.to_json() and (tmp_path / "again.pose.parquet").exists()


def test_a_changed_field_is_saved_from_the_object(tmp_path: Path) -> None:
    analysis = _analysis()
    analysis.reps = []
    saved = io.guru_json.saved_json(analysis)
    assert saved["reps"] == [] and saved["someFieldGuruAddsLater"] == {"kept": True}


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (None, InvalidInputError, "no such analysis file"),
        ("{nope", InvalidInputError, "not valid JSON"),
        (json.dumps({"status": "Complete", "reps": "x"}), SchemaError, "reps is 'x', not a list"),
    ],
)
def test_reading_a_bad_analysis_says_what_is_wrong(
    tmp_path: Path, content: str | None, error: type[Exception], words: str
) -> None:
    path = tmp_path / "a.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(error, match=words) as caught:
        io.load_analysis(path)
    assert str(path) in str(caught.value)


def test_pose_track_formats_are_chosen_by_file_name(tmp_path: Path) -> None:
    track = small_track()
    for name in ("t.pose.parquet", "t.parquet"):
        path = io.save_pose_track(track, tmp_path / name)
        assert io.load_pose_track(path).metadata() == track.metadata()
    assert io.format_for("x.pose.parquet", "pose_track").name == "pose-parquet"
    assert io.format_for("x.parquet", "table").name == "parquet"


def test_unknown_formats_and_names_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"t\.xyz: no format is known .*pose-parquet"):
        io.load_pose_track(tmp_path / "t.xyz")
    with pytest.raises(InvalidInputError, match=r"t\.xlsx: cannot load table as 'excel'"):
        io.load_table(tmp_path / "t.xlsx")
    with pytest.raises(InvalidInputError, match=r"cannot save pose track as 'csv'; .*trc"):
        io.save_pose_track(small_track(), tmp_path / "t.csv", format="csv")
    with pytest.raises(InvalidInputError, match=r"t\.h5: DeepLabCut, SLEAP all load keypoints"):
        io.load_keypoints(tmp_path / "t.h5")
    assert io.format_for("t.h5", "keypoints", "SLEAP").name == "SLEAP"
    assert io.format_for("t.csv", "table").name == "csv"
    with pytest.raises(InvalidInputError, match="already registered"):
        io.register(io.FORMATS["csv"])


def test_a_pose_track_file_that_is_something_else(tmp_path: Path) -> None:
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "other.parquet")
    with pytest.raises(InvalidInputError, match="not a guru_form pose track"):
        io.from_pose_parquet(tmp_path / "other.parquet")
    (tmp_path / "text.pose.parquet").write_text("hello")
    with pytest.raises(InvalidInputError, match="not a Parquet file"):
        io.load_pose_track(tmp_path / "text.pose.parquet")
    with pytest.raises(InvalidInputError, match="not a Parquet file"):
        io.from_pose_parquet_bytes(b"hello")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_tables_keep_their_units(tmp_path: Path, suffix: str) -> None:
    frame = pd.DataFrame({"rep": [1, 2], "duration_s": [2.5, np.nan]})
    path = io.save_table(frame, tmp_path / f"reps{suffix}", units={"duration_s": "s"})
    back = io.load_table(path)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    assert back.attrs["units"] == {"rep": None, "duration_s": "s"}


def test_excel_names_the_units_in_its_header(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    frame = pd.DataFrame({"rep": [1], "duration_s": [2.5]})
    path = io.save_table(frame, tmp_path / "r.xlsx", units={"duration_s": "s"})
    rows = list(openpyxl.load_workbook(path).active.values)
    assert rows == [("rep", "duration_s (s)"), (1, 2.5)]


def test_a_writer_that_fails_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_text("old")

    def broken(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_activity_survives_in_the_track_metadata(tmp_path: Path) -> None:
    track = small_track()
    back = io.load_pose_track(io.save_pose_track(track, tmp_path / "t.pose.parquet"))
    assert back.activity is Activity.SQUAT and back.source == "v.mp4"


@pytest.mark.parametrize(
    "module",
    ["guru_form.io", "guru_form.io.registry", "guru_form.io.tables", "guru_form.io.pose_parquet"],
)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted and not result.failed
