"""The job ledger's statements (see :class:`app.models.BackgroundJob`).

Every change of state is one conditional UPDATE, so two workers that are
handed the same job (a re-delivery, a reclaimed lease) cannot both run it, and
a run that lost its lease cannot finish it: :func:`claim` succeeds for one of
them, and :func:`finish` only for the owner of the current attempt.  Each
statement runs in its own short transaction on the engine, apart from
:func:`finish`, which joins the task's session so that what a task wrote and
"finished" commit together or not at all.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from datetime import timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import BackgroundJob as J
from ..models.base import utcnow
from ..models.tenancy import resolve_council_id

ACTIVE = ("queued", "running")


def job_id(task: str, key: str, council_id: int | None = None) -> str:
    """The id of the job doing ``task`` for ``key`` for the current council (app/tenancy;
    ``council_id`` when the caller has it already): the same work is the same job; the
    same work for two councils is two jobs."""
    council = council_now() if council_id is None else council_id
    return hashlib.sha256(f"{task}\n{key}\n{council}".encode()).hexdigest()[:40]


def get(jid: str) -> J | None:
    with db.engine.connect() as conn:
        return conn.execute(select(J.__table__).where(J.id == jid)).first()


def council_of(jid: str) -> str | None:
    """The council whose queue job ``jid`` waits in (``None``: not recorded)."""
    with db.engine.connect() as conn:
        return conn.execute(select(J.council).where(J.id == jid)).scalar()


def waiting_by_council() -> dict[str | None, int]:
    """How many jobs each council has queued (not yet running), from the ledger."""
    with db.engine.connect() as conn:
        rows = conn.execute(select(J.council, func.count()).where(J.state == "queued")
                            .group_by(J.council))
        return {council: count for council, count in rows}


def latest(task: str) -> str | None:
    """The id of the current council's newest job of ``task``."""
    with db.engine.connect() as conn:
        return conn.execute(select(J.id).where(J.task == task,
                                               J.council_id == resolve_council_id(conn))
                            .order_by(J.created_at.desc()).limit(1)).scalar()


def council_now() -> int:
    """The current council's id (app/tenancy): jobs are shown to their council only."""
    with db.engine.begin() as conn:
        return resolve_council_id(conn)


def create(task: str, params: dict, key: str, *, owner: str | None, lease_until: float | None,
           result_ttl: float, asker: dict | None = None) -> tuple[str, bool]:
    """The job for ``task`` and ``key``; ``True`` when it must be handed to a worker
    (new, or a failed or expired one started again), ``False`` when it is already
    queued, running or finished.  ``asker`` (``user_id``, ``kind``, ``council``) is
    recorded on a job made or started again, for the quotas."""
    asker = dict(asker or {})
    jid = job_id(task, key, asker.get("council_id"))
    row = get(jid)
    if row is None:
        try:
            with db.engine.begin() as conn:
                conn.execute(insert(J).values(
                    id=jid, task=task, params=params, state="queued", progress=0.0,
                    attempts=0, owner=owner, lease_until=lease_until, created_at=utcnow(),
                    **asker))
        except IntegrityError:  # another request made it a moment ago
            return jid, False
        return jid, True
    expired = row.state == "finished" and row.finished_at is not None and _age(row) > result_ttl
    if row.state == "failed" or expired:
        with db.engine.begin() as conn:
            done = conn.execute(update(J).where(J.id == jid, J.state == row.state).values(
                state="queued", attempts=0, progress=0.0, message=None, error=None,
                result=None, finished_at=None, owner=owner, lease_until=lease_until,
                created_at=utcnow(), **asker))
        return jid, done.rowcount == 1
    return jid, False


def active(*, user_id: int | None = None, kind: str | None = None,
           council: str | None = None) -> list[str]:
    """Ids of the queued and running jobs matching every criterion given, oldest first."""
    query = select(J.id).where(J.state.in_(ACTIVE))
    if user_id is not None:
        query = query.where(J.user_id == user_id)
    if kind is not None:
        query = query.where(J.kind == kind)
    if council is not None:
        query = query.where(J.council == council)
    with db.engine.connect() as conn:
        return list(conn.execute(query.order_by(J.created_at, J.id)).scalars())


def withdraw(jid: str) -> bool:
    """Forget a job that was made (or started again) but refused before any worker
    was given it."""
    with db.engine.begin() as conn:
        return conn.execute(delete(J).where(J.id == jid, J.state == "queued",
                                            J.attempts == 0)).rowcount == 1


def _age(row) -> float:
    finished = row.finished_at
    if finished.tzinfo is None:  # SQLite keeps no zone; the values are UTC
        finished = finished.replace(tzinfo=utcnow().tzinfo)
    return (utcnow() - finished).total_seconds()


def claim(jid: str, owner: str, lease: float) -> int | None:
    """Start a run of a queued job (or of a running one whose lease lapsed); the
    attempt number, or ``None`` when another worker has it or it is done."""
    row = start(jid, owner, lease)
    return None if row is None else row.attempts


def start(jid: str, owner: str, lease: float):
    """:func:`claim`, returning the job's row as it now is (attempt, task, params,
    council) in the same statement, so a worker starts a job in one round trip."""
    now = time.time()
    with db.engine.begin() as conn:
        return conn.execute(update(J).where(
            J.id == jid,
            (J.state == "queued") | ((J.state == "running") & (J.lease_until < now)),
        ).values(state="running", owner=owner, lease_until=now + lease,
                 attempts=J.attempts + 1, message="Started")
            .returning(J.attempts, J.task, J.params, J.council_id)).first()


def heartbeat(owner: str, lease: float) -> None:
    """Renew the lease on every job ``owner`` holds."""
    with db.engine.begin() as conn:
        conn.execute(update(J).where(J.owner == owner, J.state.in_(ACTIVE))
                     .values(lease_until=time.time() + lease))


def progress(jid: str, owner: str, attempt: int, fraction: float, message: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(update(J).where(J.id == jid, J.owner == owner, J.attempts == attempt,
                                     J.state == "running")
                     .values(progress=max(0.0, min(1.0, float(fraction))),
                             message=message[:200]))


def finish(session, jid: str, owner: str, attempt: int, result) -> bool:
    """Mark the run finished with ``result``, in ``session``'s transaction (the
    caller commits); ``False`` if this run no longer holds the job."""
    done = session.execute(update(J).where(
        J.id == jid, J.owner == owner, J.attempts == attempt, J.state == "running",
    ).values(state="finished", result=pickle.dumps(result), progress=1.0, message="Done",
             owner=None, lease_until=None, finished_at=utcnow()))
    return done.rowcount == 1


def fail(jid: str, owner: str, attempt: int, error: str, *, max_attempts: int,
         requeue_owner: str | None, lease: float) -> str | None:
    """After a run raised: ``"queued"`` to try again, ``"failed"`` when out of
    attempts, ``None`` if this run no longer held the job."""
    retry = attempt < max_attempts
    with db.engine.begin() as conn:
        done = conn.execute(update(J).where(
            J.id == jid, J.owner == owner, J.attempts == attempt, J.state == "running",
        ).values(state="queued" if retry else "failed", error=error[:2000],
                 message="Trying again" if retry else "Failed",
                 owner=requeue_owner if retry else None,
                 lease_until=(time.time() + lease) if retry and requeue_owner else None,
                 finished_at=None if retry else utcnow()))
    if done.rowcount != 1:
        return None
    return "queued" if retry else "failed"


def reclaim(me: str, owner: str | None, lease: float) -> list[str]:
    """Jobs whose holder stopped renewing its lease (a killed worker or app
    process), queued again for ``owner`` (``None``: the RQ queue holds them).
    The jobs ``me`` holds are never taken: this process knows they are alive,
    however late its own heartbeat is on a busy machine."""
    now = time.time()
    with db.engine.begin() as conn:
        stale = conn.execute(select(J.id).where(J.state.in_(ACTIVE),
                                                J.lease_until.is_not(None),
                                                J.lease_until < now,
                                                J.owner.is_(None) | (J.owner != me))
                             ).scalars().all()
        taken = []
        for jid in stale:
            done = conn.execute(update(J).where(
                J.id == jid, J.state.in_(ACTIVE), J.lease_until < now,
            ).values(state="queued", owner=owner, message="Queued again after a worker stopped",
                     lease_until=(now + lease) if owner else None))
            if done.rowcount == 1:
                taken.append(jid)
    return taken


def prune(result_ttl: float) -> int:
    """Forget finished and failed jobs older than ``result_ttl`` seconds."""
    cutoff = utcnow() - timedelta(seconds=result_ttl)
    with db.engine.begin() as conn:
        return conn.execute(delete(J).where(J.state.in_(("finished", "failed")),
                                            J.finished_at < cutoff)).rowcount


def load_result(row):
    return None if row is None or row.result is None else pickle.loads(row.result)  # noqa: S301 - our own
