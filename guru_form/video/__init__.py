"""Videos in and out: one reader, one writer, one readability check (PyAV / FFmpeg).

Every part of guru_form that touches a video file goes through this package, so all of them agree
on what a video's frames are, when each is shown, and which way up it is:

- :mod:`~guru_form.video.reader` -- :class:`VideoReader`: the packet index, exact frames by
  presentation time (nearest frame, keyframe seeking), strided iteration for the pose engine with
  optional decoding ahead in a background thread, and :func:`probe_video`. Its module docstring
  states the rules: time zero, the nearest-frame rule, orientation, pixels.
- :mod:`~guru_form.video.orientation` -- :class:`Orientation`: the display matrix, the old
  ``rotate`` tag and mirroring, as players apply them.
- :mod:`~guru_form.video.writer` -- :class:`H264Writer`: browser-playable H.264 MP4, written
  atomically.
- :mod:`~guru_form.video.check` -- :func:`check_readable`: the quick "does its first frame decode"
  check the client runs before uploading and the server runs on every upload.

Images are RGB ``uint8`` arrays ``(height, width, 3)`` in display orientation; times are
milliseconds from the first frame.

Examples
--------
>>> from guru_form.video import VideoReader
>>> with VideoReader("squat.mp4") as reader:  # doctest: +SKIP
...     reader.info.frame_count, reader.read_frames([1200])[0].index
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guru_form._lazy import lazy_exports

# name -> module that defines it; imported on first use, so that ``guru_form.video.check`` (which
# the client imports) does not pull in numpy.
_LAZY: dict[str, str] = {
    "VideoSource": "guru_form.video._container",
    "check_readable": "guru_form.video.check",
    "Orientation": "guru_form.video.orientation",
    "DecodedFrame": "guru_form.video.reader",
    "PastEnd": "guru_form.video.reader",
    "VideoInfo": "guru_form.video.reader",
    "VideoReader": "guru_form.video.reader",
    "probe_video": "guru_form.video.reader",
    "reader_for": "guru_form.video.reader",
    "H264Writer": "guru_form.video.writer",
}

if TYPE_CHECKING:
    from guru_form.video._container import VideoSource
    from guru_form.video.check import check_readable
    from guru_form.video.orientation import Orientation
    from guru_form.video.reader import (
        DecodedFrame,
        PastEnd,
        VideoInfo,
        VideoReader,
        probe_video,
        reader_for,
    )
    from guru_form.video.writer import H264Writer

__all__ = [
    "DecodedFrame",
    "H264Writer",
    "Orientation",
    "PastEnd",
    "VideoInfo",
    "VideoReader",
    "VideoSource",
    "check_readable",
    "probe_video",
    "reader_for",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
