"""An H.264 MP4 writer (PyAV + libx264) whose files play in every browser.

Browsers play MP4 with H.264 video in ``yuv420p`` (OpenCV's pip wheels cannot write H.264, and its
``mp4v`` files do not play in browsers). The writer also moves the ``moov`` index to the front
(``faststart``) so playback starts before the whole file has loaded, keeps each frame's own
presentation time (variable frame rates survive), and writes to a temporary name renamed on
success: a failure leaves no file behind.

``yuv420p`` needs even sizes: an odd width or height loses its last pixel column or row.

Examples
--------
>>> import numpy as np
>>> with H264Writer("clip.mp4", width=320, height=240, fps=30) as out:  # doctest: +SKIP
...     for i in range(30):
...         out.write(np.zeros((240, 320, 3), np.uint8), time_ms=i * 1000 / 30)
"""

from __future__ import annotations

import contextlib
import os
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from guru_form._atomic import atomic_path
from guru_form.errors import InvalidInputError

if TYPE_CHECKING:
    import av.container
    import av.video.stream

__all__ = ["H264Writer"]

#: Presentation times are written in 1/90000 s (MPEG's clock): exact for 24, 25, 30, 50, 60 and
#: 29.97 fps, and within 11 microseconds for any variable-rate timestamp.
TIME_BASE = Fraction(1, 90000)


class H264Writer:
    """Write RGB frames to an H.264 MP4 at ``path``, atomically.

    Parameters
    ----------
    path
        The ``.mp4`` to write (replaced if it exists, once the writer closes without error).
    width, height
        Frame size; odd sizes are cropped by one pixel to even.
    fps
        Nominal frame rate (stored in the stream; timing comes from the times passed to
        :meth:`write`).
    crf
        x264 quality: 18 is visually lossless, 23 the default, 28 small.
    preset
        x264 speed/size trade-off (``"ultrafast"`` .. ``"veryslow"``).
    faststart
        Put the index at the front of the file for quick browser playback.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        width: int,
        height: int,
        fps: float,
        crf: int = 23,
        preset: str = "veryfast",
        faststart: bool = True,
    ) -> None:
        import av

        if width < 2 or height < 2:
            raise InvalidInputError(f"video size {width}x{height} is too small to encode")
        if not 0 <= crf <= 51:
            raise InvalidInputError(f"crf must be in 0..51, got {crf}")
        self.path = Path(path)
        self.width, self.height = width - width % 2, height - height % 2
        self._atomic = atomic_path(self.path)
        self._tmp = self._atomic.__enter__()
        self._last_pts: int | None = None
        self.frames_written = 0
        try:
            options = {"movflags": "+faststart"} if faststart else {}
            self._container: av.container.OutputContainer = av.open(
                str(self._tmp), "w", format="mp4", options=options
            )
            rate = Fraction(fps).limit_denominator(1001) if fps > 0 else Fraction(30)
            self._stream: av.video.stream.VideoStream = self._container.add_stream(
                "libx264", rate=rate
            )
            self._stream.width, self._stream.height = self.width, self.height
            self._stream.pix_fmt = "yuv420p"
            self._stream.codec_context.time_base = TIME_BASE
            self._stream.options = {"crf": str(crf), "preset": preset}
        except BaseException as exc:
            self._abort(exc)
            raise

    def write(self, image: npt.NDArray[np.uint8], *, time_ms: float) -> None:
        """Append an RGB frame shown at ``time_ms`` (milliseconds from the clip's start).

        Parameters
        ----------
        image
            RGB ``uint8`` ``(height, width, 3)``, at least the writer's size (larger is cropped
            at the right and bottom).
        time_ms
            Presentation time; a time not after the previous frame's is moved just after it.

        Returns
        -------
        None

        Raises
        ------
        InvalidInputError
            Not an RGB ``uint8`` image, or smaller than the video.
        """
        import av

        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise InvalidInputError(f"expected an RGB uint8 image, got {image.dtype} {image.shape}")
        if image.shape[0] < self.height or image.shape[1] < self.width:
            raise InvalidInputError(
                f"frame of {image.shape[1]}x{image.shape[0]} is smaller than the video "
                f"({self.width}x{self.height})"
            )
        pts = round(time_ms / 1000 / TIME_BASE)
        if self._last_pts is not None and pts <= self._last_pts:
            pts = self._last_pts + 1  # times must increase strictly
        self._last_pts = pts
        frame = av.VideoFrame.from_ndarray(
            np.ascontiguousarray(image[: self.height, : self.width]), format="rgb24"
        )
        frame.pts = pts
        frame.time_base = TIME_BASE
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames_written += 1

    def close(self) -> Path:
        """Flush the encoder, finish the file and move it into place.

        Returns
        -------
        Path
            The finished video.

        Raises
        ------
        InvalidInputError
            No frame was written (nothing is left on disk).
        """
        if self.frames_written == 0:
            error = InvalidInputError(f"{self.path}: no frames were written")
            self._abort(error)
            raise error
        try:
            for packet in self._stream.encode():
                self._container.mux(packet)
            self._container.close()
        except BaseException as exc:
            self._abort(exc)
            raise
        self._atomic.__exit__(None, None, None)
        return self.path

    def _abort(self, exc: BaseException) -> None:
        with contextlib.suppress(Exception):
            self._container.close()
        with contextlib.suppress(Exception):
            self._atomic.__exit__(type(exc), exc, exc.__traceback__)

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.close()
        else:
            self._abort(exc)
