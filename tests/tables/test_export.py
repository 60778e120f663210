"""Exports: units written beside the numbers, round trips, and a clear error without the extra."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from guru_form import Analysis
from guru_form._install import install_command
from guru_form.errors import InvalidInputError, MissingDependencyError
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


def test_csv_names_units_in_the_header_and_round_trips(squat: Analysis, tmp_path: Path) -> None:
    df = reps_frame(squat)
    path = to_csv(df, tmp_path / "out" / "reps.csv")
    lines = path.read_text().splitlines()
    assert lines[0] == (
        "rep,start_ms (ms),mid_ms (ms),end_ms (ms),duration_s (s),eccentric_s (s),"
        "concentric_s (s),HIP_KNEE_ANGLE_DEGREES (deg),TRUNK_LEAN_DEGREES (deg),BAR_TILT_CM (cm)"
    )
    assert lines[1].startswith("1,1000,2500,3250,2.25,")  # data right under the header
    back = read_csv(path)
    pd.testing.assert_frame_equal(back, df, check_dtype=True)
    assert back.attrs["units"]["HIP_KNEE_ANGLE_DEGREES"] == "deg"
    plain = to_csv(df, tmp_path / "plain.csv", units=False)
    pd.testing.assert_frame_equal(read_csv(plain, units=False), df)
    pd.testing.assert_frame_equal(read_csv(plain), df)  # nothing to find: no row is dropped


def test_plain_pandas_reads_numbers_at_a_sensible_precision(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "rep": [1, 2],
            "duration_s": [2.123456789012345, 1.1],
            "ELBOW_ANGLE_DEGREES": [86.0412345678, 73.1],
            "MEAN_CONCENTRIC_VELOCITY_BH_PER_S": [0.3412345678, 0.2],
            "velocity_loss_percent": [0.0, 19.0123456789],
            "flag_shallow": [False, True],
        }
    )
    path = to_csv(df, tmp_path / "reps.csv")
    plain = pd.read_csv(path)
    numeric = [c for c in plain.columns if c not in ("rep", "flag_shallow")]
    assert all(pd.api.types.is_float_dtype(plain[c]) for c in numeric), plain.dtypes
    assert plain.iloc[0].tolist() == [1, 2.1235, 86.041, 0.3412, 0.0, False]
    cells = [c for line in path.read_text().splitlines()[1:] for c in line.split(",")]
    assert max(len(c) for c in cells) <= 7, cells  # "86.041", not "86.0412345678"


def test_the_earlier_layout_with_a_units_line_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text("rep,duration_s,HIP_KNEE_ANGLE_DEGREES\n,s,deg\n1,2.25,-3.0\n2,2.5,4.0\n")
    back = read_csv(path)
    assert back["rep"].tolist() == [1, 2] and back["HIP_KNEE_ANGLE_DEGREES"].tolist() == [-3, 4]
    assert back.attrs["units"] == {"rep": None, "duration_s": "s", "HIP_KNEE_ANGLE_DEGREES": "deg"}
    assert read_csv(path, units="row").equals(back)
    with pytest.raises(InvalidInputError, match="units must be"):
        read_csv(path, units="sideways")  # type: ignore[arg-type]


def test_summary_index_is_written_as_a_column(squat: Analysis, tmp_path: Path) -> None:
    path = to_csv(summarize(squat), tmp_path / "summary.csv")
    header = path.read_text().splitlines()[0]
    assert header.startswith("metric,unit,count,mean")
    # cv_percent, slope_per_rep, first_last_change_percent
    assert header.endswith(",cv_percent (%),slope_per_rep,first_last_change_percent (%)")


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
    assert rows[0][:5] == ("rep", "start_ms (ms)", "mid_ms (ms)", "end_ms (ms)", "duration_s (s)")
    assert rows[0][7] == "HIP_KNEE_ANGLE_DEGREES (deg)"
    assert rows[1][:5] == (1, 1000, 2500, 3250, 2.25)
    assert rows[2][8] is None  # the missing TRUNK_LEAN of rep 2 is an empty cell
    assert sheet.freeze_panes == "A2"
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
    with pytest.raises(MissingDependencyError, match=re.escape(install_command("export"))):
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
