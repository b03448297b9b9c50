"""The stored national roll-up: the one thing /national, its two CSVs and its HSDS
file are served from (docs/NATIONAL.md, "The stored roll-up").

A roll-up is what the national rebuild job (:mod:`app.jobs.national`) makes: the
:class:`~app.publication.national.NationalPicture` and the HSDS 3 document, made
together from the same council feeds, kept as one row of ``national_rollup``
(:class:`app.models.NationalRollup`) in the database, so every app server and
worker reads the same one.  The picture is stored as JSON, written and read field
by field (:mod:`.picture_json`): nothing stored is unpickled.  :func:`save` adds the
new row and deletes the older ones in the job's own transaction (committed with the
job's "finished"), so one roll-up is kept, however long ago it was made: it does
not depend on how long the job ledger keeps a finished job.

Each process keeps the last roll-up it read in memory, keyed by its row, so a
request reads one short row and decodes nothing unless a newer roll-up exists.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import BackgroundJob, NationalRollup
from ..publication.national import NationalPicture
from . import picture_json

TASK = "app.jobs.national:rebuild_national_job"  # its ``yvm_path``
KIND = "national"
_ROLLUP = NationalRollup.__table__
_JOBS = BackgroundJob.__table__
_memo: dict[str, Rollup] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Rollup:
    """One complete national roll-up: when it was put together (UTC, when the build
    started reading the councils' data), the picture, the HSDS file's text, the job
    that made it and what it was made from (each council's data version and
    published snapshot token, by council code)."""

    job_id: str | None
    built_at: datetime
    picture: NationalPicture
    hsds: str
    sources: Mapping[str, Any]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def save(session: Session, picture: NationalPicture, hsds: str, built_at: datetime, *,
         job_id: str | None, sources: Mapping[str, Any]) -> NationalRollup:
    """Store a new roll-up in ``session``'s transaction (the caller commits: the job
    runner, with the job's "finished") and delete every older one in the same
    transaction, so only the newest is kept."""
    row = NationalRollup(built_at=_aware(built_at), picture=picture_json.dump(picture),
                         hsds=hsds, councils=len(picture.councils), job_id=job_id,
                         sources=dict(sources))
    session.add(row)
    session.flush()
    # The newest by when it was built (a slower rebuild that started earlier and ends
    # later does not replace a newer one: its own row goes instead).
    newest = session.execute(select(NationalRollup.id).order_by(
        NationalRollup.built_at.desc(), NationalRollup.id.desc()).limit(1)).scalar_one()
    session.execute(delete(NationalRollup).where(NationalRollup.id != newest))
    return row


def _newest(conn: Connection) -> Row[Any] | None:
    return conn.execute(select(_ROLLUP.c.id, _ROLLUP.c.built_at, _ROLLUP.c.job_id)
                        .order_by(_ROLLUP.c.built_at.desc(), _ROLLUP.c.id.desc())
                        .limit(1)).first()


def latest() -> Rollup | None:
    """The newest complete roll-up (``None`` before the first).  The table is not
    council-owned (no scoping, no row-level security): any council's request reads
    the same roll-up."""
    for _attempt in range(3):  # replaced between the two reads: read the newer one
        with db.engine.connect() as conn:
            row = _newest(conn)
            if row is None:
                return None
            key = f"{db.engine.url}|{row.id}|{_aware(row.built_at).isoformat()}|{row.job_id}"
            with _lock:
                hit = _memo.get(key)
            if hit is not None:
                return hit
            full = conn.execute(select(_ROLLUP.c.picture, _ROLLUP.c.hsds, _ROLLUP.c.sources)
                                .where(_ROLLUP.c.id == row.id)).first()
        if full is None:
            continue
        rollup = Rollup(row.job_id, _aware(row.built_at), picture_json.load(full.picture),
                        full.hsds, dict(full.sources or {}))
        with _lock:
            _memo.clear()
            _memo[key] = rollup
        return rollup
    return None


def latest_id() -> str | None:
    """What names the current roll-up (the job that built it; ``None`` before the
    first): the rebuild job's key follows it."""
    with db.engine.connect() as conn:
        row = _newest(conn)
    if row is None:
        return None
    return row.job_id or f"rollup-{row.id}"


def in_use() -> bool:
    """Has a roll-up been made or asked for?  Until then nothing is kept current: the
    first /national (or ``flask national rebuild``) makes the first one."""
    with db.engine.connect() as conn:
        if conn.execute(select(_ROLLUP.c.id).limit(1)).first() is not None:
            return True
        return conn.execute(select(_JOBS.c.id).where(_JOBS.c.task == TASK).limit(1)
                            ).first() is not None


def being_built() -> bool:
    """Is a rebuild queued or running (any council's request may ask)?"""
    with db.engine.connect() as conn:
        return conn.execute(select(_JOBS.c.id).where(
            _JOBS.c.task == TASK, _JOBS.c.state.in_(("queued", "running"))).limit(1)
            ).first() is not None


__all__ = ["KIND", "TASK", "Rollup", "being_built", "in_use", "latest", "latest_id", "save"]
