"""Rep phases in words: which timestamp a phase is, what it is called, what moves when.

Pure functions of an :class:`~guru_form.models.Analysis`; nothing here decodes or draws.

A rep has three timestamps: ``start``, ``mid`` (the turning point: the bottom of a squat, bench
press or push-up, the lockout of a deadlift) and ``end``. Between them the athlete is *lowering* or
*rising* (squat, bench press, push-up) or *lifting* then *lowering* (deadlift): the words come
from the activity's profile (:mod:`guru_form.activities`).

Examples
--------
>>> from guru_form.models import Activity, Analysis, Rep, Status
>>> a = Analysis(None, Status.COMPLETE, activity=Activity.SQUAT, reps=[Rep(1000, 2000, 3000)])
>>> phase_label("mid", a.activity)
'bottom'
>>> progress_at(a, 1500)
RepProgress(reps_done=0, rep=1, movement='lowering', last_done=None)
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from guru_form import activities
from guru_form.errors import InvalidInputError
from guru_form.models import Activity, Analysis, Rep

__all__ = [
    "PHASES",
    "Phase",
    "RepProgress",
    "check_phases",
    "phase_label",
    "phase_time_ms",
    "progress_at",
]

Phase = Literal["start", "mid", "end"]

#: The phases of a rep, in time order.
PHASES: tuple[Phase, ...] = ("start", "mid", "end")


def check_phases(phases: Sequence[str] | str) -> tuple[Phase, ...]:
    """Validate a phase or a sequence of phases.

    Parameters
    ----------
    phases
        ``"start"``, ``"mid"`` or ``"end"``, or a sequence of them.

    Returns
    -------
    tuple of str
        The phases in the order given.

    Raises
    ------
    InvalidInputError
        For anything other than ``"start"``, ``"mid"`` or ``"end"``, or an empty sequence.
    """
    items = (phases,) if isinstance(phases, str) else tuple(phases)
    if not items:
        raise InvalidInputError("phases is empty; pass one or more of 'start', 'mid', 'end'")
    out: list[Phase] = []
    for p in items:
        if p in PHASES:
            out.append(p)
        else:
            raise InvalidInputError(f"unknown phase {p!r}; use 'start', 'mid' or 'end'")
    return tuple(out)


def phase_time_ms(rep: Rep, phase: Phase) -> int:
    """The rep's timestamp for a phase, in milliseconds.

    Parameters
    ----------
    rep
        A rep of an analysis.
    phase
        ``"start"``, ``"mid"`` or ``"end"``.

    Returns
    -------
    int
        ``rep.start_ms``, ``rep.mid_ms`` or ``rep.end_ms``.
    """
    return {"start": rep.start_ms, "mid": rep.mid_ms, "end": rep.end_ms}[phase]


def phase_label(phase: Phase, activity: Activity | None) -> str:
    """A coach's word for a phase: ``mid`` is ``bottom``, or ``lockout`` for a deadlift.

    Parameters
    ----------
    phase
        ``"start"``, ``"mid"`` or ``"end"``.
    activity
        The analysis's activity; its profile names the turning point (None, or an activity
        without a profile: ``mid`` stays ``"mid"``).

    Returns
    -------
    str
        ``"start"``, ``"bottom"``, ``"lockout"``, ``"mid"`` or ``"end"``.

    Examples
    --------
    >>> phase_label("mid", Activity.SQUAT), phase_label("mid", Activity.DEADLIFT)
    ('bottom', 'lockout')
    """
    if phase != "mid":
        return phase
    profile = activities.find(activity)
    return "mid" if profile is None else profile.turning_point


def _movements(activity: Activity | None) -> tuple[str, str]:
    profile = activities.find(activity)
    return ("start to mid", "mid to end") if profile is None else profile.movements


@dataclass(frozen=True)
class RepProgress:
    """Where a moment of the video lies among the reps.

    Attributes
    ----------
    reps_done
        Reps whose end is at or before the moment.
    rep
        The 1-based rep in progress, or None between reps.
    movement
        ``"rest"`` between reps, else the movement of the current half-rep
        (``"lowering"``/``"rising"``, or ``"lifting"``/``"lowering"`` for a deadlift).
    last_done
        The 1-based number of the rep that ended most recently, or None before the first ends.
    """

    reps_done: int
    rep: int | None
    movement: str
    last_done: int | None = None


def progress_at(
    analysis: Analysis,
    time_ms: float,
    *,
    bounds: Sequence[tuple[float, float, float]] | None = None,
) -> RepProgress:
    """Rep count and movement at ``time_ms``, for a live overlay.

    Reps are numbered as in the analysis (1-based, like ``reps_frame``'s ``rep`` column); a moment
    inside a rep belongs to it from its start (inclusive) to its end (exclusive).

    Parameters
    ----------
    analysis
        The analysis.
    time_ms
        The moment. With ``bounds``, a position in the same unit as ``bounds`` instead.
    bounds
        ``(start, mid, end)`` per rep replacing the reps' timestamps, e.g. the indices of the frames
        shown at them, so that the frame shown at a rep's end already counts it as done.

    Returns
    -------
    RepProgress
        Reps done, the rep in progress (None between reps), its movement and the last rep done.
    """
    edges = (
        bounds if bounds is not None else [(r.start_ms, r.mid_ms, r.end_ms) for r in analysis.reps]
    )
    if len(edges) != len(analysis.reps):
        raise InvalidInputError(f"bounds has {len(edges)} entries for {len(analysis.reps)} reps")
    ends = sorted(end for _, _, end in edges)
    done = bisect.bisect_right(ends, time_ms)
    finished = [(end, n) for n, (_, _, end) in enumerate(edges, 1) if end <= time_ms]
    last_done = max(finished)[1] if finished else None
    first, second = _movements(analysis.activity)
    for number, (start, mid, end) in enumerate(edges, 1):
        if start <= time_ms < end:
            movement = first if time_ms < mid else second
            return RepProgress(done, number, movement, last_done)
    return RepProgress(done, None, "rest", last_done)
