"""Names a package re-exports from its modules, imported on first use.

A package whose names live in heavier modules (Starlette, PyAV, ...) lists them as
``name -> module`` and ends with ``__getattr__, __dir__ = lazy_exports(__name__, _LAZY)``: reading
a name imports its module once and keeps the value in the package; ``dir()`` lists every name.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Collection, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, names: Mapping[str, str], *, submodules: Collection[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package that imports ``names`` on first use.

    Parameters
    ----------
    package
        The package's name (``__name__``); it must be importing (in :data:`sys.modules`).
    names
        ``name -> the module that defines it``.
    submodules
        Subpackages reachable as attributes (``package.name``), imported on first access too.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)`` for the package's namespace.
    """
    namespace = vars(sys.modules[package])

    def module_getattr(name: str) -> Any:
        if name in submodules:
            return importlib.import_module(f"{package}.{name}")
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def module_dir() -> list[str]:
        return sorted(set(namespace) | set(names) | set(submodules))

    return module_getattr, module_dir
