"""The synthetic bodyweight squat: the synthetic squat's figure and poses (it carries no bar), at
a bodyweight set's quicker tempo."""

from __future__ import annotations

import dataclasses

from guru_form.models import Activity
from guru_form.testing.synthetic.movements._movement import MotionStyle
from guru_form.testing.synthetic.movements.squat import MOVEMENT as SQUAT

MOVEMENT = dataclasses.replace(
    SQUAT,
    activity=Activity.BODYWEIGHT_SQUAT,
    # thigh 8° below parallel when fresh, a few degrees above it when tired; quicker than a
    # loaded squat
    style=MotionStyle(-8.0, 2.5, 14.0, 0.0, 3.0, 0.85, 0.0, 0.65, 0.6, 0.45, secondary_jitter=0.8),
)
