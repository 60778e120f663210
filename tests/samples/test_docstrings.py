"""The examples in the synthetic modules' docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "guru_form.samples",
    "guru_form.synthetic",
    "guru_form.synthetic.body",
    "guru_form.synthetic.frame_code",
    "guru_form.synthetic.motion",
    "guru_form.synthetic.video",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
