"""The analysis types guru_form knows: exact definitions, units and labels.

The Guru API reports per-rep insights as ``{"analysisType": NAME, "analysisScalar": value}``. The
hosted API may send types this table does not list; they are kept as they are everywhere, and their
unit is read from the name's suffix (``_DEGREES`` -> degrees, ``_MS`` -> milliseconds, ...; see
:mod:`guru_form.metrics.units`). Which types an activity emits, and from which series, is in its
profile (:mod:`guru_form.activities`).

Every type the local pose engine emits is defined here, and the sample videos' ground truth uses the
same definitions on the figure's exact joint positions. All angles are measured in the image plane of
a side view, from joint positions in pixels, with the image's y axis pointing down.

========================================  =======  ===================================================
analysisType                              unit     definition
========================================  =======  ===================================================
HIP_KNEE_ANGLE_DEGREES                    deg      Squat depth. At the rep's bottom (``midTimestampMs``),
                                                   the angle between the thigh (hip -> knee) and the
                                                   horizontal; positive when the hip is above the knee,
                                                   0 at parallel, negative below parallel.
KNEE_ANGLE_DEGREES                        deg      Smallest interior knee angle (hip-knee-ankle) during
                                                   the rep; 180 is a straight leg.
HIP_ANGLE_DEGREES                         deg      Smallest interior hip angle (shoulder-hip-knee) during
                                                   the rep; 180 is a straight body.
LOCKOUT_HIP_ANGLE_DEGREES                 deg      Deadlift lockout. Largest interior hip angle
                                                   (shoulder-hip-knee) during the rep: the fullest
                                                   extension, reached at the lockout.
TRUNK_LEAN_DEGREES                        deg      Largest angle of the trunk (hip -> shoulder) from the
                                                   vertical during the rep; 0 is upright.
ELBOW_ANGLE_DEGREES                       deg      Press depth. Smallest interior elbow angle
                                                   (shoulder-elbow-wrist) during the rep.
LOCKOUT_ELBOW_ANGLE_DEGREES               deg      Largest interior elbow angle during the rep.
BODY_LINE_ANGLE_DEGREES                   deg      Push-up body line. Per frame, 180 minus the interior
                                                   angle shoulder-hip-ankle, signed positive when the hip
                                                   lies below the shoulder-ankle line (sag) and negative
                                                   above it (pike); per rep, its value at the bottom
                                                   (``midTimestampMs``).
IS_LEFT_LEG                               flag     1 when the left side led the rep, 0 when the right
                                                   did: a lunge's front leg at the turning point (the
                                                   tracked side's ankle ahead of its hip, in the way
                                                   its foot points, or else the other side), a
                                                   sprint stride's leg in Guru's analyses.
MEAN_CONCENTRIC_VELOCITY_M_PER_S          m/s      Estimate. Mean vertical speed of the activity's moving
                                                   joint (its profile's ``moving_joint``: hip for squat,
                                                   shoulder for push-up, the bar for bench press - the
                                                   wrist - and deadlift - the shoulder, the bar hanging
                                                   from it on straight arms) over the concentric phase:
                                                   net rise / time, from the bottom to the rep's end;
                                                   for a rep that lifts first (deadlift) from the rep's
                                                   start to the first frame within 3 % of the moving
                                                   joint's travel from its top. Scaled to metres by the
                                                   athlete's height.
MEAN_CONCENTRIC_VELOCITY_BH_PER_S         BH/s     As above in body heights per second, when the athlete's
                                                   height is not given.
========================================  =======  ===================================================

Rep timing: ``startTimestampMs`` is when the athlete leaves the rest position, ``endTimestampMs``
when they are back at it, ``midTimestampMs`` the turning point (bottom for squat, bench press and
push-up; lockout for deadlift).

"Smallest" and "largest" are over the rep's frames (start to end) of the pose track's cleaned
series: angles of joint positions that went through the visibility gate, outlier rejection and the
4 Hz low-pass of :mod:`guru_form.pose.filters`, so a joint that jumps for a frame or two does not
set them. They are the rep's extreme pose, which need not be at ``midTimestampMs``: the turning
point is placed by the moving joint's height, and an angle can reach its extreme a little before
or after. In a side-view push-up the shoulder's last few centimetres down are forward over the
hands: the shoulder-wrist span, and so the elbow's bend, stays the same for the last 0.2-0.4 s,
while the model shortens the upper arm in the image; the elbow angle at the bottom then reads
more open than the rep's smallest, reached 0.1-0.3 s earlier (on ``pushup_side_01.mp4`` 0-21°
per rep, median 6° at stride 2 and 1° at stride 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from guru_form import activities
from guru_form.metrics.units import unit_from_suffix
from guru_form.models import Activity

__all__ = ["ANALYSIS_TYPES", "AnalysisType", "unit_of"]


@dataclass(frozen=True)
class AnalysisType:
    """One analysis type.

    Attributes
    ----------
    name
        The API's ``analysisType`` string.
    unit
        Short unit label for axes and tables (``"deg"``, ``"m/s"``, ``"BH/s"``).
    label
        A short human label for charts and reports.
    description
        The exact definition.
    better
        ``"higher"``, ``"lower"`` or ``None`` when neither direction is better in general.
    """

    name: str
    unit: str
    label: str
    description: str
    better: str | None = None

    @property
    def activities(self) -> tuple[Activity, ...]:
        """The activities the local pose engine emits it for (from their profiles)."""
        return tuple(p.activity for p in activities.registered() if self.name in p.analysis_types)


ANALYSIS_TYPES: dict[str, AnalysisType] = {
    t.name: t
    for t in [
        AnalysisType(
            "HIP_KNEE_ANGLE_DEGREES",
            "deg",
            "Squat depth (thigh vs horizontal)",
            "At the bottom, angle of the thigh (hip->knee) to the horizontal; + hip above knee, "
            "0 parallel, - below parallel.",
            better="lower",
        ),
        AnalysisType(
            "KNEE_ANGLE_DEGREES",
            "deg",
            "Knee angle (smallest)",
            "Smallest interior knee angle (hip-knee-ankle) during the rep; 180 = straight leg.",
        ),
        AnalysisType(
            "HIP_ANGLE_DEGREES",
            "deg",
            "Hip angle (smallest)",
            "Smallest interior hip angle (shoulder-hip-knee) during the rep; 180 = straight body.",
        ),
        AnalysisType(
            "LOCKOUT_HIP_ANGLE_DEGREES",
            "deg",
            "Hip angle at lockout",
            "Largest interior hip angle (shoulder-hip-knee) during the rep: the fullest "
            "extension, reached at the lockout.",
            better="higher",
        ),
        AnalysisType(
            "TRUNK_LEAN_DEGREES",
            "deg",
            "Trunk lean (largest)",
            "Largest angle of the trunk (hip->shoulder) from vertical during the rep; 0 = upright.",
        ),
        AnalysisType(
            "ELBOW_ANGLE_DEGREES",
            "deg",
            "Elbow angle (smallest)",
            "Smallest interior elbow angle (shoulder-elbow-wrist) during the rep.",
            better="lower",
        ),
        AnalysisType(
            "LOCKOUT_ELBOW_ANGLE_DEGREES",
            "deg",
            "Elbow angle at lockout",
            "Largest interior elbow angle (shoulder-elbow-wrist) during the rep.",
            better="higher",
        ),
        AnalysisType(
            "BODY_LINE_ANGLE_DEGREES",
            "deg",
            "Body line (+ sag / - pike)",
            "Per frame 180 minus the interior angle shoulder-hip-ankle, + when the hip is below the "
            "shoulder-ankle line (sag), - above (pike); per rep its value at the bottom (mid "
            "timestamp).",
        ),
        AnalysisType(
            "IS_LEFT_LEG",
            "flag",
            "Left leg leads",
            "1 when the rep was led by the left side (the left leg in front at the turning point "
            "of a lunge; the stride's leg in Guru's sprint analyses), 0 when by the right.",
        ),
        AnalysisType(
            "MEAN_CONCENTRIC_VELOCITY_M_PER_S",
            "m/s",
            "Mean concentric velocity",
            "Estimate: mean vertical speed of the moving joint over the concentric phase, scaled "
            "by the athlete's height.",
            better="higher",
        ),
        AnalysisType(
            "MEAN_CONCENTRIC_VELOCITY_BH_PER_S",
            "BH/s",
            "Mean concentric velocity",
            "Estimate: mean vertical speed of the moving joint over the concentric phase, in body "
            "heights per second.",
            better="higher",
        ),
    ]
}


def unit_of(analysis_type: str) -> str | None:
    """The unit of an analysis type or column: from the table above, else from its name's suffix.

    Parameters
    ----------
    analysis_type
        An analysisType (``HIP_KNEE_ANGLE_DEGREES``) or a column name (``duration_s``).

    Returns
    -------
    str or None
        The unit, or None when neither the table nor the name says.

    Examples
    --------
    >>> unit_of("HIP_KNEE_ANGLE_DEGREES")
    'deg'
    >>> unit_of("BAR_PATH_DEVIATION_CM")
    'cm'
    >>> unit_of("SOMETHING_NEW") is None
    True
    """
    known = ANALYSIS_TYPES.get(analysis_type)
    if known is not None:
        return known.unit
    return unit_from_suffix(analysis_type)
