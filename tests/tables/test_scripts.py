"""The benchmark and the gallery script run end to end on small inputs."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(relative: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(Path(relative).stem + "_script", ROOT / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_prints_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _load("benchmarks/tables.py")
    assert bench.main(["--analyses", "4", "--reps", "3", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "pandas.json_normalize (baseline)" in out and "x baseline" in out


@pytest.mark.slow
def test_gallery_renders_from_analysis_files(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    from guru_form.tables.examples import example_analysis

    gallery = _load("scripts/make_gallery.py")
    files = [
        example_analysis("push_up", reps=3, seed=s).save(tmp_path / f"p{s}.json") for s in (1, 2)
    ]
    (tmp_path / "not_an_analysis.json").write_text("[1, 2]")
    analyses = gallery.load_inputs([*files, tmp_path / "not_an_analysis.json"])
    assert list(analyses) == ["p1", "p2"]
    gallery.render(analyses, tmp_path / "out", dpi=40)
    plt.close("all")
    names = sorted(p.name for p in (tmp_path / "out").glob("*.png"))
    assert "p1_dashboard.png" in names and "sessions_box.png" in names
    assert len(names) == 2 * 5 + 2


def test_gallery_defaults_to_the_sample_videos_analyses() -> None:
    gallery = _load("scripts/make_gallery.py")
    analyses = gallery.load_inputs([])
    assert sorted(analyses) == ["bench_press", "deadlift", "push_up", "squat"]
    sessions, key, metric = gallery.comparison(analyses)
    # Four activities: the sets are compared on the metric they share.
    assert key == "set" and metric == "MEAN_CONCENTRIC_VELOCITY_BH_PER_S"
    assert sorted(sessions) == ["Bench press", "Deadlift", "Push-up", "Squat"]
    two_squats = {"mon": analyses["squat"], "thu": analyses["squat"]}
    assert gallery.comparison(two_squats)[1:] == ("session", "HIP_KNEE_ANGLE_DEGREES")
