"""A database-wide data version, bumped automatically whenever the directory or
geography change, so that cached analysis results are invalidated on every app
server at once (the cache key carries the version; no process keeps state).

Responses are not tracked here: figures about people come only from the
published snapshot (:mod:`app.publication`), so cache keys for them carry the
snapshot's random token, which changes when a snapshot is published and never
with a single submission (and carries no response count or id).
"""

from __future__ import annotations

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from .models import (
    Area,
    AreaIndicator,
    Building,
    DataVersion,
    DerivedFigure,
    Postcode,
    Service,
    ServiceSession,
    TransportData,
    TravelTime,
)

TRACKED = (Area, AreaIndicator, DerivedFigure, Building, Service, ServiceSession, Postcode,
           TravelTime, TransportData)


def current(session) -> tuple[int, str]:
    """(data version, published snapshot token): changes when the directory or
    geography change or a snapshot is published."""
    from .publication import version as published_version

    version = session.scalar(select(DataVersion.version).where(DataVersion.id == 1)) or 0
    return int(version), published_version(session)


def bump(session) -> None:
    """Increment the version inside the caller's transaction."""
    result = session.execute(
        update(DataVersion).where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, changed_at=func.now())
    )
    if result.rowcount == 0:
        session.add(DataVersion(id=1, version=1))


@event.listens_for(Session, "before_flush")
def _bump_on_change(session, flush_context, instances) -> None:
    if session.info.get("_bumping"):
        return
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, TRACKED) for obj in changed):
        session.info["_bumping"] = True
        try:
            bump(session)
        finally:
            session.info["_bumping"] = False


def bump_for_bulk(session) -> None:
    """Call after bulk ``insert()``/``delete()`` statements, which skip flush events."""
    bump(session)
