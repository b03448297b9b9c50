"""mypy passes on the strictly typed packages (``[tool.mypy]`` in pyproject.toml):
the publication layer and the disclosure rule.

The cache lives in ``.mypy_cache`` at the repository root, so a second run only
checks what changed (about 5 s; the first run, or one after a change to the
models, takes 20-30 s on a busy 2-core machine).
"""

from __future__ import annotations

from mypy import api

from ..conftest import ROOT


def test_strict_packages_pass_mypy():
    out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                "--cache-dir", str(ROOT / ".mypy_cache"),
                                "--no-error-summary", "--show-error-codes"])
    assert status == 0, f"mypy found type errors:\n{out}{err}"
