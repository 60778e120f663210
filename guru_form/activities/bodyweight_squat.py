"""The bodyweight squat (calisthenics), filmed from the side: the squat's movement, without a bar.

Everything that finds and measures a rep is the squat's (:mod:`guru_form.activities.squat`): a rep
goes down first, the knee angle is the rep signal, the hip's lowest point is the bottom and the
hip carries the velocity, and a coach checks depth first, the thigh at or below parallel. Only
the name, the domain (calisthenics), its other names and the example set differ: more reps,
quicker, velocity in body heights per second (no load to weigh, and seldom the athlete's height).

Recognised, when no activity is named, by the squat's movement with the hands away from where a
bar on the back holds them (arms reaching forward, hanging or on the hips, hands together at the
chest): a bar would hold each wrist by its shoulder through the set, gripped wider than the
shoulders. Where the camera sees the shoulders wide, hands clasped at the chest or arms reaching
at the camera are narrower than a grip; filmed side-on, hands held by the chest or behind the
head look like the bar's to the joints, and such a set is recognised as a ``squat`` (name the
activity to analyse it as a bodyweight squat; the analysis is the same).
"""

from __future__ import annotations

import dataclasses

from guru_form.activities._profile import ExampleSet
from guru_form.activities.squat import PROFILE as SQUAT
from guru_form.models import Activity

PROFILE = dataclasses.replace(
    SQUAT,
    activity=Activity.BODYWEIGHT_SQUAT,
    label="Bodyweight squat",
    aliases=("air squat",),
    # The squat's without the bar: the hands away from where a bar on the back holds them on
    # most of the movement's frames.
    signature={**SQUAT.signature, "bar_hold": (None, SQUAT.signature["bar_hold"][0])},
    example=ExampleSet(
        reps=15,
        first_phase_s=1.2,
        second_phase_s=0.7,
        slowing_s=0.4,
        rest_s=0.5,
        metrics={
            "HIP_KNEE_ANGLE_DEGREES": (-10.0, 9.0, 2.0),
            "KNEE_ANGLE_DEGREES": (64.0, 8.0, 2.0),
            "HIP_ANGLE_DEGREES": (58.0, 6.0, 2.0),
            "TRUNK_LEAN_DEGREES": (34.0, 6.0, 1.5),
        },
        velocity=("MEAN_CONCENTRIC_VELOCITY_BH_PER_S", 0.42, 0.30),
    ),
)
