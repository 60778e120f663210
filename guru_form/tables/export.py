"""Write frames to CSV, Parquet and Excel with their units, and read them back.

The files are written and read by :mod:`guru_form.io.tables`; this module adds each column's unit,
from :func:`guru_form.tables.column_units` (:func:`guru_form.analysis_types.unit_of`):

- CSV: the header line, then a units line (empty cell for unitless columns), then the data.
  :func:`read_csv` skips the units line and returns the units in ``frame.attrs["units"]``.
- Parquet: each field's metadata carries ``unit``; the schema metadata carries
  ``guru_form.units`` (JSON). :func:`read_parquet` restores ``frame.attrs["units"]``.
- Excel: row 1 the header (bold), row 2 the units (italic), data from row 3, panes frozen below
  the units; several frames go to several sheets.

A frame with a meaningful index (a summary's ``metric``, a combined frame's labels) is written with
its index as leading columns. Parquet and Excel need the ``export`` extra
(``pip install 'guru-form[export]'``: pyarrow, openpyxl).

These functions are reached as ``guru_form.tables.to_csv`` and so on (``from guru_form import
tables as gt``), not from ``guru_form`` itself: beside pandas, a top-level ``read_csv`` would read
as pandas' own, and it takes a CSV's second line for units.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from guru_form.errors import InvalidInputError
from guru_form.io import tables as _io_tables
from guru_form.metrics import column_units

__all__ = ["read_csv", "read_parquet", "to_csv", "to_excel", "to_parquet"]


def _units(frame: pd.DataFrame) -> dict[str, str | None]:
    return column_units(_io_tables.flat_frame(frame))


def to_csv(frame: pd.DataFrame, path: str | os.PathLike[str], *, units: bool = True) -> Path:
    """Write ``frame`` as CSV, with a units line under the header.

    Parameters
    ----------
    frame
        Any frame from :mod:`guru_form.tables`.
    path
        The file to write (folders are created).
    units
        Whether to write the units line (turn it off for tools that expect one header line).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> df = pd.DataFrame({"rep": [1], "duration_s": [2.5], "HIP_KNEE_ANGLE_DEGREES": [-3.0]})
    >>> p = to_csv(df, pathlib.Path(tempfile.mkdtemp()) / "reps.csv")
    >>> print(p.read_text().strip())
    rep,duration_s,HIP_KNEE_ANGLE_DEGREES
    ,s,deg
    1,2.5,-3.0
    """
    return _io_tables.to_csv(frame, path, units=_units(frame) if units else None)


def read_csv(path: str | os.PathLike[str], *, units: bool = True) -> pd.DataFrame:
    """Read a CSV written by :func:`to_csv`; the units line goes to ``frame.attrs["units"]``.

    Parameters
    ----------
    path
        The file.
    units
        Whether the file has a units line (as :func:`to_csv` writes by default).

    Returns
    -------
    pandas.DataFrame
        The table, with ``frame.attrs["units"]`` (``column -> unit or None``) when ``units``.

    Raises
    ------
    InvalidInputError
        The file does not exist.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "reps.csv"
    >>> _ = to_csv(pd.DataFrame({"rep": [1], "duration_s": [2.5]}), path)
    >>> back = read_csv(path)
    >>> back["duration_s"].tolist(), back.attrs["units"]
    ([2.5], {'rep': None, 'duration_s': 's'})
    """
    return _io_tables.from_csv(path, units=units)


def to_parquet(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` as Parquet, each column's unit in its field metadata (``unit``).

    Needs the ``export`` extra (pyarrow).

    Parameters
    ----------
    frame
        A frame from :mod:`guru_form.tables` (categorical label columns are kept).
    path
        The file to write (folders are created); written whole or not at all.

    Returns
    -------
    Path
        The file written.
    """
    return _io_tables.to_parquet(frame, path, units=_units(frame))


def read_parquet(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a Parquet file written by :func:`to_parquet`, units in ``frame.attrs["units"]``.

    Needs the ``export`` extra (pyarrow).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    pandas.DataFrame
        The table, with ``frame.attrs["units"]`` (``column -> unit or None``; empty for a file
        not written by :func:`to_parquet`).

    Raises
    ------
    InvalidInputError
        The file does not exist.
    MissingDependencyError
        pyarrow is not installed (``pip install 'guru-form[export]'``).
    """
    return _io_tables.from_parquet(path)


def to_excel(
    frames: pd.DataFrame | Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    *,
    units: bool = True,
) -> Path:
    """Write one frame, or several (sheet name -> frame), to an Excel workbook with a units row.

    Needs the ``export`` extra (openpyxl).

    Parameters
    ----------
    frames
        A frame (sheet ``"reps"``), or a mapping such as
        ``{"reps": reps, "summary": summarize(reps), "set": set_summary(reps)}``.
    path
        The ``.xlsx`` file to write.
    units
        Whether to write the units row under the header.

    Returns
    -------
    Path
        The file written.
    """
    sheets = {"reps": frames} if isinstance(frames, pd.DataFrame) else dict(frames)
    if not sheets:
        raise InvalidInputError("to_excel needs at least one frame")
    sheet_units = {name: _units(frame) for name, frame in sheets.items()} if units else None
    return _io_tables.to_excel(sheets, path, units=sheet_units)
