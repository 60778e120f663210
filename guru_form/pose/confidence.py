"""How sure the engine is of each rep, which reps are outliers, and what to tell the user.

**Outliers** (:func:`mark_outliers`), judged against the set's other reps (three or more):

- ``"runs_into_next_movement"``: the last rep of a set (of its shot), when between its turning
  point and its end a joint angle other than the rep's own signal moves away from where it was
  at the rep's start by far more than in the set's reps (:data:`BREAK_DEG` beyond their median
  and :data:`BREAK_RATIO` times it): the athlete's posture broke before the rep was over (knees
  down and hips up while pushing out of the last push-up, stepping back into the rack). The
  rep's end is moved back to the last frame before the break (:data:`BREAK_END_DEG` beyond the
  set's median), so the window stays inside the exercise's movement. When what is left is shorter
  than the activity's shortest rep (``min_duration_s`` of its rule), the posture broke right after
  the turning point: it was the next movement, not a rep, and it is dropped (:func:`assess`).
- ``"partial"``: the rep's range is below :data:`PARTIAL_FRACTION` of the median range of the
  reps found in the same signal (much smaller movements are not reps at all, see
  :mod:`guru_form.pose.counting`).

An outlier is still counted; set-level figures (velocity loss, averages) should leave it out.

**Confidence** (:func:`rep_confidence`), 0 to 1: the mean of two parts, each 0 to 1. *Support*:
the fraction of the signals usable on the rep's shot that found it (the angle and the heights
agree it happened). *Visibility*: the model's mean visibility, over the rep, of the joints the
lead signal is measured from. An outlier's confidence is halved, and so is the confidence of a rep
counted where the person followed does not hold together as a body: where the joints that count
jumped between frames (:func:`guru_form.pose.people.jumbled_frames`) on :data:`JUMBLED` of its
analysed steps or more, or of the whole video's (then every rep's).

**Warnings** (:func:`footage_warnings`): sentences for the user when the view was not side-on,
when a joint angle could not be followed and reps were counted from a height, when the joints
that count were poorly visible, which reps are outliers or uncertain, and when the person
followed stood upright through an activity done lying (:data:`STANDING_WARNING` of the frames or
more: a spotter or a passer-by, the athlete not found), and when the person followed does not
hold together as a body (its joints jump between frames on :data:`JUMBLED` of the analysed steps
or more, or some reps were counted where they do: a pose fitted to a plate, the bar or another
person).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from guru_form.pose.counting import RepCount
from guru_form.pose.segmentation import RepWindow
from guru_form.pose_track import PoseTrack

__all__ = [
    "BREAK_DEG",
    "BREAK_END_DEG",
    "BREAK_RATIO",
    "JUMBLED",
    "PARTIAL_FRACTION",
    "STANDING_WARNING",
    "UNSURE",
    "footage_warnings",
    "jumbled_fraction",
    "jumbled_share",
    "mark_outliers",
    "rep_confidence",
]

FloatArray = npt.NDArray[np.float64]

#: A posture break: an angle's excursion this far beyond the set's median, degrees ...
BREAK_DEG = 15.0
#: ... and this many times it.
BREAK_RATIO = 3.0
#: The rep's end is the last frame before the angle is this far beyond the set's median, degrees.
BREAK_END_DEG = 10.0
#: A rep below this fraction of its signal's median range is partial.
PARTIAL_FRACTION = 0.7
#: Reps below this confidence are named in the warnings as uncertain.
UNSURE = 0.5
#: In an activity done lying, a person followed who stands upright on this fraction of the frames
#: or more is named in the warnings as probably not the athlete.
STANDING_WARNING = 0.8

#: A person followed whose joints that count jump between frames (no body moves that fast, see
#: :data:`guru_form.pose.people.BODY_JUMP`) on this fraction of the analysed steps or more does
#: not hold together as a body there; the same bound holds for one rep's steps. Set on the
#: development clips, both strides, midway (geometric mean) between the largest share of a person
#: who is a body (0.12: a clip opening on a close-up of hands on the bar; real athletes
#: throughout, 0.08 at most) and the smallest of a pose fitted to a plate and a spotter (0.25).
JUMBLED = 0.17

#: The angles watched for a posture break.
POSTURE_ANGLES: tuple[str, ...] = ("knee_angle", "hip_angle", "elbow_angle", "trunk_lean")

#: The joints each signal is measured from (an angle: its three joints; a height: its joint).
SIGNAL_JOINTS: dict[str, tuple[str, ...]] = {
    "knee_angle": ("hip", "knee", "ankle"),
    "hip_angle": ("shoulder", "hip", "knee"),
    "elbow_angle": ("shoulder", "elbow", "wrist"),
}


def _excursions(reps: Sequence[RepWindow], series: dict[str, FloatArray]) -> dict[str, list[float]]:
    """Per posture angle, each rep's largest departure from its start value after its mid."""
    out: dict[str, list[float]] = {}
    for name in POSTURE_ANGLES:
        if name not in series:
            continue
        x = np.asarray(series[name], dtype=np.float64)
        values = []
        for r in reps:
            after = np.abs(x[r.mid : r.end + 1] - x[r.start])
            values.append(float(np.nanmax(after)) if np.isfinite(after).any() else np.nan)
        out[name] = values
    return out


def _last_of_their_shot(reps: Sequence[RepWindow], shot: npt.ArrayLike | None) -> list[bool]:
    """Per rep, True when no later rep is in the same shot (the set's last, or the last before
    a cut)."""
    s = None if shot is None else np.asarray(shot)
    return [
        k == len(reps) - 1 or (s is not None and s[reps[k + 1].mid] != s[r.mid])
        for k, r in enumerate(reps)
    ]


def mark_outliers(
    reps: Sequence[RepWindow],
    series: dict[str, FloatArray],
    shot: npt.ArrayLike | None = None,
) -> list[tuple[RepWindow, str | None]]:
    """Each rep with its outlier reason (see the module docstring), its end moved back when its
    posture broke.

    Parameters
    ----------
    reps
        The set's reps, in time order.
    series
        The track's angle series (``PoseTrack.series()``).
    shot
        The track's shot per frame: only the last rep of a shot can run into a next movement.

    Returns
    -------
    list of (RepWindow, str or None)
    """
    out: list[tuple[RepWindow, str | None]] = [(r, None) for r in reps]
    if len(reps) < 3:
        return out
    last = _last_of_their_shot(reps, shot)
    for name, values in _excursions(reps, series).items():
        known = [v for v in values if np.isfinite(v)]
        if len(known) < 3:
            continue
        typical = float(np.median(known))
        x = np.asarray(series[name], dtype=np.float64)
        for k, (r, why) in enumerate(out):
            own = values[k]
            if not last[k] or r.signal == name or why is not None or not np.isfinite(own):
                continue
            if own > typical + BREAK_DEG and own > BREAK_RATIO * typical:
                away = np.abs(x[r.mid : r.end + 1] - x[r.start]) > typical + BREAK_END_DEG
                end = r.mid + int(np.argmax(away)) - 1 if away.any() else r.end
                out[k] = (
                    dataclasses.replace(r, end=max(end, r.mid + 1)),
                    "runs_into_next_movement",
                )
    ranges: dict[str, list[float]] = {}
    for r in reps:
        ranges.setdefault(r.signal, []).append(r.range_deg)
    for k, (r, why) in enumerate(out):
        same = ranges[r.signal]
        if why is None and len(same) >= 3 and r.range_deg < PARTIAL_FRACTION * np.median(same):
            out[k] = (r, "partial")
    return out


def rep_confidence(
    rep: RepWindow,
    support: Sequence[str],
    usable: Sequence[str],
    track: PoseTrack,
    *,
    outlier: str | None = None,
    jumbled: bool = False,
) -> float:
    """The rep's confidence, 0 to 1 (see the module docstring).

    Parameters
    ----------
    rep
        The rep (its ``signal`` names the lead signal).
    support
        The signals that found it.
    usable
        The signals usable on its shot.
    track
        The pose track (for the joints' visibility).
    outlier
        Its outlier reason, if any.
    jumbled
        Whether it was counted where the person followed does not hold together as a body.
    """
    share = len(set(support)) / max(len(set(usable) | {rep.signal}), 1)
    halved = outlier is not None or jumbled
    joints = SIGNAL_JOINTS.get(rep.signal) or (rep.signal.removesuffix("_height"),)
    columns = [f"{j}_visibility" for j in joints if f"{j}_visibility" in track.frame]
    if columns:
        window = track.frame[columns].iloc[rep.start : rep.end + 1].to_numpy(dtype=np.float64)
        visibility = float(np.nanmean(window)) if np.isfinite(window).any() else 0.0
    else:
        visibility = 0.5
    confidence = 0.5 * min(share, 1.0) + 0.5 * min(max(visibility, 0.0), 1.0)
    return round(confidence * (0.5 if halved else 1.0), 3)


def _jumbled_record(track: PoseTrack, key: str) -> Any:
    """``key`` of the record :func:`guru_form.pose.people.choose_person` keeps of where the person
    followed's joints jumped (None when the track does not say: a track from another tool, or
    made before this was measured)."""
    person = track.extra.get("person")
    jumbled = person.get("jumbled") if isinstance(person, dict) else None
    return jumbled.get(key) if isinstance(jumbled, dict) else None


def _whole_track_jumbled(fraction: float | None) -> bool:
    """Whether the person followed does not hold together as a body over the whole track."""
    return fraction is not None and fraction >= JUMBLED


def _jumbled_rows(track: PoseTrack) -> npt.NDArray[np.bool_] | None:
    """Per frame, True where the person followed's joints jumped (None when the track does not
    say)."""
    rows = _jumbled_record(track, "rows")
    if rows is None:
        return None
    n = len(track.frame)
    out = np.zeros(n, dtype=bool)
    for start, stop in rows:
        out[max(int(start), 0) : min(int(stop), n)] = True
    return out


def jumbled_fraction(track: PoseTrack) -> float | None:
    """The share of the analysed steps on which the person followed's joints jumped (see
    :func:`guru_form.pose.people.jumbled_frames`); None when the track does not say."""
    fraction = _jumbled_record(track, "fraction")
    return None if fraction is None else float(fraction)


def jumbled_share(track: PoseTrack, rep: RepWindow) -> float:
    """The share of a rep's analysed steps on which the person followed's joints jumped (0 when
    the track does not say)."""
    jumped = _jumbled_rows(track)
    if jumped is None:
        return 0.0
    present = track.frame["person"].to_numpy(dtype=bool)
    steps = np.arange(rep.start + 1, rep.end + 1)
    known = steps[present[steps] & present[steps - 1]] if len(steps) else steps
    return float(jumped[known].mean()) if len(known) else 0.0


def _joint_words(signal: str) -> str:
    return signal.replace("_height", "").replace("_angle", "").replace("_", " ")


def _numbers(items: Sequence[int]) -> str:
    words = [str(i) for i in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _for_the_view(count: RepCount, rep: RepWindow, angle: str) -> bool:
    """True when ``rep`` was counted from a height because of the camera's view: the angle was
    usable where it turns but did not lead."""
    counted = count.counted_at(rep.mid)
    return counted is not None and counted.lead != angle and angle in counted.usable


def footage_warnings(
    count: RepCount,
    angle: str,
    outliers: Sequence[str | None],
    confidences: Sequence[float],
    *,
    jumbled: float | None = None,
    jumbled_reps: Sequence[int] = (),
) -> list[str]:
    """Sentences for the user about how the footage was read (see the module docstring).

    Parameters
    ----------
    count
        How the reps were counted.
    angle
        The activity's own signal (its joint angle).
    outliers, confidences
        Per rep, as :func:`mark_outliers` and :func:`rep_confidence` gave them.
    jumbled
        The share of the analysed steps on which the person followed's joints jumped
        (:func:`jumbled_fraction`), if known. At :data:`JUMBLED` or more, nothing is said of the
        camera's view, which is read from those joints.
    jumbled_reps
        The reps (numbered from 1) counted where they jumped on :data:`JUMBLED` of the steps or
        more (every rep when ``jumbled`` is that much).
    """
    out: list[str] = []
    sentence = _jumbled_sentence(jumbled, jumbled_reps)
    if sentence is not None:
        out.append(sentence)
    if count.standing >= STANDING_WARNING:
        out.append(
            f"The person followed stood upright on {count.standing:.0%} of the frames, but this "
            f"activity is done lying: they are probably not the athlete (a spotter or someone "
            f"passing), and the athlete was not found (hidden or out of the frame). Film with "
            f"the athlete's whole body in view, or choose the person (person=)."
        )
    view = count.view
    # The view is read from the person followed's joints: said of a jumble, it describes clutter.
    body = not _whole_track_jumbled(jumbled)
    if body and view.view == "front":
        out.append(
            "The camera faced the athlete (front or back view): joint angles in the picture are "
            "not the limbs' angles, so angles such as depth and lockout are unreliable. Film "
            "from the side for angles."
        )
    elif body and view.view == "oblique":
        out.append(
            "The camera was at an angle to the athlete (oblique view): joint angles are "
            "foreshortened and read smaller or larger than they were. Film from the side for "
            "angles."
        )
    from_heights = [r for r in count.reps if r.signal and r.signal != angle]
    by_view = [_for_the_view(count, r, angle) for r in from_heights]
    hidden = sorted({r.signal for r, b in zip(from_heights, by_view, strict=True) if not b})
    viewed = sorted({r.signal for r, b in zip(from_heights, by_view, strict=True) if b})
    if viewed:
        out.append(
            f"Reps were counted from the height of the "
            f"{' and the '.join(_joint_words(s) for s in viewed)}, which the camera's view "
            f"shows better than the {_joint_words(angle)} angle."
        )
    if hidden:
        some = "this footage" if len(from_heights) == len(count.reps) else "part of it"
        out.append(
            f"The {_joint_words(angle)} angle could not be followed on {some} (a joint hidden "
            f"or mis-tracked); reps were counted from the height of the "
            f"{' and the '.join(_joint_words(s) for s in hidden)}."
        )
    broke = [k + 1 for k, why in enumerate(outliers) if why == "runs_into_next_movement"]
    if broke:
        one = len(broke) == 1
        out.append(
            f"{'Rep' if one else 'Reps'} {_numbers(broke)} ran into the next movement (the "
            f"posture broke before the rep was over; it ends where it broke): leave "
            f"{'it' if one else 'them'} out of set figures such as velocity loss."
        )
    partial = [k + 1 for k, why in enumerate(outliers) if why == "partial"]
    if partial:
        one = len(partial) == 1
        out.append(
            f"{'Rep' if one else 'Reps'} {_numbers(partial)} {'was' if one else 'were'} much "
            f"shallower than the others (partial): leave {'it' if one else 'them'} out of set "
            f"figures such as velocity loss."
        )
    unsure = [
        k + 1
        for k, c in enumerate(confidences)
        if c < UNSURE and outliers[k] is None and k + 1 not in jumbled_reps
    ]
    if unsure:
        rep = "Rep" if len(unsure) == 1 else "Reps"
        out.append(
            f"{rep} {_numbers(unsure)}: the engine is unsure (few signals agree, or the joints "
            f"were hard to see); check {'it' if len(unsure) == 1 else 'them'} on the video."
        )
    return out


def _jumbled_sentence(jumbled: float | None, reps: Sequence[int]) -> str | None:
    """The warning that the person followed does not hold together as a body (None if they do).

    Examples
    --------
    >>> print(_jumbled_sentence(0.3, [1, 2]))  # doctest: +NORMALIZE_WHITESPACE
    The person followed does not hold together as a body on 30% of the frames: between frames
    the joints the reps are counted from jump by more than half a limb's length, which no body
    does, so the pose there is fitted to something else (a plate, the bar, another person) and
    the athlete was probably not followed (hidden or too small). Reps 1 and 2 were counted from
    this person: their confidence is low; check them on the video. Film with the athlete's whole
    body in view, or choose the person (person=).
    >>> _jumbled_sentence(0.05, []) is None
    True
    """
    whole = _whole_track_jumbled(jumbled)
    if not whole and not reps:
        return None
    what = (
        "The person followed does not hold together as a body "
        + (f"on {jumbled:.0%} of the frames" if whole and jumbled is not None else "on part of it")
        + ": between frames the joints the reps are counted from jump by more than half a "
        "limb's length, which no body does, so the pose there is fitted to something else (a "
        "plate, the bar, another person) and the athlete was probably not followed (hidden or "
        "too small)."
    )
    if reps:
        one = len(reps) == 1
        what += (
            f" {'Rep' if one else 'Reps'} {_numbers(list(reps))} {'was' if one else 'were'} "
            f"counted {'from this person' if whole else 'there'}: "
            f"{'its' if one else 'their'} confidence is low; check "
            f"{'it' if one else 'them'} on the video."
        )
    else:
        what += " No rep was counted there."
    return f"{what} Film with the athlete's whole body in view, or choose the person (person=)."


@dataclasses.dataclass(frozen=True)
class Assessment:
    """The reps of a :class:`~guru_form.pose.counting.RepCount`, judged.

    Attributes
    ----------
    reps
        The reps, ends moved back where the posture broke.
    outliers
        Per rep, its outlier reason or None.
    confidences
        Per rep, its confidence.
    warnings
        Sentences for the user.
    """

    reps: list[RepWindow]
    outliers: list[str | None]
    confidences: list[float]
    warnings: list[str]


def assess(
    count: RepCount, track: PoseTrack, angle: str, *, min_duration_s: float = 0.0
) -> Assessment:
    """Mark the outliers, give each rep its confidence and write the warnings.

    Parameters
    ----------
    count
        From :func:`guru_form.pose.counting.count_reps`.
    track
        The pose track counted.
    angle
        The activity's own signal (its rule's joint angle).
    min_duration_s
        The activity's shortest rep: a rep that ran into the next movement and is shorter than
        this once its end is moved back is not a rep (see the module docstring); the reps are
        then judged again without it.
    """
    shot = track.frame["shot"].to_numpy()
    series = track.series()
    time_ms = track.frame["time_ms"].to_numpy(dtype=np.float64)
    marked = mark_outliers(count.reps, series, shot)
    kept = [
        k
        for k, (r, why) in enumerate(marked)
        if not (
            why == "runs_into_next_movement"
            and time_ms[r.end] - time_ms[r.start] < 1000.0 * min_duration_s
        )
    ]
    if len(kept) < len(marked):
        count = dataclasses.replace(
            count,
            reps=[count.reps[k] for k in kept],
            support=[count.support[k] for k in kept],
        )
        marked = mark_outliers(count.reps, series, shot)
    jumbled = jumbled_fraction(track)
    whole = _whole_track_jumbled(jumbled)
    not_a_body = [whole or jumbled_share(track, r) >= JUMBLED for r, _ in marked]
    confidences = [
        rep_confidence(r, support, count.usable_at(r.mid), track, outlier=why, jumbled=flag)
        for (r, why), support, flag in zip(marked, count.support, not_a_body, strict=True)
    ]
    outliers = [why for _, why in marked]
    jumbled_reps = [k + 1 for k, flag in enumerate(not_a_body) if flag]
    return Assessment(
        [r for r, _ in marked],
        outliers,
        confidences,
        footage_warnings(
            count,
            angle,
            outliers,
            confidences,
            jumbled=jumbled,
            jumbled_reps=jumbled_reps,
        ),
    )
