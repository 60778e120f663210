"""Pose estimators that misbehave on marked frames, for the batch's crash tests.

They live in a module of their own so that a spawned worker process can import them by name.
A frame that is almost pure red makes the estimator raise; almost pure green makes it kill its
process, as a crash inside the native pose model would. Any other frame goes to the default
backend (BlazePose on LiteRT).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

RAISE_COLOUR = (255, 0, 0)
DIE_COLOUR = (0, 255, 0)


def _is(image: npt.NDArray[np.uint8], colour: tuple[int, int, int]) -> bool:
    mean = image.reshape(-1, 3).mean(axis=0)
    return bool(np.all(np.abs(mean - np.asarray(colour)) < 40))


class MarkedFrameEstimator:
    """The default backend, except on red frames (raises) and green frames (the process exits)."""

    name = "marked-frames"

    def __init__(self) -> None:
        self._model: Any = None

    def estimate(self, image: npt.NDArray[np.uint8], time_ms: float) -> Any:
        if _is(image, RAISE_COLOUR):
            raise RuntimeError("out of memory in the pose model (a test's red frame)")
        if _is(image, DIE_COLOUR):
            os._exit(3)
        if self._model is None:
            from guru_form.pose.blazepose import BlazePoseEstimator

            self._model = BlazePoseEstimator(max_people=1)
        return self._model.estimate(image, time_ms)

    def close(self) -> None:
        if self._model is not None:
            self._model.close()
