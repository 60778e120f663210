"""Which videos to analyse, each with its activity: files, folders and ``VIDEO:ACTIVITY``.

What ``guru-form analyze`` takes, turned into :class:`VideoJob` s before anything is sent:

- a video file;
- a folder: the videos in it (not in its sub-folders), in name order with numbers read as
  numbers (``set2`` before ``set10``); other files are listed as skipped, hidden ones ignored;
- either of them followed by ``:ACTIVITY`` (``pushups.mp4:push-up``, ``monday/:squat``), which
  gives those videos their own activity. A path that exists is always taken as a path, so a file
  whose name holds a colon still works.

The activity of a video without its own is the default one (``--activity``). An activity is
matched forgivingly (:func:`guru_form.activities.match`); ``auto`` (or ``recognise``) leaves it to
the analysis to recognise.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from guru_form import activities
from guru_form.errors import InvalidInputError, InvalidVideoError
from guru_form.models import Activity

__all__ = [
    "RECOGNISE",
    "VIDEO_SUFFIXES",
    "FolderListing",
    "VideoInputs",
    "VideoJob",
    "collect_videos",
    "parse_activity",
]

#: File suffixes taken as videos (lower case).
VIDEO_SUFFIXES = frozenset(
    {".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".3gp", ".wmv", ".ts"}
)

#: Words that ask for the activity to be recognised rather than named.
RECOGNISE = ("auto", "recognise", "recognize")


@dataclass(frozen=True)
class VideoJob:
    """One video to analyse.

    Attributes
    ----------
    path
        The video file.
    activity
        What it shows; None to have it recognised.
    rep_count
        The reps it should hold, if known (checked against the reps found).
    name
        Its name for people (default: the file's name).
    """

    path: Path
    activity: Activity | None
    rep_count: int | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.path.name)


@dataclass(frozen=True)
class FolderListing:
    """What a folder given as input held: how many videos, and what was skipped."""

    folder: Path
    videos: int
    skipped: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line: ``footage/: 2 videos (skipped 1 file that is not a video: notes.txt)``."""
        count = f"{self.videos} video{'s' if self.videos != 1 else ''}"
        if not self.skipped:
            return f"{self.folder}/: {count}"
        shown = ", ".join(self.skipped[:5]) + (", ..." if len(self.skipped) > 5 else "")
        n = len(self.skipped)
        what = "file that is not a video" if n == 1 else "files that are not videos"
        return f"{self.folder}/: {count} (skipped {n} {what}: {shown})"


@dataclass
class VideoInputs:
    """The videos to analyse, in the order given, and what each folder given held."""

    jobs: list[VideoJob] = field(default_factory=list)
    folders: list[FolderListing] = field(default_factory=list)


def parse_activity(text: str | Activity) -> Activity | None:
    """An activity as typed: None for ``auto``/``recognise``, else :func:`activities.match`.

    Raises
    ------
    InvalidInputError
        For a name that matches no activity (with a "did you mean").

    Examples
    --------
    >>> parse_activity("Push-ups"), parse_activity("auto")
    (<Activity.PUSH_UP: 'push_up'>, None)
    """
    if isinstance(text, str) and text.strip().lower() in RECOGNISE:
        return None
    return activities.match(text)


def _natural_key(path: Path) -> list[object]:
    """Sort key of a file name with its numbers read as numbers (``set2`` before ``set10``)."""
    parts = re.split(r"(\d+)", path.name.lower())
    return [int(p) if p.isdigit() else p for p in parts]


def _list_folder(folder: Path) -> tuple[list[Path], FolderListing]:
    try:
        entries = sorted(folder.iterdir(), key=_natural_key)
    except OSError as error:
        raise InvalidVideoError(
            folder, f"cannot list the folder: {error.strerror or error}"
        ) from None
    videos, skipped = [], []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix.lower() in VIDEO_SUFFIXES:
            videos.append(entry)
        else:
            skipped.append(entry.name + ("/" if entry.is_dir() else ""))
    listing = FolderListing(folder, len(videos), tuple(skipped))
    if not videos:
        reason = "no videos in this folder"
        if skipped:
            reason += f" ({listing.summary().split('(', 1)[1]}"
        raise InvalidVideoError(folder, reason)
    return videos, listing


def _split(arg: str) -> tuple[Path, str | None]:
    """The path an argument names, and the activity after its last colon, if it has one."""
    path = Path(arg).expanduser()
    if path.exists() or ":" not in arg:
        return path, None
    head, _, activity = arg.rpartition(":")
    if not head or not activity.strip():
        return path, None
    return Path(head).expanduser(), activity.strip()


def collect_videos(
    args: Sequence[str | os.PathLike[str]],
    *,
    activity: str | Activity | None = None,
    rep_count: int | None = None,
) -> VideoInputs:
    """The videos ``args`` name, each with its activity (see the module's docstring).

    Parameters
    ----------
    args
        Video files and folders, each optionally followed by ``:ACTIVITY``.
    activity
        The activity of the videos that do not name their own (``"auto"`` to recognise it);
        None for none.
    rep_count
        The reps each video should hold, if known.

    Returns
    -------
    VideoInputs
        A video given twice (also through a folder) is listed once, where it first appears.

    Raises
    ------
    InvalidVideoError
        A path that does not exist, or a folder with no videos.
    InvalidInputError
        No videos, an unknown activity, a video with no activity at all, or a rep count that
        is not a whole number above 0.

    Examples
    --------
    >>> import guru_form as gf
    >>> found = collect_videos([f"{gf.sample_path('squat')}:squats"])
    >>> [(job.name, job.activity.value) for job in found.jobs]
    [('squat.mp4', 'squat')]
    """
    if isinstance(args, (str, os.PathLike)):
        args = [args]
    if rep_count is not None and (
        isinstance(rep_count, bool) or not isinstance(rep_count, int) or rep_count < 1
    ):
        raise InvalidInputError(
            f"the rep count must be a whole number, 1 or more, got {rep_count!r}"
        )
    default = None if activity is None else parse_activity(activity)
    recognise_all = activity is not None and default is None
    out = VideoInputs()
    seen: set[Path] = set()
    missing_activity: list[str] = []
    for arg in args:
        path, own = _split(os.fspath(arg))
        if not path.exists():
            raise InvalidVideoError(path, "no such file or folder")
        chosen = parse_activity(own) if own is not None else default
        recognise = (own is not None and chosen is None) or (own is None and recognise_all)
        if path.is_dir():
            videos, listing = _list_folder(path)
            out.folders.append(listing)
        else:
            videos = [path]
        for video in videos:
            key = video.resolve()
            if key in seen:
                continue
            seen.add(key)
            if chosen is None and not recognise:
                missing_activity.append(video.name)
            out.jobs.append(VideoJob(video, chosen, rep_count))
    if not out.jobs:
        raise InvalidInputError("give at least one video (a file or a folder of videos)")
    if missing_activity:
        first = missing_activity[0]
        others = f" (and {len(missing_activity) - 1} more)" if len(missing_activity) > 1 else ""
        raise InvalidInputError(
            f"no activity for {first}{others}: give --activity ACTIVITY for every video, "
            f"VIDEO:ACTIVITY for one, or --activity auto to have it recognised"
        )
    return out
