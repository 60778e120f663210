"""How the synthetic athlete performs an activity: the shape of a movement file.

A :class:`Movement` is the renderer's knowledge of one activity: the *pose parameters* (a handful
of angles in degrees that say exactly where the body is), the rest pose and the turning-point pose
in those parameters, the pose they give, how reps vary and tire (:class:`MotionStyle`), the camera
angle, how far each joint lies from the body's mid-plane, the equipment and the order the figure
is drawn in. What the activity *is* for analysis (its rep signal, its measures) is in its profile,
:mod:`guru_form.activities`; a movement only has to move the figure so that the profile's
definitions apply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from guru_form.models import Activity
from guru_form.testing.synthetic.body import Body, Pose

__all__ = ["DEFAULT_LAYERS", "LAYERS", "MotionStyle", "Movement"]

#: Everything the shaded style can draw, besides the floor shadow (always drawn first).
LAYERS: frozenset[str] = frozenset(
    {
        "far_leg",
        "far_arm",
        "torso",
        "head",
        "near_leg",
        "near_arm",
        "bench",
        "bar",
        "far_plate",
        "near_plate",
    }
)
#: The drawing order of a figure without equipment: far limbs, body, near limbs.
DEFAULT_LAYERS: tuple[str, ...] = ("far_leg", "far_arm", "torso", "head", "near_leg", "near_arm")


@dataclass(frozen=True)
class MotionStyle:
    """How a planned set varies from rep to rep and tires (see :func:`~guru_form.testing.synthetic.plan_reps`).

    Attributes
    ----------
    key, key_jitter, key_fatigue
        The rep's key angle at the turning point when fresh, its rep-to-rep spread (sd) and its
        change on the most tired rep, degrees.
    secondary, secondary_fatigue
        The same for the secondary angle (push-up sag, squat's extra trunk lean).
    to_turn, to_turn_fatigue
        Seconds from rest to the turning point, and its relative slowing when tired.
    from_turn, from_turn_fatigue
        Seconds from the turning point back to rest, and its relative slowing when tired.
    rest
        Seconds at rest between reps.
    secondary_jitter
        Rep-to-rep spread (sd) of the secondary angle, degrees.
    key_cap
        The largest key angle a rep may have (a deadlift's hip cannot open past straight).
    """

    key: float
    key_jitter: float
    key_fatigue: float
    secondary: float
    secondary_fatigue: float
    to_turn: float
    to_turn_fatigue: float
    from_turn: float
    from_turn_fatigue: float
    rest: float
    secondary_jitter: float = 0.0
    key_cap: float | None = None


@dataclass(frozen=True)
class Movement:
    """The synthetic athlete's way of doing one activity.

    Attributes
    ----------
    activity
        The activity.
    rest
        ``rest(body)``: the pose parameters of the rest position between reps.
    turn
        ``turn(key_angle, secondary, side)``: the pose parameters at a rep's turning point. The
        key angle says how deep (or how complete) the rep is, in degrees, as the activity's key
        metric measures it; the secondary angle is a second, movement-specific one; ``side``
        (``"near"`` or ``"far"``) which side of the body leads a one-sided rep.
    pose
        ``pose(params, body)``: joint positions for one set of pose parameters.
    style
        How reps vary and tire.
    yaw_deg
        Default camera yaw (degrees from a pure side view; + towards the athlete's front).
    depths
        Distance of joints from the body's mid-plane where it differs from the standing body's
        (metres for a 1.75 m athlete).
    layers
        The shaded style's drawing order (names from :data:`LAYERS`).
    fist
        Hands closed round a bar.
    shadow
        Image points besides the feet that the floor shadow spans (``"near_wrist"``, ...).
    alternates
        The movement is done one side at a time, alternating (a lunge): the rep plan's reps
        alternate their leading side.
    """

    activity: Activity
    rest: Callable[[Body], dict[str, float]]
    turn: Callable[[float, float, str], dict[str, float]]
    pose: Callable[[Mapping[str, float], Body], Pose]
    style: MotionStyle
    yaw_deg: float
    depths: Mapping[str, float] = field(default_factory=dict)
    layers: tuple[str, ...] = DEFAULT_LAYERS
    fist: bool = False
    shadow: tuple[str, ...] = ()
    alternates: bool = False

    def __post_init__(self) -> None:
        unknown = set(self.layers) - LAYERS
        if unknown:
            raise ValueError(f"unknown layer(s) {sorted(unknown)}; layers are {sorted(LAYERS)}")
