"""Names that say one thing: renamed modules and functions, and the old names kept for a release."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _fresh(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter (module aliases are set up at first import)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def test_pose_track_is_the_module_and_estimate_track_the_function() -> None:
    from guru_form import pose
    from guru_form.pose import analysis

    track_module = importlib.import_module("guru_form.pose.track")
    assert pose.track is track_module and pose.track.PoseTrack is pose.PoseTrack
    assert pose.estimate_track is analysis.estimate_track
    assert "track" not in pose.__all__ and "estimate_track" in pose.__all__


def test_calling_pose_track_still_works_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from guru_form import pose
    from guru_form.pose import analysis

    calls = []
    monkeypatch.setattr(analysis, "estimate_track", lambda *a, **k: calls.append((a, k)) or "t")
    with pytest.warns(
        DeprecationWarning, match=r"pose\.track\(\.\.\.\) is renamed .*estimate_track"
    ):
        assert pose.track("v.mp4", activity="squat", stride=2) == "t"
    assert calls == [(("v.mp4",), {"activity": "squat", "stride": 2})]


def test_the_old_module_paths_import_with_a_warning() -> None:
    done = _fresh(
        "import warnings\n"
        "warnings.simplefilter('always')\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    from guru_form.pose.analyze import analyze_video\n"
        "    from guru_form.analyze import run_analyze\n"
        "    import guru_form.pose.analyze as old\n"
        "from guru_form.pose.analysis import analyze_video as new_video\n"
        "from guru_form.batch_outputs import run_analyze as new_run\n"
        "assert analyze_video is new_video and run_analyze is new_run\n"
        "messages = [str(w.message) for w in caught if w.category is DeprecationWarning]\n"
        "assert any('guru_form.pose.analyze is renamed guru_form.pose.analysis' in m for m in messages), messages\n"
        "assert any('guru_form.analyze is renamed guru_form.batch_outputs' in m for m in messages), messages\n"
        "print('ok')\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_the_new_names_import_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        importlib.import_module("guru_form.batch_outputs")
        importlib.import_module("guru_form.pose.analysis")
        from guru_form.pose.track import PoseTrack, build_track  # noqa: F401
        from guru_form.pose_track import PoseTrack as Same

        assert PoseTrack is Same


def test_the_old_paths_are_not_files() -> None:
    # The renamed files keep their history: changes made to the old files on other branches merge
    # into the new ones.
    assert not (REPO / "guru_form" / "analyze.py").exists()
    assert not (REPO / "guru_form" / "pose" / "analyze.py").exists()
