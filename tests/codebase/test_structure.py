"""The shape of the code: settings read in one place, no import cycles, small modules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ..conftest import ROOT

APP = ROOT / "app"
MAX_LINES = 400
# Command-line conveniences allowed to read the environment themselves.
ENV_ALLOWED = {
    ("app/cli/users.py", "YVM_PASSWORD"),
}


def modules() -> dict[str, Path]:
    """Every module in app/ by dotted name (a package by its own name)."""
    out = {}
    for path in sorted(APP.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _resolve(name: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = name.split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def _module_level_imports(tree: ast.Module):
    """Imports that run when the module is imported (not those inside functions)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                stack.extend(getattr(node, field, []))
        elif isinstance(node, ast.ExceptHandler):
            stack.extend(node.body)


def import_graph(mods: dict[str, Path] | None = None) -> dict[str, set[str]]:
    """Module -> the app modules it imports when it is imported."""
    mods = modules() if mods is None else mods
    graph: dict[str, set[str]] = {name: set() for name in mods}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _module_level_imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = _resolve(name, path, node)
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                if target in mods and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first repeated at the end), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_app_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_cycle_finder_finds_a_cycle_through_a_blueprint_in_a_route_module(tmp_path):
    pkg = tmp_path / "app" / "survey"
    pkg.mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "routes.py").write_text("bp = 1\nfrom . import admin\n")
    (pkg / "admin.py").write_text("from .routes import bp\n")
    mods = {"app": tmp_path / "app" / "__init__.py", "app.survey": pkg / "__init__.py",
            "app.survey.routes": pkg / "routes.py", "app.survey.admin": pkg / "admin.py"}
    graph = import_graph(mods)
    assert graph["app.survey.admin"] == {"app.survey.routes"}
    assert find_cycle(graph) == ["app.survey.admin", "app.survey.routes", "app.survey.admin"]
    (pkg / "routes.py").write_text("bp = 1\n")
    assert find_cycle(import_graph(mods)) is None


ENV_READ = re.compile(r"\bos\.(?:environ|getenv)\b|\bgetenv\(|\bfrom os import [^\n]*\b(?:environ|getenv)\b")


def test_settings_are_read_only_in_config():
    found = []
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "app/config.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ENV_READ.search(line) and not any(rel == f and var in line
                                                 for f, var in ENV_ALLOWED):
                found.append(f"{rel}:{number}: {line.strip()}")
    assert found == [], "read settings from app.config, not the environment:\n" + "\n".join(found)


def test_no_module_in_app_is_over_400_lines():
    long = {p.relative_to(ROOT).as_posix(): n for p in APP.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, "split these modules"


def test_blueprints_are_made_in_their_package_init(app):
    import importlib

    for name, blueprint in app.blueprints.items():
        module = importlib.import_module(blueprint.import_name)
        assert hasattr(module, "__path__"), f"{name}: made in {blueprint.import_name}"
        assert module.bp is blueprint


# -- names say what a module holds (issue 28) -------------------------------------------

ROUTE_METHODS = {"route", "get", "post", "put", "patch", "delete"}


def declares_routes(tree: ast.Module) -> bool:
    """Whether a module declares a view: ``@<blueprint>.route(...)`` (or ``.get``,
    ``.post``, ...) on a function, or a call to ``add_url_rule``."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:
                if (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute)
                        and deco.func.attr in ROUTE_METHODS):
                    return True
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "add_url_rule"):
            return True
    return False


def misnamed_route_modules(paths) -> list[str]:
    """Modules that declare views but are not named ``routes.py`` or ``*_routes.py``."""
    return sorted(p.relative_to(ROOT).as_posix() if p.is_relative_to(ROOT) else p.name
                  for p in paths
                  if not (p.name == "routes.py" or p.name.endswith("_routes.py"))
                  and declares_routes(ast.parse(p.read_text(encoding="utf-8"))))


def test_modules_holding_routes_are_named_routes():
    """A reader finds every view of a feature in its ``routes.py`` or ``*_routes.py``
    (partners once had ``*_views.py``, the survey ``safeguarding_review.py``)."""
    assert misnamed_route_modules(APP.rglob("*.py")) == []


def test_the_route_name_check_finds_a_view_in_a_misnamed_module(tmp_path):
    views = tmp_path / "partner_views.py"
    views.write_text("from . import bp\n\n@bp.get('/x')\ndef x():\n    return ''\n")
    rule = tmp_path / "hooks.py"
    rule.write_text("def init_app(app):\n    app.add_url_rule('/y', 'y', lambda: '')\n")
    fine = tmp_path / "staff_routes.py"
    fine.write_text(views.read_text())
    helper = tmp_path / "service.py"
    helper.write_text("def get(x):\n    return {}.get(x)\n")
    assert misnamed_route_modules([views, rule, fine, helper]) == ["hooks.py", "partner_views.py"]
