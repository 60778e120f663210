"""The committed sample videos: found, described, small, and up to date with their script."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import av
import numpy as np
import pytest

import guru_form as gf
from guru_form.errors import InvalidInputError
from guru_form.samples import sample_analysis, sample_dir, sample_names, sample_path, sample_truth
from guru_form.testing.synthetic import synthesize

NAMES = ["bench_press", "deadlift", "push_up", "squat"]


@pytest.fixture(scope="module")
def script(repo_root: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_sample_videos", repo_root / "scripts" / "render_sample_videos.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_names_paths_and_top_level_exports(repo_root: Path) -> None:
    assert sample_names() == NAMES
    assert sample_dir() == repo_root / "sample_videos"
    assert sample_path("squat") == repo_root / "sample_videos" / "squat.mp4"
    assert sample_path("squat.mp4") == sample_path("squat")
    assert gf.sample_path is sample_path and gf.sample_names is sample_names
    assert gf.sample_analysis("push_up").activity is gf.Activity.PUSH_UP
    assert len(gf.sample_truth("push_up")) > 0


def test_unknown_sample_names_the_available_ones() -> None:
    with pytest.raises(InvalidInputError, match="bench_press, deadlift, push_up, squat"):
        sample_path("lunge")
    with pytest.raises(InvalidInputError, match="lunge"):
        sample_analysis("lunge")


@pytest.mark.parametrize("name", NAMES)
def test_sample_is_small_short_and_matches_its_truth(name: str) -> None:
    path = sample_path(name)
    assert path.stat().st_size < 2 * 1024 * 1024
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.width <= 640 and stream.height <= 480
        seconds = float(stream.duration * stream.time_base)
        frames = stream.frames
    assert 3 <= seconds <= 14
    truth = sample_truth(name)
    assert frames == len(truth)
    analysis = sample_analysis(name)
    assert analysis.rep_count >= 4
    assert analysis.reps[-1].end_ms <= truth.time_ms.iloc[-1]


def test_sample_folder_stays_modest() -> None:
    total = sum(p.stat().st_size for p in sample_dir().iterdir())
    assert total < 6 * 1024 * 1024


@pytest.mark.parametrize("name", NAMES)
def test_committed_samples_are_what_the_script_makes(script: ModuleType, name: str) -> None:
    spec = dict(script.SAMPLES[name])
    common = {k: v for k, v in script.COMMON.items() if k in ("size", "fps")}
    video = synthesize(spec.pop("activity"), **spec, **common)
    made, committed_analysis = video.analysis(), sample_analysis(name)
    assert (made.activity, made.domain) == (committed_analysis.activity, committed_analysis.domain)
    assert len(made.reps) == len(committed_analysis.reps)
    for a, b in zip(made.reps, committed_analysis.reps, strict=True):
        assert (a.start_ms, a.mid_ms, a.end_ms) == (b.start_ms, b.mid_ms, b.end_ms)
        assert a.analyses == pytest.approx(b.analyses, abs=1e-9)
    expected, committed = video.truth(), sample_truth(name)
    assert list(expected.columns) == list(committed.columns)
    numeric = expected.select_dtypes("number").columns
    assert np.allclose(expected[numeric], committed[numeric], atol=2e-3)


def test_fatigue_shows_in_every_sample() -> None:
    key = {
        "squat": "HIP_KNEE_ANGLE_DEGREES",
        "push_up": "ELBOW_ANGLE_DEGREES",
        "bench_press": "ELBOW_ANGLE_DEGREES",
    }
    for name, analysis_type in key.items():
        reps = sample_analysis(name).reps
        assert reps[-1].analyses[analysis_type] > reps[0].analyses[analysis_type] + 8
    deadlift = sample_analysis("deadlift").reps
    assert deadlift[-1].analyses["LOCKOUT_HIP_ANGLE_DEGREES"] < (
        deadlift[0].analyses["LOCKOUT_HIP_ANGLE_DEGREES"] - 4
    )
