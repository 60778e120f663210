"""Helpers for the activity tests: a synthetic set analysed end to end by the pose engine.

``engine_on_truth(video, tmp_path)`` writes a synthetic set to an MP4 and runs the local pose
engine (:func:`guru_form.pose.analyze_video`) on it with a perfect pose model, the figure's own
joints read back through the frame-index strip (:class:`tests.pose.test_synthetic.TruthEstimator`).
Everything after the model is the engine's: side choice, filters, the profile's rule and
measures. So an error here is the profile's or the engine's, never the model's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from guru_form.models import Analysis
from guru_form.testing.synthetic import SyntheticVideo, write_mp4
from tests.pose.test_synthetic import TruthEstimator

EngineOnTruth = Callable[[SyntheticVideo, Path], Analysis]


@pytest.fixture
def engine_on_truth(monkeypatch: pytest.MonkeyPatch) -> EngineOnTruth:
    from guru_form.pose import analyze_video
    from guru_form.pose.estimator import ESTIMATORS

    monkeypatch.setitem(ESTIMATORS, "truth", "tests.pose.test_synthetic:TruthEstimator")

    def run(video: SyntheticVideo, folder: Path) -> Analysis:
        path = folder / f"{video.activity.value}.mp4"
        write_mp4(video, path)
        monkeypatch.setattr(TruthEstimator, "table", video.truth())
        return analyze_video(path, video.activity, estimator="truth")

    return run
