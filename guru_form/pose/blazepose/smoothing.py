"""Smoothing the two alignment landmarks that place the next frame's region of interest.

MediaPipe always smooths the auxiliary landmarks, even with ``smooth_landmarks=False`` (which
turns off only the body's filter): ``pose_landmark_filtering.pbtxt`` runs a one-euro filter
(minimum cut-off 0.01 Hz, beta 10, derivative cut-off 1 Hz) on them, with the speed measured in
units of the person's size (the distance between the two points, doubled). A steady region of
interest keeps the crop, and so the landmarks, from jittering with the model's noise; the filter
lets it follow fast movement at once (its cut-off rises with the speed).

The body's landmarks are not smoothed here: the engine filters the measured joints itself with
the frames' true times (:mod:`guru_form.pose.filters`).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["AlignmentSmoother", "OneEuroFilter"]

FloatArray = npt.NDArray[np.float64]


class OneEuroFilter:
    """A one-euro filter over an array of values, each filtered on its own.

    The filter of Casiez, Roussel and Vogel (CHI 2012) in MediaPipe's form: the first value
    passes through; after it, the derivative (scaled by ``value_scale``) is low-passed at
    ``derivative_cutoff`` and the value is low-passed at ``min_cutoff + beta * |derivative|``.
    Times are in milliseconds; a time that does not increase returns the value unfiltered.

    Parameters
    ----------
    min_cutoff, beta, derivative_cutoff
        The filter's parameters (Hz, 1/(scaled unit), Hz).

    Examples
    --------
    >>> f = OneEuroFilter(min_cutoff=1.0, beta=0.0, derivative_cutoff=1.0)
    >>> f(np.array([0.0]), 0.0).tolist(), f(np.array([10.0]), 100.0).round(3).tolist()
    ([0.0], [3.859])
    """

    def __init__(self, *, min_cutoff: float, beta: float, derivative_cutoff: float) -> None:
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.derivative_cutoff = derivative_cutoff
        self.reset()

    def reset(self) -> None:
        """Forget the past (the next value passes through)."""
        self._last_ms: float | None = None
        self._raw: FloatArray | None = None
        self._value: FloatArray | None = None
        self._derivative: FloatArray | None = None

    @staticmethod
    def _alpha(cutoff: FloatArray | float, period_s: float) -> FloatArray:
        tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff, dtype=np.float64))
        out: FloatArray = 1.0 / (1.0 + tau / period_s)
        return out

    def __call__(
        self, value: FloatArray, time_ms: float, *, value_scale: float = 1.0
    ) -> FloatArray:
        """Filter ``value`` at ``time_ms``; returns the filtered array."""
        value = np.asarray(value, dtype=np.float64)
        if self._last_ms is not None and time_ms <= self._last_ms:
            return value
        if self._raw is None or self._value is None or self._last_ms is None:
            self._last_ms = time_ms
            self._raw = value.copy()
            self._value = value.copy()
            self._derivative = np.zeros_like(value)
            return value.copy()
        period_s = (time_ms - self._last_ms) / 1000.0
        self._last_ms = time_ms
        speed = (value - self._raw) * value_scale / period_s
        a_d = self._alpha(self.derivative_cutoff, period_s)
        assert self._derivative is not None
        self._derivative = a_d * speed + (1.0 - a_d) * self._derivative
        a = self._alpha(self.min_cutoff + self.beta * np.abs(self._derivative), period_s)
        self._value = a * value + (1.0 - a) * self._value
        self._raw = value.copy()
        return self._value.copy()


class AlignmentSmoother:
    """The one-euro filter of the two alignment landmarks, scaled by the person's size.

    Examples
    --------
    >>> s = AlignmentSmoother()
    >>> hip, top = s(np.array([100.0, 200.0]), np.array([100.0, 120.0]), 0.0)
    >>> hip.tolist(), top.tolist()
    ([100.0, 200.0], [100.0, 120.0])
    """

    def __init__(self) -> None:
        self._filter = OneEuroFilter(min_cutoff=0.01, beta=10.0, derivative_cutoff=1.0)

    def reset(self) -> None:
        """Forget the past: the person was lost."""
        self._filter.reset()

    def __call__(
        self, centre: FloatArray, scale_point: FloatArray, time_ms: float
    ) -> tuple[FloatArray, FloatArray]:
        """The smoothed hip centre and scale point (pixels) of this frame."""
        size = 2.0 * float(np.hypot(*(scale_point - centre)))
        points = np.concatenate([centre, scale_point])
        if not size > 1e-6:
            return centre.copy(), scale_point.copy()
        out = self._filter(points, time_ms, value_scale=1.0 / size)
        return out[:2], out[2:]
