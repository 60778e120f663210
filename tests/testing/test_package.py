"""guru_form.testing stays apart: users' imports do not load it, and it loads the server only on demand."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _modules_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return out.stdout.split()


def test_import_guru_form_loads_no_test_tools() -> None:
    loaded = _modules_after("import guru_form, guru_form.server, guru_form.samples")
    assert [m for m in loaded if m.startswith("guru_form.testing")] == []


def test_the_renderer_does_not_start_the_server_imports() -> None:
    loaded = _modules_after("import guru_form.testing.synthetic")
    assert "guru_form.testing.server" not in loaded
    assert "starlette" not in loaded


def test_the_old_renderer_path_still_works_with_a_warning() -> None:
    import guru_form.testing.synthetic

    with pytest.warns(DeprecationWarning, match="guru_form.testing.synthetic"):
        from guru_form.synthetic import synthesize
    with pytest.warns(DeprecationWarning, match="guru_form.testing.synthetic.video"):
        from guru_form.synthetic.video import render_video
    assert synthesize is guru_form.testing.synthetic.synthesize
    assert render_video is guru_form.testing.synthetic.render_video


def test_one_uvicorn_runner() -> None:
    """uvicorn's Server is extended in one place (the connection guards); only the threaded
    runner and the foreground ``guru-form serve`` build servers, from that class."""
    import ast
    from pathlib import Path

    import guru_form

    package = Path(guru_form.__file__).parent
    extends_uvicorn, builders = set(), set()
    for path in package.rglob("*.py"):
        name = path.relative_to(package).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "Server"
                and isinstance(node.value, ast.Name)
                and node.value.id == "uvicorn"
            ):
                extends_uvicorn.add(name)
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and base.id == "GuardedServer" for base in node.bases
            ):
                builders.add(name)
    assert extends_uvicorn == {"server/_connections.py"}
    assert builders == {"server/_threaded.py", "server/serve.py"}
