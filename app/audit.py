"""Append-only audit trail: who changed what, when, before and after."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import inspect

from .models import AuditEvent


def snapshot(obj, exclude: tuple[str, ...] = ()) -> dict:
    """A JSON-ready dict of a model instance's column values."""
    out = {}
    for attr in inspect(obj).mapper.column_attrs:
        if attr.key in exclude:
            continue
        value = getattr(obj, attr.key)
        if isinstance(value, bytes):
            continue
        if isinstance(value, (date, datetime, time)):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[attr.key] = value
    return out


def record(session, *, user, action: str, obj=None, object_type: str | None = None,
           object_id=None, before: dict | None = None, after: dict | None = None,
           note: str | None = None) -> AuditEvent:
    """Add an audit event to ``session`` (the caller commits with its change)."""
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    event = AuditEvent(
        user_id=getattr(user, "id", None),
        actor=getattr(user, "email", None) or str(user or "system"),
        action=action,
        object_type=object_type or "",
        object_id=None if object_id is None else str(object_id),
        before=before,
        after=after,
        note=note,
    )
    session.add(event)
    return event


def commit_change(session, *, user, action: str, obj=None, before: dict | None = None,
                  after=None, object_type: str | None = None, note: str | None = None):
    """Flush, record the audit event and commit: the one create-audit-commit step.

    ``after`` may be a dict or a callable returning one; a callable runs after
    the flush, so a new object's snapshot carries its id.  The change and its
    audit event commit together or not at all.
    """
    session.flush()
    record(session, user=user, action=action, obj=obj, object_type=object_type,
           before=before, after=after() if callable(after) else after, note=note)
    session.commit()
    return obj
