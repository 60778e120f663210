"""Thresholds: the acceptable range of a metric, and each activity's default targets.

A :class:`Threshold` is an inclusive range with either bound open. Nothing in guru_form is judged
against a hidden constant: charts, frames and reports colour or flag a value only against a
threshold that was passed in, or against the defaults of the activity's profile
(:mod:`guru_form.activities`), which :func:`default_thresholds` reads.

Examples
--------
>>> Threshold(high=0).passes(7.5), Threshold(low=170).describe()
(False, '>= 170')
>>> default_thresholds("squat")
{'HIP_KNEE_ANGLE_DEGREES': Threshold(low=None, high=0.0)}
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from guru_form import activities
from guru_form.errors import InvalidInputError
from guru_form.models import Activity, resolve_activity

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Threshold",
    "ThresholdLike",
    "Verdict",
    "as_threshold",
    "as_thresholds",
    "default_thresholds",
]

#: A value's verdict against a threshold (see :meth:`Threshold.judge`).
Verdict = Literal["pass", "borderline", "fail"]


@dataclass(frozen=True)
class Threshold:
    """The acceptable range of one metric; either bound may be open.

    Parameters
    ----------
    low, high
        Inclusive bounds, in the metric's unit. ``Threshold(high=0)`` on
        ``HIP_KNEE_ANGLE_DEGREES`` means "thigh at or below parallel".

    Examples
    --------
    >>> Threshold(high=0).passes(7.5), Threshold(high=0).describe()
    (False, '<= 0')
    """

    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if self.low is None and self.high is None:
            raise InvalidInputError("a Threshold needs a low or a high bound (or both)")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise InvalidInputError(f"Threshold low={self.low} is above high={self.high}")

    def passes(self, value: float | None) -> bool | None:
        """True inside the range, False outside, None for a missing (NaN) value.

        Parameters
        ----------
        value
            The scalar, in the metric's unit.

        Returns
        -------
        bool or None
            Bounds are inclusive: ``Threshold(high=0).passes(0)`` is True.
        """
        if value is None or math.isnan(value):
            return None
        if self.low is not None and value < self.low:
            return False
        return not (self.high is not None and value > self.high)

    def distance(self, value: float | None) -> float | None:
        """How far ``value`` lies from the nearest bound: positive outside the range (by how
        much it misses), negative or zero inside (how much room is left), None for a missing
        value.

        Examples
        --------
        >>> Threshold(high=90).distance(95.0), Threshold(60, 90).distance(70.0)
        (5.0, -10.0)
        """
        if value is None or math.isnan(value):
            return None
        gaps = []
        if self.low is not None:
            gaps.append(self.low - value)
        if self.high is not None:
            gaps.append(value - self.high)
        return max(gaps)

    def judge(self, value: float | None, margin: float = 0.0) -> Verdict | None:
        """The verdict on ``value`` by the borderline rule.

        Parameters
        ----------
        value
            The scalar, in the metric's unit.
        margin
            The metric's measured repeatability (:func:`guru_form.metrics.margin_of`), in its
            unit; 0 for none.

        Returns
        -------
        {"pass", "borderline", "fail"} or None
            ``"borderline"`` when ``value`` lies within ``margin`` of a bound, on either side
            (measured again it could fall on the other side); otherwise ``"fail"`` outside the
            range and ``"pass"`` inside. None for a missing value. With ``margin=0`` this is
            :meth:`passes` (bounds inclusive).

        Examples
        --------
        >>> t = Threshold(high=0)
        >>> t.judge(7.5, 3.0), t.judge(2.0, 3.0), t.judge(-2.0, 3.0), t.judge(-5.0, 3.0)
        ('fail', 'borderline', 'borderline', 'pass')
        """
        if margin < 0 or math.isnan(margin):
            raise InvalidInputError(f"a margin must be 0 or more, got {margin}")
        gap = self.distance(value)
        if gap is None:
            return None
        if margin > 0 and abs(gap) <= margin:
            return "borderline"
        return "fail" if gap > 0 else "pass"

    def describe(self) -> str:
        """The range in words: ``">= 170"``, ``"<= 0"`` or ``"10 to 20"``.

        Returns
        -------
        str
            The bounds as given (``:g`` format), without a unit. For text with units and
            exact bounds, see :func:`guru_form.metrics.format_range`.
        """
        if self.low is not None and self.high is not None:
            return f"{self.low:g} to {self.high:g}"
        if self.low is not None:
            return f">= {self.low:g}"
        return f"<= {self.high:g}"


#: A :class:`Threshold`, or a ``(low, high)`` pair with ``None`` for an open side.
ThresholdLike = Threshold | tuple[float | None, float | None]


def as_threshold(value: ThresholdLike) -> Threshold:
    """``value`` as a :class:`Threshold`.

    Parameters
    ----------
    value
        A :class:`Threshold`, or a ``(low, high)`` pair with None for an open side.

    Returns
    -------
    Threshold

    Raises
    ------
    InvalidInputError
        For anything else, or bounds a Threshold refuses.
    """
    if isinstance(value, Threshold):
        return value
    try:
        low, high = value
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"a threshold must be a Threshold or a (low, high) pair, got {value!r}"
        ) from None
    return Threshold(low, high)


class _ProfileThresholds(Mapping[Activity, dict[str, Threshold]]):
    """``activity -> default targets``, read from the registered activity profiles."""

    def __getitem__(self, activity: Activity) -> dict[str, Threshold]:
        profile = activities.find(activity)
        if profile is None:
            raise KeyError(activity)
        return {name: Threshold(low, high) for name, (low, high) in profile.thresholds.items()}

    def __iter__(self) -> Iterator[Activity]:
        return (p.activity for p in activities.registered())

    def __len__(self) -> int:
        return len(activities.registered())

    def __repr__(self) -> str:
        return repr(dict(self))


#: Default targets per activity (analysisType -> acceptable range): a live view of the activity
#: profiles' ``thresholds``.
DEFAULT_THRESHOLDS: Mapping[Activity, dict[str, Threshold]] = _ProfileThresholds()


def default_thresholds(activity: Activity | str | None) -> dict[str, Threshold]:
    """The default targets of ``activity``: its profile's (empty when it has no profile).

    Parameters
    ----------
    activity
        An :class:`~guru_form.models.Activity` or its name; None gives no targets.

    Returns
    -------
    dict
        ``analysisType -> Threshold``.

    Raises
    ------
    InvalidInputError
        For a name that is not an activity.
    """
    if activity is None:
        return {}
    act, _ = resolve_activity(activity)
    return {} if act is None else DEFAULT_THRESHOLDS.get(act, {})


def as_thresholds(
    thresholds: Mapping[str, ThresholdLike] | None, activity: Activity | str | None
) -> dict[str, Threshold]:
    """``thresholds`` as :class:`Threshold` objects, or the activity's defaults when None.

    Parameters
    ----------
    thresholds
        ``analysisType -> Threshold or (low, high)``; ``{}`` means no targets, None the
        activity's defaults.
    activity
        Whose defaults to use when ``thresholds`` is None.

    Returns
    -------
    dict
        ``analysisType -> Threshold``.

    Raises
    ------
    InvalidInputError
        For a value that is neither a Threshold nor a ``(low, high)`` pair (the message names
        the metric).
    """
    if thresholds is None:
        return default_thresholds(activity)
    out: dict[str, Threshold] = {}
    for column, value in thresholds.items():
        if isinstance(value, Threshold):
            out[str(column)] = value
            continue
        try:
            low, high = value
        except (TypeError, ValueError):
            raise InvalidInputError(
                f"thresholds[{column!r}] must be a Threshold or a (low, high) pair, got {value!r}"
            ) from None
        out[str(column)] = Threshold(low, high)
    return out
