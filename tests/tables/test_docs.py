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
    "guru_form.frames.orientation",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    import matplotlib.pyplot as plt

    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    plt.close("all")
    assert result.attempted > 0, f"{name} has no docstring example that runs"
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
