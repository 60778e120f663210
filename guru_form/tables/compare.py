"""Compare an analysis with a reference (ground truth, or another engine) rep by rep."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from guru_form.models import Analysis

__all__ = ["RepComparison", "compare_reps"]


@dataclass(frozen=True)
class RepComparison:
    """How well ``found`` matches ``reference``.

    Attributes
    ----------
    reps
        One row per matched rep: ``rep`` (the reference's, 1-based), ``start_error_ms``,
        ``mid_error_ms``, ``end_error_ms`` (found minus reference), then ``<analysisType>_error``
        for every type both carry (found minus reference, in the type's unit).
    found_count, reference_count
        Reps in each analysis.
    unmatched_found, unmatched_reference
        Reps of one with no counterpart in the other.
    """

    reps: pd.DataFrame
    found_count: int
    reference_count: int
    unmatched_found: int
    unmatched_reference: int

    @property
    def count_exact(self) -> bool:
        """True when both found the same number of reps and every rep matched."""
        return self.found_count == self.reference_count and self.unmatched_reference == 0

    def mean_abs_errors(self) -> pd.Series:
        """Mean absolute error of every error column (timestamps in ms, analyses in their units).

        Returns
        -------
        pandas.Series
            Indexed by the ``*_error`` / ``*_error_ms`` column names of :attr:`reps`.
        """
        cols = [c for c in self.reps.columns if c.endswith("_error") or c.endswith("_error_ms")]
        errors: pd.Series = self.reps[cols].abs().mean()
        return errors


def compare_reps(found: Analysis, reference: Analysis) -> RepComparison:
    """Match the reps of ``found`` to those of ``reference`` and measure the differences.

    A found rep matches the reference rep whose ``[start, end]`` span contains its turning point
    (``mid``); each reference rep matches at most one found rep (the one whose mid is closest).

    Parameters
    ----------
    found
        The analysis to judge (e.g. the local pose engine's).
    reference
        The ground truth (e.g. :func:`guru_form.samples.sample_analysis`).

    Returns
    -------
    RepComparison

    Examples
    --------
    >>> from guru_form.samples import sample_analysis
    >>> truth = sample_analysis("squat")
    >>> compare_reps(truth, truth).mean_abs_errors()["mid_error_ms"]
    0.0
    """
    found_reps = sorted(found.reps, key=lambda r: r.mid_ms)
    ref_reps = sorted(reference.reps, key=lambda r: r.start_ms)
    taken: set[int] = set()
    rows: list[dict[str, float]] = []
    for number, ref in enumerate(ref_reps, start=1):
        candidates = [
            (abs(f.mid_ms - ref.mid_ms), i)
            for i, f in enumerate(found_reps)
            if i not in taken and ref.start_ms <= f.mid_ms <= ref.end_ms
        ]
        if not candidates:
            continue
        _, best = min(candidates)
        taken.add(best)
        hit = found_reps[best]
        row: dict[str, float] = {
            "rep": number,
            "start_error_ms": hit.start_ms - ref.start_ms,
            "mid_error_ms": hit.mid_ms - ref.mid_ms,
            "end_error_ms": hit.end_ms - ref.end_ms,
        }
        for name, value in ref.analyses.items():
            if name in hit.analyses:
                row[f"{name}_error"] = hit.analyses[name] - value
        rows.append(row)
    frame = pd.DataFrame(
        rows, columns=None if rows else ["rep", "start_error_ms", "mid_error_ms", "end_error_ms"]
    )
    frame = frame.astype({c: np.float64 for c in frame.columns if c != "rep"}).astype(
        {"rep": np.int64}
    )
    return RepComparison(
        reps=frame,
        found_count=len(found_reps),
        reference_count=len(ref_reps),
        unmatched_found=len(found_reps) - len(taken),
        unmatched_reference=len(ref_reps) - len(rows),
    )
