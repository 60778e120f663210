"""Real footage: exact rep counts and turning points within tolerance of the ones counted by eye.

The labels are in tests/footage/labels.json (sources and licences in tests/footage/README.md).
Clips under tests/footage/external/ are not in git; fetch them with
``python tests/footage/fetch_external.py``. Each clip runs through the model once per session,
at stride 2.
"""

from __future__ import annotations

import numpy as np
import pytest

from guru_form.kinematics import joint_angle
from guru_form.pose.analyze import analyze_track, check_person
from guru_form.pose.joints import joint_index
from guru_form.pose.track import build_track
from tests.pose.conftest import FOOTAGE, LABELS, requires_mediapipe

pytestmark = [pytest.mark.pose, pytest.mark.slow, requires_mediapipe]

STRIDE = 2


@pytest.mark.parametrize("name", sorted(LABELS))
def test_rep_count_and_turning_points(raw_pose, name: str) -> None:
    label = LABELS[name]
    path = FOOTAGE / name
    if not path.exists():
        pytest.skip(f"{name} is not in git; fetch it with tests/footage/fetch_external.py")
    raw = raw_pose(path, STRIDE)
    check_person(raw)
    analysis = analyze_track(build_track(raw, label["activity"]))
    mids = [rep.mid_ms / 1000 for rep in analysis.reps]
    assert len(mids) == len(label["mid_s"]), f"found mids {mids}"
    np.testing.assert_allclose(mids, label["mid_s"], atol=label["tolerance_s"])
    for rep in analysis.reps:
        assert rep.start_ms < rep.mid_ms < rep.end_ms


def test_squat_side_01_measures_the_near_side(raw_pose) -> None:
    raw = raw_pose(FOOTAGE / "squat_side_01.mp4", STRIDE)
    track = build_track(raw, "squat")
    assert set(track.frame["side"]) == {"right"}
    # The hidden (left) side bends about 12 degrees deeper than the near side at the bottom:
    # measuring it would report a squat much deeper than it was.
    far = joint_angle(
        *(raw.landmarks[:, joint_index("left", j), :2] for j in ("hip", "knee", "ankle"))
    )
    near_min = float(np.nanmin(track.frame["knee_angle"]))
    assert 62 < near_min < 78
    assert near_min - float(np.nanmin(far)) > 6
    # Nine seconds of standing still first: no rep there.
    analysis = analyze_track(track)
    assert all(rep.start_ms > 8000 for rep in analysis.reps)
