"""The examples in the report and widget modules' docstrings run and say what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "guru_form.report",
    "guru_form.report.builder",
    "guru_form.report.images",
    "guru_form.report.outputs",
    "guru_form.report.rules",
    "guru_form.report.thresholds",
    "guru_form.widgets",
    "guru_form.widgets._files",
    "guru_form.widgets.upload",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
