"""Domain code never imports Flask.

The analysis, publication, geography, map and model packages, ``app.disclosure``,
``app.analysis.settings`` (the pure part of the settings), the survey definition
and storage and the CSV and number parsers they read are imported, every
module of them, in a fresh interpreter (so nothing the test run imported earlier
hides a violation); afterwards no ``flask``, ``flask_*``, ``wtforms`` or
``werkzeug`` module may be loaded.  Imports inside functions are not run by this
(``test_import_cycles.py`` reads them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from ..conftest import ROOT

DOMAIN = ["app.analysis", "app.publication", "app.geodata", "app.maps", "app.models",
          "app.disclosure", "app.analysis.settings",
          # outside the domain packages, but read by them: the survey definition and
          # storage (app/publication/snapshot.py), the CSV and number parsers
          # (app/analysis/travel.py)
          "app.survey.definition", "app.survey.store", "app.ingest", "app.number_input"]
PROBE = ROOT / "tests" / "codebase" / "flask_probe.py"


def probe(packages: list[str], *extra_path) -> dict[str, list[str]]:
    """{module: chain of imports} for each module that brought Flask in."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*map(str, extra_path), str(ROOT)])}
    done = subprocess.run([sys.executable, str(PROBE), *packages], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_domain_packages_import_without_flask():
    found = probe(DOMAIN)
    assert found == {}, "domain code imported Flask (move the web part out):\n" + "\n".join(
        f"{module}: " + " -> ".join(chain) for module, chain in found.items())


def test_the_probe_names_a_module_that_reaches_flask(tmp_path):
    pkg = tmp_path / "domainprobe"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "pure.py").write_text("import json\n")
    (pkg / "web.py").write_text("from . import helper\n")
    (pkg / "helper.py").write_text("import flask\n")
    found = probe(["domainprobe"], tmp_path)
    (module, chain), = found.items()
    assert module in {"domainprobe.helper", "domainprobe.web"}
    assert chain[-1].startswith(str(pkg / "helper.py"))
    (pkg / "helper.py").write_text("import json\n")
    assert probe(["domainprobe"], tmp_path) == {}


# Modules outside the domain packages that domain code imports inside a function
# although importing them loads Flask: module -> (importer, why it stays for now).
# Empty since issue 28: the survey blueprint moved to app/survey/blueprint.py and the
# number parsers to app/number_input.py.  Keep it so.
REACHES_FLASK: dict[str, tuple[str, str]] = {}


def outside_imports() -> dict[str, set[str]]:
    """{app module outside the domain packages: the domain modules importing it},
    reading every import (inside functions too)."""
    import ast

    from .test_import_cycles import DOMAIN, _in
    from .test_structure import _resolve, modules

    mods = modules()
    out: dict[str, set[str]] = {}
    for name, path in mods.items():
        if not _in(name, DOMAIN):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, path, node)
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                if target in mods and target != "app" and not _in(target, DOMAIN):
                    out.setdefault(target, set()).add(name)
    return out


def test_what_domain_code_imports_inside_functions_is_flask_free_too():
    outside = outside_imports()
    stale = sorted(set(REACHES_FLASK) - set(outside))
    assert stale == [], f"no longer imported by domain code: take out of REACHES_FLASK: {stale}"
    found = probe(sorted(set(outside) - set(REACHES_FLASK)))
    assert found == {}, "domain code imports (inside a function) a module that loads Flask:\n" \
        + "\n".join(f"{m} (imported by {', '.join(sorted(outside[m]))}): " + " -> ".join(c)
                    for m, c in found.items())
