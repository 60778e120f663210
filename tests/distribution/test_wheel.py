"""The wheel and sdist that ``python -m build`` makes: contents, metadata, and twine's check.

Built without build isolation (hatchling from the test environment), so no package index is
reached. The wheel is built from the sdist, as ``python -m build`` does, so a file the sdist
leaves out that the wheel needs fails here too.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

import guru_form
from guru_form.samples import sample_names

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("build") is None or importlib.util.find_spec("hatchling") is None,
        reason="needs the dev extra's build and hatchling",
    ),
]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    return out


def _one(dist: Path, pattern: str) -> Path:
    (path,) = dist.glob(pattern)
    return path


def test_wheel_holds_the_package_samples_and_models(dist: Path) -> None:
    wheel = _one(dist, "guru_form-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "guru_form/__init__.py" in names
    assert "guru_form/py.typed" in names
    for model in ("pose_detection.tflite", "pose_landmark_full.tflite", "LICENSE", "README.md"):
        assert f"guru_form/pose/blazepose/models/{model}" in names, model
    for sample in sample_names():
        for suffix in (".mp4", ".json", ".truth.csv"):
            assert f"guru_form/_sample_videos/{sample}{suffix}" in names, sample + suffix
    assert any(n.startswith("guru_form/report/templates/") for n in names)
    assert not any(n.startswith(("tests/", "docs/", "notebooks/")) for n in names)


def test_wheel_metadata(dist: Path) -> None:
    wheel = _one(dist, "guru_form-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(zf.read(meta_name).decode())
        entry_points = zf.read(meta_name.replace("METADATA", "entry_points.txt")).decode()
    assert meta["Name"] == "guru-form"
    assert meta["Version"] == guru_form.__version__
    assert meta["Requires-Python"] == ">=3.10"
    assert meta["Description-Content-Type"] == "text/markdown"
    extras = set(meta.get_all("Provides-Extra") or [])
    assert {
        "pose",
        "mediapipe",
        "export",
        "pdf",
        "movement",
        "dask",
        "all",
        "dev",
        "docs",
    } <= extras
    assert "guru-form = guru_form.cli:main" in entry_points


def test_sdist_holds_what_the_wheel_and_docs_are_built_from(dist: Path) -> None:
    import tarfile

    sdist = _one(dist, "guru_form-*.tar.gz")
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    for path in (
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "docs/conf.py",
        "sample_videos/squat.mp4",
    ):
        assert path in names, path
    assert not any(n.startswith((".venv", "docs/_build")) for n in names)


@pytest.mark.skipif(
    shutil.which("twine") is None and importlib.util.find_spec("twine") is None,
    reason="needs twine",
)
def test_twine_check_strict(dist: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
