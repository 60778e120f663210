"""The bodyweight squat: the squat's movement without a bar, added as one profile file."""

from __future__ import annotations

from pathlib import Path

import pytest

from guru_form import activities
from guru_form.models import Activity, Domain
from guru_form.pose.accuracy import accuracy_against_truth
from guru_form.tables import reps_frame
from guru_form.testing.synthetic import synthesize
from tests.activities.conftest import EngineOnTruth


def test_it_moves_and_is_measured_as_the_squat_in_its_own_domain() -> None:
    squat, bodyweight = activities.get("squat"), activities.get("bodyweight_squat")
    assert bodyweight.activity is Activity.BODYWEIGHT_SQUAT
    assert bodyweight.domain is Domain.CALISTHENICS and squat.domain is Domain.WEIGHTLIFTING
    assert bodyweight.label == "Bodyweight squat"
    for field in ("lowers_first", "rule", "moving_joint", "measures", "key_angle", "thresholds"):
        assert getattr(bodyweight, field) == getattr(squat, field), field
    assert bodyweight.key_metric == bodyweight.depth_metric == "HIP_KNEE_ANGLE_DEGREES"


def test_tables_charts_and_reports_know_it_without_being_told() -> None:
    from guru_form.frames.phases import phase_label
    from guru_form.metrics import default_thresholds, key_metric
    from guru_form.tables.examples import example_analysis

    analysis = example_analysis("bodyweight_squat")
    frame = reps_frame(analysis)
    assert len(frame) == 15 and frame["eccentric_s"].notna().all()  # phase order from the profile
    assert key_metric(frame) == "HIP_KNEE_ANGLE_DEGREES"
    assert default_thresholds("bodyweight_squat")["HIP_KNEE_ANGLE_DEGREES"].high == 0.0
    assert phase_label("mid", Activity.BODYWEIGHT_SQUAT) == "bottom"


@pytest.mark.slow
@pytest.mark.parametrize("facing", ["right", "left"])
def test_the_engine_finds_and_measures_a_synthetic_set(
    engine_on_truth: EngineOnTruth, tmp_path: Path, facing: str
) -> None:
    video = synthesize("bodyweight_squat", size=(480, 360), reps=5, seed=4, facing=facing)
    truth = video.analysis()
    analysis = engine_on_truth(video, tmp_path)
    assert analysis.activity is Activity.BODYWEIGHT_SQUAT
    acc = accuracy_against_truth(analysis, video.truth(), truth)
    assert acc.count_exact, acc.summary()
    assert acc.boundary_error_frames["mid"] < 1.5, acc.summary()
    assert not acc.analysis_missing
    for analysis_type, error in acc.analysis_error.items():
        bound = 0.06 if analysis_type.startswith("MEAN_CONCENTRIC") else 1.0
        assert error <= bound, (analysis_type, acc.summary())
