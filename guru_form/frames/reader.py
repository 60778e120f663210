"""Exact, fast frame access by presentation time (PyAV).

:class:`VideoReader` opens a video, indexes its packets (timestamps and keyframes, read from the
container without decoding a single picture) and then decodes only what it must:

- **Which frame is "the frame at t".** Times are milliseconds from the first frame's presentation
  time (what a player's clock shows). The frame returned for ``t`` is the frame whose presentation
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
- **Orientation.** Pictures come out in display orientation: the display matrix (or a legacy
  ``rotate`` tag) is applied, as players do. See :mod:`guru_form.frames.orientation`.
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

import os
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Literal, Union

import numpy as np
import numpy.typing as npt

from guru_form.errors import InvalidVideoError, TimestampOutOfRangeError
from guru_form.frames.orientation import Orientation

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
]

#: A video: a path, or a binary file object opened for reading (it stays open; guru_form never
#: closes a file object it was given).
VideoSource = Union[str, "os.PathLike[str]", IO[bytes]]

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
    """

    index: int
    time_ms: float
    image: ImageArray = field(repr=False)


@dataclass
class _PacketIndex:
    """Presentation timestamps of every frame, sorted, and which frames are keyframes."""

    pts: npt.NDArray[np.int64]  # sorted presentation timestamps, stream time base
    keyframes: npt.NDArray[np.int64]  # frame indices (into pts) of keyframes, sorted
    keyframe_seek_ts: npt.NDArray[np.int64]  # a timestamp to seek to for each keyframe (its dts)
    end_pts: int  # end of the last frame's display, stream time base


def _source_name(source: VideoSource) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return "<file object>"


def _check_source(source: VideoSource) -> None:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise InvalidVideoError(path, "no such file; check the path")
        if path.is_dir():
            raise InvalidVideoError(path, "is a folder, not a video file")
        if path.stat().st_size == 0:
            raise InvalidVideoError(path, "the file is empty; record or copy the video again")
        return
    if getattr(source, "closed", False):
        raise InvalidVideoError(
            "<file object>", "the file object is closed; open the video again and pass it open"
        )
    if not hasattr(source, "read"):
        raise InvalidVideoError(
            repr(source), "not a path or a binary file object; pass the video's path"
        )


class VideoReader:
    """Read frames of one video by presentation time; see the module docstring for the rules.

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
        The file is missing, empty, closed, not a video, or has no video stream or timestamps.

    Examples
    --------
    >>> with VideoReader("push_up.mp4") as reader:  # doctest: +SKIP
    ...     for frame in reader.iter_frames([500, 1000, 1500]):
    ...         print(frame.index, frame.time_ms, frame.image.shape)
    """

    def __init__(self, source: VideoSource, *, threads: bool = True) -> None:
        import av

        _check_source(source)
        self._name = _source_name(source)
        self.frames_decoded = 0
        self.seeks = 0
        self.decode_errors = 0
        if not isinstance(source, (str, os.PathLike)) and hasattr(source, "seek"):
            source.seek(0)
        try:
            self._container: av.container.InputContainer = av.open(
                source if not isinstance(source, os.PathLike) else os.fspath(source), "r"
            )
        except (av.error.FFmpegError, UnicodeDecodeError) as exc:
            raise InvalidVideoError(
                self._name, f"cannot be read as a video ({exc}); check that it is an MP4/MOV file"
            ) from None
        try:
            if not self._container.streams.video:
                raise InvalidVideoError(self._name, "has no video stream")
            self._stream: av.video.stream.VideoStream = self._container.streams.video[0]
            if threads:
                self._stream.codec_context.thread_type = "AUTO"
            self._time_base: Fraction = self._stream.time_base or Fraction(1, 90000)
            self._index = self._build_index()
            self._decoder: Iterator[av.video.frame.VideoFrame] | None = None
            self._next_index: int | None = None  # index of the next frame the decoder gives
            first = self._first_frame()
            self._orientation = self._orientation_of(first)
            self.info = self._make_info(first)
        except BaseException:
            self._container.close()
            raise

    # -- set-up ---------------------------------------------------------------------------

    def _build_index(self) -> _PacketIndex:
        import av

        # Typed arrays: 8 bytes a frame while scanning (a list of ints would take 36).
        pts_list = array("q")
        key_pts = array("q")
        key_dts = array("q")
        last_end = None
        try:
            for packet in self._container.demux(self._stream):
                if packet.size == 0 or packet.is_discard:
                    continue
                ts = packet.pts if packet.pts is not None else packet.dts
                if ts is None:
                    raise InvalidVideoError(
                        self._name,
                        "its frames carry no timestamps; remux it to MP4 "
                        "(ffmpeg -i in -c copy out.mp4) and try again",
                    )
                pts_list.append(int(ts))
                end = int(ts) + int(packet.duration or 0)
                last_end = end if last_end is None else max(last_end, end)
                if packet.is_keyframe:
                    key_pts.append(int(ts))
                    key_dts.append(int(packet.dts) if packet.dts is not None else int(ts))
        except av.error.FFmpegError as exc:
            raise InvalidVideoError(
                self._name, f"is damaged ({exc}); re-export or re-record the video"
            ) from None
        if not pts_list:
            raise InvalidVideoError(self._name, "has a video stream with no frames")
        pts = np.unique(np.frombuffer(pts_list, dtype=np.int64))
        if not key_pts:  # no keyframe flags at all: treat the first frame as one
            key_pts, key_dts = array("q", [int(pts[0])]), array("q", [int(pts[0])])
        keys = np.frombuffer(key_pts, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        key_frames = np.searchsorted(pts, keys[order])
        key_seek = np.frombuffer(key_dts, dtype=np.int64)[order].copy()
        if pts.size > 1:
            typical = int(np.median(np.diff(pts)))
        else:
            typical = round(1 / (float(self._stream.guessed_rate or 30) * self._time_base))
        end_pts = int(pts[-1]) + typical
        if last_end is not None and last_end > pts[-1]:
            end_pts = int(last_end)
        return _PacketIndex(pts, key_frames.astype(np.int64), key_seek, end_pts)

    def _first_frame(self) -> av.video.frame.VideoFrame:
        frame = None
        for _, _, decoded in self._decode_indices([0]):
            frame = decoded
        if frame is None:  # pragma: no cover - _decode_indices raises first
            raise InvalidVideoError(self._name, "no frame could be decoded")
        return frame

    def _orientation_of(self, frame: av.video.frame.VideoFrame) -> Orientation:
        import av.sidedata.sidedata

        side_data: Any = frame.side_data  # PyAV's stubs mistype it; it iterates SideData
        for side in side_data:
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
        duration_ms = self._to_ms(self._index.end_pts)
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
        if frame.pts is None:
            return fallback
        pos = int(np.searchsorted(self._index.pts, frame.pts))
        if pos < self._index.pts.size and self._index.pts[pos] == frame.pts:
            return pos
        return max(0, pos - 1)

    def _decode_indices(
        self, indices: Iterable[int]
    ) -> Iterator[tuple[int, int, av.video.frame.VideoFrame]]:
        """Yield ``(target, index, frame)`` for sorted, unique target indices, seeking where it
        pays. ``index`` differs from ``target`` only when the target frame cannot be decoded
        (a damaged or truncated file): then the frame shown before it stands in."""
        keyframes = self._index.keyframes
        for target in indices:
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
                    f"frame {target} could not be decoded; the file may be damaged "
                    "(re-export it, or remux with ffmpeg -i in -c copy out.mp4)",
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
            raise InvalidVideoError(
                self._name, f"decoding failed near frame {target} ({exc}); the file may be damaged"
            ) from None
        self._decoder = None
        self._next_index = None
        return previous

    def _to_decoded(self, index: int, frame: av.video.frame.VideoFrame) -> DecodedFrame:
        image: ImageArray = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
        image = self._orientation.apply(image)
        return DecodedFrame(
            index=index, time_ms=float(self._to_ms(self._index.pts[index])), image=image
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

    # -- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the container (a file object passed in stays open)."""
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
