"""A directive that lists the names ``import guru_form`` offers, each linked to its API page.

The list is read from ``guru_form.__all__`` when the site is built, so a name added, moved or
removed on the package shows here without editing a page. Each name links to the listed module that
defines and exports it (else the first listed module that exports it; the modules the API reference
documents); a name no listed module exports is an error, so the reference cannot silently miss
a public name.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def _summary(obj: object) -> str:
    """The first paragraph of a class's or function's docstring, on one line; for data, its type."""
    if not (inspect.isclass(obj) or inspect.isroutine(obj)):
        return f"``{type(obj).__name__}``"
    doc = inspect.getdoc(obj) or ""
    line = doc.strip().split("\n\n")[0].replace("\n", " ").strip()
    return line.replace("|", "\\|")


class PublicNames(SphinxDirective):
    """``.. guru-form-public-names::`` with one documented module per content line.

    Used from reStructuredText (in MyST pages, inside an ``{eval-rst}`` block): the table it makes
    is parsed as reStructuredText.
    """

    has_content = True

    def run(self) -> list[nodes.Node]:
        import guru_form

        modules = [importlib.import_module(name.strip()) for name in self.content if name.strip()]
        rows: list[str] = []
        for name in sorted(n for n in guru_form.__all__ if not n.startswith("_")):
            obj = getattr(guru_form, name)
            exporting = [m for m in modules if name in getattr(m, "__all__", ())]
            if not exporting:
                raise self.error(
                    f"guru_form.{name} is public but none of the documented modules exports it"
                )
            # The page that documents it: the exporting module that defines it, else the first.
            defined_in = getattr(obj, "__module__", None) or ""
            home = next(
                (
                    m
                    for m in exporting
                    if defined_in == m.__name__ or defined_in.startswith(m.__name__ + ".")
                ),
                exporting[0],
            )
            rows.append(f"   * - :py:obj:`~{home.__name__}.{name}`")
            rows.append(f"     - ``{home.__name__}``")
            rows.append(f"     - {_summary(obj)}")
        text = [
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 25 20 55",
            "",
            "   * - Name",
            "     - Documented in",
            "     - What it is",
            *rows,
        ]
        container = nodes.container()
        self.state.nested_parse(StringList(text, source="guru-form-public-names"), 0, container)
        return container.children


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("guru-form-public-names", PublicNames)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
