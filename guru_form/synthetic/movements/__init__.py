"""How the synthetic athlete performs each activity: one file per activity, holding its movement.

A file ``<activity>.py`` here holds that activity's :class:`Movement` as ``MOVEMENT``: its pose
parameters and poses, how reps vary and tire, the camera angle, joint depths, equipment and
drawing order. :func:`movement` finds it; :mod:`guru_form.synthetic.motion`,
:mod:`~guru_form.synthetic.scene`, :mod:`~guru_form.synthetic.draw` and
:mod:`~guru_form.synthetic.video` ask it and name no activity themselves. Rendering an activity
that has a profile (:mod:`guru_form.activities`) but no movement here is refused clearly.

Examples
--------
>>> from guru_form.synthetic.body import Body
>>> squat = movement("squat")
>>> body = Body()
>>> pose = squat.pose(squat.rest(body), body)
>>> round(float(pose.joints["shoulder"][1]), 2)  # standing shoulder height, metres
1.43
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from guru_form.errors import InvalidInputError
from guru_form.models import Activity, resolve_activity
from guru_form.synthetic.movements._movement import (
    DEFAULT_LAYERS,
    LAYERS,
    MotionStyle,
    Movement,
)

__all__ = ["DEFAULT_LAYERS", "LAYERS", "MotionStyle", "Movement", "movement", "movements"]


@cache
def movements() -> dict[Activity, Movement]:
    """Every movement of this package, by activity (imported once).

    Returns
    -------
    dict
        ``activity -> Movement``, in the order of :class:`~guru_form.models.Activity`.
    """
    found: dict[Activity, Movement] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        value = getattr(module, "MOVEMENT", None)
        if not isinstance(value, Movement) or value.activity.value != info.name:
            raise TypeError(
                f"{module.__name__} must hold the Movement of {info.name!r} as MOVEMENT"
            )
        found[value.activity] = value
    order = list(Activity)
    return dict(sorted(found.items(), key=lambda item: order.index(item[0])))


def movement(activity: Activity | str) -> Movement:
    """The synthetic movement of ``activity``.

    Parameters
    ----------
    activity
        An :class:`~guru_form.models.Activity` or its API name.

    Returns
    -------
    Movement
        How the synthetic athlete does it.

    Raises
    ------
    InvalidInputError
        For an unknown name, or an activity the renderer cannot perform (the message lists
        those it can).
    """
    act, _ = resolve_activity(activity)
    known = movements()
    if act is None or act not in known:
        names = ", ".join(a.value for a in known)
        raise InvalidInputError(
            f"the synthetic athlete cannot do {activity!r}; it does {names} "
            "(add a file to guru_form/synthetic/movements to teach it another)"
        )
    return known[act]
