"""Tables (DataFrames) as CSV, Parquet and Excel files, with a unit for each column.

The units are given by the caller (``{column: unit or None}``; :mod:`guru_form.tables` knows them):
this module only writes and reads them.

- CSV: the header line, then a units line (an empty cell for a unitless column), then the data.
  :func:`from_csv` skips the units line and returns the units in ``frame.attrs["units"]``.
- Parquet: each field's metadata carries ``unit``; the schema metadata carries
  ``guru_form.units`` (JSON). :func:`from_parquet` restores ``frame.attrs["units"]``.
- Excel: row 1 the header (bold), row 2 the units (italic), data from row 3, panes frozen below
  the units; several frames go to several sheets.

A frame with a meaningful index (a summary's ``metric``, a combined frame's labels) is written with
its index as leading columns (:func:`flat_frame`). Parquet and Excel need the ``export`` extra
(pyarrow, openpyxl).
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
from guru_form.io._files import existing_file, write_atomic

__all__ = ["Units", "flat_frame", "from_csv", "from_parquet", "to_csv", "to_excel", "to_parquet"]

#: A unit per column (None: unitless).
Units = Mapping[str, "str | None"]

_UNITS_KEY = "guru_form.units"


def flat_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a meaningful index turned into leading columns (a plain range index is dropped).

    Raises
    ------
    InvalidInputError
        When ``frame`` is not a DataFrame.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(f"expected a DataFrame, got {type(frame).__name__}")
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        return frame
    flat: pd.DataFrame = frame.reset_index()
    return flat


def _unit_row(flat: pd.DataFrame, units: Units) -> list[str]:
    return [units.get(str(c)) or "" for c in flat.columns]


def to_csv(
    frame: pd.DataFrame, path: str | os.PathLike[str], *, units: Units | None = None
) -> Path:
    """Write ``frame`` as CSV, with a units line under the header when ``units`` is given.

    Parameters
    ----------
    frame
        The table (a meaningful index is written as leading columns).
    path
        The file to write (folders are created).
    units
        ``{column: unit or None}``; None writes no units line.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> df = pd.DataFrame({"rep": [1], "duration_s": [2.5]})
    >>> p = to_csv(df, pathlib.Path(tempfile.mkdtemp()) / "reps.csv", units={"duration_s": "s"})
    >>> print(p.read_text().strip())
    rep,duration_s
    ,s
    1,2.5
    """
    flat = flat_frame(frame)

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow([str(c) for c in flat.columns])
            if units is not None:
                writer.writerow(_unit_row(flat, units))
            flat.to_csv(fh, index=False, header=False)

    return write_atomic(path, write)


def from_csv(path: str | os.PathLike[str], *, units: bool = True) -> pd.DataFrame:
    """Read a CSV written by :func:`to_csv`; its units line goes to ``frame.attrs["units"]``.

    Parameters
    ----------
    path
        The file.
    units
        Whether the file has a units line under the header.

    Returns
    -------
    pandas.DataFrame
        The table, with ``frame.attrs["units"]`` (``column -> unit or None``) when ``units``.

    Raises
    ------
    InvalidInputError
        The file does not exist.
    """
    source = existing_file(path, "table")
    frame = pd.read_csv(source, skiprows=[1] if units else None)
    if units:
        with source.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header, unit_row = next(reader), next(reader, [])
        frame.attrs["units"] = {h: (u or None) for h, u in zip(header, unit_row, strict=False)}
    return frame


def _pyarrow(feature: str) -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet
    except ImportError:
        raise MissingDependencyError(feature, "export") from None
    return pa


def to_parquet(
    frame: pd.DataFrame, path: str | os.PathLike[str], *, units: Units | None = None
) -> Path:
    """Write ``frame`` as Parquet, each column's unit in its field metadata (``unit``).

    Parameters
    ----------
    frame
        The table (categorical columns are kept; a meaningful index becomes leading columns).
    path
        The file to write (folders are created); written whole or not at all.
    units
        ``{column: unit or None}``.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    MissingDependencyError
        When pyarrow is not installed (``pip install 'guru-form[export]'``).
    """
    pa = _pyarrow("Parquet export")
    flat = flat_frame(frame)
    given = {str(c): (units or {}).get(str(c)) for c in flat.columns}
    table = pa.Table.from_pandas(flat, preserve_index=False)
    fields = [
        f.with_metadata({"unit": given[f.name]}) if given.get(f.name) else f for f in table.schema
    ]
    metadata = dict(table.schema.metadata or {})
    metadata[_UNITS_KEY.encode()] = json.dumps(given).encode()
    table = table.cast(pa.schema(fields, metadata=metadata))
    return write_atomic(path, lambda tmp: pa.parquet.write_table(table, tmp))


def from_parquet(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a Parquet file written by :func:`to_parquet`, units in ``frame.attrs["units"]``.

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
        When pyarrow is not installed (``pip install 'guru-form[export]'``).
    """
    pa = _pyarrow("Parquet import")
    source = existing_file(path, "table")
    table = pa.parquet.read_table(source)
    frame: pd.DataFrame = table.to_pandas()
    raw = (table.schema.metadata or {}).get(_UNITS_KEY.encode())
    frame.attrs["units"] = json.loads(raw) if raw else {}
    return frame


def to_excel(
    sheets: Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    *,
    units: Mapping[str, Units] | None = None,
) -> Path:
    """Write frames to an Excel workbook, one sheet each, with a units row under the header.

    Parameters
    ----------
    sheets
        ``{sheet name: frame}``, in sheet order.
    path
        The ``.xlsx`` file to write.
    units
        ``{sheet name: {column: unit or None}}``; None writes no units rows.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InvalidInputError
        When ``sheets`` is empty.
    MissingDependencyError
        When openpyxl is not installed (``pip install 'guru-form[export]'``).
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise MissingDependencyError("Excel export", "export") from None
    if not sheets:
        raise InvalidInputError("to_excel needs at least one frame")
    book = Workbook()
    book.remove(book.active)
    for sheet_name, frame in sheets.items():
        flat = flat_frame(frame)
        sheet = book.create_sheet(title=_sheet_title(sheet_name))
        header = [str(c) for c in flat.columns]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        first_data_row = 2
        if units is not None:
            sheet.append(_unit_row(flat, units.get(sheet_name, {})))
            for cell in sheet[2]:
                cell.font = Font(italic=True, color="555555")
            first_data_row = 3
        for row in flat.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = f"A{first_data_row}"
        for i, name in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(max(len(name) + 2, 9), 40)
    return write_atomic(path, book.save)


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
