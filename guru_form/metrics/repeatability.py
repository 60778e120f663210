"""How much a measured value moves when the same set is measured again: the borderline rule.

``benchmarks/repeatability.py`` runs the local pose engine several times over the same real clips
(every frame and every other frame; the clip re-encoded; the clip shifted by half a frame), pairs
each rep's values across the runs, and writes the spread of each per-rep metric, per activity, to
``repeatability.json`` beside this module. This module reads that file: it is the one place the
spreads live.

The spread of a metric is the half-width of the 95 % range of one measurement's error, estimated
from pairs of measurements of the same rep: with ``d`` the differences of the pairs,
``spread = 1.96 * sqrt(mean(d**2) / 2)`` (the within-rep standard deviation, as in Bland and
Altman's repeatability coefficient, divided by the square root of 2 for one measurement rather
than the difference of two). Two spreads are measured:

``stride``
    every frame against every other frame (``--stride 1`` against ``--stride 2``);
``retest``
    the clip against its re-encoded copy and against a copy shifted by half a frame, at both
    strides: the engine is deterministic (the same file gives the same numbers), so these
    copies stand for filming the set again.

The **margin** of a metric is the larger of the two: a verdict has to hold whether the video was
analysed at stride 1 or 2, and whether it had been filmed a moment later.

**The borderline rule.** A value within the margin of a limit (on either side) is *borderline*:
measuring the same rep again could put it on the other side of the limit. Only a value beyond
the limit by more than the margin *fails*; only one inside it by more than the margin *passes*
without comment. :meth:`Threshold.judge <guru_form.metrics.Threshold.judge>` applies the rule;
:mod:`guru_form.tables.flags` and the report use it.

Examples
--------
>>> from guru_form.metrics import Threshold
>>> Threshold(high=90).judge(93.0, margin=4.0), Threshold(high=90).judge(97.0, margin=4.0)
('borderline', 'fail')
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from guru_form.errors import InvalidInputError
from guru_form.models import Activity, resolve_activity

__all__ = [
    "REPEATABILITY_FILE",
    "Repeatability",
    "Spread",
    "margin_of",
    "margins_of",
    "repeatability",
]

#: The file ``benchmarks/repeatability.py`` writes, beside this module.
REPEATABILITY_FILE = "repeatability.json"


@dataclass(frozen=True)
class Spread:
    """The measured spread of one metric of one activity under one kind of repetition.

    Attributes
    ----------
    value
        Half-width of the 95 % range of one measurement's error, in the metric's unit.
    pairs
        How many rep pairs it was estimated from.
    largest
        The largest absolute difference seen in a pair, in the metric's unit.
    """

    value: float
    pairs: int
    largest: float


@dataclass(frozen=True)
class Repeatability:
    """The measured spreads: per activity and metric, ``stride`` and ``retest`` (see the module
    docstring), and where and with what they were measured.

    Attributes
    ----------
    spreads
        ``activity -> metric -> {"stride": Spread, "retest": Spread}``.
    engine
        The pose engine and model the numbers come from.
    measured
        The date of the measurement (ISO).
    clips
        The clips measured, per activity.
    """

    spreads: Mapping[str, Mapping[str, Mapping[str, Spread]]]
    engine: str
    measured: str
    clips: Mapping[str, tuple[str, ...]]

    def margin(self, metric: str, activity: Activity | str | None) -> float:
        """The margin of ``metric`` (the larger of its stride and retest spreads), 0 when unknown.

        Parameters
        ----------
        metric
            A column of the rep table (an analysisType, ``duration_s``,
            ``velocity_loss_percent``, ...).
        activity
            The set's activity. None: the largest margin of the metric over the activities
            measured (a verdict on a set of unknown activity is not more certain than any).

        Returns
        -------
        float
            In the metric's unit; 0.0 for a metric or an activity never measured.
        """
        if activity is None:
            names = list(self.spreads)
        else:
            act, _ = resolve_activity(activity)
            names = [] if act is None else [act.value]
        found = [
            spread.value
            for name in names
            for spread in self.spreads.get(name, {}).get(metric, {}).values()
            if math.isfinite(spread.value)
        ]
        return max(found, default=0.0)


def _parse(data: Mapping[str, Any]) -> Repeatability:
    try:
        spreads = {
            str(activity): {
                str(metric): {
                    str(kind): Spread(float(s["spread"]), int(s["pairs"]), float(s["largest"]))
                    for kind, s in kinds.items()
                }
                for metric, kinds in metrics.items()
            }
            for activity, metrics in data["spreads"].items()
        }
        clips = {str(a): tuple(str(c) for c in names) for a, names in data["clips"].items()}
        return Repeatability(spreads, str(data["engine"]), str(data["measured"]), clips)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InvalidInputError(
            f"{REPEATABILITY_FILE} is not in the layout benchmarks/repeatability.py writes "
            f"({error!r}); run `python benchmarks/repeatability.py --write` again"
        ) from None


@functools.cache
def repeatability() -> Repeatability:
    """The spreads shipped with guru_form (``guru_form/metrics/repeatability.json``).

    Returns
    -------
    Repeatability
        Empty (every margin 0) when the file is missing.
    """
    source = resources.files("guru_form.metrics").joinpath(REPEATABILITY_FILE)
    if not source.is_file():
        return Repeatability({}, "none", "never", {})
    return _parse(json.loads(source.read_text(encoding="utf-8")))


def margin_of(metric: str, activity: Activity | str | None) -> float:
    """The borderline margin of ``metric`` for ``activity`` (see the module docstring).

    Parameters
    ----------
    metric
        A column of the rep table.
    activity
        The set's activity, or None.

    Returns
    -------
    float
        In the metric's unit; 0.0 when it was never measured.

    Examples
    --------
    >>> margin_of("NOT_A_METRIC", "squat")
    0.0
    """
    return repeatability().margin(metric, activity)


def margins_of(metrics: Iterable[str], activity: Activity | str | None) -> dict[str, float]:
    """:func:`margin_of` each of ``metrics`` for ``activity``: ``metric -> margin``.

    Examples
    --------
    >>> margins_of(["NOT_A_METRIC"], "squat")
    {'NOT_A_METRIC': 0.0}
    """
    return {metric: margin_of(metric, activity) for metric in metrics}
