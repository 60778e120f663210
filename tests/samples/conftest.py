"""Fixtures for the synthetic-video tests: small rendered videos, shared per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from guru_form.testing.synthetic import SyntheticVideo, render_video


@pytest.fixture(scope="session")
def small_squat(tmp_path_factory: pytest.TempPathFactory) -> SyntheticVideo:
    """A 2-rep squat at 320x240, written to disk with its ground truth."""
    path = tmp_path_factory.mktemp("synthetic") / "squat.mp4"
    return render_video(path, "squat", size=(320, 240), reps=2, seed=5, write_truth=True)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]
