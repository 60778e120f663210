"""Old names kept working for one release, with a :class:`DeprecationWarning` that names the new one.

:func:`alias_module` keeps an old module path importable without a file at that path (so the
renamed file keeps its history, and changes made to the old file elsewhere merge into the new
one): ``import guru_form.analyze`` and ``from guru_form.analyze import run_analyze`` reach
:mod:`guru_form.batch_outputs`, importing it on first use.

:func:`moved_attribute` serves single names that moved out of a module that stays, from that
module's ``__getattr__``::

    def __getattr__(name: str) -> Any:
        return moved_attribute(__name__, name, {"VideoReader": "guru_form.video"})
"""

from __future__ import annotations

import importlib
import sys
import types
import warnings
from collections.abc import Mapping
from typing import Any

__all__ = ["alias_module", "moved_attribute", "warn_renamed"]


def warn_renamed(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is now called ``new`` and the old name goes in the next release."""
    warnings.warn(
        f"{old} is renamed {new}; the old name will be removed in the next release",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


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
        The object from its new module (the very same object).

    Raises
    ------
    AttributeError
        ``name`` did not move here (the module has no such attribute).
    """
    target = moves.get(name)
    if target is None:
        raise AttributeError(f"module {old_module!r} has no attribute {name!r}")
    # 4: warn_renamed, this function, the module's __getattr__, then the importing line.
    warn_renamed(f"{old_module}.{name}", f"{target}.{name}", stacklevel=4)
    return getattr(importlib.import_module(target), name)
