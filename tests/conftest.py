"""Shared test configuration: charts render off-screen, nothing reaches the internet.

Fixtures for talking to a real local Guru-compatible server (see ``guru_form.testing``):

- ``local_server`` (session): one server for the whole run. Do not leave faults behind on it; use
  ``fresh_server`` for tests that inject faults, restart, or count requests.
- ``fresh_server`` (function): a server of its own (own data directory, no faults, empty request
  record), stopped after the test.
- ``known_videos`` (session): ``{"squat": KnownVideo, "push_up": KnownVideo}``, tiny real videos both
  servers' reference engine answers with ``Complete`` and the ``.analysis`` they hold.
- ``make_known_video`` (function): ``make_known_video(activity="squat", reps=2)`` writes another,
  different known video (for batches).
- ``unknown_video`` (function): a real, readable video the reference engine does not know (its
  analysis ends Failed with a reason naming the missing pose engine).

``server.client_kwargs()`` gives ``client_id``, ``client_secret``, ``base_url``, ``auth_url`` and
``audience``; ``server.faults`` injects 429/5xx/dropped connections/slow responses/slow or failed
analyses/token expiry and counts requests (``server.faults.count("/uploads/*", method="POST")``).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from guru_form.testing import KnownVideo, LocalServer

os.environ.setdefault("MPLBACKEND", "Agg")

_known_counter = itertools.count()


@pytest.fixture(scope="session")
def reference_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of generated known videos the test servers' reference engine reads."""
    return tmp_path_factory.mktemp("reference-videos")


@pytest.fixture(scope="session")
def known_videos(reference_dir: Path) -> dict[str, KnownVideo]:
    """Two known videos: ``"squat"`` (2 reps) and ``"push_up"`` (3 reps)."""
    from guru_form.testing import make_reference_video

    return {
        "squat": make_reference_video(reference_dir, "known-squat", activity="squat", reps=2),
        "push_up": make_reference_video(reference_dir, "known-push-up", activity="push_up", reps=3),
    }


@pytest.fixture
def make_known_video(reference_dir: Path) -> Callable[..., KnownVideo]:
    """A factory of new, distinct known videos: ``make_known_video(activity="squat", reps=2)``."""
    from guru_form.testing import make_reference_video

    def make(activity: str = "squat", reps: int = 2) -> KnownVideo:
        name = f"made-{os.getpid()}-{next(_known_counter)}"
        return make_reference_video(reference_dir, name, activity=activity, reps=reps)

    return make


@pytest.fixture
def unknown_video(tmp_path: Path) -> Path:
    """A readable video that no reference folder holds."""
    from guru_form.testing import make_video

    return make_video(tmp_path / "unknown.mp4", seed=987654)


def _reference_dirs(reference_dir: Path) -> list[Path]:
    from guru_form.server._paths import sample_videos_dir

    return [reference_dir, sample_videos_dir()]


@pytest.fixture(scope="session")
def local_server(reference_dir: Path, known_videos: dict[str, KnownVideo]) -> Iterator[LocalServer]:
    """One local server (reference engine) for the whole test session."""
    from guru_form.testing import LocalServer

    with LocalServer(reference_dirs=_reference_dirs(reference_dir)) as server:
        yield server


@pytest.fixture
def fresh_server(
    reference_dir: Path, known_videos: dict[str, KnownVideo], tmp_path: Path
) -> Iterator[LocalServer]:
    """A local server of this test's own: own data directory, no faults, empty request record."""
    from guru_form.testing import LocalServer

    with LocalServer(
        tmp_path / "server-data", reference_dirs=_reference_dirs(reference_dir)
    ) as server:
        yield server
