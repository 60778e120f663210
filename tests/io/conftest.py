"""Pose tracks and keypoints for the io tests: a stick figure squatting, as a model would see it."""

from __future__ import annotations

import numpy as np
import pytest

from guru_form.pose.track import build_track
from guru_form.pose_track import PoseTrack
from tests.pose.figures import landmarks_from, raw_pose, squat_figure

#: The figure's reps: (start, turning point, end) in seconds.
Truth = list[tuple[float, float, float]]


@pytest.fixture
def squat() -> tuple[PoseTrack, np.ndarray, np.ndarray, Truth]:
    """``(track, landmarks of both sides (n, 17, 4), time_ms, truth)`` of a 3-rep squat, 30 fps."""
    fig, t, truth = squat_figure(n_reps=3)
    landmarks = landmarks_from(fig.near_joints(), fig.facing)
    return build_track(raw_pose(landmarks, t), "squat"), landmarks, t, truth
