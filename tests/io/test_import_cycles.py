"""The package has no import cycle, checked by ``python -m scripts.import_cycles``.

The checker itself is tested on small packages written here, so the package test can fail.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scripts.import_cycles import find_cycles, import_graph

REPO = Path(__file__).resolve().parents[2]


def _package(root: Path, files: dict[str, str]) -> Path:
    package = root / "pkg"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return package


def test_guru_form_has_no_import_cycle() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scripts.import_cycles", "guru_form"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no import cycle" in done.stdout


def test_models_imports_nothing_of_guru_form_but_errors() -> None:
    graph = import_graph(REPO / "guru_form")
    assert graph["guru_form.models"] <= {"guru_form.errors"}


def test_a_cycle_through_a_type_checking_import_is_found(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "low.py": """
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from pkg.high import High
            """,
            "high.py": "from pkg.low import *\nclass High: ...\n",
        },
    )
    assert find_cycles(import_graph(package)) == [["pkg.high", "pkg.low"]]
    assert find_cycles(import_graph(package, type_checking=False)) == []


def test_imports_inside_functions_are_not_edges(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "import pkg.b\n",
            "b.py": """
                class B:
                    def method(self):
                        from pkg import a
                def function():
                    import pkg.a
            """,
        },
    )
    graph = import_graph(package)
    assert graph["pkg.a"] == {"pkg.b"} and graph["pkg.b"] == set()
    assert find_cycles(graph) == []


def test_a_cycle_through_a_subpackage_init_is_found(tmp_path: Path) -> None:
    # base imports sub.leaf, which first runs sub/__init__, which imports top: a real cycle.
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "base.py": "from pkg.sub.leaf import X\n",
            "sub/__init__.py": "from pkg.sub.top import Y\n",
            "sub/leaf.py": "X = 1\n",
            "sub/top.py": "from pkg.base import X\nY = 2\n",
        },
    )
    cycles = find_cycles(import_graph(package))
    assert cycles == [["pkg.base", "pkg.sub", "pkg.sub.top"]]


def test_relative_and_nested_imports_resolve(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "one.py": """
                try:
                    from . import two
                except ImportError:
                    pass
            """,
            "two.py": """
                import os
                if os.name:
                    from .sub import three
            """,
            "sub/__init__.py": "",
            "sub/three.py": "from .. import one\n",
        },
    )
    graph = import_graph(package)
    assert graph["pkg.one"] == {"pkg.two"}
    assert graph["pkg.two"] == {"pkg.sub.three", "pkg.sub"}
    assert graph["pkg.sub.three"] == {"pkg.one"}
    assert find_cycles(graph) == [["pkg.one", "pkg.sub.three", "pkg.two"]]


@pytest.mark.parametrize(("files", "code"), [({"__init__.py": ""}, 0), ({}, 2)])
def test_exit_status(tmp_path: Path, files: dict[str, str], code: int) -> None:
    package = _package(tmp_path, files) if files else tmp_path / "nothing"
    done = subprocess.run(
        [sys.executable, "-m", "scripts.import_cycles", str(package)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == code


def test_a_cycle_makes_the_command_fail(tmp_path: Path) -> None:
    package = _package(
        tmp_path, {"__init__.py": "", "a.py": "import pkg.b\n", "b.py": "import pkg.a\n"}
    )
    done = subprocess.run(
        [sys.executable, "-m", "scripts.import_cycles", str(package)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "cycle of 2 modules: pkg.a, pkg.b" in done.stdout
