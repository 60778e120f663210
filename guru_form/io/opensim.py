"""OpenSim's files: marker trajectories (``.trc``) and joint angles over time (``.mot``).

Sports2D, Pose2Sim and OpenCap write these, and OpenSim reads them.

``.trc`` (:func:`to_trc`, :func:`from_trc`)
    Five header lines (``PathFileType 4 (X/Y/Z) <name>``; the names and values of
    ``DataRate CameraRate NumFrames NumMarkers Units OrigDataRate OrigDataStartFrame
    OrigNumFrames``; ``Frame# Time`` and the marker names, each over three columns; ``X1 Y1
    Z1 ...``), then one tab-separated row per frame: the frame number, the time in seconds and
    each marker's X, Y, Z; ``NaN`` where a marker is unknown. guru_form writes 17 markers named as
    OpenPose/HALPE-26 name them (``Nose``, ``RShoulder``, ``RElbow``, ``RWrist``, ``RHip``,
    ``RKnee``, ``RAnkle``, ``RHeel``, ``RBigToe`` and the same with ``L``): on each frame the
    measured side's joints are filled in and the other side's are NaN.

    Units: with the athlete's height, metres in OpenSim's frame (X forward in the image, Y up, Z
    zero), the origin at the feet's median position on the floor, the scale set so that the
    athlete's estimated standing height (:func:`guru_form.kinematics.body_height_px`) is their
    height: what Sports2D writes as ``*_m.trc``. Without it, pixels of the video as they are (y
    down, ``Units`` ``px``), like Sports2D's ``*_px.trc`` (which says ``m``).

``.mot`` (:func:`to_mot`, :func:`from_mot`)
    OpenSim's storage header (a name, ``version=1``, ``nRows``, ``nColumns``,
    ``inDegrees=yes``, ``endheader``), then a ``time`` column (seconds) and one column per angle
    of :data:`guru_form.kinematics.SERIES` (degrees, guru_form's definitions: ``knee_angle`` is
    the interior hip-knee-ankle angle of the measured side, 180 = straight); ``NaN`` where an
    angle is unknown (OpenSim 4's ``TimeSeriesTable`` reads it; the older ``Storage`` class
    stops at the first one). These are not OpenSim model coordinates (``knee_angle_r``, ...):
    OpenSim's inverse kinematics makes those from a ``.trc``.

Reading a ``.trc`` gives both sides' joints (:class:`~guru_form.pose_track.PoseKeypoints`);
:meth:`PoseTrack.from_trc <guru_form.pose_track.PoseTrack.from_trc>` then chooses the measured side.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from guru_form.errors import InvalidInputError
from guru_form.io._files import existing_file, write_text_atomic
from guru_form.io.keypoints import match_keypoints
from guru_form.joints import JOINTS, SIDE_JOINTS, TRACK_JOINTS
from guru_form.kinematics import SERIES, body_height_px
from guru_form.pose_track import PoseKeypoints, PoseTrack

__all__ = ["TRC_MARKERS", "from_mot", "from_trc", "to_mot", "to_trc"]

FloatArray = npt.NDArray[np.float64]

_MARKER_JOINT = {
    "shoulder": "Shoulder",
    "elbow": "Elbow",
    "wrist": "Wrist",
    "hip": "Hip",
    "knee": "Knee",
    "ankle": "Ankle",
    "heel": "Heel",
    "foot_index": "BigToe",
}
#: The markers :func:`to_trc` writes, as ``{marker: guru_form joint}``, in file order.
TRC_MARKERS: dict[str, str] = {
    "Nose": "nose",
    **{
        f"{s[0].upper()}{_MARKER_JOINT[j]}": f"{s}_{j}"
        for s in ("right", "left")
        for j in SIDE_JOINTS
    },
}
_TRC_KEYS = (
    "DataRate",
    "CameraRate",
    "NumFrames",
    "NumMarkers",
    "Units",
    "OrigDataRate",
    "OrigDataStartFrame",
    "OrigNumFrames",
)
#: Above this, "metres" are pixels (Sports2D labels its pixel files "m").
_LARGEST_METRES = 50.0


def _number(value: float) -> str:
    return "NaN" if not math.isfinite(value) else repr(float(value))


def _metre_frame(track: PoseTrack, athlete_height_cm: float) -> tuple[float, float, float]:
    """``(scale, x0, y0)``: metres per pixel and the origin (the feet on the floor), in pixels."""
    if not 50.0 <= athlete_height_cm <= 260.0:
        raise InvalidInputError(
            f"athlete_height_cm={athlete_height_cm} is not a human height; give it in centimetres"
        )
    joints = track.joints()
    height_px = body_height_px(joints)
    if not (math.isfinite(height_px) and height_px > 0):
        raise InvalidInputError(
            "cannot write metres: the athlete's height in pixels is unknown (the track lacks the "
            "ankle, knee, hip, shoulder or nose); write pixels (no athlete_height_cm)"
        )
    feet = np.stack([joints[j] for j in ("ankle", "heel", "foot_index")])  # (3, n, 2)
    seen = np.isfinite(feet[:, :, 1]).any(axis=0)
    lowest = np.nanmax(feet[:, seen, 1], axis=0)  # the lowest foot point of each frame
    y0 = float(np.median(lowest)) if seen.any() else 0.0
    x0 = float(np.nanmedian(feet[:, seen, 0])) if seen.any() else 0.0
    return athlete_height_cm / 100.0 / height_px, x0, y0


def _both_sides(track: PoseTrack) -> FloatArray:
    """``(n, len(JOINTS), 2)``: the measured side's joints on their side of the body, NaN elsewhere."""
    frame = track.frame
    n = len(frame)
    out = np.full((n, len(JOINTS), 2), np.nan)
    fallback = track.side or "right"
    sides = [s if isinstance(s, str) and s else fallback for s in frame["side"]]
    for joint in TRACK_JOINTS:
        xy = np.stack(
            [
                frame[f"{joint}_x"].to_numpy(dtype=float, na_value=np.nan),
                frame[f"{joint}_y"].to_numpy(dtype=float, na_value=np.nan),
            ],
            axis=1,
        )
        if joint == "nose":
            out[:, JOINTS.index("nose")] = xy
            continue
        for side in ("left", "right"):
            rows = np.array([s == side for s in sides], dtype=bool)
            out[rows, JOINTS.index(f"{side}_{joint}")] = xy[rows]
    return out


def to_trc(
    track: PoseTrack, path: str | os.PathLike[str], *, athlete_height_cm: float | None = None
) -> Path:
    """Write the track's joints as an OpenSim ``.trc`` (layout and units in the module docstring).

    Parameters
    ----------
    track
        The pose track.
    path
        The ``.trc`` file (folders are created).
    athlete_height_cm
        The athlete's standing height: metres in OpenSim's frame; without it, pixels.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InvalidInputError
        For a height that is not a human one, or metres asked of a track whose athlete's height
        in pixels is unknown.
    """
    points = _both_sides(track)
    n = len(points)
    xyz = np.zeros((n, len(JOINTS), 3))
    if athlete_height_cm is None:
        units = "px"
        xyz[:, :, :2] = points
    else:
        units = "m"
        scale, x0, y0 = _metre_frame(track, athlete_height_cm)
        xyz[:, :, 0] = (points[:, :, 0] - x0) * scale
        xyz[:, :, 1] = (y0 - points[:, :, 1]) * scale
    xyz[~np.isfinite(points).all(axis=2)] = np.nan
    order = [JOINTS.index(j) for j in TRC_MARKERS.values()]
    rate = track.fps / track.stride if track.stride else track.fps
    frames = track.frame["frame"].to_numpy(dtype=np.int64)
    values = [
        f"{rate:g}",
        f"{rate:g}",
        str(n),
        str(len(order)),
        units,
        f"{rate:g}",
        str(int(frames[0])) if n else "0",
        str(track.frame_count or n),
    ]
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{Path(path).name}",
        "\t".join(_TRC_KEYS),
        "\t".join(values),
        "Frame#\tTime\t" + "\t\t\t".join(TRC_MARKERS) + "\t\t\t",
        "\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, len(order) + 1)),
    ]
    times = track.frame["time_ms"].to_numpy(dtype=float) / 1000.0
    for row in range(n):
        cells = [str(int(frames[row])), _number(times[row])]
        cells += [_number(v) for v in xyz[row, order].ravel()]
        lines.append("\t".join(cells))
    return write_text_atomic(path, "\n".join(lines) + "\n")


def _trc_header(lines: list[str], source: Path) -> dict[str, str]:
    def bad(problem: str) -> InvalidInputError:
        return InvalidInputError(f"{source}: not an OpenSim .trc file: {problem}")

    if len(lines) < 5:
        raise bad(f"it has {len(lines)} lines; a .trc has 5 header lines, then the data")
    if not lines[0].startswith("PathFileType"):
        raise bad("line 1 does not start with PathFileType")
    keys = lines[1].rstrip("\r\n").split("\t")
    values = lines[2].rstrip("\r\n").split("\t")
    header = {k.strip(): v.strip() for k, v in zip(keys, values, strict=False) if k.strip()}
    for key in ("DataRate", "NumFrames", "NumMarkers", "Units"):
        if key not in header:
            raise bad(f"line 2 does not name {key} (it names {', '.join(header) or 'nothing'})")
    if not lines[3].startswith("Frame#"):
        raise bad("line 4 does not start with Frame#")
    return header


def from_trc(
    path: str | os.PathLike[str],
    *,
    plane: tuple[str, str] = ("X", "Y"),
    y_up: bool | None = None,
    aliases: dict[str, str] | None = None,
) -> PoseKeypoints:
    """Read an OpenSim ``.trc`` (Sports2D's, Pose2Sim's, OpenCap's or guru_form's) as keypoints.

    Parameters
    ----------
    path
        The file.
    plane
        The two axes of the athlete's side view: ``("X", "Y")`` in OpenSim's frame (X forward,
        Y up) and in image coordinates.
    y_up
        Whether the second axis of ``plane`` points up. None decides from the file: ``Units``
        ``px``, or "metres" larger than 50 (Sports2D's pixel files), are image pixels (y down);
        real lengths are OpenSim's frame (Y up).
    aliases
        ``{marker: guru_form joint}`` for marker names :mod:`guru_form.io.keypoints` does not
        read (``Neck``, ``Head``, ``Hip`` and the small toes are left out).

    Returns
    -------
    PoseKeypoints
        Both sides' joints, y down; confidence 1 where a marker is known. ``extra`` holds
        ``position_unit`` (the file's ``Units``, ``"px"`` for pixels), the markers used and
        those left out, and the header.

    Raises
    ------
    InvalidInputError
        For a missing file, one that breaks the format (the message names the line), or one
        with no marker guru_form knows.
    """
    source = existing_file(path, ".trc")
    lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
    header = _trc_header(lines, source)
    markers = [m.strip() for m in lines[3].rstrip("\r\n").split("\t")[2::3] if m.strip()]
    if str(len(markers)) != header["NumMarkers"].split(".")[0]:
        raise InvalidInputError(
            f"{source}: not an OpenSim .trc file: NumMarkers is {header['NumMarkers']} but line 4 "
            f"names {len(markers)} markers"
        )
    axes = [a.upper() for a in plane]
    if len(axes) != 2 or any(a not in ("X", "Y", "Z") for a in axes):
        raise InvalidInputError(f"plane={plane!r}: give two of 'X', 'Y', 'Z'")
    rows = [line for line in lines[5:] if line.strip()]
    width = 2 + 3 * len(markers)
    data = np.full((len(rows), width), np.nan)
    for i, line in enumerate(rows):
        cells = line.rstrip("\r\n").split("\t")[:width]
        for j, cell in enumerate(cells):
            text = cell.strip()
            if not text:
                continue
            try:
                data[i, j] = float(text)
            except ValueError:
                raise InvalidInputError(
                    f"{source}: not an OpenSim .trc file: line {i + 6} column {j + 1} is "
                    f"{text[:20]!r}, not a number"
                ) from None
    match = match_keypoints(markers, aliases)
    if not match.joints:
        raise InvalidInputError(
            f"{source}: none of its markers ({', '.join(markers)}) is a joint guru_form knows; "
            f"pass aliases={{marker: 'left_knee', ...}}"
        )
    units = header["Units"]
    coords = data[:, 2:].reshape(len(rows), len(markers), 3)
    pixels = units.lower() in ("px", "pixel", "pixels") or (
        np.isfinite(coords).any()
        and float(np.nanmax(np.abs(coords))) > _LARGEST_METRES
        and units.lower() == "m"
    )
    up = (not pixels) if y_up is None else y_up
    landmarks = np.full((len(rows), len(JOINTS), 4), np.nan)
    for joint, marker in match.joints.items():
        k = markers.index(marker)
        x = coords[:, k, "XYZ".index(axes[0])]
        y = coords[:, k, "XYZ".index(axes[1])]
        known = np.isfinite(x) & np.isfinite(y)
        j = JOINTS.index(joint)
        landmarks[known, j, 0] = x[known]
        landmarks[known, j, 1] = -y[known] if up else y[known]
        landmarks[known, j, 3] = 1.0
    rate = float(header["DataRate"])
    frames = data[:, 0]
    frame_numbers = np.where(np.isfinite(frames), frames, np.arange(len(rows))).astype(np.int64)
    return PoseKeypoints(
        time_ms=data[:, 1] * 1000.0,
        landmarks=landmarks,
        frame=frame_numbers,
        fps=rate,
        frame_count=len(rows),
        source=source.name,
        estimator=_tool(source.name),
        extra={
            "position_unit": "px" if pixels else units,
            "keypoints": match.joints,
            "ignored_keypoints": list(match.ignored),
            "trc_header": header,
        },
    )


def _tool(name: str) -> str:
    lowered = name.lower()
    if "_px" in lowered or "_m_person" in lowered or "_m.trc" in lowered:
        return "Sports2D .trc"
    return "OpenSim .trc"


def to_mot(track: PoseTrack, path: str | os.PathLike[str]) -> Path:
    """Write the track's angle series as an OpenSim ``.mot`` (degrees; see the module docstring).

    Returns
    -------
    Path
        The file written.
    """
    frame = track.frame
    columns = ["time", *SERIES]
    lines = [
        Path(path).stem or "angles",
        "version=1",
        f"nRows={len(frame)}",
        f"nColumns={len(columns)}",
        "inDegrees=yes",
        "",
        "Angles of the measured side in degrees, as guru_form defines them "
        "(guru_form.kinematics.SERIES); time in seconds.",
        "endheader",
        "\t".join(columns),
    ]
    times = frame["time_ms"].to_numpy(dtype=float) / 1000.0
    series = {name: frame[name].to_numpy(dtype=float, na_value=np.nan) for name in SERIES}
    for row in range(len(frame)):
        lines.append("\t".join([_number(times[row]), *(_number(series[s][row]) for s in SERIES)]))
    return write_text_atomic(path, "\n".join(lines) + "\n")


def from_mot(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an OpenSim ``.mot`` or ``.sto`` (guru_form's, Sports2D's, Pose2Sim's, OpenSim's).

    Returns
    -------
    pandas.DataFrame
        ``time`` (seconds) and one column per coordinate; ``frame.attrs["units"]`` gives ``s``
        for time and ``deg`` or ``rad`` (``inDegrees``) for the rest, ``frame.attrs["header"]``
        the header's ``key=value`` lines.

    Raises
    ------
    InvalidInputError
        For a missing file, or one with no ``endheader`` line, no ``time`` column, or a number of
        rows or columns other than its header says.
    """
    source = existing_file(path, ".mot")
    lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
    end = next((i for i, line in enumerate(lines) if line.strip().lower() == "endheader"), None)
    if end is None or end + 1 >= len(lines):
        raise InvalidInputError(
            f"{source}: not an OpenSim motion file: no 'endheader' line followed by column names"
        )
    header: dict[str, str] = {}
    for line in lines[:end]:
        key, sep, value = line.partition("=")
        if sep:
            header[key.strip()] = value.strip()
    names = [c.strip() for c in lines[end + 1].split("\t")]
    if not names or names[0].lower() != "time":
        raise InvalidInputError(
            f"{source}: not an OpenSim motion file: the first column is not time"
        )
    rows = [line.split("\t") for line in lines[end + 2 :] if line.strip()]
    try:
        data = np.array([[float(c) if c.strip() else np.nan for c in r] for r in rows], dtype=float)
    except ValueError as exc:
        raise InvalidInputError(f"{source}: not an OpenSim motion file: {exc}") from None
    if rows and data.shape[1] != len(names):
        raise InvalidInputError(
            f"{source}: the data has {data.shape[1]} columns for {len(names)} column names"
        )
    for key, actual in (("nRows", len(rows)), ("nColumns", len(names))):
        if key in header and header[key].isdigit() and int(header[key]) != actual:
            raise InvalidInputError(f"{source}: {key}={header[key]} but the file has {actual}")
    frame: pd.DataFrame = pd.DataFrame(data.reshape(len(rows), len(names)), columns=names)
    angle_unit = "rad" if str(header.get("inDegrees", "yes")).lower() == "no" else "deg"
    frame.attrs["units"] = {name: ("s" if i == 0 else angle_unit) for i, name in enumerate(names)}
    frame.attrs["header"] = header
    return frame
