"""Rep segmentation: where each rep starts, turns and ends, from a pose track's angle series.

Each activity's profile (:mod:`guru_form.activities`) holds its rule
(:class:`~guru_form.activities.SegmentationRule`): the angle that defines a rep, which extreme of
it is the turning point, and the checks a candidate must pass to count. The profiles registered
when this module was imported:

{rules_table}

The signal finds the reps (peaks of the angle); the turning point is then placed by the body's
height where there is a bottom, and by the hip angle for the deadlift's lockout (step 2 below).

How a rep is found, within each shot (a continuous stretch of footage, see
:mod:`guru_form.pose.track`) and each stretch where the signal is known:

1. Candidate turning points are peaks of the signal's excursion from the rest position (rest is
   standing for squat, lockout for the presses, the floor for the deadlift) with a prominence of
   at least ``min_range_deg`` on **both** sides: the athlete must leave the rest position and come
   back to it. Swaying, shifting weight, a partial rep cut by the start or the end of the clip and
   a rep cut by an edit have a small prominence on one side and are dropped; so is a rep whose
   two sides differ by more than 40 % (it did not start where it ended). A rep the clip opens in
   must also be seen from rest: where the clip opens with its lowering under way (the body
   already part of the way down and going on down at the rep's pace), it is a partial rep,
   however alike its two sides. An edit is not the clip's start: a rep may go on across it (one
   squat filmed from two angles). Where the shot before the edit ends on its way down (the
   signal going towards the turning point by ``rest_fraction`` of the rep's range or more over
   its last 0.3 s), the first rep of the shot after it, which opens part of the way down, is
   that rep: its side before the turning point counts from where the way down was before the
   edit and is not held against it for being short, and the rep ends back at rest, not where
   the shot after the edit opened. A shot before the edit that ends at rest began no rep, and
   a rep cut by that edit is dropped.
2. ``start`` is the last frame at rest before the turning point: found where the excursion
   crosses ``rest_fraction`` (10 %) of the rep's range, then moved back while the signal still
   changes faster than ``still_speed`` (5 % of the range per second, over 0.15 s); ``end`` likewise, the first
   frame back at rest. A rep ends where it started: when the movement goes on more than
   ``rest_fraction`` of the range beyond the signal's value at ``start`` (standing up straight
   out of the last push-up opens the elbows further and lifts the shoulders), ``end`` is the
   last frame before the signal passes that value, not the end of the next movement.
   ``mid`` is where the body turns: the moving joint lowest in the image (halfway between the
   first and the last frame within 3 % of its travel from the lowest, so the middle of a pause at
   the bottom, though the model may read the joint out of that band for a moment within it);
   for the deadlift, the moment the hip angle reaches the lockout (the first frame within 5 % of
   its range from the largest), not the middle of a held lockout. A bottom must be in the
   picture: where the video's size is known and the moving joint lies outside the picture at
   ``mid`` (by more than a quarter of a torso, about half a head: a body part the edge cuts is
   still seen), the model guessed where it was (a close-up of a hand, a zoom) and the rep is
   dropped.
3. A candidate counts when it lasts between ``min_duration_s`` and ``max_duration_s``, the moving
   joint travels far enough vertically (walking bends the knees without lowering the hips), and
   so does the joint carrying the load where the rule names one (``load_joint``: a back squat's
   bar on the shoulders), the
   feet or the hands stay in place (walking in or out of the frame moves both), and the posture
   fits (lying on a bench, horizontal in a push-up; filmed from the head or the feet, a trunk
   pointing at the camera at the turning point and at the rep's start or end, or hands planted
   on the floor from the rep's start to its end while the shoulders go down and up, count as
   horizontal: a push-up rests in the plank, not standing). Where the rule says so (the deadlift's), an angle opens far enough in
   the rep (``opens``), another is straight at the turning point (``straight_at_turn``), and a
   joint comes down to another's height before it (``reaches_down``).

Torso lengths are :func:`guru_form.pose.signals.body_scale` (the trunk, or the shoulders' width
where the trunk points at the camera). Which signal a track is counted from is chosen by
:mod:`guru_form.pose.counting`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guru_form import activities
from guru_form._deprecation import moved_names
from guru_form.activities import SegmentationRule
from guru_form.models import Activity
from guru_form.pose.filters import runs
from guru_form.pose.signals import body_scale

__all__ = ["RepWindow", "SegmentationRule", "segment_reps"]

FloatArray = npt.NDArray[np.float64]


#: A rep complete at its turning point, cut by the end of the footage, must have held the turning
#: point this long (seconds) before the footage ends.
HELD_S = 0.3

#: How far beyond the picture's edge (torso lengths) the model may place a joint whose body part
#: the edge cuts: about half a head, so a face or a hand half in the picture is still seen.
PICTURE_MARGIN_TORSOS = 0.25


def _rules_table() -> str:
    """The registered profiles' rules as an RST table, one line per activity."""
    from guru_form import activities

    rows = [(p.name, f"``{p.rule.signal}``", *p.rule.describe()) for p in activities.registered()]
    head = ("activity", "signal", "turning point (``mid``)", "checks besides the angle's range")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    rule = "  ".join("=" * w for w in widths)
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [head, *rows]
    ]
    return "\n".join([rule, lines[0], rule, *lines[1:], rule])


__doc__ = (__doc__ or "").replace("{rules_table}", _rules_table())


def _rules() -> dict[Activity, SegmentationRule]:
    from guru_form import activities

    return {p.activity: p.rule for p in activities.registered()}


__getattr__ = moved_names(__name__, {"RULES": ("guru_form.activities.get(activity).rule", _rules)})


@dataclass(frozen=True)
class RepWindow:
    """One rep as row positions in the pose track (``start <= mid <= end``).

    Attributes
    ----------
    start, mid, end
        Row positions (0-based) of the rep's start, turning point and end.
    range_deg
        The signal's excursion in the rep (the smaller of the two sides), in the signal's unit
        (degrees for an angle).
    signal
        The signal the rep was found in (see :mod:`guru_form.pose.counting`); empty when not
        recorded.
    """

    start: int
    mid: int
    end: int
    range_deg: float
    signal: str = ""


def segment_reps(
    activity: Activity | str,
    series: dict[str, FloatArray],
    joints: dict[str, FloatArray],
    time_ms: npt.ArrayLike,
    *,
    shot: npt.ArrayLike | None = None,
    rule: SegmentationRule | None = None,
    rep_count: int | None = None,
    picture: tuple[float, float] | None = None,
) -> list[RepWindow]:
    """Find the reps in a pose track's series.

    Parameters
    ----------
    activity
        Selects the rule: its profile's (:mod:`guru_form.activities`).
    series
        Angle series by name (``PoseTrack.series()``), each ``(n,)``.
    joints
        Joint positions by name (``PoseTrack.joints()``), each ``(n, 2)`` pixels.
    time_ms
        ``(n,)`` frame times.
    shot
        ``(n,)`` shot index; reps never span two shots.
    rule
        Overrides the activity's rule.

    Raises
    ------
    UnsupportedActivityError
        When the activity has no profile (and no ``rule`` is given).
    rep_count
        The number of reps the user says the video holds: when more candidates pass every check,
        only the ``rep_count`` with the largest range are kept (never more reps are invented).
    picture
        ``(width, height)`` of the video's picture in pixels, the frame the joints are placed in;
        where given, a rep whose ``bottom_joint`` lies outside it at the turning point, by more
        than :data:`PICTURE_MARGIN_TORSOS`, is dropped (see :func:`_in_picture`).

    Returns
    -------
    list of RepWindow
        In time order.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 6000, 33.3)
    >>> knee = 175 - 90 * np.clip(np.sin(np.pi * (t - 1000) / 2000), 0, None) * (t < 3000)
    >>> hip_y = 500 + (175 - knee) * 2.0
    >>> joints = {"hip": np.c_[np.full_like(t, 300), hip_y], "shoulder": np.c_[np.full_like(t, 300), hip_y - 200]}
    >>> reps = segment_reps("squat", {"knee_angle": knee, "trunk_lean": np.zeros_like(t)}, joints, t)
    >>> [(round(float(t[r.start]) / 1000, 1), round(float(t[r.mid]) / 1000, 1), round(float(t[r.end]) / 1000, 1)) for r in reps]
    [(1.0, 2.0, 3.0)]
    """
    r = rule or activities.get(activity).rule
    t = np.asarray(time_ms, dtype=np.float64)
    n = len(t)
    x = np.asarray(series.get(r.signal, np.full(n, np.nan)), dtype=np.float64)
    shots = np.zeros(n, dtype=np.int64) if shot is None else np.asarray(shot, dtype=np.int64)
    torso = body_scale(joints)
    candidates: list[RepWindow] = []
    for s in np.unique(shots):
        in_shot = shots == s
        for a, b in runs(in_shot & np.isfinite(x)):
            lowered = _lowered_before_edit(r, x, shots, t, a)
            candidates += _reps_in_run(r, x, t, a, b, lowered_before=lowered)
    reps = [c for c in candidates if _passes(r, c, series, joints, t, torso)]
    if r.bottom_joint is not None and r.bottom_joint in joints:
        xy = np.asarray(joints[r.bottom_joint], dtype=np.float64)
        y = xy[:, 1]
        reps = [_lowest_point(c, y, r.bottom_band) for c in reps]
        if picture is not None and np.isfinite(torso) and torso > 0:
            margin = PICTURE_MARGIN_TORSOS * torso
            reps = [c for c in reps if _in_picture(xy[c.mid], picture, margin)]
        # A rep the clip opens in must be seen from rest.
        reps = [c for c in reps if not _opens_in_the_lowering(r, c, y, t)]
        if not r.complete_at_turn:
            # A rep the footage of it ends within HELD_S of (the clip's end, a cut, a fade).
            reps = [
                c
                for c in reps
                if not _footage_ends(x, shots, t, c.end) or _comes_back_up(c, y, r.min_symmetry)
            ]
    if rep_count is not None and 0 < rep_count < len(reps):
        keep = sorted(sorted(reps, key=lambda c: -c.range_deg)[:rep_count], key=lambda c: c.mid)
        reps = keep
    return reps


def _reps_in_run(
    r: SegmentationRule,
    x: FloatArray,
    t: FloatArray,
    a: int,
    b: int,
    *,
    lowered_before: float = 0.0,
) -> list[RepWindow]:
    """Candidate reps in the finite stretch ``x[a:b]``.

    ``lowered_before``: how far the signal went towards the turning point over the last frames
    of the shot before, where the stretch opens at an edit (:func:`_lowered_before_edit`); a
    first rep whose way down that shot began goes on across the edit.
    """
    from scipy.signal import find_peaks

    # Excursion from rest: peaks are turning points.
    d = -x[a:b] if r.turning == "min" else x[a:b]
    if len(d) < 3:
        return []
    dt = float(np.median(np.diff(t[a:b]))) if b - a > 1 else 33.0
    distance = max(1, round(0.5 * r.min_duration_s * 1000.0 / max(dt, 1e-6)))
    # Where the way down began before an edit, the frame before the stretch is where it began:
    # the first turning point's side before it counts from there.
    before = d[0] - lowered_before if lowered_before > 0 and not r.complete_at_turn else None
    padded = d if before is None else np.r_[before, d]
    found, props = find_peaks(padded, prominence=r.min_range_deg, distance=distance)
    shift = 0 if before is None else 1
    peaks, bases = _merge_split_turns(
        d,
        [int(p) - shift for p in found],
        [
            (max(0, lb - shift), max(0, rb - shift))
            for lb, rb in zip(
                props["left_bases"].tolist(), props["right_bases"].tolist(), strict=True
            )
        ],
    )
    hold = max(1, round(HELD_S * 1000.0 / max(dt, 1e-6)))
    held = (
        _held_to_the_end(r, d, bases[-1][1] if peaks else 0, hold) if r.complete_at_turn else None
    )
    if held is not None:
        peaks.append(held)
        bases.append((0, len(d) - 1))
    out: list[RepWindow] = []
    for k, p in enumerate(peaks):
        lb, rb = bases[k]
        left_rest = float(np.min(d[lb : p + 1]))
        if k == 0 and before is not None:
            left_rest = min(left_rest, before)
        right_rest = float(np.min(d[p : rb + 1]))
        peak = float(d[p])
        # Both sides must come down to (near) the rest level by themselves; a rep complete at its
        # turning point needs only the side before it.
        if peak - (left_rest if r.complete_at_turn else max(left_rest, right_rest)) < (
            r.min_range_deg
        ):
            continue
        # Bound the search by the neighbouring turning points.
        lo = peaks[k - 1] if k > 0 else 0
        hi = peaks[k + 1] if k + 1 < len(peaks) else len(d) - 1
        rest_l = _rest_level(d[lo : p + 1], peak)
        rest_r = _rest_level(d[p : hi + 1], peak)
        # A rep starts and ends at the rest position: a rep cut by the clip's start or end, or
        # a half rep, leaves one side much shorter than the other.
        across_edit = (
            before is not None
            and k == 0
            and peak - rest_l < peak - rest_r
            and lowered_before >= r.rest_fraction * (peak - rest_r)
        )
        if (
            not r.complete_at_turn
            and not across_edit
            and min(peak - rest_l, peak - rest_r)
            < r.min_symmetry * max(peak - rest_l, peak - rest_r)
        ):
            continue
        if r.complete_at_turn:
            rest_r = max(rest_r, rest_l)  # the way back may go lower, or not be in the footage
        thr_l = rest_l + r.rest_fraction * (peak - rest_l)
        thr_r = rest_r + r.rest_fraction * (peak - rest_r)
        left = np.flatnonzero(d[lo : p + 1] <= thr_l)
        right = np.flatnonzero(d[p : hi + 1] <= thr_r)
        if p == held or (len(right) == 0 and r.complete_at_turn):
            right = np.array([hi - p])  # held to the end of the footage
        if len(left) == 0 or len(right) == 0:
            continue
        start = lo + int(left[-1])
        end = p + int(right[0])
        # From there, back to where the movement begins: the last frame before the signal moves
        # away from rest faster than ``still_speed`` (ranges per second).
        # Judged over 0.15 s so that a flat instant in the model's output does
        # not stop it.
        step = r.still_speed * (peak - max(rest_l, rest_r)) * dt / 1000.0
        ahead = max(1, round(150.0 / dt))
        while start > lo and d[max(start - ahead, lo)] < d[start] - step * min(ahead, start - lo):
            start -= 1
        while end < hi and d[min(end + ahead, hi)] < d[end] - step * min(ahead, hi - end):
            end += 1
        if not across_edit:  # started before the edit, at rest: its start here is not rest
            end = _back_at_start(r, d, start, p, end)
        # The turning point, from the frames near the extreme (a pause at the bottom, a held
        # lockout): a deadlift's lockout is when it is reached, a bottom is the pause's middle.
        band = r.lockout_band if r.turning == "max" else r.bottom_band
        near = d[start : end + 1] >= peak - band * (peak - max(rest_l, rest_r))
        if r.turning == "max":
            mid = start + _run_containing(near, p - start)[0]
        else:
            mid = start + _bottom_middle(near)
        if r.turning == "max" and r.lockout_speed is not None:
            mid = min(mid, _stops_rising(d, t[a:b], start, p, r.lockout_speed))
        span = peak - (rest_l if r.complete_at_turn else max(rest_l, rest_r))
        if across_edit:
            span = peak - rest_r  # its side before the edit is partly in the shot before
        out.append(RepWindow(a + start, a + mid, a + end, float(span)))
    return out


def _lowered_before_edit(
    r: SegmentationRule, x: FloatArray, shots: npt.NDArray[np.int64], t: FloatArray, a: int
) -> float:
    """How far ``x`` went towards the rule's turning point over the last :data:`HELD_S` of the
    shot before frame ``a``, when ``a`` opens a shot at an edit and that shot's signal runs up to
    the edit (0 otherwise, or when it went the other way).

    A rep that goes on across an edit (one squat filmed from two angles) shows its way down
    begun before the edit and the rest of it after: the shot after the edit opens part of the way
    down, its first rep's side before the turning point short.
    """
    if a == 0 or shots[a - 1] == shots[a] or not np.isfinite(x[a - 1]):
        return 0.0
    before = np.flatnonzero(
        (shots[:a] == shots[a - 1]) & (t[:a] >= t[a - 1] - HELD_S * 1000.0) & np.isfinite(x[:a])
    )
    if len(before) < 2:
        return 0.0
    d = x[before] if r.turning == "max" else -x[before]
    return max(0.0, float(d[-1] - d[0]))


def _stops_rising(d: FloatArray, t: FloatArray, start: int, p: int, fraction: float) -> int:
    """The first frame after ``d``'s fastest rise in ``[start, p]`` where it rises at less than
    ``fraction`` of that speed (``p`` if it never slows so much before)."""
    if p - start < 2:
        return p
    speed = np.gradient(d[start : p + 1], t[start : p + 1])
    fastest = int(np.argmax(speed))
    slow = np.flatnonzero(speed[fastest:] < fraction * speed[fastest])
    return start + fastest + int(slow[0]) if len(slow) else p


def _merge_split_turns(
    d: FloatArray, peaks: list[int], bases: list[tuple[int, int]]
) -> tuple[list[int], list[tuple[int, int]]]:
    """Join turning points that are one turn broken by a blip of the model's output.

    Two neighbouring peaks of ``d`` (the excursion from rest) are one turn when ``d`` between
    them stays in the outer half of the excursion: the athlete did not come even half-way back
    to rest (a joint mislaid for a few frames at the bottom of a squat splits its angle's
    minimum in two). The excursion is measured from the nearer of the two rests, before the
    first and after the second, as a rep's range is: a glitch far beyond rest on one side (a
    joint misplaced as the athlete walks in) does not make every later valley look like a
    bottom. The more extreme peak is kept, with the outer bases of both.
    """
    out_p: list[int] = []
    out_b: list[tuple[int, int]] = []
    for p, (lb, rb) in zip(peaks, bases, strict=True):
        if out_p:
            q = out_p[-1]
            qlb, _ = out_b[-1]
            rest = max(float(np.min(d[qlb : q + 1])), float(np.min(d[p : rb + 1])))
            valley = float(np.min(d[q : p + 1]))
            if valley - rest > 0.5 * (min(float(d[q]), float(d[p])) - rest):
                keep = p if d[p] > d[q] else q
                out_p[-1] = keep
                out_b[-1] = (qlb, rb)
                continue
        out_p.append(p)
        out_b.append((lb, rb))
    return out_p, out_b


def _held_to_the_end(r: SegmentationRule, d: FloatArray, after: int, hold: int) -> int | None:
    """The turning point of a rep the footage ends in, held: its index in ``d``, else None.

    From the lowest point after ``after`` (the low point after the last turning point found, or
    0), ``d`` rises by at least ``min_range_deg`` to its largest value and does not come back
    down by half of that rise before the last frame (a deadlift held at lockout until the clip
    ends, or lowered only part of the way), and the footage goes on for at least ``hold`` frames
    after it first came within the turning point's band of that value (a rise still under way
    when the clip ends has not reached its turning point). Starting from the lowest point, a clip that opens standing tall before the
    setup is not mistaken for one that ends at its top.
    """
    if len(d) - after < 3:
        return None
    after += int(np.argmin(d[after:]))
    tail = d[after:]
    if len(tail) < 3:
        return None
    top = after + int(np.argmax(tail))
    rise = float(d[top]) - float(np.min(d[after : top + 1]))
    if top == after or rise < r.min_range_deg:
        return None
    # Held from where the top is reached (within its band of the largest value): the largest
    # value itself may be the model's jitter late on a held lockout.
    band = r.lockout_band if r.turning == "max" else r.bottom_band
    reached = after + int(np.argmax(tail >= d[top] - band * rise))
    if len(d) - 1 - reached < hold:
        return None
    if np.min(d[top:]) < d[top] - 0.5 * rise:
        return None
    return top


def _back_at_start(r: SegmentationRule, d: FloatArray, start: int, p: int, end: int) -> int:
    """``end``, or earlier when by then the movement has gone on past its start position.

    ``d`` is the signal's excursion (low at rest), ``p`` the turning point. Past is more than
    ``rest_fraction`` of the rep's excursion beyond the value at ``start``: the frames after
    that belong to the next movement (standing up after the last push-up, racking the bar),
    which the search for the first frame at rest may run into when that movement goes on in
    the same direction. The rep then ends at the last frame before the signal goes beyond its
    value at ``start``. A rep that ends a little more extended than it began (within the
    margin) keeps its ``end``.
    """
    after = d[p + 1 : end + 1]
    if not (after < d[start] - r.rest_fraction * (d[p] - d[start])).any():
        return end
    return p + int(np.argmax(after < d[start]))


def _lowest_point(c: RepWindow, y: FloatArray, band: float) -> RepWindow:
    """Move ``mid`` halfway between the first and last frames where ``y`` (pixels, down) is deepest.

    "Deepest" is within ``band`` of the rep's depth from the lowest point. A pause at the bottom
    is one stretch of such frames, but the model may lift the joint out of the band for a few
    frames within it (a wrist read a few pixels higher mid-pause): the pause is then several
    stretches, and its middle is still halfway from the first to the last.
    """
    window = y[c.start : c.end + 1]
    if not np.isfinite(window).all():
        return c
    deepest = int(np.argmax(window))
    rest = min(float(window[0]), float(window[-1]))
    near = window >= window[deepest] - band * (window[deepest] - rest)
    return dataclasses.replace(c, mid=c.start + _bottom_middle(near))


def _in_picture(point: FloatArray, picture: tuple[float, float], margin: float) -> bool:
    """Whether a joint's ``(x, y)`` (pixels) lies within a ``(width, height)`` picture grown by
    ``margin`` pixels on each side (True when the joint is unknown).

    A pose model places every joint, also one outside the picture, by guessing from the body it
    sees; a rep's bottom there was not seen: a close-up that shows a hand or a forearm, or a
    camera that zooms, moves the guessed joint by itself, with no rep done. A body part the edge
    cuts is seen in part, and its joint may lie just beyond the edge: hence the margin.
    """
    x, y = float(point[0]), float(point[1])
    if not (np.isfinite(x) and np.isfinite(y)):
        return True
    width, height = picture
    return -margin <= x <= width + margin and -margin <= y <= height + margin


def _bottom_middle(near: npt.NDArray[np.bool_]) -> int:
    """Halfway between the first and the last True of ``near`` (a bottom, paused or not)."""
    at = np.flatnonzero(near)
    return (int(at[0]) + int(at[-1])) // 2


def _footage_ends(x: FloatArray, shots: npt.NDArray[np.int64], t: FloatArray, end: int) -> bool:
    """Whether the stretch of ``x`` that holds frame ``end`` stops within :data:`HELD_S` of it."""
    _, stop = _run_containing(np.isfinite(x) & (shots == shots[end]), end)
    return bool(t[stop - 1] - t[end] < HELD_S * 1000.0)


def _opens_in_the_lowering(r: SegmentationRule, c: RepWindow, y: FloatArray, t: FloatArray) -> bool:
    """Whether the clip opens with the rep's lowering under way (a partial rep, not counted).

    Asked of a rep that starts within :data:`HELD_S` of the clip's first frame, from the body's
    bottom joint (``y``, pixels, down), the height the rep's bottom is defined by. The lowering
    is under way when, at the rep's start, the joint is already more than the rule's
    ``rest_fraction`` of the rep's depth below the rest the rep comes back to, and over the
    first :data:`HELD_S` it goes on down at least as fast as the rep's way back up goes on
    average (its depth over the time from its bottom to its end). An athlete who leaves rest at
    the first frame starts from a standstill and is slower than that over those frames; the
    model's jitter at rest reads a little low without moving at the rep's pace; a lowering
    caught part of the way down is at its fastest. False when it cannot be told.
    """
    if t[c.start] - t[0] > HELD_S * 1000.0 or c.mid <= c.start or c.end <= c.mid:
        return False
    after = np.flatnonzero(t[c.mid :] - t[c.end] <= HELD_S * 1000.0)[-1]
    back = y[c.mid : c.mid + after + 1]
    if not np.isfinite(y[c.start : c.end + 1]).all() or not np.isfinite(back).all():
        return False
    bottom = float(np.max(y[c.start : c.end + 1]))
    # Where the way back comes to rest: the typical height of its highest frames, up to
    # HELD_S after the rep's end (which is within ``rest_fraction`` of rest, not at it).
    rest = _rest_level(back, bottom)
    depth = bottom - rest
    if depth <= 0:
        return False
    first = np.flatnonzero(t[c.start : c.mid + 1] - t[c.start] <= HELD_S * 1000.0)[-1]
    if first == 0:
        return False
    level = (float(y[c.start]) - rest) / depth
    speed = (float(y[c.start + first]) - float(y[c.start])) / depth
    speed /= (t[c.start + first] - t[c.start]) / 1000.0
    pace = 1000.0 / (t[c.end] - t[c.mid])
    return level > r.rest_fraction and speed >= pace


def _comes_back_up(c: RepWindow, y: FloatArray, symmetry: float) -> bool:
    """Whether the body's bottom joint (``y``, pixels, down) rises again in the rep.

    From its lowest point to the rep's end it must rise at least ``symmetry`` of its fall from
    the rep's start, the bound the rep's signal meets. Asked of a rep the footage ends in: the
    body still low at its last frame means the rep was cut, and its signal's return was the
    model's (a joint thrown about at a fade or a cut). True when it cannot be told.
    """
    window = y[c.start : c.end + 1]
    if not np.isfinite(window).all():
        return True
    deepest = float(np.max(window))
    fall, rise = deepest - float(window[0]), deepest - float(window[-1])
    return fall <= 0 or rise >= symmetry * fall


def _rest_level(d: FloatArray, peak: float) -> float:
    """The typical excursion at rest: median of the values in the lowest fifth of the range."""
    low = float(np.min(d))
    near_rest = d[d <= low + 0.2 * (peak - low)]
    return float(np.median(near_rest))


def _run_containing(mask: npt.NDArray[np.bool_], i: int) -> tuple[int, int]:
    lo = i
    while lo > 0 and mask[lo - 1]:
        lo -= 1
    hi = i + 1
    while hi < len(mask) and mask[hi]:
        hi += 1
    return lo, hi


def _passes(
    r: SegmentationRule,
    c: RepWindow,
    series: dict[str, FloatArray],
    joints: dict[str, FloatArray],
    t: FloatArray,
    torso: float,
) -> bool:
    duration = (t[c.end] - t[c.start]) / 1000.0
    if not r.min_duration_s <= duration <= r.max_duration_s:
        return False
    if np.isfinite(torso) and torso > 0:
        if r.height_joint in joints:
            y = np.asarray(joints[r.height_joint])[:, 1]
            travel = _travel(y, c, r) / torso
            if not np.isfinite(travel) or not _far_enough(travel, r):
                return False
        if not _load_travels(r, c, joints, torso):
            return False
        if _drift(joints, c) > r.max_drift * torso:
            return False
        if not _reaches_down(r, c, joints, torso):
            return False
    if not _opens(r, c, series) or not _straight_at_turn(r, c, series, t):
        return False
    lean = series.get("trunk_lean")
    if lean is not None and r.posture is not None:
        lean = np.asarray(lean)
        if r.posture == "upright" and not (np.nanmin(lean[[c.start, c.end]]) < 60.0):
            return False
        if r.posture == "horizontal" and not (
            lean[c.mid] > 45.0
            or (_trunk_towards_camera(joints, c.mid) and _held_horizontal(lean, joints, c))
            or _hands_planted(joints, r.height_joint, c, t)
        ):
            return False
    return True


def _held_horizontal(lean: FloatArray, joints: dict[str, FloatArray], c: RepWindow) -> bool:
    """Whether the trunk is horizontal at the rep's rest too, at its start or its end: leaning
    more than 45° in the image, or pointing at the camera.

    A trunk pointing at the camera at the turning point alone is a pose in passing (bending or
    kneeling down towards the camera, then standing up again); a plank or a lifter on a bench
    holds it from the rep's start to its end.
    """
    return any(bool(lean[i] > 45.0) or _trunk_towards_camera(joints, i) for i in (c.start, c.end))


def _load_travels(
    r: SegmentationRule, c: RepWindow, joints: dict[str, FloatArray], torso: float
) -> bool:
    """Whether the rule's ``load_joint`` travels ``min_height_travel`` to its extreme in the rep,
    the way the height joint must (True when unknown, or when it is the height joint)."""
    if r.load_joint is None or r.load_joint not in joints or r.load_joint == r.height_joint:
        return True
    y = np.asarray(joints[r.load_joint], dtype=np.float64)[:, 1]
    travel = _travel(y, c, dataclasses.replace(r, travel_to_extreme=True)) / torso
    return not np.isfinite(travel) or _far_enough(travel, r)


def _far_enough(travel: float, r: SegmentationRule) -> bool:
    """Whether a travel (torso lengths, down positive) goes the rule's ``min_height_travel`` in
    its direction: at least that far down, or for a rep that rises (negative), that far up."""
    if r.min_height_travel >= 0:
        return travel >= r.min_height_travel
    return travel <= r.min_height_travel


def _opens(r: SegmentationRule, c: RepWindow, series: dict[str, FloatArray]) -> bool:
    """Whether the rule's ``opens`` angle reaches its bound in the rep (True when unknown)."""
    if r.opens is None or r.opens[0] not in series:
        return True
    window = np.asarray(series[r.opens[0]], dtype=np.float64)[c.start : c.end + 1]
    return not np.isfinite(window).any() or bool(np.nanmax(window) >= r.opens[1])


def _straight_at_turn(
    r: SegmentationRule, c: RepWindow, series: dict[str, FloatArray], t: FloatArray
) -> bool:
    """Whether the rule's ``straight_at_turn`` angle, over the turning point (the frames of the
    rep within half of :data:`HELD_S` of ``mid``), has a median at its bound or above (True when
    unknown)."""
    if r.straight_at_turn is None or r.straight_at_turn[0] not in series:
        return True
    near = np.abs(t[c.start : c.end + 1] - t[c.mid]) <= HELD_S * 500.0
    values = np.asarray(series[r.straight_at_turn[0]], dtype=np.float64)[c.start : c.end + 1]
    window = values[near]
    return not np.isfinite(window).any() or bool(np.nanmedian(window) >= r.straight_at_turn[1])


def _reaches_down(
    r: SegmentationRule, c: RepWindow, joints: dict[str, FloatArray], torso: float
) -> bool:
    """Whether the rule's ``reaches_down`` joint comes down to the other's height (within the
    margin) between the rep's start and its turning point (True when unknown)."""
    if r.reaches_down is None:
        return True
    joint, to, margin = r.reaches_down
    if joint not in joints or to not in joints:
        return True
    w = slice(c.start, c.mid + 1)
    below = np.asarray(joints[joint], dtype=np.float64)[w, 1] - np.asarray(joints[to])[w, 1]
    return not np.isfinite(below).any() or bool(np.nanmax(below) >= -margin * torso)


def _spread(x: FloatArray, c: RepWindow) -> float:
    """How far ``x`` (pixels) moves across the rep: the spread of the medians of the rep's first,
    middle and last thirds (NaN when unknown).

    Medians of thirds follow a steady movement (a walk in or out of the frame) and leave out the
    model's frame-to-frame jitter of a joint it can barely see.
    """
    window = x[c.start : c.end + 1]
    thirds = [part[np.isfinite(part)] for part in np.array_split(window, 3)]
    medians = [float(np.median(part)) for part in thirds if len(part)]
    return max(medians) - min(medians) if len(medians) > 1 else float("nan")


def _drift(joints: dict[str, FloatArray], c: RepWindow) -> float:
    """Horizontal travel, in pixels, of the end of the body that stays in place during a rep.

    A rep is done on the spot: the feet stay where they are (and in a push-up the hands too);
    walking in or out of the frame moves both. When the model loses one end under another body
    or a plate, the other still tells; so the smaller travel of the ankle and the wrist counts
    (0 when neither is known).
    """
    spreads = [_spread(_middle(joints, j)[:, 0], c) for j in ("ankle", "wrist") if j in joints]
    known = [s for s in spreads if np.isfinite(s)]
    return min(known) if known else 0.0


def _middle(joints: dict[str, FloatArray], joint: str) -> FloatArray:
    """The middle of both sides' ``joint`` where the other side (``far_<joint>``) is known, else
    the measured side's: it does not move when the measured side changes."""
    near = np.asarray(joints[joint], dtype=np.float64)
    far = joints.get(f"far_{joint}")
    if far is None:
        return near
    both = (near + np.asarray(far, dtype=np.float64)) / 2.0
    return np.where(np.isfinite(both), both, near)


def _hands_planted(joints: dict[str, FloatArray], moving: str, c: RepWindow, t: FloatArray) -> bool:
    """True when the wrists stay at one height while ``moving`` (the shoulder) goes down and up
    by at least three times as much: the hands are on the floor, whichever way the camera looks.

    They stay there across the whole rep, its rest included: at its start, its turning point and
    its end (the median over the frames within half of :data:`HELD_S` of each), as well as over
    its thirds. A push-up rests in the plank, hands down; walking in, getting down to the floor
    and standing up again leaves the hands planted in the middle of the movement only.
    """
    if "wrist" not in joints or moving not in joints or moving == "wrist":
        return False
    y = np.asarray(joints["wrist"], dtype=np.float64)[:, 1]
    wrist = _spread(y, c)
    at = [_median_near(y, t, c, i) for i in (c.start, c.mid, c.end)]
    known = [v for v in at if np.isfinite(v)]
    if len(known) > 1:
        wrist = max(wrist, max(known) - min(known))
    travel = abs(_travel(np.asarray(joints[moving], dtype=np.float64)[:, 1], c))
    return bool(np.isfinite(wrist) and np.isfinite(travel) and wrist < travel / 3.0)


def _median_near(y: FloatArray, t: FloatArray, c: RepWindow, i: int) -> float:
    """The median of ``y`` over the rep's frames within half of :data:`HELD_S` of frame ``i``
    (NaN when unknown there)."""
    w = slice(c.start, c.end + 1)
    near = np.abs(t[w] - t[i]) <= HELD_S * 500.0
    values = y[w][near]
    values = values[np.isfinite(values)]
    return float(np.median(values)) if len(values) else float("nan")


def _trunk_towards_camera(joints: dict[str, FloatArray], i: int) -> bool:
    """True when the trunk points at the camera on frame ``i``: shorter in the image than the
    upper arm, which it is twice as long as (a plank or a bench filmed from the head or feet).

    An upright trunk, filmed from a camera at about its height, is never that short; the trunk
    lean measured in the image says nothing about such a view.
    """
    if not all(j in joints for j in ("shoulder", "hip", "elbow")):
        return False
    s, h, e = (np.asarray(joints[j], dtype=np.float64)[i] for j in ("shoulder", "hip", "elbow"))
    trunk, upper_arm = float(np.linalg.norm(s - h)), float(np.linalg.norm(s - e))
    return bool(np.isfinite(trunk) and np.isfinite(upper_arm) and trunk < 0.8 * upper_arm)


def _travel(y: FloatArray, c: RepWindow, r: SegmentationRule | None = None) -> float:
    """Downward travel of ``y`` (pixels, y down) from the rep's start/end to its turning point,
    or to its lowest (highest, for a rise) point in the rep when ``r.travel_to_extreme``."""
    ends = np.array([y[c.start], y[c.end]], dtype=np.float64)
    if not np.isfinite(ends).any():
        return float("nan")
    rest = float(np.nanmean(ends))
    if r is None or not r.travel_to_extreme:
        return float(y[c.mid] - rest)
    window = y[c.start : c.end + 1]
    if not np.isfinite(window).any():
        return float("nan")
    extreme = np.nanmax(window) if r.min_height_travel >= 0 else np.nanmin(window)
    return float(extreme - rest)
