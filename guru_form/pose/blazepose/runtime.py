"""Loading the vendored models into Google's LiteRT runtime (``ai-edge-litert``).

The two model files ship inside this package (``models/``; origin, checksums and licence in
``models/README.md``): nothing is downloaded at run time. A :class:`TFLiteModel` is one model with
its interpreter; it is not thread-safe, so each estimator makes its own.

The number of threads each interpreter uses is :func:`default_threads` unless given: the
``GURU_FORM_POSE_THREADS`` environment variable when set (the process pool of
:func:`guru_form.pose.analyze_videos` sets it so that its workers share the cores instead of
competing for them), else the number of CPUs, at most 4 (these models gain little beyond).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from guru_form.errors import MissingDependencyError

__all__ = [
    "DETECTOR_MODEL",
    "LANDMARK_MODEL",
    "THREADS_ENV",
    "TFLiteModel",
    "default_threads",
    "model_path",
]

#: The person detector's file in ``models/``.
DETECTOR_MODEL = "pose_detection.tflite"
#: The landmark model's file in ``models/`` (BlazePose GHUM 3D, "full").
LANDMARK_MODEL = "pose_landmark_full.tflite"
#: Environment variable that sets the threads of each LiteRT interpreter.
THREADS_ENV = "GURU_FORM_POSE_THREADS"
_MAX_DEFAULT_THREADS = 4


def model_path(name: str) -> Path:
    """The path of a vendored model file (``DETECTOR_MODEL`` or ``LANDMARK_MODEL``)."""
    path = Path(str(resources.files("guru_form.pose.blazepose") / "models" / name))
    if not path.is_file():
        raise FileNotFoundError(
            f"the pose model {name} is missing from {path.parent}; reinstall guru-form"
        )
    return path


def default_threads() -> int:
    """Threads per interpreter: ``$GURU_FORM_POSE_THREADS``, else the CPUs (at most 4)."""
    value = os.environ.get(THREADS_ENV, "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            pass
    return max(1, min(os.cpu_count() or 1, _MAX_DEFAULT_THREADS))


def _interpreter_class() -> Any:
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        raise MissingDependencyError("local pose analysis", "pose") from None
    return Interpreter


class TFLiteModel:
    """One vendored model in a LiteRT interpreter: an array in, its output arrays out.

    Parameters
    ----------
    name
        The model's file name in ``models/``.
    num_threads
        Threads of the interpreter (default: :func:`default_threads`).

    Raises
    ------
    MissingDependencyError
        When ``ai-edge-litert`` (the ``pose`` extra) is not installed.
    """

    def __init__(self, name: str, *, num_threads: int | None = None) -> None:
        interpreter_class = _interpreter_class()
        self.name = name
        self.num_threads = num_threads or default_threads()
        self._interpreter = interpreter_class(
            model_path=str(model_path(name)), num_threads=self.num_threads
        )
        self._interpreter.allocate_tensors()
        (inp,) = self._interpreter.get_input_details()
        self._input_index: int = inp["index"]
        #: Shape of the input, e.g. ``(1, 224, 224, 3)``.
        self.input_shape: tuple[int, ...] = tuple(int(d) for d in inp["shape"])
        self._outputs = [
            (int(d["index"]), tuple(int(s) for s in d["shape"]))
            for d in self._interpreter.get_output_details()
        ]

    @property
    def output_shapes(self) -> list[tuple[int, ...]]:
        """The shapes of the outputs, in the model's order."""
        return [shape for _, shape in self._outputs]

    def invoke(self, tensor: npt.NDArray[np.float32]) -> None:
        """Run the model on one input (of :attr:`input_shape`); read outputs with :meth:`output`."""
        self._interpreter.set_tensor(self._input_index, tensor)
        self._interpreter.invoke()

    def output(self, shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
        """A copy of the output of this shape, from the last :meth:`invoke`."""
        for index, own in self._outputs:
            if own == shape:
                array: npt.NDArray[np.float32] = self._interpreter.get_tensor(index)
                return array
        raise ValueError(f"{self.name} has no output of shape {shape}: {self.output_shapes}")
