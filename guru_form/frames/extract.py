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
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from guru_form import activities
from guru_form.errors import InvalidInputError
from guru_form.frames.annotate import UNSURE_GREY, ThresholdLike, annotate_frame, athlete_box
from guru_form.frames.moments import Moment, key_moment, measure_of
from guru_form.frames.phases import Phase, check_phases, phase_time_ms
from guru_form.frames.skeleton import (
    ARC_COLOR,
    FRAME_ANGLE_LABEL,
    activity_skeleton,
    draw_angle_arc,
    draw_depth_reference,
    draw_skeleton,
    joints_at,
)
from guru_form.metrics import as_analysis, decimals_of, margins_of
from guru_form.models import Analysis
from guru_form.video import DecodedFrame, PastEnd, VideoReader, VideoSource, reader_for

__all__ = ["MidFrame", "RepFrame", "annotate_rep_frame", "extract_rep_frames", "select_reps"]

#: Which frame stands for a rep's turning point (see :func:`extract_rep_frames`).
MidFrame = Literal["turning_point", "key_metric"]

#: The series whose key metric is judged against the horizontal (squat depth): its frames show
#: the horizontal through the knee and the thigh's angle to it.
DEPTH_SERIES = "thigh_angle"

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
    moment
        For a ``mid`` frame taken where the rep's key metric was measured
        (``mid="key_metric"`` in :func:`extract_rep_frames`): that moment (``time_ms`` is then
        its time, not ``midTimestampMs``); None for a frame at the phase's timestamp.
    """

    rep: int
    phase: Phase
    time_ms: int
    frame_index: int
    frame_time_ms: float
    image: ImageArray = field(repr=False)
    annotated: bool = False
    moment: Moment | None = None

    @property
    def caption(self) -> str:
        """What the frame shows, for its panel: the phase, or the moment's extreme
        (``"smallest elbow angle"``) when it is not the turning point."""
        if self.moment is None or self.moment.reduce == "at_turn":
            return self.phase
        return f"{self.moment.reduce} {_joint_words(self.moment)}"


def _joint_words(moment: Moment) -> str:
    """``"elbow angle"`` for a moment of ``ELBOW_ANGLE_DEGREES`` (read from ``elbow_angle``)."""
    return (
        moment.analysis_type.lower()
        .removesuffix("_degrees")
        .replace("_", " ")
        .replace("lockout ", "")
    )


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
    corner: str = "auto",
    borderline: bool = True,
    caption: bool = True,
) -> RepFrame:
    """A copy of ``frame`` with the rep's overlays drawn on it.

    Draws the skeleton and what the activity's key metric is judged by, when joints are known --
    passed as ``joints``, or read from the analysis's pose track at this frame: on a squat's
    turning point, the depth reference (the horizontal through the knee and the thigh's angle
    to it, :func:`~guru_form.frames.skeleton.draw_depth_reference`), which is the rep's
    ``HIP_KNEE_ANGLE_DEGREES``; otherwise the key-angle arc (knee for a squat's other frames,
    hip for deadlift, elbow for bench press and push-up). Then the caption panel: rep, phase,
    time and the rep's scalars with units, coloured by ``thresholds`` when given, in the corner
    where it covers least of the athlete.

    The arc's label is the angle in this frame. On the frame where the rep's key metric was
    measured (``frame.moment``, see :func:`extract_rep_frames`) that is the rep's number, and
    it reads as the rep's number does (``"73.1 deg"``); on any other frame it says it is this
    frame's (``"86 deg here"``): a rep's smallest angle can come from a moment before the frame
    at its turning point.

    Parameters
    ----------
    frame
        A frame from :func:`extract_rep_frames` (annotated or not).
    analysis
        The analysis it came from.
    thresholds
        ``analysisType -> Threshold`` (or ``(low, high)``) for green/red colouring (amber within
        the borderline margin).
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
    corner
        Where the caption panel goes: ``"auto"`` (default) the corner where it covers least of
        the athlete (:func:`~guru_form.frames.annotate.clear_corner`), or a corner's name.
    borderline
        Judge the scalars by the borderline rule, as the flags and the report do: a value within
        its metric's measured repeatability of a threshold (:func:`guru_form.metrics.margin_of`
        for the analysis's activity) is amber and says "borderline". False: green or red by the
        bounds alone.
    caption
        Draw the caption panel (rep, phase, time and scalars); False leaves it to the caller,
        for a frame shown too small to hold it.

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
    if points and angle_arc:
        _draw_key_metric(image, frame, analysis, points, key, scale)
    if caption:
        annotate_frame(
            image,
            rep=frame.rep,
            phase=frame.caption
            if frame.phase == "mid" and frame.moment is not None
            else frame.phase,
            time_ms=frame.time_ms,
            analyses=rep.analyses if scalars else None,
            thresholds=thresholds,
            activity=analysis.activity,
            include=include,
            scale=scale,
            copy=False,
            corner=corner,
            avoid=athlete_box(points, image.shape[1], image.shape[0]) if points else None,
            margins=(
                margins_of(thresholds, analysis.activity) if borderline and thresholds else None
            ),
            unsure=rep.unsure,
        )
    return replace(frame, image=image, annotated=True)


def _draw_key_metric(
    image: ImageArray,
    frame: RepFrame,
    analysis: Analysis,
    points: Mapping[str, tuple[float, float]],
    key: tuple[str, str, str] | None,
    scale: float | None,
) -> None:
    """The depth reference on a squat's turning point, else the key angle's arc, labelled as the
    rep's number on the frame it was measured on (grey and "unsure" when the pose engine is
    unsure of it) and as this frame's angle on any other."""
    profile = activities.find(analysis.activity)
    measure = None if profile is None else measure_of(analysis, profile.key_metric)
    if (
        measure is not None
        and measure.series == DEPTH_SERIES
        and frame.phase == "mid"
        and "hip" in points
        and "knee" in points
    ):
        draw_depth_reference(image, points["hip"], points["knee"], scale=scale)
        return
    if key is None or not all(k in points for k in key):
        return
    measured_here = frame.moment is not None and frame.moment.frame_index == frame.frame_index
    label = f"{{:.{decimals_of('deg')}f}} deg" if measured_here else FRAME_ANGLE_LABEL
    # The rep's own value, when the pose engine is unsure of it: grey, and said.
    lost = (
        measured_here
        and profile is not None
        and profile.key_metric in analysis.reps[frame.rep - 1].unsure
    )
    draw_angle_arc(
        image,
        points[key[0]],
        points[key[1]],
        points[key[2]],
        scale=scale,
        label_format=label + ", unsure" if lost else label,
        color=UNSURE_GREY if lost else ARC_COLOR,
    )


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
    mid: MidFrame = "turning_point",
    borderline: bool = True,
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
        ``analysisType -> Threshold`` for green/red colouring of the scalars (amber within the
        borderline margin).
    include
        Show only these analysis types on the overlay.
    skeleton
        Draw the skeleton and key-angle arc when the analysis carries a pose track.
    past_end
        ``"error"`` (default): a timestamp past the end of the video raises
        :class:`~guru_form.errors.TimestampOutOfRangeError`; ``"clamp"``: it gives the last frame.
    progress
        Show a progress bar.
    mid
        Which frame stands for the ``"mid"`` phase: ``"turning_point"`` (default), the frame at
        ``midTimestampMs``; ``"key_metric"``, the frame where the rep's key metric was measured
        (:func:`~guru_form.frames.moments.key_moment`: a push-up's smallest elbow angle, a
        squat's depth at the turning point), so that the angle drawn is the rep's number. It
        needs the analysis's pose track; without it, or for a rep whose key metric was not read
        from the track, the turning point is used.
    borderline
        Judge the scalars by the borderline rule (see :func:`annotate_rep_frame`).

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
    if mid not in ("turning_point", "key_metric"):
        raise InvalidInputError(f"mid must be 'turning_point' or 'key_metric', not {mid!r}")
    moments = {
        number: key_moment(analysis, number) if mid == "key_metric" else None for number in numbers
    }
    requests = [
        (
            number,
            phase,
            round(moment.time_ms)
            if phase == "mid" and (moment := moments[number]) is not None
            else phase_time_ms(analysis.reps[number - 1], phase),
        )
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
        moment = moments[number] if phase == "mid" else None
        rep_frame = RepFrame(number, phase, t, f.index, f.time_ms, image, moment=moment)
        if annotate:
            rep_frame = annotate_rep_frame(
                rep_frame,
                analysis,
                thresholds=thresholds,
                include=include,
                skeleton=skeleton,
                angle_arc=skeleton,
                borderline=borderline,
            )
        out.append(rep_frame)
    return out
