"""mypy passes on every package ``[tool.mypy]`` in pyproject.toml lists in ``files``:
the publication layer, the disclosure rule and the whole of app/analysis and
app/geodata, all strict (the override names ``app.analysis.*`` and ``app.geodata.*``,
so a new analysis or geodata module is strict from the start).  A new type error
anywhere there fails the suite.

The cache lives in ``.mypy_cache`` at the repository root, so a second run only
checks what changed (about 5 s; the first run, or one after a change to the
models, takes 20-40 s on a busy 2-core machine).
"""

from __future__ import annotations

import io
import tomllib

from mypy import api
from mypy.config_parser import parse_config_file
from mypy.options import Options

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
            "app.analysis", "app.analysis.*", "app.geodata", "app.geodata.*"} \
        <= set(strict["module"])
    # Each package by pattern, not a list of its modules that a new one could miss.
    for package in ("app.analysis.", "app.geodata."):
        assert not [m for m in strict["module"] if m.startswith(package) and m[-1] != "*"]
    # No other override names them (a later one could switch strict flags off again).
    others = [o for o in mypy["overrides"] if o is not strict]
    assert not [m for o in others for m in o["module"]
                if m.startswith(("app.analysis", "app.geodata"))]


def _options_for(module: str) -> Options:
    options = Options()
    parse_config_file(options, lambda: None, str(CONFIG), io.StringIO(), io.StringIO())
    return options.clone_for_module(module)


STRICT_FLAGS = ("disallow_untyped_defs", "disallow_incomplete_defs", "disallow_untyped_calls",
                "disallow_any_generics", "warn_return_any", "check_untyped_defs")


def test_every_analysis_and_geodata_module_is_strict_even_one_not_written_yet():
    """mypy's own reading of the config: a module nobody listed gets the strict flags."""
    for module in ("app.analysis", "app.analysis.scenario", "app.analysis.siting",
                   "app.analysis.a_module_added_next_year", "app.publication.tables",
                   "app.geodata", "app.geodata.points", "app.geodata.lsoa_figures",
                   "app.geodata.tiles", "app.geodata.a_module_added_next_year"):
        options = _options_for(module)
        assert all(getattr(options, flag) for flag in STRICT_FLAGS), module
