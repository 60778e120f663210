"""The people on a frame, numbered as ``person=`` counts them, so a coach can pick the athlete.

With several people in view the local engine measures, by default, the one doing the activity
(:mod:`guru_form.pose.people`). To choose another, look at who is where::

    from guru_form import frames, pose

    frames.show_people("gym.mp4", at_s=2.0)            # each person boxed and numbered 0, 1, ...
    pose.analyze_video("gym.mp4", "squat", person=1, person_at_s=2.0)

:func:`people_at` finds them (the default pose backend, tracking from a few seconds before
the frame, as an analysis does), :func:`draw_people` draws them on an image, :func:`show_people`
does both into a matplotlib Axes. People are numbered from 0, left to right by their hips: the order in which
``person=`` counts them on the same frame.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from guru_form.errors import InvalidInputError
from guru_form.frames.annotate import Color, draw_outlined_text, overlay_scale
from guru_form.frames.skeleton import OUTLINE, draw_skeleton

__all__ = ["PEOPLE_COLORS", "PeopleOnFrame", "draw_people", "people_at", "show_people"]

FloatArray = npt.NDArray[np.float64]
ImageArray = npt.NDArray[np.uint8]

#: Colour of each person's box and label, by number (repeats after the last).
PEOPLE_COLORS: tuple[Color, ...] = (
    (255, 190, 40),
    (80, 200, 255),
    (255, 90, 160),
    (120, 230, 90),
    (190, 130, 255),
    (255, 255, 255),
)


@dataclass(frozen=True)
class PeopleOnFrame:
    """The people found on one frame.

    Attributes
    ----------
    image
        The frame, RGB.
    time_s
        Its time in the video, seconds.
    people
        Each person's joints ``(len(JOINTS), 4)`` (:data:`guru_form.pose.joints.JOINTS`), left
        to right: ``people[i]`` is ``person=i``.
    boxes
        Each person's box ``(x0, y0, x1, y1)`` in pixels.
    """

    image: ImageArray
    time_s: float
    people: list[FloatArray]
    boxes: list[FloatArray]


def _left_to_right(found: list[FloatArray]) -> list[tuple[FloatArray, FloatArray]]:
    from guru_form.pose.people import body_box, hip_x

    boxed = [(joints, body_box(joints)) for joints in found]
    return sorted(
        ((joints, box) for joints, box in boxed if box is not None),
        key=lambda item: hip_x(item[0]),
    )


def people_at(
    video: str | os.PathLike[str],
    at_s: float | None = None,
    *,
    lookback_s: float = 3.0,
    estimator: Any = None,
) -> PeopleOnFrame:
    """Find the people on the frame at ``at_s`` seconds, as the engine's tracking sees them.

    The default pose backend follows people from ``lookback_s`` before ``at_s`` up to that
    frame, as an analysis does: someone the detector cannot find on one frame alone (lying in a
    push-up against a bright window, say) is still there when tracking found them earlier.

    Parameters
    ----------
    video
        The video file.
    at_s
        The frame's time; default: the first frame on which anyone is found.
    lookback_s
        How long before ``at_s`` tracking starts.
    estimator
        A :class:`~guru_form.pose.blazepose.BlazePoseEstimator` to use (it is reset first).

    Returns
    -------
    PeopleOnFrame
        The frame, its time and the people found on it, in the order ``person=`` indexes them.

    Raises
    ------
    InvalidVideoError
        When the file is not a readable video.
    InvalidInputError
        For a time that is not in the video.
    MissingDependencyError
        When the ``pose`` extra is not installed.
    """
    from guru_form.pose.blazepose import BlazePoseEstimator
    from guru_form.video import DecodedFrame, VideoReader

    model = estimator if estimator is not None else BlazePoseEstimator()
    model.reset()
    with VideoReader(video) as reader:
        info = reader.info
        if at_s is not None and not (np.isfinite(at_s) and 0 <= at_s <= info.duration_s):
            raise InvalidInputError(
                f"at_s={at_s} is not a time in the video (0 to {info.duration_s:.2f} s)"
            )
        frames: Iterator[DecodedFrame]
        if at_s is None:
            frames = reader.iter_strided(1)
        else:
            start_ms = 1000.0 * max(0.0, at_s - lookback_s)
            frames = reader.iter_range(start_ms, 1000.0 * at_s, past_end="clamp")
        last: PeopleOnFrame | None = None
        with contextlib.closing(frames):  # type: ignore[type-var]  # both are generators
            for decoded in frames:
                found = list(model.estimate_people(decoded.image, decoded.time_ms).values())
                pairs = _left_to_right(found)
                last = PeopleOnFrame(
                    decoded.image,
                    decoded.time_ms / 1000.0,
                    [j for j, _ in pairs],
                    [b for _, b in pairs],
                )
                if at_s is None and pairs:
                    break
    if last is None:
        raise InvalidInputError(f"{os.fspath(video)}: no frame could be decoded")
    return last


def _side(joints: FloatArray, side: str) -> dict[str, tuple[float, float]]:
    from guru_form.pose.joints import JOINTS

    out: dict[str, tuple[float, float]] = {}
    for i, name in enumerate(JOINTS):
        if name == "nose":
            out["nose"] = (float(joints[i, 0]), float(joints[i, 1]))
        elif name.startswith(side + "_"):
            out[name[len(side) + 1 :]] = (float(joints[i, 0]), float(joints[i, 1]))
    return out


def draw_people(
    image: ImageArray,
    people: Sequence[FloatArray],
    *,
    boxes: Sequence[FloatArray] | None = None,
    highlight: int | None = None,
) -> None:
    """Draw each person's skeleton, box and number on ``image``, in place.

    Parameters
    ----------
    image
        RGB ``uint8`` frame.
    people
        Joints ``(len(JOINTS), 4)`` of each person, numbered in this order from 0.
    boxes
        Their boxes ``(x0, y0, x1, y1)`` (default: from their joints).
    highlight
        The number of a person to draw thicker (the athlete chosen), if any.
    """
    import cv2

    from guru_form.pose.people import body_box

    s = overlay_scale(image)
    for number, joints in enumerate(people):
        colour = PEOPLE_COLORS[number % len(PEOPLE_COLORS)]
        for side in ("left", "right"):
            draw_skeleton(image, _side(joints, side), joint_color=colour, scale=0.7 * s)
        box = boxes[number] if boxes is not None else body_box(joints)
        if box is None:
            continue
        x0, y0, x1, y1 = (round(float(v)) for v in box)
        thick = max(2, round((4 if number == highlight else 2) * s))
        cv2.rectangle(image, (x0, y0), (x1, y1), OUTLINE, thick + 2, cv2.LINE_AA)
        cv2.rectangle(image, (x0, y0), (x1, y1), colour, thick, cv2.LINE_AA)
        label = f"person {number}"
        draw_outlined_text(
            image, label, (max(0, x0), max(round(24 * s), y0 - round(6 * s))), color=colour
        )


def show_people(
    video: str | os.PathLike[str],
    at_s: float | None = None,
    *,
    ax: Any = None,
    estimator: Any = None,
) -> Any:
    """Show the frame at ``at_s`` with every person found on it, numbered for ``person=``.

    Parameters
    ----------
    video
        The video file.
    at_s
        The frame's time, seconds; default: the first frame on which anyone is found.
    ax
        A matplotlib Axes to draw into (default: a new figure's).
    estimator
        A :class:`~guru_form.pose.blazepose.BlazePoseEstimator` to reuse.

    Returns
    -------
    matplotlib.axes.Axes
        Titled with the time and the number of people found.
    """
    import matplotlib.pyplot as plt

    found = people_at(video, at_s, estimator=estimator)
    image = found.image.copy()
    draw_people(image, found.people, boxes=found.boxes)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 8 * image.shape[0] / max(1, image.shape[1])))
    ax.imshow(image)
    ax.set_axis_off()
    n = len(found.people)
    who = "no one" if n == 0 else ("1 person" if n == 1 else f"{n} people")
    ax.set_title(f"{who} at {found.time_s:.2f} s: person=0 is the leftmost")
    return ax
