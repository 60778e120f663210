"""The tracked side's skeleton and a joint-angle arc, drawn on a frame with OpenCV.

Drawing takes joints as a plain mapping ``name -> (x, y)`` in pixels of the displayed frame, so it
works with any source: a :class:`~guru_form.pose.PoseTrack`, another pose model, or hand-placed
points. :func:`joints_at` reads one frame's joints out of a pose track (a ``PoseTrack`` or its
DataFrame: columns ``frame``, ``time_ms``, ``<joint>_x``, ``<joint>_y``, ``<joint>_visibility``).

The key angle of each activity (its profile's ``key_angle``, see :func:`activity_skeleton`) is the
one a coach checks at the turning point: the knee for a squat, the hip for a deadlift, the elbow for
bench press and push-up. Its value is computed with :func:`guru_form.kinematics.joint_angle`, the
same definition the analyses use.

Examples
--------
>>> import numpy as np
>>> img = np.zeros((480, 640, 3), np.uint8)
>>> joints = {"hip": (300, 200), "knee": (380, 260), "ankle": (320, 360)}
>>> draw_skeleton(img, joints)
>>> round(draw_angle_arc(img, joints["hip"], joints["knee"], joints["ankle"]), 1)
95.9
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from guru_form import activities
from guru_form._deprecation import moved_names
from guru_form.errors import InvalidInputError
from guru_form.frames.annotate import Color, draw_outlined_text, overlay_scale
from guru_form.kinematics import joint_angle, segment_angle_to_horizontal
from guru_form.metrics import Threshold, format_value
from guru_form.models import Activity

__all__ = [
    "BONES",
    "FRAME_ANGLE_LABEL",
    "JOINTS",
    "Point",
    "PoseJoints",
    "activity_skeleton",
    "depth_words",
    "draw_angle_arc",
    "draw_depth_reference",
    "draw_skeleton",
    "joints_at",
]

ImageArray = npt.NDArray[np.uint8]
Point = tuple[float, float]

#: Joint names a pose track may carry for the tracked side.
JOINTS: tuple[str, ...] = (
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

#: Segments drawn between joints.
BONES: tuple[tuple[str, str], ...] = (
    ("nose", "shoulder"),
    ("shoulder", "elbow"),
    ("elbow", "wrist"),
    ("shoulder", "hip"),
    ("hip", "knee"),
    ("knee", "ankle"),
    ("ankle", "heel"),
    ("heel", "foot_index"),
    ("ankle", "foot_index"),
)


def activity_skeleton(
    activity: Activity | str | None,
) -> tuple[tuple[str, ...], tuple[str, str, str] | None]:
    """The joints to draw for an activity, and its key angle ``(a, vertex, c)``.

    Both come from the activity's profile (:mod:`guru_form.activities`): its ``skeleton_joints``
    and its ``key_angle``, the angle a coach checks at the turning point. An activity without a
    profile (or None) gets every joint of :data:`JOINTS` and no key angle.

    Parameters
    ----------
    activity
        The analysis's activity, or its API name.

    Returns
    -------
    tuple
        ``(joints to draw, key angle or None)``.

    Examples
    --------
    >>> activity_skeleton("deadlift")[1]
    ('shoulder', 'hip', 'knee')
    >>> activity_skeleton(None) == (JOINTS, None)
    True
    """
    profile = activities.find(activity)
    if profile is None:
        return JOINTS, None
    return profile.skeleton_joints, profile.key_angle


def _key_angles() -> dict[Activity, tuple[str, str, str]]:
    return {p.activity: p.key_angle for p in activities.registered()}


__getattr__ = moved_names(
    __name__, {"KEY_ANGLES": ("guru_form.activities.get(activity).key_angle", _key_angles)}
)

#: The arc's label on a rep's frames: the angle *in that frame*, which need not be the rep's
#: value (a rep's smallest angle can come from a frame before its turning point).
FRAME_ANGLE_LABEL = "{:.0f} deg here"

BONE_COLOR: Color = (245, 245, 245)
JOINT_COLOR: Color = (255, 190, 40)
ARC_COLOR: Color = (80, 200, 255)
OUTLINE: Color = (0, 0, 0)


def _point(value: Any) -> tuple[int, int] | None:
    try:
        x, y = float(value[0]), float(value[1])
    except (TypeError, ValueError, IndexError):
        return None
    if math.isnan(x) or math.isnan(y):
        return None
    return round(x), round(y)


def draw_skeleton(
    image: ImageArray,
    joints: Mapping[str, Point],
    *,
    bone_color: Color = BONE_COLOR,
    joint_color: Color = JOINT_COLOR,
    scale: float | None = None,
) -> None:
    """Draw bones (outlined lines) and joints (dots) of the given joints, in place.

    Joints that are missing or NaN are skipped, with their bones.

    Parameters
    ----------
    image
        RGB ``uint8`` frame, drawn on in place.
    joints
        ``{joint: (x, y)}`` in pixels of ``image``; names from :data:`JOINTS`, bones from
        :data:`BONES` (other names get a dot and no bone).
    bone_color, joint_color
        RGB colours of the bones and of the joint dots (both get a dark outline).
    scale
        Line and dot size factor; default :func:`~guru_form.frames.annotate.overlay_scale` of the
        image (1.0 at 720 px).

    Returns
    -------
    None
        ``image`` is changed in place.

    Examples
    --------
    >>> img = np.zeros((480, 640, 3), np.uint8)
    >>> draw_skeleton(img, {"hip": (300, 200), "knee": (380, 260), "ankle": (float("nan"), 0)})
    >>> bool(img[230, 340].any()), bool(img[0, 0].any())  # on the thigh; far from it
    (True, False)
    """
    s = overlay_scale(image) if scale is None else scale
    width = max(2, round(4 * s))
    points = {name: p for name, value in joints.items() if (p := _point(value)) is not None}
    for a, b in BONES:
        if a in points and b in points:
            cv2.line(
                image, points[a], points[b], OUTLINE, width + max(2, round(3 * s)), cv2.LINE_AA
            )
            cv2.line(image, points[a], points[b], bone_color, width, cv2.LINE_AA)
    radius, outlined = _joint_radii(s)
    for p in points.values():
        cv2.circle(image, p, outlined, OUTLINE, -1, cv2.LINE_AA)
        cv2.circle(image, p, radius, joint_color, -1, cv2.LINE_AA)


def _joint_radii(s: float) -> tuple[int, int]:
    """Radius of a joint dot, and of the dot with its outline, at overlay scale ``s``."""
    radius = max(3, round(6 * s))
    return radius, radius + max(1, round(2 * s))


def _clear_distance(ux: float, uy: float, half_w: float, half_h: float, gap: float) -> float:
    """How far along the unit direction ``(ux, uy)`` to centre a ``2 half_w`` x ``2 half_h`` box
    so that its nearest point lies ``gap`` from the origin (the smallest such distance)."""

    def clearance(t: float) -> float:
        return math.hypot(max(abs(t * ux) - half_w, 0.0), max(abs(t * uy) - half_h, 0.0))

    # Clearance grows with t; at the support-line distance it is at least ``gap``.
    low, high = 0.0, gap + abs(ux) * half_w + abs(uy) * half_h
    for _ in range(30):
        middle = (low + high) / 2
        low, high = (middle, high) if clearance(middle) < gap else (low, middle)
    return high


def draw_angle_arc(
    image: ImageArray,
    a: Point,
    vertex: Point,
    c: Point,
    *,
    color: Color = ARC_COLOR,
    label: bool = True,
    scale: float | None = None,
    label_format: str = "{:.0f} deg",
) -> float:
    """Draw the interior angle ``a-vertex-c`` as a shaded wedge with its value, in place.

    The value (``"81 deg"``) goes on the far side of the vertex from the wedge, its box clear of
    the joint dot that :func:`draw_skeleton` draws there, however wide the text.

    Parameters
    ----------
    image
        RGB ``uint8`` frame, drawn on in place.
    a, vertex, c
        ``(x, y)`` pixels of the three joints; the angle is measured at ``vertex``.
    color
        RGB colour of the wedge, its rim and the label.
    label
        Write the angle's value beside the wedge.
    scale
        Size factor; default :func:`~guru_form.frames.annotate.overlay_scale` of the image.
    label_format
        The label, a :meth:`str.format` pattern given the angle in degrees (ASCII: OpenCV's
        font has no other characters). The rep frames use :data:`FRAME_ANGLE_LABEL`,
        ``"81 deg here"``: the angle in that frame, not the rep's value beside it.

    Returns
    -------
    float
        The angle in degrees (NaN, and nothing drawn, when a point is missing or a segment has
        zero length).

    Raises
    ------
    InvalidInputError
        ``label_format`` is not a pattern that formats one number.

    Examples
    --------
    >>> img = np.zeros((480, 640, 3), np.uint8)
    >>> draw_angle_arc(img, (400, 100), (400, 300), (600, 300))
    90.0
    >>> draw_angle_arc(img, (400, 100), (400, 300), (600, 300), label_format=FRAME_ANGLE_LABEL)
    90.0
    """
    try:
        label_format.format(0.0)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
        raise InvalidInputError(
            f"label_format {label_format!r} cannot format an angle ({error}); "
            'use a pattern such as "{:.0f} deg"'
        ) from None
    pa, pv, pc = _point(a), _point(vertex), _point(c)
    if pa is None or pv is None or pc is None:
        return math.nan
    angle = float(
        joint_angle(np.asarray(a, float), np.asarray(vertex, float), np.asarray(c, float))
    )
    if math.isnan(angle):
        return angle
    s = overlay_scale(image) if scale is None else scale
    len_a = math.dist(pa, pv)
    len_c = math.dist(pc, pv)
    radius = round(max(14 * s, min(0.45 * min(len_a, len_c), 70 * s)))
    # Image angles grow clockwise (y down), which is also how cv2.ellipse counts them.
    ang_a = math.degrees(math.atan2(pa[1] - pv[1], pa[0] - pv[0]))
    ang_c = math.degrees(math.atan2(pc[1] - pv[1], pc[0] - pv[0]))
    sweep = (ang_c - ang_a) % 360
    start, end = (ang_a, ang_a + sweep) if sweep <= 180 else (ang_c, ang_c + 360 - sweep)
    wedge = image.copy()
    cv2.ellipse(wedge, pv, (radius, radius), 0, start, end, color, -1, cv2.LINE_AA)
    cv2.addWeighted(wedge, 0.35, image, 0.65, 0, dst=image)
    thick = max(2, round(3 * s))
    cv2.ellipse(image, pv, (radius, radius), 0, start, end, OUTLINE, thick + 2, cv2.LINE_AA)
    cv2.ellipse(image, pv, (radius, radius), 0, start, end, color, thick, cv2.LINE_AA)
    if label:
        # Put the value outside the wedge, on the far side of the vertex from the bisector, as
        # close as it can go with the nearest point of its box a gap beyond the joint dot: wide
        # text moves further out than narrow text, so it never covers the joint.
        mid = math.radians((start + end) / 2)
        ux, uy = -math.cos(mid), -math.sin(mid)
        text = label_format.format(angle)
        (tw, th), base = cv2.getTextSize(
            text, cv2.FONT_HERSHEY_DUPLEX, 0.6 * s, max(1, round(1.4 * s))
        )
        outline = max(2, round(2.5 * s))  # draw_outlined_text's halo around the glyphs
        half_w, half_h = tw / 2 + outline, (th + base) / 2 + outline
        gap = _joint_radii(s)[1] + 6 * s
        dist = _clear_distance(ux, uy, half_w, half_h, gap)
        cx, cy = pv[0] + ux * dist, pv[1] + uy * dist
        # (x, y) is the baseline-left corner; the box (descender included) is centred on (cx, cy).
        x = round(min(max(cx - tw / 2, 2), image.shape[1] - tw - 2))
        y = round(min(max(cy + (th - base) / 2, th + 2), image.shape[0] - base - 2))
        draw_outlined_text(image, text, (x, y), color=color, scale=s)
    return angle


def depth_words(angle: float) -> str:
    """The thigh's angle to the horizontal in words: ``"7.4 deg above parallel"``.

    Parameters
    ----------
    angle
        ``HIP_KNEE_ANGLE_DEGREES``: positive when the hip is above the knee.

    Returns
    -------
    str
        ASCII (OpenCV's font); the number has enough decimals to read on its side of parallel
        (:func:`guru_form.metrics.format_value`).

    Examples
    --------
    >>> depth_words(7.44), depth_words(-0.04), depth_words(0.0)
    ('7.4 deg above parallel', '0.04 deg below parallel', 'at parallel')
    """
    if angle == 0:
        return "at parallel"
    side = "above" if angle > 0 else "below"
    # Read against 0, so that a thigh off parallel never prints as "0.0 deg" off it.
    off = format_value(abs(angle), "deg", Threshold(high=0), ascii=True)
    return f"{off} {side} parallel"


def _dashed_line(
    image: ImageArray, a: tuple[int, int], b: tuple[int, int], color: Color, thick: int, dash: int
) -> None:
    length = math.dist(a, b)
    if length == 0:
        return
    steps = max(1, int(length // dash))
    for k in range(0, steps, 2):
        t0, t1 = k / steps, min(1.0, (k + 1) / steps)
        p0 = (round(a[0] + (b[0] - a[0]) * t0), round(a[1] + (b[1] - a[1]) * t0))
        p1 = (round(a[0] + (b[0] - a[0]) * t1), round(a[1] + (b[1] - a[1]) * t1))
        cv2.line(image, p0, p1, OUTLINE, thick + 2, cv2.LINE_AA)
        cv2.line(image, p0, p1, color, thick, cv2.LINE_AA)


def draw_depth_reference(
    image: ImageArray,
    hip: Point,
    knee: Point,
    *,
    color: Color = ARC_COLOR,
    label: bool = True,
    scale: float | None = None,
) -> float:
    """Draw what a squat's depth is judged by: the horizontal through the knee, the thigh, and
    the angle between them, in place.

    The angle is ``HIP_KNEE_ANGLE_DEGREES`` on this frame
    (:func:`guru_form.kinematics.segment_angle_to_horizontal` of hip and knee): a dashed
    horizontal line through the knee, the thigh (hip to knee) over it, a shaded wedge between
    them and the angle in words (``"7.4 deg above parallel"``) beside the wedge, on the side of
    the line away from the thigh's other end.

    Parameters
    ----------
    image
        RGB ``uint8`` frame, drawn on in place.
    hip, knee
        ``(x, y)`` pixels of the measured side's hip and knee.
    color
        RGB colour of the line, the wedge and the label.
    label
        Write the angle in words.
    scale
        Size factor; default :func:`~guru_form.frames.annotate.overlay_scale` of the image.

    Returns
    -------
    float
        The thigh's angle to the horizontal in degrees, positive with the hip above the knee
        (NaN, and nothing drawn, when a point is missing or they coincide).

    Examples
    --------
    >>> img = np.zeros((480, 640, 3), np.uint8)
    >>> round(draw_depth_reference(img, (300, 250), (400, 260)), 1)  # hip 10 px above the knee
    5.7
    """
    ph, pk = _point(hip), _point(knee)
    if ph is None or pk is None or ph == pk:
        return math.nan
    angle = float(segment_angle_to_horizontal(np.asarray(hip, float), np.asarray(knee, float)))
    s = overlay_scale(image) if scale is None else scale
    thigh = math.dist(ph, pk)
    towards = -1 if ph[0] < pk[0] else 1  # the hip's side of the knee
    reach = max(thigh * 1.25, 60 * s)
    width = image.shape[1]
    left = (round(max(0, pk[0] - reach)), pk[1])
    right = (round(min(width - 1, pk[0] + reach)), pk[1])
    thick = max(2, round(2.5 * s))
    _dashed_line(image, left, right, color, thick, max(6, round(12 * s)))
    cv2.line(image, pk, ph, OUTLINE, thick + 3, cv2.LINE_AA)
    cv2.line(image, pk, ph, color, thick + 1, cv2.LINE_AA)
    # The wedge from the horizontal ray on the hip's side to the thigh (image angles clockwise).
    radius = round(max(16 * s, min(0.55 * thigh, 90 * s)))
    ray = 180.0 if towards < 0 else 0.0
    thigh_dir = math.degrees(math.atan2(ph[1] - pk[1], ph[0] - pk[0]))
    sweep = (thigh_dir - ray + 180.0) % 360.0 - 180.0
    start, end = (ray, ray + sweep) if sweep >= 0 else (ray + sweep, ray)
    wedge = image.copy()
    cv2.ellipse(wedge, pk, (radius, radius), 0, start, end, color, -1, cv2.LINE_AA)
    cv2.addWeighted(wedge, 0.4, image, 0.6, 0, dst=image)
    cv2.ellipse(image, pk, (radius, radius), 0, start, end, OUTLINE, thick + 2, cv2.LINE_AA)
    cv2.ellipse(image, pk, (radius, radius), 0, start, end, color, thick, cv2.LINE_AA)
    if label:
        text = depth_words(angle)
        font_scale, weight = 0.6 * s, max(1, round(1.4 * s))
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, font_scale, weight)
        # Beyond the wedge's far end on the hip's side, above the line when the thigh dips below
        # it (the wedge is under the line) and below the line otherwise.
        gap = round(8 * s)
        x = pk[0] + towards * (radius + gap) - (tw if towards < 0 else 0)
        y = pk[1] - gap - base if angle < 0 else pk[1] + gap + th
        x = round(min(max(x, 2), width - tw - 2))
        y = round(min(max(y, th + 2), image.shape[0] - base - 2))
        draw_outlined_text(image, text, (x, y), color=color, scale=s)
    return angle


class PoseJoints:
    """Fast per-frame joint lookup in a pose track (converted to arrays once).

    Parameters
    ----------
    track
        A ``PoseTrack`` (its ``.frame`` is used) or a DataFrame with ``frame``/``time_ms`` and
        ``<joint>_x``, ``<joint>_y`` (optionally ``<joint>_visibility``) columns.
    tolerance_ms
        A time lookup matches the nearest row only if it lies this close.
    min_visibility
        Joints seen with less confidence than this are left out.
    """

    def __init__(
        self, track: Any, *, tolerance_ms: float = 50.0, min_visibility: float = 0.5
    ) -> None:
        # A DataFrame has a "frame" column, so look for the PoseTrack wrapper only otherwise.
        frame: Any = track if hasattr(track, "columns") else getattr(track, "frame", None)
        self.tolerance_ms = tolerance_ms
        self.min_visibility = min_visibility
        n = 0 if frame is None else len(frame)
        columns = set() if frame is None else set(frame.columns)

        def column(name: str) -> npt.NDArray[np.float64] | None:
            if name not in columns:
                return None
            return np.asarray(frame[name].to_numpy(dtype=float, na_value=np.nan), dtype=np.float64)

        frames = column("frame")
        self._row_of_frame: dict[int, int] = {}
        if frames is not None:
            for row, value in enumerate(frames):
                if not math.isnan(value):
                    self._row_of_frame.setdefault(int(value), row)
        self._times = column("time_ms")
        self._joints: dict[
            str,
            tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64] | None],
        ] = {}
        for name in JOINTS:
            xs, ys = column(f"{name}_x"), column(f"{name}_y")
            if xs is not None and ys is not None:
                self._joints[name] = (xs, ys, column(f"{name}_visibility"))
        self._n = n

    def _row(self, frame_index: int | None, time_ms: float | None) -> int | None:
        if frame_index is not None and frame_index in self._row_of_frame:
            return self._row_of_frame[frame_index]
        if time_ms is None or self._times is None or self._n == 0:
            return None
        gaps = np.abs(self._times - time_ms)
        if np.isnan(gaps).all():
            return None
        nearest = int(np.nanargmin(gaps))
        return nearest if gaps[nearest] <= self.tolerance_ms else None

    def points(self) -> npt.NDArray[np.float64]:
        """Every known, visible joint position of the whole track.

        Returns
        -------
        numpy.ndarray
            ``(n, 2)`` pixel positions ``(x, y)``, all joints and frames together (e.g. to find
            where the athlete is in the picture).
        """
        chunks = []
        for xs, ys, vis in self._joints.values():
            keep = ~(np.isnan(xs) | np.isnan(ys))
            if vis is not None:
                keep &= np.nan_to_num(vis, nan=0.0) >= self.min_visibility
            chunks.append(np.column_stack([xs[keep], ys[keep]]))
        return np.concatenate(chunks) if chunks else np.zeros((0, 2))

    def at(
        self, *, frame_index: int | None = None, time_ms: float | None = None
    ) -> dict[str, Point]:
        """One frame's joints: the row of ``frame_index``, else the row nearest ``time_ms``.

        Parameters
        ----------
        frame_index
            The row whose ``frame`` equals this index is used when there is one.
        time_ms
            Otherwise the row nearest this time, if within ``tolerance_ms``.

        Returns
        -------
        dict
            ``{joint: (x, y)}`` in display pixels, without joints that are missing or seen with
            less than ``min_visibility``; empty when no row matches.
        """
        row = self._row(frame_index, time_ms)
        if row is None:
            return {}
        joints: dict[str, Point] = {}
        for name, (xs, ys, vis) in self._joints.items():
            x, y = float(xs[row]), float(ys[row])
            if math.isnan(x) or math.isnan(y):
                continue
            if vis is not None and not float(vis[row]) >= self.min_visibility:
                continue
            joints[name] = (x, y)
        return joints


def joints_at(
    track: Any,
    *,
    frame_index: int | None = None,
    time_ms: float | None = None,
    tolerance_ms: float = 50.0,
    min_visibility: float = 0.5,
) -> dict[str, Point]:
    """One frame's joints from a pose track, as ``{joint: (x, y)}`` in display pixels.

    Parameters
    ----------
    track
        A ``PoseTrack`` (its ``.frame`` is used) or a DataFrame with ``frame``/``time_ms`` and
        ``<joint>_x``, ``<joint>_y`` (optionally ``<joint>_visibility``) columns.
    frame_index
        The row whose ``frame`` equals this index is used when there is one.
    time_ms
        Otherwise the row nearest this time, if within ``tolerance_ms``.
    min_visibility
        Joints seen with less confidence than this are left out.

    Returns
    -------
    dict
        Empty when no row matches. For many frames, build one :class:`PoseJoints` instead.
    """
    lookup = PoseJoints(track, tolerance_ms=tolerance_ms, min_visibility=min_visibility)
    return lookup.at(frame_index=frame_index, time_ms=time_ms)
