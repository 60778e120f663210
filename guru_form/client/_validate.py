"""Check arguments before anything goes over the network.

Every check raises :class:`~guru_form.errors.InvalidInputError` (or its
:class:`~guru_form.errors.InvalidVideoError`) with a message that says what to fix.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from guru_form.errors import InvalidInputError
from guru_form.models import Activity, Domain, resolve_activity, warn_unknown
from guru_form.video.check import check_readable

__all__ = [
    "VideoMetadata",
    "check_count",
    "check_include",
    "check_video_file",
    "check_video_id",
    "request_activity",
    "video_metadata",
]


@dataclass(frozen=True)
class VideoMetadata:
    """Validated optional metadata of a video, ready to be sent as the API's JSON.

    An activity or domain guru_form does not know is kept as the string given (see
    :func:`request_activity`).
    """

    activity: Activity | str | None = None
    domain: Domain | str | None = None
    rep_count: int | None = None
    source: str | None = None

    def to_json(self) -> dict[str, object]:
        """Only the fields that are set, under the API's names."""
        out: dict[str, object] = {}
        if self.domain is not None:
            out["domain"] = str(self.domain)
        if self.activity is not None:
            out["activity"] = str(self.activity)
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


def _known_or_given(
    kind: type[Activity] | type[Domain], value: object, what: str
) -> Activity | Domain | str | None:
    if value is None or isinstance(value, kind):
        return value
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{what} must be a non-empty string, got {value!r}")
    try:
        act, dom = (
            resolve_activity(value, None) if kind is Activity else resolve_activity(None, value)
        )
    except InvalidInputError:
        warn_unknown(what, value.strip(), "sent to the server")
        return value.strip()
    return act if kind is Activity else dom


def request_activity(
    activity: Activity | str | None, domain: Domain | str | None
) -> tuple[Activity | str | None, Domain | str | None]:
    """The activity and domain to send: known names checked, unknown ones passed through.

    The domain follows from a known activity; a known activity in another known domain is an
    error. A name guru_form does not know (the API's list grows) is sent as it is, with an
    :class:`~guru_form.errors.UnknownActivityWarning`: the server decides.

    Raises
    ------
    InvalidInputError
        For a name that is not a non-empty string, or a known activity in another domain.

    Examples
    --------
    >>> request_activity("lunge", None)
    (<Activity.LUNGE: 'lunge'>, <Domain.CALISTHENICS: 'calisthenics'>)
    """
    act = _known_or_given(Activity, activity, "activity")
    named_domain = domain.strip().lower() if isinstance(domain, str) else ""
    if isinstance(act, Activity) and named_domain not in ("", act.domain.value):
        raise InvalidInputError(
            f"activity {act.value!r} belongs to domain {act.domain.value!r}, not "
            f"{str(domain).strip()!r}; drop the domain argument and it will be filled in"
        )
    dom = _known_or_given(Domain, domain, "domain")
    if isinstance(act, Activity):
        if dom is not None and dom != act.domain:
            raise InvalidInputError(
                f"activity {act.value!r} belongs to domain {act.domain.value!r}, not {str(dom)!r}; "
                f"drop the domain argument and it will be filled in"
            )
        dom = act.domain
    return act, dom


def video_metadata(
    *,
    activity: Activity | str | None = None,
    domain: Domain | str | None = None,
    rep_count: int | None = None,
    source: str | None = None,
) -> VideoMetadata:
    """Validate activity/domain (the domain follows from the activity), rep count and source.

    An activity or domain guru_form does not know passes through with a warning
    (:func:`request_activity`).
    """
    act, dom = request_activity(activity, domain)
    reps = None if rep_count is None else check_count(rep_count, "rep_count")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise InvalidInputError(f"source must be a non-empty string, got {source!r}")
    return VideoMetadata(activity=act, domain=dom, rep_count=reps, source=source)


#: What ``get_video(include=...)`` may ask for, as the API names it.
INCLUDES = ("analysis", "j2p", "objects")
#: ``include=``: one name, a comma-separated string, or an iterable of names.
Include = str | Iterable[str] | None


def check_include(include: Include) -> tuple[str, ...]:
    """The parts ``include`` names, in order, each once (:data:`INCLUDES`).

    Examples
    --------
    >>> check_include(("analysis", "j2p")), check_include("j2p,analysis"), check_include(None)
    (('analysis', 'j2p'), ('j2p', 'analysis'), ())
    """
    if include is None:
        return ()
    items = include.split(",") if isinstance(include, str) else list(include)
    parts: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise InvalidInputError(f"include takes names ({', '.join(INCLUDES)}), got {item!r}")
        name = item.strip()
        if name not in INCLUDES:
            raise InvalidInputError(f"include takes any of {', '.join(INCLUDES)}; got {name!r}")
        if name not in parts:
            parts.append(name)
    return tuple(parts)


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
