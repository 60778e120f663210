"""Write frames to CSV, Parquet and Excel with their units, and read them back.

The files are written and read by :mod:`guru_form.io.tables`; this module adds each column's unit,
from :func:`guru_form.tables.column_units` (:func:`guru_form.metrics.unit_of`), and its precision:

- CSV: one header line, each column named with its unit (``duration_s (s)``,
  ``HIP_KNEE_ANGLE_DEGREES (deg)``, ``rep``), then the data: Excel and a plain
  ``pandas.read_csv`` see numbers. :func:`read_csv` gives the columns their own names back and
  the units in ``frame.attrs["units"]``; it reads the earlier layout too (a units line under the
  header).
- Parquet: each field's metadata carries ``unit``; the schema metadata carries
  ``guru_form.units`` (JSON). :func:`read_parquet` restores ``frame.attrs["units"]``.
- Excel: row 1 the header (bold) with units as in CSV, data from row 2, panes frozen below the
  header; several frames go to several sheets.

Numbers in CSV and Excel are rounded to two decimals more than their unit is shown with
(:func:`guru_form.metrics.decimals_of`): 0.001° for an angle, 0.1 ms for a time in seconds,
0.0001 m/s for a velocity; Parquet keeps them whole.

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
from guru_form.metrics import column_units, decimals_of

__all__ = ["EXTRA_DECIMALS", "read_csv", "read_parquet", "to_csv", "to_excel", "to_parquet"]

#: Decimals written beyond those a value is shown with (:func:`guru_form.metrics.decimals_of`).
EXTRA_DECIMALS = 2


def _units(frame: pd.DataFrame) -> dict[str, str | None]:
    return column_units(_io_tables.flat_frame(frame))


def _decimals(frame: pd.DataFrame) -> dict[str, int]:
    """Decimals of each numeric column with a unit: its unit's, plus :data:`EXTRA_DECIMALS`."""
    return {
        column: decimals_of(unit) + EXTRA_DECIMALS
        for column, unit in _units(frame).items()
        if unit is not None
    }


def to_csv(frame: pd.DataFrame, path: str | os.PathLike[str], *, units: bool = True) -> Path:
    """Write ``frame`` as CSV, each column's unit in its header name (``duration_s (s)``).

    Parameters
    ----------
    frame
        Any frame from :mod:`guru_form.tables`.
    path
        The file to write (folders are created).
    units
        Whether to name the units in the header (False: the columns' names alone).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> df = pd.DataFrame({"rep": [1], "duration_s": [2.5], "HIP_KNEE_ANGLE_DEGREES": [-3.0001234]})
    >>> p = to_csv(df, pathlib.Path(tempfile.mkdtemp()) / "reps.csv")
    >>> print(p.read_text().strip())
    rep,duration_s (s),HIP_KNEE_ANGLE_DEGREES (deg)
    1,2.5,-3.0
    >>> pd.read_csv(p).dtypes.tolist()  # plain pandas sees numbers
    [dtype('int64'), dtype('float64'), dtype('float64')]
    """
    return _io_tables.to_csv(
        frame, path, units=_units(frame) if units else None, decimals=_decimals(frame)
    )


def read_csv(
    path: str | os.PathLike[str], *, units: bool | _io_tables.UnitsLayout = True
) -> pd.DataFrame:
    r"""Read a CSV written by :func:`to_csv` (or by earlier versions); units to ``attrs["units"]``.

    Parameters
    ----------
    path
        The file.
    units
        Where the file gives its units: True (default) finds out: in the header's names (as
        :func:`to_csv` writes), or on a line under the header (as earlier versions wrote);
        ``"header"``, ``"row"`` or ``"none"`` say which; False is ``"none"``.

    Returns
    -------
    pandas.DataFrame
        The table with the columns' own names (``duration_s``), and ``frame.attrs["units"]``
        (``column -> unit or None``) unless ``units`` is False.

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
    >>> _ = path.write_text("rep,duration_s\n,s\n1,2.5\n")  # the earlier layout
    >>> read_csv(path).attrs["units"]
    {'rep': None, 'duration_s': 's'}
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
    """Write one frame, or several (sheet name -> frame), to an Excel workbook, units in the
    header's names.

    Needs the ``export`` extra (openpyxl).

    Parameters
    ----------
    frames
        A frame (sheet ``"reps"``), or a mapping such as
        ``{"reps": reps, "summary": summarize(reps), "set": set_summary(reps)}``.
    path
        The ``.xlsx`` file to write.
    units
        Whether to name the units in the header.

    Returns
    -------
    Path
        The file written.
    """
    sheets = {"reps": frames} if isinstance(frames, pd.DataFrame) else dict(frames)
    if not sheets:
        raise InvalidInputError("to_excel needs at least one frame")
    sheet_units = {name: _units(frame) for name, frame in sheets.items()} if units else None
    decimals = {name: _decimals(frame) for name, frame in sheets.items()}
    return _io_tables.to_excel(sheets, path, units=sheet_units, decimals=decimals)
