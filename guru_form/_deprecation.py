"""Deprecation aliases: public names that moved keep working for one release, with a warning.

- A module whose names moved defines ``__getattr__ = moved_names(__name__, {...})``: reading such a
  name warns (:class:`DeprecationWarning`, pointing at the caller) and returns the value from its
  new home.
- :func:`alias_module` keeps an old module path importable without a file at that path (so the
  renamed file keeps its history, and changes made to the old file elsewhere merge into the new
  one): ``import guru_form.analyze`` and ``from guru_form.analyze import run_analyze`` reach
  :mod:`guru_form.batch_outputs`, importing it on first use.
"""

from __future__ import annotations

import importlib
import sys
import types
import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["alias_module", "moved_names", "warn_moved", "warn_renamed"]


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


def warn_renamed(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is now called ``new`` and the old name goes in the next release."""
    warnings.warn(
        f"{old} is renamed {new}; the old name will be removed in the next release",
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


class _ModuleAlias(types.ModuleType):
    """An old module path whose attributes are the new module's, each access warned about."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__(old, f"Deprecated: renamed :mod:`{new}`.")
        self.__dict__["_alias_of"] = new

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # the import system's probes (__path__, ...) stay quiet
        new = self.__dict__["_alias_of"]
        warn_renamed(f"module {self.__name__}", new)
        return getattr(importlib.import_module(new), name)

    def __dir__(self) -> list[str]:
        return dir(importlib.import_module(self.__dict__["_alias_of"]))


def alias_module(old: str, new: str) -> None:
    """Make the module path ``old`` an alias of the module ``new`` (imported on first use).

    Call it from the package that holds ``old`` (``old``'s parent package is then imported
    before ``old`` is looked up, so the alias is in place in time).
    """
    sys.modules.setdefault(old, _ModuleAlias(old, new))
