"""The examples in the docstrings of guru_form.apis run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "guru_form.apis._frame",
    "guru_form.apis.giosg",
    "guru_form.apis.helpspot",
    "guru_form.apis.testing",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
