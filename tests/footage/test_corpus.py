"""The corpus manifests: well formed, every clip fetchable, and the held-back sets kept apart.

These tests read only the JSON manifests and the fetch script; they need no clip and no engine.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from tests.footage.corpus import CORPUS, FRESH_SPLITS, HERE, SPLITS, Clip, load_corpus

#: Repositories kept for an independent check (issue 13): no split may use them.
RESERVED = {
    "yuyoujiang/test_video",
    "yo-sabree/AI-Personal-Assistent",
    "KavyaDalmia/Form-Compensation-Detector-and-Rep-counter",
    "RJ-song/MediapipePy_movement_detect",
    "hbattu73/wi21-cse110-lab3",
    "kantesh813/AI_GYM_Trainer",
    "benkoszbolcs/FitnessForFreaks",
    "nmn28/exercise-analyzer",
    "MinhMarks/Bench-Press-GUARD",
    "Divyansh3021/AI_sports_judge",
    "riyer8/cs231n-pushfit",
    "austinlhx/Calisthenics-Tracker",
    "TheSebitzu/gym-app-ai",
    "posemvp/posemvp",
}
VIEWS = {"side", "front", "oblique", "mixed"}


@pytest.fixture(scope="module")
def clips() -> list[Clip]:
    return load_corpus()


@pytest.fixture
def fetch_external(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The fetch script, imported as it runs (its folder first on ``sys.path``)."""
    monkeypatch.syspath_prepend(str(HERE))
    return importlib.import_module("fetch_external")


def test_every_clip_is_well_formed(clips: list[Clip]) -> None:
    assert clips
    for clip in clips:
        assert clip.split in SPLITS, clip.file
        assert clip.view in VIEWS, clip.file
        assert re.fullmatch(rf"{clip.activity}_{clip.view}(_views)?_\d\d\.\w+", clip.file), (
            clip.file
        )
        assert re.fullmatch(r"[0-9a-f]{40}", clip.commit), clip.file
        assert re.fullmatch(r"[0-9a-f]{64}", clip.sha256), clip.file
        assert clip.raw["in_git"] is False, clip.file
        assert clip.reps >= 1, clip.file
        assert list(clip.mid_s) == sorted(clip.mid_s), clip.file
        assert all(0 <= t <= float(clip.raw["duration_s"]) for t in clip.mid_s), clip.file
        if clip.activity == "lunge":
            assert clip.leading_side is not None, clip.file
            assert len(clip.leading_side) == clip.reps, clip.file
        assert clip.raw["counted"].strip(), clip.file


def test_a_split_outside_the_known_ones_is_refused(tmp_path: Path) -> None:
    manifest = (CORPUS / "squat.json").read_text()
    first = load_corpus()[0]
    wrong = manifest.replace(f'"split": "{first.split}"', '"split": "holdout9"', 1)
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "squat.json").write_text(wrong)
    with pytest.raises(ValueError, match="holdout9"):
        load_corpus(folder)


@pytest.mark.parametrize("split", FRESH_SPLITS)
def test_a_fresh_holdout_shares_no_repository(
    split: str, clips: list[Clip], fetch_external: ModuleType
) -> None:
    """Each fresh held-back set uses repositories that no other split and no old clip uses."""
    assert split in SPLITS
    fresh = [clip for clip in clips if clip.split == split]
    seen = {clip.repo for clip in clips if clip.split != split}
    seen |= {repo for repo, *_ in fetch_external.CLIPS.values()}
    for clip in fresh:
        assert clip.repo not in seen, clip.file
        assert clip.repo not in RESERVED, clip.file


def test_no_split_uses_a_reserved_repository(clips: list[Clip]) -> None:
    for clip in clips:
        assert clip.repo not in RESERVED, clip.file


def test_the_fetch_script_fetches_every_manifest_clip(
    clips: list[Clip], fetch_external: ModuleType
) -> None:
    wanted = fetch_external.all_clips()
    for clip in clips:
        assert wanted[clip.file] == (clip.repo, clip.commit, clip.source_path, clip.sha256)
    assert not [n for n, count in Counter(c.file for c in clips).items() if count > 1]


def test_the_fetch_script_copies_from_a_mirror(fetch_external: ModuleType, tmp_path: Path) -> None:
    """The ``--mirror`` path: a clip read from a local clone with ``git show``."""
    import subprocess

    repo = tmp_path / "owner+name"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "clip.mp4").write_bytes(b"not really a video")
    subprocess.run(["git", "-C", str(repo), "add", "clip.mp4"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "commit",
            "-qm",
            "clip",
        ],
        check=True,
    )
    commit = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    data = fetch_external._from_mirror(tmp_path, "owner/name", commit, "clip.mp4")
    assert data == b"not really a video"
