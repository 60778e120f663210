"""The production server carries no test machinery: faults are applied from guru_form.testing.

Every module under ``guru_form/server/`` is read as text and as a syntax tree: no name, attribute,
argument, import or docstring there mentions a fault, and none imports :mod:`guru_form.testing`,
the tests' proxy or their executor wrapper. Importing the server leaves ``guru_form.testing``
unimported.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import guru_form

SERVER = Path(guru_form.__file__).parent / "server"
_FAULT = re.compile(r"(?<!de)fault", re.IGNORECASE)  # "default" is not a fault
_TEST_MODULES = ("guru_form.testing",)


def _server_modules() -> list[Path]:
    return sorted(SERVER.rglob("*.py"))


def _names(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every identifier the module defines or uses, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            yield node.lineno, node.id
        elif isinstance(node, ast.Attribute):
            yield node.lineno, node.attr
        elif isinstance(node, (ast.arg, ast.keyword)) and node.arg is not None:
            yield node.lineno, node.arg
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.lineno, node.name
        elif isinstance(node, ast.alias):
            yield node.lineno, node.asname or node.name


def _imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
            called = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            if called in {"import_module", "__import__"} and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield node.lineno, first.value


def test_the_server_modules_are_found() -> None:
    names = {p.name for p in _server_modules()}
    assert {"app.py", "config.py", "jobs.py", "embedded.py", "_auth.py"} <= names


@pytest.mark.parametrize("path", _server_modules(), ids=lambda p: p.name)
def test_no_server_module_mentions_faults(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    in_code = [f"{path.name}:{line}: {name}" for line, name in _names(tree) if _FAULT.search(name)]
    in_text = [
        f"{path.name}:{number}: {text.strip()}"
        for number, text in enumerate(source.splitlines(), 1)
        if _FAULT.search(text)
    ]
    assert in_code == [] and in_text == []


@pytest.mark.parametrize("path", _server_modules(), ids=lambda p: p.name)
def test_no_server_module_imports_the_test_tools(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = [
        f"{path.name}:{line}: {module}"
        for line, module in _imports(tree)
        if module.startswith(_TEST_MODULES)
    ]
    assert found == []


def test_the_checks_catch_what_they_look_for() -> None:
    planted = ast.parse(
        "from guru_form.testing.faults import Faults\n"
        "import guru_form.testing\n"
        "def create_app(config, *, faults=None, default=1):\n"
        "    config.runner.take_analysis_fault()\n"
        "    return FaultMiddleware(config.app, faults)\n"
    )
    assert {name for _, name in _names(planted) if _FAULT.search(name)} == {
        "Faults",
        "faults",
        "FaultMiddleware",
        "take_analysis_fault",
    }
    assert {module for _, module in _imports(planted) if module.startswith(_TEST_MODULES)} == {
        "guru_form.testing.faults",
        "guru_form.testing.faults.Faults",
        "guru_form.testing",
    }


def test_serving_imports_no_test_tools() -> None:
    code = (
        "import sys, guru_form.server.app, guru_form.server.embedded, guru_form.server.serve\n"
        "print(sorted(m for m in sys.modules if m.startswith('guru_form.testing')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_the_old_test_server_paths_still_work_with_a_warning() -> None:
    import guru_form.testing

    with pytest.warns(DeprecationWarning, match="guru_form.testing"):
        from guru_form.server.testing import LocalServer
    with pytest.warns(DeprecationWarning, match="guru_form.testing.faults"):
        from guru_form.server.faults import Faults
    assert LocalServer is guru_form.testing.LocalServer
    assert Faults is guru_form.testing.Faults
