"""The examples in the report and widget modules' docstrings run and say what they show.

They run in a temporary folder (they write reports there), and the panel's example talks to the
local test server through ``client``.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import guru_form.report
import guru_form.widgets
from guru_form.client import GuruClient
from guru_form.testing import LocalServer

MODULES = [
    "guru_form.report",
    "guru_form.report.builder",
    "guru_form.report.images",
    pytest.param("guru_form.report.outputs", marks=pytest.mark.slow),  # 5 s: five files
    "guru_form.report.render",
    "guru_form.report.rules",
    "guru_form.report.thresholds",
    "guru_form.widgets",
    "guru_form.widgets._files",
    "guru_form.widgets._views",
    pytest.param("guru_form.widgets.upload", marks=pytest.mark.slow),  # analyses, then reports
]
#: Examples shown but not run: a four-session PDF takes 13 s and the optional pdf extra
#: (tests/report/test_pdf.py makes PDFs).
SKIPPED = {"guru_form.report.builder": 1}


def _examples(module: object) -> tuple[int, int]:
    """(examples, examples marked +SKIP) in a module's docstrings."""
    examples = [e for t in doctest.DocTestFinder().find(module) for e in t.examples]
    return len(examples), sum(1 for e in examples if e.options.get(doctest.SKIP))


@pytest.fixture
def client(
    local_server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    monkeypatch.chdir(tmp_path)
    with GuruClient(**local_server.client_kwargs()) as guru:
        yield guru


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, client: GuruClient) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"client": client}, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    total, skipped = _examples(module)
    assert skipped == SKIPPED.get(name, 0)
    assert result.attempted == total - skipped > 0


def test_every_module_with_examples_is_listed() -> None:
    found = {
        info.name
        for package in (guru_form.report, guru_form.widgets)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        if _examples(importlib.import_module(info.name))[0]
    } | {
        package.__name__
        for package in (guru_form.report, guru_form.widgets)
        if _examples(package)[0]
    }
    listed = {m if isinstance(m, str) else m.values[0] for m in MODULES}
    assert found == listed
