"""Sphinx configuration of guru_form's documentation site (``make docs`` builds it into docs/_build)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))  # the site's own helpers (_ext/)

import guru_form  # noqa: E402

project = "guru_form"
author = "guru_form developers"
copyright = "guru_form developers"
release = guru_form.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "sphinx_copybutton",
    "_ext.public_names",
]

# Sources: markdown pages (MyST) and the notebooks; the PNG folders that scripts regenerate
# (frames/, gallery/, pose/, report/, samples/) hold pictures, not pages.
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "jupyter_execute"]
templates_path = ["_templates"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Notebooks and gallery pages run when the site is built, against the embedded local server and
# the bundled sample videos (no network, no credentials). GURU_FORM_DOCS_EXECUTION=off skips
# running them (a quick look at the text).
# The kernels draw with matplotlib's inline backend, which an inherited MPLBACKEND (say Agg, as
# the test suite sets) would replace: the pages would then show no charts.
os.environ.pop("MPLBACKEND", None)
nb_execution_mode = os.environ.get("GURU_FORM_DOCS_EXECUTION", "cache")
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
# real_footage runs the pose engine over two real clips (about 70 s): shown without outputs.
nb_execution_excludepatterns = ["notebooks/real_footage.ipynb"]
nb_execution_in_temp = True
nb_merge_streams = True

# API reference: one page per public module, generated from the numpy docstrings, listing the
# names of each module's __all__ (so a rename on main changes the pages without editing them).
autosummary_generate = True
autosummary_ignore_module_all = False
autosummary_imported_members = True


def _api_modules() -> list[str]:
    """The modules the API reference documents: the autosummary list of api/index.md."""
    text = (DOCS / "api" / "index.md").read_text()
    block = text.split(".. autosummary::", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip().startswith("guru_form")]


def _reexported(modules: list[str]) -> dict[str, str]:
    """Each class or function a documented module re-exports from outside itself, and its page.

    A package's page lists what it defines (in itself or its submodules); a name it re-exports from
    another package (``guru_form.frames.Threshold`` is :class:`guru_form.metrics.Threshold`) is
    documented once, at home, so cross-references have one target. Returns ``{"module.name":
    "home_module.name"}``, the home being the documented module that defines it.
    """
    import importlib
    import inspect

    def defines(module: str, home: str) -> bool:
        return home == module or home.startswith(module + ".")

    exports = {
        name: list(getattr(importlib.import_module(name), "__all__", ())) for name in modules
    }
    foreign = {}
    for name, names in exports.items():
        module = importlib.import_module(name)
        for attr in names:
            obj = getattr(module, attr, None)
            home = getattr(obj, "__module__", None)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)) or home is None:
                continue
            if defines(name, home):
                continue
            target = next((m for m in modules if defines(m, home) and attr in exports[m]), home)
            foreign[f"{name}.{attr}"] = f"{target}.{attr}"
    return foreign


API_MODULES = _api_modules()
autosummary_context = {"reexported": _reexported(API_MODULES)}
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_member_order = "bysource"
autodoc_mock_imports: list[str] = []
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_preprocess_types = False

intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
}
# No network while building: intersphinx inventories are not fetched (links stay plain text).
intersphinx_disabled_reftypes = ["*"]
intersphinx_mapping = {}

html_theme = "pydata_sphinx_theme"
html_title = f"guru_form {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
# Top-level pages with no pages under them: no empty section navigation beside the text.
html_sidebars = {
    page: [] for page in ("speed", "first_hour", "getting-started", "changelog", "releasing")
}
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = False
