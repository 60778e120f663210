"""Choosing the athlete among the people in a video, by default or as the user says.

The default backend follows everyone in view (:attr:`~guru_form.pose.estimator.RawPose.people`).
The athlete is, by default, the person who does the most of the activity's movement
(:func:`activity_movement`), not the largest or the first found: a gym-goer walking past or
someone in the mirror moves, but does not do reps. The user can choose instead with ``person=``:

- an ``int``: the index of a person on a frame, counted left to right from 0 (the order in which
  :func:`guru_form.frames.show_people` numbers them);
- ``(x, y)``: a position in pixels: the person there (the one whose body's box holds it, else the
  nearest);
- ``(x0, y0, x1, y1)``: a box in pixels: the person whose body's box overlaps it most;

on the frame at ``at_s`` seconds (default: the first frame on which anyone is found).
:func:`choose_person` returns the raw pose of the chosen person, and says how they were chosen
(:attr:`~guru_form.pose.estimator.RawPose.person_choice`), which the pose track and the analysis
carry on.

It also says whether the person followed holds together as a body (:func:`jumbled_frames`). A
pose fitted to clutter (a plate, a bar, another person's arms) is a jumble of joints: from one
analysed frame to the next its joints jump by a large part of a limb's length, where a real
body's move little, however fast it lifts. The frames where the joints the activity is counted
from (:func:`guru_form.pose.analysis.required_joints`, both sides; every joint without an
activity) jump that far are kept in ``person_choice["jumbled"]``: their ``fraction`` of the
analysed steps and their ``rows`` (``[start, stop)`` runs of analysed frames), which the rep
confidences and the warnings read (:mod:`guru_form.pose.confidence`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from guru_form import activities
from guru_form.errors import InvalidInputError
from guru_form.kinematics import body_height_px
from guru_form.models import Activity
from guru_form.pose.estimator import RawPose
from guru_form.pose.joints import JOINTS, SIDES, joint_index

__all__ = [
    "BODY_JUMP",
    "PersonSpec",
    "activity_movement",
    "body_box",
    "body_scale",
    "choose_person",
    "hip_x",
    "jumbled_frames",
    "people_on_frame",
]

FloatArray = npt.NDArray[np.float64]

#: ``person=`` arguments: an index on a frame, an ``(x, y)`` position or an ``(x0, y0, x1, y1)``
#: box in pixels, or None for the default choice.
PersonSpec: TypeAlias = "int | Sequence[float] | None"

#: Joints below this visibility do not count in a body's box.
_BOX_VISIBILITY = 0.3
#: A person found on fewer analysed frames than this is not scored as an athlete.
_MIN_FRAMES = 5
#: Between two analysed frames, the median of the joints that count moving more than this many
#: of the body's segment lengths (:func:`body_scale`) is a jump no body makes. A segment (upper
#: arm, forearm, thigh, shin, trunk) is about 0.3-0.45 m, so half of one is 0.15-0.2 m between
#: frames at most 1/12 s apart: 1.8 m/s or more for the middle joint of the body, faster than
#: any lift or push-up moves (a bench press's bar reaches about 1 m/s, a squat's about 1.5 m/s).
BODY_JUMP = 0.5

#: The segments whose median length is the body's scale on a frame: per side the upper arm,
#: forearm, thigh, shin and trunk, and the shoulders' and hips' widths.
_SEGMENTS: tuple[tuple[str, str], ...] = (
    *(
        (f"{side}_{a}", f"{side}_{b}")
        for side in SIDES
        for a, b in (
            ("shoulder", "elbow"),
            ("elbow", "wrist"),
            ("hip", "knee"),
            ("knee", "ankle"),
            ("shoulder", "hip"),
        )
    ),
    ("left_shoulder", "right_shoulder"),
    ("left_hip", "right_hip"),
)


def body_box(joints: FloatArray) -> FloatArray | None:
    """A body's box ``(x0, y0, x1, y1)`` in pixels from its joints ``(len(JOINTS), 4)``.

    The box of the joints the model sees (visibility 0.3 or more; all of them when too few are),
    with a margin of a tenth of its size. None when no joint is known.
    """
    known = np.isfinite(joints[:, :2]).all(axis=1)
    seen = known & (joints[:, 3] >= _BOX_VISIBILITY)
    use = seen if seen.sum() >= 3 else known
    if not use.any():
        return None
    xy = joints[use, :2]
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    mx, my = 0.1 * (x1 - x0) + 1.0, 0.1 * (y1 - y0) + 1.0
    return np.array([x0 - mx, y0 - my, x1 + mx, y1 + my])


def body_scale(landmarks: FloatArray) -> FloatArray:
    """Per frame, the median length of the body's segments in pixels (NaN where one is unknown).

    The segments are each side's upper arm, forearm, thigh, shin and trunk and the shoulders' and
    hips' widths; the median of the twelve stays near a limb's length when a few of them are
    foreshortened (a trunk pointing at the camera, a forearm seen end on).

    Parameters
    ----------
    landmarks
        ``(n, len(JOINTS), 4)`` one person's joints per analysed frame.
    """
    index = {name: k for k, name in enumerate(JOINTS)}
    xy = np.asarray(landmarks, dtype=np.float64)[:, :, :2]
    lengths = np.stack(
        [np.hypot(*(xy[:, index[a]] - xy[:, index[b]]).T) for a, b in _SEGMENTS], axis=1
    )
    return _row_median(lengths)


def _row_median(values: FloatArray) -> FloatArray:
    """Per row, the median of the known values (NaN for a row with none)."""
    out = np.full(len(values), np.nan)
    known = np.isfinite(values).any(axis=1)
    if known.any():
        out[known] = np.nanmedian(values[known], axis=1)
    return out


def _joint_steps(landmarks: FloatArray, joints: Sequence[str] | None) -> FloatArray:
    """Per analysed frame, the median distance ``joints`` moved from the previous frame, over
    the body's scale (NaN on the first frame and where either frame does not say)."""
    lm = np.asarray(landmarks, dtype=np.float64)
    out = np.full(len(lm), np.nan)
    if len(lm) < 2:
        return out
    if joints is None:
        cols = list(range(len(JOINTS)))
    else:
        wanted = {f"{side}_{j}" for side in SIDES for j in joints} | set(joints)
        cols = [k for k, name in enumerate(JOINTS) if name in wanted]
    xy = lm[:, cols, :2]
    step = np.hypot(*(xy[1:] - xy[:-1]).transpose(2, 0, 1))
    scale = body_scale(lm)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[1:] = _row_median(step) / np.fmax(scale[1:], scale[:-1])
    out[~np.isfinite(out)] = np.nan
    return out


def jumbled_frames(
    landmarks: FloatArray, joints: Sequence[str] | None = None
) -> npt.NDArray[np.bool_]:
    """Per analysed frame, True where the person's joints jumped since the previous one.

    A frame is *jumbled* when the median distance the ``joints`` (of both sides) moved from the
    previous analysed frame is more than :data:`BODY_JUMP` times the body's scale
    (:func:`body_scale`, the larger of the two frames'): no body moves that fast, so the pose is
    fitted to something else there. The first frame, and frames where the person is missing on
    it or on the one before, are False.

    Parameters
    ----------
    landmarks
        ``(n, len(JOINTS), 4)`` one person's joints per analysed frame (NaN where not found).
    joints
        Joint names of :data:`~guru_form.pose.joints.SIDE_JOINTS` (``"wrist"``) or ``"nose"``;
        default: every joint.

    Examples
    --------
    >>> body = np.zeros((3, len(JOINTS), 4))
    >>> body[:, :, 0] = np.arange(len(JOINTS)) * 40.0  # a body 640 px wide, standing still
    >>> jumbled_frames(body).tolist()
    [False, False, False]
    >>> body[2, :, 1] += 400.0  # every joint jumps 400 px on the last frame
    >>> jumbled_frames(body).tolist()
    [False, False, True]
    """
    with np.errstate(invalid="ignore"):
        return np.asarray(_joint_steps(landmarks, joints) > BODY_JUMP, dtype=bool)


def _jumbled(landmarks: FloatArray, activity: Activity | str | None) -> dict[str, Any]:
    """``person_choice["jumbled"]``: the share of the analysed steps on which the joints that
    count jumped, and the runs of analysed frames where they did."""
    from guru_form.pose.analysis import required_joints
    from guru_form.pose.filters import runs

    joints = None if activity is None else required_joints(activity)
    steps = _joint_steps(landmarks, joints)
    known = np.isfinite(steps)
    jumped = known & (np.where(known, steps, 0.0) > BODY_JUMP)
    fraction = float(jumped.sum()) / int(known.sum()) if known.any() else 0.0
    return {"fraction": round(fraction, 4), "rows": [[a, b] for a, b in runs(jumped)]}


def hip_x(joints: FloatArray) -> float:
    """The x of a body's mid-hip (of its joints' mean when the hips are unknown), pixels."""
    hips = joints[[joint_index(s, "hip") for s in SIDES], 0]
    if np.isfinite(hips).any():
        return float(np.nanmean(hips))
    return float(np.nanmean(joints[:, 0]))


def people_on_frame(raw: RawPose, row: int) -> list[tuple[int, FloatArray]]:
    """The people on analysed frame ``row``, left to right: ``(person id, joints)`` each."""
    here = []
    for pid, series in raw.people.items():
        at = np.searchsorted(series.rows, row)
        if at < len(series.rows) and series.rows[at] == row:
            here.append((pid, series.landmarks[at]))
    return sorted(here, key=lambda item: hip_x(item[1]))


def activity_movement(raw: RawPose, activity: Activity) -> tuple[float, float]:
    """How much of the activity's movement one person's raw pose shows.

    The reps the engine finds in it (:func:`guru_form.pose.segmentation.segment_reps`) and the
    vertical travel of the activity's moving joint (its profile's ``moving_joint``,
    :mod:`guru_form.activities`)
    through them, in body heights; then, to tell apart people who do no rep, that joint's
    vertical range over the video (5th to 95th percentile), in body heights.

    Parameters
    ----------
    raw
        One person's raw pose (``landmarks`` holds them).
    activity
        The activity the video shows.

    Returns
    -------
    tuple of float
        ``(travel through reps, range)``: compare as a tuple, larger is more of the movement.
    """
    from guru_form.pose.segmentation import segment_reps
    from guru_form.pose.track import build_track

    if int(raw.person_found.sum()) < _MIN_FRAMES:
        return (0.0, 0.0)
    track = build_track(raw, activity)
    joints = track.joints()
    height = body_height_px(joints)
    if not (np.isfinite(height) and height > 0):
        return (0.0, 0.0)
    y = joints[activities.get(activity).moving_joint][:, 1]
    frame = track.frame
    windows = segment_reps(
        activity,
        track.series(),
        joints,
        frame["time_ms"].to_numpy(dtype=np.float64),
        shot=frame["shot"].to_numpy(),
    )
    travel = 0.0
    for w in windows:
        travel += abs(float(y[w.mid] - y[w.start])) + abs(float(y[w.end] - y[w.mid]))
    finite = y[np.isfinite(y)]
    spread = float(np.percentile(finite, 95) - np.percentile(finite, 5)) if len(finite) else 0.0
    return (travel / height, spread / height)


def _reference_row(raw: RawPose, at_s: float | None) -> int:
    anyone = np.zeros(len(raw), dtype=bool)
    for series in raw.people.values():
        anyone[series.rows] = True
    if not anyone.any():
        raise InvalidInputError("no person was found in the video, so none can be chosen")
    if at_s is None:
        return int(np.flatnonzero(anyone)[0])
    if not np.isfinite(at_s) or at_s < 0:
        raise InvalidInputError(f"person_at_s must be a time in seconds, 0 or more, got {at_s}")
    return int(np.argmin(np.abs(raw.time_ms - 1000.0 * at_s)))


def _describe(people: list[tuple[int, FloatArray]]) -> str:
    if not people:
        return "no one"
    parts = []
    for index, (_, joints) in enumerate(people):
        box = body_box(joints)
        where = (
            "" if box is None else f" at x {box[0]:.0f}-{box[2]:.0f}, y {box[1]:.0f}-{box[3]:.0f}"
        )
        parts.append(f"{index}{where}")
    return f"{len(people)} ({'; '.join(parts)})"


def _pick(people: list[tuple[int, FloatArray]], person: Any, when: str) -> tuple[int, str]:
    hint = f"see who is where with guru_form.frames.show_people(video, at_s={when})"
    if isinstance(person, (bool, np.bool_)):
        raise InvalidInputError(f"person must be an index, an (x, y) or a box, got {person!r}")
    if isinstance(person, (int, np.integer)):
        if not 0 <= int(person) < len(people):
            raise InvalidInputError(
                f"person={person}, but the people found at {when} s are "
                f"{_describe(people)}, numbered from 0 left to right; {hint}"
            )
        return people[int(person)][0], "index"
    try:
        values = [float(v) for v in person]
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"person must be an index, an (x, y) position or an (x0, y0, x1, y1) box in "
            f"pixels, got {person!r}"
        ) from None
    if len(values) not in (2, 4) or not all(np.isfinite(values)):
        raise InvalidInputError(
            f"person must be an index, an (x, y) position or an (x0, y0, x1, y1) box in "
            f"pixels, got {person!r}"
        )
    boxes = [(pid, body_box(joints)) for pid, joints in people]
    known = [(pid, box) for pid, box in boxes if box is not None]
    if not known:
        raise InvalidInputError(f"no person was found at {when} s; {hint}")
    if len(values) == 2:
        x, y = values
        inside = [
            (pid, box) for pid, box in known if box[0] <= x <= box[2] and box[1] <= y <= box[3]
        ]
        candidates = inside or known

        def distance(item: tuple[int, FloatArray]) -> float:
            box = item[1]
            return float(np.hypot((box[0] + box[2]) / 2 - x, (box[1] + box[3]) / 2 - y))

        return min(candidates, key=distance)[0], "position"
    x0, y0, x1, y1 = values
    if x1 <= x0 or y1 <= y0:
        raise InvalidInputError(
            f"the box {person!r} must be (x0, y0, x1, y1) with x0 < x1, y0 < y1"
        )
    from guru_form.pose.blazepose.nms import iou

    stacked = np.stack([box for _, box in known])
    overlap = iou(np.array(values), stacked)
    if not overlap.max() > 0:
        raise InvalidInputError(
            f"the box {person!r} overlaps none of the people found at {when} s: "
            f"{_describe(people)}; {hint}"
        )
    return known[int(np.argmax(overlap))][0], "box"


def choose_person(
    raw: RawPose,
    activity: Activity | str | None,
    person: PersonSpec = None,
    *,
    at_s: float | None = None,
) -> RawPose:
    """The raw pose of the athlete: by default the person doing the activity, else the one chosen.

    Parameters
    ----------
    raw
        From :func:`~guru_form.pose.estimator.estimate_video`.
    activity
        The activity the video shows (the default choice measures its movement; without one,
        the default is the person found on the most frames, as ``raw`` has it).
    person
        None (the default choice), an index, an ``(x, y)`` position or an ``(x0, y0, x1, y1)``
        box (see the module docstring).
    at_s
        The time (seconds) of the frame on which ``person`` is given; default: the first frame
        on which anyone is found.

    Returns
    -------
    RawPose
        A copy whose ``landmarks`` are the chosen person's, with ``person`` (their id) and
        ``person_choice`` (how they were chosen: ``rule``, the ``people`` found, each one's
        ``frames`` and, for the default among several, each one's ``movement``).

    Raises
    ------
    InvalidInputError
        For a ``person`` that is not an index, a position or a box; an index beyond the people
        found on that frame; a box that overlaps no one; ``person=`` with a backend that
        follows one person only.
    """
    if not raw.people:
        if person is not None:
            raise InvalidInputError(
                f"the {raw.estimator!r} pose backend follows one person, so person= cannot "
                f"choose among several; use the default backend ('blazepose')"
            )
        return raw
    n = len(raw)
    frames = {pid: len(series) for pid, series in raw.people.items()}
    choice: dict[str, Any] = {"people": len(raw.people), "frames": _keyed(frames)}
    if person is None and activity is None:
        if not raw.person_choice:
            return raw
        return dataclasses.replace(
            raw,
            person_choice={**raw.person_choice, "jumbled": _jumbled(raw.landmarks, None)},
        )
    if person is None and len(raw.people) == 1:
        (chosen,) = raw.people
        choice.update(rule="only person")
    elif person is None:
        act = Activity(activity)
        movement = {
            pid: activity_movement(dataclasses.replace(raw, landmarks=series.dense(n)), act)
            for pid, series in raw.people.items()
        }
        chosen = max(movement, key=lambda pid: (*movement[pid], frames[pid]))
        choice.update(
            rule="activity movement",
            movement={str(pid): [round(v, 4) for v in m] for pid, m in movement.items()},
        )
    else:
        row = _reference_row(raw, at_s)
        when = f"{raw.time_ms[row] / 1000.0:.2f}"
        on_frame = people_on_frame(raw, row)
        chosen, rule = _pick(on_frame, person, when)
        requested: Any = (
            int(person) if isinstance(person, (int, np.integer)) else [float(v) for v in person]
        )
        choice.update(
            rule=rule, requested=requested, at_s=round(float(raw.time_ms[row]) / 1000.0, 3)
        )
    choice["id"] = chosen
    box = _typical_box(raw, chosen)
    if box is not None:
        choice["box"] = [round(float(v), 1) for v in box]
    landmarks = raw.people[chosen].dense(n)
    choice["jumbled"] = _jumbled(landmarks, activity)
    return dataclasses.replace(raw, landmarks=landmarks, person=chosen, person_choice=choice)


def _keyed(values: dict[int, int]) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.items()}


def _typical_box(raw: RawPose, pid: int) -> FloatArray | None:
    """The person's median body box over the frames they are on."""
    boxes = [b for b in (body_box(j) for j in raw.people[pid].landmarks) if b is not None]
    return np.median(np.stack(boxes), axis=0) if boxes else None
