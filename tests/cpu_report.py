"""Where the suite's CPU goes, test by test: ``pytest -p tests.cpu_report`` (with or
without ``-n``) writes one JSON file per worker into ``$YVM_CPU_REPORT`` (default
``instance/cpu-report``), and ``python -m tests.cpu_report [DIR]`` sums them by test,
file and folder.

pytest's ``--durations`` gives wall time, which on a loaded 2-core machine is mostly
waiting for the other worker; this plugin records each test's CPU (user + system of
the worker, and of the child processes it reaped: gunicorn, RQ workers, ``flask``
commands) with ``os.times()``, setup and teardown included.  A child's CPU is counted
when it is reaped, so one that outlives its test (a Chromium that is started again, the
job tests' fork server) lands on whichever test reaps it: read a row with a large
children figure and a short wall time as that, not as the test's own work.  Nothing
here is imported unless asked for.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

_ROWS: list[tuple[str, float, float, float]] = []


def _out_dir() -> Path:
    return Path(os.environ.get("YVM_CPU_REPORT", "instance/cpu-report"))


def _cpu() -> tuple[float, float]:
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    own, children = _cpu()
    wall = time.perf_counter()
    yield
    own_after, children_after = _cpu()
    _ROWS.append((item.nodeid, own_after - own, children_after - children,
                  time.perf_counter() - wall))


def pytest_sessionfinish(session):
    out = _out_dir()
    out.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    own, children = _cpu()
    if worker == "main" and getattr(session.config.option, "numprocesses", None):
        worker, children = "controller", 0.0  # its children are the workers, counted there
    (out / f"{worker}.json").write_text(json.dumps(
        {"tests": _ROWS, "process_cpu": own, "children_cpu": children}))


def summary(folder: Path, top: int = 30) -> str:
    """The tests, files and folders that used the most CPU, from the workers' files."""
    tests: list[tuple[str, float, float, float]] = []
    process = children = 0.0
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        tests += [tuple(row) for row in data["tests"]]
        process += data["process_cpu"]
        children += data["children_cpu"]
    by_file: Counter[str] = Counter()
    by_folder: Counter[str] = Counter()
    for nodeid, own, kids, _wall in tests:
        path = nodeid.split("::")[0]
        by_file[path] += own + kids
        by_folder[path.split("/")[1] if "/" in path else path] += own + kids
    in_tests = sum(own + kids for _, own, kids, _ in tests)
    lines = [f"{len(tests)} tests; workers' CPU {process:.0f} s, their reaped children "
             f"{children:.0f} s; in tests {in_tests:.0f} s "
             f"(the rest: start-up, collection, session fixtures)", "", "By folder (CPU s):"]
    lines += [f"{cpu:8.1f}  {name}" for name, cpu in by_folder.most_common()]
    lines += ["", f"Top {top} files:"]
    lines += [f"{cpu:8.1f}  {name}" for name, cpu in by_file.most_common(top)]
    lines += ["", f"Top {top} tests (CPU own + children, wall):"]
    ranked = sorted(tests, key=lambda row: row[1] + row[2], reverse=True)[:top]
    lines += [f"{own + kids:8.1f} {wall:8.1f}  {nodeid}" for nodeid, own, kids, wall in ranked]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1]) if len(sys.argv) > 1 else _out_dir()))
