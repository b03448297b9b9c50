"""mypy passes on every package ``[tool.mypy]`` in pyproject.toml lists in ``files``:
the publication layer and the disclosure rule (strict), app/analysis (strict
module by module, the rest with ``check_untyped_defs``) and app/geodata
(``check_untyped_defs``).  A new type error anywhere there fails the suite.

The cache lives in ``.mypy_cache`` at the repository root, so a second run only
checks what changed (about 5 s; the first run, or one after a change to the
models, takes 20-40 s on a busy 2-core machine).
"""

from __future__ import annotations

import tomllib

from mypy import api

from ..conftest import ROOT

CONFIG = ROOT / "pyproject.toml"


def _mypy() -> tuple[int, str]:
    out, err, status = api.run(["--config-file", str(CONFIG),
                                "--cache-dir", str(ROOT / ".mypy_cache"),
                                "--no-error-summary", "--show-error-codes"])
    return status, out + err


def test_typed_packages_pass_mypy():
    status, report = _mypy()
    assert status == 0, f"mypy found type errors:\n{report}"


def test_the_packages_the_docs_call_typed_are_checked():
    """The test would pass vacuously if a package fell out of ``files``."""
    mypy = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["tool"]["mypy"]
    assert {"app/publication", "app/disclosure.py", "app/analysis",
            "app/geodata"} <= set(mypy["files"])
    strict = next(o for o in mypy["overrides"] if o.get("disallow_untyped_defs"))
    assert {"app.publication", "app.publication.*", "app.disclosure",
            "app.analysis.reach", "app.analysis.json_records"} <= set(strict["module"])
    loose = next(o for o in mypy["overrides"] if "app.geodata.*" in o["module"])
    assert loose["check_untyped_defs"] is True
