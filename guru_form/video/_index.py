"""The packet index: every frame's presentation timestamp and the keyframes, read without decoding.

Built by demuxing the video stream once (no picture is decoded). It costs two ``int64`` per frame
(plus a few per keyframe), so it is the only part of a reader that grows with the video's length.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from guru_form.errors import InvalidVideoError
from guru_form.video._container import decode_error

if TYPE_CHECKING:
    import av.container
    import av.video.stream

__all__ = ["PacketIndex", "build_index"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PacketIndex:
    """Presentation timestamps of every frame, sorted, and where to seek to reach each keyframe.

    Attributes
    ----------
    pts
        Sorted, unique presentation timestamps (stream time base); frame ``i`` is ``pts[i]``.
    keyframes
        Sorted frame positions (into ``pts``) of keyframes; the first is always 0.
    keyframe_seek_ts
        For each keyframe, the timestamp to seek to (its decoding timestamp).
    end_pts
        The end of the last frame's display (stream time base).
    """

    pts: IntArray
    keyframes: IntArray
    keyframe_seek_ts: IntArray
    end_pts: int

    def starting_at(self, first_pts: int) -> PacketIndex:
        """The index without the frames presented before ``first_pts``.

        Used when the first frames of a file cannot be decoded (a stream cut in the middle of a
        group of pictures): the video starts at the first frame the decoder gives. The first
        keyframe at or before the new frame 0 in decoding order keeps its seek timestamp, so
        seeking to frame 0 still starts where that frame was decoded from.

        Parameters
        ----------
        first_pts
            The presentation timestamp of the new frame 0.

        Returns
        -------
        PacketIndex
            ``self`` when nothing is dropped.
        """
        start = int(np.searchsorted(self.pts, first_pts, side="left"))
        if start == 0:
            return self
        pts = self.pts[start:]
        keep = self.keyframes >= start
        keyframes = self.keyframes[keep] - start
        seek = self.keyframe_seek_ts[keep]
        if keyframes.size == 0 or keyframes[0] != 0:
            # Frame 0 was decoded from the first keyframe (seeking starts there).
            keyframes = np.r_[0, keyframes].astype(np.int64)
            seek = np.r_[self.keyframe_seek_ts[0], seek].astype(np.int64)
        return PacketIndex(pts.copy(), keyframes, seek, self.end_pts)


def build_index(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    time_base: Fraction,
    name: str,
) -> PacketIndex:
    """Demux ``stream`` once and index its frames; the container is left at its end.

    Parameters
    ----------
    container, stream
        The open container and its video stream.
    time_base
        The stream's time base.
    name
        The video's name, for messages.

    Returns
    -------
    PacketIndex
        Packets the demuxer marks as discarded (before an edit list's start) are left out.

    Raises
    ------
    InvalidVideoError
        The stream has no frames, its frames carry no timestamps, or it is damaged.
    """
    import av

    # Typed arrays: 8 bytes a frame while scanning (a list of ints would take 36).
    pts_list = array("q")
    key_pts = array("q")
    key_dts = array("q")
    last_end = None
    try:
        for packet in container.demux(stream):
            if packet.size == 0 or packet.is_discard:
                continue
            ts = packet.pts if packet.pts is not None else packet.dts
            if ts is None:
                raise InvalidVideoError(
                    name,
                    "has frames without timestamps; remux it to MP4 "
                    "(ffmpeg -i in -c copy out.mp4) and try again",
                )
            pts_list.append(int(ts))
            end = int(ts) + int(packet.duration or 0)
            last_end = end if last_end is None else max(last_end, end)
            if packet.is_keyframe:
                key_pts.append(int(ts))
                key_dts.append(int(packet.dts) if packet.dts is not None else int(ts))
    except av.error.FFmpegError as exc:
        raise decode_error(name, exc, "while reading its index") from None
    if not pts_list:
        raise InvalidVideoError(name, "has a video stream with no frames; record it again")
    pts = np.unique(np.frombuffer(pts_list, dtype=np.int64))
    if not key_pts:  # no keyframe flags at all: treat the first frame as one
        key_pts, key_dts = array("q", [int(pts[0])]), array("q", [int(pts[0])])
    keys = np.frombuffer(key_pts, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    key_frames = np.searchsorted(pts, keys[order]).astype(np.int64)
    key_seek = np.frombuffer(key_dts, dtype=np.int64)[order].copy()
    if key_frames[0] != 0:
        # Frames before the first keyframe: seeking for them starts at the first keyframe.
        key_frames = np.r_[0, key_frames].astype(np.int64)
        key_seek = np.r_[key_seek[0], key_seek].astype(np.int64)
    if pts.size > 1:
        typical = int(np.median(np.diff(pts)))
    else:
        typical = round(1 / (float(stream.guessed_rate or 30) * time_base))
    end_pts = int(pts[-1]) + typical
    if last_end is not None and last_end > pts[-1]:
        end_pts = int(last_end)
    return PacketIndex(pts, key_frames, key_seek, end_pts)
