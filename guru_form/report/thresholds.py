"""The targets a report checks each rep against, per activity, unless you pass your own.

They are common coaching standards, meant as a starting point: a squat to parallel or below, a
deadlift locked out to 170 degrees or more at the hip, a push-up or bench press lowered until the
elbow is at 90 degrees or less and pressed back to 160 degrees or more. Pass ``thresholds=`` to
:func:`~guru_form.report.build_report` to use yours (``{}`` for none).

Examples
--------
>>> default_thresholds("squat")
{'HIP_KNEE_ANGLE_DEGREES': Threshold(low=None, high=0.0)}
"""

from __future__ import annotations

from collections.abc import Mapping

from guru_form.errors import InvalidInputError
from guru_form.frames.annotate import Threshold, ThresholdLike
from guru_form.models import Activity, resolve_activity

__all__ = ["DEFAULT_THRESHOLDS", "as_thresholds", "default_thresholds"]

#: Default targets per activity: analysisType -> acceptable range.
DEFAULT_THRESHOLDS: dict[Activity, dict[str, Threshold]] = {
    Activity.SQUAT: {"HIP_KNEE_ANGLE_DEGREES": Threshold(high=0.0)},
    Activity.DEADLIFT: {"LOCKOUT_HIP_ANGLE_DEGREES": Threshold(low=170.0)},
    Activity.PUSH_UP: {
        "ELBOW_ANGLE_DEGREES": Threshold(high=90.0),
        "LOCKOUT_ELBOW_ANGLE_DEGREES": Threshold(low=160.0),
    },
    Activity.BENCH_PRESS: {
        "ELBOW_ANGLE_DEGREES": Threshold(high=90.0),
        "LOCKOUT_ELBOW_ANGLE_DEGREES": Threshold(low=160.0),
    },
}


def default_thresholds(activity: Activity | str | None) -> dict[str, Threshold]:
    """The default targets of ``activity`` (empty when it is unknown).

    Parameters
    ----------
    activity
        An :class:`~guru_form.models.Activity` or its name; None gives no targets.
    """
    if activity is None:
        return {}
    act, _ = resolve_activity(activity)
    return dict(DEFAULT_THRESHOLDS.get(act, {})) if act is not None else {}


def as_thresholds(
    thresholds: Mapping[str, ThresholdLike] | None, activity: Activity | str | None
) -> dict[str, Threshold]:
    """``thresholds`` as :class:`Threshold` objects, or the activity's defaults when None.

    ``(low, high)`` pairs are accepted as in :mod:`guru_form.frames`; ``{}`` means no targets.
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
