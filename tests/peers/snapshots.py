"""Guru's own clients, taken from snapshots of their public repositories at pinned commits.

Nothing of theirs is in this repository (see ``tests/peers/README.md``): each test extracts the file
it runs from a git snapshot on this machine, at the commit pinned here, into its own temporary
folder, and skips with the reason when the snapshot is absent. A snapshot is looked for in
``$GURU_PEERS_DIR`` (a folder holding ``<owner>+<name>`` git directories or checkouts) and then in
``/work/.mirror`` (where ``fetch github:<owner>/<name>`` leaves them).
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

PEERS_DIR_ENV = "GURU_PEERS_DIR"
DEFAULT_MIRRORS = Path("/work/.mirror")


@dataclass(frozen=True)
class Pinned:
    """One file of a public repository at one commit."""

    repo: str
    commit: str
    path: str

    @property
    def label(self) -> str:
        """``owner/name@commit:path`` for messages."""
        return f"{self.repo}@{self.commit[:7]}:{self.path}"


EXPRESS_INDEX = Pinned(
    "Formguru/guru-expressjs-example", "3296d505054fddff1f50be5dfb21c2264469016b", "index.js"
)
EXPRESS_PACKAGE = Pinned(
    "Formguru/guru-expressjs-example", "3296d505054fddff1f50be5dfb21c2264469016b", "package.json"
)
DOCS_INDEX = Pinned(
    "Formguru/docs", "fb61a0adfb2bf97ae7fb1e374162d23f4cf94685", "source/index.html.md"
)
BLOG_POST = Pinned(
    "Formguru/blog",
    "933ce0285795f0c58f114182b2c15f7c0a479c32",
    "_posts/2022-03-24-getting-started-with-guru.md",
)


def _candidates(repo: str) -> list[Path]:
    name = repo.replace("/", "+")
    roots = []
    if os.environ.get(PEERS_DIR_ENV):
        roots.append(Path(os.environ[PEERS_DIR_ENV]))
    roots.append(DEFAULT_MIRRORS)
    return [p for root in roots for p in (root / name / "repo", root / name)]


def _git(where: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(where), *args], capture_output=True, check=False)


def git_dir(pin: Pinned) -> Path | None:
    """The snapshot of ``pin.repo`` that holds ``pin.commit``, or None."""
    for candidate in _candidates(pin.repo):
        if (
            candidate.is_dir()
            and _git(candidate, "cat-file", "-e", f"{pin.commit}^{{commit}}").returncode == 0
        ):
            return candidate
    return None


def read_pinned(pin: Pinned) -> bytes:
    """The file's bytes at the pinned commit; skips the test when there is no snapshot."""
    where = git_dir(pin)
    if where is None:
        places = ", ".join(str(p) for p in _candidates(pin.repo))
        pytest.skip(
            f"no snapshot of {pin.repo} holding commit {pin.commit[:7]} (looked in {places}); "
            f"fetch github:{pin.repo}, or set {PEERS_DIR_ENV} to a folder of <owner>+<name> "
            "git directories"
        )
    shown = _git(where, "show", f"{pin.commit}:{pin.path}")
    if shown.returncode != 0:
        pytest.fail(f"{pin.label}: {shown.stderr.decode(errors='replace').strip()}")
    return shown.stdout


def extract(pin: Pinned, folder: Path) -> Path:
    """Write the pinned file into ``folder`` under its own name; returns its path."""
    target = folder / Path(pin.path).name
    target.write_bytes(read_pinned(pin))
    return target


_FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def code_blocks(markdown: str, language: str) -> list[str]:
    """The fenced code blocks of ``markdown`` in ``language``, in order.

    Examples
    --------
    >>> code_blocks("a\\n```bash\\necho 1\\n```\\n```json\\n{}\\n```\\n", "bash")
    ['echo 1\\n']
    """
    return [body for lang, body in _FENCE.findall(markdown) if lang == language]
