"""Which activity a pose track shows, from the movement: the one place guru_form asks when no
activity is given.

:func:`recognize_activity` answers with the activity and how sure it is
(:class:`RecognizedActivity`), or None when it cannot tell. Its callers then say so:
:func:`guru_form.pose.analyze_track` raises, naming the activities to pass instead, and the local
server's pose engine ends the analysis ``Failed`` with ``LOW_QUALITY_POSE_ESTIMATE``.

How it tells, for every activity with a profile (:mod:`guru_form.activities`):

1. **The movement.** Each profile's reps are counted in the track
   (:func:`guru_form.pose.counting.count_reps`); the frames of all the reps found, by any
   profile, are the movement. No rep found by any profile: it cannot tell.
2. **What the movement looks like** (:func:`movement_features`), measured over those reps in
   torso lengths or degrees, so that it does not depend on the camera's distance:

   ==========================  ==============================================================
   ``lying``                   fraction of the movement's frames with the trunk lying (leaning
                               more than 60° from vertical, or pointing at the camera)
   ``hands_above_shoulders``   median height of the wrists above the shoulders (negative
                               below): a bar pressed up, a bar on the back, hands on the floor
   ``hands_below_hips``        median height of the wrists below the hips (negative above):
                               a bar or dumbbells hanging from straight arms
   ``hand_travel``             the wrists' vertical travel in a rep over the shoulders' (at
                               least a twentieth of the trunk; median over reps): the hands
                               move the load, or stay planted
   ``lean_at_bottom``          the trunk's lean from vertical where the shoulders are lowest
                               (median over reps, leaving out those whose trunk points at the
                               camera there): a hip hinge leans far forward
   ``knee_at_bottom``          the knee angle there (median over reps): a squat bends the
                               knees far more than a hip hinge
   ``leg_split``               the two shins' difference in height (knee above ankle) where
                               the shoulders are lowest, or the knees' where an ankle is
                               hidden (median over reps): a lunge's back knee drops to the
                               floor behind while the front shin stands
   ``bar_hold``                fraction of the movement's frames with the hands where a bar on
                               the back holds them (:func:`bar_held`): each wrist by its
                               shoulder and, where the camera sees the shoulders wide, the
                               wrists gripping wider than the shoulders
   ==========================  ==============================================================

3. **Which profile it fits.** Each profile's ``signature`` gives the plausible range of some of
   these features. A feature inside its range scores 1; outside, the score falls off as
   ``exp(-distance / scale)`` (:data:`FEATURE_SCALES`); a feature that could not be measured
   scores 0.5. A profile's fit is the geometric mean of its features' scores, times 0.5 when
   its own counting found no rep. The best fit wins when it is at least :data:`MIN_FIT` and
   ahead of the next by :data:`MIN_MARGIN`; the confidence is ``best * (1 - second / best)``
   rescaled to 0.5-1 (a clear fit is near 1, a narrow one near 0.5).

Variants that move alike (a back squat and a bodyweight squat differ by the bar, which is not a
joint) are told apart by the hands where the profiles' signatures say so (``bar_hold``): a bar on
the back holds each wrist by its shoulder through the set, gripped wider than the shoulders; a
bodyweight squat's arms reach forward, hang, rest on the hips or hold the hands together at the
chest. Filmed from the front, arms reaching forward point at the camera and their wrists are
drawn by the shoulders: they are told from a bar's grip by their spread, narrower than a grip
(hands clasped or side by side). Filmed side-on the spread is not seen, and hands held by the
chest or behind the head look like the bar's: such a set reads as a squat. A goblet squat (a
load held at the chest with both hands) holds no bar on the back and reads as a bodyweight squat;
a front squat (the bar on the front of the shoulders) reads as a squat when its hands grip the bar
at least :data:`BAR_GRIP` shoulder widths apart. When two variants fit about equally, the answer is the better fit with a
confidence of at most 0.6 and a note naming the other; two profiles that move differently and
fit about equally: it cannot tell rather than guess.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from guru_form import activities
from guru_form.errors import EngineError, InvalidInputError
from guru_form.models import Activity
from guru_form.pose.counting import count_reps, track_inputs
from guru_form.pose.segmentation import RepWindow
from guru_form.pose.unsure import VISIBLE
from guru_form.pose.view import SIDE_RATIO, width_ratio
from guru_form.pose_track import PoseTrack

__all__ = [
    "BAR_GRIP",
    "BAR_REACH",
    "FEATURE_SCALES",
    "MIN_FIT",
    "MIN_MARGIN",
    "MovementFeatures",
    "RecognizedActivity",
    "UnrecognizedActivityError",
    "bar_held",
    "fit",
    "movement_features",
    "recognize",
    "recognize_activity",
]

FloatArray = npt.NDArray[np.float64]

#: How fast a feature's score falls off outside its range: the distance at which it is 1/e.
FEATURE_SCALES: dict[str, float] = {
    "lying": 0.2,
    "hands_above_shoulders": 0.25,
    "hands_below_hips": 0.25,
    "hand_travel": 0.3,
    "lean_at_bottom": 10.0,
    "knee_at_bottom": 15.0,
    "leg_split": 0.1,
    "bar_hold": 0.2,
}
#: The best profile's fit must be at least this ...
MIN_FIT = 0.4
#: ... and its lead over the next this fraction of it.
MIN_MARGIN = 0.15
#: A trunk leaning further than this from vertical is lying (degrees).
LYING_LEAN_DEG = 60.0
#: A bar on the back holds each wrist at most this far from its shoulder (torso lengths): the
#: hands grip it about 0.4 torso lengths beside and behind the shoulder joint.
BAR_REACH = 0.5
#: ... and, seen with the shoulders wide, the wrists at least this many shoulder spreads apart:
#: a bar is gripped 1.5-2 shoulder widths wide, less a margin for a camera at an angle; arms
#: reaching forward hold the hands about shoulder width apart, clasped at the chest narrower.
BAR_GRIP = 1.3


class UnrecognizedActivityError(EngineError):
    """No activity was given and the movement did not tell which one the video shows.

    An :class:`~guru_form.errors.EngineError` with the API's code ``LOW_QUALITY_POSE_ESTIMATE``:
    the local server's pose engine ends the analysis ``Failed`` with that code as its ``reason``
    and this sentence as its ``message``.

    Parameters
    ----------
    reason
        Why, and what to do (name the activity).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason, code="LOW_QUALITY_POSE_ESTIMATE")


@dataclass(frozen=True)
class RecognizedActivity:
    """The activity a track shows, and how sure the recogniser is of it.

    Attributes
    ----------
    activity
        The activity.
    confidence
        From 0 (a guess) to 1 (certain).
    fits
        Every candidate profile's fit, 0 to 1 (see the module docstring).
    note
        What the recognition assumed, in a sentence for the user (which of two variants that
        move alike), or empty.

    Raises
    ------
    InvalidInputError
        For a confidence outside 0..1.
    """

    activity: Activity
    confidence: float
    fits: Mapping[str, float] = field(default_factory=dict, compare=False)
    note: str = ""

    def __post_init__(self) -> None:
        if not (isinstance(self.confidence, (int, float)) and 0.0 <= self.confidence <= 1.0):
            raise InvalidInputError(f"confidence must be within 0..1, got {self.confidence!r}")

    def to_json(self) -> dict[str, object]:
        """``{"activity", "confidence"}``: what the local server's analysis says it chose."""
        return {"activity": self.activity.value, "confidence": round(float(self.confidence), 3)}


@dataclass(frozen=True)
class MovementFeatures:
    """What a track's movement looks like (see the module docstring); NaN where unmeasured.

    Attributes
    ----------
    reps
        How many reps (of any profile) the features were measured over.
    values
        Feature name -> value.
    """

    reps: int
    values: dict[str, float]


@dataclass(frozen=True)
class Recognition:
    """The full answer of :func:`recognize`.

    Attributes
    ----------
    recognized
        The activity and confidence, or None when it cannot tell.
    fits
        Each candidate profile's fit.
    features
        What the movement looked like.
    reason
        Why it cannot tell (empty when it can).
    """

    recognized: RecognizedActivity | None
    fits: dict[str, float]
    features: MovementFeatures
    reason: str = ""


def _union(windows: list[RepWindow], n: int) -> list[RepWindow]:
    """The windows, the ones mostly inside another dropped (each movement once)."""
    out: list[RepWindow] = []
    for w in sorted(windows, key=lambda r: r.start - r.end):
        if any(min(w.end, o.end) - max(w.start, o.start) > 0.5 * (w.end - w.start) for o in out):
            continue
        out.append(w)
    return sorted(out, key=lambda r: r.mid)


def movement_features(track: PoseTrack, reps: list[RepWindow]) -> MovementFeatures:
    """Measure :class:`MovementFeatures` over ``reps`` (see the module docstring)."""
    series, joints, scale = track_inputs(track)
    if not reps or not np.isfinite(scale) or scale <= 0:
        return MovementFeatures(len(reps), {name: float("nan") for name in FEATURE_SCALES})
    y = {j: np.asarray(joints[j], dtype=np.float64)[:, 1] for j in joints}
    frames = np.zeros(len(track.frame), dtype=bool)
    for r in reps:
        frames[r.start : r.end + 1] = True
    lean = np.asarray(series["trunk_lean"], dtype=np.float64)
    trunk = np.linalg.norm(joints["shoulder"] - joints["hip"], axis=1)
    upper_arm = np.linalg.norm(joints["shoulder"] - joints["elbow"], axis=1)
    with np.errstate(invalid="ignore"):
        # A trunk shorter in the image than the upper arm points at the camera.
        toward_camera = trunk < 0.8 * upper_arm
        lying = (lean > LYING_LEAN_DEG) | toward_camera
    known = frames & (np.isfinite(lean) | np.isfinite(trunk / upper_arm))
    bar = bar_held(track, joints, scale)
    per_rep: dict[str, list[float]] = {
        "hand_travel": [],
        "lean_at_bottom": [],
        "knee_at_bottom": [],
        "leg_split": [],
    }
    for r in reps:
        w = slice(r.start, r.end + 1)
        shoulders = y["shoulder"][w]
        if not np.isfinite(shoulders).any():
            continue
        low = r.start + int(np.nanargmax(shoulders))
        # A still shoulder (a bench press) counts as a twentieth of the trunk.
        travel = max(float(np.nanmax(shoulders) - np.nanmin(shoulders)), 0.05 * scale)
        wrists = y["wrist"][w]
        if np.isfinite(wrists).any():
            per_rep["hand_travel"].append(float(np.nanmax(wrists) - np.nanmin(wrists)) / travel)
        # A trunk pointing at the camera shows no lean in the image (its direction there is
        # the model's noise): that rep says nothing of the lean.
        if not toward_camera[low]:
            per_rep["lean_at_bottom"].append(float(lean[low]))
        per_rep["knee_at_bottom"].append(float(series["knee_angle"][low]))
        # Heights in the image do not depend on where around the body the camera stands, so
        # the split shows from the front as from the side (the knees' own heights do not: the
        # front knee, nearer a camera in front, is drawn lower).
        # Where an ankle is hidden (a plate, the frame's edge), the knees' heights tell instead.
        split = (y["ankle"][low] - y["knee"][low]) - (y["far_ankle"][low] - y["far_knee"][low])
        if not np.isfinite(split):
            split = y["knee"][low] - y["far_knee"][low]
        per_rep["leg_split"].append(abs(float(split)) / scale)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        values = {
            "lying": float(np.mean(lying[known])) if known.any() else float("nan"),
            "hands_above_shoulders": float(
                np.nanmedian((y["shoulder"] - y["wrist"])[frames]) / scale
            ),
            "hands_below_hips": float(np.nanmedian((y["wrist"] - y["hip"])[frames]) / scale),
            "bar_hold": float(np.nanmean(bar[frames])),
            **{k: float(np.nanmedian(v)) if v else float("nan") for k, v in per_rep.items()},
        }
    return MovementFeatures(len(reps), values)


def bar_held(track: PoseTrack, joints: Mapping[str, FloatArray], scale: float) -> FloatArray:
    """Per frame, 1 where the hands are where a bar on the back holds them, 0 where not, NaN
    where the wrists or shoulders are not known.

    A bar on the back holds each wrist by its shoulder: the nearer wrist at most
    :data:`BAR_REACH` torso lengths (``scale``) from its shoulder. A camera in front draws arms
    reaching forward with their wrists by the shoulders too, so where the shoulders are seen
    wide (at least :data:`~guru_form.pose.view.SIDE_RATIO` of the trunk apart) and both wrists
    are :data:`~guru_form.pose.unsure.VISIBLE`, the wrists must also be at least
    :data:`BAR_GRIP` shoulder spreads apart: a grip wider than the shoulders. Both spreads run
    across the body, so a camera at an angle shortens them alike and their ratio holds; side-on,
    both are near zero and their ratio is noise (and a plate or the body hides the wrists, which
    the model then guesses): there the distance alone tells.
    """
    reach = np.fmin(
        np.linalg.norm(joints["wrist"] - joints["shoulder"], axis=1),
        np.linalg.norm(joints["far_wrist"] - joints["far_shoulder"], axis=1),
    )
    shoulders = np.linalg.norm(joints["shoulder"] - joints["far_shoulder"], axis=1)
    wrists = np.linalg.norm(joints["wrist"] - joints["far_wrist"], axis=1)
    seen = np.ones(len(reach), dtype=bool)
    for column in ("wrist_visibility", "far_wrist_visibility"):
        if column in track.frame:
            seen &= track.frame[column].to_numpy(dtype=np.float64) >= VISIBLE
    with np.errstate(invalid="ignore", divide="ignore"):
        wide = seen & (width_ratio(track) >= SIDE_RATIO) & np.isfinite(wrists) & (shoulders > 0)
        narrow_grip = wide & (wrists < BAR_GRIP * shoulders)
        held = (reach <= BAR_REACH * scale) & ~narrow_grip
    return np.where(np.isfinite(reach), held.astype(np.float64), np.nan)


def fit(
    signature: Mapping[str, tuple[float | None, float | None]], features: MovementFeatures
) -> float:
    """How well ``features`` fit a profile's ``signature``, 0 to 1 (see the module docstring)."""
    scores = []
    for name, (low, high) in signature.items():
        value = features.values.get(name, float("nan"))
        if not math.isfinite(value):
            scores.append(0.5)
            continue
        below = 0.0 if low is None else max(0.0, low - value)
        above = 0.0 if high is None else max(0.0, value - high)
        scores.append(math.exp(-(below + above) / FEATURE_SCALES[name]))
    if not scores:
        return 0.0
    return float(np.exp(np.mean(np.log(np.maximum(scores, 1e-9)))))


def recognize(track: PoseTrack) -> Recognition:
    """Recognise the activity of ``track``, with the fits and features behind the answer.

    Parameters
    ----------
    track
        A pose track from any source (its own ``activity``, if any, is not looked at).
    """
    profiles = [p for p in activities.registered() if p.signature]
    counted = {p.name: count_reps(p.activity, track).reps for p in profiles}
    reps = _union([r for found in counted.values() for r in found], len(track.frame))
    features = movement_features(track, reps)
    if not reps:
        return Recognition(
            None,
            {p.name: 0.0 for p in profiles},
            features,
            "no repeated movement of any activity was found",
        )
    fits = {
        p.name: fit(p.signature, features) * (1.0 if counted[p.name] else 0.5) for p in profiles
    }
    ranked = sorted(fits.items(), key=lambda kv: -kv[1])
    best_name, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if best < MIN_FIT:
        return Recognition(None, fits, features, "the movement fits no activity well")
    winner = activities.get(best_name)
    alike = [
        name
        for name, _ in ranked[1:]
        if activities.get(name).rule == winner.rule and name != best_name
    ]
    close = best - second < MIN_MARGIN * best
    if close and ranked[1][0] not in alike:
        return Recognition(
            None,
            fits,
            features,
            f"the movement fits {best_name} and {ranked[1][0]} about equally",
        )
    rival = max(
        (f for name, f in fits.items() if name not in alike and name != best_name), default=0.0
    )
    confidence = 0.5 + 0.5 * min(1.0, best * (1.0 - rival / best) / 0.5)
    note = ""
    if alike:
        confidence = min(confidence, 0.6) if close else confidence
        others = " or ".join(activities.display_name(name) for name in alike)
        note = (
            f"{winner.label} and {others} move alike; the engine took {winner.label.lower()} "
            f"from where the hands were. If it was {others.lower()}, name the activity."
        )
    recognized = RecognizedActivity(winner.activity, round(confidence, 3), fits, note)
    return Recognition(recognized, fits, features)


def recognize_activity(track: PoseTrack) -> RecognizedActivity | None:
    """The activity ``track`` shows, and how sure; None when it cannot tell.

    Parameters
    ----------
    track
        A pose track from any source, built without an activity.

    Returns
    -------
    RecognizedActivity or None
        See the module docstring; :func:`recognize` also says why it cannot tell.

    Examples
    --------
    >>> from guru_form import pose
    >>> found = pose.recognize_activity(pose.estimate_track("clip.mp4"))  # doctest: +SKIP
    >>> found.activity, found.confidence  # doctest: +SKIP
    (<Activity.PUSH_UP: 'push_up'>, 0.97)
    """
    return recognize(track).recognized
