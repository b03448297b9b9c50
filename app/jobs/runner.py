"""Run one job: claim it in the ledger, call its task, finish it (fenced).

A task is a plain function marked with :func:`app.jobs.task`, found by its
``module:name`` path.  It runs inside the app context, reads and writes through
``db.session`` and does **not** commit: the runner commits what it wrote
together with "finished", and rolls it back if the run lost the job (its lease
lapsed and another worker took over), so a job's effects happen once.
"""

from __future__ import annotations

import contextvars
import importlib
import logging
import traceback

from ..extensions import db
from ..models.tenancy import reset_current, set_current
from .ledger import fail, finish, progress, start

log = logging.getLogger(__name__)
_current: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("yvm_job", default=None)


def resolve(path: str):
    """The task function at ``module:name``; only functions marked as tasks."""
    module, _, name = path.partition(":")
    func = getattr(importlib.import_module(module), name, None)
    if not getattr(func, "yvm_task", None):
        raise LookupError(f"{path} is not a background task")
    return func


def report(fraction: float, message: str = "") -> None:
    """Progress from inside a task (ignored outside a job)."""
    current = _current.get()
    if current is not None:
        progress(*current, fraction, message)


def wait_while_others_run(kind: str, message: str, seconds: float = 1800.0) -> None:
    """Wait while another job of ``kind`` is running (the current job is a follow-up
    of it: the journeys update, the national rebuild), reporting ``message``."""
    import time

    from . import ledger

    mine = (_current.get() or (None,))[0]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        running = [j for j in ledger.active(kind=kind) if j != mine
                   and (row := ledger.get(j)) is not None and row.state == "running"]
        if not running:
            return
        report(0.01, message)
        time.sleep(1.0)


def perform(jid: str, backend) -> str:
    """Run job ``jid`` if no one else is; what became of it."""
    row = start(jid, backend.owner, backend.lease)
    if row is None:
        return "skipped"
    attempt = row.attempts
    # Work as the job's council (app/tenancy) from the task to the commit: its queries,
    # writes and, on PostgreSQL, row-level security see that council's rows only, and
    # "finished" is an ORM update of the job's own row, scoped like every other (under
    # any other council it matches nothing and the job would never finish).
    council = set_current(row.council_id)
    try:
        return _run_task(jid, row, backend, attempt)
    finally:
        reset_current(council)


def _run_task(jid: str, row, backend, attempt: int) -> str:
    token = _current.set((jid, backend.owner, attempt))
    try:
        result = resolve(row.task)(**(row.params or {}))
    except Exception as exc:  # noqa: BLE001 - recorded on the job, retried or failed
        db.session.rollback()
        log.warning("job %s (%s) attempt %s failed: %s", jid, row.task, attempt, exc)
        outcome = fail(jid, backend.owner, attempt,
                       "".join(traceback.format_exception_only(exc)).strip(),
                       max_attempts=backend.max_attempts,
                       requeue_owner=backend.owner if backend.holds_queued else None,
                       lease=backend.lease)
        if outcome == "queued":
            backend.dispatch(jid)
        return outcome or "lost"
    finally:
        _current.reset(token)
    if not finish(db.session, jid, backend.owner, attempt, result):
        db.session.rollback()  # another worker holds it now: keep nothing from this run
        log.warning("job %s (%s) attempt %s: no longer held by %s; its result is dropped",
                    jid, row.task, attempt, backend.owner)
        return "lost"
    db.session.commit()
    from . import journeys, national  # a job that changed their inputs queues the update

    journeys.after_commit()  # as the job's council: the update is queued for it
    national.after_commit()
    return "finished"


def perform_rq(jid: str) -> str:
    """RQ's entry point: run inside ``flask jobs worker`` (which holds the app context)."""
    from flask import current_app

    try:
        return perform(jid, current_app.extensions["yvm_jobs"])
    finally:
        db.session.remove()  # the worker's app context outlives each job
