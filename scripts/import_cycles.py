"""Find import cycles in a package from its source, with :mod:`ast` (nothing is imported).

An edge ``a -> b`` means module ``a`` imports module ``b`` at module level: an ``import`` or
``from ... import`` anywhere in the module's top-level code, including inside module-level
``if``/``try``/``with`` blocks and class bodies, but not inside functions (those run later, on
first use). Imports under ``if TYPE_CHECKING:`` count too: they never run, but a module that names
a type from a module above it depends on it all the same (``--runtime`` leaves them out). ``from pkg import name`` is an edge
to ``pkg.name`` when that is a module of the package, else to ``pkg``. Importing ``a.b.c`` also runs
``a/b/__init__.py``: that is an edge too, unless the importing module lies inside ``a.b`` (Python
imported that package before the module). Only modules of the package count.

Run ``python -m scripts.import_cycles [PACKAGE_DIR]`` (default ``guru_form``): it prints each
cycle (a strongly connected component of more than one module, or a module importing itself)
and exits with status 1 when there is any, 0 when there is none.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["find_cycles", "import_graph", "main"]


def _modules(package_dir: Path) -> dict[str, Path]:
    """``{dotted module name: file}`` for every ``.py`` file under ``package_dir``."""
    root = package_dir.resolve()
    out: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _module_level(body: list[ast.stmt], *, type_checking: bool) -> Iterator[ast.stmt]:
    """The statements of ``body`` outside functions, recursively through blocks and classes."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.If):
            if type_checking or not _is_type_checking(node.test):
                yield from _module_level(node.body, type_checking=type_checking)
            yield from _module_level(node.orelse, type_checking=type_checking)
            continue
        yield node
        blocks: list[list[ast.stmt]] = []
        if isinstance(node, (ast.ClassDef, ast.With, ast.AsyncWith)):
            blocks = [node.body]
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            blocks = [node.body, node.orelse]
        elif isinstance(node, ast.Try):
            blocks = [node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody]
        for block in blocks:
            yield from _module_level(block, type_checking=type_checking)


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def import_graph(package_dir: str | Path, *, type_checking: bool = True) -> dict[str, set[str]]:
    """The package's module-level import graph: ``{module: {modules it imports}}``.

    Parameters
    ----------
    package_dir
        The package's folder (holding its ``__init__.py``).
    type_checking
        Count the imports under ``if TYPE_CHECKING:``.

    Returns
    -------
    dict
        Every module of the package, mapped to the modules of the package it imports at import
        level (see the module docstring for what counts).
    """
    modules = _modules(Path(package_dir))
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in _module_level(tree.body, type_checking=type_checking):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = (
                    _resolve_relative(name, is_package, node.level, node.module)
                    if node.level
                    else (node.module or "")
                )
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    targets.append(submodule if submodule in modules else source)
            for target in targets:
                # ``import a.b.c`` binds ``a`` but imports ``a.b.c``: the deepest known module.
                parts = target.split(".")
                while parts and ".".join(parts) not in modules:
                    parts.pop()
                if parts:
                    graph[name].add(".".join(parts))
                # Importing ``a.b.c`` first runs ``a/__init__`` and ``a/b/__init__``: edges too,
                # except to the packages that hold the importing module (already imported).
                own = name.split(".")
                for depth in range(1, len(parts)):
                    if parts[:depth] != own[:depth]:
                        graph[name].add(".".join(parts[:depth]))
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph``: its strongly connected components that hold a cycle.

    Parameters
    ----------
    graph
        ``{module: {modules it imports}}``, as :func:`import_graph` returns.

    Returns
    -------
    list of list of str
        Each cycle's modules, sorted; largest cycle first. Empty when there is none.

    Examples
    --------
    >>> find_cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    [['a', 'b']]
    >>> find_cycles({"a": {"b"}, "b": set()})
    []
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        # Tarjan's algorithm, iterative (a deep package must not hit the recursion limit).
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    components.append(sorted(component))
    return sorted(components, key=lambda c: (-len(c), c))


def main(argv: list[str] | None = None) -> int:
    """Print the package's import cycles; 1 when there is any, else 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("package_dir", nargs="?", default="guru_form")
    parser.add_argument(
        "--runtime", action="store_true", help="leave out the imports under `if TYPE_CHECKING:`"
    )
    args = parser.parse_args(argv)
    package = Path(args.package_dir)
    if not (package / "__init__.py").is_file():
        print(f"{package}: not a package folder (no __init__.py)", file=sys.stderr)
        return 2
    graph = import_graph(package, type_checking=not args.runtime)
    cycles = find_cycles(graph)
    edges = sum(len(v) for v in graph.values())
    print(f"{package.name}: {len(graph)} modules, {edges} module-level imports")
    for cycle in cycles:
        print(f"cycle of {len(cycle)} modules: " + ", ".join(cycle))
    if not cycles:
        print("no import cycle")
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
