"""Every file format guru_form reads or writes, registered in one place, and one way to use them.

A :class:`Format` names what it holds (an analysis, a pose track or a table), the file suffixes it
is known by, and its loader and saver (the ``from_<format>`` / ``to_<format>`` functions of its
module). :func:`load_analysis`, :func:`load_pose_track`, :func:`load_table` and the matching
``save_*`` functions pick the format from the file name, or take ``format=`` by name.

Examples
--------
>>> sorted(name for name, f in FORMATS.items() if f.kind == "table")
['csv', 'excel', 'parquet']
>>> format_for("squats.pose.parquet", "pose_track").name
'pose-parquet'
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from guru_form.errors import InvalidInputError
from guru_form.io import guru_json, pose_parquet, tables
from guru_form.models import Analysis
from guru_form.pose_track import PoseTrack

__all__ = [
    "FORMATS",
    "Format",
    "Kind",
    "format_for",
    "load_analysis",
    "load_pose_track",
    "load_table",
    "register",
    "save_analysis",
    "save_pose_track",
    "save_table",
]

#: What a file holds.
Kind = Literal["analysis", "pose_track", "table"]


@dataclass(frozen=True)
class Format:
    """A file format guru_form reads or writes.

    Attributes
    ----------
    name
        The name ``format=`` takes (``"guru-json"``, ``"pose-parquet"``, ``"csv"``, ...).
    kind
        What it holds: ``"analysis"``, ``"pose_track"`` or ``"table"``.
    suffixes
        File name endings it is recognised by, longest first where they overlap
        (``".pose.parquet"`` before ``".parquet"``).
    description
        One line for listings and error messages.
    load
        ``load(path, **options)`` returns the object; None when guru_form only writes it.
    save
        ``save(obj, path, **options)`` writes it and returns the path; None when only read.
    """

    name: str
    kind: Kind
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


def _names(kind: Kind, action: str) -> str:
    usable = [
        f"{f.name} ({', '.join(f.suffixes)})"
        for f in FORMATS.values()
        if f.kind == kind and getattr(f, action) is not None
    ]
    return "; ".join(usable)


def format_for(
    path: str | os.PathLike[str], kind: Kind, format: str | None = None, *, action: str = "load"
) -> Format:
    """The format to ``action`` (``"load"`` or ``"save"``) a ``kind`` with, by name or file name.

    Raises
    ------
    InvalidInputError
        For an unknown format name, a format of another kind, one that cannot do ``action``, or a
        file name no format of this kind is known by. The message lists those that fit.
    """
    what = kind.replace("_", " ")
    if format is not None:
        fmt = FORMATS.get(format)
        if fmt is None or fmt.kind != kind or getattr(fmt, action) is None:
            raise InvalidInputError(
                f"cannot {action} a {what} as {format!r}; formats that can: {_names(kind, action)}"
            )
        return fmt
    name = Path(path).name.lower()
    candidates = [
        (len(suffix), fmt)
        for fmt in FORMATS.values()
        if fmt.kind == kind
        for suffix in fmt.suffixes
        if name.endswith(suffix)
    ]
    if not candidates:
        raise InvalidInputError(
            f"{Path(path).name}: no {what} format is known by this file name; name the file "
            f"after one, or pass format=... ({_names(kind, action)})"
        )
    fmt = max(candidates, key=lambda c: c[0])[1]
    if getattr(fmt, action) is None:
        raise InvalidInputError(
            f"{Path(path).name}: cannot {action} a {what} as {fmt.name!r}; formats that can: "
            f"{_names(kind, action)}"
        )
    return fmt


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
    """Read a pose track in any registered format (``options`` go to the format's loader)."""
    fmt = format_for(path, "pose_track", format)
    assert fmt.load is not None
    track: PoseTrack = fmt.load(path, **options)
    return track


def save_pose_track(
    track: PoseTrack, path: str | os.PathLike[str], *, format: str | None = None, **options: Any
) -> Path:
    """Write a pose track in any registered format (``options`` go to the format's saver)."""
    fmt = format_for(path, "pose_track", format, action="save")
    assert fmt.save is not None
    return Path(fmt.save(track, path, **options))


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
    if fmt.name == "excel":
        return Path(
            fmt.save({"reps": frame}, path, units=None if units is None else {"reps": units})
        )
    return Path(fmt.save(frame, path, units=units))


register(
    Format(
        "guru-json",
        "analysis",
        (".json",),
        "the Guru API's analysis JSON; a pose track beside it as name.pose.parquet",
        guru_json.from_guru_json,
        guru_json.to_guru_json,
    )
)
register(
    Format(
        "pose-parquet",
        "pose_track",
        (pose_parquet.POSE_TRACK_SUFFIX, ".parquet"),
        "guru_form's own pose track file: the frame, with the track's attributes",
        pose_parquet.from_pose_parquet,
        pose_parquet.to_pose_parquet,
    )
)
register(
    Format(
        "csv",
        "table",
        (".csv",),
        "CSV with a units line under the header",
        tables.from_csv,
        tables.to_csv,
    )
)
register(
    Format(
        "parquet",
        "table",
        (".parquet",),
        "Parquet with each column's unit in its field metadata",
        tables.from_parquet,
        tables.to_parquet,
    )
)
register(
    Format(
        "excel",
        "table",
        (".xlsx",),
        "Excel workbook with a units row under the header (written only)",
        None,
        tables.to_excel,
    )
)
