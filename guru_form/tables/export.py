"""Write frames to CSV, Parquet and Excel with their units, and read them back.

Units are those of :func:`guru_form.tables.column_units` (from
:func:`guru_form.analysis_types.unit_of`):

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

import csv
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from guru_form.errors import InvalidInputError, MissingDependencyError
from guru_form.tables._schema import column_units

__all__ = ["read_csv", "read_parquet", "to_csv", "to_excel", "to_parquet"]

_UNITS_KEY = "guru_form.units"


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(f"expected a DataFrame, got {type(frame).__name__}")
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        return frame
    flat: pd.DataFrame = frame.reset_index()
    return flat


def _target(path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


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
    flat = _flat(frame)
    target = _target(path)
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([str(c) for c in flat.columns])
        if units:
            writer.writerow([u or "" for u in column_units(flat).values()])
        flat.to_csv(fh, index=False, header=False)
    return target


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
    source = Path(path)
    if not source.exists():
        raise InvalidInputError(f"{source}: no such file")
    frame = pd.read_csv(source, skiprows=[1] if units else None)
    if units:
        with source.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header, unit_row = next(reader), next(reader, [])
        frame.attrs["units"] = {h: (u or None) for h, u in zip(header, unit_row, strict=False)}
    return frame


def to_parquet(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` as Parquet, each column's unit in its field metadata (``unit``).

    Needs the ``export`` extra (pyarrow).

    Parameters
    ----------
    frame
        A frame from :mod:`guru_form.tables` (categorical label columns are kept).
    path
        The file to write (its folder must exist); written whole or not at all.

    Returns
    -------
    Path
        The file written.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError("Parquet export", "export") from None
    flat = _flat(frame)
    units = column_units(flat)
    table = pa.Table.from_pandas(flat, preserve_index=False)
    fields = [
        f.with_metadata({"unit": units[f.name]}) if units.get(f.name) else f for f in table.schema
    ]
    metadata = dict(table.schema.metadata or {})
    metadata[_UNITS_KEY.encode()] = json.dumps(units).encode()
    table = table.cast(pa.schema(fields, metadata=metadata))
    target = _target(path)
    pq.write_table(table, target)
    return target


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
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError("Parquet import", "export") from None
    source = Path(path)
    if not source.exists():
        raise InvalidInputError(f"{source}: no such file")
    table = pq.read_table(source)
    frame = table.to_pandas()
    raw = (table.schema.metadata or {}).get(_UNITS_KEY.encode())
    frame.attrs["units"] = json.loads(raw) if raw else {}
    flat: pd.DataFrame = frame
    return flat


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
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise MissingDependencyError("Excel export", "export") from None
    sheets = {"reps": frames} if isinstance(frames, pd.DataFrame) else dict(frames)
    if not sheets:
        raise InvalidInputError("to_excel needs at least one frame")
    book = Workbook()
    book.remove(book.active)
    for sheet_name, frame in sheets.items():
        flat = _flat(frame)
        sheet = book.create_sheet(title=_sheet_title(sheet_name))
        header = [str(c) for c in flat.columns]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        first_data_row = 2
        if units:
            sheet.append([u or "" for u in column_units(flat).values()])
            for cell in sheet[2]:
                cell.font = Font(italic=True, color="555555")
            first_data_row = 3
        for row in flat.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = f"A{first_data_row}"
        for i, name in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(max(len(name) + 2, 9), 40)
    target = _target(path)
    book.save(target)
    return target


def _sheet_title(name: str) -> str:
    title = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name))[:31]
    return title or "sheet"


def _cell(value: Any) -> Any:
    """A value openpyxl can store: NaN/NA become empty cells, numpy scalars plain Python."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (int, float, str, bool)):
        return value
    return str(value)
