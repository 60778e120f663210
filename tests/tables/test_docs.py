"""The examples in the docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "guru_form.tables",
    "guru_form.tables._schema",
    "guru_form.tables.convert",
    "guru_form.tables.sessions",
    "guru_form.tables.summary",
    "guru_form.tables.flags",
    "guru_form.tables.velocity",
    "guru_form.tables.export",
    "guru_form.tables.examples",
    "guru_form.plots",
    "guru_form.plots.reps",
    "guru_form.plots.sessions",
    "guru_form.plots.dashboard",
    "guru_form.plots.timeline",
    "guru_form.frames.annotate",
    "guru_form.frames.skeleton",
    "guru_form.frames.layout",
    "guru_form.frames.phases",
    "guru_form.video.orientation",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    import matplotlib.pyplot as plt

    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    plt.close("all")
    assert result.attempted > 0, f"{name} has no docstring example that runs"
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def _public_callables() -> dict[str, object]:
    """Every public function of tables, plots and frames (their packages' and public modules'
    ``__all__``), and the public methods of their public classes, by defining name."""
    import inspect
    import pkgutil

    found: dict[str, object] = {}
    for package in ("guru_form.tables", "guru_form.plots", "guru_form.frames", "guru_form.video"):
        pkg = importlib.import_module(package)
        modules = [pkg] + [
            importlib.import_module(f"{package}.{m.name}")
            for m in pkgutil.iter_modules(pkg.__path__)
            if not m.name.startswith("_")
        ]
        for module in modules:
            for attr in getattr(module, "__all__", []):
                obj = getattr(module, attr)
                if not str(getattr(obj, "__module__", "")).startswith(package):
                    continue
                if inspect.isfunction(obj):
                    found[f"{obj.__module__}.{obj.__qualname__}"] = obj
                elif inspect.isclass(obj):
                    for name, member in vars(obj).items():
                        meth = getattr(member, "__func__", member)  # class/static methods
                        if not name.startswith("_") and inspect.isfunction(meth):
                            found[f"{obj.__module__}.{meth.__qualname__}"] = meth
    return found


def _missing_sections(func: object) -> list[str]:
    import inspect

    doc = inspect.getdoc(func) or ""
    signature = inspect.signature(func)  # type: ignore[arg-type]
    missing = []
    params = [p for p in signature.parameters if p not in ("self", "cls")]
    if params and "Parameters\n----------" not in doc:
        missing.append("Parameters")
    returns = signature.return_annotation
    if returns not in (None, "None", inspect.Signature.empty) and not (
        "Returns\n-------" in doc or "Yields\n------" in doc
    ):
        missing.append("Returns")
    return missing


def test_public_functions_have_numpy_parameters_and_returns_sections() -> None:
    callables = _public_callables()
    assert len(callables) > 50
    lacking = {name: m for name, func in callables.items() if (m := _missing_sections(func))}
    assert not lacking, "numpy docstring sections missing:\n" + "\n".join(
        f"  {name}: {', '.join(m)}" for name, m in sorted(lacking.items())
    )
