"""The stored national roll-up: the one thing /national, its two CSVs and its HSDS
file are served from (docs/NATIONAL.md, "The stored roll-up").

A roll-up is the result of the national rebuild job (:mod:`app.jobs.national`):
the :class:`~app.publication.national.NationalPicture` and the HSDS 3 document,
made together from the same council feeds, kept in the job ledger's row
(``background_job.result``) in the database, so every app server and worker reads
the same one.  The newest finished rebuild is the current roll-up; each process
keeps the last one it read in memory, keyed by the job and when it finished, so a
request reads one short row and unpickles nothing unless a newer roll-up exists.
"""

from __future__ import annotations

import pickle
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Table, select, update

from ..extensions import db
from ..models import BackgroundJob
from ..models.base import utcnow
from ..publication.national import NationalPicture

TASK = "app.jobs.national:rebuild_national_job"  # its ``yvm_path``
KIND = "national"
_JOBS: Table = BackgroundJob.__table__  # type: ignore[assignment]
_memo: dict[str, Rollup] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Rollup:
    """One complete national roll-up: when it was put together (UTC, when the build
    started reading the councils' data), the picture and the HSDS file's text."""

    job_id: str
    built_at: datetime
    picture: NationalPicture
    hsds: str

    def age_seconds(self) -> float:
        return (utcnow() - _aware(self.built_at)).total_seconds()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def result(picture: NationalPicture, hsds: str, built_at: datetime) -> dict:
    """What the rebuild job returns (and the ledger keeps): a roll-up's parts."""
    return {"built_at": _aware(built_at), "picture": picture, "hsds": hsds,
            "councils": len(picture.councils)}


def _newest(conn):
    return conn.execute(select(_JOBS.c.id, _JOBS.c.finished_at).where(
        _JOBS.c.task == TASK, _JOBS.c.state == "finished", _JOBS.c.result.is_not(None))
        .order_by(_JOBS.c.finished_at.desc(), _JOBS.c.id).limit(1)).first()


def latest() -> Rollup | None:
    """The newest complete roll-up (``None`` before the first).  The ledger's table has
    no row-level security (every worker reads it across councils): any council's
    request reads the same roll-up."""
    for _attempt in range(3):  # superseded between the two reads: read the newer one
        with db.engine.connect() as conn:
            row = _newest(conn)
            if row is None:
                return None
            key = f"{db.engine.url}|{row.id}|{row.finished_at.isoformat()}"
            with _lock:
                hit = _memo.get(key)
            if hit is not None:
                return hit
            blob = conn.execute(select(_JOBS.c.result).where(_JOBS.c.id == row.id)).scalar()
        if blob is None:
            continue
        value = pickle.loads(blob)  # noqa: S301 - our own job's result
        rollup = Rollup(row.id, value["built_at"], value["picture"], value["hsds"])
        with _lock:
            _memo.clear()
            _memo[key] = rollup
        return rollup
    return None


def latest_id() -> str | None:
    """The id of the job whose roll-up is current (``None`` before the first)."""
    with db.engine.connect() as conn:
        row = _newest(conn)
    return row.id if row is not None else None


def forget_superseded() -> int:
    """Drop the stored results of every finished rebuild but the current one (a new
    rebuild is about to replace it), so the ledger holds at most two roll-ups however
    often councils change (each is the whole HSDS file: tens of MB at 150 councils);
    the rows themselves go when the ledger prunes them."""
    with db.engine.begin() as conn:
        keep = _newest(conn)
        if keep is None:
            return 0
        return conn.execute(update(_JOBS).where(
            _JOBS.c.task == TASK, _JOBS.c.state == "finished", _JOBS.c.id != keep.id,
            _JOBS.c.result.is_not(None)).values(result=None)).rowcount


def in_use() -> bool:
    """Has a roll-up been made or asked for?  Until then nothing is kept current: the
    first /national (or ``flask national rebuild``) makes the first one."""
    with db.engine.connect() as conn:
        return conn.execute(select(_JOBS.c.id).where(_JOBS.c.task == TASK).limit(1)
                            ).first() is not None


def being_built() -> bool:
    """Is a rebuild queued or running (any council's request may ask)?"""
    with db.engine.connect() as conn:
        return conn.execute(select(_JOBS.c.id).where(
            _JOBS.c.task == TASK, _JOBS.c.state.in_(("queued", "running"))).limit(1)
            ).first() is not None


__all__ = ["KIND", "TASK", "Rollup", "being_built", "forget_superseded", "in_use", "latest", "latest_id", "result"]
