"""Domain code never imports Flask.

The analysis, publication, geography, map and model packages, ``app.disclosure``
and ``app.analysis.settings`` (the pure part of the settings) are imported, every
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
          "app.disclosure", "app.analysis.settings"]
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
