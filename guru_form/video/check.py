"""Is this a video guru_form can read? The one readability check, for the client and the server.

:func:`check_readable` opens the file and decodes its first frame, and nothing more: it reads the
container's header and the first packets, so it takes milliseconds whatever the video's length.
The client runs it before uploading (a photo or a document renamed ``.mp4`` is refused before any
byte is sent); the local server runs it on every upload before any analysis engine sees it. The
errors are those of :class:`~guru_form.video.VideoReader`: a file that passes opens there too.

Examples
--------
>>> from guru_form.video import check_readable
>>> check_readable("notes.txt")  # doctest: +SKIP
Traceback (most recent call last):
InvalidVideoError: notes.txt: cannot be read as a video (FFmpeg: Invalid data found when processing input); ...
"""

from __future__ import annotations

from guru_form.errors import InvalidVideoError
from guru_form.video._container import VideoSource, decode_error, open_container, source_name

__all__ = ["check_readable"]


def check_readable(source: VideoSource) -> None:
    """Raise :class:`InvalidVideoError` unless ``source`` is a video whose first frame decodes.

    Parameters
    ----------
    source
        A path or a binary file object (read from its start, left open).

    Returns
    -------
    None

    Raises
    ------
    InvalidVideoError
        The file is missing, a folder, empty, closed, not something FFmpeg can read, a still
        image, has no video stream, or no frame of it can be decoded. ``reason`` says which, in
        words a user can act on, without the path.
    """
    import av

    name = source_name(source)
    with open_container(source) as container:
        stream = container.streams.video[0]
        try:
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.error.InvalidDataError:
                    continue  # a damaged packet; the next keyframe may decode
                if frames:
                    return
        except av.error.FFmpegError as exc:
            raise decode_error(name, exc, "at its first frame") from None
    raise InvalidVideoError(
        name,
        "opens, but no frame of it can be decoded; the file may be damaged or cut short: "
        "re-export it as MP4 (H.264)",
    )
