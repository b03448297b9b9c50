"""Every public function, class and method in app/analysis and app/geodata has a
numpy-style docstring (ruff's pydocstyle rules, numpy convention; see pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from ..conftest import ROOT


def ruff(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *args],
                          cwd=cwd, capture_output=True, text=True)


def test_analysis_and_geodata_pass_the_docstring_rules():
    result = ruff("app/analysis", "app/geodata")
    assert result.returncode == 0, result.stdout


def test_the_project_rules_require_docstrings_there_and_only_there(tmp_path):
    """The same pyproject.toml on a copy: a bare public function fails in app/analysis
    and app/geodata, and passes elsewhere in app/."""
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    probe = '"""Probe."""\n\n\ndef figure(x):\n    return x\n'
    for folder in ("analysis", "geodata", "gaps"):
        (tmp_path / "app" / folder).mkdir(parents=True)
        (tmp_path / "app" / folder / "probe.py").write_text(probe)
    for folder, fails in (("analysis", True), ("geodata", True), ("gaps", False)):
        result = ruff(f"app/{folder}/probe.py", cwd=tmp_path)
        assert (result.returncode == 1 and "D103" in result.stdout) is fails, result.stdout
