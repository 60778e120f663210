"""Videos out: one short clip per rep, and the whole video with a live rep counter.

Both write browser-playable H.264 MP4 (see :class:`guru_form.video.H264Writer`), keep the source's frame
timing (variable frame rates included) and its display orientation, and carry no audio. Nothing is
left half-written: clips are written into a hidden staging folder and moved into place together once
all succeeded; the annotated video is written under a temporary name and renamed at the end.

Examples
--------
>>> import guru_form as gf
>>> analysis = gf.Analysis.load("squat.json")  # doctest: +SKIP
>>> gf.export_rep_clips("squat.mp4", analysis, "out/clips", margin_s=0.5)  # doctest: +SKIP
[PosixPath('out/clips/rep01.mp4'), PosixPath('out/clips/rep02.mp4'), ...]
>>> gf.export_annotated_video("squat.mp4", analysis, "out/squat_annotated.mp4")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from guru_form.errors import InvalidInputError
from guru_form.frames._files import staged_directory
from guru_form.frames.annotate import (
    MUTED,
    WHITE,
    Color,
    ThresholdLike,
    analysis_lines,
    draw_text_panel,
    overlay_scale,
    panel_box,
)
from guru_form.frames.extract import _check_analysis, select_reps
from guru_form.frames.phases import progress_at
from guru_form.frames.skeleton import PoseJoints, activity_skeleton, draw_angle_arc, draw_skeleton
from guru_form.models import Analysis
from guru_form.video import (
    DecodedFrame,
    H264Writer,
    PastEnd,
    VideoReader,
    VideoSource,
    reader_for,
)

__all__ = ["export_annotated_video", "export_rep_clips", "overlay_lines"]

ImageArray = npt.NDArray[np.uint8]


def _margins(margin_s: float | tuple[float, float]) -> tuple[float, float]:
    if isinstance(margin_s, (int, float)):
        pre = post = float(margin_s)
    else:
        try:
            pre, post = (float(v) for v in margin_s)
        except (TypeError, ValueError):
            raise InvalidInputError(
                f"margin_s must be seconds or a (before, after) pair, got {margin_s!r}"
            ) from None
    if pre < 0 or post < 0 or not np.isfinite([pre, post]).all():
        raise InvalidInputError(f"margins must be finite and not negative, got {margin_s!r}")
    return pre, post


def overlay_lines(
    analysis: Analysis,
    time_ms: float,
    *,
    focus_rep: int | None = None,
    counter: bool = True,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    include: Sequence[str] | None = None,
    frame_index: int | None = None,
    rep_frames: Sequence[tuple[int, int, int]] | None = None,
) -> list[tuple[str, Color, float]]:
    """The text of the live overlay at ``time_ms`` (for :func:`draw_text_panel`).

    With ``counter``: ``"Reps <done> / <total>"``. Then the rep in progress and its movement
    (``"Rep 2 | lowering"``) or ``"rest"``, the clock, and -- once a rep has ended -- the scalars of
    the last finished rep under ``"last rep (n):"``, as a live readout would give them. With
    ``focus_rep`` (a rep's own clip) the rep line always names that rep, showing ``rest`` in the
    margins around it, and its scalars are shown throughout.

    Given ``frame_index`` and ``rep_frames`` (the indices of the frames shown at each rep's start,
    mid and end), progress is decided by frame, so the frame shown at a rep's end counts it done
    even when the analysis rounded that timestamp up by a fraction of a millisecond.

    Parameters
    ----------
    analysis
        The analysis of the video.
    time_ms
        The video time of the frame, in milliseconds from its first frame.
    focus_rep
        A rep's own clip: always name this rep and show its scalars.
    counter
        Start with the ``"Reps <done> / <total>"`` counter.
    thresholds
        ``analysisType -> Threshold`` (or ``(low, high)``) for green/red scalars.
    include
        Show only these analysis types, in this order.
    frame_index, rep_frames
        The frame's index and, per rep, the indices of its start, mid and end frames.

    Returns
    -------
    list of tuple
        ``(text, rgb colour, relative size)`` per line, for :func:`draw_text_panel`.
    """
    if frame_index is not None and rep_frames is not None:
        progress = progress_at(analysis, frame_index, bounds=rep_frames)
    else:
        progress = progress_at(analysis, time_ms)
    lines: list[tuple[str, Color, float]] = []
    if counter:
        lines.append((f"Reps {progress.reps_done} / {len(analysis.reps)}", WHITE, 1.5))
    seconds = time_ms / 1000
    clock = (f"t {int(seconds // 60)}:{seconds % 60:05.2f}", MUTED, 0.85)
    scalars_of: int | None
    if focus_rep is not None:
        movement = progress.movement if progress.rep == focus_rep else "rest"
        lines += [(f"Rep {focus_rep} | {movement}", WHITE, 1.25), clock]
        scalars_of = focus_rep
    else:
        if progress.rep is not None:
            lines += [(f"Rep {progress.rep} | {progress.movement}", WHITE, 1.1), clock]
        else:
            lines += [("rest", MUTED, 1.1), clock]
        scalars_of = progress.last_done
        if scalars_of is not None:
            lines.append((f"last rep ({scalars_of}):", MUTED, 0.8))
    if scalars_of is not None:
        analyses = analysis.reps[scalars_of - 1].analyses
        lines.extend(analysis_lines(analyses, thresholds, include=include))
    return lines


class _Overlay:
    """Draws the live overlay of one frame: skeleton, key angle, rep counter, phase, scalars."""

    def __init__(
        self,
        analysis: Analysis,
        *,
        thresholds: Mapping[str, ThresholdLike] | None,
        include: Sequence[str] | None,
        skeleton: bool,
        counter: bool,
        rep_frames: Sequence[tuple[int, int, int]],
        size: tuple[int, int],
        corner: str,
    ) -> None:
        self.analysis = analysis
        self.rep_frames = rep_frames
        self.thresholds = thresholds
        self.include = include
        self.counter = counter
        self.joints = (
            PoseJoints(analysis.pose_track)
            if skeleton and analysis.pose_track is not None
            else None
        )
        self.drawn, self.key = activity_skeleton(analysis.activity)
        self.corner = corner if corner != "auto" else self._clear_corner(*size)

    def _clear_corner(self, width: int, height: int) -> str:
        """The corner where the largest panel covers the fewest joints of the whole track."""
        if self.joints is None or not self.analysis.reps:
            return "top-left"
        points = self.joints.points()
        if points.size == 0:
            return "top-left"
        count = len(self.analysis.reps)
        most = max(self.analysis.reps, key=lambda r: len(r.analyses))
        lines = [
            (f"Reps {count} / {count}", WHITE, 1.5),
            (f"Rep {count} | lowering", WHITE, 1.25),
            ("t 0:00.00", MUTED, 0.85),
            (f"last rep ({count}):", MUTED, 0.8),
            *analysis_lines(most.analyses, self.thresholds, include=self.include),
        ]
        scale = max(0.5, min(width, height) / 720.0)
        covered = {}
        for corner in ("top-left", "top-right", "bottom-left", "bottom-right"):
            x0, y0, x1, y1 = panel_box(lines, corner, width, height, scale=scale)
            inside = (points[:, 0] >= x0) & (points[:, 0] <= x1)
            inside &= (points[:, 1] >= y0) & (points[:, 1] <= y1)
            covered[corner] = int(inside.sum())
        return min(covered, key=lambda c: covered[c])  # ties: first in the order above

    def draw(self, frame: DecodedFrame, focus_rep: int | None = None) -> ImageArray:
        image = frame.image.copy()
        scale = overlay_scale(image)
        if self.joints is not None:
            points = self.joints.at(frame_index=frame.index, time_ms=frame.time_ms)
            if points:
                draw_skeleton(
                    image, {k: v for k, v in points.items() if k in self.drawn}, scale=scale
                )
                if self.key is not None and all(k in points for k in self.key):
                    a, v, c = (points[k] for k in self.key)
                    draw_angle_arc(image, a, v, c, scale=scale)
        lines = overlay_lines(
            self.analysis,
            frame.time_ms,
            focus_rep=focus_rep,
            counter=self.counter,
            thresholds=self.thresholds,
            include=self.include,
            frame_index=frame.index,
            rep_frames=self.rep_frames,
        )
        draw_text_panel(image, lines, scale=scale, corner=self.corner)
        return image


def _rep_frames(reader: VideoReader, analysis: Analysis) -> list[tuple[int, int, int]]:
    """Indices of the frames shown at each rep's start, mid and end (clamped to the video)."""
    stamps = [max(0, t) for r in analysis.reps for t in (r.start_ms, r.mid_ms, r.end_ms)]
    idx = reader.frame_index_at(stamps, past_end="clamp").tolist() if stamps else []
    return [(idx[i], idx[i + 1], idx[i + 2]) for i in range(0, len(idx), 3)]


def _tqdm(**kwargs: Any) -> Any:
    from tqdm.auto import tqdm

    return tqdm(**kwargs)


def _progress_bar(iterable: Iterable[Any], total: int, desc: str, enabled: bool) -> Iterable[Any]:
    if not enabled:
        return iterable
    bar: Iterable[Any] = _tqdm(iterable=iterable, total=total, desc=desc, unit="frame")
    return bar


def _write_clip(
    frames: Iterator[DecodedFrame],
    path: Path,
    *,
    info_fps: float,
    draw: Any,
    crf: int,
    preset: str,
) -> Path:
    first = next(frames, None)
    if first is None:  # pragma: no cover - iter_range always yields the first frame
        raise InvalidInputError(f"{path.name}: no frames in range")
    height, width = first.image.shape[:2]
    origin = first.time_ms
    with H264Writer(path, width=width, height=height, fps=info_fps, crf=crf, preset=preset) as out:
        out.write(draw(first), time_ms=0.0)
        for frame in frames:
            out.write(draw(frame), time_ms=frame.time_ms - origin)
    return path


def export_rep_clips(
    video_path: VideoSource | VideoReader,
    analysis: Analysis | dict[str, Any],
    directory: str | os.PathLike[str],
    *,
    margin_s: float | tuple[float, float] = 0.0,
    reps: Iterable[int] | None = None,
    annotate: bool = True,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    include: Sequence[str] | None = None,
    skeleton: bool = True,
    corner: str = "auto",
    prefix: str = "",
    crf: int = 23,
    preset: str = "veryfast",
    past_end: PastEnd = "error",
    progress: bool = False,
) -> list[Path]:
    """Write one short H.264 clip per rep, from its start to its end (plus margins).

    Parameters
    ----------
    video_path, analysis
        The analysed video (path, open binary file or open
        :class:`~guru_form.video.VideoReader`, left open) and its analysis.
    directory
        Folder for the clips (created if needed); clips are named ``rep01.mp4``, ``rep02.mp4``,
        ... (after ``prefix``) by rep number; existing files of those names are replaced.
    margin_s
        Seconds of video kept before the start and after the end of each rep: one number for both,
        or ``(before, after)``. Margins stop at the video's ends.
    reps
        1-based rep numbers to export (default: all).
    annotate
        Draw the overlay on every frame: rep, live movement (lowering/rising), time, the rep's
        scalars (coloured by ``thresholds``), and skeleton with key-angle arc when the analysis has
        a pose track (unless ``skeleton=False``).
    corner
        Where the overlay panel goes; ``"auto"`` picks the corner that covers the fewest of the
        pose track's joints (top-left without a pose track).
    crf, preset
        x264 quality and speed.
    past_end
        A rep timestamp past the end of the video raises
        :class:`~guru_form.errors.TimestampOutOfRangeError` (``"error"``) or is clamped to the last
        frame (``"clamp"``). Checked for every rep before anything is written.
    progress
        Show a progress bar.

    Returns
    -------
    list of Path
        The clips, in the order of ``reps``. All are written, or (on any error) none.
    """
    analysis = _check_analysis(analysis, "export_rep_clips")
    pre, post = _margins(margin_s)
    numbers = select_reps(analysis, reps)
    paths: list[Path] = []
    with reader_for(video_path) as reader:
        info = reader.info
        spans = []
        for number in numbers:
            rep = analysis.reps[number - 1]
            # Validates the rep's own timestamps; margins are then clipped to the video.
            reader.frame_index_at([rep.start_ms, rep.mid_ms, rep.end_ms], past_end=past_end)
            start = max(0.0, min(rep.start_ms, rep.end_ms) - 1000 * pre)
            end = min(info.duration_ms, max(rep.start_ms, rep.end_ms) + 1000 * post)
            spans.append((number, start, end))
        overlay = _Overlay(
            analysis,
            thresholds=thresholds,
            include=include,
            skeleton=skeleton,
            counter=False,
            rep_frames=_rep_frames(reader, analysis),
            size=(reader.info.width, reader.info.height),
            corner=corner,
        )
        total = sum(
            int(b - a) + 1
            for a, b in (
                reader.frame_index_at([s, e], past_end="clamp").tolist() for _, s, e in spans
            )
        )
        bar = _tqdm(total=total, desc="clips", unit="frame") if progress else None
        try:
            with staged_directory(directory) as stage:
                for number, start, end in spans:
                    name = f"{prefix}rep{number:02d}.mp4"

                    def draw(frame: DecodedFrame, number: int = number) -> ImageArray:
                        if bar is not None:
                            bar.update(1)
                        return overlay.draw(frame, focus_rep=number) if annotate else frame.image

                    _write_clip(
                        reader.iter_range(start, end, past_end="clamp"),
                        stage / name,
                        info_fps=info.fps,
                        draw=draw,
                        crf=crf,
                        preset=preset,
                    )
                    paths.append(Path(directory) / name)
        finally:
            if bar is not None:
                bar.close()
    return paths


def export_annotated_video(
    video_path: VideoSource | VideoReader,
    analysis: Analysis | dict[str, Any],
    path: str | os.PathLike[str],
    *,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    include: Sequence[str] | None = None,
    skeleton: bool = True,
    corner: str = "auto",
    crf: int = 23,
    preset: str = "veryfast",
    past_end: PastEnd = "error",
    progress: bool = False,
) -> Path:
    """Write the whole video with a live overlay: rep counter, current rep and movement, scalars.

    Every frame shows ``Reps done / total``, the rep in progress with its movement (lowering,
    rising; lifting, lowering for a deadlift) or ``rest`` between reps, the time, and the scalars of
    the current (or last finished) rep, coloured by ``thresholds``. With a pose track the skeleton
    and key-angle arc are drawn on every frame it covers.

    Parameters
    ----------
    video_path, analysis
        The analysed video (path, open binary file or open
        :class:`~guru_form.video.VideoReader`, left open) and its analysis.
    path
        The ``.mp4`` to write; replaced only once the new file is complete.
    thresholds, include, skeleton, corner, crf, preset
        As in :func:`export_rep_clips`.
    past_end
        How rep timestamps past the end of the video are treated (checked before writing).
    progress
        Show a progress bar (this decodes every frame, so it takes about as long as the video
        plays on a slow machine).

    Returns
    -------
    Path
        ``path``.
    """
    analysis = _check_analysis(analysis, "export_annotated_video")
    target = Path(path)
    if target.is_dir():
        raise InvalidInputError(f"{target} is a folder; pass the path of the .mp4 to write")
    with reader_for(video_path) as reader:
        stamps = [t for r in analysis.reps for t in (r.start_ms, r.mid_ms, r.end_ms)]
        reader.frame_index_at(stamps, past_end=past_end)
        overlay = _Overlay(
            analysis,
            thresholds=thresholds,
            include=include,
            skeleton=skeleton,
            counter=True,
            rep_frames=_rep_frames(reader, analysis),
            size=(reader.info.width, reader.info.height),
            corner=corner,
        )
        info = reader.info
        frames = reader.iter_frames_by_index(range(info.frame_count))
        bar_frames = _progress_bar(frames, info.frame_count, "annotated video", progress)
        return _write_clip(
            iter(bar_frames),
            target,
            info_fps=info.fps,
            draw=overlay.draw,
            crf=crf,
            preset=preset,
        )
