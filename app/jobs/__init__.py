"""Background jobs: slow work (the evidence PDF, large best-sites cases, big
imports) runs outside the request, with progress, and survives a worker being
killed.

* RQ on Redis when ``REDIS_URL`` is set: run ``flask jobs worker`` on as many
  machines as you like (docs/JOBS.md).
* Otherwise a thread pool inside each app process (``JOBS_THREADS``).

The API is the same for both::

    @task(roles=READERS, title="Making the PDF", kind="pdf")
    def evidence_pdf(args): ...            # runs in the app context; returns the result

    info = enqueue(evidence_pdf, {"args": ...}, key="version+parameters", user_id=me.id)
    info = status(info.id)                 # state, progress, message
    body = result(info.id)                 # once info.state == "finished"

A job is one row of the ledger (:mod:`.ledger`), keyed by its task and an
idempotency key: enqueueing the same work again returns the same job (its
cached result once finished, until ``JOBS_RESULT_TTL_SECONDS``).  A killed
worker's job is queued again when its lease lapses and finished exactly once.
Why our own ledger beside RQ: RQ alone loses the job a killed worker held until
its registry cleanup runs, and knows nothing of the database writes a job makes;
the ledger fences both.

Each council's jobs wait in a queue of their own and the workers serve the
councils in turn (:mod:`.fair`, :mod:`.rqfair`): one council's thousand jobs do
not hold up another council's one.

Each new job counts against its asker's and the council's quotas
(:mod:`.quotas`): over one, :func:`enqueue` raises :class:`QuotaExceeded`, which
the app answers with a 429 page saying what to wait for.  The key is the work
alone (data version and parameters), never anything from the request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Blueprint, current_app

from . import ledger, quotas
from .quotas import QuotaExceeded
from .runner import report

EXTENSION = "yvm_jobs"
bp = Blueprint("jobs", __name__, url_prefix="/jobs")  # views: app/jobs/routes.py

__all__ = ["JobInfo", "QuotaExceeded", "enqueue", "init_app", "latest", "report", "result", "result_url",
           "status", "task", "wait_for"]


def task(*, roles: tuple[str, ...], title: str, kind: str, result_url=None):
    """Mark a function as a background task that ``roles`` may follow and collect.

    ``title`` names it on the progress page; ``kind`` (``pdf``, ``journeys``,
    ``import``, ``sites``) is what its quota counts (:mod:`.quotas`);
    ``result_url(info)`` (called in a request with the finished job's
    :class:`JobInfo`) is where its result is collected.
    """
    def mark(func):
        func.yvm_task = True
        func.yvm_roles = tuple(roles)
        func.yvm_title = title
        func.yvm_kind = kind
        func.yvm_result_url = result_url
        func.yvm_path = f"{func.__module__}:{func.__name__}"
        return func
    return mark


@dataclass(frozen=True)
class JobInfo:
    id: str
    task: str
    state: str          # queued, running, finished or failed
    progress: float     # 0 to 1
    message: str
    attempts: int
    roles: tuple[str, ...]
    title: str
    params: dict

    @property
    def done(self) -> bool:
        return self.state in ("finished", "failed")


def backend():
    return current_app.extensions[EXTENSION]


def init_app(app) -> None:
    from .backends import RQ, InProcess

    app.extensions[EXTENSION] = RQ(app) if app.config.get("REDIS_URL") else InProcess(app)
    app.register_error_handler(QuotaExceeded, quotas.refused_page)
    from . import journeys  # journeys kept current: queued after a change (docs/JOURNEYS.md)

    journeys.init_app(app)
    from . import national  # the national roll-up kept current (docs/NATIONAL.md)

    national.init_app(app)


def start(app) -> None:
    """Start this process's heartbeat now rather than at its first job, so jobs a
    killed process held are taken up at once (``gunicorn.conf.py`` calls this
    in each worker)."""
    app.extensions[EXTENSION].start_heartbeat()


def enqueue(func, params: dict, *, key: str, user_id: int | None,
            council: str | None = None) -> JobInfo:
    """The job running ``func(**params)`` for ``key``: started unless the same job is
    already queued, running or finished (a failed one starts again).

    ``user_id`` is who asked (``None``: a command or the system); a job started for
    a person counts against the quotas and raises :class:`QuotaExceeded` when over
    one, leaving nothing queued.  ``key`` must name the work only: never the
    request's host or anything else a client can vary for free.  ``council`` is
    whose work it is (default :func:`quotas.council_for`): its quota, and its queue,
    which the workers serve in turn with every other council's."""
    b = backend()
    holds = b.holds_queued
    who = quotas.asker(user_id, func.yvm_kind, council)
    for _ in range(3):  # a job refused a moment ago under our feet: ask again
        jid, new = ledger.create(func.yvm_path, params, key, owner=b.owner if holds else None,
                                 lease_until=(time.time() + b.lease) if holds else None,
                                 result_ttl=b.result_ttl, asker=who)
        if new:
            refused = quotas.refusal(jid, who)
            if refused is not None:
                ledger.withdraw(jid)
                raise refused
            b.dispatch(jid, council=who["council"])
        info = _status(jid, who["council_id"])
        if info is not None:
            return info
    raise RuntimeError(f"job {jid} vanished while it was being queued")


def status(jid: str) -> JobInfo | None:
    return _status(jid, ledger.council_now())


def _status(jid: str, council_id: int) -> JobInfo | None:
    """The job's status if it is council ``council_id``'s (the current council)."""
    row = ledger.get(jid)
    if row is None or row.council_id != council_id:  # another council's: none
        return None
    from .runner import resolve

    try:
        func = resolve(row.task)
    except (LookupError, ImportError):
        func = None
    return JobInfo(id=row.id, task=row.task, state=row.state, progress=row.progress or 0.0,
                   message=row.message or "", attempts=row.attempts,
                   roles=getattr(func, "yvm_roles", ()),
                   title=getattr(func, "yvm_title", "Background job"),
                   params=dict(row.params or {}))


def latest(func) -> JobInfo | None:
    """The most recently made job of task ``func`` (any key), or ``None``."""
    jid = ledger.latest(func.yvm_path)
    return status(jid) if jid else None


def result_url(info: JobInfo) -> str | None:
    """Where a finished job's result is collected (``None`` until it is)."""
    if info is None or info.state != "finished":
        return None
    from .runner import resolve

    build = getattr(resolve(info.task), "yvm_result_url", None)
    return build(info) if build else None


def result(jid: str):
    """A finished job's result (``None`` if it has not finished)."""
    row = ledger.get(jid)
    if row is None or row.council_id != ledger.council_now():
        return None
    return ledger.load_result(row) if row.state == "finished" else None


def wait_for(jid: str, seconds: float) -> JobInfo | None:
    """The job's status once it is done, or after ``seconds`` (a page gives a quick
    job that long before it shows progress instead)."""
    deadline = time.monotonic() + seconds
    info = status(jid)
    while info is not None and not info.done and time.monotonic() < deadline:
        time.sleep(0.1)
        info = status(jid)
    return info
