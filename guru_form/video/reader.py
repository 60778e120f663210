"""Exact, fast frame access by presentation time (PyAV): the one way guru_form reads a video.

:class:`VideoReader` opens a video, indexes its packets (timestamps and keyframes, read from the
container without decoding a single picture) and then decodes only what it must. The pose engine
reads every ``stride``-th frame through it (:meth:`VideoReader.iter_strided`); ``frames`` reads
the frames at rep timestamps through it. Both therefore see the same pictures at the same times:

- **Time zero** is the presentation time of the first frame the video shows: the first frame the
  decoder gives, counted from the container's own timestamps. Frame ``i`` is the ``i``-th frame in
  presentation order from there, and its time is its presentation time minus time zero. A file
  whose clock starts late (an edit list, a trimmed clip, a stream) still starts at 0 ms; frames
  at the head of a file that cannot be decoded (a stream cut in the middle of a group of pictures)
  are not part of the video, as no player can show them. ``stream.start_time`` is not used.
- **Which frame is "the frame at t".** The frame returned for ``t`` is the frame whose presentation
  time is *nearest* to ``t``; on an exact tie the earlier frame wins. Nearest (rather than "last frame
  shown at or before t") makes a timestamp rounded to whole milliseconds land on the frame it was
  computed from: at 30 fps frame 10 starts at 333.33 ms, and an analysis that says ``333`` means it.
  Variable-frame-rate files use their real timestamps, never an assumed rate.
- **Range.** A video spans ``[0, duration_ms]``, where ``duration_ms`` is the end of the last
  frame's display. Any time in that span is valid (times after the last frame's start give the last
  frame). A negative time, or one past ``duration_ms``, raises
  :class:`~guru_form.errors.TimestampOutOfRangeError` -- or, with ``past_end="clamp"``, a time past
  the end gives the last frame.
- **Seeking.** Requests are served in time order. To reach the next wanted frame the reader seeks to
  the last keyframe at or before it whenever that keyframe lies ahead of the decoder's position
  (decoding from there is strictly less work than decoding on), and otherwise keeps decoding forward.
  Nearby frames therefore cost one forward decode; distant ones cost one keyframe interval each.
- **Orientation.** Pictures come out in display orientation: the display matrix (rotation and
  mirroring) or a legacy ``rotate`` tag is applied, as players do; see
  :mod:`guru_form.video.orientation`. Pixel coordinates measured on any frame are display pixels.
- **Pixels.** ``image`` arrays are **RGB**, ``uint8``, shape ``(height, width, 3)``, C-contiguous:
  what matplotlib and PIL expect. (OpenCV's ``imwrite``/``imshow`` expect BGR: convert with
  ``image[..., ::-1]``.)

Memory does not grow with the video's length beyond the packet index (two ``int64`` per frame).

Examples
--------
>>> with VideoReader("squat.mp4") as reader:  # doctest: +SKIP
...     print(reader.info.frame_count, reader.info.duration_ms)
...     first, bottom = reader.read_frames([0, 2400])
...     first.index, bottom.index
"""

from __future__ import annotations

import contextlib
import numbers
import weakref
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from guru_form.errors import InvalidInputError, InvalidVideoError, TimestampOutOfRangeError
from guru_form.video._container import VideoSource, decode_error, open_container, source_name
from guru_form.video._index import PacketIndex, build_index
from guru_form.video._prefetch import prefetched
from guru_form.video.orientation import Orientation

if TYPE_CHECKING:
    import av.container
    import av.video.frame
    import av.video.stream

__all__ = [
    "DecodedFrame",
    "PastEnd",
    "VideoInfo",
    "VideoReader",
    "VideoSource",
    "probe_video",
    "reader_for",
]

#: What to do with a time past the end of the video: raise, or give the last frame.
PastEnd = Literal["error", "clamp"]

ImageArray = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class VideoInfo:
    """What a video holds, read from its container and packet index.

    Attributes
    ----------
    name
        The path, or ``"<file object>"``.
    width, height
        Size in pixels **as displayed** (after rotation metadata).
    orientation
        How stored pictures are turned for display.
    frame_count
        Number of frames (from the packet index, exact).
    duration_ms
        From the first frame's presentation time to the end of the last frame's display.
    fps
        Average frame rate: frames per second over the whole video.
    variable_frame_rate
        True when frame intervals differ by more than 1 % from their median.
    codec
        The decoder's name, e.g. ``"h264"``.
    """

    name: str
    width: int
    height: int
    orientation: Orientation
    frame_count: int
    duration_ms: float
    fps: float
    variable_frame_rate: bool
    codec: str

    @property
    def duration_s(self) -> float:
        """``duration_ms`` in seconds."""
        return self.duration_ms / 1000.0

    @property
    def file_name(self) -> str:
        """The file's name without its folder (``"squat.mp4"``), or ``"<file object>"``."""
        return Path(self.name).name if self.name != "<file object>" else self.name


@dataclass(frozen=True)
class DecodedFrame:
    """One decoded frame in display orientation.

    Attributes
    ----------
    index
        0-based position of the frame in presentation order.
    time_ms
        Its presentation time in milliseconds from the first frame.
    image
        RGB ``uint8`` array, ``(height, width, 3)``.
    thumbnail
        A small grey version of ``image`` (``float32``, 0..1, ``(size, size)``) when asked for
        (:meth:`VideoReader.iter_strided`'s ``thumbnail_size``), else None.
    """

    index: int
    time_ms: float
    image: ImageArray = field(repr=False)
    thumbnail: npt.NDArray[np.float32] | None = field(default=None, repr=False, compare=False)


def _grey_thumbnail(image: ImageArray, size: int) -> npt.NDArray[np.float32]:
    import cv2

    # Every k-th pixel (still several per thumbnail pixel), then the area average of those.
    step = max(1, min(image.shape[:2]) // (4 * size))
    sampled = np.ascontiguousarray(image[step // 2 :: step, step // 2 :: step])
    small = cv2.resize(sampled, (size, size), interpolation=cv2.INTER_AREA)
    return np.asarray(small.mean(axis=2), dtype=np.float32) / np.float32(255.0)


def _whole_number(value: object, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise InvalidInputError(f"{what} must be a whole number, {minimum} or more, got {value!r}")
    return int(value)


class VideoReader:
    """Read frames of one video by presentation time; see the module docstring for the rules.

    One reader serves one caller at a time: while an :meth:`iter_strided` iteration is open,
    the other reading methods refuse (open a second reader to read elsewhere meanwhile).

    Parameters
    ----------
    source
        Path or open binary file object.
    threads
        Let FFmpeg decode with several threads (faster on long GOPs, same pixels).

    Attributes
    ----------
    info
        The video's :class:`VideoInfo`.
    frames_decoded, seeks, decode_errors
        Work done so far: pictures decoded, seeks made, and damaged packets skipped.

    Raises
    ------
    InvalidVideoError
        The file is missing, empty, closed, not a video, a still image, or has no video stream,
        no timestamps, or no frame that can be decoded.

    Examples
    --------
    >>> with VideoReader("push_up.mp4") as reader:  # doctest: +SKIP
    ...     for frame in reader.iter_frames([500, 1000, 1500]):
    ...         print(frame.index, frame.time_ms, frame.image.shape)
    """

    def __init__(self, source: VideoSource, *, threads: bool = True) -> None:
        self._name = source_name(source)
        self.frames_decoded = 0
        self.seeks = 0
        self.decode_errors = 0
        self._busy = False
        self._iterations: weakref.WeakSet[Generator[DecodedFrame, None, None]] = weakref.WeakSet()
        self._container: av.container.InputContainer = open_container(source)
        try:
            self._stream: av.video.stream.VideoStream = self._container.streams.video[0]
            if threads:
                self._stream.codec_context.thread_type = "AUTO"
            self._time_base: Fraction = self._stream.time_base or Fraction(1, 90000)
            self._index: PacketIndex = build_index(
                self._container, self._stream, self._time_base, self._name
            )
            from av.video.reformatter import VideoReformatter

            # One converter to RGB for every frame (a frame's own makes a scaler each time).
            self._to_rgb = VideoReformatter()
            self._decoder: Iterator[av.video.frame.VideoFrame] | None = None
            self._next_index: int | None = None  # index of the next frame the decoder gives
            first = self._first_frame()
            self._orientation = self._orientation_of(first)
            self.info = self._make_info(first)
        except BaseException:
            self._container.close()
            raise

    # -- set-up ---------------------------------------------------------------------------

    def _first_frame(self) -> av.video.frame.VideoFrame:
        """Decode from the first keyframe; the first frame out is frame 0 (time zero)."""
        import av

        self._seek_to_keyframe(0)
        assert self._decoder is not None
        try:
            first = next(self._decoder, None)
        except av.error.FFmpegError as exc:
            raise decode_error(self._name, exc, "at its first frame") from None
        if first is None:
            raise InvalidVideoError(
                self._name,
                "opens, but no frame of it can be decoded; the file may be damaged or cut short: "
                "re-export it as MP4 (H.264)",
            )
        self.frames_decoded += 1
        if first.pts is not None:
            self._index = self._index.starting_at(int(first.pts))
        self._next_index = 1
        return first

    def _orientation_of(self, frame: av.video.frame.VideoFrame) -> Orientation:
        import av.sidedata.sidedata

        side_data: Any = frame.side_data  # PyAV's stubs mistype it
        for item in side_data:
            # PyAV < 19 iterates the SideData themselves, PyAV 19 (a Mapping) their types
            side = item if hasattr(item, "type") else side_data[item]
            if side.type == av.sidedata.sidedata.Type.DISPLAYMATRIX:
                matrix = np.frombuffer(bytes(side), dtype=np.int32)
                if matrix.size == 9:
                    return Orientation.from_display_matrix(matrix.tolist())
        tag = self._stream.metadata.get("rotate")
        if tag is not None:
            return Orientation.from_rotate_tag(tag)
        return Orientation()

    def _make_info(self, first: av.video.frame.VideoFrame) -> VideoInfo:
        pts = self._index.pts
        width, height = self._orientation.display_size(first.width, first.height)
        n = int(pts.size)
        duration_ms = float(self._to_ms(self._index.end_pts))
        fps = n / (duration_ms / 1000.0) if duration_ms > 0 else 0.0
        variable = False
        if n > 2:
            steps = np.diff(pts).astype(np.float64)
            median = float(np.median(steps))
            variable = bool(median > 0 and np.max(np.abs(steps - median)) > 0.01 * median)
        return VideoInfo(
            name=self._name,
            width=width,
            height=height,
            orientation=self._orientation,
            frame_count=n,
            duration_ms=duration_ms,
            fps=fps,
            variable_frame_rate=variable,
            codec=self._stream.codec_context.name,
        )

    def _check_free(self) -> None:
        if self._busy:
            raise InvalidInputError(
                f"{self._name}: this VideoReader is in the middle of iter_strided(); finish or "
                "close that iteration first, or open a second VideoReader to read elsewhere"
            )

    # -- time <-> frame -------------------------------------------------------------------

    def _to_ms(self, pts: int | npt.NDArray[np.int64]) -> Any:
        return (np.asarray(pts, dtype=np.float64) - float(self._index.pts[0])) * (
            1000.0 * float(self._time_base)
        )

    @property
    def frame_times_ms(self) -> npt.NDArray[np.float64]:
        """Presentation time of every frame, in milliseconds from the first (read-only view)."""
        times = np.asarray(self._to_ms(self._index.pts), dtype=np.float64)
        times.setflags(write=False)
        return times

    def frame_index_at(
        self, times_ms: Sequence[float] | npt.ArrayLike, *, past_end: PastEnd = "error"
    ) -> npt.NDArray[np.int64]:
        """The index of the frame shown at each time (nearest presentation time; ties: earlier).

        Parameters
        ----------
        times_ms
            Times in milliseconds from the first frame.
        past_end
            ``"error"``: a time past ``duration_ms`` raises; ``"clamp"``: it gives the last frame.

        Returns
        -------
        numpy.ndarray
            ``int64`` frame indices, one per time, in the order given. Nothing is decoded.

        Raises
        ------
        TimestampOutOfRangeError
            For a negative time, or one past the end when ``past_end="error"``.
        """
        t = np.atleast_1d(np.asarray(times_ms, dtype=np.float64))
        if t.size == 0:
            return np.zeros(0, dtype=np.int64)
        if np.isnan(t).any():
            raise TimestampOutOfRangeError(
                f"{self._name}: a requested time is NaN; check the analysis timestamps"
            )
        duration = float(self._to_ms(self._index.end_pts))
        if (t < 0).any():
            raise TimestampOutOfRangeError(
                f"{self._name}: time {float(t.min()):.0f} ms is before the start of the video; "
                "timestamps count from 0"
            )
        # Half a millisecond of slack: analyses round times to whole milliseconds.
        late = t > duration + 0.5
        if late.any() and past_end == "error":
            raise TimestampOutOfRangeError(
                f"{self._name}: time {float(t.max()):.0f} ms is past the end of the video "
                f"({duration:.0f} ms long); is this the analysis of another video? Pass "
                "past_end='clamp' to use the last frame instead"
            )
        times = np.asarray(self._to_ms(self._index.pts), dtype=np.float64)
        right = np.searchsorted(times, t, side="left").clip(0, times.size - 1)
        left = (right - 1).clip(0, times.size - 1)
        take_left = np.abs(t - times[left]) <= np.abs(times[right] - t)
        return np.where(take_left, left, right).astype(np.int64)

    # -- decoding -------------------------------------------------------------------------

    def _seek_to_keyframe(self, key_ordinal: int) -> None:
        self._decoder = None
        self._next_index = None
        self.seeks += 1
        self._container.seek(
            int(self._index.keyframe_seek_ts[key_ordinal]),
            backward=True,
            any_frame=False,
            stream=self._stream,
        )
        self._decoder = self._decode_packets()
        self._next_index = int(self._index.keyframes[key_ordinal])

    def _decode_packets(self) -> Iterator[av.video.frame.VideoFrame]:
        """Decode from the current position; a packet the decoder rejects is skipped (as
        ``ffmpeg`` does), so one damaged packet costs the frames that need it, not the video."""
        import av

        for packet in self._container.demux(self._stream):
            try:
                frames = packet.decode()
            except av.error.InvalidDataError:
                self.decode_errors += 1
                continue
            yield from frames

    def _position_of(self, frame: av.video.frame.VideoFrame, fallback: int) -> int:
        """The frame's index; -1 for a frame presented before frame 0 (not part of the video)."""
        if frame.pts is None:
            return fallback
        pos = int(np.searchsorted(self._index.pts, frame.pts))
        if pos < self._index.pts.size and self._index.pts[pos] == frame.pts:
            return pos
        return pos - 1

    def _decode_indices(
        self, indices: Iterable[int]
    ) -> Iterator[tuple[int, int, av.video.frame.VideoFrame]]:
        """Yield ``(target, index, frame)`` for sorted, unique target indices, seeking where it
        pays. ``index`` differs from ``target`` only when the target frame cannot be decoded
        (a damaged or truncated file): then the frame shown before it stands in."""
        keyframes = self._index.keyframes
        for target in indices:
            self._check_free()
            key_ordinal = max(0, int(np.searchsorted(keyframes, target, side="right")) - 1)
            for attempt in range(key_ordinal, -1, -1):
                pos = self._next_index
                if (
                    attempt != key_ordinal
                    or pos is None
                    or target < pos
                    or keyframes[attempt] > pos
                ):
                    self._seek_to_keyframe(attempt)
                found = self._decode_until(target)
                if found is not None:
                    yield (target, *found)
                    break
            else:
                raise InvalidVideoError(
                    self._name,
                    f"cannot be decoded at frame {target} or any frame before it; the file may be "
                    "damaged (re-export it, or remux with ffmpeg -i in -c copy out.mp4)",
                )

    def _decode_until(self, target: int) -> tuple[int, av.video.frame.VideoFrame] | None:
        """Decode forward to ``target``; None when the decoder started past it (seek again)."""
        import av

        assert self._decoder is not None
        previous: tuple[int, av.video.frame.VideoFrame] | None = None
        try:
            for frame in self._decoder:
                self.frames_decoded += 1
                assert self._next_index is not None
                pos = self._position_of(frame, self._next_index)
                if pos < 0:
                    continue  # presented before frame 0
                self._next_index = pos + 1
                if pos == target:
                    return pos, frame
                if pos > target:
                    # The decoder skipped the target (or the seek landed late).
                    if previous is not None:
                        return previous
                    return None
                previous = (pos, frame)
        except av.error.FFmpegError as exc:
            raise decode_error(self._name, exc, f"near frame {target}") from None
        self._decoder = None
        self._next_index = None
        return previous

    def _to_decoded(
        self, index: int, frame: av.video.frame.VideoFrame, thumbnail_size: int | None = None
    ) -> DecodedFrame:
        rgb = self._to_rgb.reformat(frame, format="rgb24")
        image: ImageArray = np.asarray(rgb.to_ndarray(), dtype=np.uint8)
        image = self._orientation.apply(image)
        thumbnail = None if thumbnail_size is None else _grey_thumbnail(image, thumbnail_size)
        return DecodedFrame(
            index=index,
            time_ms=float(self._to_ms(self._index.pts[index])),
            image=image,
            thumbnail=thumbnail,
        )

    # -- public reading -------------------------------------------------------------------

    def iter_frames(
        self, times_ms: Sequence[float] | npt.ArrayLike, *, past_end: PastEnd = "error"
    ) -> Iterator[DecodedFrame]:
        """Frames shown at the given times, yielded in **time order** (one per distinct frame).

        Every time is checked before anything is decoded. Use :meth:`read_frames` to get one
        frame per requested time, in the order requested.

        Parameters
        ----------
        times_ms
            Times in milliseconds from the first frame, in any order.
        past_end
            ``"error"`` or ``"clamp"``; see :meth:`frame_index_at`.

        Yields
        ------
        DecodedFrame
            Ascending by ``index``; a frame that cannot be decoded is replaced by the last
            decodable one before it.

        Raises
        ------
        TimestampOutOfRangeError
            A time is negative or past the end (raised before any decoding).
        """
        wanted = np.unique(self.frame_index_at(times_ms, past_end=past_end))
        for _, index, frame in self._decode_indices(wanted.tolist()):
            yield self._to_decoded(index, frame)

    def read_frames(
        self, times_ms: Sequence[float] | npt.ArrayLike, *, past_end: PastEnd = "error"
    ) -> list[DecodedFrame]:
        """One frame per requested time, in the order requested (decoded in time order).

        A frame that cannot be decoded (a damaged or cut-short file) is replaced by the last
        decodable frame before it, which keeps its own ``index`` and ``time_ms``.

        Parameters
        ----------
        times_ms
            Times in milliseconds from the first frame, in any order, repeats allowed.
        past_end
            ``"error"`` or ``"clamp"``; see :meth:`frame_index_at`.

        Returns
        -------
        list of DecodedFrame
            ``len(times_ms)`` frames; a frame asked for twice is decoded once.

        Raises
        ------
        TimestampOutOfRangeError
            A time is negative or past the end (see the module docstring); raised before any
            decoding.
        """
        indices = self.frame_index_at(times_ms, past_end=past_end)
        by_target = dict(self.iter_frames_for_indices(np.unique(indices).tolist()))
        return [by_target[int(i)] for i in indices]

    def _check_indices(self, indices: Iterable[int]) -> list[int]:
        wanted = sorted({int(i) for i in indices})
        if wanted and (wanted[0] < 0 or wanted[-1] >= self.info.frame_count):
            raise TimestampOutOfRangeError(
                f"{self._name}: frame indices must lie in [0, {self.info.frame_count - 1}]"
            )
        return wanted

    def iter_frames_for_indices(self, indices: Iterable[int]) -> Iterator[tuple[int, DecodedFrame]]:
        """``(requested index, frame)`` for each distinct requested index, in ascending order.

        The frame's own ``index`` equals the requested one, except when that frame cannot be
        decoded (a damaged or cut-short file): then the last decodable frame before it stands in,
        with its own ``index`` and ``time_ms``, as in :meth:`read_frames`.

        Parameters
        ----------
        indices
            0-based frame indices, in any order; duplicates are served once.

        Yields
        ------
        tuple of (int, DecodedFrame)
            The requested index and the frame shown for it.

        Raises
        ------
        TimestampOutOfRangeError
            An index outside ``[0, frame_count - 1]`` (checked before decoding).
        InvalidVideoError
            No frame at or before a requested one can be decoded.
        """
        for target, index, frame in self._decode_indices(self._check_indices(indices)):
            yield target, self._to_decoded(index, frame)

    def iter_frames_by_index(self, indices: Iterable[int]) -> Iterator[DecodedFrame]:
        """Frames at the given 0-based indices, yielded in ascending index order.

        A frame that cannot be decoded is replaced by the last decodable frame before it, which
        is yielded once (so fewer frames than indices may come out); use
        :meth:`iter_frames_for_indices` to know which request each frame answers.

        Parameters
        ----------
        indices
            0-based frame indices, in any order; duplicates are served once.

        Yields
        ------
        DecodedFrame
            One per distinct decoded frame, ascending by ``index``.

        Raises
        ------
        TimestampOutOfRangeError
            An index outside ``[0, frame_count - 1]`` (checked before decoding).
        """
        last = -1
        for _, index, frame in self._decode_indices(self._check_indices(indices)):
            if index != last:  # a stand-in for an undecodable frame is yielded once
                yield self._to_decoded(index, frame)
            last = index

    def iter_range(
        self, start_ms: float, end_ms: float, *, past_end: PastEnd = "error"
    ) -> Iterator[DecodedFrame]:
        """Every frame from the one shown at ``start_ms`` to the one shown at ``end_ms``.

        One seek, then a single forward decode.

        Parameters
        ----------
        start_ms, end_ms
            The range's ends in milliseconds from the first frame (both frames included).
        past_end
            ``"error"`` or ``"clamp"``; see :meth:`frame_index_at`.

        Returns
        -------
        Iterator of DecodedFrame
            In presentation order (see :meth:`iter_frames_by_index` for undecodable frames).
        """
        first, last = self.frame_index_at([start_ms, end_ms], past_end=past_end).tolist()
        return self.iter_frames_by_index(range(first, last + 1))

    def iter_strided(
        self, stride: int = 1, *, prefetch: int = 0, thumbnail_size: int | None = None
    ) -> Generator[DecodedFrame, None, None]:
        """Frames ``0, stride, 2*stride, ...`` of the whole video, in one forward decode.

        This is how the pose engine reads a video. Every frame is decoded (the codec needs them),
        but only the frames handed on are converted to RGB and turned upright. A frame that cannot
        be decoded is skipped (no stand-in: the next handed-on frame keeps its own index); a
        damaged tail ends the iteration with what was decoded, as players do.

        While the iteration is open the reader's other reading methods refuse; it ends when
        exhausted, when closed (``close()`` on the iterator, or leaving a ``with
        contextlib.closing(...)`` block) or when the reader is closed.

        Parameters
        ----------
        stride
            Hand on every ``stride``-th frame (1 or more).
        prefetch
            Decode up to this many handed-on frames ahead in a background thread, so that decoding
            runs on another core while the caller works on the current frame (FFmpeg decodes with
            Python's lock released). 0 decodes in the caller's thread. Each frame waiting costs one
            RGB image of memory.
        thumbnail_size
            Also compute a ``thumbnail_size`` x ``thumbnail_size`` grey thumbnail of each
            handed-on frame (in the prefetch thread, when there is one).

        Returns
        -------
        Generator of DecodedFrame
            Ascending by ``index``: ``len(range(0, info.frame_count, stride))`` frames when every
            frame decodes. Close it to stop early.

        Raises
        ------
        InvalidInputError
            A ``stride``, ``prefetch`` or ``thumbnail_size`` that is not a whole number in range,
            or another iteration of this reader is open (raised when the iteration starts).
        InvalidVideoError
            Decoding fails before any frame was handed on.

        Examples
        --------
        >>> with VideoReader("squat.mp4") as reader:  # doctest: +SKIP
        ...     for frame in reader.iter_strided(2, prefetch=3):
        ...         frame.index, frame.time_ms
        """
        stride = _whole_number(stride, "stride", 1)
        prefetch = _whole_number(prefetch, "prefetch", 0)
        if thumbnail_size is not None:
            thumbnail_size = _whole_number(thumbnail_size, "thumbnail_size", 1)
        iteration = self._strided_iteration(stride, prefetch, thumbnail_size)
        self._iterations.add(iteration)
        return iteration

    def _strided_iteration(
        self, stride: int, prefetch: int, thumbnail_size: int | None
    ) -> Generator[DecodedFrame, None, None]:
        self._check_free()
        self._busy = True
        frames: Iterator[DecodedFrame] = self._strided_frames(stride, thumbnail_size)
        try:
            if prefetch:
                frames = prefetched(frames, prefetch, name="guru_form-decode")
            yield from frames
        finally:
            close = getattr(frames, "close", None)
            if close is not None:
                close()  # stops and joins a prefetch thread before the reader is used again
            self._decoder = None
            self._next_index = None
            self._busy = False

    def _strided_frames(
        self, stride: int, thumbnail_size: int | None
    ) -> Generator[DecodedFrame, None, None]:
        import av

        self._seek_to_keyframe(0)
        decoder = self._decoder
        assert decoder is not None
        self._decoder = None  # this iteration owns the decoder
        next_index = 0
        handed_on = False
        try:
            for frame in decoder:
                self.frames_decoded += 1
                pos = self._position_of(frame, next_index)
                if pos < next_index:
                    continue  # presented before frame 0
                next_index = pos + 1
                if pos % stride == 0:
                    handed_on = True
                    yield self._to_decoded(pos, frame, thumbnail_size)
        except av.error.FFmpegError as exc:
            if not handed_on:
                raise decode_error(self._name, exc, f"near frame {next_index}") from None
            self.decode_errors += 1  # a damaged tail: keep what was decoded

    # -- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        """Stop any open :meth:`iter_strided` iteration and close the container (a file object
        passed in stays open)."""
        for iteration in list(self._iterations):
            iteration.close()
        self._decoder = None
        self._container.close()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        i = self.info
        return (
            f"VideoReader({i.name!r}, {i.width}x{i.height}, {i.frame_count} frames, "
            f"{i.duration_ms / 1000:.2f} s)"
        )


@contextlib.contextmanager
def reader_for(video: VideoSource | VideoReader) -> Iterator[VideoReader]:
    """A reader of ``video``: the reader itself when one is given (left open), else a new one.

    Lets a function take a path, a file object or an open :class:`VideoReader`, so that a caller
    doing several things with one video opens it once.

    Parameters
    ----------
    video
        A path, a binary file object, or an open :class:`VideoReader`.

    Yields
    ------
    VideoReader
        Closed on leaving the block only if it was opened here.

    Raises
    ------
    InvalidVideoError
        As :class:`VideoReader`.
    """
    if isinstance(video, VideoReader):
        yield video
        return
    with VideoReader(video) as reader:
        yield reader


def probe_video(source: VideoSource) -> VideoInfo:
    """Size (as displayed), frame count, duration, frame rate and orientation of a video.

    Reads the container and its packet index and decodes only the first frame.

    Parameters
    ----------
    source
        A path or an open binary file object (left open).

    Returns
    -------
    VideoInfo
        What the video holds.

    Raises
    ------
    InvalidVideoError
        The file is missing, empty, not a video, or has no video stream.

    Examples
    --------
    >>> probe_video("squat.mp4").duration_ms  # doctest: +SKIP
    6000.0
    """
    with VideoReader(source) as reader:
        return reader.info
