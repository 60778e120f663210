"""The shape of an activity profile: what guru_form needs to know about one exercise.

An :class:`ActivityProfile` is plain, frozen data: how a rep of the exercise moves (which phase
comes first, which angle defines a rep and how a rep is told apart from other movement), which
joint carries the load, which per-rep scalars the local engine emits and how each is measured,
which numbers a coach checks first and against which default targets, and how to name it.
Nothing here computes, draws or reads a file; :mod:`guru_form.activities._measures` turns a
profile's measures into numbers, :mod:`guru_form.pose.segmentation` applies its rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from guru_form.errors import InvalidInputError
from guru_form.models import Activity, Domain

__all__ = [
    "SKELETON_JOINTS",
    "VELOCITY_TYPES",
    "ActivityProfile",
    "ExampleSet",
    "LeadingSide",
    "Limits",
    "Measure",
    "SegmentationRule",
    "SeriesMeasure",
]

#: ``(low, high)`` bounds of an acceptable value, in the analysis type's unit; None is open.
Limits = tuple[float | None, float | None]

#: Every joint of the tracked side that a skeleton can show, from the head down.
SKELETON_JOINTS: tuple[str, ...] = (
    "nose",
    "shoulder",
    "elbow",
    "wrist",
    "hip",
    "knee",
    "ankle",
    "heel",
    "foot_index",
)

#: The velocity analysis types: metres per second when the athlete's height is known, else body
#: heights per second.
VELOCITY_TYPES: tuple[str, str] = (
    "MEAN_CONCENTRIC_VELOCITY_M_PER_S",
    "MEAN_CONCENTRIC_VELOCITY_BH_PER_S",
)


@dataclass(frozen=True)
class SegmentationRule:
    """How reps of one activity are found (see :mod:`guru_form.pose.segmentation`).

    Attributes
    ----------
    signal
        The angle series (column of the pose track) that defines a rep.
    turning
        ``"min"`` when the turning point is the signal's smallest value, ``"max"`` its largest.
    min_range_deg
        Smallest excursion of the signal, on both sides of the turning point.
    height_joint
        The joint whose vertical travel confirms a rep.
    min_height_travel
        Its smallest travel between start and turning point, in torso lengths; positive when it
        moves down the image (squat, presses), negative when up (deadlift).
    bottom_joint
        When set, the turning point is where this joint is lowest in the image (the bottom of
        the movement) rather than the signal's extreme: the body's height is what "bottom"
        means, and joint angles can turn a little earlier or later than the body does.
    posture
        ``"upright"`` (trunk lean below 60° at the rep's start), ``"horizontal"`` (trunk lean
        above 45° at the turning point), or None.
    min_duration_s, max_duration_s
        Bounds of a rep's duration.
    max_drift
        Largest horizontal travel of the feet (ankle) across the rep, in torso lengths.
    rest_fraction
        ``start``/``end`` are where the excursion is within this fraction of the range from rest;
        and the movement has gone past its start position (the rep is over) when it is more
        than this fraction of the range beyond the signal's value at ``start``.
    still_speed
        The signal is at rest while it changes by less than this fraction of the rep's range per
        second; ``start`` and ``end`` are moved out from the ``rest_fraction`` crossings to the
        last / first frame at rest.
    min_symmetry
        The shorter side of a rep (rest to turning point, turning point to rest) must be at least
        this fraction of the longer one.
    travel_to_extreme
        Judge the height joint's travel (``min_height_travel``) at its lowest point in the rep (its
        highest, for a rep that rises) instead of at the signal's turning point: for movements
        whose signal can turn away from the body's bottom (a lunge's tracked knee is the back
        knee on half the reps, and can stay bent while the hip already rises).
    bottom_band, lockout_band
        Frames within this fraction of the range from the extreme are "at" the turning point:
        ``mid`` is halfway between the first and the last of those frames for a bottom
        (``turning="min"``: a pause's middle, though the model may lift the joint out of the band
        for a moment within it); for a lockout
        (``turning="max"``), the first of them (when the lockout is reached). The lockout's 5 %
        is early for a figure that eases into it, but tighter bands and a rule on the angle's
        speed put real lockouts, which stop sharply and then wobble, too late (docs/accuracy.md).
    complete_at_turn
        True when a rep is complete at its turning point (a deadlift at lockout): it must start
        at rest, but the way back may be missing (the footage ends during the lockout or the
        lowering) or go further than it started (the bar put down and the athlete stepping
        back); the two sides need not match.
    lockout_speed
        For ``turning="max"``: the lockout is also reached when the signal, past its fastest
        rise, slows to this fraction of that speed; ``mid`` is the earlier of that frame and the
        first frame in ``lockout_band``. A lifter who leans back after locking out keeps opening
        the hip angle slowly, and its largest value then comes late. None: the band alone.
    opens
        ``(series, degrees)``: that angle series reaches at least this value somewhere in the rep
        (a deadlift's hips open to a lockout; bending over the bar in the set-up and coming part
        of the way up is not a rep). Not checked where the series is unknown across the rep.
    straight_at_turn
        ``(series, degrees)``: that angle series' median over the turning point (the rep's
        frames within 0.15 s of ``mid``) is at least this value (a deadlift's elbows are
        straight at lockout, the bar hanging from the hands; standing up after putting the bar
        down, the hands are empty and the arms bend). Not checked where the series is unknown
        there.
    reaches_down
        ``(joint, to, margin)``: between the rep's start and its turning point, ``joint`` comes
        down to the height of ``to`` or lower, within ``margin`` torso lengths (a deadlift's
        hands take the bar from the floor, below the knees; standing up out of a squat, the
        hands stay above them). Not checked where either joint is unknown there.
    load_joint
        The joint that carries the load (a back squat's bar rests on the shoulders): it travels
        at least ``min_height_travel`` too, the same way as ``height_joint``, to its lowest
        (highest, for a rep that rises) point in the rep. A rep moves the load; the body's
        joints moving while it stays put are not a rep (a lifter standing under the bar in a
        rack, the plates and uprights hiding the legs, where the model's hips and knees
        wander). Not checked where the joint is unknown across the rep.
    """

    signal: str
    turning: Literal["min", "max"]
    min_range_deg: float
    height_joint: str
    min_height_travel: float
    posture: Literal["upright", "horizontal"] | None
    bottom_joint: str | None = None
    min_duration_s: float = 0.5
    max_duration_s: float = 20.0
    max_drift: float = 0.6
    rest_fraction: float = 0.1
    min_symmetry: float = 0.6
    still_speed: float = 0.05
    travel_to_extreme: bool = False
    bottom_band: float = 0.03
    lockout_band: float = 0.05
    complete_at_turn: bool = False
    lockout_speed: float | None = 0.1
    opens: tuple[str, float] | None = None
    straight_at_turn: tuple[str, float] | None = None
    reaches_down: tuple[str, str, float] | None = None
    load_joint: str | None = None

    def describe(self) -> tuple[str, str]:
        """The rule in words: ``(turning point, checks besides the angle's range)``.

        Examples
        --------
        >>> SegmentationRule("knee_angle", "min", 40.0, "hip", 0.25, "upright", "hip").describe()
        ('hip lowest', 'hip drops >= 0.25 torso, upright at rest')
        """
        if self.bottom_joint is not None:
            turn = f"{self.bottom_joint} lowest"
        else:
            extreme = "largest" if self.turning == "max" else "smallest"
            turn = f"{self.signal} reaches its {extreme}"
        verb = "drops" if self.min_height_travel > 0 else "rises"
        checks = [f"{self.height_joint} {verb} >= {abs(self.min_height_travel):g} torso"]
        if self.load_joint is not None:
            checks[0] += f", {self.load_joint} too"
        if self.posture == "upright":
            checks.append("upright at rest")
        elif self.posture == "horizontal":
            checks.append("body horizontal")
        return turn, ", ".join(checks)


Reduce = Literal["smallest", "largest", "at_turn"]


@dataclass(frozen=True)
class SeriesMeasure:
    """One per-rep scalar read from an angle series of the pose track.

    Attributes
    ----------
    analysis_type
        The scalar's name, as the API names analysis types (``KNEE_ANGLE_DEGREES``); its unit,
        label and definition are in :mod:`guru_form.metrics`.
    series
        The per-frame series it reads (a name of :data:`guru_form.kinematics.SERIES`).
    reduce
        ``"smallest"`` or ``"largest"``: the extreme over the rep's frames, start to end;
        ``"at_turn"``: the value at the rep's turning point (``midTimestampMs``).
    """

    analysis_type: str
    series: str
    reduce: Reduce


@dataclass(frozen=True)
class LeadingSide:
    """Which side of the body leads a rep done one side at a time (a lunge's front leg).

    The pose track follows one side of the body, the side facing the camera. At the rep's turning
    point, that side leads when its ``joint`` is ahead of its ``reference`` joint in the direction
    the athlete faces (the way the tracked foot points, heel to toe, over the rep); otherwise the
    other side leads. The scalar is 1.0 when the left side leads and 0.0 when the right does, as
    Guru's sprint analyses say which leg a stride was on (``IS_LEFT_LEG``).

    Attributes
    ----------
    analysis_type
        The scalar's name (``IS_LEFT_LEG``).
    joint
        The joint that is ahead on the leading side (``"ankle"``: the front foot).
    reference
        The joint it is ahead of (``"hip"``).
    """

    analysis_type: str = "IS_LEFT_LEG"
    joint: str = "ankle"
    reference: str = "hip"


#: A per-rep scalar of a profile.
Measure = SeriesMeasure | LeadingSide


@dataclass(frozen=True)
class ExampleSet:
    """A plausible set of the activity for :func:`guru_form.tables.examples.example_analysis`.

    The numbers are invented, for trying tables and charts without a video; they are not
    measurements of anyone.

    Attributes
    ----------
    reps
        Reps in the set.
    first_phase_s, second_phase_s
        Seconds from start to the turning point, and from it to the end.
    slowing_s
        How much the concentric phase slows down over a set taken close to failure.
    rest_s
        The pause between reps, seconds.
    metrics
        ``analysisType -> (first-rep value, drift over a fatiguing set, rep-to-rep noise sd)``.
    velocity
        ``(analysisType, first-rep value, fraction lost over a fatiguing set)``.
    """

    reps: int
    first_phase_s: float
    second_phase_s: float
    slowing_s: float
    rest_s: float
    metrics: Mapping[str, tuple[float, float, float]]
    velocity: tuple[str, float, float]


@dataclass(frozen=True)
class ActivityProfile:
    """Everything guru_form knows about one activity, in one place.

    Attributes
    ----------
    activity
        The activity (its domain follows from it: :attr:`domain`).
    label
        Its name for people: ``"Push-up"``, ``"Bench press"``.
    lowers_first
        True when a rep starts with the lowering (eccentric) phase, so that ``midTimestampMs``
        is the bottom and start->mid is eccentric; False when it starts by lifting (the
        deadlift: mid is the lockout and start->mid is concentric).
    rule
        How a rep is found: the rep signal and the checks a rep must pass.
    moving_joint
        The joint whose vertical travel gives the rep's velocity (the hip for a squat, the
        wrist on the bar for a bench press, ...).
    measures
        The per-rep scalars the local engine emits besides velocity, in the order it emits them:
        :class:`SeriesMeasure` (an angle's extreme or its value at the turn) and, for movements
        done one side at a time, :class:`LeadingSide`.
    key_angle
        ``(a, vertex, c)``: the joint angle a coach checks at the turning point, drawn as an
        arc on the rep's frames.
    key_metric
        The analysis type a coach looks at first (charts and reports lead with it).
    depth_metric, lockout_metric
        The analysis type that says how deep a rep went (the lower, the deeper), and how fully
        it was locked out (the higher, the fuller); None when the activity has none.
    thresholds
        Default targets: ``analysisType -> (low, high)`` acceptable range, open bounds None.
    skeleton_joints
        The tracked side's joints drawn as the skeleton on frames.
    velocity
        Whether the local engine emits the mean concentric velocity.
    example
        A plausible invented set, for examples and docs; None for none.
    rep_heights
        Joints whose height in the picture moves with a rep, in the order the local engine falls
        back to them when the rule's angle cannot be followed (a joint hidden, the camera not
        side-on; see :mod:`guru_form.pose.counting`). Each must travel the rule's
        ``min_height_travel`` (in torso lengths) in a rep.
    signature
        What the movement looks like, for recognising the activity when none is given: the
        plausible ``(low, high)`` range of some of the movement features of
        :mod:`guru_form.pose.recognition` (``lying``, ``hands_above_shoulders``, ...; open bounds
        None). Empty: the activity is never recognised, only analysed when named.
    aliases
        Other names people use for it (``"bench"``), besides its API name and label in any case,
        spacing, hyphenation or plural (see :func:`guru_form.activities.match`).
    """

    activity: Activity
    label: str
    lowers_first: bool
    rule: SegmentationRule
    moving_joint: str
    measures: tuple[Measure, ...]
    key_angle: tuple[str, str, str]
    key_metric: str
    depth_metric: str | None = None
    lockout_metric: str | None = None
    thresholds: Mapping[str, Limits] = field(default_factory=dict)
    skeleton_joints: tuple[str, ...] = SKELETON_JOINTS
    velocity: bool = True
    example: ExampleSet | None = None
    rep_heights: tuple[str, ...] = ()
    signature: Mapping[str, Limits] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))
        object.__setattr__(self, "signature", MappingProxyType(dict(self.signature)))
        emitted = self.analysis_types
        problems = []
        if len(set(emitted)) != len(emitted):
            problems.append("an analysis type is measured twice")
        for what, name in (
            ("key_metric", self.key_metric),
            ("depth_metric", self.depth_metric),
            ("lockout_metric", self.lockout_metric),
            *(("thresholds", name) for name in self.thresholds),
        ):
            if name is not None and name not in emitted:
                problems.append(f"{what} {name!r} is not among the analysis types it emits")
        for name, (low, high) in self.thresholds.items():
            if low is None and high is None:
                problems.append(f"the threshold of {name} has no bound")
            elif low is not None and high is not None and low > high:
                problems.append(f"the threshold of {name} has low {low} above high {high}")
        joints = [*self.key_angle, self.moving_joint, *self.rep_heights]
        for m in self.measures:
            if isinstance(m, LeadingSide):
                joints += [m.joint, m.reference]
        missing = [j for j in joints if j not in SKELETON_JOINTS]
        if missing:
            problems.append(f"unknown joint(s) {missing}; joints are {SKELETON_JOINTS}")
        if problems:
            raise InvalidInputError(
                f"the profile of {self.activity.value!r} is inconsistent: " + "; ".join(problems)
            )

    @property
    def name(self) -> str:
        """The API's name of the activity (``"push_up"``)."""
        return self.activity.value

    @property
    def domain(self) -> Domain:
        """The domain the activity belongs to (from :data:`guru_form.models.ACTIVITY_DOMAINS`)."""
        return self.activity.domain

    @property
    def analysis_types(self) -> tuple[str, ...]:
        """Every analysis type the local engine emits for the activity, in its order."""
        velocity = VELOCITY_TYPES if self.velocity else ()
        return (*(m.analysis_type for m in self.measures), *velocity)

    @property
    def turning_point(self) -> str:
        """A coach's word for ``midTimestampMs``: ``"bottom"``, or ``"lockout"`` when a rep
        starts by lifting."""
        return "bottom" if self.lowers_first else "lockout"

    @property
    def movements(self) -> tuple[str, str]:
        """What the athlete does from start to mid, and from mid to end, in words."""
        return ("lowering", "rising") if self.lowers_first else ("lifting", "lowering")
