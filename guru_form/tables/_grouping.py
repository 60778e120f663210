"""Grouping helpers: which rows form one set, and rep order within a set."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from guru_form.errors import InvalidInputError
from guru_form.tables._schema import REP, require_columns


def group_keys(frame: pd.DataFrame, by: str | Sequence[str] | None, what: str) -> list[str]:
    """``by`` as a list of column names, checked; refuse to mix sets silently.

    A frame with repeated rep numbers holds several sets (e.g. from ``combine(..., wide=True)``);
    without ``by`` its reps would be compared across sets, so that is an error.
    """
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    require_columns(frame, [REP, *keys], what)
    if not keys and frame[REP].duplicated().any():
        raise InvalidInputError(
            f"{what}: the frame holds several sets (rep numbers repeat); pass by=<label column>, "
            f"e.g. by='session' for a frame from combine(..., wide=True)"
        )
    return keys


def rep_order(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The frame sorted by (keys..., rep), stable, keeping the original index."""
    result_: pd.DataFrame = frame.sort_values([*keys, REP], kind="stable")
    return result_
