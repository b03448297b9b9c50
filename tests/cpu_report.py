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
children figure and a short wall time as that, not as the test's own work.

The worker's *live* descendants are counted too (``_live_cpu``): the shared Chromium
and its renderers, Playwright's driver, servers and workers still running.  For each,
``/proc/<pid>/stat`` gives its own CPU and that of the children it has reaped (a
renderer closed with its browser context), so the sum, taken before and after each
test, is the CPU the test made them use.  Together with the worker's own and reaped
CPU it is the test's whole process tree (a process is counted alive or, once reaped,
in its reaper's figure, never both).  A process counted alive in earlier tests and
reaped in this one shows twice in this test's row: as reaped CPU (all it ever used) and
as a fall of the live figure (what was seen of it before); so a test's outside CPU is
the two added together, and below zero (a test that closed the shared Chromium, whose
CPU its driver reaped only in part) it counts as nothing.  Until 7 December 2026 the
summary added a reaped figure to a live one clipped at zero, which counted the shared
Chromium again wherever its driver was reaped (about 100 s a run).  Linux only
(``/proc``); elsewhere it is 0.
Nothing here is imported unless asked for.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

_ROWS: list[tuple[str, float, float, float, float]] = []
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_GC = {"seconds": 0.0, "passes": 0, "full": 0}
_GC_STARTED = [0.0]


def _out_dir() -> Path:
    return Path(os.environ.get("YVM_CPU_REPORT", "instance/cpu-report"))


def _cpu() -> tuple[float, float]:
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:  # each thread's own children (the live server's threads start some)
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _live_cpu() -> float:
    """CPU seconds of this process's live descendants, each with what it has reaped
    (utime, stime, cutime and cstime of ``/proc/<pid>/stat``)."""
    total, stack = 0, _children(os.getpid())
    while stack:
        pid = stack.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile: counted where it was reaped
        total += sum(int(x) for x in fields[11:15])
        stack += _children(pid)
    return total / _TICK


def _gc_timer(phase: str, info: dict) -> None:
    """Time each garbage collection of this process (``gc.callbacks``)."""
    if phase == "start":
        _GC_STARTED[0] = time.process_time()
        return
    _GC["seconds"] += time.process_time() - _GC_STARTED[0]
    _GC["passes"] += 1
    _GC["full"] += info["generation"] == 2


def pytest_configure(config):
    gc.callbacks.append(_gc_timer)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    own, children = _cpu()
    live = _live_cpu()
    wall = time.perf_counter()
    yield
    own_after, children_after = _cpu()
    _ROWS.append((item.nodeid, own_after - own, children_after - children,
                  time.perf_counter() - wall, _live_cpu() - live))


def pytest_sessionfinish(session):
    out = _out_dir()
    out.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    own, children = _cpu()
    if worker == "main" and getattr(session.config.option, "numprocesses", None):
        worker, children = "controller", 0.0  # its children are the workers, counted there
    (out / f"{worker}.json").write_text(json.dumps(
        {"tests": _ROWS, "process_cpu": own, "children_cpu": children, "gc": _GC}))


def summary(folder: Path, top: int = 30) -> str:
    """The tests, files and folders that used the most CPU, from the workers' files."""
    tests: list[tuple[str, float, float, float, float]] = []
    process = children = 0.0
    gc_time = Counter()
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        gc_time.update(data.get("gc", {}))
        # Older files have no live figure.  Reaped and live are one figure (see above):
        # kept as the reaped part and what the live part adds to it, never below zero.
        for row in data["tests"]:
            nodeid, own, kids, wall, live = (*row, 0.0)[:5]
            outside = max(kids + live, 0.0)
            tests.append((nodeid, own, min(kids, outside), wall, outside - min(kids, outside)))
        process += data["process_cpu"]
        children += data["children_cpu"]
    by_file: Counter[str] = Counter()
    by_folder: Counter[str] = Counter()
    for nodeid, own, kids, _wall, live in tests:
        path = nodeid.split("::")[0]
        by_file[path] += own + kids + live
        by_folder[path.split("/")[1] if "/" in path else path] += own + kids + live
    in_tests = sum(own + kids for _, own, kids, _, _ in tests)
    live_cpu = sum(row[4] for row in tests)
    lines = [f"{len(tests)} tests; workers' CPU {process:.0f} s, their reaped children "
             f"{children:.0f} s; in tests {in_tests:.0f} s "
             f"(the rest: start-up, collection, session fixtures); their live descendants "
             f"(Chromium, servers, workers) {live_cpu:.0f} s more during tests; "
             f"the whole tree during tests {in_tests + live_cpu:.0f} s",
             f"garbage collection in the test processes: {gc_time['seconds']:.1f} s in "
             f"{gc_time['passes']} passes, {gc_time['full']} of them full",
             "", "By folder (CPU s, live descendants included):"]
    lines += [f"{cpu:8.1f}  {name}" for name, cpu in by_folder.most_common()]
    lines += ["", f"Top {top} files:"]
    lines += [f"{cpu:8.1f}  {name}" for name, cpu in by_file.most_common(top)]
    lines += ["", f"Top {top} tests (CPU own + reaped, live descendants, wall):"]
    ranked = sorted(tests, key=lambda row: row[1] + row[2] + row[4], reverse=True)[:top]
    lines += [f"{own + kids:8.1f} {live:8.1f} {wall:8.1f}  {nodeid}"
              for nodeid, own, kids, wall, live in ranked]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1]) if len(sys.argv) > 1 else _out_dir()))
