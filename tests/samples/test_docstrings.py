"""The examples in the synthetic modules' docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "guru_form.samples",
    "guru_form.testing.synthetic",
    "guru_form.testing.synthetic.body",
    "guru_form.testing.synthetic.frame_code",
    "guru_form.testing.synthetic.motion",
    "guru_form.testing.synthetic.video",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
