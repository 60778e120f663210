"""API items (JSON objects) to a pandas DataFrame with stable, documented column names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from guru_form.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["to_frame"]

SEP = "."


def to_frame(items: Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> pd.DataFrame:
    """One row per item, nested objects flattened into dotted column names.

    Column naming (the same for every client in :mod:`guru_form.apis`):

    - a top-level field keeps its name as the API sends it: ``id``, ``preferredPhrase``;
    - a field of a nested object is named by its path joined with dots, at any depth:
      ``{"owner": {"name": {"first": "Ann"}}}`` gives ``owner.name.first``;
    - a list stays whole in one cell (``tags`` holds the list), so a row is always one item;
    - an object that is null (or missing) in some items gets no column of its own: its dotted
      columns are simply empty in those rows, so the columns do not depend on which items came
      back null. An empty object ``{}`` adds no column;
    - columns appear in the order their fields are first met, item by item; values are not
      converted (HelpSpot numbers that arrive as strings stay strings).

    Parameters
    ----------
    items
        The items (dicts), e.g. from a client's ``paginate``; a generator is consumed. A single
        dict gives a one-row frame.

    Returns
    -------
    pandas.DataFrame
        One row per item; empty (no rows, no columns) when there are no items.

    Examples
    --------
    >>> to_frame([{"id": 1, "owner": {"email": "a@x"}}, {"id": 2, "owner": None}]).columns.tolist()
    ['id', 'owner.email']
    """
    rows = [items] if isinstance(items, Mapping) else list(items)
    for position, item in enumerate(rows):
        if not isinstance(item, Mapping):
            raise InvalidInputError(
                f"to_frame needs dicts (JSON objects); item {position} is a {type(item).__name__}"
            )
    object_paths: set[str] = set()
    for item in rows:
        _collect_object_paths(item, "", object_paths)
    columns: dict[str, None] = {}
    flat_rows = []
    for item in rows:
        flat: dict[str, Any] = {}
        _flatten(item, "", object_paths, flat)
        columns.update(dict.fromkeys(flat))
        flat_rows.append(flat)
    import pandas as pd  # imported here so the clients load without pandas until it is needed

    frame: pd.DataFrame = pd.DataFrame.from_records(flat_rows, columns=list(columns))
    return frame


def _collect_object_paths(item: Mapping[str, Any], prefix: str, found: set[str]) -> None:
    for key, value in item.items():
        if isinstance(value, Mapping):
            path = f"{prefix}{key}"
            found.add(path)
            _collect_object_paths(value, f"{path}{SEP}", found)


def _flatten(
    item: Mapping[str, Any], prefix: str, object_paths: set[str], out: dict[str, Any]
) -> None:
    for key, value in item.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, f"{path}{SEP}", object_paths, out)
        elif value is None and path in object_paths:
            continue
        else:
            out[path] = value
