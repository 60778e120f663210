"""How far an analysis made by the pose engine is from a video's ground truth.

Used by the tests, ``benchmarks/pose.py`` and the demo, against the sample videos' truth
(``guru_form.samples.sample_truth`` / ``sample_analysis``) or any video rendered with
``guru_form.testing.synthetic`` with ``write_truth=True``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from guru_form.models import Analysis

__all__ = ["ANGLES", "Accuracy", "accuracy_against_truth"]

#: The angle series compared frame by frame.
ANGLES: tuple[str, ...] = ("knee_angle", "hip_angle", "elbow_angle", "trunk_lean")


@dataclass(frozen=True)
class Accuracy:
    """The engine's errors against the ground truth.

    Attributes
    ----------
    angle_mae
        Series name -> mean absolute error in degrees over the frames both have.
    reps_found, reps_true
        Rep counts.
    boundary_error_frames
        ``"start"``, ``"mid"``, ``"end"`` -> the largest error in frames over the matched reps
        (each true rep matched to the found rep whose ``mid`` is nearest).
    analysis_error
        analysisType -> mean absolute error of the per-rep value over the matched reps (the
        scalar a coach reads, e.g. a rep's smallest knee angle, against the truth's).
    analysis_max_error
        analysisType -> the largest absolute error over the matched reps.
    analysis_bias
        analysisType -> the mean signed error (engine minus truth) over the matched reps.
    analysis_relative_bias
        analysisType -> the mean signed error relative to the truth's value,
        ``mean((engine - truth) / |truth|)`` over the matched reps whose true value is not 0
        (e.g. ``0.17`` for a velocity that reads 17 % fast).
    analysis_missing
        analysisTypes of the truth that the engine left out of at least one matched rep.
    """

    angle_mae: dict[str, float]
    reps_found: int
    reps_true: int
    boundary_error_frames: dict[str, float]
    analysis_error: dict[str, float] = field(default_factory=dict)
    analysis_max_error: dict[str, float] = field(default_factory=dict)
    analysis_bias: dict[str, float] = field(default_factory=dict)
    analysis_relative_bias: dict[str, float] = field(default_factory=dict)
    analysis_missing: tuple[str, ...] = ()

    @property
    def count_exact(self) -> bool:
        """True when the engine found as many reps as there are."""
        return self.reps_found == self.reps_true

    def summary(self) -> str:
        """One line for a terminal."""
        angles = ", ".join(f"{k.replace('_angle', '')} {v:.1f}°" for k, v in self.angle_mae.items())
        bounds = ", ".join(f"{k} {v:.0f}" for k, v in self.boundary_error_frames.items())
        per_rep = ", ".join(
            f"{k.removesuffix('_DEGREES')} {v:.1f}° (max {self.analysis_max_error[k]:.1f})"
            for k, v in self.analysis_error.items()
            if k.endswith("_DEGREES")
        )
        return (
            f"reps {self.reps_found}/{self.reps_true}; angle MAE {angles}; "
            f"boundary error (frames) {bounds}; per-rep error {per_rep or 'none'}"
        )


def accuracy_against_truth(
    analysis: Analysis, truth_frames: pd.DataFrame, truth: Analysis, *, fps: float = 30.0
) -> Accuracy:
    """Compare an engine's analysis (with its pose track) with the ground truth.

    Parameters
    ----------
    analysis
        From :func:`guru_form.pose.analyze_video` (its ``pose_track`` is used for the angles).
    truth_frames
        The per-frame truth table (``frame`` and the angle series columns).
    truth
        The true analysis.
    fps
        The video's frame rate, to express timestamp errors in frames.

    Examples
    --------
    >>> from guru_form import pose, samples  # doctest: +SKIP
    >>> a = pose.analyze_video(samples.sample_path("squat"), "squat")  # doctest: +SKIP
    >>> accuracy_against_truth(a, samples.sample_truth("squat"), samples.sample_analysis("squat")).summary()  # doctest: +SKIP
    """
    angle_mae: dict[str, float] = {}
    track = analysis.pose_track
    if track is not None:
        merged = track.frame.merge(truth_frames, on="frame", suffixes=("", "_true"))
        for name in ANGLES:
            if name in merged and f"{name}_true" in merged:
                error = np.abs(
                    merged[name].to_numpy(float) - merged[f"{name}_true"].to_numpy(float)
                )
                if np.isfinite(error).any():
                    angle_mae[name] = float(np.nanmean(error))
    bounds: dict[str, list[float]] = {"start": [], "mid": [], "end": []}
    errors: dict[str, list[float]] = {}
    relative: dict[str, list[float]] = {}
    missing: set[str] = set()
    for true_rep in truth.reps:
        if not analysis.reps:
            break
        rep = min(analysis.reps, key=lambda r: abs(r.mid_ms - true_rep.mid_ms))
        for key, found, want in (
            ("start", rep.start_ms, true_rep.start_ms),
            ("mid", rep.mid_ms, true_rep.mid_ms),
            ("end", rep.end_ms, true_rep.end_ms),
        ):
            bounds[key].append(abs(found - want) * fps / 1000.0)
        for name, value in true_rep.analyses.items():
            if name in rep.analyses:
                errors.setdefault(name, []).append(rep.analyses[name] - value)
                if value != 0:
                    relative.setdefault(name, []).append((rep.analyses[name] - value) / abs(value))
            else:
                missing.add(name)
    return Accuracy(
        angle_mae=angle_mae,
        reps_found=len(analysis.reps),
        reps_true=len(truth.reps),
        boundary_error_frames={k: max(v) if v else float("nan") for k, v in bounds.items()},
        analysis_error={k: float(np.mean(np.abs(v))) for k, v in errors.items()},
        analysis_max_error={k: float(np.max(np.abs(v))) for k, v in errors.items()},
        analysis_bias={k: float(np.mean(v)) for k, v in errors.items()},
        analysis_relative_bias={k: float(np.mean(v)) for k, v in relative.items()},
        analysis_missing=tuple(sorted(missing)),
    )
