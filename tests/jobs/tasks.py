"""Background tasks the job tests run.  Each writes a line to a file when a run
starts (so a test can count runs), and records its completion as an audit event
through the session, which the job runner commits with "finished" (so a test can
count completions the way a real job's database writes are counted)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.audit import record
from app.extensions import db
from app.jobs import report, task

STAFF = ("admin", "commissioner", "councillor")


def _started(log: str) -> int:
    with open(log, "a") as fh:
        fh.write(f"start {os.getpid()}\n")
    return len(Path(log).read_text().splitlines())


def _wait_for(path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.05)


@task(roles=STAFF, title="Counting test job", kind="test")
def held(log: str, release: str, label: str) -> str:
    """Start, say so, wait until the test lets it go, then complete."""
    _started(log)
    report(0.5, "Half way")
    _wait_for(release)
    record(db.session, user="test", action=f"done {label}", object_type="TestJob")
    return f"result for {label}"


@task(roles=STAFF, title="Flaky test job", kind="test")
def flaky(log: str, label: str) -> str:
    """Fails on its first run, completes on the second."""
    if _started(log) == 1:
        raise RuntimeError("first run fails")
    record(db.session, user="test", action=f"done {label}", object_type="TestJob")
    return "second time lucky"


@task(roles=STAFF, title="Broken test job", kind="test")
def broken(log: str) -> None:
    """Always fails, after starting a write that must not be kept."""
    _started(log)
    record(db.session, user="test", action="must not be kept", object_type="TestJob")
    raise ValueError("this task always fails")


@task(roles=("admin",), title="Admins' test job", kind="test")
def admins_only() -> int:
    return 42


@task(roles=STAFF, title="Cheap test job", kind="test")
def tick(log: str, label: str, wait: str | None = None) -> str:
    """Write ``label`` on a line of ``log`` when it starts (the order jobs started
    in, across processes: one short append each), then, if ``wait`` is given, wait
    until that file exists."""
    with open(log, "a") as fh:
        fh.write(f"{label}\n")
    if wait:
        _wait_for(wait, seconds=600)
    return label
