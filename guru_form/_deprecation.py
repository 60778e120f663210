"""Names that moved keep working from their old import path for one release, with a warning.

A module whose names moved defines::

    def __getattr__(name: str) -> Any:
        return moved_attribute(__name__, name, {"VideoReader": "guru_form.video"})

Then ``from old.module import VideoReader`` still gives the very same object, and warns with a
:class:`DeprecationWarning` that names the new home.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Mapping
from typing import Any

__all__ = ["moved_attribute"]


def moved_attribute(old_module: str, name: str, moves: Mapping[str, str]) -> Any:
    """The attribute ``name`` of ``old_module``, fetched from where it moved, with a warning.

    Parameters
    ----------
    old_module
        The module asked (its ``__name__``).
    name
        The attribute asked for.
    moves
        ``name -> module`` that now defines it.

    Returns
    -------
    Any
        The object from its new module.

    Raises
    ------
    AttributeError
        ``name`` did not move here (the module has no such attribute).
    """
    target = moves.get(name)
    if target is None:
        raise AttributeError(f"module {old_module!r} has no attribute {name!r}")
    warnings.warn(
        f"{old_module}.{name} has moved to {target}.{name}; import it from there "
        "(the old name will be removed in the next release)",
        DeprecationWarning,
        stacklevel=3,
    )
    return getattr(importlib.import_module(target), name)
