"""Rep plans and the frame-by-frame motion of the synthetic athlete.

A set is planned as a list of :class:`RepSpec` (how deep, how fast, how long a rest after), with
rep-to-rep variation from a seeded random generator and, optionally, fatigue: the second half of
the set grows slower out of the turning point and shallower (or, for the deadlift, softer at
lockout), with a sagging hip in fatigued push-ups.

:func:`simulate` lays the plan on the video's frame times. Every rep has three frames:

- ``start``: the last frame at rest before the rep's motion;
- ``mid``: the turning point — the bottom for squat, bench press and push-up, the lockout for the
  deadlift — which lands exactly on a frame;
- ``end``: the first frame back at rest.

Between them the pose parameters move along ``(1 - cos(pi u)) / 2`` (``u`` the fraction of the
phase's time elapsed): smooth, with zero speed at rest and at the turning point.

Examples
--------
>>> m = simulate("squat", reps=3, fps=30, seed=1)
>>> m.rep_frames[0]
(24, 56, 80)
>>> float(m.phase[56])
1.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guru_form.errors import InvalidInputError
from guru_form.models import Activity
from guru_form.testing.synthetic.body import Body, Pose
from guru_form.testing.synthetic.movements import movement

__all__ = ["Motion", "RepSpec", "plan_reps", "simulate"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RepSpec:
    """What one rep should look like.

    Attributes
    ----------
    key_angle
        The rep's defining angle at the turning point, in degrees (see the activity's movement,
        :mod:`guru_form.testing.synthetic.movements`): thigh to horizontal for the squat, hip angle
        at lockout for the deadlift, elbow angle at the bottom for bench press and push-up.
    secondary
        A second angle of the movement (push-up: body-line angle at the bottom, + sag; squat:
        extra trunk lean); unused by some.
    to_turn_s
        Seconds from rest to the turning point (the eccentric phase, or the pull for a deadlift).
    from_turn_s
        Seconds from the turning point back to rest.
    rest_s
        Seconds at rest after the rep.
    side
        For a movement done one side at a time (a lunge): ``"near"`` when the side of the body
        facing the camera leads the rep, ``"far"`` when the other side does. Unused by the others.
    """

    key_angle: float
    secondary: float
    to_turn_s: float
    from_turn_s: float
    rest_s: float
    side: str = "near"


def plan_reps(
    activity: Activity | str,
    n_reps: int,
    *,
    seed: int = 0,
    fatigue: bool = True,
    set_size: int | None = None,
) -> list[RepSpec]:
    """Plan ``n_reps`` reps with seeded variation in depth and tempo.

    Parameters
    ----------
    activity
        Which movement.
    n_reps
        How many reps.
    seed
        Seed of the variation; the same seed gives the same plan.
    fatigue
        When true, the second half of each set slows down out of the turning point and loses
        range of motion.
    set_size
        Reps per set (fatigue builds within a set; the last rep of a set rests 3 s). Defaults to
        one set of ``n_reps``.

    Notes
    -----
    For a movement done one side at a time (:attr:`Movement.alternates
    <guru_form.testing.synthetic.movements.Movement.alternates>`), the reps alternate sides, the
    side facing the camera first.

    Examples
    --------
    >>> plan = plan_reps("push_up", 6, seed=3)
    >>> plan[-1].key_angle > plan[0].key_angle  # the last rep is shallower
    True
    """
    act = _activity(activity)
    if n_reps < 0:
        raise InvalidInputError(f"n_reps must be >= 0, got {n_reps}")
    how = movement(act)
    style = how.style
    rng = np.random.default_rng(seed)
    size = max(1, set_size or n_reps or 1)
    plan = []
    for i in range(n_reps):
        k = i % size
        tired = max(0.0, (k + 1 - 0.5 * size) / (0.5 * size)) ** 2 if fatigue else 0.0
        jitter = rng.normal(size=5)
        key = (
            style.key
            + style.key_fatigue * tired
            + style.key_jitter * float(np.clip(jitter[0], -2, 2))
        )
        secondary = style.secondary + style.secondary_fatigue * tired
        if style.secondary_jitter:
            secondary += style.secondary_jitter * float(np.clip(jitter[1], -2, 2))
        to_turn = style.to_turn * (1 + style.to_turn_fatigue * tired)
        to_turn *= 1 + 0.08 * float(np.clip(jitter[2], -2, 2))
        from_turn = style.from_turn * (1 + style.from_turn_fatigue * tired)
        from_turn *= 1 + 0.06 * float(np.clip(jitter[3], -2, 2))
        rest = style.rest * (1 + 0.2 * float(np.clip(jitter[4], -2, 2)))
        if k == size - 1 and i != n_reps - 1:
            rest = 3.0
        if style.key_cap is not None:
            key = min(key, style.key_cap)
        side = "far" if how.alternates and i % 2 else "near"
        plan.append(RepSpec(key, secondary, to_turn, from_turn, rest, side))
    return plan


@dataclass
class Motion:
    """The athlete's motion, frame by frame.

    Attributes
    ----------
    activity
        The movement.
    body
        The athlete's proportions.
    times_s
        Presentation time of each frame, in seconds.
    phase
        Per frame, 0 at rest and 1 at a turning point.
    rep_frames
        Per rep, the frames ``(start, mid, end)``.
    reps
        The plan the motion follows, one :class:`RepSpec` per rep.
    poses
        Per frame, the sagittal-plane pose.
    """

    activity: Activity
    body: Body
    times_s: FloatArray
    phase: FloatArray
    rep_frames: list[tuple[int, int, int]]
    reps: list[RepSpec]
    poses: list[Pose]

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return len(self.times_s)


def simulate(
    activity: Activity | str,
    *,
    fps: float = 30.0,
    reps: int | None = None,
    duration_s: float | None = None,
    frame_times_s: npt.ArrayLike | None = None,
    seed: int = 0,
    fatigue: bool = True,
    plan: list[RepSpec] | None = None,
    body: Body | None = None,
    lead_in_s: float = 0.8,
    tail_s: float = 0.8,
) -> Motion:
    """The motion of a set of reps, sampled at the video's frame times.

    Parameters
    ----------
    activity
        Which movement.
    fps
        Frame rate, for evenly spaced frames.
    reps
        Number of reps. With ``duration_s`` too, the video is padded with rest to that length.
    duration_s
        Length of the video. Without ``reps``, as many reps as fit are done, in sets of 8 with a
        3 s rest between sets. Neither given: 5 reps.
    frame_times_s
        Explicit, strictly increasing frame times (for variable-frame-rate videos); overrides
        ``fps`` and ``duration_s``.
    seed, fatigue
        See :func:`plan_reps`.
    plan
        An explicit plan instead of a seeded one.
    body
        The athlete's proportions (default: :class:`Body` ``()``, 1.75 m).
    lead_in_s, tail_s
        Rest before the first rep and after the last one.

    Raises
    ------
    InvalidInputError
        For a non-positive fps, non-increasing frame times, or reps that do not fit the duration.
    """
    act = _activity(activity)
    body = body or Body()
    if fps <= 0 or not math.isfinite(fps):
        raise InvalidInputError(f"fps must be a positive number, got {fps}")
    if plan is None:
        if reps is None and duration_s is not None:
            per_rep = sum(_rep_seconds(r) for r in plan_reps(act, 8, seed=seed)) / 8
            n = max(1, int((duration_s - lead_in_s - tail_s) / (per_rep + 0.25)))
            plan = plan_reps(act, n, seed=seed, fatigue=fatigue, set_size=8)
            while plan and _plan_seconds(plan, lead_in_s, tail_s) > duration_s:
                plan = plan[:-1]
        else:
            plan = plan_reps(act, 5 if reps is None else reps, seed=seed, fatigue=fatigue)
    needed = _plan_seconds(plan, lead_in_s, tail_s)
    if frame_times_s is not None:
        times = np.asarray(frame_times_s, dtype=np.float64)
        if times.ndim != 1 or len(times) < 2 or np.any(np.diff(times) <= 0):
            raise InvalidInputError("frame_times_s must be a strictly increasing 1-D sequence")
    else:
        total = needed if duration_s is None else duration_s
        if duration_s is not None and needed > duration_s + 1e-9:
            raise InvalidInputError(
                f"{len(plan)} reps need {needed:.1f} s but duration_s is {duration_s}; "
                f"give a longer duration or fewer reps"
            )
        times = np.arange(max(2, round(total * fps))) / fps
    if plan and times[-1] < needed - tail_s:
        raise InvalidInputError(
            f"the frame times end at {times[-1]:.2f} s, before the {len(plan)} planned reps end "
            f"({needed - tail_s:.2f} s); give more frames or fewer reps"
        )
    rep_frames = _snap_events(times, plan, lead_in_s)
    phase = _phase(times, rep_frames)
    poses = _poses(act, body, plan, rep_frames, phase)
    return Motion(act, body, times, phase, rep_frames, plan, poses)


def _activity(activity: Activity | str) -> Activity:
    return movement(activity).activity


def _rep_seconds(rep: RepSpec) -> float:
    return rep.to_turn_s + rep.from_turn_s + rep.rest_s


def _plan_seconds(plan: list[RepSpec], lead_in_s: float, tail_s: float) -> float:
    if not plan:
        return lead_in_s + tail_s
    return lead_in_s + sum(_rep_seconds(r) for r in plan) - plan[-1].rest_s + tail_s


def _snap_events(
    times: FloatArray, plan: list[RepSpec], lead_in_s: float
) -> list[tuple[int, int, int]]:
    """Frame indices of each rep's start, turning point and end, nearest to the planned times."""

    def nearest(t: float) -> int:
        i = int(np.searchsorted(times, t))
        if i > 0 and (i == len(times) or t - times[i - 1] <= times[i] - t):
            i -= 1
        return min(i, len(times) - 1)

    events = []
    t = times[0] + lead_in_s
    last_end = -1
    for rep in plan:
        start = max(nearest(t), last_end + 1)
        mid = max(nearest(t + rep.to_turn_s), start + 2)
        end = max(nearest(t + rep.to_turn_s + rep.from_turn_s), mid + 2)
        if end >= len(times):
            raise InvalidInputError("the planned reps do not fit in the frames given")
        events.append((start, mid, end))
        last_end = end
        t = times[end] + rep.rest_s
    return events


def _ease(u: FloatArray) -> FloatArray:
    return np.asarray((1.0 - np.cos(np.pi * np.clip(u, 0.0, 1.0))) / 2.0, dtype=np.float64)


def _phase(times: FloatArray, rep_frames: list[tuple[int, int, int]]) -> FloatArray:
    phase = np.zeros(len(times))
    for start, mid, end in rep_frames:
        t0, tm, t1 = times[start], times[mid], times[end]
        down = slice(start, mid + 1)
        phase[down] = _ease((times[down] - t0) / (tm - t0))
        up = slice(mid, end + 1)
        phase[up] = _ease((t1 - times[up]) / (t1 - tm))
        phase[mid] = 1.0
        phase[start] = phase[end] = 0.0
    return phase


def _poses(
    activity: Activity,
    body: Body,
    plan: list[RepSpec],
    rep_frames: list[tuple[int, int, int]],
    phase: FloatArray,
) -> list[Pose]:
    how = movement(activity)
    rest = how.rest(body)
    rest_pose = how.pose(rest, body)
    which = np.full(len(phase), -1)
    for i, (start, _, end) in enumerate(rep_frames):
        which[start : end + 1] = i
    turns = [how.turn(r.key_angle, r.secondary, r.side) for r in plan]
    poses = []
    for f, s in enumerate(phase):
        if s == 0.0:
            poses.append(rest_pose)
            continue
        turn = turns[which[f]]
        params = {k: rest[k] + float(s) * (turn[k] - rest[k]) for k in rest}
        poses.append(how.pose(params, body))
    return poses
