"""The joint vocabulary, as the pose engine sees it: re-exported from :mod:`guru_form.joints`.

The names live in :mod:`guru_form.joints` (below the pose engine, so the pose track's data model and
:mod:`guru_form.io` use them without importing the engine); this module keeps the pose engine's
imports short.
"""

from __future__ import annotations

from guru_form.joints import (
    ARM,
    CHANNELS,
    JOINTS,
    LEG,
    SIDE_JOINTS,
    SIDES,
    TRACK_JOINTS,
    Side,
    joint_index,
    other_side,
)

__all__ = [
    "ARM",
    "CHANNELS",
    "JOINTS",
    "LEG",
    "SIDES",
    "SIDE_JOINTS",
    "TRACK_JOINTS",
    "Side",
    "joint_index",
    "other_side",
]
