"""The targets a report checks each rep against, per activity, unless you pass your own.

The defaults are each activity's profile's ``thresholds`` (:mod:`guru_form.activities`): common
coaching standards, meant as a starting point, such as a squat to parallel or below, a deadlift
locked out to 170 degrees or more at the hip, a push-up or bench press lowered until the elbow is
at 90 degrees or less and pressed back to 160 degrees or more. Pass ``thresholds=`` to
:func:`~guru_form.report.build_report` to use yours (``{}`` for none).

Examples
--------
>>> default_thresholds("squat")
{'HIP_KNEE_ANGLE_DEGREES': Threshold(low=None, high=0.0)}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from guru_form import activities
from guru_form.errors import InvalidInputError
from guru_form.frames.annotate import Threshold, ThresholdLike
from guru_form.models import Activity, resolve_activity

__all__ = ["DEFAULT_THRESHOLDS", "as_thresholds", "default_thresholds"]


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


#: Default targets per activity (analysisType -> acceptable range), from the activity profiles.
DEFAULT_THRESHOLDS: Mapping[Activity, dict[str, Threshold]] = _ProfileThresholds()


def default_thresholds(activity: Activity | str | None) -> dict[str, Threshold]:
    """The default targets of ``activity``: its profile's (empty when it has no profile).

    Parameters
    ----------
    activity
        An :class:`~guru_form.models.Activity` or its name; None gives no targets.

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
