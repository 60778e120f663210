"""Counting reps on a pose track: choose the signal, then fill its gaps from the next ones.

:mod:`guru_form.pose.segmentation` finds the reps in one signal. An activity can be counted from
several (its joint angle, then heights of joints that move with a rep); :func:`count_reps`
chooses among them on each track:

Candidates are :func:`guru_form.pose.signals.candidate_signals` of the activity's profile. The
heights and the rule's travel checks read joint positions as :func:`track_inputs` gives them:
filled from the other side of the body where only that side is seen (:func:`either_side`).

Each shot is counted on its own, and within a shot each stretch of steady view
(:func:`guru_form.pose.view.steady_views`: an athlete who turns to face the camera for a few reps
and back is counted from heights while facing it):

1. **The lead signal.** The activity's angle leads when the camera is not looking at the
   athlete's front (:func:`guru_form.pose.view.estimate_view`), the angle is known on at least
   :data:`MIN_COVERAGE` of the frames with a person, it moves through the rule's range in the
   shot (a squat's knee filmed from the front hardly bends in the image), and it *agrees* with
   the body's movement: over 3-second windows it rises and falls with the first usable height,
   measured from the feet where the ankle is known (their correlation's median, over the
   windows where the angle moves, is at least :data:`MIN_AGREEMENT`; a handheld camera that
   tilts moves every joint in the image, not the height above the feet). An angle whose joints
   the model is guessing (an arm behind the plates of a bench press) jumps about and does not
   agree. Otherwise the first height known on enough frames leads.
2. **Gaps.** Where the lead signal is missing (a limb hidden for a few seconds) a rep found by
   another usable signal in that stretch is added, rather than dropped.
3. **Support.** Each rep records which signals found it too (a rep every usable signal finds is
   surer than one only the lead finds); :mod:`guru_form.pose.confidence` turns that into the
   rep's confidence.
4. **Posture.** For an activity done lying (its rule's posture ``"horizontal"``: the bench press,
   the push-up), the fraction of the frames with a person on which the person followed stood
   upright (:func:`standing_fraction`). Near 1, the person followed is not the athlete (a spotter
   behind the bench, while the lifter, hidden or out of frame, was not found), and
   :mod:`guru_form.pose.confidence` says so.

Every candidate passes the activity rule's checks (duration, travel of the moving joint, feet in
place, posture) whichever signal found it; a height's own joint is the moving joint for it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from guru_form import activities
from guru_form.models import Activity
from guru_form.pose.filters import MIN_VISIBILITY
from guru_form.pose.joints import SIDE_JOINTS
from guru_form.pose.segmentation import RepWindow, SegmentationRule, segment_reps
from guru_form.pose.signals import (
    RepSignal,
    SignalQuality,
    body_scale,
    candidate_signals,
    height_series,
    joint_height,
    signal_quality,
)
from guru_form.pose.view import ViewEstimate, estimate_view, steady_views
from guru_form.pose_track import PoseTrack

__all__ = [
    "MIN_AGREEMENT",
    "MIN_BOTH_SEEN_S",
    "MIN_COVERAGE",
    "STANDING_LEAN_DEG",
    "RepCount",
    "count_reps",
    "either_side",
    "standing_fraction",
    "track_inputs",
]

FloatArray = npt.NDArray[np.float64]

#: A signal leads only when it is known on at least this fraction of the frames with a person.
MIN_COVERAGE = 0.8
#: The angle leads only when it agrees this well with the body's movement (median correlation
#: over 3-second windows with the first usable height).
MIN_AGREEMENT = 0.7
#: A rep of another signal fills a gap when the lead signal is missing on this fraction of it
#: (or of its way to the turning point).
GAP_FRACTION = 0.3
#: A rep smaller than this fraction of the median of its signal's reps is a fragment.
FRAGMENT_FRACTION = 0.5
#: The other side fills a hidden joint's height only when both sides were seen this long (s):
#: the median offset between them is then taken over some 30 frames or more.
MIN_BOTH_SEEN_S = 1.0
#: Window of the agreement's correlation, seconds.
AGREEMENT_WINDOW_S = 3.0
#: A trunk leaning less than this from vertical, and not pointing at the camera, stands upright
#: (the segmentation's posture check takes a lean beyond it as lying).
STANDING_LEAN_DEG = 45.0


@dataclass(frozen=True)
class ShotCount:
    """How the reps of one shot (a continuous stretch of footage), or of one stretch of steady
    view within it, were counted.

    Attributes
    ----------
    shot
        The shot's index (the track's ``shot`` column).
    start, end
        The first and the last frame (track rows) counted this way.
    lead
        The signal counted from (see the module docstring); empty when none was usable.
    view
        The camera's view in this shot.
    quality
        Each candidate signal's :class:`~guru_form.pose.signals.SignalQuality` in this shot.
    agreement
        The angle's agreement with the body's movement (NaN when it could not be measured).
    usable
        The signals usable in this shot (known on enough frames; an angle also agreeing).
    """

    shot: int
    start: int
    end: int
    lead: str
    view: ViewEstimate
    quality: dict[str, SignalQuality]
    agreement: float
    usable: tuple[str, ...]


@dataclass(frozen=True)
class RepCount:
    """The reps of a track and how they were counted.

    Attributes
    ----------
    reps
        The reps, in time order; each :class:`~guru_form.pose.segmentation.RepWindow` names the
        signal that found it.
    shots
        How each shot with a person (each stretch of steady view in it) was counted, in time
        order.
    view
        The camera's view over the whole track.
    support
        For each rep, the names of the usable signals that found it too (its own included).
    standing
        For an activity done lying, :func:`standing_fraction` of the track; NaN for the others.
    """

    reps: list[RepWindow]
    shots: list[ShotCount]
    view: ViewEstimate
    support: list[tuple[str, ...]] = field(default_factory=list)
    standing: float = float("nan")

    @property
    def lead(self) -> str:
        """The signal most reps were counted from (the longest shot's lead when no rep)."""
        if self.reps:
            names = [r.signal for r in self.reps]
            return max(set(names), key=names.count)
        return self.shots[0].lead if self.shots else ""

    def counted_at(self, frame: int) -> ShotCount | None:
        """How the footage at track row ``frame`` was counted (None where no person was)."""
        return next((s for s in self.shots if s.start <= frame <= s.end), None)

    def usable_at(self, frame: int) -> tuple[str, ...]:
        """The signals usable at track row ``frame`` (none where no person was)."""
        counted = self.counted_at(frame)
        return counted.usable if counted is not None else ()


def track_inputs(
    track: PoseTrack,
) -> tuple[dict[str, FloatArray], dict[str, FloatArray], float]:
    """The series (angles and heights), the joints (both sides) and the body scale of a track.

    The joints hold the measured side by name, filled from the other side where only that one
    is seen (:func:`either_side`), and the other side as ``far_<joint>``.
    """
    joints = track.joints()
    joints.update({f"far_{j}": xy for j, xy in track.far_joints().items()})
    scale = body_scale(joints)
    joints = either_side(track, joints)
    series = track.series()
    series.update(height_series(joints, scale))
    return series, joints, scale


def either_side(track: PoseTrack, joints: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """The measured side's joints, each filled from the other side where only that one is seen.

    The lifts counted here move both sides together (a bar, two dumbbells, both legs), so where
    the measured side's joint is hidden (a camera moving round the bench, an arm behind the
    body) the other side's moves as it would. The other side counts where its visibility passes
    the gate the measured side's passed (:data:`~guru_form.pose.filters.MIN_VISIBILITY`), and
    is moved by the median offset between the two over the frames that see both, so that the
    filled stretch continues the measured one; with fewer than :data:`MIN_BOTH_SEEN_S` seconds
    seeing both, nothing is filled. Positions only: the angles stay the measured side's.
    """
    out = dict(joints)
    time_s = np.asarray(track.frame["time_ms"], dtype=np.float64) / 1000.0
    step = float(np.median(np.diff(time_s))) if len(time_s) > 1 else float("nan")
    for joint in SIDE_JOINTS:
        column = f"far_{joint}_visibility"
        if joint not in joints or column not in track.frame:
            continue
        near, far = joints[joint], joints[f"far_{joint}"]
        seen = track.frame[column].to_numpy(dtype=np.float64) >= MIN_VISIBILITY
        seen &= np.isfinite(far).all(axis=1)
        hidden = ~np.isfinite(near).all(axis=1)
        both = seen & ~hidden
        if not (hidden & seen).any() or not both.sum() * step >= MIN_BOTH_SEEN_S:
            continue
        offset = np.median(near[both] - far[both], axis=0)
        filled = near.copy()
        filled[hidden & seen] = far[hidden & seen] + offset
        out[joint] = filled
    return out


def rule_for(rule: SegmentationRule, signal: RepSignal) -> SegmentationRule:
    """The activity's rule, counting from ``signal`` instead of its own angle.

    A height is its own moving joint (its travel confirms the rep, its lowest frame is the
    bottom); its lockout is its top band alone (the speed rule is for a hip angle that keeps
    opening as the lifter leans back).
    """
    if signal.joint is None:
        return dataclasses.replace(
            rule, signal=signal.name, turning=signal.turning, min_range_deg=signal.min_range
        )
    travel = signal.min_range if signal.turning == "min" else -signal.min_range
    return dataclasses.replace(
        rule,
        signal=signal.name,
        turning=signal.turning,
        min_range_deg=signal.min_range,
        height_joint=signal.joint,
        min_height_travel=travel,
        bottom_joint=signal.joint if rule.bottom_joint is not None else None,
        lockout_speed=None,
    )


def agreement(a: FloatArray, b: FloatArray, time_ms: FloatArray, min_range: float) -> float:
    """Median correlation of ``a`` and ``b`` in centred 3-second windows where ``a`` moves.

    Only windows in which ``a`` spans at least half of ``min_range`` count: where nothing moves
    the correlation is that of the model's jitter, and says nothing. NaN when no window moves
    (or fewer than half a window of frames have both).
    """
    import pandas as pd

    t = np.asarray(time_ms, dtype=np.float64)
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 33.3
    width = max(5, round(AGREEMENT_WINDOW_S * 1000.0 / max(dt, 1e-6)))
    sa = pd.Series(a)
    roll = sa.rolling(width, center=True, min_periods=width // 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = roll.corr(pd.Series(b)).to_numpy(dtype=np.float64)
    span = (roll.max() - roll.min()).to_numpy(dtype=np.float64)
    corr = corr[np.isfinite(corr) & (span >= 0.5 * min_range)]
    return float(np.median(corr)) if len(corr) else float("nan")


def _overlap(a: RepWindow, b: RepWindow) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _same_rep(a: RepWindow, b: RepWindow) -> bool:
    """True when each of two reps turns within the other: one rep, found twice."""
    return a.start <= b.mid <= a.end and b.start <= a.mid <= b.end


def _found_by(rep: RepWindow, others: list[RepWindow], t: FloatArray) -> bool:
    """True when one of ``others`` turns within ``rep`` and within 0.5 s of its turning point."""
    return any(
        rep.start <= o.mid <= rep.end and abs(t[o.mid] - t[rep.mid]) <= 500.0 for o in others
    )


def count_reps(
    activity: Activity | str,
    track: PoseTrack,
    *,
    rep_count: int | None = None,
    rule: SegmentationRule | None = None,
) -> RepCount:
    """Find the reps of ``activity`` in ``track`` (see the module docstring).

    The lead signal is chosen in each shot on its own (a cut may change the view), and within a
    shot in each stretch of steady view (the athlete may turn).

    Parameters
    ----------
    activity
        Selects the rule and the candidate signals.
    track
        The pose track.
    rep_count
        The number of reps the user says the video holds: when more are found, only the
        ``rep_count`` with the largest range (relative to the smallest of their signal) are
        kept; reps are never invented.
    rule
        Overrides the activity's rule (its signal then leads the candidates).

    Returns
    -------
    RepCount
    """
    act = Activity(activity)
    profile = activities.get(act)
    base = rule or profile.rule
    candidates = candidate_signals(base, profile.rep_heights)
    series, joints, scale = track_inputs(track)
    feet = _feet_height(joints, scale, len(track.frame))
    t = track.frame["time_ms"].to_numpy(dtype=np.float64)
    shot = track.frame["shot"].to_numpy()
    person = track.frame["person"].to_numpy(dtype=bool)
    picture = _picture(track)
    found: dict[str, list[RepWindow]] = {}
    for s in candidates:
        if s.name not in series:
            found[s.name] = []
            continue
        r = base if s.name == base.signal else rule_for(base, s)
        windows = segment_reps(act, series, joints, t, shot=shot, rule=r, picture=picture)
        found[s.name] = [dataclasses.replace(w, signal=s.name) for w in windows]
    shots: list[ShotCount] = []
    reps: list[RepWindow] = []
    for number in np.unique(shot[person]):
        for rows in steady_views(track, shot == number):
            counted, more = _count_shot(
                int(number), candidates, series, feet, found, track, rows, person & rows, t
            )
            shots.append(counted)
            # A rep on the edge of two stretches may be found in both, by different signals.
            reps += [c for c in more if not any(_same_rep(c, r) for r in reps)]
    reps = sorted(reps, key=lambda r: r.mid)
    moving = joints.get(profile.moving_joint)
    reps = _drop_fragments(reps, None if moving is None else _spans(reps, moving, scale))
    if rep_count is not None and 0 < rep_count < len(reps):
        smallest = {n: min((r.range_deg for r in f), default=1.0) for n, f in found.items()}
        keep = sorted(reps, key=lambda r: -r.range_deg / (smallest.get(r.signal) or 1.0))
        reps = sorted(keep[:rep_count], key=lambda r: r.mid)
    count = RepCount(reps, shots, estimate_view(track))
    support = []
    for rep in reps:
        usable = count.usable_at(rep.mid)
        support.append(
            tuple(
                s.name
                for s in candidates
                if (s.name in usable or s.name == rep.signal) and _found_by(rep, found[s.name], t)
            )
        )
    standing = standing_fraction(series, joints, person) if base.posture == "horizontal" else np.nan
    return dataclasses.replace(count, support=support, standing=float(standing))


def _picture(track: PoseTrack) -> tuple[float, float] | None:
    """The track's picture as ``(width, height)`` pixels, or None when its size is not recorded."""
    if track.width > 0 and track.height > 0:
        return (float(track.width), float(track.height))
    return None


def standing_fraction(
    series: dict[str, FloatArray], joints: dict[str, FloatArray], person: npt.ArrayLike
) -> float:
    """The fraction of the frames with a person on which they stood upright.

    Upright: the trunk leans less than :data:`STANDING_LEAN_DEG` from vertical in the image and
    is not pointing at the camera (shorter than the upper arm, as a trunk lying on a bench filmed
    from the head or the feet is). Frames where the lean is unknown are left out; NaN when none
    is known.

    Examples
    --------
    >>> import numpy as np
    >>> joints = {"shoulder": np.array([[0.0, 0.0]] * 4), "hip": np.array([[0.0, 150.0]] * 4),
    ...           "elbow": np.array([[0.0, 75.0]] * 4)}
    >>> standing_fraction({"trunk_lean": np.array([5.0, 10.0, 80.0, np.nan])}, joints,
    ...                   np.ones(4, dtype=bool))
    0.6666666666666666
    """
    present = np.asarray(person, dtype=bool)
    lean = np.asarray(series.get("trunk_lean", np.full(len(present), np.nan)), dtype=np.float64)
    known = present & np.isfinite(lean)
    if not known.any():
        return float("nan")
    upright = known & (lean < STANDING_LEAN_DEG)
    if all(j in joints for j in ("shoulder", "hip", "elbow")):
        shoulder = np.asarray(joints["shoulder"], dtype=np.float64)
        trunk = np.linalg.norm(shoulder - np.asarray(joints["hip"], dtype=np.float64), axis=1)
        arm = np.linalg.norm(shoulder - np.asarray(joints["elbow"], dtype=np.float64), axis=1)
        with np.errstate(invalid="ignore"):
            upright &= ~(trunk < 0.8 * arm)
    return float(upright.sum()) / float(known.sum())


def _drop_fragments(reps: list[RepWindow], spans: list[float] | None = None) -> list[RepWindow]:
    """Leave out movements much smaller than the set's reps.

    A "rep" whose range is below :data:`FRAGMENT_FRACTION` of the median range of the reps
    found in the same signal (three or more) is a fragment: a shrug at the end of a set, the
    model's output wobbling while the athlete racks the bar. Where ``spans`` (each rep's
    moving-joint span, :func:`_spans`) are given, a fragment's moving joint also travels less
    than that fraction of the median span: a shallow rep that moves the body as far as the
    others (a squat stopped higher, its knee bending less) is a rep. Reps smaller than the
    others but above that are kept (and marked by :mod:`guru_form.pose.confidence`).
    """
    by_signal: dict[str, list[float]] = {}
    span_by_signal: dict[str, list[float]] = {}
    for k, r in enumerate(reps):
        by_signal.setdefault(r.signal, []).append(r.range_deg)
        if spans is not None and np.isfinite(spans[k]):
            span_by_signal.setdefault(r.signal, []).append(spans[k])
    out = []
    for k, r in enumerate(reps):
        ranges = by_signal[r.signal]
        if len(ranges) >= 3 and r.range_deg < FRAGMENT_FRACTION * float(np.median(ranges)):
            others = span_by_signal.get(r.signal, [])
            if not (
                spans is not None
                and np.isfinite(spans[k])
                and len(others) >= 3
                and spans[k] >= FRAGMENT_FRACTION * float(np.median(others))
            ):
                continue
        out.append(r)
    return out


def _spans(reps: list[RepWindow], xy: FloatArray, scale: float) -> list[float]:
    """Each rep's vertical span of the joint ``xy`` (``(n, 2)`` pixels) over its frames, in
    ``scale`` units (NaN where unknown)."""
    y = np.asarray(xy, dtype=np.float64)[:, 1]
    out = []
    for r in reps:
        window = y[r.start : r.end + 1]
        known = window[np.isfinite(window)]
        out.append(float(np.ptp(known)) / scale if len(known) and scale > 0 else float("nan"))
    return out


def _join_split_reps(
    reps: list[RepWindow],
    lead: RepSignal,
    usable: list[RepSignal],
    found: dict[str, list[RepWindow]],
    t: FloatArray,
) -> list[RepWindow]:
    """Replace lead reps that are one rep broken in two by the next usable signal's rep.

    When one rep of the next usable signal spans two or more reps of the lead, and no other
    usable signal finds more than one of them (each turns at one half at most), the lead
    misread one rep (a joint mislaid for a few frames at the bottom can send an angle back to
    its resting value): the next signal's rep is taken instead.
    """
    others = [s for s in usable if s is not lead]
    if not others:
        return reps
    out = list(reps)
    for h in found[others[0].name]:
        inside = [r for r in out if h.start <= r.mid <= h.end]
        if len(inside) < 2:
            continue
        if all(sum(_found_by(r, found[s.name], t) for r in inside) <= 1 for s in others):
            out = [r for r in out if r not in inside] + [h]
    return sorted(out, key=lambda r: r.mid)


def _missing(values: FloatArray, rep: RepWindow) -> float:
    """The fraction of ``rep`` where ``values`` are missing: over the whole rep, or over its
    way to the turning point, whichever is larger (a signal that did not see the way there did
    not see the rep)."""
    missing = ~np.isfinite(values)
    return float(
        max(np.mean(missing[rep.start : rep.end + 1]), np.mean(missing[rep.start : rep.mid + 1]))
    )


def _feet_height(joints: dict[str, FloatArray], scale: float, n: int) -> FloatArray:
    """The ankle's height in the image in ``scale`` units, up positive (NaN where unknown)."""
    if "ankle" not in joints:
        return np.full(n, np.nan)
    return joint_height(joints["ankle"], scale)


def _moves_through(values: FloatArray, rows: npt.NDArray[np.bool_], min_range: float) -> bool:
    """Whether ``values`` span at least ``min_range`` over ``rows`` (between their 5th and 95th
    percentiles, leaving out the model's outliers): an angle that never moves through a rep's
    range in a shot counts no rep there (a squat's knee filmed from the front)."""
    known = values[rows & np.isfinite(values)]
    if len(known) < 2:
        return True
    low, high = np.percentile(known, [5.0, 95.0])
    return bool(high - low >= min_range)


def _above_feet(
    series: dict[str, FloatArray],
    feet: FloatArray,
    height: RepSignal,
    person: npt.NDArray[np.bool_],
) -> FloatArray:
    """``height``'s series measured from the feet (the ankle's height) where the ankle is known
    on :data:`MIN_COVERAGE` of the frames with a person, else as it is.

    A camera that moves (a handheld phone tilting or panning) moves every joint in the image
    alike; the height of a joint above the feet, which stay on the floor, does not move with
    it.
    """
    values = series.get(height.name, np.full(len(person), np.nan))
    if signal_quality(feet, person).coverage < MIN_COVERAGE:
        return values
    return values - feet


def _count_shot(
    number: int,
    candidates: tuple[RepSignal, ...],
    series: dict[str, FloatArray],
    feet: FloatArray,
    found: dict[str, list[RepWindow]],
    track: PoseTrack,
    rows: npt.NDArray[np.bool_],
    person: npt.NDArray[np.bool_],
    t: FloatArray,
) -> tuple[ShotCount, list[RepWindow]]:
    """Choose the lead signal of one shot (or stretch of one, ``rows``) and count its reps,
    filling the lead's gaps."""
    nan = np.full(len(t), np.nan)
    view = estimate_view(track, rows)
    quality = {s.name: signal_quality(series.get(s.name, nan), person) for s in candidates}
    heights = [s for s in candidates if s.joint is not None]
    covered = [s for s in heights if quality[s.name].coverage >= MIN_COVERAGE]
    first_height = covered[0] if covered else None
    usable: list[RepSignal] = list(covered)
    lead: RepSignal | None = first_height
    agree = float("nan")
    angles = [s for s in candidates if s.joint is None]
    if angles:
        angle = angles[0]
        if first_height is not None:
            a = np.where(rows, series.get(angle.name, nan), np.nan)
            b = np.where(rows, _above_feet(series, feet, first_height, person), np.nan)
            b = b if angle.turning == first_height.turning else -b
            agree = agreement(a, b, t, angle.min_range)
        # Too short a shot to measure the agreement: the activity's own signal, as always.
        angle_ok = (
            quality[angle.name].coverage >= MIN_COVERAGE
            and not agree < MIN_AGREEMENT
            and _moves_through(series.get(angle.name, nan), rows, angle.min_range)
        )
        if angle_ok:
            usable.insert(0, angle)
            if not (angle.side_on and view.view == "front"):
                lead = angle
    names = tuple(s.name for s in usable)
    frames = np.flatnonzero(rows)
    first, last = int(frames[0]), int(frames[-1])
    if lead is None:
        return ShotCount(number, first, last, "", view, quality, agree, names), []

    def here(windows: list[RepWindow]) -> list[RepWindow]:
        return [w for w in windows if rows[w.mid]]

    if not here(found[lead.name]) and usable[0] is not lead and here(found[usable[0].name]):
        # A height leads from the front, but where it finds no rep that passes the checks and
        # the activity's own angle does, the angle's reps are the evidence there is.
        lead = usable[0]
    reps = _join_split_reps(here(found[lead.name]), lead, usable, found, t)
    lead_values = series.get(lead.name, nan)
    for s in usable:
        if s is lead:
            continue
        for c in here(found[s.name]):
            if any(_overlap(c, r) > 0 for r in reps):
                continue
            if _missing(lead_values, c) >= GAP_FRACTION:
                reps.append(c)
    return ShotCount(number, first, last, lead.name, view, quality, agree, names), reps
