"""Act once after a commit that changed some models: one pattern for every module that
must notice such a commit (the national roll-up, the council table kept per process).

No Flask.  :func:`watch` registers four session listeners:

* ``before_flush``: an instance of a watched model is new, changed or deleted;
* ``do_orm_execute``: a bulk ``insert()``, ``update()`` or ``delete()`` names a watched
  model (bulk statements skip the flush events);
* ``after_commit``: if either was seen in this transaction, ``on_commit(session)`` runs,
  once;
* ``after_soft_rollback`` of the *outermost* transaction forgets what was seen.  A
  savepoint rolled back (``begin_nested``) forgets nothing: what was flushed before it is
  still to be committed (a change made inside the savepoint and rolled back with it
  still counts: one action too many, never one too few).  (SQLAlchemy's ``after_rollback`` fires for a savepoint too,
  which is why it is not used: the national roll-up once listened to it and would have
  missed a change followed by a failed savepoint.)

``app.dataversion`` has listeners of its own, because it writes the version row inside
the flush it notices; everything that only needs "a committed change to these models"
uses this.  SQLAlchemy has no ready-made "changed and committed" event, so this small
helper is kept instead of three copies of the same four listeners.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction


def watch(models: tuple[type, ...], on_commit: Callable[[Session], None], *,
          name: str) -> None:
    """Call ``on_commit(session)`` after each commit of a transaction that changed an
    instance (or a bulk statement) of one of ``models``.  ``name`` keys the mark in
    ``session.info`` and must be unique to the caller."""
    key = f"yvm_watch_{name}"

    def note_flush(session: Session, flush_context: UOWTransaction,
                   instances: object) -> None:
        if any(isinstance(o, models) for o in (*session.new, *session.dirty, *session.deleted)):
            session.info[key] = True

    def note_statement(state: ORMExecuteState) -> None:
        if not (state.is_update or state.is_delete or state.is_insert):
            return
        if any(issubclass(m.class_, models) for m in state.all_mappers):
            state.session.info[key] = True

    def committed(session: Session) -> None:
        if session.info.pop(key, False):
            on_commit(session)

    def rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
        if previous_transaction.parent is None:  # the outermost: none of it stays
            session.info.pop(key, None)

    event.listen(Session, "before_flush", note_flush)
    event.listen(Session, "do_orm_execute", note_statement)
    event.listen(Session, "after_commit", committed)
    event.listen(Session, "after_soft_rollback", rolled_back)
