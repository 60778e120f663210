"""Tables (DataFrames) as CSV, Parquet and Excel files, with a unit for each column.

The units are given by the caller (``{column: unit or None}``; :mod:`guru_form.tables` knows them):
this module only writes and reads them.

- CSV: one header line naming each column with its unit in brackets (``duration_s (s)``,
  ``HIP_KNEE_ANGLE_DEGREES (deg)``; a unitless column by its name alone), then the data, so that
  Excel and a plain ``pandas.read_csv`` read every number as a number. :func:`from_csv` takes the
  units out of the names again (``frame.attrs["units"]``). It also reads the earlier layout, a
  units line under the header (detected, or ``units="row"``).
- Parquet: each field's metadata carries ``unit``; the schema metadata carries
  ``guru_form.units`` (JSON). :func:`from_parquet` restores ``frame.attrs["units"]``.
- Excel: row 1 the header (bold) with the units in the names as in CSV, data from row 2, panes
  frozen below the header; several frames go to several sheets.

``decimals`` (``{column: decimals}``) rounds the numbers written to CSV and Excel: no
``0.30000000000000004`` in a coach's spreadsheet.

A frame with a meaningful index (a summary's ``metric``, a combined frame's labels) is written with
its index as leading columns (:func:`flat_frame`). Parquet and Excel need the ``export`` extra
(pyarrow, openpyxl).
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from guru_form.errors import InvalidInputError, MissingDependencyError
from guru_form.io._files import existing_file, write_atomic

__all__ = [
    "Decimals",
    "Units",
    "flat_frame",
    "from_csv",
    "from_parquet",
    "header_with_unit",
    "split_header",
    "to_csv",
    "to_excel",
    "to_parquet",
]

#: A unit per column (None: unitless).
Units = Mapping[str, "str | None"]
#: Decimals each numeric column is written with (columns not named are written as they are).
Decimals = Mapping[str, int]
#: How a CSV file gives its units: in the header's names, on a line under the header, not at
#: all, or ``"auto"`` (found out from the file).
UnitsLayout = Literal["auto", "header", "row", "none"]

_HEADER_UNIT = re.compile(r"^(?P<name>.*\S) \((?P<unit>[^()]+)\)$")


def header_with_unit(column: str, unit: str | None) -> str:
    """A column's header with its unit: ``"duration_s (s)"``; the name alone without a unit.

    Examples
    --------
    >>> header_with_unit("HIP_KNEE_ANGLE_DEGREES", "deg"), header_with_unit("rep", None)
    ('HIP_KNEE_ANGLE_DEGREES (deg)', 'rep')
    """
    return f"{column} ({unit})" if unit else str(column)


def split_header(header: str) -> tuple[str, str | None]:
    """A header written by :func:`header_with_unit` back to ``(column, unit or None)``.

    Examples
    --------
    >>> split_header("duration_s (s)"), split_header("rep")
    (('duration_s', 's'), ('rep', None))
    """
    match = _HEADER_UNIT.match(header)
    if match is None:
        return header, None
    return match["name"], match["unit"]


def _rounded(flat: pd.DataFrame, decimals: Decimals | None) -> pd.DataFrame:
    if not decimals:
        return flat
    out: pd.DataFrame = flat.copy()
    for column, places in decimals.items():
        if column in out.columns and pd.api.types.is_float_dtype(out[column].dtype):
            out[column] = out[column].round(int(places))
    return out


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


def to_csv(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    units: Units | None = None,
    decimals: Decimals | None = None,
) -> Path:
    """Write ``frame`` as CSV, each column's unit in its header (``duration_s (s)``).

    Parameters
    ----------
    frame
        The table (a meaningful index is written as leading columns).
    path
        The file to write (folders are created).
    units
        ``{column: unit or None}``; None writes the plain names.
    decimals
        ``{column: decimals}``: round those numeric columns (others are written as they are).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> df = pd.DataFrame({"rep": [1], "duration_s": [2.5000000001]})
    >>> p = to_csv(df, pathlib.Path(tempfile.mkdtemp()) / "reps.csv", units={"duration_s": "s"},
    ...            decimals={"duration_s": 3})
    >>> print(p.read_text().strip())
    rep,duration_s (s)
    1,2.5
    """
    flat = _rounded(flat_frame(frame), decimals)
    given = units or {}
    header = [header_with_unit(str(c), given.get(str(c))) for c in flat.columns]

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerow(header)
            flat.to_csv(fh, index=False, header=False)

    return write_atomic(path, write)


def _is_unit_row(cells: list[str]) -> bool:
    """A line of units (the earlier layout) rather than data: no cell is a number, and some
    cell is not empty."""

    def number(text: str) -> bool:
        try:
            float(text)
        except ValueError:
            return False
        return True

    return any(c.strip() for c in cells) and not any(number(c) for c in cells if c.strip())


def from_csv(path: str | os.PathLike[str], *, units: bool | UnitsLayout = True) -> pd.DataFrame:
    """Read a CSV written by :func:`to_csv` (or the earlier layout); units to ``attrs["units"]``.

    Parameters
    ----------
    path
        The file.
    units
        Where the file gives its units: ``"header"`` (in the names, as :func:`to_csv` writes),
        ``"row"`` (a line under the header, the earlier layout), ``"none"``, or ``"auto"``
        (True): the header when a name ends in ``(unit)``, else a line under the header when
        that line holds no number and is not empty, else none. False is ``"none"``.

    Returns
    -------
    pandas.DataFrame
        The table with the columns' own names, and ``frame.attrs["units"]`` (``column -> unit
        or None``) unless ``units`` is ``"none"``.

    Raises
    ------
    InvalidInputError
        The file does not exist, or ``units`` is not one of the layouts.
    """
    layout = "auto" if units is True else "none" if units is False else units
    if layout not in ("auto", "header", "row", "none"):
        raise InvalidInputError(
            f"units must be 'auto', 'header', 'row' or 'none' (or True/False), not {units!r}"
        )
    source = existing_file(path, "table")
    with source.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header, second = next(reader, []), next(reader, [])
    if layout == "auto":
        if any(split_header(h)[1] for h in header):
            layout = "header"
        else:
            layout = "row" if second and _is_unit_row(second) else "none"
    frame = pd.read_csv(source, skiprows=[1] if layout == "row" else None)
    if layout == "none":
        return frame
    if layout == "row":
        frame.attrs["units"] = {h: (u or None) for h, u in zip(header, second, strict=False)}
        return frame
    split = [split_header(str(h)) for h in frame.columns]
    names = [name for name, _ in split]
    if len(set(names)) == len(names):
        frame.columns = pd.Index(names)
    else:  # two columns differ only by unit: keep the headers as written
        split = [(str(h), unit) for h, (_, unit) in zip(frame.columns, split, strict=True)]
    frame.attrs["units"] = dict(split)
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
    decimals: Mapping[str, Decimals] | None = None,
) -> Path:
    """Write frames to an Excel workbook, one sheet each, the units in the header's names.

    Parameters
    ----------
    sheets
        ``{sheet name: frame}``, in sheet order.
    path
        The ``.xlsx`` file to write.
    units
        ``{sheet name: {column: unit or None}}``; None writes the plain names.
    decimals
        ``{sheet name: {column: decimals}}``: round those numeric columns.

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
        flat = _rounded(flat_frame(frame), (decimals or {}).get(sheet_name))
        sheet = book.create_sheet(title=_sheet_title(sheet_name))
        given = (units or {}).get(sheet_name, {})
        header = [header_with_unit(str(c), given.get(str(c))) for c in flat.columns]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in flat.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
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
