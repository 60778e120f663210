"""Check arguments before anything goes over the network.

Every check raises :class:`~guru_form.errors.InvalidInputError` (or its
:class:`~guru_form.errors.InvalidVideoError`) with a message that says what to fix.
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass
from pathlib import Path

from guru_form.errors import InvalidInputError
from guru_form.models import Activity, Domain, resolve_activity
from guru_form.video.check import check_readable

__all__ = [
    "VideoMetadata",
    "check_count",
    "check_video_file",
    "check_video_id",
    "video_metadata",
]


@dataclass(frozen=True)
class VideoMetadata:
    """Validated optional metadata of a video, ready to be sent as the API's JSON."""

    activity: Activity | None = None
    domain: Domain | None = None
    rep_count: int | None = None
    source: str | None = None

    def to_json(self) -> dict[str, object]:
        """Only the fields that are set, under the API's names."""
        out: dict[str, object] = {}
        if self.domain is not None:
            out["domain"] = self.domain.value
        if self.activity is not None:
            out["activity"] = self.activity.value
        if self.rep_count is not None:
            out["repCount"] = self.rep_count
        if self.source is not None:
            out["source"] = self.source
        return out


def check_count(value: object, what: str, *, minimum: int = 0) -> int:
    """An integer ``>= minimum`` (bools and floats such as ``3.0`` are refused).

    Examples
    --------
    >>> check_count(12, "rep_count")
    12
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidInputError(f"{what} must be a whole number, got {value!r}")
    number = int(value)
    if number < minimum:
        raise InvalidInputError(f"{what} must be at least {minimum}, got {number}")
    return number


def video_metadata(
    *,
    activity: Activity | str | None = None,
    domain: Domain | str | None = None,
    rep_count: int | None = None,
    source: str | None = None,
) -> VideoMetadata:
    """Validate activity/domain (the domain follows from the activity), rep count and source."""
    act, dom = resolve_activity(activity, domain)
    reps = None if rep_count is None else check_count(rep_count, "rep_count")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise InvalidInputError(f"source must be a non-empty string, got {source!r}")
    return VideoMetadata(activity=act, domain=dom, rep_count=reps, source=source)


def check_video_id(video_id: object) -> str:
    """A non-empty video id without characters that would change the URL path."""
    if not isinstance(video_id, str) or not video_id.strip():
        raise InvalidInputError(f"video_id must be a non-empty string, got {video_id!r}")
    if any(c in video_id for c in "/?#") or video_id in (".", ".."):
        raise InvalidInputError(f"video_id {video_id!r} is not a valid id (it contains / ? or #)")
    return video_id


def check_video_file(path: str | os.PathLike[str]) -> Path:
    """Check that ``path`` is a video file whose first frame decodes.

    Parameters
    ----------
    path
        The video file.

    Returns
    -------
    Path
        The absolute path.

    Raises
    ------
    InvalidInputError
        When ``path`` is not a str or path.
    InvalidVideoError
        When the file is missing, a folder, empty, or not a video whose first frame decodes
        (:func:`guru_form.video.check_readable`, a few milliseconds whatever the video's length).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidInputError(f"a video path must be a str or path, got {type(path).__name__}")
    file = Path(path).expanduser().absolute()
    check_readable(file)
    return file
