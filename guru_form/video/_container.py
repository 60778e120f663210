"""Opening a video's container with PyAV, with one set of checks and error messages.

Every way into a video (the reader, the readability check) opens it here, so a missing file, an
empty one, a folder, a closed file object, a document, a still image renamed ``.mp4`` and an
audio-only file are refused the same way everywhere, with an :class:`InvalidVideoError` that says
what to do. Its ``reason`` reads after the video's name ("clip.mp4: is empty (0 bytes); ..."). Messages carry FFmpeg's reason (``strerror``) but never the path FFmpeg was given
(a server's storage path must not reach its users); the error's ``path`` is the caller's name.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Union

from guru_form.errors import InvalidVideoError

if TYPE_CHECKING:
    import av.container

__all__ = ["VideoSource", "open_container", "source_name"]

#: A video: a path, or a binary file object opened for reading (it stays open; guru_form never
#: closes a file object it was given).
VideoSource = Union[str, "os.PathLike[str]", IO[bytes]]

# FFmpeg demuxers that read a single still image (a photo renamed .mp4 lands on one of these).
_IMAGE_FORMATS = ("image2", "_pipe", "gif", "apng", "webp")

_EXPORT_ADVICE = "export it as MP4 (H.264) and try again"


def source_name(source: VideoSource) -> str:
    """How a video is named in messages: its path, or ``"<file object>"``.

    Parameters
    ----------
    source
        A path or a binary file object.

    Returns
    -------
    str
        The name.
    """
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return "<file object>"


def _check_source(source: VideoSource, name: str) -> None:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise InvalidVideoError(name, "does not exist (no such file); check the path")
        if path.is_dir():
            raise InvalidVideoError(name, "is a folder, not a video file; pass a video's path")
        if path.stat().st_size == 0:
            raise InvalidVideoError(name, "is empty (0 bytes); record or copy the video again")
        return
    if getattr(source, "closed", False):
        raise InvalidVideoError(
            name, "is a closed file object; open the video again and pass it open"
        )
    if not hasattr(source, "read"):
        raise InvalidVideoError(
            repr(source), "is not a path or a binary file object; pass the video's path"
        )


def _ffmpeg_reason(exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None)
    return str(reason) if reason else type(exc).__name__


def open_container(source: VideoSource) -> av.container.InputContainer:
    """Open a video for reading, or raise a clear :class:`InvalidVideoError`.

    A file object is read from its start. The container returned has at least one video
    stream and is not a still image; close it when done.

    Parameters
    ----------
    source
        A path or a binary file object.

    Returns
    -------
    av.container.InputContainer
        The open container.

    Raises
    ------
    InvalidVideoError
        The file is missing, a folder, empty, closed, not something FFmpeg can read, a still
        image, or has no video stream.
    """
    import av

    name = source_name(source)
    _check_source(source, name)
    if not isinstance(source, (str, os.PathLike)) and hasattr(source, "seek"):
        source.seek(0)
    target = os.fspath(source) if isinstance(source, os.PathLike) else source
    try:
        container = av.open(target, "r")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidVideoError(
            name, f"cannot be read as a video (FFmpeg: {_ffmpeg_reason(exc)}); {_EXPORT_ADVICE}"
        ) from None
    try:
        fmt = container.format.name
        if any(tag in fmt for tag in _IMAGE_FORMATS) and "mp4" not in fmt:
            kind = fmt.replace("_pipe", "").replace("image2", "image")
            raise InvalidVideoError(
                name, f"is a still image ({kind}), not a video; record the exercise as a video"
            )
        if not container.streams.video:
            raise InvalidVideoError(
                name, "has no video stream (audio only?); record or export it as a video"
            )
    except BaseException:
        container.close()
        raise
    return container


def decode_error(name: str, exc: BaseException, where: str) -> InvalidVideoError:
    """The error for a decoder failure ``where`` (e.g. ``"near frame 12"``) in video ``name``.

    Parameters
    ----------
    name
        The video's name (see :func:`source_name`).
    exc
        FFmpeg's error.
    where
        Where decoding failed, in words (``"near frame 12"``).

    Returns
    -------
    InvalidVideoError
        To raise.
    """
    return InvalidVideoError(
        name,
        f"cannot be decoded {where} (FFmpeg: {_ffmpeg_reason(exc)}); the file may be damaged: "
        "re-export it as MP4 (H.264), or remux it with ffmpeg -i in -c copy out.mp4",
    )
