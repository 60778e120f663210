"""The checks behind the flags, the default targets, and the folder of outputs for one set."""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import cv2
import pandas as pd
import pytest

import guru_form as gf
from guru_form.errors import InvalidInputError
from guru_form.frames import Threshold
from guru_form.report import DEFAULT_THRESHOLDS, default_thresholds, write_set_outputs
from guru_form.report.rules import apply_rules, format_number
from guru_form.report.thresholds import as_thresholds
from guru_form.tables import read_csv, reps_frame


def test_numbers_are_formatted_by_unit() -> None:
    assert format_number(-5.91, "deg") == "-5.9°"
    assert format_number(2.634, "s") == "2.63 s"
    assert format_number(33.4, "%") == "33 %"
    assert format_number(0.377, "BH/s") == "0.38 BH/s"
    assert format_number(3.5, "deg", signed=True) == "+3.5°"
    assert format_number(0.8, "s", with_unit=False) == "0.80"
    assert format_number(math.nan, "s") == format_number(None) == format_number("x") == "–"


def test_every_activity_has_default_targets_on_metrics_it_reports() -> None:
    for name in gf.sample_names():  # the activities guru_form analyses itself
        truth = gf.sample_analysis(name)
        checks = default_thresholds(name)
        assert checks, name
        assert set(checks) <= set(truth.reps[0].analyses)
    assert default_thresholds(None) == {}
    assert default_thresholds(gf.Activity.SPRINT) == {}  # none chosen for the hosted API's others
    assert as_thresholds(None, "squat") == DEFAULT_THRESHOLDS[gf.Activity.SQUAT]
    assert as_thresholds({}, "squat") == {}
    assert as_thresholds({"X": (1, None)}, None) == {"X": Threshold(low=1)}
    with pytest.raises(InvalidInputError, match="Threshold or a"):
        as_thresholds({"X": 3}, None)  # type: ignore[dict-item]


def test_rules_flag_exactly_the_reps_outside_their_targets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With no measured spread (no margin) a rep fails as soon as it is past its limit; the
    # borderline rule with the measured margins is tested in tests/tables and tests/metrics.
    measured = importlib.import_module("guru_form.metrics.repeatability")
    empty = measured.Repeatability(spreads={}, engine="", measured="", clips={})
    monkeypatch.setattr(measured, "repeatability", lambda: empty)
    frame = pd.DataFrame(
        {
            "rep": [1, 2, 3, 4],
            "start_ms": [0, 3000, 6000, 9000],
            "duration_s": [2.0, 2.0, 2.1, 3.0],
            "HIP_KNEE_ANGLE_DEGREES": [-5.0, 0.0, 0.1, float("nan")],
            "MEAN_CONCENTRIC_VELOCITY_M_PER_S": [0.8, 0.7, 0.6, 0.5],
        }
    )
    flagged, rules = apply_rules(frame, {"HIP_KNEE_ANGLE_DEGREES": Threshold(high=0)})
    assert [r.flag for r in rules] == [
        "flag_shallow",
        "flag_tempo",
        "flag_velocity_loss",
    ]
    assert flagged["flag_shallow"].tolist() == [False, False, True, False]
    assert flagged["flag_tempo"].tolist() == [False, False, False, True]
    assert flagged["flag_velocity_loss"].tolist() == [False, False, True, True]  # 25 %, 37.5 %
    reasons = {r.short: r.reason(flagged.iloc[2]) for r in rules}
    assert reasons["shallow"] == "Squat depth (thigh vs horizontal) 0.1° (target ≤ 0.0°)"
    assert reasons["velocity loss"] == "Velocity loss 25 % (limit 20 %)"


def test_tempo_is_not_judged_on_fewer_than_three_reps_nor_velocity_without_it() -> None:
    frame = pd.DataFrame({"rep": [1, 2], "duration_s": [1.0, 5.0]})
    flagged, rules = apply_rules(frame, {"HIP_KNEE_ANGLE_DEGREES": Threshold(high=0)})
    assert rules == []
    assert list(flagged.columns) == ["rep", "duration_s"]


def test_a_sets_folder_holds_json_csv_dashboard_contact_sheet_and_report(tmp_path: Path) -> None:
    analysis = gf.sample_analysis("push_up")
    out = write_set_outputs(analysis, tmp_path / "push_up", video=gf.sample_path("push_up"))
    assert sorted(out.files) == ["contact_sheet", "csv", "dashboard", "json", "report"]
    assert all(p.parent == tmp_path / "push_up" for p in out.files.values())
    assert gf.Analysis.load(out.files["json"]).reps == analysis.reps
    csv = read_csv(out.files["csv"])
    assert len(csv) == analysis.rep_count
    assert {"flag_shallow", "flag_soft_lockout"} <= set(csv.columns)
    for kind in ("dashboard", "contact_sheet"):
        image = cv2.imread(str(out.files[kind]))
        assert image is not None and image.shape[0] > 300 and image.std() > 10
    assert out.files["report"].read_text().startswith("<!DOCTYPE html>")


def test_a_failed_set_gets_its_json_and_a_report_that_says_so(tmp_path: Path) -> None:
    failed = gf.Analysis("v9", gf.Status.FAILED, reason="too dark")
    out = write_set_outputs(failed, tmp_path / "f")
    assert sorted(out.files) == ["json", "report"]
    assert "too dark" in out.files["report"].read_text()


def test_the_csv_keeps_the_tables_columns_first(tmp_path: Path) -> None:
    analysis = gf.sample_analysis("squat")
    out = write_set_outputs(analysis, tmp_path, report=False)
    assert "report" not in out.files and "contact_sheet" not in out.files
    columns = list(read_csv(out.files["csv"]).columns)
    assert columns[: len(reps_frame(analysis).columns)] == list(reps_frame(analysis).columns)
