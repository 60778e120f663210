"""Deprecation aliases: public names that moved keep working for one release, with a warning.

A module whose names moved defines ``__getattr__ = moved_names(__name__, {...})``: reading such a
name warns (:class:`DeprecationWarning`, pointing at the caller) and returns the value from its
new home.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["moved_names", "warn_moved"]


def warn_moved(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new``.

    Parameters
    ----------
    old, new
        The old and new spellings, as a user would write them.
    stacklevel
        As for :func:`warnings.warn`, counted from the function that calls this one's caller.
    """
    warnings.warn(
        f"{old} is deprecated and will be removed in the next release; use {new}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def moved_names(
    module: str, names: Mapping[str, tuple[str, Callable[[], Any]]]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` that serves ``names`` from their new home, with a warning.

    Parameters
    ----------
    module
        The old module's name (``__name__``).
    names
        ``old name -> (new spelling for the message, a function returning the value)``.

    Returns
    -------
    callable
        To assign to the module's ``__getattr__``.
    """

    def module_getattr(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        new, load = names[name]
        warn_moved(f"{module}.{name}", new, stacklevel=3)
        return load()

    return module_getattr
