"""The checks a report runs on every rep, and why a rep was flagged, in words.

Each check is one of :mod:`guru_form.tables`' flag functions with an explicit limit; this module
only adds the sentence a coach reads ("Squat depth 3.2° (target ≤ 0.0°)") and which column of the
rep table the flag belongs to. A rep within the measurement's repeatability of a limit is
borderline, not failed (the rule of :mod:`guru_form.metrics.repeatability`); its sentence says so
("Squat depth 0.6° (target ≤ 0.0°): borderline, the measurement repeats to ±1.0°"). A rep whose
value the local pose engine is unsure of (the pose was lost where it was taken,
:mod:`guru_form.pose.unsure`) is neither: its sentence reads "unsure (pose lost: <why>)".

Examples
--------
>>> from guru_form.metrics import Threshold
>>> from guru_form.tables import reps_frame
>>> from guru_form.tables.examples import example_analysis
>>> frame = reps_frame(example_analysis("squat"))
>>> flagged, rules = apply_rules(frame, {"HIP_KNEE_ANGLE_DEGREES": Threshold(high=0)})
>>> [rule.flag for rule in rules]
['flag_shallow', 'flag_tempo', 'flag_velocity_loss']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from guru_form import activities
from guru_form._deprecation import moved_names
from guru_form.metrics import (
    DURATION_S,
    UNSURE,
    VELOCITY_COLUMNS,
    VELOCITY_LOSS,
    Threshold,
    format_bound,
    format_range,
    format_value,
    frame_activity,
    margin_of,
    metric_label,
    unit_of,
    unsure_in,
)
from guru_form.plots.markers import flag_label
from guru_form.tables import flag_tempo, flag_threshold, flag_velocity_loss
from guru_form.tables.flags import borderline_column, unsure_column

__all__ = ["Rule", "apply_rules", "flag_labels", "metric_label"]

#: The least number of timed reps for which "off the set's median" means something.
MIN_REPS_FOR_TEMPO = 3


def _format_number(
    value: object, unit: str | None = None, *, signed: bool = False, with_unit: bool = True
) -> str:
    """Deprecated: :func:`guru_form.metrics.format_value`."""
    return format_value(value, unit, signed=signed, with_unit=with_unit)


__getattr__ = moved_names(
    __name__, {"format_number": ("guru_form.metrics.format_value", lambda: _format_number)}
)


@dataclass(frozen=True)
class Rule:
    """One check on every rep.

    Attributes
    ----------
    flag
        The boolean ``flag_*`` column it adds to the rep frame.
    column
        The rep-table column the flag is about (a flagged rep's cell there is marked).
    threshold
        The range of ``column`` a rep passes within, when the check is one (values in that
        column are printed so that they read on the side of it they are on).
    text
        The check in words, for the report's list of targets.
    short
        A one- or two-word name ("shallow", "tempo"), for tags: the flag's label
        (:func:`guru_form.plots.markers.flag_label`) in lower case.
    reason
        ``reason(row)``: the rep's value against the check, in words (why it failed, or why it
        is borderline).
    margin
        The check's borderline margin, in ``column``'s unit (0: none).
    """

    flag: str
    column: str
    text: str
    short: str
    reason: Callable[[pd.Series], str]
    threshold: Threshold | None = None
    margin: float = 0.0

    @property
    def borderline(self) -> str:
        """The boolean column of the reps this check found borderline."""
        return borderline_column(self.flag)

    @property
    def unsure(self) -> str:
        """The boolean column of the reps whose value this check could not judge: the local
        pose engine is unsure of it (present only when the frame says which values are)."""
        return unsure_column(self.flag)

    def why(self, row: pd.Series) -> str | None:
        """Why this rep failed, is borderline or is unsure, or None when it passed the check."""
        if bool(row[self.flag]):
            return self.reason(row)
        if bool(row.get(self.borderline, False)):
            shown = format_value(self.margin, unit_of(self.column))
            return f"{self.reason(row)}: borderline, the measurement repeats to ±{shown}"
        if bool(row.get(self.unsure, False)):
            lost = unsure_in(row.get(UNSURE), self.column) or "the pose was lost"
            return f"{self.reason(row)}: unsure (pose lost: {lost})"
        return None


def _threshold_rule(column: str, threshold: Threshold, margin: float) -> Rule:
    unit = unit_of(column)
    label = metric_label(column)
    target = format_range(threshold, unit)

    def reason(row: pd.Series) -> str:
        return f"{label} {format_value(row[column], unit, threshold)} (target {target})"

    # Named as guru_form.tables names the same flags (flag_depth -> flag_shallow, ...).
    profiles = activities.registered()
    if column in {p.depth_metric for p in profiles}:
        flag = "flag_shallow"
    elif column in {p.lockout_metric for p in profiles}:
        flag = "flag_soft_lockout"
    else:
        flag = f"flag_{column.lower()}"
    text = f"{label}: {target}" + _within(margin, unit)
    return Rule(flag, column, text, flag_label(flag).lower(), reason, threshold, margin)


def _within(margin: float, unit: str | None) -> str:
    """``" (borderline within ±1.0°)"``, or nothing for no margin."""
    return f" (borderline within ±{format_value(margin, unit)})" if margin > 0 else ""


def flag_labels(rules: list[Rule]) -> dict[str, str]:
    """``flag column -> label`` of the checks (``{"flag_tempo": "Tempo"}``), from
    :func:`guru_form.plots.markers.flag_label`."""
    return {rule.flag: flag_label(rule.flag) for rule in rules}


def apply_rules(
    frame: pd.DataFrame,
    thresholds: Mapping[str, Threshold],
    *,
    tempo_tolerance: float | None = 0.2,
    velocity_loss_limit: float | None = 20.0,
) -> tuple[pd.DataFrame, list[Rule]]:
    """Flag the reps of one set and describe each check.

    Parameters
    ----------
    frame
        A wide frame from :func:`guru_form.tables.reps_frame`.
    thresholds
        analysisType -> acceptable range; a type the frame lacks is skipped.
    tempo_tolerance
        Flag reps whose duration is more than this fraction off the set's median (None: no
        tempo check; skipped below three timed reps).
    velocity_loss_limit
        Flag reps that lost more than this many percent of the set's best velocity (None: no
        check; skipped when the frame has no velocity column).

    Returns
    -------
    (pandas.DataFrame, list of Rule)
        The frame with one ``flag_*`` column per check run (and ``velocity_loss_percent`` when
        velocity was checked), and the checks run, in order.
    """
    rules: list[Rule] = []
    activity = frame_activity(frame)
    for column, threshold in thresholds.items():
        if column not in frame.columns:
            continue
        rule = _threshold_rule(column, threshold, margin_of(column, activity))
        frame = flag_threshold(
            frame,
            column,
            above=threshold.high,
            below=threshold.low,
            name=rule.flag,
            margin=rule.margin,
        )
        rules.append(rule)
    timed = frame[DURATION_S].notna().sum() if DURATION_S in frame.columns else 0
    if tempo_tolerance is not None and timed >= MIN_REPS_FOR_TEMPO:
        tempo_margin = margin_of(DURATION_S, activity)
        frame = flag_tempo(frame, tempo_tolerance, margin=tempo_margin)
        median = float(frame[DURATION_S].median())
        percent = 100.0 * tempo_tolerance
        # flag_tempo's check, as ranges: of the rep time, and of its difference from the median.
        band = Threshold(
            median - tempo_tolerance * abs(median), median + tempo_tolerance * abs(median)
        )
        off_band = Threshold(-percent, percent)

        def tempo_reason(row: pd.Series) -> str:
            off = 100.0 * (float(row[DURATION_S]) - median) / median
            return (
                f"Rep time {format_value(row[DURATION_S], 's', band)}, "
                f"{format_value(off, '%', off_band, signed=True)} off the set's median "
                f"{format_value(median, 's')}"
            )

        rules.append(
            Rule(
                "flag_tempo",
                DURATION_S,
                f"Rep time: within ±{format_bound(percent, '%')} of the set's median"
                + _within(tempo_margin, "s"),
                flag_label("flag_tempo").lower(),
                tempo_reason,
                band,
                tempo_margin,
            )
        )
    velocity = next((c for c in VELOCITY_COLUMNS if c in frame.columns), None)
    if velocity_loss_limit is not None and velocity is not None:
        loss_margin = margin_of(VELOCITY_LOSS, activity)
        frame = flag_velocity_loss(frame, velocity_loss_limit, column=velocity, margin=loss_margin)
        limit = Threshold(high=velocity_loss_limit)
        shown = format_bound(velocity_loss_limit, "%")

        def loss_reason(row: pd.Series) -> str:
            return f"Velocity loss {format_value(row[VELOCITY_LOSS], '%', limit)} (limit {shown})"

        rules.append(
            Rule(
                "flag_velocity_loss",
                VELOCITY_LOSS,
                f"Velocity loss: at most {shown} below the fastest rep so far"
                + _within(loss_margin, "%"),
                flag_label("flag_velocity_loss").lower(),
                loss_reason,
                limit,
                loss_margin,
            )
        )
    return frame, rules
