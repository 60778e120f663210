"""What each exercise is, in one place: one file per activity, holding its profile.

guru_form analyses an activity locally (finds its reps, measures them, draws and reports them)
when it has an :class:`ActivityProfile` here. A profile says:

- the domain (from the activity) and the phase order (``lowers_first``: does a rep go down or up
  first, so which of ``midTimestampMs``'s sides is eccentric);
- the rep signal and its rule (:class:`SegmentationRule`, applied by
  :mod:`guru_form.pose.segmentation`);
- the moving joint, whose vertical travel gives the rep's velocity;
- the per-rep scalars the local engine emits (:class:`SeriesMeasure`; :class:`LeadingSide` for
  movements done one side at a time), the key angle drawn on frames, the depth and lockout
  metrics, the key metric and the default thresholds;
- its human label and the skeleton joints to draw.

Everything else asks: :func:`get` (for analysis, which needs a profile: an activity without one
raises :class:`~guru_form.errors.UnsupportedActivityError`), :func:`find` (for display code, which
falls back to something generic), :func:`registered` and :func:`display_name`; :func:`match` reads
an activity's name as people type it (``"Push-ups"``, ``"bench"``).

Adding an activity is adding a file ``<activity>.py`` here with a ``PROFILE`` (see
``ARCHITECTURE.md``); :func:`register` adds one from outside the package.

Examples
--------
>>> from guru_form import activities
>>> squat = activities.get("squat")
>>> squat.lowers_first, squat.rule.signal, squat.moving_joint, squat.key_metric
(True, 'knee_angle', 'hip', 'HIP_KNEE_ANGLE_DEGREES')
>>> activities.find("deadlift").turning_point
'lockout'
"""

from __future__ import annotations

from guru_form.activities._measures import (
    HUMAN_HEIGHT_CM,
    TOP_BAND,
    leading_side,
    mean_concentric_velocity,
    rep_analyses,
    velocity_in_m_per_s,
)
from guru_form.activities._names import match, spellings
from guru_form.activities._profile import (
    SKELETON_JOINTS,
    VELOCITY_TYPES,
    ActivityProfile,
    ExampleSet,
    LeadingSide,
    Limits,
    Measure,
    SegmentationRule,
    SeriesMeasure,
)
from guru_form.activities._registry import display_name, find, get, register, registered

__all__ = [
    "HUMAN_HEIGHT_CM",
    "SKELETON_JOINTS",
    "TOP_BAND",
    "VELOCITY_TYPES",
    "ActivityProfile",
    "ExampleSet",
    "LeadingSide",
    "Limits",
    "Measure",
    "SegmentationRule",
    "SeriesMeasure",
    "display_name",
    "find",
    "get",
    "leading_side",
    "match",
    "mean_concentric_velocity",
    "register",
    "registered",
    "rep_analyses",
    "spellings",
    "velocity_in_m_per_s",
]
