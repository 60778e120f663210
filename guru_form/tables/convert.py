"""Analysis -> DataFrames: the wide per-rep frame and the long/tidy frame.

Both frames come from one vectorised pass over any number of analyses (:func:`rep_table`), which
:func:`guru_form.tables.combine` uses for whole seasons of footage: the Python-level work is one
flat read of the reps' attributes; sorting, numbering and pivoting happen in numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from guru_form.activities import find as find_profile
from guru_form.errors import InvalidInputError
from guru_form.metrics import (
    CONCENTRIC_S,
    DURATION_S,
    ECCENTRIC_S,
    END_MS,
    MID_MS,
    OPINION_PREFIX,
    OPINIONS,
    OUTLIER,
    REP,
    START_MS,
    UNSURE,
    as_analysis,
    unsure_text,
)
from guru_form.models import Activity, Analysis, Rep, resolve_activity

__all__ = ["analyses_frame", "reps_frame"]

_FloatArray = npt.NDArray[np.float64]
_IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class RepTable:
    """Every rep of several analyses as flat arrays, sorted by (analysis, start, mid, end).

    Attributes
    ----------
    analysis
        Per rep: the position of its analysis in the input sequence.
    rep
        Per rep: its 1-based number within its analysis, in order of start time.
    start_ms, mid_ms, end_ms
        Per rep: the timestamps.
    eccentric_s, concentric_s
        Per rep: the phase durations (NaN when the activity is unknown).
    types
        The analysisType names, in order of first appearance.
    values
        ``(n_reps, len(types))`` matrix of scalars; NaN where a rep lacks a type.
    long_row, long_code, long_value
        One entry per (rep, analysisType) the reps actually carry, in rep order: the row in the
        arrays above, the index into ``types`` and the scalar.
    source
        Per rep: its position among all the analyses' reps, in input order (to read more of it).
    """

    analysis: _IntArray
    rep: _IntArray
    start_ms: _IntArray
    mid_ms: _IntArray
    end_ms: _IntArray
    eccentric_s: _FloatArray
    concentric_s: _FloatArray
    types: list[str]
    values: _FloatArray
    long_row: _IntArray
    long_code: _IntArray
    long_value: _FloatArray
    source: _IntArray

    def timing_columns(self) -> dict[str, Any]:
        """The fixed columns of the wide frame (DESIGN.md order)."""
        return {
            REP: self.rep,
            START_MS: self.start_ms,
            MID_MS: self.mid_ms,
            END_MS: self.end_ms,
            DURATION_S: (self.end_ms - self.start_ms) / 1000.0,
            ECCENTRIC_S: self.eccentric_s,
            CONCENTRIC_S: self.concentric_s,
        }

    def wide_columns(self) -> dict[str, Any]:
        """Timing columns, then one float column per analysisType."""
        columns = self.timing_columns()
        for i, name in enumerate(self.types):
            if name in columns:
                raise InvalidInputError(
                    f"analysisType {name!r} clashes with a fixed column of the rep frame; "
                    f"rename it in the analysis before converting"
                )
            columns[name] = self.values[:, i]
        return columns


def rep_table(
    analyses: Sequence[Analysis], activities: Sequence[Activity | None] | None = None
) -> RepTable:
    """Flatten ``analyses`` into a :class:`RepTable` (vectorised after one read of the reps).

    Parameters
    ----------
    analyses
        The analyses, in the order their rows should appear.
    activities
        Per analysis, the activity whose profile decides which phase is eccentric; defaults to
        each analysis's own ``activity``. An activity without a profile leaves the phases NaN.
    """
    if activities is None:
        activities = [a.activity for a in analyses]
    per_analysis = np.fromiter((len(a.reps) for a in analyses), np.int64, len(analyses))
    reps = [r for a in analyses for r in a.reps]
    n = len(reps)
    analysis = np.repeat(np.arange(len(analyses), dtype=np.int64), per_analysis)
    start = np.fromiter((r.start_ms for r in reps), np.int64, n)
    mid = np.fromiter((r.mid_ms for r in reps), np.int64, n)
    end = np.fromiter((r.end_ms for r in reps), np.int64, n)

    counts = np.fromiter((len(r.analyses) for r in reps), np.int64, n)
    names = [k for r in reps for k in r.analyses]
    long_value = np.fromiter((v for r in reps for v in r.analyses.values()), np.float64, len(names))
    if names:
        codes, uniques = pd.factorize(np.asarray(names, dtype=object))
        long_code = codes.astype(np.int64)
        types = [str(t) for t in uniques]
    else:
        long_code = np.zeros(0, np.int64)
        types = []
    long_row = np.repeat(np.arange(n, dtype=np.int64), counts)

    # Sort reps by start time (then mid, end) within each analysis; keep analyses in input order.
    order = np.lexsort((end, mid, start, analysis))
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    analysis, start, mid, end = analysis[order], start[order], mid[order], end[order]
    first_row = (np.cumsum(per_analysis) - per_analysis).astype(np.int64)
    rep = np.arange(n, dtype=np.int64) - np.repeat(first_row, per_analysis) + 1

    long_row = rank[long_row]
    long_order = np.argsort(long_row, kind="stable")
    long_row, long_code, long_value = (
        long_row[long_order],
        long_code[long_order],
        long_value[long_order],
    )
    values = np.full((n, len(types)), np.nan)
    values[long_row, long_code] = long_value

    lowers = (
        np.array([_lowers_first(act) for act in activities], np.float64)[analysis]
        if n
        else np.zeros(0)
    )
    first_phase = (mid - start) / 1000.0
    second_phase = (end - mid) / 1000.0
    eccentric = np.where(lowers == 1.0, first_phase, np.where(lowers == 0.0, second_phase, np.nan))
    concentric = np.where(lowers == 1.0, second_phase, np.where(lowers == 0.0, first_phase, np.nan))
    return RepTable(
        analysis=analysis,
        rep=rep,
        start_ms=start,
        mid_ms=mid,
        end_ms=end,
        eccentric_s=eccentric.astype(np.float64),
        concentric_s=concentric.astype(np.float64),
        types=types,
        values=values,
        long_row=long_row,
        long_code=long_code,
        long_value=long_value,
        source=order.astype(np.int64),
    )


def _lowers_first(activity: Activity | None) -> float:
    """1.0 when the activity's reps lower first, 0.0 when they lift first, NaN when unknown."""
    profile = find_profile(activity)
    return np.nan if profile is None else float(profile.lowers_first)


def resolved_activity(analysis: Analysis, activity: Activity | str | None) -> Activity | None:
    """The analysis's activity, filled in (never contradicted) by ``activity``."""
    if activity is None:
        return analysis.activity
    given, _ = resolve_activity(activity)
    if analysis.activity is not None and given is not analysis.activity:
        raise InvalidInputError(
            f"the analysis reports activity {analysis.activity.value!r}, not {given!r}; "
            f"drop the activity argument (it only fills in an activity the server did not report)"
        )
    return given


def frame_attrs(analysis: Analysis, activity: Activity | None) -> dict[str, Any]:
    """What a frame remembers about its analysis (``DataFrame.attrs``)."""
    return {
        "video_id": analysis.video_id,
        "activity": None if activity is None else activity.value,
        "status": analysis.status.value,
    }


def reps_frame(analysis: Analysis, *, activity: Activity | str | None = None) -> pd.DataFrame:
    """The wide per-rep frame: one row per rep, one float column per analysisType.

    Parameters
    ----------
    analysis
        The analysis (an :class:`~guru_form.models.Analysis`, or the API's JSON as a dict).
    activity
        Fills in the activity when the analysis does not report one (it decides which phase is
        eccentric). It must agree with the analysis's own activity when that is known.

    Returns
    -------
    pandas.DataFrame
        Columns, in order: ``rep`` (1-based, int64), ``start_ms``, ``mid_ms``, ``end_ms`` (int64),
        ``duration_s``, ``eccentric_s``, ``concentric_s`` (float64, seconds), then one float64
        column per analysisType, named exactly as the API names it, in order of first appearance.
        Then, for each analysisType Guru gave an opinion on (``analysisOpinion``), a categorical
        ``opinion_<analysisType>`` column: ``"good"`` or ``"bad"``, missing where a rep has none
        (no such columns when the analysis carries no opinions).
        Reps are sorted by start time (then mid, end) and numbered in that order. A type that a
        rep lacks is NaN. When the local pose engine marked a rep as an outlier, a last column
        ``outlier`` holds each rep's mark (``"partial"``, ``"runs_into_next_movement"``; None
        for a normal rep), which set-level figures read (see :mod:`guru_form.tables.velocity`).
        When the local pose engine is unsure of some of a rep's values (the pose was lost where
        they were taken, :mod:`guru_form.pose.unsure`), a column ``unsure`` lists them with why
        (``"ELBOW_ANGLE_DEGREES: the wrist hidden, visibility 0.21"``; None for a rep whose
        values are all sure, see :data:`guru_form.metrics.UNSURE`); flags, charts and set-level
        figures leave those values out.
        An empty, Pending or Failed analysis gives zero rows with the same fixed columns and
        dtypes. ``frame.attrs`` holds ``video_id``, ``activity`` and ``status``.

    Notes
    -----
    Eccentric (lowering) is start->mid and concentric (lifting) mid->end for activities that go
    down first (squat, bench press, push-up: the profile's ``lowers_first``, see
    :mod:`guru_form.activities`); the reverse for the deadlift, whose mid timestamp is the
    lockout. When the activity is unknown and not given, or has no profile, ``eccentric_s`` and
    ``concentric_s`` are NaN (which phase came first cannot be known); ``duration_s`` is always
    filled.

    Examples
    --------
    >>> from guru_form import Analysis
    >>> a = Analysis.from_json({"status": "Complete", "activity": "deadlift", "reps": [
    ...     {"startTimestampMs": 0, "midTimestampMs": 800, "endTimestampMs": 2000,
    ...      "analyses": [{"analysisType": "LOCKOUT_HIP_ANGLE_DEGREES", "analysisScalar": 176}]}]})
    >>> reps_frame(a)[["rep", "eccentric_s", "concentric_s", "LOCKOUT_HIP_ANGLE_DEGREES"]]
       rep  eccentric_s  concentric_s  LOCKOUT_HIP_ANGLE_DEGREES
    0    1          1.2           0.8                      176.0
    """
    analysis = as_analysis(analysis, "reps_frame")
    act = resolved_activity(analysis, activity)
    table = rep_table([analysis], [act])
    columns = table.wide_columns()
    reps = [analysis.reps[i] for i in table.source]
    columns.update(opinion_columns(reps, table.types))
    frame = pd.DataFrame(columns)
    for name, marks in engine_marks(reps).items():
        frame[name] = pd.Series(marks, index=frame.index, dtype="object")
    frame.attrs.update(frame_attrs(analysis, act))
    result_: pd.DataFrame = frame
    return result_


def engine_marks(reps: Sequence[Rep]) -> dict[str, list[str | None]]:
    """The local pose engine's marks of ``reps``, the last columns of a wide frame (object
    dtype): ``outlier`` (``Rep.outlier``, None for a normal rep) and ``unsure`` (``Rep.unsure``
    as text, None when every value is sure), each only when a rep carries one."""
    out: dict[str, list[str | None]] = {}
    marks = [getattr(r, "outlier", None) for r in reps]
    if any(m is not None for m in marks):
        out[OUTLIER] = marks
    unsure = [unsure_text(getattr(r, "unsure", {})) for r in reps]
    if any(u is not None for u in unsure):
        out[UNSURE] = unsure
    return out


def opinion_columns(reps: Sequence[Rep], types: Sequence[str]) -> dict[str, Any]:
    """``opinion_<analysisType>`` columns for the types any of ``reps`` carries an opinion on.

    Each is categorical (``"good"``, ``"bad"``, then any other word Guru used), missing where
    a rep has no opinion on that type; in the order of ``types``.
    """
    out: dict[str, Any] = {}
    for name in types:
        values = [r.opinions.get(name) for r in reps]
        if all(v is None for v in values):
            continue
        others = sorted({v for v in values if v is not None} - set(OPINIONS))
        out[f"{OPINION_PREFIX}{name}"] = pd.Categorical(values, categories=[*OPINIONS, *others])
    return out


def analyses_frame(analysis: Analysis) -> pd.DataFrame:
    """The long (tidy) frame: one row per (rep, analysisType) the analysis reports.

    Parameters
    ----------
    analysis
        The analysis (an :class:`~guru_form.models.Analysis`, or the API's JSON as a dict).

    Returns
    -------
    pandas.DataFrame
        Columns ``rep`` (int64, numbered as in :func:`reps_frame`), ``analysis_type``
        (categorical, categories in order of first appearance) and ``value`` (float64). A type a
        rep does not report has no row; a reported null scalar is a row with NaN. Rows follow the
        reps' start order, and the API's order within a rep.

    Examples
    --------
    >>> from guru_form import Analysis
    >>> a = Analysis.from_json({"status": "Complete", "activity": "squat", "reps": [
    ...     {"startTimestampMs": 0, "midTimestampMs": 900, "endTimestampMs": 2000,
    ...      "analyses": [{"analysisType": "HIP_KNEE_ANGLE_DEGREES", "analysisScalar": -4.5}]}]})
    >>> analyses_frame(a)
       rep           analysis_type  value
    0    1  HIP_KNEE_ANGLE_DEGREES   -4.5
    """
    analysis = as_analysis(analysis, "analyses_frame")
    table = rep_table([analysis], [analysis.activity])
    frame = pd.DataFrame(long_columns(table))
    frame.attrs.update(frame_attrs(analysis, analysis.activity))
    result_: pd.DataFrame = frame
    return result_


def long_columns(table: RepTable) -> dict[str, Any]:
    """``rep``, ``analysis_type``, ``value`` of a :class:`RepTable`."""
    return {
        REP: table.rep[table.long_row],
        "analysis_type": pd.Categorical.from_codes(
            table.long_code, categories=pd.Index(table.types, dtype=object)
        ),
        "value": table.long_value,
    }
