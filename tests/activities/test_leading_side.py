"""LeadingSide: which side led a one-sided rep, from the one side the pose track follows."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from guru_form import activities
from guru_form.activities import LeadingSide, leading_side
from guru_form.metrics import axis_label, format_value, unit_of

N = 5


def _joints(facing: int, tracked_ahead: bool) -> dict[str, np.ndarray]:
    """A side view at the bottom of a lunge: the tracked ankle 80 px ahead of the hip (in the
    way the athlete faces) or 80 px behind it; the tracked foot points the way the athlete faces."""
    hip = np.tile([300.0, 250.0], (N, 1))
    ankle = hip + np.array([facing * (80.0 if tracked_ahead else -80.0), 150.0])
    heel = ankle + np.array([-facing * 10.0, 12.0])
    toe = ankle + np.array([facing * 40.0, 12.0])
    return {"hip": hip, "ankle": ankle, "heel": heel, "foot_index": toe}


@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize("tracked", ["left", "right"])
@pytest.mark.parametrize("tracked_ahead", [True, False])
def test_the_leading_side_is_the_tracked_one_when_its_foot_is_in_front(
    facing: int, tracked: str, tracked_ahead: bool
) -> None:
    joints = _joints(facing, tracked_ahead)
    other = "right" if tracked == "left" else "left"
    leading = tracked if tracked_ahead else other
    value = leading_side(LeadingSide(), joints, [tracked] * N, 0, 2, 4)
    assert value == (1.0 if leading == "left" else 0.0)


def test_unknown_inputs_give_no_value() -> None:
    joints = _joints(1, True)
    assert math.isnan(leading_side(LeadingSide(), None, ["left"] * N, 0, 2, 4))
    assert math.isnan(leading_side(LeadingSide(), joints, None, 0, 2, 4))
    assert math.isnan(leading_side(LeadingSide(), joints, [None] * N, 0, 2, 4))
    no_feet = {k: v for k, v in joints.items() if k != "heel"}
    assert math.isnan(leading_side(LeadingSide(), no_feet, ["left"] * N, 0, 2, 4))
    flat = joints | {"foot_index": joints["heel"]}  # no way to tell where the athlete faces
    assert math.isnan(leading_side(LeadingSide(), flat, ["left"] * N, 0, 2, 4))


def test_a_profile_that_selects_it_emits_the_leading_side_in_its_order() -> None:
    squat = activities.get("squat")
    one_sided = dataclasses.replace(squat, measures=(*squat.measures, LeadingSide()))
    assert one_sided.analysis_types[-3:] == (
        "IS_LEFT_LEG",
        "MEAN_CONCENTRIC_VELOCITY_M_PER_S",
        "MEAN_CONCENTRIC_VELOCITY_BH_PER_S",
    )
    knee = np.array([175.0, 130, 95, 130, 175])
    out = activities.rep_analyses(
        one_sided,
        {"knee_angle": knee},
        0,
        2,
        4,
        time_s=np.arange(N) / 10,
        joints=_joints(1, False),
        sides=["right"] * N,
    )
    assert out == {"KNEE_ANGLE_DEGREES": 95.0, "IS_LEFT_LEG": 1.0}
    # without joints and sides (an engine that does not pass them) the value is left out
    assert "IS_LEFT_LEG" not in activities.rep_analyses(
        one_sided, {"knee_angle": knee}, 0, 2, 4, time_s=np.arange(N) / 10
    )
    with pytest.raises(Exception, match="unknown joint"):
        dataclasses.replace(squat, measures=(LeadingSide(joint="toe"),))


def test_the_flag_prints_without_a_unit() -> None:
    assert unit_of("IS_LEFT_LEG") == "flag"
    assert format_value(1.0, "flag") == "1" and format_value(0.0, "flag", ascii=True) == "0"
    assert axis_label("IS_LEFT_LEG") == "Left leg leads"


def test_an_example_set_of_a_one_sided_movement_alternates_sides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from guru_form.activities import _registry
    from guru_form.tables.examples import example_analysis

    squat = activities.get("squat")
    monkeypatch.setattr(_registry, "_PROFILES", dict(_registry._PROFILES))
    activities.register(
        dataclasses.replace(squat, measures=(*squat.measures, LeadingSide())), replace=True
    )
    sides = [rep.analyses["IS_LEFT_LEG"] for rep in example_analysis("squat", reps=5).reps]
    assert sides == [1.0, 0.0, 1.0, 0.0, 1.0]
