"""The targets a report checks each rep against, per activity, unless you pass your own.

(Defined in :mod:`guru_form.metrics.thresholds`, re-exported here where reports look for them.)

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

from guru_form.metrics.thresholds import DEFAULT_THRESHOLDS, as_thresholds, default_thresholds

__all__ = ["DEFAULT_THRESHOLDS", "as_thresholds", "default_thresholds"]
