"""Every council-owned table scoped once, centrally (issue 27).

* ``do_orm_execute``: every ORM SELECT, UPDATE and DELETE gets
  ``with_loader_criteria(CouncilOwned, council_id == current)``, so no query in the
  app names the council and none can forget it;
* ``before_flush``: a new row gets the current council; a row of another council
  (new, changed or deleted) is refused with :class:`CrossCouncilWrite`;
* ``after_begin``: on PostgreSQL each transaction starts with
  ``set_config('app.council_id', id, true)`` (``SET LOCAL``), which the row-level
  security policies (:mod:`app.tenancy.rls`) compare every row with.

Core statements on ``Table`` objects and ``text()`` are not scoped by the ORM:
the ``council_id`` column default stamps their inserts, and on PostgreSQL the
database refuses anything else.  ``execution_options(all_councils=True)`` turns
the ORM scoping off for one statement (the councils list does not need it: the
``council`` table is not council-owned).
"""

from __future__ import annotations

from sqlalchemy import String, cast, event, func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, with_loader_criteria

from ..models.tenancy import (
    CouncilOwned,
    default_council_query,
    forget_cached,
    known_council_id,
    remember_default,
    resolve_council_id,
)

ALL_COUNCILS = "all_councils"


class CrossCouncilWrite(RuntimeError):
    """A write of a row that belongs to a council other than the current one."""


def _connection(session: Session):
    return session.connection()


@event.listens_for(Session, "do_orm_execute")
def _scope_queries(state) -> None:
    if state.execution_options.get(ALL_COUNCILS):
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # the parent query's criteria already apply to these loads
    if not state.is_orm_statement:
        return  # Core statements on tables and text(): nothing to add criteria to
    mappers = state.all_mappers  # (misses a select_from() entity: then applied anyway)
    if mappers and not any(issubclass(m.class_, CouncilOwned) for m in mappers):
        return  # the councils list: not council-owned, and must not make the default one
    council_id = resolve_council_id(_connection(state.session))
    state.statement = state.statement.options(with_loader_criteria(
        CouncilOwned, lambda cls: cls.council_id == council_id, include_aliases=True))


@event.listens_for(Session, "before_flush")
def _stamp_rows(session, flush_context, instances) -> None:
    owned_new = [o for o in session.new if isinstance(o, CouncilOwned)]
    owned_old = [o for o in (*session.dirty, *session.deleted) if isinstance(o, CouncilOwned)]
    if not owned_new and not owned_old:
        return
    council_id = resolve_council_id(_connection(session))
    for obj in owned_new:
        if obj.council_id is None:
            obj.council_id = council_id
        elif obj.council_id != council_id:
            raise CrossCouncilWrite(f"a new {type(obj).__name__} of council {obj.council_id} "
                                    f"while working for council {council_id}")
    for obj in owned_old:
        history = inspect(obj).attrs.council_id.history
        original = history.deleted[0] if history.deleted else obj.council_id
        if original != council_id or obj.council_id != council_id:
            raise CrossCouncilWrite(f"a {type(obj).__name__} of council {original} changed "
                                    f"while working for council {council_id}")


def set_database_council(connection) -> None:
    """``SET LOCAL app.council_id`` for the transaction on ``connection`` (PostgreSQL).

    Where no council was set (a command, a job or a test working for the deployment's
    default council) the default council's id is looked up and named in the same
    statement, and kept for the transaction: one round trip to the server, not two, at
    the start of every such transaction.  A missing default council row names no
    council (``''``: row-level security then shows no row), so it is made and named
    the long way.
    """
    if connection.dialect.name != "postgresql":
        return
    council_id = known_council_id(connection)
    if council_id is None:
        named = connection.execute(select(func.set_config(
            "app.council_id", cast(default_council_query().scalar_subquery(), String),
            True))).scalar()
        if named:
            remember_default(connection, int(named))
            return
        council_id = resolve_council_id(connection)  # makes the default council
    connection.execute(select(func.set_config("app.council_id", str(council_id), True)))


@event.listens_for(Session, "after_begin")
def _database_council(session, transaction, connection) -> None:
    set_database_council(connection)


@event.listens_for(Engine, "commit")
def _forget_on_commit(conn) -> None:
    forget_cached(conn)


@event.listens_for(Engine, "rollback")
def _forget_on_rollback(conn) -> None:
    forget_cached(conn)
