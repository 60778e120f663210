"""Fixtures for the video tests: the frames tests' small videos (made in ``tests/frames/videos.py``)."""

from __future__ import annotations

from tests.frames.conftest import videos

__all__ = ["videos"]
