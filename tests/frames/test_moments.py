"""Where a rep's numbers were measured: the frame whose series value is the rep's number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from guru_form import activities
from guru_form.frames.moments import key_moment, measured_at
from guru_form.kinematics import angle_series
from guru_form.models import Activity, Analysis, Rep, Status


@pytest.mark.parametrize("activity", ["squat", "push_up", "deadlift", "bench_press"])
def test_every_measured_number_is_the_series_value_on_its_frame(activity: str) -> None:
    profile = activities.get(activity)
    rng = np.random.default_rng(7)
    n = 90
    t = np.arange(n) * 1000 / 30
    joints = {
        j: np.column_stack([200 + 40 * rng.standard_normal(n), 200 + 40 * rng.standard_normal(n)])
        for j in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
    }
    series = angle_series(joints)
    track = pd.DataFrame({"frame": np.arange(n) + 100, "time_ms": t, **series})
    reps = []
    for start, mid, end in ((5, 20, 40), (45, 60, 85)):
        values = activities.rep_analyses(profile, series, start, mid, end, time_s=t / 1000)
        reps.append(Rep(round(t[start]), round(t[mid]), round(t[end]), values))
    analysis = Analysis(
        None, Status.COMPLETE, activity=Activity(activity), reps=reps, pose_track=track
    )
    checked = 0
    for number, rep in enumerate(reps, 1):
        for name, value in rep.analyses.items():
            moment = measured_at(analysis, number, name)
            assert moment is not None, name
            assert moment.value == pytest.approx(value), (number, name)
            assert rep.start_ms - 1 <= moment.time_ms <= rep.end_ms + 1
            row = track.index[track["frame"] == moment.frame_index][0]
            assert track[next(m.series for m in profile.measures if m.analysis_type == name)][
                row
            ] == pytest.approx(value)
            checked += 1
        key = key_moment(analysis, number)
        assert key is not None and key.analysis_type == profile.key_metric
    assert checked >= 2 * len(profile.measures) - 2


def test_no_track_or_no_series_means_no_moment() -> None:
    rep = Rep(0, 100, 200, {"ELBOW_ANGLE_DEGREES": 80.0, "MEAN_CONCENTRIC_VELOCITY_BH_PER_S": 0.2})
    analysis = Analysis(None, Status.COMPLETE, activity=Activity.PUSH_UP, reps=[rep])
    assert measured_at(analysis, 1, "ELBOW_ANGLE_DEGREES") is None
    analysis.pose_track = pd.DataFrame({"frame": [0, 1], "time_ms": [0.0, 100.0]})
    assert measured_at(analysis, 1, "ELBOW_ANGLE_DEGREES") is None  # no elbow series
    assert measured_at(analysis, 1, "MEAN_CONCENTRIC_VELOCITY_BH_PER_S") is None  # not a series
