"""Every file format guru_form reads or writes, registered in one place, and one way to use them.

A :class:`Format` names what it reads (an analysis, a pose track, keypoints or a table), what it
writes, the file suffixes it is known by, and its loader and saver (the ``from_<format>`` /
``to_<format>`` functions of its module). ``load_*`` and ``save_*`` below pick the format from the
file name, or take ``format=`` by name.

Keypoints are both sides' joints as another tool gives them (:class:`~guru_form.pose_track.PoseKeypoints`):
a file holds what it holds, and choosing the side facing the camera is analysis, done by
:func:`guru_form.pose.track.track_from_keypoints` (``PoseTrack.from_trc`` and
``PoseTrack.from_movement`` do both).

Examples
--------
>>> sorted(name for name, f in FORMATS.items() if f.reads == "table")
['csv', 'mot', 'parquet']
>>> format_for("squats.pose.parquet", "pose_track").name
'pose-parquet'
>>> format_for("squat_px.trc", "pose_track", action="save").name
'trc'
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from guru_form.errors import InvalidInputError
from guru_form.io import guru_json, movement, opensim, pose_parquet, tables
from guru_form.models import Analysis
from guru_form.pose_track import PoseKeypoints, PoseTrack

__all__ = [
    "FORMATS",
    "Format",
    "Kind",
    "format_for",
    "load_analysis",
    "load_keypoints",
    "load_pose_track",
    "load_table",
    "register",
    "save_analysis",
    "save_pose_track",
    "save_table",
]

#: What a file holds.
Kind = Literal["analysis", "pose_track", "keypoints", "table"]


@dataclass(frozen=True)
class Format:
    """A file format guru_form reads or writes.

    Attributes
    ----------
    name
        The name ``format=`` takes (``"guru-json"``, ``"pose-parquet"``, ``"trc"``, ...).
    reads, writes
        What :attr:`load` returns and what :attr:`save` takes: ``"analysis"``,
        ``"pose_track"``, ``"keypoints"`` or ``"table"`` (None when it does not).
    suffixes
        File name endings it is known by; the longest that fits wins (``.pose.parquet`` over
        ``.parquet``).
    description
        One line for listings and error messages.
    load
        ``load(path, **options)``; None when guru_form only writes the format.
    save
        ``save(obj, path, **options)`` returns the path written; None when it only reads it.
    """

    name: str
    reads: Kind | None
    writes: Kind | None
    suffixes: tuple[str, ...]
    description: str
    load: Callable[..., Any] | None = None
    save: Callable[..., Any] | None = None


#: The registered formats by name.
FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format to :data:`FORMATS` (its name must be new)."""
    if fmt.name in FORMATS:
        raise InvalidInputError(f"a format named {fmt.name!r} is already registered")
    FORMATS[fmt.name] = fmt
    return fmt


def _able(kind: Kind, action: str) -> list[Format]:
    side = "reads" if action == "load" else "writes"
    return [f for f in FORMATS.values() if getattr(f, side) == kind]


def _names(kind: Kind, action: str) -> str:
    return "; ".join(f"{f.name} ({', '.join(f.suffixes)})" for f in _able(kind, action))


def format_for(
    path: str | os.PathLike[str], kind: Kind, format: str | None = None, *, action: str = "load"
) -> Format:
    """The format to ``action`` (``"load"`` or ``"save"``) a ``kind`` with, by name or file name.

    Raises
    ------
    InvalidInputError
        For an unknown format name or one that cannot do this, a file name no format is known
        by, or one several formats share (``.h5``: DeepLabCut or SLEAP). The message lists the
        formats that fit.
    """
    what = kind.replace("_", " ")
    able = _able(kind, action)
    if format is not None:
        fmt = FORMATS.get(format)
        if fmt is None or fmt not in able:
            raise InvalidInputError(
                f"cannot {action} {what} as {format!r}; formats that can: {_names(kind, action)}"
            )
        return fmt
    name = Path(path).name.lower()
    fits = [
        (len(suffix), fmt)
        for fmt in FORMATS.values()
        for suffix in fmt.suffixes
        if name.endswith(suffix.lower())
    ]
    best = max((length for length, _ in fits), default=0)
    chosen = list(dict.fromkeys(fmt for length, fmt in fits if length == best))
    usable = [fmt for fmt in chosen if fmt in able]
    if len(usable) == 1:
        return usable[0]
    if len(usable) > 1:
        raise InvalidInputError(
            f"{Path(path).name}: {', '.join(f.name for f in usable)} all {action} {what} from "
            f"this kind of file; pass format=... to say which"
        )
    if chosen:
        raise InvalidInputError(
            f"{Path(path).name}: cannot {action} {what} as {chosen[0].name!r}; formats that "
            f"can: {_names(kind, action)}"
        )
    raise InvalidInputError(
        f"{Path(path).name}: no format is known by this file name; name the file after one, or "
        f"pass format=... ({_names(kind, action)})"
    )


def load_analysis(path: str | os.PathLike[str], *, format: str | None = None) -> Analysis:
    """Read an analysis (Guru JSON, and its pose track beside it when there is one)."""
    fmt = format_for(path, "analysis", format)
    assert fmt.load is not None
    result: Analysis = fmt.load(path)
    return result


def save_analysis(
    analysis: Analysis, path: str | os.PathLike[str], *, format: str | None = None
) -> Path:
    """Write an analysis (Guru JSON, and its pose track beside it as ``name.pose.parquet``)."""
    fmt = format_for(path, "analysis", format, action="save")
    assert fmt.save is not None
    return Path(fmt.save(analysis, path))


def load_pose_track(
    path: str | os.PathLike[str], *, format: str | None = None, **options: Any
) -> PoseTrack:
    """Read guru_form's own pose track file (``.pose.parquet``).

    Other tools' files hold both sides' joints: :func:`load_keypoints` reads them, and
    ``PoseTrack.from_trc`` / ``PoseTrack.from_movement`` choose the measured side.
    """
    fmt = format_for(path, "pose_track", format)
    assert fmt.load is not None
    track: PoseTrack = fmt.load(path, **options)
    return track


def save_pose_track(
    track: PoseTrack, path: str | os.PathLike[str], *, format: str | None = None, **options: Any
) -> Path:
    """Write a pose track: ``.pose.parquet``, OpenSim ``.trc`` (``athlete_height_cm=`` for
    metres) or ``.mot`` (its angles). ``options`` go to the format's saver."""
    fmt = format_for(path, "pose_track", format, action="save")
    assert fmt.save is not None
    return Path(fmt.save(track, path, **options))


def load_keypoints(
    path: str | os.PathLike[str], *, format: str | None = None, **options: Any
) -> PoseKeypoints:
    """Read both sides' joints from another tool's file (OpenSim ``.trc``; through movement:
    DeepLabCut, SLEAP, LightningPose, Anipose, NWB). ``options`` go to the format's loader."""
    fmt = format_for(path, "keypoints", format)
    assert fmt.load is not None
    keypoints: PoseKeypoints = fmt.load(path, **options)
    return keypoints


def load_table(
    path: str | os.PathLike[str], *, format: str | None = None, **options: Any
) -> pd.DataFrame:
    """Read a table, its units in ``frame.attrs["units"]``."""
    fmt = format_for(path, "table", format)
    assert fmt.load is not None
    frame: pd.DataFrame = fmt.load(path, **options)
    return frame


def save_table(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    units: tables.Units | None = None,
) -> Path:
    """Write a table, with ``{column: unit}`` when given."""
    fmt = format_for(path, "table", format, action="save")
    assert fmt.save is not None
    return Path(fmt.save(frame, path, units=units))


def _movement_loader(software: str) -> Callable[..., PoseKeypoints]:
    def load(path: str | os.PathLike[str], *, fps: float | None = None, **options: Any) -> Any:
        ds = movement.from_movement_file(path, software, fps=fps)
        return movement.keypoints_from_movement(ds, fps=fps, **options)

    load.__name__ = f"from_{software.lower()}"
    load.__doc__ = f"Both sides' joints from a {software} file, read by movement."
    return load


def _excel_save(frame: pd.DataFrame, path: str | os.PathLike[str], **options: Any) -> Path:
    units = options.get("units")
    return tables.to_excel({"reps": frame}, path, units=None if units is None else {"reps": units})


_REGISTERED = (
    Format(
        "guru-json",
        "analysis",
        "analysis",
        (".json",),
        "the Guru API's analysis JSON; a pose track beside it as name.pose.parquet",
        guru_json.from_guru_json,
        guru_json.to_guru_json,
    ),
    Format(
        "pose-parquet",
        "pose_track",
        "pose_track",
        (pose_parquet.POSE_TRACK_SUFFIX, ".parquet"),
        "guru_form's own pose track file: the frame, with the track's attributes",
        pose_parquet.from_pose_parquet,
        pose_parquet.to_pose_parquet,
    ),
    Format(
        "trc",
        "keypoints",
        "pose_track",
        (".trc",),
        "OpenSim marker trajectories (Sports2D, Pose2Sim, OpenCap)",
        opensim.from_trc,
        opensim.to_trc,
    ),
    Format(
        "mot",
        "table",
        "pose_track",
        (".mot", ".sto"),
        "OpenSim motion file: joint angles over time (degrees)",
        opensim.from_mot,
        opensim.to_mot,
    ),
    *(
        Format(
            software,
            "keypoints",
            None,
            suffixes,
            f"{software} pose file, read with movement (the movement extra)",
            _movement_loader(software),
        )
        for software, suffixes in (
            ("DeepLabCut", (".h5", ".csv")),
            ("SLEAP", (".slp", ".h5")),
            ("LightningPose", (".csv",)),
            ("Anipose", (".csv",)),
            ("NWB", (".nwb",)),
        )
    ),
    Format(
        "csv",
        "table",
        "table",
        (".csv",),
        "CSV with a units line under the header",
        tables.from_csv,
        tables.to_csv,
    ),
    Format(
        "parquet",
        "table",
        "table",
        (".parquet",),
        "Parquet with each column's unit in its field metadata",
        tables.from_parquet,
        tables.to_parquet,
    ),
    Format(
        "excel",
        None,
        "table",
        (".xlsx",),
        "Excel workbook with a units row under the header (written only)",
        None,
        _excel_save,
    ),
)
for _format in _REGISTERED:
    register(_format)
