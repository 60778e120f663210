"""Known videos for the test server: tiny real videos, and ground truth the reference engine answers.

:func:`make_reference_video` writes a tiny real video and its ground-truth sidecar, so the reference
engine answers it with ``Complete``: each seed gives different bytes, hence a different video.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from guru_form import activities
from guru_form.activities import SeriesMeasure
from guru_form.models import Activity, Analysis, Rep, Status

__all__ = ["KnownVideo", "make_reference_video", "make_video"]


@dataclass(frozen=True)
class KnownVideo:
    """A generated video and the analysis the reference engine answers for it."""

    path: Path
    sidecar: Path
    analysis: Analysis


def make_video(
    path: str | os.PathLike[str],
    *,
    seed: int = 0,
    frames: int = 20,
    fps: float = 10.0,
    size: tuple[int, int] = (64, 48),
) -> Path:
    """Write a tiny real MP4 (``mp4v``) whose bytes depend on ``seed``.

    Parameters
    ----------
    path
        Where to write it (parent folders are created).
    seed
        Different seeds give different content, so different content hashes.
    frames, fps, size
        Length, frame rate and ``(width, height)``.
    """
    import cv2
    import numpy as np

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    width, height = size
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {target}")
    rng = np.random.default_rng(seed)
    try:
        for index in range(frames):
            frame = rng.integers(0, 255, size=(height, width, 3), dtype=np.uint8)
            cv2.putText(
                frame, str(index), (2, height - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255)
            )
            writer.write(frame)
    finally:
        writer.release()
    return target


def make_reference_video(
    folder: str | os.PathLike[str],
    name: str,
    *,
    activity: Activity | str = Activity.SQUAT,
    reps: int = 2,
    seed: int | None = None,
    frames: int = 20,
    fps: float = 10.0,
) -> KnownVideo:
    """Write ``<folder>/<name>.mp4`` and its ground truth ``<name>.json`` for the reference engine.

    Parameters
    ----------
    folder
        A folder the server's reference engine reads (see ``reference_dirs``).
    name
        The file stem.
    activity
        The activity of the ground truth: one with a profile in :mod:`guru_form.activities`.
    reps
        How many evenly spaced reps it lists.
    seed
        Content seed; None derives one from ``name``, so different names give different videos.

    Examples
    --------
    >>> known = make_reference_video(tmp_path, "squat-a")  # doctest: +SKIP
    >>> known.analysis.rep_count  # doctest: +SKIP
    2
    """
    profile = activities.get(activity)
    act = profile.activity
    video = make_video(
        Path(folder) / f"{name}.mp4",
        seed=zlib.crc32(name.encode()) if seed is None else seed,
        frames=frames,
        fps=fps,
    )
    length_ms = round(frames / fps * 1000)
    span = length_ms // max(reps, 1)
    # A joint's smallest angle in the rep (a knee or an elbow): around 80 degrees is plausible.
    metric = next(
        m.analysis_type
        for m in profile.measures
        if isinstance(m, SeriesMeasure) and m.reduce == "smallest"
    )
    analysis = Analysis(
        video_id=None,
        status=Status.COMPLETE,
        domain=act.domain,
        activity=act,
        reps=[
            Rep(
                start_ms=i * span,
                mid_ms=i * span + span // 2,
                end_ms=(i + 1) * span - 1,
                analyses={metric: 80.0 + 5 * i},
            )
            for i in range(reps)
        ],
    )
    sidecar = analysis.save(video.with_suffix(".json"))
    return KnownVideo(video, sidecar, Analysis.load(sidecar))
