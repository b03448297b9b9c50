"""A database-wide data version, bumped automatically whenever the directory or
geography change, so that cached analysis results are invalidated on every app
server at once (the cache key carries the version; no process keeps state).

Responses are not tracked here: figures about people come only from the
published snapshot (:mod:`app.publication`), so cache keys for them carry the
snapshot's random token, which changes when a snapshot is published and never
with a single submission (and carries no response count or id).

A second counter, the **journey inputs version** (row 2 of ``data_version``),
moves only when something computed journeys read changes: a service's place or
whether it is active, a session's day or times, a service added or removed,
population and geography (areas, their indicators, postcodes) or the imported
road network and timetable.  A listing confirmed "still right", a price, a
description, a survey response or an audit event leave it alone, so they never
make journeys stale (:mod:`app.geodata.journeys`).  A session that committed
such a change carries ``session.info[JOURNEYS_CHANGED]``; the job layer queues
the recomputation once per request or command (:mod:`app.jobs.journeys`).
"""

from __future__ import annotations

import contextvars

from sqlalchemy import event, func, inspect, select, update
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
from .models.tenancy import current_council_id

TRACKED = (Area, AreaIndicator, DerivedFigure, Building, Service, ServiceSession, Postcode,
           TravelTime, TransportData)
DATA_ROW, JOURNEYS_ROW = 1, 2
# Read by journeys whatever changes (added, removed or edited).
JOURNEY_TABLES = (Area, AreaIndicator, Postcode, ServiceSession, TransportData)
# Of a service, journeys read only its place and whether it is active.
JOURNEY_SERVICE_COLUMNS = ("x", "y", "status")
JOURNEYS_CHANGED = "yvm_journey_inputs_changed"  # session.info: committed a journey change
_PENDING = "yvm_journey_inputs_pending"  # flushed, not yet committed


# Within one request (the web layer sets a scope: app/cache.py) the version is read once
# per session and council, not by every cached result the page asks for (seven times on
# a gap page).  The reading is forgotten when the session writes (a flush, a statement
# other than a SELECT, a bump) or its transaction ends; jobs and commands set no scope
# and read every time.
_scope: contextvars.ContextVar[object | None] = contextvars.ContextVar(
    "yvm_data_version_scope", default=None)
_READ = "yvm_data_version_read"  # session.info: ((scope, council), version)


def read_once_within(scope: object) -> contextvars.Token:
    """Read the version once per session and council until :func:`end_scope`."""
    return _scope.set(scope)


def end_scope(token: contextvars.Token) -> None:
    _scope.reset(token)


def current(session) -> tuple[int, str]:
    """(data version, published snapshot token): changes when the directory or
    geography change or a snapshot is published."""
    from .publication import version as published_version

    scope = _scope.get()
    key = (scope, current_council_id())
    if scope is not None:
        read = session.info.get(_READ)
        if read is not None and read[0] == key:
            return read[1]
    version = session.scalar(select(DataVersion.version).where(DataVersion.id == DATA_ROW)) or 0
    value = int(version), published_version(session)
    if scope is not None:
        session.info[_READ] = (key, value)
    return value


def _forget_read(session, *_args) -> None:
    session.info.pop(_READ, None)


for _name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(Session, _name, _forget_read)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_write(state) -> None:
    if not state.is_select:
        state.session.info.pop(_READ, None)


def journeys_version(session) -> int:
    """The journey inputs version: moves only when something journeys read changes."""
    return int(session.scalar(select(DataVersion.version)
                              .where(DataVersion.id == JOURNEYS_ROW)) or 0)


def bump(session) -> None:
    """Increment the version inside the caller's transaction, and the journey
    inputs version too (a caller's bulk statement may have changed anything)."""
    _bump(session, DATA_ROW)
    bump_journeys(session)


def _bump(session, row: int) -> None:
    session.info.pop(_READ, None)
    result = session.execute(
        update(DataVersion).where(DataVersion.id == row)
        .values(version=DataVersion.version + 1, changed_at=func.now())
    )
    if result.rowcount == 0:
        session.add(DataVersion(id=row, version=1))


def bump_journeys(session) -> None:
    """Mark journeys stale: the journey inputs changed in this transaction."""
    _bump(session, JOURNEYS_ROW)
    session.info[_PENDING] = True


def touches_journeys(obj, *, new_or_deleted: bool) -> bool:
    """Whether flushing ``obj`` changes something computed journeys read."""
    if isinstance(obj, JOURNEY_TABLES):
        return True
    if not isinstance(obj, Service):
        return False
    if new_or_deleted:
        return True
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in JOURNEY_SERVICE_COLUMNS)


@event.listens_for(Session, "before_flush")
def _bump_on_change(session, flush_context, instances) -> None:
    if session.info.get("_bumping"):
        return
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, TRACKED) for obj in changed):
        journeys = (any(touches_journeys(o, new_or_deleted=True)
                        for o in (*session.new, *session.deleted))
                    or any(touches_journeys(o, new_or_deleted=False) for o in session.dirty
                           if session.is_modified(o)))
        session.info["_bumping"] = True
        try:
            _bump(session, DATA_ROW)
            if journeys:
                bump_journeys(session)
        finally:
            session.info["_bumping"] = False


@event.listens_for(Session, "after_commit")
def _journeys_committed(session) -> None:
    if session.info.pop(_PENDING, False):
        session.info[JOURNEYS_CHANGED] = True


@event.listens_for(Session, "after_soft_rollback")
def _journeys_rolled_back(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing was kept
        session.info.pop(_PENDING, None)


def bump_for_bulk(session, *, journeys: bool = True) -> None:
    """Call after bulk ``insert()``/``delete()`` statements, which skip flush events
    (``journeys=False`` when they touched nothing journeys read)."""
    _bump(session, DATA_ROW)
    if journeys:
        bump_journeys(session)
