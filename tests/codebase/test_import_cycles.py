"""No import cycle between the domain modules, counting imports inside functions.

``test_structure.py`` checks the imports that run when a module is imported.  An
import inside a function runs later, so it cannot break start-up, but it still
ties two modules to each other: neither can be understood, tested or moved
alone.  This reads *every* import (module level, inside functions, under
``TYPE_CHECKING``) of the analysis, publication, geography, map and model
packages and fails on a cycle among them unless the cycle is in ``ALLOWED`` with
the reason it stays.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .test_structure import _resolve, modules

DOMAIN = ("app.analysis", "app.publication", "app.geodata", "app.maps", "app.models")
# Cycles that stay for now: frozenset of the modules in one cycle -> why.  Empty:
# keep it so.
ALLOWED: dict[frozenset[str], str] = {}


def _in(name: str, packages=DOMAIN) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def all_imports_graph(mods: dict[str, Path], packages=DOMAIN) -> dict[str, set[str]]:
    """Module -> the modules of ``packages`` it imports anywhere in its code."""
    graph: dict[str, set[str]] = {name: set() for name in mods if _in(name, packages)}
    for name in graph:
        path = mods[name]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, path, node)
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            else:
                continue
            graph[name].update(t for t in targets if t in graph and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _describe(component: frozenset[str], graph: dict[str, set[str]]) -> str:
    return "; ".join(f"{m} -> {', '.join(sorted(graph[m] & component))}"
                     for m in sorted(component))


def test_domain_modules_have_no_import_cycle_even_inside_functions():
    graph = all_imports_graph(modules())
    found = [c for c in cycles(graph) if c not in ALLOWED]
    assert found == [], "import cycles (break them, or allow-list one with a reason):\n" + \
        "\n".join(_describe(c, graph) for c in found)
    stale = [sorted(c) for c in ALLOWED if c not in cycles(graph)]
    assert stale == [], "these allowed cycles are gone: take them out of ALLOWED"


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    pkg = tmp_path / "app" / "analysis"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "runs.py").write_text("def run():\n    from .update import save\n    return save\n")
    (pkg / "update.py").write_text("from .runs import run\ndef save():\n    return run\n")
    (pkg / "pure.py").write_text("from . import runs\n")
    mods = {"app.analysis": pkg / "__init__.py", "app.analysis.runs": pkg / "runs.py",
            "app.analysis.update": pkg / "update.py", "app.analysis.pure": pkg / "pure.py"}
    graph = all_imports_graph(mods)
    assert graph["app.analysis.runs"] == {"app.analysis.update"}
    assert cycles(graph) == [frozenset({"app.analysis.runs", "app.analysis.update"})]
    (pkg / "runs.py").write_text("def run():\n    return 1\n")
    assert cycles(all_imports_graph(mods)) == []
