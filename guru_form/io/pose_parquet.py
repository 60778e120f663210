"""The pose track's own file: one Parquet file holding the frame and the track's attributes.

A :class:`~guru_form.pose_track.PoseTrack` is written as a Parquet table of its frame (columns as
documented in :mod:`guru_form.pose_track`), with the attributes (:meth:`PoseTrack.metadata`) as
JSON in the schema metadata under ``guru_form.pose_track``.

One naming convention: a track saved beside an analysis ``name.json`` is ``name.pose.parquet``
(:func:`sidecar_path`), in an analysis folder and in the client's cache alike; among a server
job's artifacts the track of the job's analysis is ``analysis.pose.parquet``
(:func:`artifact_path`). Needs pyarrow (the ``export`` or ``pose`` extra).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from guru_form.errors import InvalidInputError, MissingDependencyError
from guru_form.io._files import existing_file, write_atomic
from guru_form.pose_track import PoseTrack

__all__ = [
    "ARTIFACT_NAME",
    "POSE_TRACK_SUFFIX",
    "artifact_path",
    "find_artifact",
    "from_pose_parquet",
    "from_pose_parquet_bytes",
    "sidecar_path",
    "to_pose_parquet",
]

#: The suffix of a pose track file.
POSE_TRACK_SUFFIX = ".pose.parquet"

#: The file name of the pose track among a server job's artifacts.
ARTIFACT_NAME = "analysis" + POSE_TRACK_SUFFIX
#: The name servers gave it before there was one convention (still read).
_OLD_ARTIFACT_NAME = "pose_track.parquet"

_META_KEY = b"guru_form.pose_track"


def sidecar_path(json_path: str | os.PathLike[str]) -> Path:
    """Where the pose track of the analysis saved as ``json_path`` goes: ``name.pose.parquet``.

    Examples
    --------
    >>> sidecar_path("out/squats.json").as_posix()
    'out/squats.pose.parquet'
    """
    path = Path(json_path)
    return path.with_name(path.stem + POSE_TRACK_SUFFIX)


def artifact_path(artifacts_dir: str | os.PathLike[str]) -> Path:
    """Where a server job writes the pose track of its analysis, in its artifacts folder."""
    return Path(artifacts_dir) / ARTIFACT_NAME


def find_artifact(artifacts_dir: str | os.PathLike[str]) -> Path | None:
    """The pose track file in a job's artifacts folder (under either name it had), or None."""
    for name in (ARTIFACT_NAME, _OLD_ARTIFACT_NAME):
        path = Path(artifacts_dir) / name
        if path.is_file():
            return path
    return None


def _pyarrow(feature: str) -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet
    except ImportError:
        raise MissingDependencyError(feature, "export") from None
    return pa


def to_pose_parquet(track: PoseTrack, path: str | os.PathLike[str]) -> Path:
    """Write a pose track to one Parquet file, whole or not at all.

    Parameters
    ----------
    track
        The track.
    path
        The file (folders are created); by convention ``name.pose.parquet``.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    MissingDependencyError
        When pyarrow is not installed.
    """
    pa = _pyarrow("saving a pose track")
    table = pa.Table.from_pandas(track.frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[_META_KEY] = json.dumps(track.metadata()).encode()
    table = table.replace_schema_metadata(meta)
    return write_atomic(path, lambda tmp: pa.parquet.write_table(table, tmp))


def from_pose_parquet(path: str | os.PathLike[str]) -> PoseTrack:
    """Read a pose track written by :func:`to_pose_parquet`.

    Raises
    ------
    InvalidInputError
        The file does not exist, or is not a guru_form pose track.
    MissingDependencyError
        When pyarrow is not installed.
    """
    pa = _pyarrow("reading a pose track")
    source = existing_file(path, "pose track")
    try:
        table = pa.parquet.read_table(source)
    except pa.ArrowInvalid as exc:
        raise InvalidInputError(f"{source}: not a Parquet file ({exc})") from None
    return _from_table(table, str(source))


def from_pose_parquet_bytes(data: bytes) -> PoseTrack:
    """Read a pose track from the bytes of a file written by :func:`to_pose_parquet`.

    The local server sends a pose track this way (``GET /videos/{id}/pose-track``).
    """
    pa = _pyarrow("reading a pose track")
    try:
        table = pa.parquet.read_table(pa.BufferReader(data))
    except pa.ArrowInvalid as exc:
        raise InvalidInputError(f"the pose track received is not a Parquet file ({exc})") from None
    return _from_table(table, "the pose track received")


def _from_table(table: Any, source: str) -> PoseTrack:
    raw = (table.schema.metadata or {}).get(_META_KEY)
    if raw is None:
        raise InvalidInputError(f"{source}: not a guru_form pose track (no track metadata)")
    frame = table.replace_schema_metadata({}).to_pandas()
    return PoseTrack.from_metadata(frame, json.loads(raw))
