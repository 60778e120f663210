"""A report, and the upload panel's view, of a hosted analysis that carries Guru's opinions."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import guru_form as gf
from guru_form.report import build_report
from guru_form.report.content import set_section
from guru_form.report.thresholds import default_thresholds
from guru_form.widgets._views import rep_table_html, summary_html
from tests.report.page import read_page


def hosted_squat() -> gf.Analysis:
    """The squat sample's reps as the hosted API answers them: ``liftType``, and an opinion of
    each rep's depth (good when the thigh goes below parallel) and knee angle (always good)."""
    sent: dict[str, Any] = copy.deepcopy(gf.sample_analysis("squat").raw)
    sent.pop("activity", None)
    sent.pop("domain", None)
    sent["liftType"] = "SQUAT"
    for rep in sent["reps"]:
        for item in rep["analyses"]:
            if item["analysisType"] == "HIP_KNEE_ANGLE_DEGREES":
                item["analysisOpinion"] = "good" if item["analysisScalar"] < 0 else "bad"
            elif item["analysisType"] == "KNEE_ANGLE_DEGREES":
                item["analysisOpinion"] = "good"
    return gf.Analysis.from_json(sent, video_id="hosted-1")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("opinions") / "hosted.html"
    return build_report(hosted_squat(), gf.sample_path("squat"), out, athlete="Sam")


def test_the_report_shows_gurus_opinion_of_each_rep(report: Path) -> None:
    analysis = hosted_squat()
    depths = [r.analyses["HIP_KNEE_ANGLE_DEGREES"] for r in analysis.reps]
    bad = sum(d >= 0 for d in depths)
    assert 0 < bad < len(depths)  # both kinds of opinion appear
    good = 2 * len(depths) - bad  # depth and knee angle are rated on every rep
    page = read_page(report)
    summary = page.part("summary").text
    assert "Guru's opinion" in summary and f"{good} good · {bad} bad" in summary
    reps = page.part("reps").text
    assert reps.count("(good)") == good and reps.count("(bad)") == bad
    # Cell by cell, as the report lays them out: a bad rating in the "bad" (red) style, even
    # with no target set that would flag the value.
    section = set_section(analysis, video=None, thresholds={})
    assert section.reps is not None
    names = [name for name, _ in section.reps.header]
    depth_at = names.index("Squat depth")
    for row, depth in zip(section.reps.rows, depths, strict=True):
        cell = row[depth_at]
        assert cell.text.endswith("(good)" if depth < 0 else "(bad)")
        assert ("bad" in cell.style) == (depth >= 0)
    assert "Guru's opinion" in page.part("definitions").text


def test_the_panel_shows_them_as_the_report_does() -> None:
    analysis = hosted_squat()
    section = set_section(analysis, video=None, thresholds=default_thresholds("squat"))
    line = summary_html("squat.mp4", analysis, section)
    assert "Guru: " in line and " good · " in line and "squat" in line
    table = rep_table_html(section.reps)
    assert table.count("(good)") + table.count("(bad)") == 2 * len(analysis.reps)


def test_a_failed_hosted_analysis_keeps_its_code_in_the_report(tmp_path: Path) -> None:
    failed = gf.Analysis.from_json(
        {"status": "Failed", "reason": "LOW_QUALITY_POSE_ESTIMATE"}, video_id="hosted-2"
    )
    page = read_page(build_report(failed, path=tmp_path / "failed.html"))
    notice = page.part("notice").text if page.parts("notice") else page.text
    assert "LOW_QUALITY_POSE_ESTIMATE" in notice and "confident" in notice
