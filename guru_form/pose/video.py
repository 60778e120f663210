"""Reading a video's frames for pose estimation: display-oriented RGB images and their times.

Decoding uses PyAV (FFmpeg). Frames come out as the viewer sees them: a phone video stored
landscape with a rotation in its display matrix is turned upright, so pixel coordinates measured
on these frames match what a player shows. Times are the frames' presentation times in
milliseconds from the start of the video stream.

Every frame must be decoded (the codec needs them), but only every ``stride``-th frame is
converted to RGB and handed on; this is what makes a stride cheap.

Examples
--------
>>> from guru_form.pose.video import probe_video, iter_frames  # doctest: +SKIP
>>> info = probe_video("squat.mp4")  # doctest: +SKIP
>>> for frame in iter_frames("squat.mp4", stride=2):  # doctest: +SKIP
...     frame.index, frame.time_ms, frame.image.shape
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import numpy.typing as npt

from guru_form.errors import InvalidVideoError

__all__ = ["DecodedFrame", "VideoInfo", "iter_frames", "probe_video"]

# FFmpeg demuxers that read a single still image (a photo renamed .mp4 lands here).
_IMAGE_FORMATS = ("image2", "_pipe", "gif", "apng", "webp")

#: Side length of the grey thumbnail kept per frame to find shot changes.
THUMB_SIZE = 32


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a video.

    Attributes
    ----------
    path
        The file.
    width, height
        Frame size in pixels as displayed (after any rotation).
    fps
        Average frame rate.
    frame_count
        Number of frames the container declares (an estimate when it declares none).
    duration_s
        Duration in seconds.
    rotation
        Counter-clockwise rotation applied to display the stored frames (0, 90, 180, 270).
    codec
        The video codec's name.
    """

    path: Path
    width: int
    height: int
    fps: float
    frame_count: int
    duration_s: float
    rotation: int
    codec: str


@dataclass(frozen=True)
class DecodedFrame:
    """One decoded frame.

    Attributes
    ----------
    index
        0-based index of the frame in decoding order.
    time_ms
        Presentation time in milliseconds from the start of the stream.
    image
        RGB image, ``(height, width, 3)`` uint8, display-oriented.
    thumbnail
        ``THUMB_SIZE x THUMB_SIZE`` grey thumbnail (float32, 0..1) for shot-change detection.
    """

    index: int
    time_ms: float
    image: npt.NDArray[np.uint8]
    thumbnail: npt.NDArray[np.float32]


def _open(path: Path):  # type: ignore[no-untyped-def]
    import av

    if not path.exists():
        raise InvalidVideoError(path, "no such file; check the path")
    if path.is_dir():
        raise InvalidVideoError(path, "this is a folder, not a video file")
    if path.stat().st_size == 0:
        raise InvalidVideoError(path, "the file is empty (0 bytes); copy the video again")
    try:
        container = av.open(os.fspath(path))
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidVideoError(
            path, f"not a video FFmpeg can read ({exc}); export it as MP4 (H.264) and try again"
        ) from None
    fmt = container.format.name
    if not container.streams.video:
        container.close()
        raise InvalidVideoError(path, "the file has no video stream (audio only?)")
    if any(tag in fmt for tag in _IMAGE_FORMATS) and "mp4" not in fmt:
        container.close()
        raise InvalidVideoError(
            path,
            f"this is a still image ({fmt.replace('_pipe', '')}), not a video; "
            "record the exercise as a video",
        )
    return container


def _rotation_of_first_frame(container) -> int:  # type: ignore[no-untyped-def]
    import av

    try:
        for frame in container.decode(video=0):
            return int(round(frame.rotation / 90.0)) * 90 % 360  # noqa: RUF046
    except av.FFmpegError:
        return 0
    return 0


def probe_video(path: str | os.PathLike[str]) -> VideoInfo:
    """Read a video's size, frame rate, length and rotation.

    Raises
    ------
    InvalidVideoError
        When the file is missing, empty, a still image, has no video stream, or FFmpeg cannot read
        it.
    """
    source = Path(path)
    container = _open(source)
    try:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or Fraction(30)
        fps = float(rate)
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        else:
            duration = 0.0
        frame_count = int(stream.frames) or round(duration * fps)
        width, height = stream.codec_context.width, stream.codec_context.height
        codec = stream.codec_context.name
        rotation = _rotation_of_first_frame(container)
    finally:
        container.close()
    if rotation in (90, 270):
        width, height = height, width
    return VideoInfo(source, width, height, fps, frame_count, duration, rotation, codec)


def _thumbnail(image: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    import cv2

    small = cv2.resize(image, (THUMB_SIZE, THUMB_SIZE), interpolation=cv2.INTER_AREA)
    return np.asarray(small.mean(axis=2), dtype=np.float32) / 255.0


def iter_frames(path: str | os.PathLike[str], *, stride: int = 1) -> Iterator[DecodedFrame]:
    """Yield every ``stride``-th frame of a video, display-oriented, as RGB.

    Parameters
    ----------
    path
        The video file.
    stride
        Hand on frames ``0, stride, 2*stride, ...``.

    Raises
    ------
    InvalidVideoError
        As :func:`probe_video`; also when decoding fails before any frame was read.
    """
    import av

    if stride < 1:
        raise ValueError(f"stride must be 1 or more, got {stride}")
    source = Path(path)
    container = _open(source)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        base = stream.time_base or Fraction(1, 1000)
        start = stream.start_time or 0
        rate = float(stream.average_rate or stream.guessed_rate or 30)
        index = -1
        try:
            for frame in container.decode(stream):
                index += 1
                if index % stride:
                    continue
                if frame.pts is not None:
                    time_ms = float((frame.pts - start) * base * 1000)
                else:
                    time_ms = index * 1000.0 / rate
                image = frame.to_ndarray(format="rgb24")
                turns = round(frame.rotation / 90.0) % 4
                if turns:
                    image = np.ascontiguousarray(np.rot90(image, k=turns))
                yield DecodedFrame(index, time_ms, image, _thumbnail(image))
        except av.FFmpegError as exc:
            if index <= 0:
                raise InvalidVideoError(
                    source, f"FFmpeg could not decode it ({exc}); export it as MP4 (H.264)"
                ) from None
            # A damaged tail: keep what was decoded, as players do.
    finally:
        container.close()
