"""Frames at the rep timestamps of an analysis, optionally annotated.

Examples
--------
>>> import guru_form as gf
>>> analysis = gf.Analysis.load("squat.json")  # doctest: +SKIP
>>> frames = gf.extract_rep_frames("squat.mp4", analysis, phases=("start", "mid", "end"))  # doctest: +SKIP
>>> frames[1].rep, frames[1].phase, frames[1].frame_index  # doctest: +SKIP
(1, 'mid', 72)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from guru_form.errors import InvalidInputError
from guru_form.frames.annotate import ThresholdLike, annotate_frame
from guru_form.frames.phases import Phase, check_phases, phase_time_ms
from guru_form.frames.skeleton import (
    FRAME_ANGLE_LABEL,
    activity_skeleton,
    draw_angle_arc,
    draw_skeleton,
    joints_at,
)
from guru_form.metrics import as_analysis
from guru_form.models import Analysis
from guru_form.video import DecodedFrame, PastEnd, VideoReader, VideoSource, reader_for

__all__ = ["RepFrame", "annotate_rep_frame", "extract_rep_frames", "select_reps"]

ImageArray = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class RepFrame:
    """The frame shown at one phase of one rep.

    Attributes
    ----------
    rep
        1-based rep number, as in ``reps_frame``'s ``rep`` column.
    phase
        ``"start"``, ``"mid"`` or ``"end"``.
    time_ms
        The analysis's timestamp for that phase.
    frame_index
        0-based index of the frame shown at ``time_ms`` (nearest presentation time).
    frame_time_ms
        That frame's own presentation time (within half a frame interval of ``time_ms``).
        When that frame cannot be decoded (a damaged or cut-short file), the last decodable
        frame before it stands in, as :meth:`VideoReader.read_frames` does, and ``frame_index``
        and ``frame_time_ms`` are the stand-in's: compare them with ``time_ms`` to spot it.
    image
        RGB ``uint8`` array ``(height, width, 3)`` in display orientation, annotated or not.
    annotated
        Whether overlays were drawn on ``image``.
    """

    rep: int
    phase: Phase
    time_ms: int
    frame_index: int
    frame_time_ms: float
    image: ImageArray = field(repr=False)
    annotated: bool = False


def select_reps(analysis: Analysis, reps: Iterable[int] | None) -> list[int]:
    """Validate 1-based rep numbers against an analysis (all reps when ``reps`` is None).

    Parameters
    ----------
    analysis
        The analysis.
    reps
        1-based rep numbers, or None for every rep.

    Returns
    -------
    list of int
        The rep numbers, in the order given.

    Raises
    ------
    InvalidInputError
        A rep number the analysis does not have.
    """
    count = len(analysis.reps)
    if reps is None:
        return list(range(1, count + 1))
    chosen = [int(r) for r in reps]
    bad = [r for r in chosen if not 1 <= r <= count]
    if bad:
        raise InvalidInputError(
            f"rep {bad[0]} does not exist; this analysis has {count} reps, numbered 1 to {count}"
        )
    return chosen


def _check_analysis(analysis: Any, what: str = "extract_rep_frames") -> Analysis:
    return as_analysis(analysis, what)


def annotate_rep_frame(
    frame: RepFrame,
    analysis: Analysis,
    *,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    include: Sequence[str] | None = None,
    skeleton: bool = True,
    angle_arc: bool = True,
    scalars: bool = True,
    joints: Mapping[str, tuple[float, float]] | None = None,
    scale: float | None = None,
) -> RepFrame:
    """A copy of ``frame`` with the rep's overlays drawn on it.

    Draws the skeleton and the activity's key-angle arc (knee for squat, hip for deadlift, elbow
    for bench press and push-up) when joints are known -- passed as ``joints``, or read from the
    analysis's pose track at this frame -- then the caption panel: rep, phase, time and the rep's
    scalars with units, coloured by ``thresholds`` when given.

    The arc's label is the angle in this frame (``"89 deg here"``); the panel's values are the
    rep's, taken over all its frames, so a rep's smallest angle may come from a moment before
    the frame at its turning point and differ from the arc's.

    Parameters
    ----------
    frame
        A frame from :func:`extract_rep_frames` (annotated or not).
    analysis
        The analysis it came from.
    thresholds
        ``analysisType -> Threshold`` (or ``(low, high)``) for green/red colouring.
    include
        Show only these analysis types, in this order.
    skeleton, angle_arc
        Draw the skeleton / the key-angle arc when joints are known.
    scalars
        Show the rep's scalars (else only rep, phase and time).
    joints
        ``{joint: (x, y)}`` in pixels of this frame; overrides the pose track.
    scale
        Overlay size factor (default: from the frame size, 1.0 at 720 px).

    Returns
    -------
    RepFrame
        A new frame with ``annotated=True``; ``frame`` itself is not changed.
    """
    rep = analysis.reps[frame.rep - 1]
    image = frame.image.copy()
    points = dict(joints) if joints is not None else {}
    if joints is None and analysis.pose_track is not None:
        points = joints_at(
            analysis.pose_track, frame_index=frame.frame_index, time_ms=frame.frame_time_ms
        )
    drawn, key = activity_skeleton(analysis.activity)
    if points and skeleton:
        draw_skeleton(image, {k: v for k, v in points.items() if k in drawn}, scale=scale)
    if points and angle_arc and key is not None and all(k in points for k in key):
        draw_angle_arc(
            image,
            points[key[0]],
            points[key[1]],
            points[key[2]],
            scale=scale,
            label_format=FRAME_ANGLE_LABEL,
        )
    annotate_frame(
        image,
        rep=frame.rep,
        phase=frame.phase,
        time_ms=frame.time_ms,
        analyses=rep.analyses if scalars else None,
        thresholds=thresholds,
        activity=analysis.activity,
        include=include,
        scale=scale,
        copy=False,
    )
    return replace(frame, image=image, annotated=True)


def extract_rep_frames(
    video_path: VideoSource | VideoReader,
    analysis: Analysis | dict[str, Any],
    phases: Sequence[Phase] | Phase = ("mid",),
    annotate: bool = True,
    *,
    reps: Iterable[int] | None = None,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    include: Sequence[str] | None = None,
    skeleton: bool = True,
    past_end: PastEnd = "error",
    progress: bool = False,
) -> list[RepFrame]:
    """The frames shown at the rep timestamps of ``analysis``.

    Frames are decoded in time order with seeking where it pays (see
    :mod:`guru_form.video.reader`); the whole video is never decoded to get a few frames. A
    frame that cannot be decoded (a damaged or cut-short file) is replaced by the last decodable
    frame before it, whose own index and time the :class:`RepFrame` carries.

    Parameters
    ----------
    video_path
        The analysed video: a path, an open binary file object, or an open
        :class:`~guru_form.video.VideoReader` (left open, for callers that read it more than once).
    analysis
        Its analysis (an :class:`~guru_form.Analysis`, or the API's analysis JSON as a dict).
    phases
        Which of ``"start"``, ``"mid"``, ``"end"`` to take from each rep.
    annotate
        Draw overlays (see :func:`annotate_rep_frame`).
    reps
        1-based rep numbers to take (default: all).
    thresholds
        ``analysisType -> Threshold`` for green/red colouring of the scalars.
    include
        Show only these analysis types on the overlay.
    skeleton
        Draw the skeleton and key-angle arc when the analysis carries a pose track.
    past_end
        ``"error"`` (default): a timestamp past the end of the video raises
        :class:`~guru_form.errors.TimestampOutOfRangeError`; ``"clamp"``: it gives the last frame.
    progress
        Show a progress bar.

    Returns
    -------
    list of RepFrame
        Ordered by rep, then by phase in the order given. Images are RGB.

    Raises
    ------
    InvalidVideoError
        The video is missing, unreadable or closed.
    TimestampOutOfRangeError
        A timestamp lies outside the video (checked before decoding).
    InvalidInputError
        Unknown phase or rep number.

    Examples
    --------
    >>> frames = extract_rep_frames("squat.mp4", analysis, phases=("mid",))  # doctest: +SKIP
    >>> contact_sheet(frames)  # doctest: +SKIP
    """
    analysis = _check_analysis(analysis)
    wanted_phases = check_phases(phases)
    numbers = select_reps(analysis, reps)
    requests = [
        (number, phase, phase_time_ms(analysis.reps[number - 1], phase))
        for number in numbers
        for phase in wanted_phases
    ]
    with reader_for(video_path) as reader:
        indices = reader.frame_index_at([t for *_, t in requests], past_end=past_end)
        unique = np.unique(indices).tolist()
        frames_iter: Iterable[tuple[int, DecodedFrame]] = reader.iter_frames_for_indices(unique)
        if progress:
            from tqdm.auto import tqdm

            frames_iter = tqdm(frames_iter, total=len(unique), desc="frames", unit="frame")
        # Keyed by the requested index: a stand-in for an undecodable frame has its own index.
        decoded = dict(frames_iter)
    out: list[RepFrame] = []
    used: set[int] = set()
    for (number, phase, t), index in zip(requests, indices.tolist(), strict=True):
        f = decoded[index]
        # Two timestamps on one frame (a rep's end is often the next one's start): own copies.
        image = f.image if index not in used else f.image.copy()
        used.add(index)
        rep_frame = RepFrame(number, phase, t, f.index, f.time_ms, image)
        if annotate:
            rep_frame = annotate_rep_frame(
                rep_frame,
                analysis,
                thresholds=thresholds,
                include=include,
                skeleton=skeleton,
                angle_arc=skeleton,
            )
        out.append(rep_frame)
    return out
