"""Exports: units written beside the numbers, round trips, and a clear error without the extra."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from guru_form import Analysis
from guru_form.errors import MissingDependencyError
from guru_form.tables import (
    column_units,
    read_csv,
    read_parquet,
    reps_frame,
    summarize,
    to_csv,
    to_excel,
    to_parquet,
)
from guru_form.tables.flags import flag_depth


def test_units_come_from_unit_of(squat: Analysis) -> None:
    units = column_units(flag_depth(reps_frame(squat), 0))
    assert units == {
        "rep": None,
        "start_ms": "ms",
        "mid_ms": "ms",
        "end_ms": "ms",
        "duration_s": "s",
        "eccentric_s": "s",
        "concentric_s": "s",
        "HIP_KNEE_ANGLE_DEGREES": "deg",
        "TRUNK_LEAN_DEGREES": "deg",
        "BAR_TILT_CM": "cm",
        "flag_shallow": None,
        "borderline_shallow": None,
    }


def test_csv_has_a_units_line_and_round_trips(squat: Analysis, tmp_path: Path) -> None:
    df = reps_frame(squat)
    path = to_csv(df, tmp_path / "out" / "reps.csv")
    lines = path.read_text().splitlines()
    assert lines[0].startswith("rep,start_ms,mid_ms")
    assert lines[1] == ",ms,ms,ms,s,s,s,deg,deg,cm"
    back = read_csv(path)
    pd.testing.assert_frame_equal(back, df, check_dtype=True)
    assert back.attrs["units"]["HIP_KNEE_ANGLE_DEGREES"] == "deg"
    plain = to_csv(df, tmp_path / "plain.csv", units=False)
    pd.testing.assert_frame_equal(read_csv(plain, units=False), df)


def test_summary_index_is_written_as_a_column(squat: Analysis, tmp_path: Path) -> None:
    path = to_csv(summarize(squat), tmp_path / "summary.csv")
    header, units = path.read_text().splitlines()[:2]
    assert header.startswith("metric,unit,count,mean")
    assert units.endswith(",%,,%")  # cv_percent, slope_per_rep, first_last_change_percent


def test_parquet_keeps_units_in_field_metadata(squat: Analysis, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    df = reps_frame(squat)
    path = to_parquet(df, tmp_path / "reps.parquet")
    schema = pq.read_schema(path)
    assert schema.field("HIP_KNEE_ANGLE_DEGREES").metadata == {b"unit": b"deg"}
    assert schema.field("rep").metadata is None
    back = read_parquet(path)
    pd.testing.assert_frame_equal(back, df)
    assert back.attrs["units"]["duration_s"] == "s"


def test_excel_has_header_units_and_data_rows(squat: Analysis, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    df = reps_frame(squat)
    path = to_excel({"reps": df, "summary": summarize(df)}, tmp_path / "book.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["reps", "summary"]
    sheet = book["reps"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("rep", "start_ms", "mid_ms", "end_ms", "duration_s")
    assert rows[1][4] == "s" and rows[1][7] == "deg"
    assert rows[2][:5] == (1, 1000, 2500, 3250, 2.25)
    assert rows[3][8] is None  # the missing TRUNK_LEAN of rep 2 is an empty cell
    assert sheet.freeze_panes == "A3"
    assert book["summary"]["A1"].value == "metric"


@pytest.mark.parametrize(
    ("module", "call"),
    [
        ("pyarrow", lambda df, p: to_parquet(df, p / "x.parquet")),
        ("openpyxl", lambda df, p: to_excel(df, p / "x.xlsx")),
    ],
)
def test_missing_extra_is_a_clear_error(
    squat: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, call: object
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(sys.modules, f"{module}.parquet", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'guru-form\[export\]'"):
        call(reps_frame(squat), tmp_path)  # type: ignore[operator]


def test_top_level_names_and_where_the_file_functions_live() -> None:
    import guru_form as gf
    from guru_form import tables

    for name in ("compare_reps", "RepComparison", "column_units", "reps_frame", "combine"):
        assert getattr(gf, name) is getattr(tables, name)
        assert name in gf.__all__
    # The file functions keep their pandas-like names inside guru_form.tables only:
    # ``gf.read_csv`` would read as pandas' and drop a plain CSV's first data row as "units".
    for name in ("to_csv", "read_csv", "to_parquet", "read_parquet", "to_excel"):
        assert callable(getattr(tables, name))
        assert name not in gf.__all__
        with pytest.raises(AttributeError):
            getattr(gf, name)
