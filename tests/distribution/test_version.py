"""One version: ``guru_form/_version.py`` is what the CLI prints and what the changelog prepares."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from packaging.version import Version  # the PyPA library

import guru_form

ROOT = Path(__file__).resolve().parents[2]


def test_version_is_pep440() -> None:
    assert str(Version(guru_form.__version__)) == guru_form.__version__


def test_changelog_has_a_heading_for_the_version() -> None:
    release = Version(guru_form.__version__).base_version
    headings = re.findall(r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert headings, "CHANGELOG.md has no '## [x.y.z]' headings"
    assert headings[0] == release, (
        f"the newest changelog heading is {headings[0]}, the version is {guru_form.__version__}: "
        f"add '## [{release}] - unreleased' (docs/releasing.md)"
    )


def test_cli_prints_the_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "guru_form", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.strip() == f"guru-form {guru_form.__version__}"
