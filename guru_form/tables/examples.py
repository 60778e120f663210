"""Synthetic but realistic sets, for trying the tables and charts without a video.

Each example is an :class:`~guru_form.models.Analysis` as the Guru API (or the local pose engine)
would return it: rep timestamps and the analysisTypes of :mod:`guru_form.analysis_types` with
plausible values for a trained lifter, from the activity profile's ``example``
(:class:`guru_form.activities.ExampleSet`). ``fatigue`` makes the set drift the way sets taken close to
failure do: slower concentric phases and lower velocity, shallower depth, more trunk lean or hip sag.
The numbers are invented; they are not measurements of anyone.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from guru_form import activities
from guru_form.activities import LeadingSide
from guru_form.errors import InvalidInputError
from guru_form.models import Activity, Analysis, Rep, Status

__all__ = ["example_analysis", "example_sessions"]


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
        An activity whose profile has an example set: ``"squat"`` (10 reps), ``"deadlift"`` (8),
        ``"push_up"`` (12), ``"bench_press"`` (8), ...
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
        the pose engine reports it without the athlete's height); the others in m/s. A movement
        done one side at a time (its profile measures a :class:`~guru_form.activities.LeadingSide`)
        alternates sides, the left first.

    Examples
    --------
    >>> a = example_analysis("deadlift", reps=3)
    >>> a.rep_count, a.activity.value, sorted(a.reps[0].analyses)[0]
    (3, 'deadlift', 'HIP_ANGLE_DEGREES')
    """
    activity_profile = activities.get(activity)
    act, example = activity_profile.activity, activity_profile.example
    if example is None:
        raise InvalidInputError(f"the profile of {act.value!r} has no example set")
    lowers_first = activity_profile.lowers_first
    sides = [m for m in activity_profile.measures if isinstance(m, LeadingSide)]
    n = example.reps if reps is None else int(reps)
    rng = np.random.default_rng(seed)
    progress = np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(n)
    # Fatigue bites late in a set: drift grows with the square of progress.
    drift = fatigue * progress**1.6
    concentric = example.second_phase_s if lowers_first else example.first_phase_s
    slow = concentric + example.slowing_s * drift
    jitter: Callable[[float], float] = lambda sd: float(rng.normal(0.0, sd))  # noqa: E731

    out: list[Rep] = []
    t = float(lead_in_ms)
    name, v0, loss = example.velocity
    for i in range(n):
        first = example.first_phase_s + jitter(0.08)
        second = example.second_phase_s + jitter(0.06)
        if lowers_first:
            second = slow[i] + jitter(0.06)
        else:
            first = slow[i] + jitter(0.06)
        start, mid = t, t + first * 1000.0
        end = mid + second * 1000.0
        values = {
            metric: round(base + step * drift[i] + jitter(sd), 2)
            for metric, (base, step, sd) in example.metrics.items()
        }
        for side in sides:  # one side at a time, alternating, the left first
            values[side.analysis_type] = float(i % 2 == 0)
        velocity = v0 * (1.0 - loss * drift[i]) * (1.0 + jitter(0.025))
        values[name] = round(velocity, 3)
        out.append(Rep(round(start), round(mid), round(end), values))
        t = end + (example.rest_s + abs(jitter(0.25)) + 0.6 * drift[i]) * 1000.0

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
