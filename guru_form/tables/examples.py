"""Synthetic but realistic sets, for trying the tables and charts without a video.

Each example is an :class:`~guru_form.models.Analysis` as the Guru API (or the local pose engine)
would return it: rep timestamps and the analysisTypes of :mod:`guru_form.analysis_types` with
plausible values for a trained lifter. ``fatigue`` makes the set drift the way sets taken close to
failure do: slower concentric phases and lower velocity, shallower depth, more trunk lean or hip sag.
The numbers are invented; they are not measurements of anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from guru_form.models import Activity, Analysis, Rep, Status, resolve_activity

__all__ = ["example_analysis", "example_sessions"]


@dataclass(frozen=True)
class _Profile:
    reps: int
    first_phase_s: float  # start -> mid
    second_phase_s: float  # mid -> end
    slowing_s: float  # how much the concentric phase slows down over a fatiguing set
    rest_s: float  # standing/lockout pause between reps
    metrics: dict[str, tuple[float, float, float]]  # name -> (start value, drift, noise sd)
    velocity: tuple[str, float, float]  # (analysisType, first-rep value, loss fraction)


_PROFILES: dict[Activity, _Profile] = {
    Activity.SQUAT: _Profile(
        reps=10,
        first_phase_s=1.7,
        second_phase_s=0.9,
        slowing_s=0.8,
        rest_s=1.1,
        metrics={
            "HIP_KNEE_ANGLE_DEGREES": (-8.0, 11.0, 1.5),
            "KNEE_ANGLE_DEGREES": (68.0, 9.0, 1.5),
            "HIP_ANGLE_DEGREES": (62.0, 7.0, 1.8),
            "TRUNK_LEAN_DEGREES": (38.0, 7.0, 1.2),
        },
        velocity=("MEAN_CONCENTRIC_VELOCITY_M_PER_S", 0.78, 0.42),
    ),
    Activity.DEADLIFT: _Profile(
        reps=8,
        first_phase_s=1.1,
        second_phase_s=1.3,
        slowing_s=0.9,
        rest_s=1.6,
        metrics={
            "LOCKOUT_HIP_ANGLE_DEGREES": (176.0, -9.0, 1.0),
            "KNEE_ANGLE_DEGREES": (118.0, -6.0, 2.0),
            "HIP_ANGLE_DEGREES": (72.0, -6.0, 2.0),
            "TRUNK_LEAN_DEGREES": (56.0, 6.0, 1.5),
        },
        velocity=("MEAN_CONCENTRIC_VELOCITY_M_PER_S", 0.58, 0.38),
    ),
    Activity.PUSH_UP: _Profile(
        reps=12,
        first_phase_s=1.0,
        second_phase_s=0.7,
        slowing_s=0.6,
        rest_s=0.35,
        metrics={
            "ELBOW_ANGLE_DEGREES": (78.0, 22.0, 2.5),
            "LOCKOUT_ELBOW_ANGLE_DEGREES": (172.0, -6.0, 1.5),
            "BODY_LINE_ANGLE_DEGREES": (3.0, 7.0, 0.8),
        },
        velocity=("MEAN_CONCENTRIC_VELOCITY_BH_PER_S", 0.19, 0.45),
    ),
    Activity.BENCH_PRESS: _Profile(
        reps=8,
        first_phase_s=1.4,
        second_phase_s=0.8,
        slowing_s=1.0,
        rest_s=0.9,
        metrics={
            "ELBOW_ANGLE_DEGREES": (74.0, 8.0, 2.0),
            "LOCKOUT_ELBOW_ANGLE_DEGREES": (171.0, -7.0, 1.5),
        },
        velocity=("MEAN_CONCENTRIC_VELOCITY_M_PER_S", 0.62, 0.45),
    ),
}


def example_analysis(
    activity: Activity | str = "squat",
    *,
    reps: int | None = None,
    fatigue: float = 1.0,
    seed: int = 0,
    video_id: str | None = None,
    lead_in_ms: int = 1500,
) -> Analysis:
    """A realistic synthetic set as a Complete :class:`~guru_form.models.Analysis`.

    Parameters
    ----------
    activity
        ``"squat"`` (10 reps), ``"deadlift"`` (8), ``"push_up"`` (12) or ``"bench_press"`` (8).
    reps
        Number of reps instead of the activity's default.
    fatigue
        0 for a set far from failure (metrics only vary randomly), 1 (default) for a set taken
        close to failure (about 40 % velocity loss, depth and posture drifting). Scales every drift.
    seed
        Seed of the random variation between reps; the same seed gives the same set.
    video_id
        The analysis's video id (default ``"example-<activity>-<seed>"``).
    lead_in_ms
        When the first rep starts in the "video".

    Returns
    -------
    Analysis
        With ``raw`` set to its own JSON. Push-ups carry velocity in body heights per second (as
        the pose engine reports it without the athlete's height); the others in m/s.

    Examples
    --------
    >>> a = example_analysis("deadlift", reps=3)
    >>> a.rep_count, a.activity.value, sorted(a.reps[0].analyses)[0]
    (3, 'deadlift', 'HIP_ANGLE_DEGREES')
    """
    act, _ = resolve_activity(activity)
    assert act is not None
    profile = _PROFILES[act]
    n = profile.reps if reps is None else int(reps)
    rng = np.random.default_rng(seed)
    progress = np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(n)
    # Fatigue bites late in a set: drift grows with the square of progress.
    drift = fatigue * progress**1.6
    concentric = profile.second_phase_s if act.lowers_first else profile.first_phase_s
    slow = concentric + profile.slowing_s * drift
    jitter: Callable[[float], float] = lambda sd: float(rng.normal(0.0, sd))  # noqa: E731

    out: list[Rep] = []
    t = float(lead_in_ms)
    name, v0, loss = profile.velocity
    for i in range(n):
        first = profile.first_phase_s + jitter(0.08)
        second = profile.second_phase_s + jitter(0.06)
        if act.lowers_first:
            second = slow[i] + jitter(0.06)
        else:
            first = slow[i] + jitter(0.06)
        start, mid = t, t + first * 1000.0
        end = mid + second * 1000.0
        values = {
            metric: round(base + step * drift[i] + jitter(sd), 2)
            for metric, (base, step, sd) in profile.metrics.items()
        }
        velocity = v0 * (1.0 - loss * drift[i]) * (1.0 + jitter(0.025))
        values[name] = round(velocity, 3)
        out.append(Rep(round(start), round(mid), round(end), values))
        t = end + (profile.rest_s + abs(jitter(0.25)) + 0.6 * drift[i]) * 1000.0

    analysis = Analysis(
        video_id=video_id or f"example-{act.value}-{seed}",
        status=Status.COMPLETE,
        domain=act.domain,
        activity=act,
        reps=out,
    )
    analysis.raw = analysis.to_json()
    return analysis


def example_sessions(
    activity: Activity | str = "squat", *, sessions: int = 4, seed: int = 0
) -> dict[str, Analysis]:
    """Several sets of one athlete over a training block, labelled ``"Week 1"``, ``"Week 2"``, ...

    Later weeks fatigue less (the athlete adapts), so session comparisons have a story to show.

    Parameters
    ----------
    activity
        The activity of every set.
    sessions
        How many weeks.
    seed
        Seed of the first week (week ``n`` uses ``seed + n``); the same seed gives the same sets.

    Returns
    -------
    dict
        ``"Week n" -> Analysis``, in week order (ready for :func:`~guru_form.tables.combine`).

    Examples
    --------
    >>> list(example_sessions(sessions=2))
    ['Week 1', 'Week 2']
    """
    out: dict[str, Analysis] = {}
    for week in range(1, sessions + 1):
        fatigue = 1.0 - 0.5 * (week - 1) / max(sessions - 1, 1)
        out[f"Week {week}"] = example_analysis(
            activity, fatigue=fatigue, seed=seed + week, video_id=f"week{week}-{activity}"
        )
    return out
