"""Fixtures for the frames tests; the video makers live in ``tests/frames/videos.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.frames.videos import irregular_times, write_video


@pytest.fixture(scope="session")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Shared test videos (written once per session): CFR, VFR, rotated, mirrored, portrait."""
    root = tmp_path_factory.mktemp("frames_videos")
    return {
        "cfr": write_video(root / "cfr.mp4", 150, gop=25),
        "vfr": write_video(root / "vfr.mp4", 120, times_ms=irregular_times(120), gop=20),
        "rot90": write_video(root / "rot90.mp4", 40, rotation=90),
        "rot180": write_video(root / "rot180.mp4", 40, rotation=180),
        "rot270": write_video(root / "rot270.mp4", 40, rotation=270),
        "hflip": write_video(root / "hflip.mp4", 40, hflip=True),
        "hd": write_video(root / "hd.mp4", 12, size=(1280, 720)),
    }
