"""Every notebook in notebooks/ runs top to bottom, and is committed without outputs."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: Notebooks that need an optional extra, ``{stem: (module, extra)}``: skipped without it.
NEEDS = {"real_footage": ("ai_edge_litert", "pose")}

# Time limits. nbclient stops a cell after CELL_TIMEOUT_S and names it in the error; pytest stops
# the whole notebook after NOTEBOOK_TIMEOUT_S. The notebook limit is larger than one cell's plus
# the slowest notebook's whole run (about 70 s for real_footage on 2 busy cores), so a stuck cell
# is reported by nbclient, with its source, rather than killed by pytest without context.
CELL_TIMEOUT_S = 300
NOTEBOOK_TIMEOUT_S = 600


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: strip outputs before committing"
            assert cell.execution_count is None, f"{path.name}: clear execution counts"


@pytest.mark.slow
@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient

    if path.stem in NEEDS:
        module, extra = NEEDS[path.stem]
        if importlib.util.find_spec(module) is None:
            pytest.skip(
                f"{path.name} needs the '{extra}' extra ({module} is not installed): "
                f"pip install 'guru-form[{extra}]'"
            )

    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # Each notebook gets its own guru_form home, so its local server and cache start empty.
    monkeypatch.setenv("GURU_FORM_HOME", str(tmp_path / "guru_form_home"))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
